# Section 1: wakeup latency of tmon's threads, cyclictest's and (when the
# kernel has it) the timerlat tracer's, one after the other in this boot,
# at the same period on the same CPUs. Latencies go out as 1 us
# histograms: "R HIST TOOL CPU US COUNT" (thread), "R IHIST ..." (IRQ);
# each tool's threads' scheduling as "R SCHED TOOL POLICY PRIO threads N".
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam lat 10)
P=1000	# us
cpus=$(online_cpus | tr '\n' ',' | sed 's/,$//')
ncpu=$(nr_online)
r LATCFG period_us $P seconds $D cpus $cpus

# sched_of TOOL PID...: each thread's policy and priority as the
# scheduler holds them, from /proc/PID/sched ("policy", "prio": 99 - the
# real-time priority under SCHED_FIFO, 120 + nice under SCHED_OTHER).
sched_of() {
	local tool=$1 pid
	shift
	for pid in "$@"; do
		awk -v t="$tool" '$1 == "policy" { p = $3 } $1 == "prio" { q = $3 }
			END { if (p != "") print "R SCHED", t, p, q }' /proc/$pid/sched 2>/dev/null
	done | sort | uniq -c | awk '{ print $2, $3, $4, $5, $6, "threads", $1 }'
}

# tmon: every record of the run, from the debugfs history: thread latency
# (HIST), IRQ latency (IHIST), the expiries folded into later wakeups
# (MISS), the record's own cost (RUN). A wakeup that came after later
# expiries is in the histogram at its full delay.
tmon_run() {	# tmon_run NAME PARAMS...
	local name=$1
	shift
	load log_sec=0 log_nsec=$((P * 1000)) history=$((D * 1000000 / P + 2000)) "$@"
	sched_of "$name" $(tmon_threads | awk '{ print $1 }')
	sleep "$D"
	cat $DBG/cpus >/tmp/cpus
	unload
	# The first 100 records (0.1 s after the load) are left out.
	awk -v t="$name" '$1 == "cpu" && $4 >= 100 {
		c = $2; h[c " " int($8 / 1000)]++; ih[c " " int($28 / 1000)]++; n[c]++; run[c] += $10
		if ($10 > rmax[c]) rmax[c] = $10
		miss[c] += $30; if ($30) late[c]++
	} END {
		for (k in h) print "R HIST", t, k, h[k]
		for (k in ih) print "R IHIST", t, k, ih[k]
		for (c in n) print "R COUNT", t, c, n[c]
		for (c in n) print "R RUN", t, c, int(run[c] / n[c]), rmax[c]
		for (c in n) print "R MISS", t, c, miss[c] + 0, late[c] + 0
	}' /tmp/cpus
	# Where on the scheduler tick's grid each expiry falls (the tick fires
	# at multiples of 1/HZ of CLOCK_MONOTONIC; HZ from the kernel's build
	# config, by way of run.sh), in 10 us steps.
	awk -v t=$tick -v name="$name" '$1 == "cpu" && $4 >= 100 {
		ph = int(($6 % t) / 10000) * 10; n[ph]++; s[ph] += $8; if ($8 >= 30000) late[ph]++
	} END {
		for (p in n) print "R PHASE", name, p, n[p], int(s[p] / n[p]), late[p] + 0, t
	}' /tmp/cpus
}
tick=$((1000000000 / $(bparam hz 250)))
# As loaded by default (SCHED_FIFO 1, every CPU released at once, off the
# tick); at timerlat's and cyclictest's priority, released at once (as
# cyclictest -A) and staggered (as cyclictest without -A).
tmon_run tmon
tmon_run tmon-fifo95 prio=95
tmon_run tmon-fifo95-staggered prio=95 stagger=1

# cyclictest: thread i on CPU i, every thread at the same period (-d 0).
# As users run it (SCHED_FIFO 95, /dev/cpu_dma_latency held at 0); with the threads' wakeups aligned to
# the same instant on every CPU, as tmon's are (-A); and aligned in tmon's
# scheduling class (SCHED_OTHER).
ct() {	# ct NAME ARGS...
	local name=$1 pid
	shift
	rm -f /tmp/ct.json
	cyclictest -q -m -a "$cpus" -t "$ncpu" -i $P -d 0 -D "$D" -h 20000 --json=/tmp/ct.json "$@" >/tmp/ct 2>&1 &
	pid=$!
	sleep 1
	# its measuring threads: all but the main one
	sched_of "$name" $(ls /proc/$pid/task | grep -vx "$pid")
	wait $pid || { cat /tmp/ct; fail "cyclictest $*"; }
	r CTEXPECT "$name" $((D * 1000000 / P))
	decimal </tmp/ct | awk -v t="$name" -v cpus="$cpus" 'BEGIN { nc = split(cpus, cl, ",") }
		/^[0-9]/ { for (i = 2; i <= NF; i++) if ($i + 0 > 0) print "R HIST", t, cl[i - 1], $1 + 0, $i + 0 }
		/^# Total:/ { for (i = 3; i <= NF; i++) print "R COUNT", t, cl[i - 2], $i + 0 }
		/^# Histogram Overflows:/ { for (i = 4; i <= NF; i++) print "R OVF", t, cl[i - 3], $i + 0 }
		/^# Max Latencies:/ { for (i = 4; i <= NF; i++) print "R MAX", t, cl[i - 3], $i + 0 }'
	# The wakeups each thread counted (its histogram leaves out the
	# overflows), in thread order, from cyclictest's own JSON.
	grep -o '"cycles": *[0-9]*' /tmp/ct.json 2>/dev/null | awk -v t="$name" -v cpus="$cpus" '
		BEGIN { split(cpus, cl, ",") } { print "R CYCLES", t, cl[NR], $2 + 0 }' 
}
ct cyclictest-fifo95 -p 95
ct cyclictest-fifo95-aligned -p 95 -A 0

# How far apart cyclictest's threads' timers are released, with -A and
# without: each thread's absolute expiries (hrtimer_start of its
# clock_nanosleep, CLOCK_MONOTONIC ns; the main thread sleeps relative)
# modulo the period, per CPU, from a traced 1 s run of its own (the
# tracer's cost stays out of the runs above): "R CTPHASE TOOL CPU
# PHASE_NS OFF PERIOD_NS", OFF = expiries off the CPU's first phase by
# 2 us or more.
T=/sys/kernel/tracing
grep -q " $T " /proc/mounts || mount -t tracefs nodev $T 2>/dev/null || true
ct_phase() {	# ct_phase NAME ARGS...
	local name=$1 ev=$T/events/timer/hrtimer_start/enable
	shift
	[ -w $ev ] || return 0
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 1 >$ev
	echo 1 >$T/tracing_on
	cyclictest -q -m -a "$cpus" -t "$ncpu" -i $P -d 0 -D 1 "$@" >/dev/null 2>&1
	echo 0 >$T/tracing_on
	echo 0 >$ev
	awk -v t="$name" -v pns=$((P * 1000)) '/cyclictest/ && /function=hrtimer_wakeup/ && /mode=ABS/ {
		match($0, /\[[0-9]+\]/); c = substr($0, RSTART + 1, RLENGTH - 2) + 0
		for (i = 1; i <= NF; i++) if ($i ~ /^expires=/) e = substr($i, 9) + 0
		ph = e % pns
		if (!(c in ph0)) ph0[c] = ph
		d = ph - ph0[c]; if (d < 0) d = -d; if (pns - d < d) d = pns - d
		if (d >= 2000) off[c]++
	} END {
		for (c in ph0) printf "R CTPHASE %s %d %d %d %d\n", t, c, ph0[c], off[c] + 0, pns
	}' $T/trace
	echo >$T/trace
}
ct_phase cyclictest-fifo95 -p 95
ct_phase cyclictest-fifo95-aligned -p 95 -A 0
# (no -p: cyclictest reads -p, even -p 0, as SCHED_FIFO)
ct cyclictest-other-aligned --policy=other -A 0
# cyclictest holds /dev/cpu_dma_latency at 0 while it runs, which tmon
# does not: the same once more without that (--default-system).
ct cyclictest-other-aligned-nodma --policy=other -A 0 --default-system

# timerlat: the tracer's per-CPU threads, thread-context latency.
if grep -qw timerlat $T/available_tracers 2>/dev/null; then
	echo 0 >$T/tracing_on
	echo 32768 >$T/buffer_size_kb
	# (CLOCK_MONOTONIC, the timers' clock: an expiry is the IRQ-context
	# event's time minus its latency, and its phase in the period says
	# how far apart the CPUs' timers are released)
	clock=$(sed 's/.*\[\(.*\)\].*/\1/' $T/trace_clock)
	echo mono >$T/trace_clock
	echo "$cpus" >$T/osnoise/cpus
	echo $P >$T/osnoise/timerlat_period_us
	echo timerlat >$T/current_tracer
	echo 1 >$T/tracing_on
	# As for tmon: its threads read back at once, as the shell reads
	# tmon's (a process per /proc entry here delayed timerlat's timer
	# interrupts by up to 0.6 ms on PREEMPT_RT), and the first 100
	# activations (0.1 s) left out.
	sched_of timerlat $(threads_named timerlat/ | awk '{ print $1 }')
	sleep "$D"
	echo 0 >$T/tracing_on
	awk -v pns=$((P * 1000)) '/context[ \t]+(thread|irq)/ && /timer_latency/ {
		for (i = 1; i < NF; i++) if ($i ~ /^#[0-9]+$/) seq = substr($i, 2) + 0
		if (seq <= 100) next
		match($0, /\[[0-9]+\]/); c = substr($0, RSTART + 1, RLENGTH - 2) + 0
		for (i = 1; i < NF; i++) if ($i == "timer_latency") ns = $(i + 1)
		if ($0 ~ /context[ \t]+irq/) {
			ih[c " " int(ns / 1000)]++
			# The expiry phase (to the microsecond of the trace clock):
			# the first, and how many others differ by 2 us or more.
			# (busybox awk reads "001003" as octal)
			for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) split(substr($i, 1, length($i) - 1), t, ".")
			sub(/^0+/, "", t[2])
			ph = (t[1] * 1e9 + t[2] * 1000 - ns) % pns
			if (!(c in ph0)) ph0[c] = ph
			d = ph - ph0[c]; if (d < 0) d = -d; if (pns - d < d) d = pns - d
			if (d >= 2000) off[c]++
			next
		}
		h[c " " int(ns / 1000)]++; n[c]++
	} END {
		for (k in h) print "R HIST timerlat", k, h[k]
		for (k in ih) print "R IHIST timerlat", k, ih[k]
		for (c in n) print "R COUNT timerlat", c, n[c]
		for (c in ph0) printf "R TLPHASE %d %d %d %d\n", c, ph0[c], off[c] + 0, pns
	}' $T/trace
	echo nop >$T/current_tracer
	echo "$clock" >$T/trace_clock
	r TIMERLAT present
else
	r TIMERLAT absent "$(cat $T/available_tracers 2>/dev/null | tr ' ' ,)"
fi
exit 0
