# Access and isolation (SPEC "Access and isolation"): through every
# interface a user gets only the processes /proc would let them read,
# with /proc mounted hidepid=2 and without; pids are those of the
# caller's pid namespace, in and out; changing the period takes
# CAP_SYS_ADMIN, not CAP_NET_ADMIN; the debugfs file checks its opener;
# no open mode of a debugfs file crashes the kernel.
. /tests/lib.sh

U="tmon-helper asuser 1000"
restore() {
	mount -o remount,hidepid=0 /proc 2>/dev/null
	chmod 0600 /dev/tmon 2>/dev/null
	chmod 0700 /sys/kernel/debug 2>/dev/null
}
trap restore EXIT

load log_sec=0 log_nsec=20000000
# The mode of every interface file, as tmon(4) and SPEC give them.
modes() { for f in "$@"; do echo "${f##*/} $(stat -c %a "$f")"; done | tr '\n' ' '; }
[ "$(modes /dev/tmon)" = "tmon 600 " ] || fail "/dev/tmon: $(modes /dev/tmon)"
[ "$(modes $DBG/cpus $DBG/tasks $DBG/watched $DBG/fail_samples)" = "cpus 444 tasks 600 watched 444 fail_samples 600 " ] ||
	fail "debugfs modes: $(modes $DBG/*)"
[ "$(modes $SYS/* | tr ' ' '\n' | paste -d' ' - - | grep -vc ' 444$')" = 0 ] || fail "sysfs modes: $(modes $SYS/*)"
[ "$(modes $PAR/* | tr ' ' '\n' | paste -d' ' - - | grep -v '^ring_kb ' | grep -vc ' 644$')" = 0 ] &&
	[ "$(modes $PAR/ring_kb)" = "ring_kb 444 " ] || fail "parameter modes: $(modes $PAR/*)"
note "modes: /dev/tmon 0600, debugfs cpus/watched 0444, tasks/fail_samples 0600, sysfs 0444, parameters 0644 (ring_kb 0444)"
# A root process and one of uid 1000, with names to look for.
tmon-helper named rootsecret & r=$!
$U tmon-helper named usermine & u=$!
wait_for 5 sh -c "[ \"\$(cat /proc/$r/comm)\" = rootsecret ] && [ \"\$(cat /proc/$u/comm)\" = usermine ]" 2>/dev/null ||
	fail "the named processes did not start"
watch $r
out=$($U tmonctl watch $u 2>&1) || fail "uid 1000 cannot watch its own process: $out"
wait_for 10 has_samples $r 3 && wait_for 10 has_samples $u 3 || fail "no samples"

# The group grant of a package (0660 root:tmon), and a debugfs a user may
# enter: what is left to keep root's process hidden is tmon itself.
chmod 0666 /dev/tmon
chmod 0755 /sys/kernel/debug

# hides WHAT PIDS [TEXT]: none of the pids (a word each) is root's
# process's, and TEXT does not name it.
hides() {
	! echo " $2 " | tr '\n' ' ' | grep -q " $r " || fail "$1 shows root's pid $r"
	! echo "$3" | grep -q rootsecret || fail "$1 shows root's process by name: $(echo "$3" | grep rootsecret | head -n 3)"
}

# user_view LABEL: what uid 1000 gets through each interface.
user_view() {
	out=$($U tmonctl list --json) || fail "$1: tmonctl list as uid 1000: $out"
	hides "$1: tmonctl list" "$(echo "$out" | jq '.watched[].pid')" "$out"
	[ "$(echo "$out" | jq -c '[.watched[].pid]')" = "[$u]" ] || fail "$1: tmonctl list as uid 1000: $out"
	echo "$out" | jq -e '.watched[0].comm == "usermine"' >/dev/null || fail "$1: list lacks usermine: $out"

	# (its error line names the pid asked for: the caller's own words)
	out=$($U tmonctl show $r 2>&1) && fail "$1: tmonctl show $r as uid 1000 succeeded: $out"
	! echo "$out" | grep -q rootsecret || fail "$1: tmonctl show $r as uid 1000: $out"
	out=$($U tmonctl show $u -n 2 --json) || fail "$1: tmonctl show $u as uid 1000: $out"
	[ "$(echo "$out" | jq '.entries | length')" = 2 ] || fail "$1: show $u as uid 1000: $out"

	out=$($U tmon-helper nl list)
	hides "$1: netlink list" "$(echo "$out" | awk '{ print $2 }')" "$out"
	[ "$(echo "$out" | awk '{ print $2 }')" = "$u" ] || fail "$1: netlink list as uid 1000: $out"
	[ "$($U tmon-helper nl dumptasks $r)" = "records 0" ] || fail "$1: dump of root's pid as uid 1000: $($U tmon-helper nl dumptasks $r)"
	freeze 3
	n0=$(nsamples_of $u)
	all=$($U tmon-helper nl dumptasks)
	own=$($U tmon-helper nl dumptasks $u)
	[ "$own" = "records $n0" ] && [ "$all" = "$own" ] ||
		fail "$1: uid 1000 dumps '$all' of all, '$own' of its own; $n0 stored"
	write_param log_sec 0 || fail "cannot leave the frozen period"
	wait_wakeups 2

	out=$($U cat $SYS/samples)
	hides "$1: sysfs samples" "$(echo "$out" | awk '{ print $2 }')"
	echo "$out" | grep -q "^pid $u " || fail "$1: sysfs samples as uid 1000 lack pid $u"

	out=$($U cat $DBG/watched)
	hides "$1: debugfs watched" "$(echo "$out" | awk '{ print $2 }')" "$out"
	echo "$out" | grep -q "^pid $u comm usermine " || fail "$1: debugfs watched as uid 1000: $out"

	# read() of /dev/tmon (uid 1000 may not map it): own entries only.
	rm -f /tmp/rec.csv
	$U tmonctl record -d 1 -o /tmp/rec.csv 2>/tmp/rec.err || fail "$1: record as uid 1000: $(cat /tmp/rec.err)"
	pc=$(csv_col /tmp/rec.csv pid)
	hides "$1: tmonctl record" "$(awk -F, -v c="$pc" '$1 == "task" { print $c }' /tmp/rec.csv)" "$(cat /tmp/rec.csv)"
	[ "$(awk -F, -v c="$pc" -v u=$u '$1 == "task" && $c == u' /tmp/rec.csv | wc -l)" -ge 10 ] ||
		fail "$1: record as uid 1000 has few entries of pid $u: $(grep -c task /tmp/rec.csv) task rows; $(cat /tmp/rec.err)"
	grep -q ' 0 lost$' /tmp/rec.err || fail "$1: record as uid 1000: $(cat /tmp/rec.err)"
	note "$1: uid 1000 sees pid $u only: $own of its records in $all; record: $(cat /tmp/rec.err)"
}

# Root still sees both everywhere.
for p in $r $u; do
	tmon-helper nl list | grep -q "^pid $p " || fail "root's netlink list lacks $p"
	grep -q "^pid $p " $SYS/samples || fail "root's sysfs samples lack $p"
done

mount -o remount,hidepid=2 /proc || fail "cannot remount /proc hidepid=2"
$U ls /proc/$r >/dev/null 2>&1 && fail "hidepid=2 does not hide /proc/$r from uid 1000"
user_view hidepid=2
mount -o remount,hidepid=0 /proc || fail "cannot remount /proc hidepid=0"
$U ls /proc/$r >/dev/null 2>&1 || fail "hidepid=0 still hides /proc/$r"
user_view hidepid=0

# The opener's credentials decide: root opens, uid 1000 writes.
sleep 100000 & r2=$!
out=$($U sh -c "echo $r2 >&3 && echo OK" 3>$DBG/tasks 2>&1)
[ "$out" = OK ] || fail "a write by uid 1000 to a file root opened was refused: $out"
watched_pids | grep -q "\b$r2\b" || fail "root's opened file did not watch $r2"
twrite -$r2 >/dev/null

# Privilege: CAP_NET_ADMIN alone cannot change the period, CAP_SYS_ADMIN can.
p0=$(sysv period_ns)
out=$(tmon-helper nl -c 12 -u 1000 setperiod 500000000)
[ "${out%%:*}" = EPERM ] || fail "setperiod with CAP_NET_ADMIN only: $out"
[ "$(sysv period_ns)" = "$p0" ] || fail "a refused setperiod changed the period"
out=$(tmon-helper nl -c 21 -u 1000 setperiod 500000000) || fail "setperiod with CAP_SYS_ADMIN only: $out"
[ "$(sysv period_ns)" = 500000000 ] || fail "setperiod with CAP_SYS_ADMIN did not apply"
tmon-helper nl setperiod "$p0" >/dev/null || fail "cannot set the period back"
note "setperiod: CAP_NET_ADMIN refused ($out), CAP_SYS_ADMIN accepted"

# A pid namespace: its pid 2 is watched as 2, listed as 2, nothing else.
rm -f /tmp/ns-*
unshare -p -f --mount-proc sh -c '
	sleep 100000 & s=$!
	echo "$s" >/tmp/ns-pid
	tmonctl watch 2 >/tmp/ns-watch 2>&1 || exit 1
	n=0
	while [ "$(tmonctl show 2 --json 2>/dev/null | jq ".entries | length")" -lt 3 ] 2>/dev/null; do
		n=$((n + 1)); [ $n -lt 200 ] || exit 2; sleep 0.05
	done
	tmonctl list --json >/tmp/ns-list
	tmonctl show 2 -n 1 --json >/tmp/ns-show
	tmonctl record -d 1 -o /tmp/ns-rec.csv 2>/tmp/ns-rec.err || exit 4
	tmon-helper nl list >/tmp/ns-nl
	tmon-helper nl status >/tmp/ns-status
	cat /sys/kernel/tmon/samples >/tmp/ns-samples
	cp /sys/kernel/debug/tmon/watched /tmp/ns-watched
	tmonctl unwatch 2 >/tmp/ns-unwatch 2>&1 || exit 3
	kill $s
' || fail "in a pid namespace (exit $?): $(cat /tmp/ns-watch /tmp/ns-unwatch /tmp/ns-rec.err 2>/dev/null)"
[ "$(cat /tmp/ns-pid)" = 2 ] || fail "the namespace's sleep is pid $(cat /tmp/ns-pid), not 2"
[ "$(jq -c '[.watched[].pid]' /tmp/ns-list)" = "[2]" ] || fail "tmonctl list in the namespace: $(cat /tmp/ns-list)"
[ "$(jq '.entries | length' /tmp/ns-show)" = 1 ] || fail "tmonctl show 2 in the namespace: $(cat /tmp/ns-show)"
# (root in a child pid namespace may not map the rings: read() translates)
pc=$(csv_col /tmp/ns-rec.csv pid)
[ "$(awk -F, -v c="$pc" '$1 == "task" { print $c }' /tmp/ns-rec.csv | sort -u)" = 2 ] ||
	fail "tmonctl record in the namespace: pids $(awk -F, -v c="$pc" '$1 == "task" { print $c }' /tmp/ns-rec.csv | sort -u | tr '\n' ' '); $(cat /tmp/ns-rec.err)"
[ "$(awk '{ print $2 }' /tmp/ns-nl)" = 2 ] || fail "netlink list in the namespace: $(cat /tmp/ns-nl)"
[ "$(awk '$1 == "pid" { print $2 }' /tmp/ns-samples | sort -u)" = 2 ] || fail "sysfs samples in the namespace: $(sort -u /tmp/ns-samples | head)"
[ "$(awk '{ print $2 }' /tmp/ns-watched)" = 2 ] || fail "debugfs watched in the namespace: $(cat /tmp/ns-watched)"
! grep -q "thread_pid [1-9]" /tmp/ns-status || fail "status in the namespace shows host thread pids: $(grep thread_pid /tmp/ns-status)"
for p in $r $u; do
	tmon-helper nl list | grep -q "^pid $p " || fail "the namespace's unwatch took host pid $p"
done
note "pid namespace: watched, listed and unwatched as pid 2; no host process shown"

# Every open mode of the debugfs files: a write-only open, then lseek
# (Python's open(path, "w") does that) and read.
for f in tasks cpus watched; do
	out=$(tmon-helper wronly $DBG/$f | tr '\n' ' ')
	[ "$out" = "lseek set OK lseek cur OK lseek end EINVAL read EBADF " ] ||
		fail "write-only open of $f: $out"
done
note "write-only opens: lseek and read answer cleanly"
kill $r $u $r2
unload
note "ok"
