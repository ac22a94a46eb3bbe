# trace_snapshot: the first wakeup over a threshold keeps the tracing ring
# with that wakeup in it (a snapshot; tracing off where the kernel has no
# snapshots), trace-cmd reads it, and the option disarms itself.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
restore() {
	echo 1 >$T/tracing_on
	echo 0 >$T/events/enable
	[ ! -e $T/snapshot ] || echo 0 >$T/snapshot
}
trap restore EXIT
load log_sec=0 log_nsec=20000000
[ "$(cat $PAR/trace_snapshot)" = N ] || fail "trace_snapshot is $(cat $PAR/trace_snapshot) at load"
write_param trace_snapshot maybe && fail "trace_snapshot=maybe accepted"
[ "$(cat $PAR/trace_snapshot)" = N ] || fail "trace_snapshot $(cat $PAR/trace_snapshot) after a refused write"

echo >$T/trace
echo 1 >$T/events/tmon/tmon_wakeup/enable
echo 1 >$T/events/sched/sched_switch/enable
echo Y >$PAR/trace_snapshot
# The next wakeup anywhere crosses: every late wakeup is over 0.
echo 0 >$PAR/thread_threshold_ns
# The first crossing takes the snapshot; its event is among the first
# few sent (the other CPUs' may go out before it).
n=$((2 * $(nr_online)))
tmonctl events -j --count $n -d $((10 * SLOW)) >/tmp/ev || fail "tmonctl events: exit $?"
echo off >$PAR/thread_threshold_ns
[ "$(cat $PAR/trace_snapshot)" = N ] || fail "trace_snapshot still armed after an event"
[ -e $T/snapshot ] && K=$T/snapshot || K=$T/trace
# The received event whose wakeup is what was kept: the latest record of
# its CPU there.
jq -r '"\(.cpu) \(.record_seq)"' /tmp/ev | while read -r c s; do
	last=$(grep "tmon_wakeup: cpu=$c " $K | tail -n 1 | sed 's/.* seq=\([0-9]*\) .*/\1/')
	[ "$last" = "$s" ] && echo "$c $s"
done | head -n 1 >/tmp/kept
read -r cpu seq </tmp/kept || fail "none of the $n events' wakeups ends $K: $(tr '\n' ' ' </tmp/ev | head -c 600)"

if [ -e $T/snapshot ]; then
	# Tracing went on past the snapshot: the live trace has that CPU's
	# later wakeups.
	[ "$(cat $T/tracing_on)" = 1 ] || fail "tracing stopped, with snapshots to keep it"
	later() { grep "tmon_wakeup: cpu=$cpu " $T/trace | sed 's/.* seq=\([0-9]*\) .*/\1/' | awk -v s=$seq '$1 > s { n++ } END { exit !n }'; }
	wait_for 5 later || fail "the live trace has no wakeup of cpu $cpu after seq $seq"
	echo 0 >$T/events/enable
	cd /tmp
	trace-cmd extract -s -o /tmp/snap.dat >/tmp/extract.log 2>&1 || fail "trace-cmd extract -s: $(tail -n 3 /tmp/extract.log)"
	trace-cmd report -i /tmp/snap.dat >/tmp/report.txt 2>/tmp/report.err || fail "trace-cmd report: $(cat /tmp/report.err)"
	grep -q "tmon_wakeup:.*cpu=$cpu seq=$seq " /tmp/report.txt || fail "trace-cmd report of the snapshot lacks cpu=$cpu seq=$seq"
	note "snapshot: tmon_wakeup cpu=$cpu seq=$seq kept, $(grep -c 'sched_switch:' /tmp/report.txt) sched_switch events before it; trace-cmd report reads it"
else
	[ "$(cat $T/tracing_on)" = 0 ] || fail "no snapshots here, and tracing was not stopped"
	note "no snapshots in this kernel: tracing stopped at tmon_wakeup cpu=$cpu seq=$seq"
fi
unload
