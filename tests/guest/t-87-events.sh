# Events: a wakeup over a latency threshold reaches the events group (as
# tmonctl events shows it) and the tmon_event tracepoint, with its record
# and what the timer interrupted; each CPU and kind stays within the rate
# limit, and the count of held-back events adds up to the records between
# two events; a CPU held by a real-time loop names it; only an admin may
# listen; bad thresholds are refused.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
U="tmon-helper asuser 1000"
P=10000000
load log_sec=0 log_nsec=$P

# Bad thresholds: refused with a log line, the old value kept.
for p in thread_threshold_ns irq_threshold_ns; do
	for v in abc -1 3600000000001 1e6 ''; do
		write_param $p "$v" && fail "$p='$v' accepted"
		[ "$(cat $PAR/$p)" = off ] || fail "$p is $(cat $PAR/$p) after '$v' was refused"
	done
done
expect_dmesg 'thread_threshold_ns=abc rejected'
note "thresholds refused: abc -1 3600000000001 1e6 and empty, off kept"

# No threshold: no event.
out=$(tmonctl events -j -d 1) || fail "tmonctl events -d 1: exit $?: $out"
[ -z "$out" ] || fail "events with no threshold set: $out"

# Only an admin joins the multicast group (YNL joins it; tmonctl
# subscribes its socket instead).
out=$($U sh -c 'python3 /ynl/cli.py --spec /ynl/tmon.yaml --no-schema --subscribe events' 2>&1) &&
	fail "uid 1000 joined the events group: $out"
echo "$out" | grep -q "Operation not permitted\|PermissionError" || fail "uid 1000 joining the events group: $out"
note "uid 1000 joining the events group: $(echo "$out" | tail -n 1)"

# A spinning task on the last CPU: what its timer interrupts.
last=$(online_cpus | tail -n 1)
first=$(online_cpus | head -n 1)
taskset -c "$last" tmon-helper spin & spin=$!
uspin=
trap 'kill $spin $uspin 2>/dev/null; mount -o remount,hidepid=0 /proc' EXIT

# Every wakeup is over 1 ns: 100 a second per CPU, 10 sent a second.
echo >$T/trace
echo 1 >$T/events/tmon/tmon_event/enable
echo 1 >$PAR/thread_threshold_ns
N=$((30 * $(nr_online)))
tmonctl events -j --count $N -d $((30 * SLOW)) >/tmp/ev || fail "tmonctl events: exit $?"
echo off >$PAR/thread_threshold_ns
echo 0 >$T/events/tmon/tmon_event/enable
[ "$(wc -l </tmp/ev)" = $N ] || fail "$(wc -l </tmp/ev) events, wanted $N: $(head -n 3 /tmp/ev)"
head -n 2 /tmp/ev

# Each event: a thread latency over the threshold, of an online CPU.
cpus="[$(online_cpus | tr '\n' ',' | sed 's/,$//')]"
jq -c --argjson cpus "$cpus" 'select(.kind != "thread-latency" or .threshold_ns != 1 or
	.latency_ns <= 1 or ([.cpu] | inside($cpus) | not))' /tmp/ev >/tmp/bad
[ -s /tmp/bad ] && fail "events not as sent: $(head -n 3 /tmp/bad)"
# Numbered one by one as the listener got them: no gap.
jq -r .seq /tmp/ev | awk 'NR > 1 && $1 != s + 1 { print "seq " s " then " $1; bad = 1 } { s = $1 } END { exit bad }' ||
	fail "a gap in the events' seq"
# Per CPU: the held-back count is the records between two events (every
# record was over the threshold), and 21 events span over a second (at
# most 10 sent in each second-long window).
jq -r '"\(.cpu) \(.record_seq) \(.expected_ns) \(.suppressed)"' /tmp/ev |
	awk '{ c = $1; n[c]++; i = n[c]; rs[c, i] = $2; ex[c, i] = $3; su[c, i] = $4 }
	END {
		for (c in n) {
			for (i = 2; i <= n[c]; i++)
				if (rs[c, i] - rs[c, i - 1] - 1 != su[c, i]) {
					printf "cpu %s: records %d and %d, suppressed %d\n", c, rs[c, i - 1], rs[c, i], su[c, i]
					bad = 1
				}
			for (i = 21; i <= n[c]; i++)
				if (ex[c, i] - ex[c, i - 20] <= 1000000000) {
					printf "cpu %s: 21 events in %d ns\n", c, ex[c, i] - ex[c, i - 20]
					bad = 1
				}
			printf "cpu %s: %d events\n", c, n[c]
		}
		exit bad
	}' >/tmp/lim || fail "rate limit: $(cat /tmp/lim | head -n 5)"
note "$(tr '\n' ';' </tmp/lim) seq consecutive; suppressed = records between events"

# The cause: on the spinning CPU its timer interrupts the spinner, on an
# idle one the idle task (pid 0, swapper/N).
jq -r --argjson c "$last" 'select(.cpu == $c) | "\(.cause.pid) \(.cause.comm)"' /tmp/ev |
	awk -v p=$spin '{ n++ } $1 == p && $2 == "tmon-helper" { s++ } END { print s + 0, n + 0; exit !(s * 2 >= n && n) }' >/tmp/cause ||
	fail "cpu $last: $(cat /tmp/cause) (spinner's, all) events' cause the spinner $spin"
note "cpu $last: the spinner $spin is the cause of $(cut -d' ' -f1 /tmp/cause) of $(cut -d' ' -f2 /tmp/cause) events"
if [ "$(nr_online)" -gt 1 ]; then
	jq -c --argjson c "$last" 'select(.cpu != $c and .cause.pid == 0 and .cause.comm == "swapper/\(.cpu)")' \
		/tmp/ev | grep -q . || fail "no idle (pid 0, swapper/N) cause on the other CPUs"
fi

# The tracepoint saw every numbered event, those the listener got among them.
# (pid -1: no cause, the wakeup was due before the threshold was set)
sed -n 's/.*tmon_event: seq=\([0-9]*\) kind=\([a-z-]*\) cpu=\([0-9]*\) .*latency_ns=\([0-9]*\) irq_latency_ns.* pid=\(-\?[0-9]*\) .*/\1 \2 \3 \4 \5/p' \
	$T/trace >/tmp/tr
awk 'NR > 1 && $1 != s + 1 { bad = 1 } { s = $1 } END { exit bad || NR == 0 }' /tmp/tr ||
	fail "tmon_event: $(wc -l </tmp/tr) events, seq not consecutive: $(head -n 3 /tmp/tr)"
# (a subscriber numbers the events it gets in its own sequence: compared
# without the numbers)
cut -d' ' -f2- /tmp/tr >/tmp/tr.nos
jq -r '"\(.kind) \(.cpu) \(.latency_ns) \(.cause.pid // -1)"' /tmp/ev >/tmp/got
grep -vxFf /tmp/tr.nos /tmp/got >/tmp/miss && fail "events not in the trace: $(head -n 3 /tmp/miss)"
note "tmon_event: $(wc -l </tmp/tr) events, seq consecutive, the listener's $N among them"

# uid 1000 subscribes too (any user may): it sees the CPUs' events, its
# own spinner as a cause, and never root's (hidepid=2 or not: tmon has
# its own rule), and the idle task.
$U taskset -c "$first" tmon-helper spin & uspin=$!
mount -o remount,hidepid=2 /proc
echo 1 >$PAR/thread_threshold_ns
$U tmonctl events -j --count 40 -d $((30 * SLOW)) >/tmp/uev || fail "tmonctl events as uid 1000: exit $?"
echo off >$PAR/thread_threshold_ns
mount -o remount,hidepid=0 /proc
grep -q "\"pid\":$spin[,}]" /tmp/uev && fail "uid 1000 saw root's spinner $spin: $(grep "\"pid\":$spin[,}]" /tmp/uev | head -n 1)"
jq -c --argjson c "$last" 'select(.cpu == $c and .cause == null)' /tmp/uev | grep -q . ||
	fail "uid 1000: no event of CPU $last without its cause (root's spinner)"
if [ "$first" != "$last" ]; then
	jq -c --argjson c "$first" --argjson p "$uspin" 'select(.cpu == $c and .cause.pid == $p)' /tmp/uev | grep -q . ||
		fail "uid 1000: no event of CPU $first naming its own spinner $uspin"
fi
note "uid 1000: $(jq -c 'select(.cause == null)' /tmp/uev | wc -l) of 40 events without a cause (root's spinner), $(jq -c "select(.cause.pid == $uspin)" /tmp/uev | wc -l) naming its spinner $uspin"

kill $spin $uspin
wait $spin $uspin 2>/dev/null

# A user holds at most 4 subscribed sockets; a closed one is given back.
i=0
while [ $i -lt 6 ]; do
	out=$($U tmonctl events -d 0.1 2>&1) || fail "uid 1000's subscription $i after others closed: $out"
	i=$((i + 1))
done
held=
for i in 1 2 3 4; do
	$U tmonctl events -d $((30 * SLOW)) >/tmp/held.$i 2>&1 & held="$held $!"
done
# Each has subscribed once it has had an event.
echo 0 >$PAR/thread_threshold_ns
all_held() { for i in 1 2 3 4; do grep -q latency /tmp/held.$i || return 1; done; }
wait_for 15 all_held || fail "uid 1000's 4 listeners: $(cat /tmp/held.*)"
echo off >$PAR/thread_threshold_ns
$U tmonctl events -d 0.1 >/tmp/fifth 2>&1 && fail "uid 1000's fifth socket subscribed"
grep -q "4 sockets" /tmp/fifth || fail "uid 1000's fifth socket: $(cat /tmp/fifth)"
note "uid 1000's fifth socket: $(cat /tmp/fifth)"
tmonctl events -d 0.1 || fail "root refused while uid 1000 holds 4: exit $?"
# shellcheck disable=SC2086 # the pids
kill $held
wait_for 15 sh -c "$U tmonctl events -d 0.1 >/dev/null 2>&1" || fail "uid 1000 still refused after closing its sockets"

# A CPU held: a SCHED_FIFO busy loop above the threads' priority on CPU 1,
# 15 ms at a time, 100 times; thread latency over 2 ms is an event. The
# loop delays the thread whenever an expiry falls in a burst, and it is
# what the timer interrupts. A burst longer than the 10 ms period holds
# an expiry in its first 10 ms, so each burst makes a wakeup at least
# 5 ms late (5 ms bursts 12 ms apart met the grid at the same few phases
# for a whole run: once none of them more than 3.75 ms late).
if [ "$(nr_online)" -gt 1 ]; then
	echo 2000000 >$PAR/thread_threshold_ns
	tmonctl events -j -d $((5 * SLOW)) >/tmp/ev & l=$!
	taskset -c 1 tmon-helper fifospin 2 15 100 7 & f=$!
	wait $f
	echo off >$PAR/thread_threshold_ns
	wait $l || fail "tmonctl events: exit $?"
	jq -r 'select(.cpu == 1) | "\(.latency_ns) \(.cause.pid) \(.cause.comm)"' /tmp/ev |
		awk -v p=$f '$2 == p && $3 == "tmon-helper" { n++; if ($1 > max) max = $1 } END { print n + 0, max + 0 }' >/tmp/held
	read -r n max </tmp/held
	[ "$n" -gt 0 ] || fail "no event on CPU 1 naming the FIFO loop $f: $(head -n 5 /tmp/ev)"
	[ "$max" -ge 5000000 ] || fail "CPU 1: the loop's events' latency at most $max ns, not 5 ms"
	note "CPU 1 held 15 ms at a time by pid $f: $n events name it, latency up to $max ns; other CPUs: $(jq -r 'select(.cpu != 1) | .cpu' /tmp/ev | wc -l) events over 2 ms"
	jq -c 'select(.cpu == 1)' /tmp/ev | head -n 1
fi

# IRQ latency has its own threshold and kind.
echo 1 >$PAR/irq_threshold_ns
tmonctl events -j --count 5 -d $((20 * SLOW)) >/tmp/ev || fail "tmonctl events (irq): exit $?"
echo off >$PAR/irq_threshold_ns
[ "$(wc -l </tmp/ev)" = 5 ] || fail "$(wc -l </tmp/ev) IRQ latency events, wanted 5"
jq -c 'select(.kind != "irq-latency" or .threshold_ns != 1 or .irq_latency_ns <= 1)' /tmp/ev >/tmp/bad
[ -s /tmp/bad ] && fail "IRQ latency events not as sent: $(head -n 3 /tmp/bad)"
note "irq_threshold_ns=1: 5 irq-latency events"

# 10 000 crossings a second: a 100 us period and threshold 0 (every late
# wakeup) for 3 s. The wakeups go on; every crossing is either sent or
# counted as held back; the listener's numbers only grow.
counts() {
	tmonctl status --json | jq -r '[([.cpus[].wakeups] | add), ([.cpus[].missed] | add),
		(.events.kinds[] | select(.kind == "thread-latency") | .sent, .suppressed),
		.events.seq] | @tsv'
}
echo 100000 >$PAR/log_nsec
echo 0 >$PAR/thread_threshold_ns
t0=$(now_ms)
read -r w0 m0 s0 h0 q0 <<EOF2
$(counts)
EOF2
tmonctl events -j -d $((3 * SLOW)) >/tmp/hev || fail "tmonctl events at 100 us: exit $?"
read -r w1 m1 s1 h1 q1 <<EOF2
$(counts)
EOF2
t=$(($(now_ms) - t0))
echo off >$PAR/thread_threshold_ns
echo 10000000 >$PAR/log_nsec
dw=$((w1 - w0)) ds=$((s1 - s0)) dh=$((h1 - h0))
note "100 us, threshold 0, $t ms between the counts: $dw wakeups ($((m1 - m0)) missed periods), $ds events sent, $dh held back, $(wc -l </tmp/hev) received"
[ $((q1 - q0)) = "$ds" ] || fail "event-seq moved by $((q1 - q0)), $ds events sent"
# (within 1 %, or 40 a CPU: one status reads the events' counters a
# moment before the wakeups, and a guest this loaded takes its time)
d=$((ds + dh - dw)) tol=$((dw / 100))
[ $tol -ge $((40 * $(nr_online))) ] || tol=$((40 * $(nr_online)))
[ ${d#-} -le $tol ] || fail "$ds sent + $dh held back for $dw crossings"
# (at most 10 in each CPU's windows of a second: 20 in any second; the
# time between the counts, as the load slows everything in the guest)
[ "$ds" -le $((10 * (t / 1000 + 2) * $(nr_online))) ] || fail "$ds events sent in $t ms: over the limit"
jq -r .seq /tmp/hev | awk 'NR > 1 && $1 <= s { exit 1 } { s = $1 }' || fail "the listener's seqs went back"

# A listener when the module goes: it ends at its deadline, the kernel
# stays well.
echo 1 >$PAR/thread_threshold_ns
tmonctl events -d $((4 * SLOW)) >/tmp/ev 2>&1 & l=$!
wait_for 10 test -s /tmp/ev || fail "no event before the unload"
unload
wait $l
note "a listener through the unload: exit $?, $(wc -l </tmp/ev) lines"
