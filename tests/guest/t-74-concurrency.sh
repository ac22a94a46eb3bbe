# Concurrent readers, writers (watch/unwatch from several processes, by
# debugfs and by netlink, whose requests run in parallel), dumps, the
# shrinker and the sampler, then unload. The kernel log check (with
# slub_debug=FZPU on the command line) catches what goes wrong.
. /tests/lib.sh

load log_sec=0 log_nsec=5000000 history=50
i=0
while [ $i -lt 40 ]; do sleep 100000 & echo $! >>/tmp/pool; i=$((i + 1)); done
end=$(($(now_ms) + 15000))
writer() {
	local n=0 p
	while [ "$(now_ms)" -lt $end ]; do
		for p in $(cat /tmp/pool); do
			echo $p >$DBG/tasks 2>/dev/null
			[ $((n % 3)) -eq 0 ] && echo -$p >$DBG/tasks 2>/dev/null
			n=$((n + 1))
		done
	done
	echo "writer $1: $n commands"
}
reader() {
	local n=0
	while [ "$(now_ms)" -lt $end ]; do
		cat $DBG/tasks $DBG/watched $SYS/samples $DBG/cpus >/dev/null
		n=$((n + 1))
	done
	echo "reader $1: $n passes"
}
# netlink requests at random (watch, unwatch, list), each must succeed
nlclient() {
	tmon-helper nl stress 15 $(cat /tmp/pool) >/tmp/nl.$1 || fail "netlink client $1: $(cat /tmp/nl.$1)"
	echo "netlink client $1: $(cat /tmp/nl.$1)"
}
dumper() {
	local n=0 r
	while [ "$(now_ms)" -lt $end ]; do
		for r in dumptasks dumpcpus status; do
			tmon-helper nl $r >/tmp/dump.out || fail "netlink $r: $(cat /tmp/dump.out)"
		done
		n=$((n + 1))
	done
	echo "dumper: $n rounds"
}
shrinker() {
	local n=0
	while [ "$(now_ms)" -lt $end ]; do
		echo 2 >/proc/sys/vm/drop_caches
		n=$((n + 1))
	done
	echo "drop_caches: $n"
}
writer 1 & w1=$!
writer 2 & w2=$!
writer 3 & w3=$!
reader 1 & r1=$!
reader 2 & r2=$!
nlclient 1 & n1=$!
nlclient 2 & n2=$!
dumper & d1=$!
shrinker & s1=$!
for p in $w1 $w2 $w3 $r1 $r2 $n1 $n2 $d1 $s1; do
	wait $p || fail "a concurrent client failed (pid $p)"
done
note "watched at the end: $(sysv nr_tasks), samples $(sysv nr_samples), reclaimed $(sysv samples_reclaimed)"
[ "$(sysv nr_tasks)" -eq "$(wc -l <$DBG/watched)" ] || fail "nr_tasks disagrees with the watched file"
unload
kill $(cat /tmp/pool)
note "ok"
