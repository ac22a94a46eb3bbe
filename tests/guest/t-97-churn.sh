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
# Pids above 300 are handed out in turn: 512 leaves ~200 for the churn
# (the ~60 other processes are mostly below 300), so they wrap often.
echo 512 >/proc/sys/kernel/pid_max || fail "cannot lower pid_max"
# (exited entries stay their longest: the model lists them until reused)
load log_sec=0 log_nsec=2000000 history=16 max_tasks=200 exited_keep_sec=60
# Until 500 forks got a recycled pid (20 s at most, 60 s on a slow kernel).
out=$(tmon-helper stress churn "$seed" $((20 * (SLOW > 1 ? 3 : 1))) 20000 500)
rc=$?
note "seed $seed: $out"
[ $rc -eq 0 ] || fail "churn (reproduce with TMON_STRESS_SEED=$seed)"
recycled=$(echo "$out" | sed -n 's/.*recycled pids \([0-9]*\).*/\1/p')
[ "${recycled:-0}" -ge 100 ] || fail "only ${recycled:-0} pids recycled: the test did not test reuse"
# Everything it watched it left listed as exited; unwatch all of it.
for p in $(watched_pids); do [ "$(twrite "-$p")" = OK ] || fail "cannot unwatch $p"; done
[ "$(sysv nr_tasks)" -eq 0 ] || fail "nr_tasks $(sysv nr_tasks)"
[ "$(sysv nr_samples)" -eq 0 ] || fail "nr_samples $(sysv nr_samples) with nothing watched"
wait_wakeups 2
unload
note "ok"
