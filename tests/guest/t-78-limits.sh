# Limits one user cannot exhaust for everyone, and a shrinker that always
# makes progress and converges:
# - a non-admin holds at most max_user_tasks watches, and non-admins
#   leave an eighth of max_tasks to admins (EDQUOT, nothing changed);
# - exited watches are reaped after exited_keep_sec, freeing the quota;
#   a pid number that comes back can be watched (the stale entry goes);
# - 400 exited watches at the head of the age list do not stop
#   drop_caches from freeing (checked in /proc/slabinfo too);
# - one drop_caches write returns promptly while sampling goes on;
# - sample memory is charged to the memory cgroup of whoever asked for
#   the watch: a group at its memory.max loses its own records, not
#   root's, and takes nothing from the shared reserve.
. /tests/lib.sh

old_max=$(cat /proc/sys/kernel/pid_max)
trap 'echo $old_max >/proc/sys/kernel/pid_max' EXIT
NLU="tmon-helper nl -u 1000"
nl_is() {	# nl_is WANT ARGS...: the first word of the reply
	local want=$1 got
	shift
	got=$(tmon-helper nl "$@")
	[ "${got%%:*}" = "$want" ] || fail "nl $*: got '$got', expected $want"
}
state_of() { awk -v p="$1" '$2 == p { print $6 }' $DBG/watched; }
# spawn N: N sleeping processes, forked by one helper without an exec
# each (hundreds of them), their pids on stdout; killed, they are reaped.
spawn() {
	local f
	f=$(mktemp)
	tmon-helper stress sleepers "$1" >"$f" &
	wait_for 60 grep -q '^ready' "$f" || fail "$1 sleepers not ready"
	grep -v ready "$f" | tr '\n' ' '
}
# (the shell's own printf: no fork per write, for hundreds of them)
watch_all() { for p in "$@"; do printf '%s\n' "$p" >$DBG/tasks || fail "watch $p"; done; }
unwatch_all() { for p in "$@"; do printf '%s\n' "-$p" >$DBG/tasks; done 2>/dev/null; }

load log_sec=0 log_nsec=50000000 max_user_tasks=5 exited_keep_sec=3
[ "$(cat $PAR/max_user_tasks) $(cat $PAR/exited_keep_sec)" = "5 3" ] || fail "parameters not taken"
write_param exited_keep_sec 61 && fail "exited_keep_sec=61 accepted"
write_param exited_keep_sec 0 && fail "exited_keep_sec=0 accepted"

# The per-user quota.
users=""
i=0
while [ $i -lt 8 ]; do tmon-helper asuser 1000 sleep 100000 & users="$users $!"; i=$((i + 1)); done
# shellcheck disable=SC2086 # the pids
user_procs 1000 sleep $users
set -- $users
for p in $1 $2 $3 $4 $5; do nl_is OK -u 1000 watch $p; done
before=$(watched_pids)
nl_is EDQUOT -u 1000 watch $6
[ "$(watched_pids)" = "$before" ] || fail "a refused watch changed the list"
sleep 100000 & r=$!
nl_is OK watch $r
note "uid 1000: 5 watches, the 6th EDQUOT; root still watches"

# Exited watches are reaped after exited_keep_sec; the quota comes back.
kill $1 $2
wait_for 5 sh -c "[ \"\$(awk -v p=$1 '\$2 == p { print \$6 }' $DBG/watched)\" = exited ]" ||
	fail "$1 not shown as exited"
t0=$(now_ms)
wait_for 10 sh -c "! awk '{ print \$2 }' $DBG/watched | grep -qx $1 && ! awk '{ print \$2 }' $DBG/watched | grep -qx $2" ||
	fail "exited watches still listed after 10 s: $(cat $DBG/watched)"
note "exited watches reaped $(($(now_ms) - t0)) ms after being shown exited (exited_keep_sec=3)"
nl_is OK -u 1000 watch $6
nl_is OK -u 1000 watch $7
nl_is EDQUOT -u 1000 watch $8

# The admins' reserve: with max_tasks 16 non-admins stop at 14 in all.
for p in $users $r; do tmon-helper nl unwatch $p >/dev/null; done
write_param max_user_tasks 100 || fail "max_user_tasks=100"
write_param max_tasks 16 || fail "max_tasks=16"
more=""
i=0
while [ $i -lt 16 ]; do tmon-helper asuser 1000 sleep 100000 & more="$more $!"; i=$((i + 1)); done
# shellcheck disable=SC2086 # the pids
user_procs 1000 sleep $more
n=0
for p in $more; do
	out=$($NLU watch $p)
	case $out in OK) n=$((n + 1)) ;; EDQUOT*) break ;; *) fail "watch $p as uid 1000: $out" ;; esac
done
[ $n = 14 ] || fail "uid 1000 got $n of max_tasks 16, wanted 14"
nl_is OK watch $r
sleep 100000 & r2=$!
nl_is OK watch $r2
nl_is ENOSPC watch $$
note "max_tasks 16: uid 1000 stops at 14 (EDQUOT), root takes the last 2"
kill $users $more $r2 2>/dev/null
for p in $more $r $r2; do tmon-helper nl unwatch $p >/dev/null; done
write_param max_tasks 4096 || fail "max_tasks=4096"

# A pid number that comes back: the stale entry is replaced.
write_param exited_keep_sec 60 || fail "exited_keep_sec=60"
echo 400 >/proc/sys/kernel/pid_max || fail "cannot lower pid_max"
# A pid from 300 up: numbers below 300 (RESERVED_PIDS) never come back
# once allocation wraps. (A boot that ran t-78 alone was at pid 283.)
n=0
while :; do
	sleep 100000 & v=$!
	[ $v -ge 300 ] && break
	kill $v
	wait $v 2>/dev/null
	n=$((n + 1))
	[ $n -lt 400 ] || fail "no pid from 300 up in 400 forks"
done
watch $v
wait_for 5 has_samples $v 1 || fail "no sample of $v"
# (each child reaped at once: a zombie keeps its pid number, and the
# shell reaps when it likes; one debug run saw no pid come back in 2000
# forks)
kill $v
wait $v 2>/dev/null
wait_for 5 sh -c "[ \"\$(awk -v p=$v '\$2 == p { print \$6 }' $DBG/watched)\" = exited ]" || fail "$v not exited"
# (the newest of its records: the new process's must all be later)
last=$(awk -v p=$v '$2 == p { print $6 }' $DBG/tasks | sort -n | tail -n 1)
[ -n "$last" ] || fail "no record of the exited $v"
n=0
while :; do
	sleep 100000 & p=$!
	[ $p = $v ] && break
	kill $p
	wait $p 2>/dev/null
	n=$((n + 1))
	[ $n -lt 2000 ] || fail "pid $v did not come back in 2000 forks"
done
echo "$old_max" >/proc/sys/kernel/pid_max
out=$(twrite $v)
[ "$out" = OK ] || fail "watch of the new process $v: $out"
[ "$(state_of $v)" = running ] || fail "the new $v is $(state_of $v)"
wait_for 5 sh -c "[ \$(awk -v p=$v '\$2 == p' $DBG/tasks | wc -l) -ge 1 ]" || fail "no sample of the new $v"
stale=$(awk -v p=$v -v t=$last '$2 == p && $6 <= t' $DBG/tasks)
[ -z "$stale" ] || fail "records of the earlier $v (up to ts $last) under the new one: $stale"
note "pid $v came back after $n forks and was watched again (stale entry replaced)"
kill $v
twrite -$v >/dev/null

# 400 exited watches at the head of the age list, 50 live at 1 ms.
write_param history 2000 || fail "history=2000"
dead=$(spawn 400)
watch_all $dead
wait_wakeups 3
kill $dead
wait_for 20 sh -c "[ \$(grep -c ' state exited ' $DBG/watched) -ge 400 ]" || fail "400 not exited: $(grep -c ' state exited ' $DBG/watched)"
live=$(spawn 50)
watch_all $live
write_param log_nsec 1000000 || fail "1 ms"
wait_for 20 sh -c "[ \$(cat $SYS/nr_samples) -ge 10000 ]" || fail "histories did not grow: $(sysv nr_samples)"
# (the slab's object count is compared with sampling held still)
freeze 3
rec0=$(sysv samples_reclaimed)
s0=$(sample_slab_objects)
echo 2 >/proc/sys/vm/drop_caches
rec1=$(sysv samples_reclaimed)
s1=$(sample_slab_objects)
write_param log_sec 0 || fail "cannot leave the frozen period"
note "400 exited + 50 live at 1 ms: drop_caches reclaimed $((rec1 - rec0)); slabinfo tmon_sample_chunk active $s0 -> $s1"
[ $((rec1 - rec0)) -ge 5000 ] || fail "drop_caches reclaimed only $((rec1 - rec0)) records"
[ $(((s0 - s1) * $(chunk_records))) -ge 2500 ] || fail "slabinfo: tmon_sample_chunk objects $s0 -> $s1"
kill $live
unwatch_all $dead $live

# 100 watched at 5 ms, history 200: one drop_caches write frees what was
# there when it began and no more (its later rounds do not chase the
# refill), and so returns promptly: 2 s on a quiet host here, bounded at
# 5 s for a loaded one (60 s on the debug kernel).
write_param history 200 || fail "history=200"
write_param log_nsec 5000000 || fail "5 ms"
pool=$(spawn 100)
watch_all $pool
wait_for 30 sh -c "[ \$(cat $SYS/nr_samples) -ge 15000 ]" || fail "histories did not fill: $(sysv nr_samples)"
limit=5000
[ "$SLOW" -gt 1 ] && limit=60000
rec0=$(sysv samples_reclaimed)
t0=$(now_ms)
held=$(sysv nr_samples)
echo 2 >/proc/sys/vm/drop_caches
ms=$(($(now_ms) - t0))
freed=$(($(sysv samples_reclaimed) - rec0))
note "100 at 5 ms, history 200: one drop_caches write took $ms ms, reclaimed $freed of the $held held when it began"
[ $ms -le $limit ] || fail "a drop_caches write took $ms ms (limit $limit)"
# At least half of what was held; a quarter on a slow kernel, where the
# write's rounds take seconds and sampling replaces the whole history
# (200 records at 5 ms) every second: the records it replaces before the
# shrinker reaches them are freed too, but by sampling (9870 of 19923
# reclaimed in a write of 17 s on the debug kernel of a loaded host).
least=$((held / 2))
[ "$SLOW" -gt 1 ] && least=$((held / 4))
[ $freed -ge $least ] || fail "it reclaimed only $freed of the $held held"
# (4000 more, 200 ms of sampling: what it added between reading
# nr_samples and the write's first round; a write that chased the
# refill freed some 20000 more a second)
[ $freed -le $((held + 4000)) ] || fail "it reclaimed $freed, more than the $held held when it began: it chased the refill"
kill $pool
unwatch_all $pool

# Memory cgroups: 20 processes watched from a group limited to 1 MiB,
# 20 from the root group, every 1 ms with room for 1024 records each.
CG=/sys/fs/cgroup
mount -t cgroup2 none $CG || fail "cannot mount cgroup2"
trap 'echo $old_max >/proc/sys/kernel/pid_max; rmdir $CG/lim 2>/dev/null; umount $CG 2>/dev/null' EXIT
echo +memory >$CG/cgroup.subtree_control || fail "no memory controller"
mkdir $CG/lim && echo $((1 << 20)) >$CG/lim/memory.max || fail "cannot make a limited group"
write_param history 1024 || fail "history=1024"
write_param log_nsec 1000000 || fail "1 ms"
lim=$(spawn 20)
root=$(spawn 20)
d0=$(sysv samples_dropped)
sh -c "echo \$\$ >$CG/lim/cgroup.procs && for p in $lim; do echo \$p >$DBG/tasks || exit 1; done" ||
	fail "cannot watch from the limited group"
watch_all $root
# held "PIDS": records of those processes (one read of the history)
held() { awk -v set=" $1 " '$1 == "pid" && index(set, " " $2 " ") { n++ } END { print n + 0 }' $DBG/tasks; }
# (the group holds at most 1 MiB of chunks, 8000 records; root's 20480)
wait_for 60 sh -c "[ \$(cat $SYS/nr_samples) -ge 26000 ]" || fail "histories did not grow: $(sysv nr_samples)"
freeze 3
hl=$(held "$lim") hr=$(held "$root") size=$(sysv sample_size)
cur=$(cat $CG/lim/memory.current) slab=$(awk '$1 == "slab" { print $2 }' $CG/lim/memory.stat)
d1=$(sysv samples_dropped)
note "memcg: limited group's watches hold $hl records ($((hl * size)) bytes; memory.current $cur, slab $slab), root's $hr; dropped +$((d1 - d0))"
[ "$hr" -ge $((hl * 2)) ] || fail "root's watches hold $hr records, the limited group's $hl"
[ $((hl * size)) -le $((1 << 20)) ] || fail "the limited group's records take $((hl * size)) bytes, above its 1 MiB"
[ "$slab" -ge $((hl * size / 2)) ] || fail "the group is not charged for its records: slab $slab for $hl records"
[ $((d1 - d0)) -gt 0 ] || fail "no drop counted for the group at its limit"
unwatch_all $lim $root
kill $lim $root
unload
note "ok"
