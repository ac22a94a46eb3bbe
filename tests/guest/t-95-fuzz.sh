# Seeded, bounded fuzzing of every user input of the module (helper/fuzz.c):
# generic netlink requests (as root, then as an unprivileged user), writes
# to the debugfs, sysfs and parameter files, and ioctl, mmap, read, poll,
# lseek, write and open on /dev/tmon.
# Each fuzzer checks every answer against the protocol and a model of the
# module's state and exits 1 on a violation; afterwards the module must
# still be healthy (every CPU waking, sane values, a plain watch and
# unwatch, the rings), the kernel log clean, and unload must work.
#
# The seed is printed. TMON_FUZZ_SEED=N reproduces a run (on the guest
# kernel command line it reaches this script as an environment variable:
# tests/vm/boot.sh VMLINUZ INITRD OUT tmontest=t-95-fuzz TMON_FUZZ_SEED=N);
# TMON_FUZZ_NL, TMON_FUZZ_NLUSER, TMON_FUZZ_FILES and TMON_FUZZ_DEV set the
# iterations.
. /tests/lib.sh

seed=${TMON_FUZZ_SEED:-1}
# Half as many on a slow kernel: the whole run took 20 minutes on the
# debug kernel alone, and more than its 40-minute limit beside another
# guest; the same seed's inputs come first either way.
k=1
[ "$SLOW" -gt 1 ] && k=2
n_nl=${TMON_FUZZ_NL:-$((20000 / k))}
n_nluser=${TMON_FUZZ_NLUSER:-$((5000 / k))}
n_files=${TMON_FUZZ_FILES:-$((20000 / k))}
n_dev=${TMON_FUZZ_DEV:-$((30000 / k))}

load log_sec=0 log_nsec=20000000 history=32 ring_kb=64
wait_for 10 all_cpus_have 2 || fail "no wakeups"
# Long sleepers: the fuzzing took 20 minutes on the debug kernel.
sleep 100000 & a=$!
sleep 100000 & b=$!
watch $a
watch $b
# A process of uid 1000, for the unprivileged run to watch.
tmon-helper asuser 1000 sleep 100000 & u=$!
user_procs 1000 sleep $u
params() { echo "$(cat $PAR/log_sec) $(cat $PAR/log_nsec) $(cat $PAR/history) $(cat $PAR/max_tasks)"; }
before=$(params)

note "fuzz seed $seed (TMON_FUZZ_SEED=$seed reproduces it)"
echo "tmon-fuzz: start, seed $seed" >/dev/kmsg
for what in nl nluser files dev; do
	eval "n=\$n_$what"
	args=$what
	[ $what = nluser ] && args="nl -u 1000"
	t0=$(now_ms)
	out=$(tmon-helper fuzz $args "$seed" "$n" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "$out"
		fail "fuzz $args seed $seed n $n: exit $rc (reproduce with TMON_FUZZ_SEED=$seed)"
	fi
	note "$(echo "$out" | tail -n 1) [$(($(now_ms) - t0)) ms]"
done

# Still healthy: the fuzzers put the parameters back as they found them.
[ "$(params)" = "$before" ] || fail "parameters '$(params)' after fuzzing, '$before' before"
[ "$(sysv period_ns)" -ge 100000 ] && [ "$(sysv period_ns)" -eq 20000000 ] ||
	fail "period_ns $(sysv period_ns)"
wait_wakeups 3
[ "$(sysv nr_cpus)" -eq "$(nr_online)" ] || fail "nr_cpus $(sysv nr_cpus), $(nr_online) online"
[ "$(nr_threads)" -eq "$(nr_online)" ] || fail "$(nr_threads) threads, $(nr_online) online"
[ "$(sysv nr_tasks)" -le "$(cat $PAR/max_tasks)" ] || fail "nr_tasks $(sysv nr_tasks) > max_tasks"
[ "$(sysv nr_tasks)" -eq "$(wc -l <$DBG/watched)" ] || fail "nr_tasks disagrees with the watched file"
left=$(watched_pids)
note "watched after fuzzing: $(sysv nr_tasks); samples $(sysv nr_samples), dropped $(sysv samples_dropped), ring_lost $(sysv ring_lost)"
for p in $left; do
	[ "$(twrite "-$p")" = OK ] || fail "cannot unwatch $p"
done
[ "$(sysv nr_tasks)" -eq 0 ] || fail "nr_tasks $(sysv nr_tasks) after unwatching everything"
watch $a
wait_for 10 sh -c "[ \$(awk -v p=$a '\$2 == p' $DBG/tasks | wc -l) -ge 2 ]" || fail "no samples of $a"
tmon-helper nl list | grep -q "^pid $a state running" || fail "netlink list: $(tmon-helper nl list)"
[ "$(tmon-helper nl unwatch $a)" = OK ] || fail "netlink unwatch $a"
[ -z "$(watched_pids | tr -d ' ')" ] || fail "watch list not empty: $(watched_pids)"
out=$(tmon-helper ring badmap) || fail "ring badmap: $out"
out=$(tmon-helper ring poll 2000) || fail "ring poll: $out"

# The kernel log since the start (all of it if the start scrolled away).
bad=$(dmesg | awk '/tmon-fuzz: start/ { n = NR } { l[NR] = $0 } END { for (i = n + 1; i <= NR; i++) print l[i] }' |
	grep -E 'BUG:|WARNING:|Oops|general protection|UBSAN|KASAN|corruption|Poison overwritten|sleeping function called|inconsistent lock state|circular locking|recursive locking|INFO: task')
[ -z "$bad" ] || fail "kernel log: $bad"
kill $a $b $u
unload
note "ok"
