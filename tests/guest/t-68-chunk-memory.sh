# A stored record costs little more than its share of a chunk: measured
# from /proc/slabinfo (the pages of the sample cache's slabs), not from
# tmon's own counters, at the default history once it has turned over;
# and the records, stored in chunks, read back whole and in order, by
# netlink and debugfs, across the chunks' boundaries.
. /tests/lib.sh

N=20
load log_sec=0 log_nsec=2000000
H=$(cat $PAR/history)
# slab_bytes: the pages the sample cache's slabs hold (num_slabs x pages
# per slab; x86's 4 KiB pages); obj_bytes: a slab's pages by object.
# Under KASAN (the debug kernel) a freed object waits in its quarantine
# before it can be used again, so new chunks go to new slabs and the slabs
# fill with holes that are the allocator's, not tmon's: there, the objects
# in use (active_objs, the quarantine drained by the shrink) at their
# share of the pages.
kasan=0
grep -q ' kasan_quarantine_put$' /proc/kallsyms && kasan=1
slab_bytes() {
	echo 1 >/sys/kernel/slab/tmon_sample_chunk/shrink 2>/dev/null
	awk -v kasan=$kasan '$1 == "tmon_sample_chunk" {
		printf "%.0f\n", kasan ? $2 * $6 * 4096 / $5 : $15 * $6 * 4096 }' /proc/slabinfo
}
obj_bytes() { awk '$1 == "tmon_sample_chunk" { printf "%.0f\n", $6 * 4096 / $5 }' /proc/slabinfo; }
b0=$(slab_bytes)
[ -n "$b0" ] || fail "no tmon_sample_chunk line in /proc/slabinfo"
tmon-helper stress sleepers $N >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
for p in $(grep -v ready /tmp/sl); do watch $p; done
p=$(grep -v ready /tmp/sl | head -n 1)
full() { [ "$(sysv nr_samples)" -ge $((N * H)) ]; }
wait_for 120 full || fail "histories did not fill: $(sysv nr_samples) of $((N * H))"
# Turned over: the oldest records of each history trimmed, as they are
# from then on (a part-used first chunk, as well as the last).
newest_seq() { tmonctl show "$p" -j | jq '.entries[-1].seq'; }
over() { [ "$(newest_seq)" -ge $((2 * H)) ]; }
wait_for 120 over || fail "pid $p: history did not turn over, newest seq $(newest_seq)"

freeze 10
s=$(sysv nr_samples) b1=$(slab_bytes) C=$(chunk_records) ob=$(obj_bytes)
obj=$(cat /sys/kernel/slab/tmon_sample_chunk/object_size) sz=$(cat /sys/kernel/slab/tmon_sample_chunk/slab_size)
bpr=$(((b1 - b0) / s)) full=$((ob / C))
[ $kasan -eq 1 ] && note "KASAN: objects in use $(awk '$1 == "tmon_sample_chunk" { print $2 " of " $3 }' /proc/slabinfo) (slab pages: in use only)"
note "history $H, $N watched: $s records in $((b1 - b0)) bytes of slab pages ($b0 before the watches): $bpr B per record for 128; a full chunk's share $full B (objects of $obj B, $sz with the slab's metadata, $ob B of pages each, $C records)"
[ "$s" -eq $((N * H)) ] || fail "nr_samples $s, not $N x $H"
# The chunks a history holds part-used (its first and last) cost at most
# a tenth more than full ones would.
[ $(((b1 - b0) * 10)) -le $((s * full * 11)) ] || fail "$bpr bytes per stored record, above 1.1 x a full chunk's $full"
# Without slub_debug's red zones (the test boots have them; make bench
# does not), that is 1.1 x the 128-byte payload.
if [ "$obj" -eq "$sz" ]; then
	[ $(((b1 - b0) * 10)) -le $((s * 128 * 11)) ] || fail "$bpr bytes per stored record, above 1.1 x 128"
fi

# Read back: every record of one process, seqs consecutive, by netlink
# (a dump of many messages) as stored; every record of all, by debugfs.
tmonctl show "$p" -j >/tmp/show.json || fail "show $p"
jq -r '.entries[].seq' /tmp/show.json >/tmp/seqs
n=$(wc -l </tmp/seqs)
[ "$n" -eq "$H" ] || fail "pid $p: show lists $n records, history is $H"
gaps=$(awk 'NR > 1 && $1 != prev + 1 { g++ } { prev = $1 } END { print g + 0 }' /tmp/seqs)
[ "$gaps" -eq 0 ] || fail "pid $p: $gaps breaks in the seqs $(head -n 1 /tmp/seqs)..$(tail -n 1 /tmp/seqs)"
[ "$(wc -l <$DBG/tasks)" -eq "$s" ] || fail "debugfs tasks lists $(wc -l <$DBG/tasks) records, nr_samples $s"
[ "$(tmon-helper nl dumptasks)" = "records $s" ] || fail "dumptasks: $(tmon-helper nl dumptasks), nr_samples $s"
note "pid $p: seqs $(head -n 1 /tmp/seqs)..$(tail -n 1 /tmp/seqs), none missing; debugfs and netlink list all $s"
write_param log_sec 0 || fail "cannot leave the frozen period"
kill $sl
unload
note "ok"
