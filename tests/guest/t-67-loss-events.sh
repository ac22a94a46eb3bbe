# The module's own events, told to every listener (uid 1000's too): a CPU
# taken offline tells thread-lost, back online thread-back; samples
# dropped (every allocation failing, the reserve spent) tell
# samples-dropped with the module's count, and those sent and held back
# add up to samples_dropped; a read(2) reader of /dev/tmon that fell
# behind tells ring-lost with ring_lost's count.
. /tests/lib.sh

load log_sec=0 log_nsec=10000000 ring_kb=8

listeners $((120 * SLOW))

# told KIND: both listeners have a KIND event.
told() { grep -q "\"kind\":\"$1\"" /tmp/root.ev && grep -q "\"kind\":\"$1\"" /tmp/user.ev; }
# last KIND: root's last KIND event.
last() { grep "\"kind\":\"$1\"" /tmp/root.ev | tail -n 1; }

# A CPU's thread lost and back.
c=$(online_cpus | grep -v '^0$' | head -n 1)
if [ -n "$c" ] && [ -w /sys/devices/system/cpu/cpu$c/online ]; then
	echo 0 >/sys/devices/system/cpu/cpu$c/online || fail "cannot offline cpu $c"
	wait_for 10 told thread-lost || fail "no thread-lost event: $(grep thread /tmp/root.ev)"
	echo 1 >/sys/devices/system/cpu/cpu$c/online || fail "cannot online cpu $c"
	wait_for 10 told thread-back || fail "no thread-back event: $(grep thread /tmp/root.ev)"
	for k in thread-lost thread-back; do
		[ "$(last $k | jq .cpu)" = "$c" ] || fail "$k: $(last $k), cpu $c"
	done
	note "cpu $c: $(last thread-lost); $(last thread-back)"
else
	note "no hot-pluggable CPU: thread-lost/-back not tried"
fi

# Samples dropped: 40 watched processes, every allocation failing.
tmon-helper stress sleepers 40 >/tmp/sl & sl=$!
wait_for 60 grep -q '^ready' /tmp/sl || fail "sleepers not ready"
for p in $(grep -v ready /tmp/sl); do watch $p; done
echo 100000000 >$DBG/fail_samples
wait_for 20 told samples-dropped || fail "no samples-dropped event; samples_dropped $(sysv samples_dropped)"
echo 0 >$DBG/fail_samples
kill $sl
wait $sl
d=$(sysv samples_dropped)
ev=$(last samples-dropped)
note "$ev; samples_dropped $d"
n=$(echo "$ev" | jq .samples_dropped)
[ "$n" -gt 0 ] && [ "$n" -le "$d" ] || fail "samples-dropped told $n, samples_dropped is $d"
# Every drop was an event, sent or held back (the work item sends what is queued).
counted() {
	[ "$(tmonctl status -j | jq '.events.kinds[] | select(.kind == "samples-dropped") | .sent + .suppressed')" = "$d" ]
}
wait_for 5 counted ||
	fail "samples-dropped sent + held back: $(tmonctl status -j | jq -c '.events.kinds[] | select(.kind == "samples-dropped")'), drops $d"

# A read() reader that opened, then slept while the rings turned over.
l0=$(sysv ring_lost)
sh -c 'sleep 2; dd bs=4096 count=1 of=/dev/null 2>/dev/null' </dev/tmon || fail "read of /dev/tmon failed"
wait_for 10 told ring-lost || fail "no ring-lost event; ring_lost $l0 -> $(sysv ring_lost)"
l=$(sysv ring_lost)
ev=$(last ring-lost)
note "$ev; ring_lost $l0 -> $l"
n=$(echo "$ev" | jq .ring_lost)
[ "$n" -gt "$l0" ] && [ "$n" -le "$l" ] || fail "ring-lost told $n, ring_lost $l0 -> $l"

kill $lr $lu
wait $lr $lu
unload
note "ok"
