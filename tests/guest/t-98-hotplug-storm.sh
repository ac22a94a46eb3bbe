# CPU hotplug storm: random CPUs off and on (seeded, 60 changes) while 50
# processes are sampled every 10 ms, an mmap reader and a read() reader
# stream the rings, and netlink and debugfs readers dump. Afterwards every
# online CPU has exactly one bound thread and wakes, each CPU's history
# seq runs on without a gap across the storm, and the readers' accounting
# holds.
. /tests/lib.sh

seed=${TMON_STRESS_SEED:-1} ROUNDS=60
[ "$(nr_online)" -ge 2 ] || { echo "needs 2 CPUs"; exit 77; }
cpus=$(online_cpus | grep -v '^0$' | tr '\n' ' ')
[ -n "$cpus" ] || { echo "no hot-pluggable CPU"; exit 77; }
set -- $cpus

load log_sec=0 log_nsec=10000000 history=4096
tmon-helper stress sleepers 50 watch >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
rm -f /tmp/stop /tmp/stop-read
tmon-helper ring readfollow /tmp/stop-read >/tmp/r.read 2>&1 & rr=$!
reader() {	# reader NAME COMMAND...: repeat COMMAND until /tmp/stop
	local name=$1 n=0
	shift
	while [ ! -e /tmp/stop ]; do "$@" >/dev/null 2>&1 || echo "$name failed" >/tmp/r.$name.err; n=$((n + 1)); done
	echo $n >/tmp/r.$name
}
reader nl tmon-helper nl dumptasks & r1=$!
reader dbg cat $DBG/cpus $DBG/tasks & r2=$!
tmon-helper ring stream 600 /tmp/stop >/tmp/r.mmap 2>&1 & rm_=$!

# The storm: each round turns a random hot-pluggable CPU over.
i=0 offs=0 ons=0
for pick in $(awk -v s="$seed" -v n=$# -v r=$ROUNDS 'BEGIN { srand(s); for (i = 0; i < r; i++) print int(rand() * n) + 1 }'); do
	eval "c=\${$pick}"
	f=/sys/devices/system/cpu/cpu$c/online
	if [ "$(cat $f)" = 1 ]; then
		echo 0 >$f || fail "round $i: cannot offline cpu $c"
		offs=$((offs + 1))
	else
		echo 1 >$f || fail "round $i: cannot online cpu $c"
		ons=$((ons + 1))
	fi
	i=$((i + 1))
done
for c in $cpus; do echo 1 >/sys/devices/system/cpu/cpu$c/online; done
touch /tmp/stop
wait $r1 $r2
wait $rm_ || fail "mmap reader: $(cat /tmp/r.mmap)"
note "seed $seed: $i rounds ($offs offline, $ons online) over CPUs $cpus; netlink dumps $(cat /tmp/r.nl), debugfs passes $(cat /tmp/r.dbg)"
[ ! -e /tmp/r.nl.err ] && [ ! -e /tmp/r.dbg.err ] || fail "a reader failed: $(cat /tmp/r.*.err)"

n=$(nr_online)
wait_for 10 sh -c "[ \$(cat $SYS/nr_cpus) -eq $n ]" || fail "nr_cpus $(sysv nr_cpus), $n online"
[ "$(nr_threads)" -eq "$n" ] || fail "$(nr_threads) threads, $n CPUs online"
for t in $(tmon_threads | awk '{ print $1 ":" $2 }'); do
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/${t%:*}/status)" = "${t#*:}" ] || fail "tmon/${t#*:} not bound"
done
wait_wakeups 3
# Continuity is read frozen (a read slower than the ring's wrap skips what
# was overwritten meanwhile); 4096 records at 10 ms span the whole storm.
freeze
awk '$1 == "cpu" { if ($2 in l && $4 != l[$2] + 1) { print "cpu " $2 ": seq " l[$2] " then " $4; bad = 1 } l[$2] = $4 }
     END { exit bad }' $DBG/cpus || fail "a CPU's history seq is not continuous"
touch /tmp/stop-read
wait $rr || fail "read() reader: $(cat /tmp/r.read)"
note "$(cat /tmp/r.read); mmap $(cat /tmp/r.mmap)"
kill $sl
unload
note "ok"
