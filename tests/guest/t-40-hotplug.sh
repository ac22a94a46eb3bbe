# CPU hotplug: offline removes that CPU's thread, online brings one back
# and its wakeups continue. 20 rounds.
. /tests/lib.sh

[ "$(nr_online)" -ge 2 ] || { echo "needs 2 CPUs"; exit 77; }
cpus=$(online_cpus | grep -v '^0$' | tr '\n' ' ')
[ -n "$cpus" ] || { echo "no hot-pluggable CPU"; exit 77; }
set -- $cpus

has_thread() { [ "$(tmon_threads | awk -v c="$1" '$2 == c' | wc -l)" -eq "$2" ]; }
seq_above() { [ "$(last_seq "$1")" -gt "$2" ]; }

load log_sec=0 log_nsec=20000000
n=$(nr_online)
wait_for 10 all_cpus_have 1 || fail "no wakeups"
round=0
while [ $round -lt 20 ]; do
	c=$(eval echo "\${$((round % $# + 1))}")
	echo 0 >/sys/devices/system/cpu/cpu$c/online || fail "cannot offline cpu $c"
	wait_for 10 has_thread "$c" 0 || fail "round $round: tmon/$c still there with cpu $c offline"
	[ "$(cat $SYS/nr_cpus)" -eq $((n - 1)) ] || fail "nr_cpus $(cat $SYS/nr_cpus) with cpu $c offline"
	s=$(last_seq "$c")
	echo 1 >/sys/devices/system/cpu/cpu$c/online || fail "cannot online cpu $c"
	wait_for 10 has_thread "$c" 1 || fail "round $round: no tmon/$c after online"
	wait_for 10 seq_above "$c" $((s + 1)) || fail "round $round: cpu $c wakeups did not continue after seq $s"
	pid=$(tmon_threads | awk -v c="$c" '$2 == c { print $1 }')
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/$pid/status)" = "$c" ] || fail "new tmon/$c not bound"
	[ "$(cat $SYS/nr_cpus)" -eq "$n" ] || fail "nr_cpus $(cat $SYS/nr_cpus) after online"
	round=$((round + 1))
done
# seq continues across offline periods: no CPU's history restarted.
awk '$1 == "cpu" { if ($2 in l && $4 != l[$2] + 1) { print "seq gap on cpu " $2 ": " l[$2] " -> " $4; bad = 1 } l[$2] = $4 }
     END { exit bad }' $DBG/cpus || fail "history seq not continuous"
unload
note "ok: $round offline/online rounds over CPUs $cpus"
