# Section 2: CPU time to sample N watched processes at 10 Hz: tmon's
# threads against pidstat (1 s is its shortest interval, so the tools are
# compared per sampling round) and against a minimal /proc reader at
# 10 Hz. "R COST TOOL N CPU_NS ROUNDS SECONDS": the CPU time of ROUNDS
# sampling rounds, which took SECONDS.
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam cost 3)
K=$(bparam pidstat_rounds 2)
Q=$(bparam procread_rounds 5)
echo 40000 >/proc/sys/kernel/threads-max
echo 65536 >/proc/sys/kernel/pid_max
ncpu=$(nr_online)
r COSTCFG hz 10 seconds $D pidstat_rounds $((K + 1)) procread_rounds $Q cpus "$ncpu" tmon_cpus 1
load log_sec=0 log_nsec=100000000 history=4 max_tasks=16384

# tmon on CPU 0 alone (cpu0_alone, blib.sh); pidstat and procread
# are one process each.
tmon_measure() {	# tmon_measure N
	local c0 w0 t0 c1 w1 t1
	cpu0_alone
	sleep 1
	t0=$(now_ms)
	c0=$(tmon_cpu_ns)
	w0=$(tmon_wakeups)
	sleep "$D"
	c1=$(tmon_cpu_ns)
	w1=$(tmon_wakeups)
	t1=$(now_ms)
	# (rounds: CPU 0's wakeups, the only ones)
	r COST tmon "$1" $((c1 - c0)) $((w1 - w0)) "$(awk "BEGIN { print ($t1 - $t0) / 1000 }")"
	cpus_back
}
tmon_measure 0
for n in $(bparam ns "10,100,1000,10000" | tr , ' '); do
	start_sleepers "$n" /tmp/pids
	r WATCH "$n" "$(bench-helper watch /tmp/pids)"
	tmon_measure "$n"
	bench-helper watch /tmp/pids un >/dev/null || fail "unwatch $n"

	# pidstat with what tmon records: CPU (-u), memory and faults (-r),
	# switches (-w), one line per process per round (-h); K intervals
	# are K + 1 reads of every process.
	list=$(tr '\n' , </tmp/pids | sed 's/,$//')
	lines=$(bench-helper cputime pidstat -h -u -r -w -p "$list" 1 "$K" 2>/tmp/ps.cpu |
		awk 'NF && $1 !~ /^#/ && $1 !~ /^Linux/ { n++ } END { print n + 0 }')
	r COST pidstat "$n" "$(awk '{ print $2 }' /tmp/ps.cpu)" $((K + 1)) \
		"$(awk '{ print $4 / 1e9 }' /tmp/ps.cpu)" lines "$lines"

	r COST procread "$n" "$(bench-helper procread 10 "$Q" /tmp/pids | awk '{ print $4, $2, $6 }')"
	stop_sleepers
done
unload
exit 0
