# 10 000 threshold crossings a second (issue 18), in the paced boot
# (-icount; 2 of its CPUs up), where the guest keeps a 100 us period:
# every wakeup over a thread-latency threshold of 0, a listener for D
# s. Each CPU sends at most 10 events a second and counts the rest as
# suppressed:
# every record from a CPU's first event to its last is either sent or
# counted, the listener's events have no gap in their sequence, and the
# two watched processes are sampled as often as in a quiet window before
# it. Rates are over the window on /proc/uptime's clock, not tmon's
# counters.
. /tests/lib.sh

D=2 P=100000
paced_cpus_up 2
[ "$(nr_online)" -ge 2 ] || fail "$(nr_online) CPU online"
load log_sec=0 log_nsec=$P history=32768 sample_every=1
sleep 100000 & z0=$!
sleep 100000 & z1=$!
trap 'kill $z0 $z1 2>/dev/null' EXIT
watch $z0
watch $z1
wait_for 10 has_samples $z1 10 || fail "no samples of $z1"
# window CASE: a listener for D s, with every wakeup over a threshold of
# 0 (storm) or no threshold (quiet); then the history is held still (a
# 600 s period: it keeps 3 s at this rate) and each process's samples in
# the window, and the rounds skipped, go to /tmp/samples.CASE.
window() {
	[ $1 = quiet ] || write_param thread_threshold_ns 0 || fail "threshold 0 refused"
	t0=$(now_ms) k0=$(sysv samples_skipped)
	tmonctl events -j -d $D >/tmp/ev || fail "tmonctl events: exit $?"
	t1=$(now_ms) k1=$(sysv samples_skipped)
	write_param log_sec 600 || fail "log_sec=600 refused"
	write_param thread_threshold_ns off || fail "threshold off refused"
	# (the window is the listener's; its ends are within 10 ms, /proc/uptime's step)
	ms=$((t1 - t0))
	[ "$ms" -ge $((D * 1000)) ] || fail "the listener returned after $ms ms, before its $D s"
	for z in $z0 $z1; do
		awk -v p=$z -v a=$t0 -v b=$t1 '$1 == "pid" && $2 == p && $6 > a * 1e6 && $6 <= b * 1e6 { n++ }
			END { print n + 0 }' $DBG/tasks
	done | tr '\n' ' ' >/tmp/samples.$1
	echo "$((k1 - k0)) $((ms * 1000000 / P))" >>/tmp/samples.$1
	note "$1: samples of $z0 and $z1, rounds skipped, periods: $(cat /tmp/samples.$1)"
}
window quiet
write_param log_sec 0 || fail "log_sec=0 refused"
window storm

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

# Sampling at its rate: each process's records in the storm's window,
# against the periods in it, at least 95 % as many as in the quiet window;
# a round its sampler could not take in time is counted as skipped
# (samples_skipped), and with those none is missing.
read -r q0 q1 _ qp </tmp/samples.quiet
read -r n0 n1 k p </tmp/samples.storm
for i in 0 1; do
	eval "n=\$n$i q=\$q$i"
	[ $((n * 100 * qp)) -ge $((q * 95 * p)) ] || fail "process $i: $n samples in $p periods in the storm, $q in $qp quiet"
done
[ $(((n0 + n1 + k) * 100)) -ge $((2 * p * 99)) ] || fail "$((n0 + n1)) samples and $k skipped in $((2 * p)) process-periods"
unload
