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

# What the test VMs run on: "tcg" unless TMON_VM_ACCEL says kvm.
TMON_VM_KIND=$([ "${TMON_VM_ACCEL:-tcg}" = kvm ] && echo kvm || echo tcg)

# bad_log_lines [tcg] < LOG: the bad lines of a kernel log, each once.
# - t-93 injects allocation failures on purpose: between the guest's
#   "tmon-test: begin t-93-faults" and "end" marks, the allocator's and
#   the slab code's bare "Call Trace" is expected (a report line there
#   is still bad).
# - t-94 holds free memory at the low watermarks with a balloon that
#   volunteers to be the OOM killer's victim (oom_score_adj 1000): the
#   killer's report, call trace included, is expected there when its
#   victim is the balloon; any other victim is a failure.
# - Under TCG (argument tcg) one host thread runs every vCPU in turn,
#   so a vCPU's timer interrupt routinely "takes" milliseconds of the
#   guest's time while the others run: "hrtimer: interrupt took" says
#   nothing about the guest there, and counts only under KVM.
bad_log_lines() {
	awk -v tcg="${1:-}" '/tmon-test: begin / { in_test = $NF } /tmon-test: end / { in_test = "" }
		in_test == "t-93-faults" && /Call Trace/ { next }
		in_test == "t-94-memory" && /Out of memory: Killed process/ && !/oom_score_adj:1000/ {
			print "TMON-CHECK-FAIL t-94-memory: the OOM killer took another process than the balloon: " $0 }
		in_test == "t-94-memory" && /Call Trace/ { next }
		tcg == "tcg" && /hrtimer: interrupt took/ { next }
		{ print }' | grep -aE "$TMON_BAD_LOG" | sort -u
	return 0	# (none found is no error, under pipefail too)
}

# guest_log_problems TAG REPORT CONSOLE: what is wrong with a guest's
# kernel log, a line each: the bad lines of its dump in REPORT (between
# "TAG-DMESG" and "TAG-DMESG-END bytes=N") and of CONSOLE, and a dump
# that did not arrive whole, since a lost line could be a bad one.
guest_log_problems() {
	local tag=$1 report=$2 console=$3
	LC_ALL=C awk -v start="$tag-DMESG" -v end="$tag-DMESG-END bytes=" '
		$0 == start { on = 1; got = 0; next }
		on && index($0, end) == 1 { want = substr($0, length(end) + 1); on = 0; whole = 1; next }
		on { got += length($0) + 1 }
		END {
			if (!whole)
				print "the guest'\''s kernel log has no end mark (" start "-END): lost in transit, or never sent"
			else if (got != want)
				print "the guest'\''s kernel log arrived with " got " of its " want " bytes"
		}' "$report"
	(sed -n "/^$tag-DMESG\$/,\$p" "$report"; cat "$console") | bad_log_lines "$TMON_VM_KIND"
}
