# The mempool reserve and the counted drops, on every kernel: with every
# allocation from the sample cache failing (the debugfs test hook
# fail_samples), sampling goes on from the reserve, record for record
# (the slab's own object count, /proc/slabinfo, does not move), chunk
# for chunk, then drops; every sample a wakeup owed is a ring entry or a counted drop;
# when allocations work again, sampling recovers.
. /tests/lib.sh

# The reserve, in chunks of records (sample_chunk.c).
RESERVE=8 W=40

load log_sec=0 log_nsec=10000000 history=1 ring_kb=4096
[ "$(stat -c %a $DBG/fail_samples)" = 600 ] || fail "fail_samples mode $(stat -c %a $DBG/fail_samples)"
tmon-helper stress sleepers $W >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
for p in $(grep -v ready /tmp/sl); do watch $p; done
wait_wakeups 2
# (30: the steps below took longer than 3 x SLOW s on the debug kernel of
# a loaded host; the period is left at once after them)
freeze 30
# Room for every sample of the window, made once sampling has stopped:
# each one is a new record, so the reserve is not given back by trimming
# while it drains. (Made earlier, the room was filled before the window
# on the debug kernel: 40 x 4096 records.)
echo $(($(cat $PAR/history) + 1024)) >$PAR/history
# The chunks full histories keep for their next records (sample_chunk.c) are
# given back too, so that the reserve and the last chunks' room are all
# the room there is.
echo 2 >/proc/sys/vm/drop_caches
pids=$(tmon_all_threads)
w0=$(cpu_marks $pids)
s0=$(sysv nr_samples) d0=$(sysv samples_dropped) o0=$(sample_slab_objects) C=$(chunk_records)
echo 100000000 >$DBG/fail_samples
[ "$w0" = "$(cpu_marks $pids)" ] ||
	fail "a thread of tmon ran in the frozen period, between the counts and the faults: $w0 / $(cpu_marks $pids)"
write_param log_sec 0 || fail "cannot leave the frozen period"
wait_wakeups 1
out=$(tmon-helper stress account 4) || fail "sampling from the reserve: $out"
freeze 3
s1=$(sysv nr_samples) d1=$(sysv samples_dropped) o1=$(sample_slab_objects)
note "all sample allocations failing: $out"
note "records $s0 -> $s1 (+$((s1 - s0))), dropped +$((d1 - d0)), slabinfo tmon_sample_chunk $o0 -> $o1"
# The reserve's chunks, full, and what room the $W watches' last chunks had.
[ $((s1 - s0)) -ge $((RESERVE * C)) ] && [ $((s1 - s0)) -le $((RESERVE * C + W * (C - 1))) ] ||
	fail "the reserve of $RESERVE chunks of $C gave $((s1 - s0)) records"
[ "$o1" = "$o0" ] || fail "slab objects moved $o0 -> $o1 while every allocation failed"
[ $((d1 - d0)) -gt 0 ] || fail "no drop counted once the reserve was empty"
echo 0 >$DBG/fail_samples
write_param log_sec 0 || fail "cannot leave the frozen period"
wait_for 30 sh -c "[ \$(cat $SYS/nr_samples) -gt $((s1 + 200)) ]" || fail "sampling did not recover"
[ "$(sample_slab_objects)" -gt "$o1" ] || fail "slab objects did not grow again: $(sample_slab_objects)"
note "recovered: records $(sysv nr_samples), slabinfo tmon_sample_chunk $(sample_slab_objects)"
kill $sl
unload
note "ok"
