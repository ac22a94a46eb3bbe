# The threads' scheduling and the honesty of the wakeup records:
# - by default every thread runs SCHED_FIFO at priority 1, as tmon(4)
#   says; policy and prio change at run time on every thread (read back
#   from /proc/PID/stat and from tmonctl status) and at load;
# - under load, with wakeups missed, consecutive records of a CPU obey
#   expected[k] = expected[k-1] + period * (1 + missed[k-1]), a record
#   that folds m expiries reports at least (m - 1) periods of latency,
#   and the IRQ latency never exceeds the thread's.
. /tests/lib.sh

# sched_of PID: "policy:rt_priority" as /proc/PID/stat has them.
sched_of() { awk '{ print $41 ":" $40 }' /proc/$1/stat; }
# every_thread WANT: each tmon thread's sched_of is WANT.
every_thread() {
	local pid cpu
	tmon_threads >/tmp/threads
	[ "$(wc -l </tmp/threads)" = "$(nr_online)" ] || return 1
	while read -r pid cpu; do
		[ "$(sched_of $pid)" = "$1" ] || { echo "tmon/$cpu is $(sched_of $pid), not $1"; return 1; }
	done </tmp/threads
}
status_sched() { tmonctl status | awk '$2 == "running" { print $NF }' | sort -u; }

load log_sec=0 log_nsec=10000000
[ "$(cat $PAR/policy):$(cat $PAR/prio)" = "fifo:1" ] || fail "defaults: policy $(cat $PAR/policy), prio $(cat $PAR/prio)"
every_thread 1:1 || fail "default scheduling"
[ "$(status_sched)" = "fifo:1" ] || fail "tmonctl status shows $(status_sched)"
write_param prio 95 || fail "prio=95 refused"
every_thread 1:95 || fail "prio 95 not applied"
[ "$(status_sched)" = "fifo:95" ] || fail "tmonctl status shows $(status_sched) after prio=95"
write_param policy other || fail "policy=other refused"
every_thread 0:0 || fail "policy other not applied"
[ "$(status_sched)" = "other" ] || fail "tmonctl status shows $(status_sched) after policy=other"
write_param policy rr && fail "policy=rr accepted"
every_thread 0:0 || fail "a refused policy changed the threads"
write_param policy fifo || fail "policy=fifo refused"
every_thread 1:95 || fail "back to fifo: not at prio 95"
# A CPU that comes back gets a thread with the current scheduling.
c=$(online_cpus | tail -n 1)
if [ "$c" != 0 ] && [ -e /sys/devices/system/cpu/cpu$c/online ]; then
	echo 0 >/sys/devices/system/cpu/cpu$c/online
	echo 1 >/sys/devices/system/cpu/cpu$c/online
	wait_for 5 every_thread 1:95 || fail "cpu $c came back with another scheduling"
fi
note "default fifo:1; prio 95, other, back to fifo applied at run time, refused rr changed nothing"
unload
load policy=other prio=50
every_thread 0:0 || fail "policy=other at load"
unload

# Loaded: hogs on every CPU and the threads under SCHED_OTHER, so that
# wakeups are missed; 60 s at 1 ms, every record kept.
P=1000000
load log_sec=0 log_nsec=$P history=65536 policy=other
hogs=""
for c in $(online_cpus) $(online_cpus); do
	nice -n -20 tmon-helper spin & hogs="$hogs $!"
done
sleep 60
kill $hogs
freeze 600
awk -v p=$P '$1 == "cpu" {
	c = $2; seq = $4; e = $6; lat = $8; il = $28; m = $30
	if (il > lat) { print "cpu " c " seq " seq ": irq latency " il " above thread latency " lat; bad++ }
	if (m > 0 && lat < (m - 1) * p) { print "cpu " c " seq " seq ": " m " folded, latency only " lat; bad++ }
	if (c in ls && seq == ls[c] + 1) {
		pairs++
		if (e != le[c] + p * (1 + lm[c])) {
			if (bad++ < 5) print "cpu " c " seq " seq ": expected " e ", previous " le[c] " missed " lm[c]
		}
	}
	n++; missed += m; if (m) late++
	ls[c] = seq; le[c] = e; lm[c] = m
}
END { printf "%d records, %d consecutive pairs, %d records with misses, %d expiries missed\n", n, pairs, late, missed
      if (!missed) { print "no wakeup was missed: the identity went untested"; bad++ }
      exit bad > 0 }' $DBG/cpus >/tmp/ident || fail "$(cat /tmp/ident)"
note "$(cat /tmp/ident)"
# Every CPU recorded the whole minute: nothing lost between records.
for c in $(online_cpus); do
	k=$(awk -v c=$c '$2 == c' $DBG/cpus | wc -l)
	[ "$k" -ge 1000 ] || fail "cpu $c: only $k records in 60 s"
done
unload
note "ok"
