# Budgets of a watched process, at a 100 ms period: a process that maps
# 64 MiB over its 32 MiB RSS budget is told over by the second sample
# after at the latest (two periods), and back under when it unmaps; its
# CPU budget (50 % of one CPU) the same with a second of spinning, its
# major faults (10 a second) with 256.
# tmonctl limits shows and changes them; only the watcher or an admin
# may; a bad value is refused and changes nothing.
# A uid-1000 listener is told of its own process's crossings, not of
# root's, with /proc mounted hidepid=2; the tmon_event tracepoint carries
# them.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
U="tmon-helper asuser 1000"
P_NS=100000000
MIB=1048576
load log_sec=0 log_nsec=$P_NS

mkfifo /tmp/hog.r /tmp/hog.u
chmod 0666 /tmp/hog.u
tmon-helper hog </tmp/hog.r >/tmp/hog.out & r=$!
$U sh -c 'exec tmon-helper hog </tmp/hog.u >/dev/null' & u=$!
exec 3>/tmp/hog.r 4>/tmp/hog.u
out=$(tmonctl watch $r --max-rss 32M --max-cpu 50%) || fail "tmonctl watch --max-*: $out"
out=$($U tmonctl watch $u --max-rss 32M) || fail "uid 1000: tmonctl watch --max-rss: $out"
lim=$(tmonctl limits $r -j) || fail "tmonctl limits: $lim"
# (the budgets: its comm is "" until its first sample)
lim=$(echo "$lim" | jq -c .budgets)
note "limits: $(tmonctl limits $r)"
[ "$(echo "$lim" | jq -c '[.cpu_ns_per_sec, .rss_bytes]')" = "[500000000,$((32 * MIB))]" ] ||
	fail "limits after watch --max-cpu 50% --max-rss 32M: $lim"

# Bad values and other users: refused, nothing changed.
out=$(tmonctl limits $r --max-cpu lots 2>&1) && fail "--max-cpu lots accepted: $out"
note "refused: $out"
out=$($U tmonctl limits $r --max-rss 1M 2>&1) && fail "uid 1000 changed root's budget: $out"
note "uid 1000 on root's process: $out"
out=$(ynl --do set-budget --json "{\"pid\": $r}" 2>&1) && fail "set-budget without a budget: $out"
echo "$out" | grep -q "no budget given" || fail "set-budget without a budget: $out"
[ "$(tmonctl limits $r -j | jq -c .budgets)" = "$lim" ] ||
	fail "budgets changed by refused requests: $lim, then $(tmonctl limits $r -j)"

echo >$T/trace
echo 1 >$T/events/tmon/tmon_event/enable
# (/proc hides root's processes from uid 1000; tmon follows its own rule)
trap 'mount -o remount,hidepid=0 /proc' EXIT
mount -o remount,hidepid=2 /proc || fail "cannot remount /proc hidepid=2"
listeners $((60 * SLOW))

# budget KIND BUDGET PID: its event of PID, one line of JSON (empty: none).
budget() { grep "\"kind\":\"$1\"" /tmp/root.ev | jq -c "select(.budget == \"$2\" and .pid == $3)" | tail -n 1; }
# at WHAT: when the hog said WHAT (seconds), once it has.
at() {
	wait_for 10 grep -q "^$1 " /tmp/hog.out || fail "the hog did not answer: $1"
	grep "^$1 " /tmp/hog.out | tail -n 1 | awk '{ print $NF }'
}
# second_after T_NS: the seq of the second sample of the hog taken after
# T_NS (CLOCK_MONOTONIC ns), once there is one.
second_after() { tmonctl show $r -j | jq --argjson t "$1" '[.entries[] | select(.ts_ns > $t) | .seq] | .[1] // empty'; }
has_second_after() { [ -n "$(second_after "$1")" ]; }
# crossed KIND BUDGET CMD: the event, of a sample taken while the hog ran
# CMD or by the second sample after (two periods, counted in samples:
# tmon can tell only at a sample, and a period the emulator gave the
# sampler no time in is samples_skipped's, not the budget's).
crossed() {
	wait_for 10 sh -c "grep '\"kind\":\"$1\"' /tmp/root.ev | grep -q '\"budget\":\"$2\"'" ||
		fail "no $1 event of the $2 budget: $(grep budget /tmp/root.ev)"
	ev=$(budget "$1" "$2" $r)
	note "$ev"
	ts=$(echo "$ev" | jq .record.ts_ns)
	seq=$(echo "$ev" | jq .record.seq)
	t0=$(at "start $3" | awk '{ printf "%.0f", $1 * 1e9 }')
	t1=$(at "ok $3" | awk '{ printf "%.0f", $1 * 1e9 }')
	wait_for 10 has_second_after "$t1" || fail "$1 $2: no second sample after $3"
	s2=$(second_after "$t1")
	[ "$ts" -ge "$t0" ] && [ "$seq" -le "$s2" ] ||
		fail "$1 $2: told by sample $seq, $(((ts - t0) / 1000000)) ms after the hog began $3, $(((t1 - t0) / 1000000)) ms long; the second sample after it: $s2"
}

# (touching 64 MiB takes CPU time too: the CPU budget waits its turn)
out=$(tmonctl limits $r --max-cpu off) || fail "limits --max-cpu off: $out"
echo "mem 64" >&3
crossed budget-over rss mem
[ "$(budget budget-over rss $r | jq "[.limit, .value >= $((32 * MIB))]" | tr -d ' \n')" = "[$((32 * MIB)),true]" ] ||
	fail "rss over: $(budget budget-over rss $r)"
echo free >&3
crossed budget-under rss free
[ "$(budget budget-under rss $r | jq ".value <= $((32 * MIB))")" = true ] || fail "rss under: $(budget budget-under rss $r)"

out=$(tmonctl limits $r --max-cpu 50%) || fail "limits --max-cpu 50%: $out"
echo "cpu 1000" >&3
crossed budget-over cpu cpu
crossed budget-under cpu cpu
[ "$(budget budget-over cpu $r | jq '[.limit, .value > 500000000]' | tr -d ' \n')" = "[500000000,true]" ] ||
	fail "cpu over: $(budget budget-over cpu $r)"

# Major faults: the guest has no disk and no swap, so they are pages of a
# FUSE file (tmon-helper fusefile) dropped from the page cache and read
# back, 256 a pass (a fault takes 6 ms under TCG, 25 on the debug
# kernel). The budget is a rate: over while the pass runs, under after.
# (built into Debian's kernels but bookworm's 6.1: its fuse.ko is in
# the initramfs there, tests/lib/kernels.sh)
if [ ! -e /dev/fuse ]; then
	[ -f /lib/modules/fuse.ko ] || fail "no FUSE: not built in, and no fuse.ko"
	insmod /lib/modules/fuse.ko || fail "insmod fuse.ko"
	note "FUSE: loaded $(uname -r)'s fuse.ko"
fi
mkdir -p /tmp/fuse
tmon-helper fusefile /tmp/fuse 1 & fz=$!
wait_for 10 test -f /tmp/fuse/f || fail "no FUSE file"
out=$(tmonctl limits $r --max-majflt 10/s) || fail "limits --max-majflt 10/s: $out"
[ "$(tmonctl limits $r -j | jq .budgets.majflt_per_sec)" = 10 ] ||
	fail "limits after --max-majflt 10/s: $(tmonctl limits $r -j)"
m0=$(awk '{ print $12 }' /proc/$r/stat)
echo "majflt 1 /tmp/fuse/f" >&3
crossed budget-over majflt majflt
crossed budget-under majflt majflt
m1=$(awk '{ print $12 }' /proc/$r/stat)
[ $((m1 - m0)) -ge 256 ] || fail "the hog made $((m1 - m0)) major faults, not a pass of 256"
[ "$(budget budget-over majflt $r | jq '[.limit, .value > 10]' | tr -d ' \n')" = "[10,true]" ] ||
	fail "majflt over: $(budget budget-over majflt $r)"
[ "$(budget budget-under majflt $r | jq '.value <= 10')" = true ] ||
	fail "majflt under: $(budget budget-under majflt $r)"
note "$((m1 - m0)) major faults (/proc/$r/stat)"
umount /tmp/fuse
wait $fz || fail "the FUSE server failed"
! grep -q '^fuse ' /proc/modules || rmmod fuse || fail "rmmod fuse"

# uid 1000's process over its own budget: its listener is told, of its
# process only.
echo "mem 64" >&4
wait_for 10 grep -q "\"pid\":$u,.*budget-over\|budget-over.*\"pid\":$u[,}]" /tmp/user.ev ||
	fail "uid 1000 was not told of its process over budget: $(grep budget /tmp/user.ev)"
grep -q "\"pid\":$r[,}]" /tmp/user.ev && fail "uid 1000 was told of root's $r: $(grep "\"pid\":$r[,}]" /tmp/user.ev)"
note "uid 1000 told of $u over budget, not of root's $r (/proc hidepid=2)"

# Removing one: the other stays.
out=$(tmonctl limits $r --max-rss off) || fail "limits --max-rss off: $out"
[ "$(tmonctl limits $r -j | jq -c '[.budgets.cpu_ns_per_sec, .budgets.rss_bytes]')" = "[500000000,null]" ] ||
	fail "after --max-rss off: $(tmonctl limits $r -j)"

grep -q "tmon_event: .*kind=budget-over .*pid=$r .*budget=rss budget_limit=$((32 * MIB))" $T/trace ||
	fail "no tmon_event budget-over rss of $r in the trace: $(grep budget $T/trace | head -n 3)"
echo 0 >$T/events/tmon/tmon_event/enable
kill $lr $lu
wait $lr $lu
exec 3>&- 4>&-
wait $r $u
unload
note "ok"
