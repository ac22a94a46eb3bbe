# 1000 watched processes at 100 ms: the history read-out is complete and
# consistent (line count = nr_samples) far beyond PAGE_SIZE, sysfs
# samples stays within PAGE_SIZE, sampling is spread over every thread,
# and history bounds the per-task count at run time.
. /tests/lib.sh

N=1000
# A SLOW times slower kernel samples SLOW times less often: at 100 ms
# the debug kernel's samplers (KASAN, kmemleak, lockdep on each of
# 10 000 samples a second) leave the shell next to no CPU.
P=$((100000000 * SLOW))
load log_sec=0 log_nsec=$P history=8
wait_for 10 all_cpus_have 5 || fail "no wakeups"
i=0
while [ $i -lt $N ]; do
	sleep 100000 &
	echo $! >>/tmp/pids
	i=$((i + 1))
done
while read -r p; do
	echo "$p" >$DBG/tasks || fail "watch $p failed"
done </tmp/pids
[ "$(sysv nr_tasks)" -eq $N ] || fail "nr_tasks $(sysv nr_tasks)"
full() { [ "$(sysv nr_samples)" -eq $((N * 8)) ]; }
wait_for 120 full || fail "history did not fill: $(sysv nr_samples) of $((N * 8))"
# Every thread takes an even share of the sampling: the task entries in
# each CPU's stream ring, as a reader receives them, are the samples its
# thread took. One pass over the record counts every ring.
tmonctl record -d $((3 * SLOW)) -o /tmp/t72-rec.csv 2>/tmp/t72-rec.err || fail "record: $(cat /tmp/t72-rec.err)"
ncpu=$(nr_online)
awk -F, '$1 == "task" { n[$2]++ } END { for (c in n) print c, n[c] }' /tmp/t72-rec.csv >/tmp/t72-rings
total=$(awk '{ t += $2 } END { print t + 0 }' /tmp/t72-rings)
[ "$total" -ge $((N * 2)) ] || fail "only $total task entries in $((3 * SLOW)) s of $N processes every $((P / 1000000)) ms"
for c in $(online_cpus); do
	k=$(awk -v c=$c '$1 == c { print $2 }' /tmp/t72-rings)
	k=${k:-0}
	note "ring $c: $k of the $total task entries recorded"
	[ "$k" -ge $((total / ncpu * 8 / 10)) ] && [ "$k" -le $((total / ncpu * 12 / 10)) ] ||
		fail "cpu $c took $k of $total samples, not about 1/$ncpu"
done
rm -f /tmp/t72-rec.csv /tmp/t72-rec.err /tmp/t72-rings
freeze
cat $DBG/tasks >/tmp/a
dd if=$DBG/tasks of=/tmp/b bs=511 2>/dev/null
lines=$(wc -l </tmp/a)
bytes=$(wc -c </tmp/a)
note "tasks: $lines lines, $bytes bytes; nr_samples $(sysv nr_samples)"
[ "$lines" -eq "$(sysv nr_samples)" ] || fail "$lines lines but nr_samples $(sysv nr_samples)"
[ "$bytes" -gt 409600 ] || fail "only $bytes bytes"
cmp /tmp/a /tmp/b || fail "511-byte reads differ from a whole read"
awk '$1 != "pid" || NF != 28 || $3 != "comm" || $27 != "cpu" { print "bad line " NR ": " $0; bad = 1; exit }
     $2 in ts && $6 <= ts[$2] { print "pid " $2 " out of order"; bad = 1 }
     { ts[$2] = $6; n[$2]++ }
     END { for (p in n) if (n[p] != 8) { print "pid " p " has " n[p] " records"; bad = 1 }; exit bad }' /tmp/a ||
	fail "malformed, unordered or incomplete history"
s=$(wc -c <$SYS/samples)
note "sysfs samples: $s bytes, $(wc -l <$SYS/samples) lines"
[ "$s" -le 4096 ] && [ "$s" -gt 3000 ] || fail "sysfs samples is $s bytes"
awk 'NF != 6 || $1 != "pid" || $3 != "usr" || $5 != "sys" { exit 1 }' $SYS/samples || fail "bad sysfs samples line"

# history shrinks at run time: applied at each task's next sample.
write_param history 3 || fail "history=3 refused"
write_param log_sec 0 || fail "log_sec=0 refused"
trimmed() { [ "$(sysv nr_samples)" -eq $((N * 3)) ]; }
wait_for 60 trimmed || fail "history=3 not applied: nr_samples $(sysv nr_samples)"
awk '{ n[$2]++ } END { for (p in n) if (n[p] > 3) exit 1 }' $DBG/tasks || fail "a task holds more than 3 records"
note "history=3: nr_samples $(sysv nr_samples), mem_bytes $(sysv mem_bytes)"
kill $(cat /tmp/pids)
unload
note "ok"
