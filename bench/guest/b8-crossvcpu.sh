# Section 8: what a busy vCPU does to the other vCPU's wakeups, for tmon
# and cyclictest alike. Both at 100 us and SCHED_FIFO 95, every CPU
# released at once (cyclictest -A), 5 s each: on the idle guest, then
# with a user-space loop (SCHED_OTHER, bench-helper burn) pinned to CPU 0.
# "R XVCPU TOOL CASE CPU WAKEUPS P50_NS P99_NS MAX_NS LATE" where LATE
# counts the wakeups 100 us or more late; "R XMISSED CASE CPU N" tmon's
# expiries folded into later wakeups. Then 1 s of tmon under the loop in
# the trace buffer: for each of CPU 1's late wakeups, between its
# sched_wakeup and its sched_switch, how many timer interrupts came and
# how many other events CPU 1 recorded: "R XTRACE LATE IRQS OTHER".
. /tests/lib.sh
. /tests/blib.sh
W=$(bparam xvcpu 5)
P=100	# us
mono_ns() { awk '{ printf "%.0f\n", $1 * 1e9 }' /proc/uptime; }
# The loop runs only while a case measures: left running with no timer
# on CPU 1, it kept CPU 1 from running anything long enough for the soft
# lockup watchdog to report it.
burner=
burn_start() { [ "$1" = idle ] || { bench-helper burn 1000000 0 >/dev/null & burner=$!; }; }
burn_stop() { [ -z "$burner" ] || { kill "$burner"; wait "$burner" 2>/dev/null; burner=; }; }

tmon_case() {	# tmon_case CASE
	load log_sec=0 log_nsec=$((P * 1000)) history=65536 prio=95
	sleep 1
	burn_start "$1"
	t0=$(mono_ns)
	sleep "$W"
	t1=$(mono_ns)
	burn_stop
	write_param log_sec 600 || fail "log_sec=600 refused"
	sleep 1
	awk -v t0="$t0" -v t1="$t1" '$1 == "cpu" && $6 > t0 && $6 <= t1 { print $2, $8, $30 }' $DBG/cpus |
		sort -k1,1n -k2,2n | awk -v n="$1" '{ k[$1]++; v[$1, k[$1]] = $2; m[$1] += $3; if ($2 >= 100000) l[$1]++ }
		END { for (c in k) {
			print "R XVCPU tmon", n, c, k[c], v[c, int(k[c] * 0.5) + 1], v[c, int(k[c] * 0.99) + 1], v[c, k[c]], l[c] + 0
			print "R XMISSED", n, c, m[c] + 0 } }'
	unload
}

ct_case() {	# ct_case CASE
	burn_start "$1"
	cyclictest -q -m -a 0,1 -t 2 -i $P -d 0 -D "$W" -p 95 -A 0 -h 5000 >/tmp/ct 2>&1 ||
		fail "cyclictest: $(tail -n 3 /tmp/ct)"
	burn_stop
	# (1 us buckets; overflows, beyond 5 ms, count as late at the max)
	decimal </tmp/ct | awk -v n="$1" '/^[0-9]/ { for (i = 2; i <= 3; i++) { h[i, $1 + 0] = $i + 0; t[i] += $i } }
		/^# Histogram Overflows:/ { o[2] = $4 + 0; o[3] = $5 + 0 }
		/^# Max Latencies:/ { mx[2] = $4 + 0; mx[3] = $5 + 0 }
		END { for (i = 2; i <= 3; i++) {
			n_ = t[i] + o[i]; s = 0; p50 = p99 = -1; late = o[i]
			for (u = 0; u < 5000; u++) { s += h[i, u]; if (p50 < 0 && s >= n_ * 0.5) p50 = u
				if (p99 < 0 && s >= n_ * 0.99) p99 = u; if (u >= 100) late += h[i, u] }
			if (p99 < 0) p99 = mx[i]
			print "R XVCPU cyclictest", n, i - 2, n_, p50 * 1000, p99 * 1000, mx[i] * 1000, late } }'
}

r XVCPUCFG period_us $P seconds $W
tmon_case idle
ct_case idle
tmon_case burn-cpu0
ct_case burn-cpu0

T=/sys/kernel/tracing
grep -q " $T " /proc/mounts || mount -t tracefs nodev $T || fail "no tracefs"
load log_sec=0 log_nsec=$((P * 1000)) prio=95
sleep 1
echo 0 >$T/tracing_on
echo >$T/trace
echo 8192 >$T/buffer_size_kb
for e in sched/sched_switch sched/sched_wakeup timer/hrtimer_expire_entry tmon/tmon_wakeup; do
	echo 1 >$T/events/$e/enable || fail "event $e"
done
burn_start burn-cpu0
echo 1 >$T/tracing_on
sleep 1
echo 0 >$T/tracing_on
burn_stop
# (read before the unload, which takes the tmon events away)
awk '/\[001\]/ {
	if (/sched_wakeup: comm=tmon\//) { w = 1; irqs = other = 0; next }
	if (/sched_switch:.*next_comm=tmon\//) { sw = 1; next }
	if (/ tmon_wakeup:/) { split($0, a, " latency_ns="); split(a[2], b, " ")
		if (w && sw && b[1] + 0 >= 100000) { n++; ti += irqs; to += other }
		w = sw = 0; next }
	if (w && !sw) { if (/hrtimer_expire_entry:/) irqs++; else other++ } }
	END { print "R XTRACE", n + 0, ti + 0, to + 0 }' $T/trace
echo 0 >$T/events/enable
unload
exit 0
