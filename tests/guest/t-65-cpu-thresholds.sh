# Per-CPU latency thresholds (set-thresholds, an admin's): a threshold of
# 0 on one CPU brings events of that CPU only, and status shows it there
# only; without a CPU every CPU's is set; the parameters set every CPU's.
# Refused, changing nothing: another user, a CPU that does not exist, a
# value over the longest period, no threshold. The events carry the
# interrupts and softirqs of the delay window, no more than the CPU's
# own counts (/proc/softirqs) rose meanwhile.
. /tests/lib.sh

[ "$(nr_online)" -ge 2 ] || { echo "needs 2 CPUs"; exit 77; }
U="tmon-helper asuser 1000"
OFF=18446744073709551615
load log_sec=0 log_nsec=10000000
ynl_session

# thresholds: each CPU's "cpu thread irq" from GET_STATUS (- for off).
thresholds() {
	ynl --do get-status | jq -r '."cpu-status"[] | "\(.cpu) \(."thread-threshold-ns" // "-") \(."irq-threshold-ns" // "-")"'
}
# softirqs CPU: the CPU's softirqs since boot, /proc/softirqs's column.
softirqs() { awk -v c=$(($1 + 2)) 'NR > 1 { n += $c } END { print n }' /proc/softirqs; }

tmonctl events -j -d $((60 * SLOW)) >/tmp/ev & l=$!
# (the listener is subscribed once it got an event of a threshold of all)
out=$(ynl --do set-thresholds --json '{"thread-threshold-ns": 0}') || fail "set-thresholds of all: $out"
wait_for 10 grep -q thread-latency /tmp/ev || fail "no event with every CPU at threshold 0"
[ "$(thresholds | awk '$2 != 0' | wc -l)" = 0 ] || fail "thresholds after setting all to 0: $(thresholds)"
echo off >$PAR/thread_threshold_ns
[ "$(thresholds | awk '$2 != "-" || $3 != "-"' | wc -l)" = 0 ] || fail "thresholds after the parameter off: $(thresholds)"

# One CPU.
before=$(thresholds)
for bad in '{"cpu": 1, "thread-threshold-ns": 3600000000001}' '{"cpu": 4096, "thread-threshold-ns": 0}' \
	   '{"cpu": 1}'; do
	out=$(ynl --do set-thresholds --json "$bad" 2>&1) && fail "set-thresholds $bad accepted"
	note "refused: $bad: $(echo "$out" | grep -o "'msg': '[^']*'")"
done
out=$($U python3 /ynl/cli.py --spec /ynl/tmon.yaml --no-schema --do set-thresholds \
	--json '{"thread-threshold-ns": 0}' 2>&1) && fail "uid 1000 set thresholds: $out"
echo "$out" | grep -q "CAP_SYS_ADMIN" || fail "uid 1000: $out"
[ "$(thresholds)" = "$before" ] || fail "refused requests changed thresholds: $(thresholds)"

s0=$(softirqs 1)
out=$(ynl --do set-thresholds --json '{"cpu": 1, "thread-threshold-ns": 0}') || fail "set-thresholds cpu 1: $out"
t0=$(tmon-helper now)
[ "$(thresholds | awk '$2 != "-"')" = "1 0 -" ] || fail "thresholds with cpu 1's at 0: $(thresholds)"
# Events of wakeups due in the next 2 s (the earlier ones may still come).
ev1() { jq -c --argjson t0 "$t0" 'select(.kind == "thread-latency" and .expected_ns > $t0 * 1e9 and
	.expected_ns < ($t0 + 2) * 1e9)' /tmp/ev; }
wait_for 10 sh -c "tail -n 1 /tmp/ev | jq -e '.expected_ns > ($t0 + 2) * 1e9' >/dev/null" ||
	fail "no event of cpu 1 after 2 s at threshold 0"
out=$(ynl --do set-thresholds --json "{\"cpu\": 1, \"thread-threshold-ns\": $OFF}") || fail "cpu 1 off: $out"
s1=$(softirqs 1)
[ "$(thresholds | awk '$2 != "-" || $3 != "-"' | wc -l)" = 0 ] || fail "thresholds after cpu 1 off: $(thresholds)"
ev1 >/tmp/ev1
# (10 events a second a CPU at most: 2 s of every wakeup over it fill that)
[ "$(wc -l </tmp/ev1)" -ge 10 ] || fail "$(wc -l </tmp/ev1) events of cpu 1 in 2 s at threshold 0"
other=$(jq -c 'select(.cpu != 1)' /tmp/ev1 | head -n 1)
[ -z "$other" ] || fail "an event of another CPU: $other"
# (the window's counts are the CPU's: there even where the cause is left out)
jq -c 'select((.cause_irqs | type) != "number" or (.cause_softirqs | type) != "number")' /tmp/ev1 |
	head -n 1 >/tmp/bad
[ -s /tmp/bad ] && fail "an event without the window's counts: $(cat /tmp/bad)"
sum=$(jq -s 'map(.cause_softirqs) | add' /tmp/ev1)
note "$(wc -l </tmp/ev1) events of cpu 1 in 2 s, e.g. $(head -n 1 /tmp/ev1)"
note "softirqs in their windows: $sum; cpu 1's /proc/softirqs rose by $((s1 - s0))"
[ "$sum" -le $((s1 - s0)) ] || fail "windows hold $sum softirqs, cpu 1 ran $((s1 - s0))"

kill $l
wait $l
ynl_session_end
unload
note "ok"
