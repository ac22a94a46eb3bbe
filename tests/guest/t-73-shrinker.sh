# drop_caches makes the shrinker give records back: with sampling held
# still, what it frees is seen by /proc/slabinfo and in the records
# left, and samples_reclaimed counts exactly that; then again while
# readers and the sampler keep running.
. /tests/lib.sh

N=50 H=200
load log_sec=0 log_nsec=10000000 history=$H
m0=$(sysv mem_bytes)
i=0
while [ $i -lt $N ]; do sleep 100000 & watch $!; i=$((i + 1)); done
filled() { [ "$(sysv nr_samples)" -ge $((N * H)) ]; }
wait_for 120 filled || fail "history did not fill: $(sysv nr_samples)"
s1=$(sysv nr_samples); m1=$(sysv mem_bytes); r1=$(sysv samples_reclaimed)
obj=$(sysv sample_size)
slab=$(cat /sys/kernel/slab/tmon_sample_chunk/slab_size 2>/dev/null || echo "?") C=$(chunk_records)
note "record payload 128 B, $obj B per record in a chunk of $C (slab_size $slab), $(((m1 - m0) / s1)) B per stored record from mem_bytes"

# Held still, judged by what an outside observer sees: the records left
# in debugfs and the slab's active objects.
# (A wakeup that still comes in adds at most N records.)
freeze 5
pids=$(tmon_all_threads)
w0=$(cpu_marks $pids)
l0=$(wc -l <$DBG/tasks) o0=$(sample_slab_objects) r0=$(sysv samples_reclaimed)
echo 2 >/proc/sys/vm/drop_caches
l1=$(wc -l <$DBG/tasks) o1=$(sample_slab_objects) r1=$(sysv samples_reclaimed) n1=$(sysv nr_samples)
slack=0
[ "$w0" = "$(cpu_marks $pids)" ] || slack=$((N * 2))
write_param log_sec 0 || fail "cannot leave the frozen period"
note "held still: records $l0 -> $l1, slabinfo tmon_sample_chunk $o0 -> $o1, samples_reclaimed +$((r1 - r0))"
[ "$l1" -le $((l0 / 2)) ] || fail "drop_caches left $l1 of $l0 records"
# (whole chunks of $C records go)
[ $(((o0 - o1) * C)) -ge $(((l0 - l1) * 9 / 10 - slack)) ] || fail "$((l0 - l1)) records went but the slab holds $o0 -> $o1 chunks of $C"
d=$((r1 - r0 - (l0 - l1)))
[ ${d#-} -le $slack ] || fail "samples_reclaimed +$((r1 - r0)), but $((l0 - l1)) records went"
d=$((n1 - l1))
[ ${d#-} -le $slack ] || fail "nr_samples $n1, $l1 records listed"
half() { [ "$(sysv nr_samples)" -ge $((N * H / 2)) ]; }
wait_for 120 half || fail "histories did not grow again: $(sysv nr_samples)"

# Readers and the sampler keep going during reclaim, at 100 ms periods:
# at 10 ms the histories refilled while a busy host's drop_caches ran.
write_param log_nsec 100000000 || fail "log_nsec=100000000 refused"
# A stop file, not kill: a killed loop can leave a cat holding debugfs
# open, and then the module cannot be unloaded.
rm -f /tmp/stop-readers
(while [ ! -e /tmp/stop-readers ]; do cat $DBG/tasks >/dev/null; cat $SYS/samples >/dev/null; done) &
rd=$!
s1=$(sysv nr_samples); m1=$(sysv mem_bytes); r1=$(sysv samples_reclaimed)
echo 2 >/proc/sys/vm/drop_caches
s2=$(sysv nr_samples); m2=$(sysv mem_bytes); r2=$(sysv samples_reclaimed)
note "drop_caches: nr_samples $s1 -> $s2, mem_bytes $m1 -> $m2, reclaimed $r1 -> $r2"
[ $((r2 - r1)) -ge $((s1 / 2)) ] || fail "the shrinker gave back $((r2 - r1)) of $s1 records"
# What is held drops too, unless drop_caches outlasts the refill of the
# histories (the 100 ms periods, 20 s for $H records, above): on a slow
# kernel (the debug kernel) it can.
if [ "$SLOW" -eq 1 ]; then
	[ "$s2" -lt $((s1 / 2)) ] || fail "nr_samples did not drop"
	[ "$m2" -lt "$m1" ] || fail "mem_bytes did not drop"
fi
# Every task kept at least its newest record; sampling goes on: a task's
# newest record moves on by 5 periods. (Not nr_samples: on a slow kernel
# the histories are full again by the time drop_caches returns.)
[ "$(awk '{ print $2 }' $DBG/tasks | sort -u | wc -l)" -eq $N ] || fail "a task lost all its records"
p=$(awk '$1 == "pid" { print $2; exit }' $DBG/tasks)
t2=$(newest "$p" ts)
regrow() { [ "$(newest "$p" ts)" -ge $((t2 + 500000000)) ]; }
wait_for 30 regrow || fail "sampling stopped after reclaim (pid $p, newest record at $t2 ns)"
touch /tmp/stop-readers
wait $rd
[ "$(sysv samples_dropped)" -eq 0 ] || note "dropped: $(sysv samples_dropped)"
unload
note "ok"
