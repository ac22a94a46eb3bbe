# Concurrent unload attempts while clients hold the module's interfaces.
# Each holder that pins the module (the device mapped, a debugfs file
# open, a netlink dump left unread) makes all of 3 concurrent rmmods fail
# and leaves the module working; with only an open sysfs file, an idle
# netlink socket and readers left, exactly one of 3 rmmods succeeds and
# every client gets a clean error afterwards.
. /tests/lib.sh

N=400 R=3
# 40000 samples a second at 10 ms; SLOW squared fewer on a slow kernel,
# where the samplers could not keep up and the test's shell crawled.
load log_sec=0 log_nsec=$((10000000 * SLOW * SLOW))
tmon-helper stress sleepers $N watch >/tmp/sleepers & sl=$!
wait_for 120 grep -q '^ready' /tmp/sleepers || fail "sleepers not ready: $(tail -n 2 /tmp/sleepers)"
[ "$(sysv nr_tasks)" -eq $N ] || fail "nr_tasks $(sysv nr_tasks), watched $N"

# rmmods R at once; sets ok= (how many succeeded) and why= (the failures' messages).
rmmods() {
	local i=0 pids=""
	rm -f /tmp/rmmod.*
	while [ $i -lt $R ]; do
		(rmmod tmon >/tmp/rmmod.$i 2>&1; echo "rc $?" >>/tmp/rmmod.$i) &
		pids="$pids $!"
		i=$((i + 1))
	done
	wait $pids
	ok=$(cat /tmp/rmmod.* | grep -c '^rc 0$')
	why=$(cat /tmp/rmmod.* | grep -v '^rc ' | sed 's/.*: //' | sort | uniq -c | tr -s ' \n' ' ')
}

# The module still works: every CPU wakes, the watch list is whole.
intact() {
	loaded || fail "$1: module gone"
	wait_wakeups 2
	[ "$(sysv nr_tasks)" -eq $N ] || fail "$1: nr_tasks $(sysv nr_tasks)"
	[ "$(nr_threads)" -eq "$(nr_online)" ] || fail "$1: $(nr_threads) threads"
}

refused() {	# refused HOLDER
	rmmods
	[ "$ok" -eq 0 ] || fail "$1: $ok of $R rmmods succeeded"
	intact "$1"
	note "$1: $R concurrent rmmods refused ($why)"
}

# 1. /dev/tmon mapped (the mapping alone: the fd is closed).
tmon-helper ring hold >/tmp/hold & h=$!
wait_for 10 grep -q holding /tmp/hold || fail "ring hold did not start"
refused "device mapped"
kill $h
wait $h 2>/dev/null

# 2. A debugfs file open, half read.
exec 3<$DBG/tasks
read -r first <&3 || fail "cannot read tasks"
refused "debugfs tasks open"
exec 3<&-

# 3. A netlink dump started and left unread, until SIGUSR1 (a fixed 4 s
# ran out before the rmmods on the debug kernel).
tmon-helper nl holddump $((120 * SLOW)) >/tmp/dump & d=$!
wait_for 10 grep -q dumping /tmp/dump || fail "dump did not start"
refused "netlink dump pending"
kill -USR1 $d
wait $d || fail "held dump: $(cat /tmp/dump)"
grep -q "^entries $N\$" /tmp/dump || fail "held dump incomplete: $(cat /tmp/dump)"

# 4. Only holders that do not pin the module: one rmmod wins.
exec 4<$SYS/nr_tasks
# Until 20 failed requests in a row, at most 60 s (rmmod frees 400
# histories first, which takes a while on the debug kernel).
tmon-helper nl hold $((60 * SLOW)) >/tmp/nlhold & nh=$!
wait_for 10 grep -q holding /tmp/nlhold || fail "netlink hold did not start"
rm -f /tmp/stop
(n=0; while [ ! -e /tmp/stop ]; do cat $SYS/samples $SYS/nr_samples >/dev/null 2>&1; n=$((n + 1)); done; echo $n >/tmp/reads) &
rd=$!
sleep 0.5
rmmods
touch /tmp/stop
wait $rd
[ "$ok" -eq 1 ] || fail "$ok of $R rmmods succeeded with no holder ($why)"
! loaded || fail "still loaded"
note "no pinning holder: 1 of $R rmmods succeeded, the others: $why; $(cat /tmp/reads) sysfs reads meanwhile"
# The clients see the module gone, cleanly.
! read -r v <&4 2>/dev/null || fail "read of a removed sysfs file gave '$v'"
exec 4<&-
[ ! -e $DBG ] && [ ! -e $SYS ] && [ ! -e /dev/tmon ] || fail "interfaces left behind"
wait $nh || fail "netlink hold: $(cat /tmp/nlhold)"
grep -q "status ok [1-9][0-9]* failed [1-9]" /tmp/nlhold || fail "netlink hold: $(cat /tmp/nlhold)"
note "idle netlink socket: $(tail -n 1 /tmp/nlhold)"
[ "$(tmon_threads | wc -l)" -eq 0 ] || fail "threads left: $(tmon_threads)"
kill $sl
# And it loads again.
load
wait_for 10 all_cpus_have 1 || fail "no wakeups after reloading"
unload
note "ok"
