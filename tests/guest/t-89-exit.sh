# The exit of a watched process, seen as it happens: at a 1 s period, a
# process that uses 300 ms of CPU after its first sample and exits has a
# final record, flagged exited, holding that CPU time (within a tick):
# the newest in its history, in its exit event and in the tmon_task_sample
# tracepoint, all with the same seq. With /proc mounted hidepid=2, a
# uid-1000 subscriber gets the exit of its own process, not of root's, in
# its events and in its status's latest events; one in a child pid
# namespace, of its own process as it numbers it. A burst of exits has an
# event each.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
U="tmon-helper asuser 1000"
# (exited watches kept the longest allowed: a debug kernel takes tens of
# seconds from the exits to the reading of their records)
load log_sec=1 exited_keep_sec=60
HZ_NS=10000000	# a tick at HZ=100 or more

mkfifo /tmp/go.r /tmp/go.u
chmod 0666 /tmp/go.u
tmon-helper burn 300 </tmp/go.r & r=$!
$U sh -c 'exec tmon-helper burn 300 </tmp/go.u' & u=$!
# (the fifos open once both ends are there)
exec 3>/tmp/go.r 4>/tmp/go.u
watch $r
watch $u
wait_for 5 has_samples $r 1 && wait_for 5 has_samples $u 1 || fail "no first samples"

# (/proc hides root's processes from uid 1000; tmon follows its own rule)
trap 'mount -o remount,hidepid=0 /proc' EXIT
mount -o remount,hidepid=2 /proc || fail "cannot remount /proc hidepid=2"
listeners $((60 * SLOW))

echo >$T/trace
echo 1 >$T/events/tmon/tmon_task_sample/enable
echo go >&3
echo go >&4
exec 3>&- 4>&-
wait $r $u
exits() { [ "$(grep -c '"kind":"exit"' /tmp/root.ev)" = 2 ] && grep -q '"kind":"exit"' /tmp/user.ev; }
wait_for 10 exits || fail "exit events: root got $(grep -c '"kind":"exit"' /tmp/root.ev), uid 1000 $(grep -c '"kind":"exit"' /tmp/user.ev)"

# tmonctl status has the latest events, each as its caller may be told
# of it: root both exits, uid 1000 its own.
latest_exits() { "$@" tmonctl status --json | jq -c '[.events.latest[] | select(.kind == "exit") | .pid] | sort'; }
got=$(latest_exits) want=$(echo "[$r,$u]" | jq -c sort)
[ "$got" = "$want" ] || fail "root's status: latest exits $got, wanted $want: $(tmonctl status --json | jq -c .events.latest)"
got=$(latest_exits $U)
[ "$got" = "[$u]" ] || fail "uid 1000's status: latest exits $got, wanted [$u]"
tmonctl status >/tmp/status.txt
grep -Eq "^(latest    | {10})[0-9]+ exit pid=$r comm=tmon-helper " /tmp/status.txt ||
	fail "status text: no latest line of $r's exit: $(grep -A4 '^events' /tmp/status.txt)"
note "$(grep -A4 '^events' /tmp/status.txt)"

# The final records, read while the exited watches are kept.
for p in $r $u; do
	ev=$(grep '"kind":"exit"' /tmp/root.ev | jq -c "select(.pid == $p)")
	[ -n "$ev" ] || fail "no exit event of $p"
	note "$ev"
	seq=$(echo "$ev" | jq .record.seq)
	cpu=$(echo "$ev" | jq '.record.utime_ns + .record.stime_ns')
	[ "$cpu" -ge $((300000000 - HZ_NS)) ] || fail "$p: exit record holds $cpu ns of CPU, it used 300 ms"
	[ "$(echo "$ev" | jq '.record.exited')" = true ] || fail "$p: exit record not flagged exited"
	out=$(tmonctl show $p -n 1 --json) || fail "tmonctl show $p: $out"
	[ "$(echo "$out" | jq -c '.entries[0] | [.seq, .utime_ns + .stime_ns]')" = "[$seq,$cpu]" ] ||
		fail "$p: newest stored record $(echo "$out" | jq -c '.entries[0]'), exit event's seq $seq cpu $cpu"
	# (the streams get it from the watch's sampler, at its next round)
	wait_for 5 grep -q "tmon_task_sample: pid=$p seq=$seq .* flags=1" $T/trace ||
		fail "$p: no tmon_task_sample seq=$seq flagged exited: $(grep "pid=$p " $T/trace | tail -n 2)"
done
echo 0 >$T/events/tmon/tmon_task_sample/enable

# A burst: 40 watched processes killed at once, their exits stored by one
# work item on one CPU. An exit is not rate limited (a process exits
# once): each has its event, none held back.
B=40 pids=
for i in $(seq $B); do
	sleep 100000 &
	pids="$pids $!"
done
for p in $pids; do watch $p; done
held0=$(tmonctl status --json | jq '.events.kinds[] | select(.kind == "exit") | .suppressed')
kill $pids
wait $pids 2>/dev/null
burst_told() {
	n=0
	for p in $pids; do
		grep '"kind":"exit"' /tmp/root.ev | grep -q "\"pid\":$p[,}]" && n=$((n + 1))
	done
	[ $n = $B ]
}
wait_for 10 burst_told || fail "exit events of $n of $B processes killed at once"
held=$(tmonctl status --json | jq '.events.kinds[] | select(.kind == "exit") | .suppressed')
[ "$held" = "$held0" ] || fail "exit events held back: $held0, then $held"
note "$B watched processes killed at once: $B exit events, none held back"

# A subscriber in a child pid namespace: told of the exit of the
# namespace's process as pid 2, not of a host process's.
rm -f /tmp/nsx-*
unshare -p -f --mount-proc sh -c '
	sleep 100000 & echo $! >/tmp/nsx-pid
	exec tmonctl events -j -d 60 >/tmp/nsx.ev' & ns=$!
wait_for 10 test -s /tmp/nsx-pid || fail "the namespace did not start"
[ "$(cat /tmp/nsx-pid)" = 2 ] || fail "the namespace's sleep is pid $(cat /tmp/nsx-pid), not 2"
echo 0 >$PAR/thread_threshold_ns
wait_for 10 grep -q latency /tmp/nsx.ev || fail "the namespace's listener got no event"
echo off >$PAR/thread_threshold_ns
# (its host pid: the one whose NSpid ends in the namespace's 2)
ns_host_pid() { grep -lE "^NSpid:[[:space:]]+[0-9]+[[:space:]]+$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3; }
hp=$(ns_host_pid 2)
[ -n "$hp" ] || fail "no host pid for the namespace's pid 2"
sleep 100000 & h=$!
watch "$hp"
watch $h
kill "$hp" $h
wait $h 2>/dev/null
wait_for 10 grep -q "\"kind\":\"exit\",.*\"pid\":$h[,}]" /tmp/root.ev || fail "no exit event of host $h"
wait_for 10 grep -q '"kind":"exit",.*"pid":2[,}]' /tmp/nsx.ev ||
	fail "the namespace's listener: no exit of its pid 2 (host $hp): $(grep exit /tmp/nsx.ev)"
[ "$(grep -c '"kind":"exit"' /tmp/nsx.ev)" = 1 ] ||
	fail "the namespace's listener was told of other exits: $(grep exit /tmp/nsx.ev)"
kill "$(ns_host_pid 1)"	# its listener, the namespace's init
wait $ns
note "a listener in a child pid namespace: the exit of its pid 2 (host $hp), not of host $h"
kill $lr $lu
wait $lr $lu

# uid 1000 sees its process's exit, with its record, and not root's.
[ "$(grep '"kind":"exit"' /tmp/user.ev | jq "select(.pid == $u) | .record.utime_ns + .record.stime_ns >= $((300000000 - HZ_NS))")" = true ] ||
	fail "uid 1000: $(grep exit /tmp/user.ev)"
grep -q "\"pid\":$r[,}]" /tmp/user.ev && fail "uid 1000 was told of root's $r: $(grep "\"pid\":$r[,}]" /tmp/user.ev)"
note "exits of $r (root's) and $u (uid 1000's): final records with their 300 ms; uid 1000 told of $u only"
unload
