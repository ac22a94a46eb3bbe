# Section 7: punctuality, from tmon's own records judged against the grid
# (the expiries a record's expected_ns and missed account for):
# - idle: 60 s at 1 ms as loaded, every record from the load on;
# - 100 us with 10 watched processes, sampled every period and every
#   10th: wakeups achieved against nominal, at the default history (its
#   steady state: a new sample reuses what the oldest freed) and with
#   history 65536, filling up (up to 19 MB/s of new slab pages);
# - 100 us with N = 0 and N = 1000 watched, sampled every 1000th period
#   (10 Hz each): thread latency, misses, and how often each process was
#   actually sampled; with vm.stat_interval as booted and at 60 s.
# "R PUNCT CASE CPU RECORDS MISSED NOMINAL", "R PUNCTCLK CASE CPU
# CLOCK_NOMINAL" (the window's length over the period), "R SCALE N P50_NS P99_NS
# MISSED RECORDS stat_interval S", "R RATE N MIN MEDIAN MAX EXPECTED
# processes K stat_interval S" (samples a process got in the window).
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam punct 60)
W=$(bparam scale 5)
echo 65536 >/proc/sys/kernel/pid_max
# The kernel's preemption, as its scheduler has it (PREEMPT_DYNAMIC lists
# the modes, the one in force in parentheses): "R PREEMPT MODE".
pm=$(sed -n 's/.*(\([a-z_]*\)).*/\1/p' /sys/kernel/debug/sched/preempt 2>/dev/null)
r PREEMPT "${pm:-unknown}"

# punct CASE P: per CPU, records, expiries folded, expiries spanned;
# and each record that folded expiries: "R PUNCTMISS CASE CPU SEQ
# EXPECTED_NS MISSED LATENCY_NS IRQ_LATENCY_NS PERIOD_NS".
punct() {
	awk -v name="$1" -v p="$2" '$1 == "cpu" {
		if (!($2 in first)) first[$2] = $6
		last[$2] = $6; lm[$2] = $30; n[$2]++; m[$2] += $30
		if ($30) print "R PUNCTMISS", name, $2, $4, $6, $30, $8, $28, p
	} END {
		for (c in n) print "R PUNCT", name, c, n[c], m[c], int((last[c] - first[c]) / p) + 1 + lm[c]
	}' /tmp/cpus
}

# No case reads the history while it is measured: a read of 65536
# records takes about a second of guest time, and under -icount both
# vCPUs share one host thread (a trace showed a 40000-line read keep the
# other vCPU's woken thread waiting up to 5.5 ms). freeze reads it too:
# stop_wakeups sets a long period without a read, and windows are taken
# from /proc/uptime (CLOCK_BOOTTIME, which is CLOCK_MONOTONIC in a guest
# that never suspends; 10 ms steps).
mono_ns() { awk '{ printf "%.0f\n", $1 * 1e9 }' /proc/uptime; }
stop_wakeups() {
	write_param log_sec 600 || fail "log_sec=600 refused"
	sleep 1
}

# The history holds 65 s at 1 ms: every record from the load on.
load log_sec=0 log_nsec=1000000 history=65536
sleep "$D"
stop_wakeups
cat $DBG/cpus >/tmp/cpus
unload
awk '$1 == "cpu" && $4 == 0' /tmp/cpus | grep -q . || fail "the records from the load on are not all there"
punct idle-1ms 1000000

# 10 watched at 100 us, sampled every period (the default) and every
# 10th (each process at 1 kHz).
# - At the default history, after 2 s (every history full: a sample
#   then goes in the chunk its watch's oldest records left), the
#   window's counts come from GET_STATUS at its ends, no history read:
#   records = wakeups, missed = expiries folded; and the window's length
#   on CLOCK_MONOTONIC over the period, the nominal count by a clock that
#   is not tmon's.
# - With history 65536, from the load on, every record (as idle): each
#   sample is a new object, and the slab takes new pages all along.
start_sleepers 10 /tmp/pids
for m in 1 10; do
	load log_sec=0 log_nsec=100000 sample_every=$m
	bench-helper watch /tmp/pids >/dev/null || fail "watch"
	sleep 2
	bench-helper status >/tmp/st0 || fail "status"
	sleep "$W"
	bench-helper status >/tmp/st1 || fail "status"
	unload
	awk -v name="10-watched-100us-every$m" -v p=100000 '
		$1 == "mono_ns" { t[FILENAME] = $2 }
		$1 == "cpu" { w[FILENAME, $2] = $4; m[FILENAME, $2] = $6; cpus[$2] }
		END { for (c in cpus) {
			a = w[ARGV[2], c] - w[ARGV[1], c]; f = m[ARGV[2], c] - m[ARGV[1], c]
			print "R PUNCT", name, c, a, f, a + f
			printf "R PUNCTCLK %s %s %.0f\n", name, c, (t[ARGV[2]] - t[ARGV[1]]) / p } }' /tmp/st0 /tmp/st1
	load log_sec=0 log_nsec=100000 history=65536 sample_every=$m
	bench-helper watch /tmp/pids >/dev/null || fail "watch"
	sleep "$W"
	stop_wakeups
	cat $DBG/cpus >/tmp/cpus
	unload
	punct "10-watched-100us-every$m-history65536" 100000
done
stop_sleepers

# scale N: thread latency and misses at 100 us, N processes watched.
# Each with vm.stat_interval as booted and at 60 s: a kworker runs
# vmstat_update on every CPU each stat_interval, without a preemption
# point (section 9 names it when it delays a wakeup).
scale() {
	local si
	si=$(cat /proc/sys/vm/stat_interval)
	load log_sec=0 log_nsec=100000 history=65536 max_tasks=4096 sample_every=1000
	[ "$1" -gt 0 ] && { bench-helper watch /tmp/pids >/dev/null || fail "watch $1"; }
	sleep 1
	t0=$(mono_ns)
	sleep "$W"
	t1=$(mono_ns)
	stop_wakeups
	awk -v t0="$t0" -v t1="$t1" '$1 == "cpu" && $6 > t0 && $6 <= t1 { print $8, $30 }' $DBG/cpus |
		sort -n >/tmp/lat
	awk -v n="$1" -v si="$si" '{ v[NR] = $1; m += $2 } END {
		print "R SCALE", n, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], m + 0, NR, "stat_interval", si }' /tmp/lat
	if [ "$1" -gt 0 ]; then
		# (samples each process got between t0 and t1, at 10 Hz)
		awk -v t0="$t0" -v t1="$t1" '$1 == "pid" && $6 > t0 && $6 <= t1 { k[$2]++ }
			END { for (p in k) print k[p] }' $DBG/tasks | sort -n >/tmp/rate
		awk -v n="$1" -v e="$(((t1 - t0) / 100000000))" -v si="$si" '{ v[NR] = $1 } END {
			print "R RATE", n, v[1], v[int(NR / 2) + 1], v[NR], e, "processes", NR, "stat_interval", si }' /tmp/rate
	fi
	unload
}
si=$(cat /proc/sys/vm/stat_interval)
start_sleepers 1000 /tmp/pids
for s in "$si" 60; do
	echo "$s" >/proc/sys/vm/stat_interval || fail "vm.stat_interval=$s refused"
	scale 0
	scale 1000
done
echo "$si" >/proc/sys/vm/stat_interval
stop_sleepers
exit 0
