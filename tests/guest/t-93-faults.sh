# Fault injection (kernels with CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
# their debugfs knobs: the debug kernel of the matrix).
# 1. Load: the n-th slab or page allocation of the load fails: each of
#    the load's injection points, or 200 spread over them (the first and
#    last 16 always) when there are more. Each load fails cleanly or
#    works, and leaves nothing behind (tmon-helper stress failnth; leaks
#    are the final kmemleak scan's).
# 2. Sampling: half the allocations of the tmon threads fail while new
#    histories fill: every sample the wakeups owed is a record in the
#    rings or counted in samples_dropped (tmon-helper stress account).
. /tests/lib.sh

F=/sys/kernel/debug/failslab P=/sys/kernel/debug/fail_page_alloc
[ -d $F ] && [ -d $P ] && [ -e /proc/self/fail-nth ] ||
	{ echo "no failslab/fail_page_alloc in this kernel (CONFIG_FAULT_INJECTION_DEBUG_FS)"; exit 77; }
knobs() {	# knobs PROBABILITY TIMES TASK_FILTER
	for d in $F $P; do
		echo 0 >$d/verbose
		echo N >$d/ignore-gfp-wait
		echo "$3" >$d/task-filter
		echo 1 >$d/interval
		echo "$2" >$d/times
		echo "$1" >$d/probability
	done
	echo 0 >$P/min-order
	echo N >$P/ignore-gfp-highmem
}
# Always off again, whatever happens.
trap 'knobs 0 0 N' EXIT

# 1. probability 100, times 0: only fail-nth injects (its counter is
#    checked first), and the static keys are on so every site counts.
knobs 100 0 N
out=$(tmon-helper stress failnth /tmon.ko "log_sec=0 log_nsec=50000000 ring_kb=16" $((300 * SLOW)) 200 "${TMON_STRESS_SEED:-1}")
rc=$?
note "load: $out"
[ $rc -eq 0 ] || fail "fault injection during load (rc $rc)"

# 2. Sampling with failing allocations in the tmon threads only.
load log_sec=0 log_nsec=10000000 history=200 ring_kb=4096
tmon-helper stress sleepers 40 >/tmp/sl & sl=$!
wait_for $((60 * SLOW)) grep -q '^ready' /tmp/sl || fail "sleepers not ready"
knobs 50 -1 Y
for t in $(tmon_threads | awk '{ print $1 }'); do echo 1 >/proc/$t/make-it-fail; done
for p in $(grep -v ready /tmp/sl); do watch $p; done
d0=$(sysv samples_dropped)
out=$(tmon-helper stress account 8) || fail "sampling under faults: $out"
d1=$(sysv samples_dropped)
knobs 0 0 N
note "sampling, 50 % of the threads' allocations failing: $out"
[ $((d1 - d0)) -gt 0 ] || fail "no sample dropped with half the allocations failing"
# Faults off: the histories fill again.
s=$(sysv nr_samples)
wait_for $((30 * SLOW)) sh -c "[ \$(cat $SYS/nr_samples) -gt $((s + 200)) ]" || fail "sampling did not recover"
kill $sl
unload
note "ok"
