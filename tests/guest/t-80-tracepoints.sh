# Tracepoints tmon:tmon_wakeup and tmon:tmon_task_sample: present, at the
# configured rate, and carrying exactly what the debugfs records hold.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
load log_sec=0 log_nsec=50000000
sleep 100000 & idle=$!
watch $idle
[ -d $T/events/tmon/tmon_wakeup ] && [ -d $T/events/tmon/tmon_task_sample ] || fail "tmon events missing"
grep -q 'field:u64 latency_ns' $T/events/tmon/tmon_wakeup/format || fail "tmon_wakeup has no latency_ns field"

echo >$T/trace
echo 1 >$T/events/tmon/enable
sleep 3
echo 0 >$T/events/tmon/enable
cat $T/trace >/tmp/trace
n=$(nr_online)
# The wakeup events' fields: cpu seq expected_ns latency_ns irq_latency_ns missed run_ns.
sed -n 's/.*tmon_wakeup: cpu=\([0-9]*\) seq=\([0-9]*\) expected_ns=\([0-9]*\) latency_ns=\([0-9]*\) irq_latency_ns=\([0-9]*\) missed=\([0-9]*\) run_ns=\([0-9]*\)$/\1 \2 \3 \4 \5 \6 \7/p' \
	/tmp/trace >/tmp/ev
# Every wakeup while the events were on gave one, at the configured
# rate: per CPU the events' seqs are consecutive and their expected
# times one period apart (times 1 + missed), over at least 90 % of the
# 3 s. (Counted by seq, not against a clock read around the echos:
# enabling and disabling events took over a second on the debug kernel.)
exp=$((3000 * 9 / 10 / 50))
for c in $(online_cpus); do
	got=$(awk -v c="$c" -v p=50000000 '$1 != c { next }
		k++ && ($2 != s + 1 || $3 != e + p * (1 + m)) { bad++ }
		{ s = $2; e = $3; m = $6 } END { print k + 0, bad + 0 }' /tmp/ev)
	note "cpu $c: tmon_wakeup events, and breaks in their seq or period: $got"
	[ "${got#* }" = 0 ] || fail "cpu $c: $got: an event lost, or not at the period"
	[ "${got% *}" -ge $exp ] || fail "cpu $c: ${got% *} events in 3 s at 50 ms, expected $exp or more"
done
got=$(sed -n "s/.*tmon_task_sample: pid=$idle seq=\([0-9]*\) .*/\1/p" /tmp/trace |
	awk 'NR > 1 && $1 != s + 1 { bad++ } { s = $1 } END { print NR, bad + 0 }')
note "tmon_task_sample events for pid $idle, and breaks in their seq: $got"
[ "${got#* }" = 0 ] || fail "pid $idle: $got: a task sample event lost"
[ "${got% *}" -ge $exp ] || fail "pid $idle: ${got% *} task sample events in 3 s at 50 ms, expected $exp or more"

# Each event equals the debugfs record with the same cpu and seq.
awk '{ print $2, $4, $6, $8, $28, $30, $10 }' $DBG/cpus >/tmp/rec
nev=$(wc -l </tmp/ev)
[ "$nev" -ge $((n * exp)) ] || fail "could not parse the events ($nev)"
# Every event must match a record; print how many did.
matched=$(awk 'NR == FNR { rec[$0] = 1; next } ($0 in rec) { m++ } END { print m + 0 }' /tmp/rec /tmp/ev)
note "$matched of $nev events equal their debugfs record"
[ "$matched" -eq "$nev" ] || fail "$((nev - matched)) events differ from the debugfs records"
kill $idle
unload
note "ok"
