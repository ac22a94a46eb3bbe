# The kernel log lines that fail a run whatever its tests said, for the
# VM matrix, the e2e flows and the benchmark's guests alike. Sourced.
#
# Reports of the kernel and its checkers: BUG: (lockdep, KASAN, KCSAN,
# sleeping in atomic, soft lockups), SLUB's own "BUG <cache> (...):"
# reports (slub_debug: redzone, poison, double free), WARNING:, oopses,
# RCU stalls, hung tasks, hard lockups, RT throttling, hrtimer interrupts
# too long for the clock event, bare call traces, UBSAN, debug objects,
# kmemleak. TMON-CHECK-FAIL is the guest's word that a checker stopped
# working (lockdep turned off, kmemleak unusable).
TMON_BAD_LOG='BUG:|BUG [^ ]+ \(|KCSAN:|WARNING:|Oops|Call Trace|Kernel panic|general protection'
TMON_BAD_LOG+='|INFO: task .* blocked|nobody cared|detected stalls? on CPU|self-detected stall|rcu_.* stall'
TMON_BAD_LOG+='|RT throttling activated|hrtimer: interrupt took|hard LOCKUP|soft lockup'
TMON_BAD_LOG+='|list_add corruption|list_del corruption|slab.*corrupt|Poison overwritten|Redzone overwritten'
TMON_BAD_LOG+='|Object already free|Freepointer corrupt|Padding overwritten|UBSAN|KASAN'
TMON_BAD_LOG+='|possible recursive locking|circular locking|inconsistent lock state|sleeping function called'
# kmemleak's own allocation failing under fault injection: only a lost
# object or an object it cannot track makes its scan incomplete; a scan
# area it cannot allocate makes it scan the whole object instead.
TMON_BAD_LOG+='|unreferenced object|suspected memory leaks|kmemleak: .*(unknown object|Cannot allocate a kmemleak|Cannot insert|Failed|disabled|empty)|Kmemleak disabled'
TMON_BAD_LOG+='|ODEBUG: .*(object|disabled|out of memory)|INFO: trying to register non-static key|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|TMON-CHECK-FAIL'

# bad_log_lines < LOG: the bad lines of a kernel log, each once. Two
# tests provoke a line on purpose, and only inside their span (between
# the guest's "tmon-test: begin NAME" and "end NAME" marks) is it
# passed over; every other report line is still bad there:
# - t-93 injects allocation failures: the allocator and the slab code
#   dump their stacks (a bare "Call Trace");
# - t-96 runs every CPU at the 100 us floor on an emulated CPU: the
#   kernel says once that its timer interrupt could not keep up.
bad_log_lines() {
	awk '/tmon-test: begin / { in_test = $NF } /tmon-test: end / { in_test = "" }
		in_test == "t-93-faults" && /Call Trace/ { next }
		in_test == "t-96-floor" && /hrtimer: interrupt took/ { next }
		{ print }' | grep -aE "$TMON_BAD_LOG" | sort -u
	return 0	# (none found is no error, under pipefail too)
}
