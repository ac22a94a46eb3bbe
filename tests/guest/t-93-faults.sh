# Fault injection (kernels with CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
# their debugfs knobs: the debug kernel of the matrix).
# 1. Load: the n-th slab or page allocation made through tmon's code
#    during a load fails: each such injection point, or 200 spread over
#    them (the first and last 16 always) when there are more. Each load
#    fails cleanly or works, and leaves nothing behind (tmon-helper
#    stress failnth; leaks are the final kmemleak scan's).
# 2. Sampling: half the samplers' allocations from the sample cache
#    fail while the histories grow: the mempool reserve runs dry, and
#    every sample the wakeups owed is a record in the rings or counted
#    in samples_dropped (tmon-helper stress account).
# 3. A CPU whose tmon thread cannot be created comes online without it,
#    and says so.
. /tests/lib.sh

F=/sys/kernel/debug/failslab P=/sys/kernel/debug/fail_page_alloc
[ -d $F ] && [ -d $P ] && [ -e /proc/self/fail-nth ] ||
	{ echo "no failslab/fail_page_alloc in this kernel (CONFIG_FAULT_INJECTION_DEBUG_FS)"; exit 77; }
knobs() {	# knobs PROBABILITY TIMES TASK_FILTER [REQUIRE_START REQUIRE_END REJECT_START REJECT_END]
	for d in $FAULTS; do
		# times 0 first, the new times last: no random fault meanwhile.
		echo 0 >$d/times
		echo 0 >$d/verbose
		echo N >$d/ignore-gfp-wait
		echo "$3" >$d/task-filter
		echo 1 >$d/interval
		[ $d = $F ] && echo "$CACHE_FILTER" >$d/cache-filter
		echo "${4:-0}" >$d/require-start
		echo "${5:-0xffffffffffffffff}" >$d/require-end
		echo "${6:-0}" >$d/reject-start
		echo "${7:-0}" >$d/reject-end
		echo "$1" >$d/probability
		echo "$2" >$d/times
	done
	echo 0 >$P/min-order
	echo N >$P/ignore-gfp-highmem
}
# What knobs sets: failslab and fail_page_alloc, or failslab alone. With
# CACHE_FILTER=Y failslab fails only caches marked in
# /sys/kernel/slab/*/failslab.
FAULTS="$F $P" CACHE_FILTER=N
# Always off again, whatever happens.
trap 'FAULTS="$F $P" CACHE_FILTER=N; knobs 0 0 N' EXIT

# sym_range SYMBOL: "START END" of a kernel function, END being the next
# symbol's address.
sym_range() {
	sort /proc/kallsyms | awk -v s="$1" '
		found { print "0x" a " 0x" $1; exit }
		$3 == s && ($2 == "t" || $2 == "T") { found = 1; a = $1 }'
}

# 1. probability 100, times 0: only fail-nth injects (its counter is
#    checked first), and the static keys are on so every site counts.
#    The stack filter keeps the count to tmon's own allocations:
#    - require: a return address past the kernel's text, i.e. in a
#      module (tmon is the only one loaded). What the module loader and
#      its notifiers allocate for any module (sections, sysfs, trace
#      events) is the kernel's, not tmon's error handling.
#    - reject: SLUB's sysfs_slab_add(), under kmem_cache_create(). When
#      it fails, 6.12 leaks the cache's kobject name (kmemleak: 16
#      bytes, "tmon_sample_chunk"): it never calls kobject_put(). That is the
#      kernel's bug (CVE-2024-25740, fixed upstream by 2420baa8e046
#      "mm/slab: Allow cache creation to proceed even if sysfs
#      registration fails"), and not memory tmon could free. The
#      cache's other allocations still fail.
etext=$(awk '$3 == "_etext" { print "0x" $1; exit }' /proc/kallsyms)
reject=$(sym_range sysfs_slab_add)
[ -n "$etext" ] && [ -n "$reject" ] || fail "no _etext or sysfs_slab_add in /proc/kallsyms"
note "stack filter: a frame at or above $etext, none in sysfs_slab_add [$reject)"
# shellcheck disable=SC2086 # $reject is two arguments
knobs 100 0 N "$etext" 0xffffffffffffffff $reject
out=$(tmon-helper stress failnth /tmon.ko "log_sec=0 log_nsec=50000000 ring_kb=16" $((300 * SLOW)) 200 "${TMON_STRESS_SEED:-1}")
rc=$?
knobs 0 0 N
note "load: $out"
[ $rc -eq 0 ] || fail "fault injection during load (rc $rc)"

# 2. Sampling: half the allocations the samplers (tmon_sample/N, which
#    take the samples since sampling left tmon/N) make from the sample
#    cache fail. One record per history while the watches are set up, then
#    room for 4096: every sample of the window is a new record, so
#    failed allocations drain the mempool reserve (a full history would
#    give the reserve back a record for each one it takes). Only that
#    cache: failing the rest of what the threads allocate (the per-CPU
#    histories' vmalloc) makes the kernel's own va_clip() WARN.
load log_sec=0 log_nsec=10000000 history=1 ring_kb=4096
tmon-helper stress sleepers 40 >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
for p in $(grep -v ready /tmp/sl); do watch $p; done
echo 4096 >$PAR/history
# The per-CPU histories grow at each CPU's next wakeup, before the faults.
wait_wakeups 2
echo 1 >/sys/kernel/slab/tmon_sample_chunk/failslab || fail "cannot mark the tmon_sample_chunk cache for failslab"
FAULTS=$F CACHE_FILTER=Y
knobs 50 -1 Y
samplers=$(threads_named tmon_sample/ | awk '{ print $1 }')
[ "$(echo $samplers | wc -w)" -eq "$(nr_online)" ] || fail "samplers: '$samplers' for $(nr_online) CPUs"
for t in $samplers; do echo 1 >/proc/$t/make-it-fail; done
d0=$(sysv samples_dropped) s0=$(sysv nr_samples)
out=$(tmon-helper stress account 8) || fail "sampling under faults: $out"
d1=$(sysv samples_dropped) s1=$(sysv nr_samples)
FAULTS="$F $P" CACHE_FILTER=N
knobs 0 0 N
note "sampling, 50 % of the samplers' sample allocations failing: $out"
note "records $s0 -> $s1, dropped $((d1 - d0))"
[ $((d1 - d0)) -gt 0 ] || fail "no sample dropped with half the allocations failing"
# Faults off: sampling goes on, with nothing dropped: a process's newest
# record moves on (the histories grow, or, on a kernel slow enough to fill
# them during the window, turn over).
p1=$(grep -v ready /tmp/sl | head -n 1)
newest() { tmonctl show "$p1" -n 1 --json | jq '.entries[0].seq'; }
q0=$(newest) d2=$(sysv samples_dropped)
moved_on() { [ "$(newest)" -gt $((q0 + 20)) ]; }
wait_for 30 moved_on || fail "sampling did not recover: pid $p1's newest seq $q0, then $(newest)"
[ "$(sysv samples_dropped)" -eq "$d2" ] || fail "samples dropped with the faults off: $d2, then $(sysv samples_dropped)"
note "faults off: pid $p1's newest seq $q0 -> $(newest), records $(sysv nr_samples), none dropped"
kill $sl
unload

# 3. A thread that cannot be created: kthreadd's next task_struct fails
#    while CPU 1 comes online. The CPU must come online all the same,
#    and tmonctl status show it without its thread (MISSING, and said in
#    the health line); once the CPU goes off and on again without the
#    fault, it has its thread back. The failure may land on another
#    thread being created then (a worker of the CPU's pool): tried again
#    until it lands on tmon's, at most 10 times.
CPU=/sys/devices/system/cpu/cpu1/online
[ -f $CPU ] || { note "no CPU 1 to take offline: part 3 not run"; note "ok"; exit 0; }
load log_sec=0 log_nsec=100000000
FAULTS=$F CACHE_FILTER=N
echo 1 >/proc/2/make-it-fail || fail "cannot mark kthreadd"
hit=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	echo 0 >$CPU || fail "CPU 1 does not go offline"
	knobs 100 1 Y
	echo 1 >$CPU || fail "CPU 1 did not come online with a thread creation failing"
	knobs 0 0 N
	if tmonctl status | grep -q '^1 *MISSING '; then hit=$i; break; fi
done
echo 0 >/proc/2/make-it-fail
FAULTS="$F $P" CACHE_FILTER=N
knobs 0 0 N
[ $hit -gt 0 ] || fail "10 tries, no failure landed on tmon's threads"
out=$(tmonctl status)
note "thread creation failed at try $hit: $(echo "$out" | head -n 2 | tr '\n' ' ')"
echo "$out" | grep -q "^tmon .*: DEGRADED$" && echo "$out" | grep -q "1 online CPU(s) without a thread" ||
	fail "status does not say CPU 1 has no thread: $out"
[ "$(cat $CPU)" = 1 ] || fail "CPU 1 is offline"
echo 0 >$CPU && echo 1 >$CPU || fail "CPU 1 off and on again"
wait_for 10 sh -c "tmonctl status | grep -q '^1 *running '" ||
	fail "CPU 1 has no thread after coming online without the fault: $(tmonctl status)"
unload
note "ok"
