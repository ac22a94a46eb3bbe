# Helpers for the benchmark sections (busybox sh), sourced after
# /tests/lib.sh. A section prints its raw results as lines "R KIND ...";
# bench/run.sh on the host turns them into bench/report.md.

r() { echo "R $*"; }

# Durations, from the kernel command line (bench.KEY=SECONDS) or defaults.
bparam() {	# bparam KEY DEFAULT
	local v
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^bench\.$1=//p")
	echo "${v:-$2}"
}

# start_sleepers N FILE: N paused processes, their pids in FILE.
start_sleepers() {
	rm -f /tmp/sleepers.out "$2"
	bench-helper sleepers "$1" "$2" >/tmp/sleepers.out &
	SLEEPERS=$!
	wait_for 300 grep -qs ready /tmp/sleepers.out || fail "sleepers $1 did not start"
}

stop_sleepers() {
	kill "$SLEEPERS"
	wait "$SLEEPERS" 2>/dev/null || true
}

# CPU time run by all of tmon's threads (tmon_all_threads, lib.sh), ns
# (schedstat: exact, not ticks).
# TMON_PIDS, when set, saves a walk over every process in /proc.
tmon_cpu_ns() {
	local pid v s=0
	for pid in ${TMON_PIDS:-$(tmon_all_threads)}; do
		read -r v _ <"/proc/$pid/schedstat"
		s=$((s + v))
	done
	echo $s
}

# The sum of every watch's newest seq (LIST_TASKS): its growth is the
# samples stored meanwhile.
seq_sum() { bench-helper watches | awk '{ for (i = 1; i < NF; i += 2) if ($i == "seq_sum") print $(i + 1) }'; }

# Wakeups recorded by all CPUs so far.
tmon_wakeups() {
	tmon-helper nl status | awk '$1 == "cpu_status" { s += $7 } END { print s + 0 }'
}

cpu_ns_of() { awk '{ print $1 }' "/proc/$1/schedstat"; }

# cpu0_alone: every CPU but 0 offline (until cpus_back), TMON_PIDS
# taken again. CPU 0's sampler then takes the other CPUs' shares too
# (task_sampler.c), so a sampling round is one thread's work. Where
# tmon's cost is measured: under -icount the vCPUs share one
# instruction clock and run in turn (section 5), so two samplers woken
# at one expiry would each be charged the other's instructions as run
# time.
cpu0_alone() {
	local c
	CPU0_OFF=
	for c in $(online_cpus); do
		[ "$c" = 0 ] && continue
		echo 0 >/sys/devices/system/cpu/cpu$c/online || fail "cpu$c offline"
		CPU0_OFF="$CPU0_OFF $c"
	done
	TMON_PIDS=$(tmon_all_threads)
}
cpus_back() {
	local c
	for c in $CPU0_OFF; do
		echo 1 >/sys/devices/system/cpu/cpu$c/online || fail "cpu$c online"
	done
	CPU0_OFF=
	TMON_PIDS=$(tmon_all_threads)
}

relax() { echo 3 >/proc/sys/vm/drop_caches; sleep 1; }

# decimal: stdin to stdout with the leading zeros of every number taken
# off. busybox awk reads "000014" as octal (12), and cyclictest pads its
# histogram and summaries with zeros.
decimal() { sed -E 's/(^|[[:space:]])0+([0-9])/\1\2/g'; }
