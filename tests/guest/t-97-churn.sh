# Processes that fork, exec, exit and are reaped while they are watched
# and unwatched, with pid_max lowered so their pids come back for new
# processes within seconds. A record must name the process it was taken
# from (never a later holder of the pid), the watch list must match a
# model exactly, and every entry must read "exited" once all are reaped.
# Seeded (TMON_STRESS_SEED), bounded in time and forks.
. /tests/lib.sh

seed=${TMON_STRESS_SEED:-1}
old_max=$(cat /proc/sys/kernel/pid_max)
trap 'echo $old_max >/proc/sys/kernel/pid_max' EXIT
# (exited entries stay their longest, 60 s: the model lists them until
# their pid is watched again, or until 60 s after their reap)
load log_sec=0 log_nsec=2000000 history=16 max_tasks=200 exited_keep_sec=60
# The kernel hands out the pids from 300 to pid_max - 1 in turn and wraps.
# A pid_max that leaves 48 of them unused (24 live children and room for
# the kernel's own threads) brings pids back after a few dozen forks, even
# on the debug kernel, where a fork takes most of a second.
free=48
max=$(ls -d /proc/[0-9]*/task/[0-9]* | sed 's,.*/,,' | awk -v want=$free '
	{ used[$1] = 1 }
	END { for (p = 300; n < want; p++) if (!(p in used)) n++; print p }')
echo "$max" >/proc/sys/kernel/pid_max || fail "cannot set pid_max to $max"
# Until 500 forks got a recycled pid (20 s at most), or 150 on a slow
# kernel (160 s at most: the debug kernel forks about once a second).
if [ "$SLOW" -gt 1 ]; then secs=160 enough=150; else secs=20 enough=500; fi
out=$(tmon-helper stress churn "$seed" $secs 20000 $enough)
rc=$?
note "seed $seed: $out"
[ $rc -eq 0 ] || fail "churn (reproduce with TMON_STRESS_SEED=$seed)"
recycled=$(echo "$out" | sed -n 's/.*recycled pids \([0-9]*\).*/\1/p')
[ "${recycled:-0}" -ge 100 ] || fail "only ${recycled:-0} pids recycled: the test did not test reuse"
# Everything it watched it left listed as exited; unwatch all of it. An
# entry may reach its 60 s and be reaped meanwhile (on the debug kernel
# each write here takes about a second): then ENOENT, and it is gone.
for p in $(watched_pids); do
	r=$(twrite "-$p")
	[ "$r" = OK ] || { [ "$r" = ENOENT ] && ! grep -q "^pid $p " $DBG/watched; } ||
		fail "cannot unwatch $p: $r ($(grep "^pid $p " $DBG/watched))"
done
[ "$(sysv nr_tasks)" -eq 0 ] || fail "nr_tasks $(sysv nr_tasks)"
[ "$(sysv nr_samples)" -eq 0 ] || fail "nr_samples $(sysv nr_samples) with nothing watched"
wait_wakeups 2
unload
note "ok"
