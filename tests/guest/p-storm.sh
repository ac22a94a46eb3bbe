# 10 000 threshold crossings a second (issue 18), in the paced boot
# (-icount, 2 CPUs), where the guest keeps a 100 us period: every wakeup
# over a thread-latency threshold of 0, a listener for D s. Each CPU
# sends at most 10 events a second and counts the rest as suppressed:
# every record from a CPU's first event to its last is either sent or
# counted, the listener's events have no gap in their sequence, and the
# two watched processes are still sampled every period. Rates are over
# the window on /proc/uptime's clock, not tmon's counters.
. /tests/lib.sh

D=2 P=100000
paced_cpus_up
[ "$(nr_online)" -ge 2 ] || fail "$(nr_online) CPU online"
load log_sec=0 log_nsec=$P history=32768 sample_every=1
sleep 100000 & z0=$!
sleep 100000 & z1=$!
trap 'kill $z0 $z1 2>/dev/null' EXIT
watch $z0
watch $z1
wait_for 10 has_samples $z1 10 || fail "no samples of $z1"
write_param thread_threshold_ns 0 || fail "threshold 0 refused"
t0=$(now_ms) k0=$(sysv samples_skipped)
tmonctl events -j -d $D >/tmp/ev || fail "tmonctl events: exit $?"
t1=$(now_ms) k1=$(sysv samples_skipped)
# (the histories hold 3 s at this rate: a 600 s period keeps the window's)
write_param log_sec 600 || fail "log_sec=600 refused"
write_param thread_threshold_ns off || fail "threshold off refused"
# (the window is the listener's; its ends are within 10 ms, /proc/uptime's step)
ms=$((t1 - t0))
[ "$ms" -ge $((D * 1000)) ] || fail "the listener returned after $ms ms, before its $D s"

# Crossings: the records whose expiry is in the window, every one over 0.
rec=$(awk -v a=$t0 -v b=$t1 '$1 == "cpu" && $6 > a * 1e6 && $6 <= b * 1e6 && $8 > 0 { n++ } END { print n + 0 }' $DBG/cpus)
note "$rec crossings in $ms ms: $((rec * 1000 / ms)) a second over $(nr_online) CPUs"
[ $((rec * 1000 / ms)) -ge 10000 ] || fail "$((rec * 1000 / ms)) crossings a second, wanted 10000"

# The events: within the rate, every record accounted, no gap.
jq -r 'select(.kind == "thread-latency") | "\(.cpu) \(.record_seq) \(.suppressed) \(.seq)"' /tmp/ev >/tmp/tl
[ -s /tmp/tl ] || fail "no thread-latency event: $(head -n 3 /tmp/ev)"
awk -v d=$D '{ c = $1; n[c]++; if (n[c] == 1) f[c] = $2; else s[c] += $3; l[c] = $2 }
	END { for (c in n) {
		printf "cpu %s: %d events, %d suppressed after the first, records %d..%d\n", c, n[c], s[c], f[c], l[c]
		if (l[c] - f[c] != n[c] - 1 + s[c]) { print "  not every record sent or counted"; bad = 1 }
		if (n[c] > 10 * (d + 1)) { print "  more events than the rate lets out"; bad = 1 } }
	exit bad }' /tmp/tl >/tmp/acc || fail "events: $(cat /tmp/acc)"
cat /tmp/acc
jq -r .seq /tmp/ev | awk 'NR > 1 && $1 != s + 1 { print "seq " s " then " $1; bad = 1 } { s = $1 } END { exit bad }' ||
	fail "a gap in the events' seq"

# Sampling at its rate: each process's records in the window, against
# the periods in it; a round its sampler could not take in time is
# counted as skipped (samples_skipped), and with those none is missing.
tot=0
for z in $z0 $z1; do
	n=$(awk -v p=$z -v a=$t0 -v b=$t1 '$1 == "pid" && $2 == p && $6 > a * 1e6 && $6 <= b * 1e6 { n++ } END { print n + 0 }' $DBG/tasks)
	note "pid $z: $n samples in $ms ms ($((ms * 10)) periods)"
	[ $((n * 100)) -ge $((ms * 10 * 95)) ] || fail "pid $z sampled $n times in $((ms * 10)) periods"
	tot=$((tot + n))
done
k=$((k1 - k0))
note "samples skipped meanwhile: $k; with the samples, $((tot + k)) of $((2 * ms * 10))"
[ $(((tot + k) * 100)) -ge $((2 * ms * 10 * 99)) ] || fail "$tot samples and $k skipped in $((2 * ms * 10)) process-periods"
unload
