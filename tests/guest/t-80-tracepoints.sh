# Tracepoints tmon:tmon_wakeup and tmon:tmon_task_sample: present, at the
# configured rate, and carrying exactly what the debugfs records hold.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
load log_sec=0 log_nsec=50000000
sleep 1000 & idle=$!
watch $idle
[ -d $T/events/tmon/tmon_wakeup ] && [ -d $T/events/tmon/tmon_task_sample ] || fail "tmon events missing"
grep -q 'field:u64 latency_ns' $T/events/tmon/tmon_wakeup/format || fail "tmon_wakeup has no latency_ns field"

echo >$T/trace
echo 1 >$T/events/tmon/enable
t0=$(now_ms)
sleep 3
echo 0 >$T/events/tmon/enable
t1=$(now_ms)
cat $T/trace >/tmp/trace
n=$(nr_online)
exp=$(((t1 - t0) * 1000000 / 50000000))
for c in $(online_cpus); do
	got=$(grep -c "tmon_wakeup: cpu=$c " /tmp/trace)
	note "cpu $c: $got tmon_wakeup events in $((t1 - t0)) ms, expected $exp"
	[ $((got * 100)) -ge $((exp * 90)) ] && [ $((got * 100)) -le $((exp * 110 + 100)) ] ||
		fail "cpu $c: $got events, expected $exp +-10%"
done
samples=$(grep -c "tmon_task_sample: pid=$idle " /tmp/trace)
note "$samples tmon_task_sample events for pid $idle"
[ $((samples * 100)) -ge $((exp * 90)) ] && [ $((samples * 100)) -le $((exp * 110 + 100)) ] ||
	fail "$samples task samples, expected $exp +-10%"

# Each event equals the debugfs record with the same cpu and seq.
sed -n 's/.*tmon_wakeup: cpu=\([0-9]*\) seq=\([0-9]*\) expected_ns=\([0-9]*\) latency_ns=\([0-9]*\) irq_latency_ns=\([0-9]*\) missed=\([0-9]*\) run_ns=\([0-9]*\)$/\1 \2 \3 \4 \5 \6 \7/p' \
	/tmp/trace >/tmp/ev
awk '{ print $2, $4, $6, $8, $28, $30, $10 }' $DBG/cpus >/tmp/rec
nev=$(wc -l </tmp/ev)
[ "$nev" -ge $((n * exp * 9 / 10)) ] || fail "could not parse the events ($nev)"
# Every event must match a record; print how many did.
matched=$(awk 'NR == FNR { rec[$0] = 1; next } ($0 in rec) { m++ } END { print m + 0 }' /tmp/rec /tmp/ev)
note "$matched of $nev events equal their debugfs record"
[ "$matched" -eq "$nev" ] || fail "$((nev - matched)) events differ from the debugfs records"
kill $idle
unload
note "ok"
