#!/bin/sh
# The demo, in a Debian root where tmon-dkms and tmon-utils were just
# installed with apt: what a user types and sees, on stdout (the report
# port, printed by the host). Ends with E2E-DEMO OK or E2E-DEMO FAILED.
failed=0
# run CMD: show the command and its output.
run() {
	echo "\$ $*"
	sh -c "$*" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { echo "(exit status $rc)"; failed=1; }
	echo
}
records() { tmonctl show "$1" 2>/dev/null | sed -n '1s/.*, \([0-9]*\) records$/\1/p'; }

run "uname -r"
run "dpkg-query -W tmon-dkms tmon-utils"
run "dkms status"
run "grep '^options' /etc/modprobe.d/tmon.conf"
run "modprobe tmon"
run "lsmod | grep '^tmon'"
sleep 1000 &
pid=$!
run "sleep 1000 &  # pid $pid"
run "tmonctl watch $pid"
# A few seconds of samples (one per period), with a deadline.
end=$(($(date +%s) + 60))
while [ "$(records $pid)" -lt 5 ] 2>/dev/null || [ -z "$(records $pid)" ]; do
	[ "$(date +%s)" -lt "$end" ] || { echo "(no 5 samples of $pid within 60 s)"; failed=1; break; }
	sleep 0.5
done
run "tmonctl status"
run "tmonctl list"
run "tmonctl show $pid -n 5"
run "MANWIDTH=80 MANPAGER=cat man tmon | head -n 20"
kill $pid
if [ $failed -eq 0 ]; then echo "E2E-DEMO OK"; else echo "E2E-DEMO FAILED"; fi
