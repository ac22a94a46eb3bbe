# tmonctl doctor on a live system: nothing found on a healthy one (exit
# 0, one line; JSON healthy with no finding), and each cause this VM can
# provoke found and named, exit 1: /dev/tmon unreadable to the caller,
# debugfs not mounted, the module not there (the initramfs has no
# modules.dep and no headers: that is what it says). A degraded module is
# status's judgement, which t-90 tests.
. /tests/lib.sh

U="tmon-helper asuser 1000"
load log_sec=0 log_nsec=50000000
wait_for 10 all_cpus_have 3 || fail "no wakeups"

out=$(tmonctl doctor) || fail "doctor on a healthy system: exit $?: $out"
[ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q "^no problem found: tmon is loaded on $(uname -r) and healthy" ||
	fail "doctor on a healthy system: $out"
out=$(tmonctl doctor --json) || fail "doctor --json: exit $?"
[ "$(echo "$out" | jq -c '[.healthy, (.findings | length)]')" = "[true,0]" ] || fail "doctor --json: $out"

# /dev/tmon readable by root only: uid 1000 is told.
mode=$(stat -c %a /dev/tmon)
chmod 0600 /dev/tmon
rc=0
out=$($U tmonctl doctor 2>&1) || rc=$?
chmod "$mode" /dev/tmon
[ $rc = 1 ] || fail "doctor as uid 1000, /dev/tmon 0600: exit $rc: $out"
echo "$out" | grep -q '^no permission to read /dev/tmon (Permission denied): ' ||
	fail "doctor as uid 1000, /dev/tmon 0600: $out"
note "uid 1000: $out"

# debugfs away for one call (mounted again at once).
umount /sys/kernel/debug
rc=0
out=$(tmonctl doctor 2>&1) || rc=$?
mount -t debugfs debugfs /sys/kernel/debug || fail "debugfs could not be mounted again"
[ $rc = 1 ] && echo "$out" | grep -q '^debugfs is not mounted.*: sudo mount -t debugfs none /sys/kernel/debug$' ||
	fail "doctor without debugfs: exit $rc: $out"

unload
rc=0
out=$(tmonctl doctor 2>&1) || rc=$?
[ $rc = 1 ] || fail "doctor without the module: exit $rc: $out"
echo "$out" | grep -q "^no tmon module for kernel $(uname -r): its headers are not installed: sudo apt install linux-headers-$(uname -r) " ||
	fail "doctor without the module: $out"
out=$(tmonctl doctor -j) && fail "doctor -j without the module: exit 0"
[ "$(echo "$out" | jq '[.healthy, (.findings | length > 0)]' | tr -d ' \n')" = "[false,true]" ] ||
	fail "doctor -j without the module: $out"
