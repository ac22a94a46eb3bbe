# Section 9: the late wakeups, traced. tmon runs a case of sections 1 and
# 7 again with the kernel's tracer on (tmon_wakeup next to sched_switch,
# hrtimer_expire_entry and the interrupt events) and every wakeup that
# came a period or more late, or folded expiries, is taken apart from
# the trace alone, on its CPU, between its expiry and the thread's switch:
#   "R LATE CASE CPU LAT_US IRQ_US MISSED HARDIRQ_US SOFTIRQ_US SILENT_US
#    TASK TASK_US STATE HANDLER HANDLER_US ZONE_N ZONE_US EXPIRY_US WORK"
# IRQ_US: expiry to the tmon timer's hrtimer_expire_entry; HARDIRQ_US and
# SOFTIRQ_US: handlers inside the window; SILENT_US: the longest stretch
# with no event at all on the CPU; TASK: the task other than tmon's
# thread that held the CPU longest (comm:pid, swapper/N for the idle task),
# TASK_US its time; STATE: what the CPU ran when the expiry came;
# HANDLER: the longest handler (irq:NAME, a vector, softirq), HANDLER_US;
# ZONE_N: blocks the page allocator took off its free lists under the
# zone lock (irqs off) in the window, ZONE_US from the first to the last;
# EXPIRY_US: the expiry, on the trace clock (to match the CPUs' windows);
# WORK: when TASK is a kworker, the function of the last work item it
# started (workqueue_execute_start), else -.
# With every CPU released at once, the order in which the CPUs' timers
# fire for one expiry: "R ORDER CASE PAIRS CPU0_FIRST CPU1_FIRST GAP_US"
# (GAP_US: median between the two hrtimer_expire_entry).
# "R TRACED CASE CPU WAKEUPS" counts the wakeups the trace holds.
. /tests/lib.sh
. /tests/blib.sh
S=$(bparam late 2)
T=/sys/kernel/tracing
grep -q " $T " /proc/mounts || mount -t tracefs nodev $T || fail "no tracefs"
grep -qw mono $T/trace_clock || fail "no mono trace clock"
EVENTS="tmon/tmon_wakeup sched/sched_switch sched/sched_wakeup timer/hrtimer_expire_entry
irq/irq_handler_entry irq/irq_handler_exit irq/softirq_entry irq/softirq_exit"
# x86's vector handlers (the local APIC timer, IPIs), where the kernel has them
for e in $T/events/irq_vectors/*_entry $T/events/irq_vectors/*_exit; do
	[ -d "$e" ] && EVENTS="$EVENTS irq_vectors/${e##*/}"
done
[ -d $T/events/kmem/mm_page_alloc_zone_locked ] && EVENTS="$EVENTS kmem/mm_page_alloc_zone_locked"
EVENTS="$EVENTS workqueue/workqueue_execute_start"

# trace_case CASE PERIOD_NS PIDFILE|- PARAMS...: load, watch PIDFILE's
# processes, let it settle, trace S s.
trace_case() {
	local name=$1 period=$2 pids=$3 e
	shift 3
	load log_sec=0 log_nsec="$period" history=65536 "$@"
	[ "$pids" = - ] || bench-helper watch "$pids" >/dev/null || fail "watch $pids"
	sleep 1
	echo 0 >$T/tracing_on
	echo mono >$T/trace_clock
	echo 16384 >$T/buffer_size_kb
	echo >$T/trace
	for e in $EVENTS; do echo 1 >$T/events/$e/enable || fail "event $e"; done
	echo 1 >$T/tracing_on
	sleep "$S"
	echo 0 >$T/tracing_on
	for e in $EVENTS; do echo 0 >$T/events/$e/enable; done
	# (read before the unload, which takes the tmon events away)
	late_of "$name" "$period" <$T/trace
	unload
	echo >$T/trace
}

# late_of CASE PERIOD_NS <trace: the R LATE, R ORDER and R TRACED lines,
# in one pass. Each CPU's events since its last tmon_wakeup are kept; a
# tmon_wakeup a period or more late (or with expiries folded) is
# taken apart from those in its window, from its expiry to its record.
# An event line is "COMM-PID [CPU] FLAGS SEC.USEC: EVENT: FIELDS"; times
# in us (the text's precision), as doubles: awk's %d stops at 2^31.
late_of() {
	awk -v name="$1" -v period="$2" '
	function val(key,   i) { for (i = b + 4; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2); return "" }
	{
		b = 2; if ($2 !~ /^\[[0-9]+\]$/) for (b = 1; b < NF && $b !~ /^\[[0-9]+\]$/; b++) ;
		c = substr($b, 2, length($b) - 2) + 0; t = $(b + 2); e = $(b + 3)
		if (t !~ /^[0-9]+\.[0-9]+:$/) next
		t = substr(t, 1, length(t) - 1) * 1e6
		if (e == "tmon_wakeup:") { wakeup(c); next }
		# (the kworker running it, "comm-pid", as sched_switch names it)
		if (e == "workqueue_execute_start:" && match($1, /-[0-9]+$/)) {
			work[substr($1, 1, RSTART - 1) ":" substr($1, RSTART + 1)] = $NF; next }
		if (e == "hrtimer_expire_entry:" && index($0, "function=tmon_timer_fn")) order(c, t)
		k = n[c]++; et[c, k] = t; ee[c, k] = e
		if (e == "sched_switch:") ew[c, k] = val("next_comm") ":" val("next_pid")
		else if (e == "irq_handler_entry:") ew[c, k] = "irq:" val("name")
		else if (e ~ /_entry:$/) ew[c, k] = substr(e, 1, length(e) - 7)
	}
	# A CPU record: judge it, then forget the events before it (keeping
	# what runs).
	# The window so far: who runs since last, the longest silence, the
	# state at the expiry, each other task'"'"'s time (tk, listed in tl).
	function held(t) {
		if (st == "") st = who
		if (t - last > sil) sil = t - last
		if (who !~ /^tmon\//) { if (!(who in tk)) tl[++nn] = who; tk[who] += t - last }
		last = t
	}
	function wakeup(c,   lat, m, w0, w1, i, hard, soft, ent, en, best, bt, d, x, hl, hn, zn, z0, z1) {
		traced[c]++
		lat = val("latency_ns") + 0; m = val("missed") + 0
		if (lat >= period || m) {
			w0 = val("expected_ns") / 1000; w1 = w0 + lat / 1000
			who = (c in run) ? run[c] : "?"; last = w0; sil = hard = soft = hl = zn = z0 = z1 = 0; st = ""; hn = "-"; nn = 0
			split("", ent); split("", en); split("", tk); split("", tl)
			for (i = 0; i < n[c]; i++) {
				t = et[c, i]; e = ee[c, i]
				if (t < w0) { if (e == "sched_switch:") who = ew[c, i]; if (e ~ /_entry:$/) { ent[e] = t; en[e] = ew[c, i] }; continue }
				if (t > w1) break
				held(t)
				if (e == "sched_switch:") who = ew[c, i]
				else if (e == "mm_page_alloc_zone_locked:") { if (!zn++) z0 = t; z1 = t }
				else if (e ~ /_entry:$/ && e != "hrtimer_expire_entry:") { ent[e] = t; en[e] = ew[c, i] }
				else if (e ~ /_exit:$/) { x = e; sub(/_exit:$/, "_entry:", x)
					if (x in ent) { d = t - (ent[x] > w0 ? ent[x] : w0)
						if (e == "softirq_exit:") soft += d; else hard += d
						if (d > hl) { hl = d; hn = en[x] } } }
			}
			held(w1)
			best = "-"; bt = 0
			for (i = 1; i <= nn; i++) if (tk[tl[i]] > bt) { bt = tk[tl[i]]; best = tl[i] }
			printf "R LATE %s %d %.0f %.0f %d %.0f %.0f %.0f %s %.0f %s %s %.0f %d %.0f %.0f %s\n", name, c, lat / 1000,
				val("irq_latency_ns") / 1000, m, hard, soft, sil, best, bt, st == "" ? "?" : st, hn, hl, zn, z1 - z0, w0,
				(best ~ /^kworker\// && (best in work)) ? work[best] : "-"
		}
		for (i = 0; i < n[c]; i++) if (ee[c, i] == "sched_switch:") run[c] = ew[c, i]
		for (i = 0; i < n[c]; i++) { delete et[c, i]; delete ee[c, i]; delete ew[c, i] }
		n[c] = 0
	}
	# With every CPU released at once both CPUs 0 and 1 serve each expiry:
	# which one'"'"'s tmon timer fired first, and how far apart (1 us steps).
	function order(c, t) {
		if (c > 1) return
		if (pc != "" && c == 1 - pc && t - pt < 500) { pairs++; if (pc == 0) f0++; else f1++; g[int(t - pt)]++; pc = ""; return }
		pc = c; pt = t
	}
	END {
		for (c in traced) print "R TRACED", name, c, traced[c]
		if (!pairs) exit
		for (u = 0; s < pairs / 2; u++) s += g[u]
		printf "R ORDER %s %d %d %d %d\n", name, pairs, f0 + 0, f1 + 0, u - 1
	}'
}

r LATECFG seconds "$S"
# Section 7's cases that miss: 100 us with 10 watched, sampled every
# period, and with 0 and 1000 watched, sampled every 1000th.
trace_case 100us-0watched-every1000 100000 - max_tasks=4096 sample_every=1000
start_sleepers 10 /tmp/pids
trace_case 100us-10watched-every1 100000 /tmp/pids sample_every=1
stop_sleepers
start_sleepers 1000 /tmp/pids
trace_case 100us-1000watched-every1000 100000 /tmp/pids max_tasks=4096 sample_every=1000
stop_sleepers
# Section 1's release of every CPU at once, at timerlat's priority: the
# order in which the CPUs' timers fire.
# (Lateness below a period is the tracer's own: with it on, most 1 ms
# wakeups came 10 us later than without.)
trace_case 1ms-fifo95-together 1000000 - prio=95
exit 0
