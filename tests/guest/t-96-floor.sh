# The 100 us floor on every CPU for 60 s with 1000 watched processes,
# while readers stream the rings (mmap and read), dump over netlink and
# read debugfs and sysfs. Under emulation the threads cannot keep up:
# wakeups run late and fold missed periods, readers fall behind and lose
# ring entries. What must hold: every CPU keeps waking, each reader makes
# progress, every ring entry lost is counted (ring_lost), memory stays
# within history x tasks, and the module comes back to normal afterwards.
. /tests/lib.sh

N=1000 H=8 T=${TMON_FLOOR_SECONDS:-60}
load log_sec=1 history=$H ring_kb=256
tmon-helper stress sleepers $N watch >/tmp/sl & sl=$!
wait_for 120 grep -q '^ready' /tmp/sl || fail "sleepers not ready: $(tail -n 1 /tmp/sl)"
[ "$(sysv nr_tasks)" -eq $N ] || fail "nr_tasks $(sysv nr_tasks)"
m_idle=$(sysv mem_bytes)

# The read() reader opens before the floor, so it sees the rings from
# their start; it reads until /tmp/stop-read and the file is drained.
rm -f /tmp/stop-read
lost0=$(sysv ring_lost)
tmon-helper ring readfollow /tmp/stop-read >/tmp/r.read 2>&1 & rr=$!
tmon-helper ring stream "$T" >/tmp/r.mmap 2>&1 & rm_=$!
# Wakeups from each CPU's counter (GET_STATUS), at once for all CPUs:
# at 100 us a history of 8 turns over in 0.8 ms.
cpu_wakeups >/tmp/w0
write_param log_nsec 100000 && write_param log_sec 0 || fail "cannot set 100 us"
reader() {	# reader NAME COMMAND...: repeat COMMAND for T seconds
	local name=$1 n=0 end=$(($(now_ms) + T * 1000))
	shift
	while [ "$(now_ms)" -lt $end ]; do "$@" >/dev/null 2>&1 || { echo "$name failed" >/tmp/r.$name.err; }; n=$((n + 1)); done
	echo $n >/tmp/r.$name
}
reader nl tmon-helper nl dumpcpus & r1=$!
reader dbg cat $DBG/tasks $DBG/cpus $DBG/watched & r2=$!
reader sys cat $SYS/samples $SYS/nr_samples $SYS/mem_bytes $SYS/ring_lost & r3=$!
peak=0 t_end=$(($(now_ms) + T * 1000))
while [ "$(now_ms)" -lt $t_end ]; do
	m=$(sysv mem_bytes)
	[ "$m" -gt $peak ] && peak=$m
	sleep 1
done
wait $rm_ || fail "mmap reader: $(cat /tmp/r.mmap)"
wait $r1 $r2 $r3
cpu_wakeups >/tmp/w1
# Back to 1 s: the read() reader catches up and drains, then its gaps
# must be what ring_lost counted.
write_param log_sec 1 && write_param log_nsec 0 || fail "cannot leave the floor"
wait_wakeups 1
touch /tmp/stop-read
wait $rr || fail "read() reader: $(cat /tmp/r.read)"
note "$T s at 100 us, $N watched: ring_lost +$(($(sysv ring_lost) - lost0)), peak mem_bytes $peak (idle $m_idle)"
# At least one wakeup a second, a SLOW times slower kernel (the debug
# kernel: lockdep, KASAN and kmemleak on each sample) one in SLOW seconds.
for c in $(online_cpus); do
	d=$(awk -v c=$c 'NR == FNR { w0[$1] = $2; next } $1 == c && $1 in w0 { print $2 - w0[$1] }' /tmp/w0 /tmp/w1)
	note "cpu $c: ${d:-no} wakeups"
	[ "${d:-0}" -ge $((T / SLOW)) ] || fail "cpu $c woke only ${d:-0} times in $T s"
done
note "readers: $(tail -n 1 /tmp/r.read); mmap $(tail -n 1 /tmp/r.mmap); nl dumps $(cat /tmp/r.nl), debugfs passes $(cat /tmp/r.dbg), sysfs passes $(cat /tmp/r.sys)"
[ ! -e /tmp/r.nl.err ] && [ ! -e /tmp/r.dbg.err ] && [ ! -e /tmp/r.sys.err ] ||
	fail "a reader failed: $(cat /tmp/r.*.err)"
for r in nl dbg sys; do [ "$(cat /tmp/r.$r)" -gt 0 ] || fail "reader $r made no progress"; done
# The bound: history x tasks records, whatever the rate.
[ "$(sysv nr_samples)" -le $((N * H)) ] || fail "nr_samples $(sysv nr_samples) > $((N * H))"
# Back to normal.
wait_wakeups 3
[ "$(nr_threads)" -eq "$(nr_online)" ] || fail "$(nr_threads) threads"
kill $sl
wait_for 20 sh -c "! grep -q running $DBG/watched" || fail "exited processes not seen"
unload
note "ok"
