# Section 1: wakeup latency of tmon's threads, cyclictest's and (when the
# kernel has it) the timerlat tracer's, one after the other in this boot,
# at the same period on the same CPUs. Latencies go out as 1 us
# histograms: "R HIST TOOL CPU US COUNT".
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam lat 10)
P=1000	# us
cpus=$(online_cpus | tr '\n' ',' | sed 's/,$//')
ncpu=$(nr_online)
r LATCFG period_us $P seconds $D cpus $cpus

# tmon: every record of the run, from the debugfs history.
load log_sec=0 log_nsec=$((P * 1000)) history=$((D * 1000000 / P + 2000))
sleep "$D"
cat $DBG/cpus >/tmp/cpus
unload
# missed: expiries with no record of their own (the thread did not run
# between two expiries), from the gaps between the records' expiries.
# The first 100 records (0.1 s after the load) are left out.
awk -v p=$((P * 1000)) '$1 == "cpu" && $4 >= 100 {
	c = $2; us = int($8 / 1000); h[c " " us]++; n[c]++; run[c] += $10
	if ($10 > rmax[c]) rmax[c] = $10
	if (c in last) miss[c] += int(($6 - last[c]) / p + 0.5) - 1
	last[c] = $6
} END {
	for (k in h) print "R HIST tmon", k, h[k]
	for (c in n) print "R COUNT tmon", c, n[c]
	for (c in n) print "R RUN tmon", c, int(run[c] / n[c]), rmax[c], miss[c] + 0
}' /tmp/cpus
# Where on the scheduler tick's grid each wakeup falls: the tick is
# aligned to multiples of 1/HZ of CLOCK_MONOTONIC, and so is tmon's grid.
# HZ comes from the kernel's build config, by way of run.sh.
tick=$((1000000000 / $(bparam hz 250)))
awk -v t=$tick '$1 == "cpu" && $4 >= 100 {
	ph = int(($6 % t) / 1000); n[ph]++; s[ph] += $8; if ($8 >= 30000) late[ph]++
} END {
	for (p in n) print "R PHASE tmon", p, n[p], int(s[p] / n[p]), late[p] + 0, t
}' /tmp/cpus

# cyclictest: thread i on CPU i, every thread at the same period (-d 0).
# As users run it (SCHED_FIFO 95, /dev/cpu_dma_latency held at 0); with the threads' wakeups aligned to
# the same instant on every CPU, as tmon's are (-A); and aligned in tmon's
# scheduling class (SCHED_OTHER).
ct() {	# ct NAME ARGS...
	local name=$1
	shift
	cyclictest -q -m -a "$cpus" -t "$ncpu" -i $P -d 0 -D "$D" -h 20000 "$@" >/tmp/ct 2>&1 ||
		{ cat /tmp/ct; fail "cyclictest $*"; }
	awk -v t="$name" -v cpus="$cpus" 'BEGIN { nc = split(cpus, cl, ",") }
		/^[0-9]/ { for (i = 2; i <= NF; i++) if ($i + 0 > 0) print "R HIST", t, cl[i - 1], $1 + 0, $i + 0 }
		/^# Total:/ { for (i = 3; i <= NF; i++) print "R COUNT", t, cl[i - 2], $i + 0 }
		/^# Histogram Overflows:/ { for (i = 4; i <= NF; i++) print "R OVF", t, cl[i - 3], $i + 0 }
		/^# Max Latencies:/ { for (i = 4; i <= NF; i++) print "R MAX", t, cl[i - 3], $i + 0 }' /tmp/ct
}
ct cyclictest-fifo95 -p 95
ct cyclictest-fifo95-aligned -p 95 -A 0
ct cyclictest-other-aligned --policy=other -p 0 -A 0
# cyclictest holds /dev/cpu_dma_latency at 0 while it runs, which tmon
# does not: the same once more without that (--default-system).
ct cyclictest-other-aligned-nodma --policy=other -p 0 -A 0 --default-system

# timerlat: the tracer's per-CPU threads, thread-context latency.
T=/sys/kernel/tracing
grep -q " $T " /proc/mounts || mount -t tracefs nodev $T 2>/dev/null || true
if grep -qw timerlat $T/available_tracers 2>/dev/null; then
	echo 0 >$T/tracing_on
	echo 32768 >$T/buffer_size_kb
	echo "$cpus" >$T/osnoise/cpus
	echo $P >$T/osnoise/timerlat_period_us
	echo timerlat >$T/current_tracer
	echo 1 >$T/tracing_on
	sleep "$D"
	echo 0 >$T/tracing_on
	awk '/context[ \t]+thread/ && /timer_latency/ {
		match($0, /\[[0-9]+\]/); c = substr($0, RSTART + 1, RLENGTH - 2) + 0
		for (i = 1; i < NF; i++) if ($i == "timer_latency") ns = $(i + 1)
		h[c " " int(ns / 1000)]++; n[c]++
	} END {
		for (k in h) print "R HIST timerlat", k, h[k]
		for (c in n) print "R COUNT timerlat", c, n[c]
	}' $T/trace
	echo nop >$T/current_tracer
	r TIMERLAT present
else
	r TIMERLAT absent "$(cat $T/available_tracers 2>/dev/null | tr ' ' ,)"
fi
exit 0
