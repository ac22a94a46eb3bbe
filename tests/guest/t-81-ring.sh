# /dev/tmon: ring memory exists only while the device is open, and rings
# made again start empty; mmap readers get every entry in order while
# they keep up, a paused reader is told exactly what it lost,
# read() and mmap agree, poll wakes within a period, the mapping is
# read-only and bounded, and the module cannot be unloaded under an open
# or mapped device.
. /tests/lib.sh

load log_sec=0 log_nsec=20000000 ring_kb=8
[ -c /dev/tmon ] || fail "no /dev/tmon"
[ "$(stat -c %a /dev/tmon)" = 600 ] || fail "/dev/tmon mode $(stat -c %a /dev/tmon)"
[ "$(cat $PAR/ring_kb)" = 8 ] || fail "ring_kb $(cat $PAR/ring_kb)"
write_param ring_kb 16 && fail "ring_kb is writable at run time"

# The rings' memory, by the kernel's account of its vmalloc areas (not
# tmon's mem_bytes): none while nobody has the device open, a header and
# an entry page per possible CPU (ring_kb=8) while somebody has.
[ "$(ring_pages)" = 0 ] || fail "ring memory after the load, device closed: $(ring_pages) pages"
exec 6</dev/tmon
[ "$(ring_pages)" = $((2 * $(nr_possible))) ] || fail "device open: ring pages '$(ring_pages)', $(nr_possible) possible CPUs"
m_open=$(sysv mem_bytes)
exec 6<&-
[ "$(ring_pages)" = 0 ] || fail "ring memory after the last close: $(ring_pages) pages"
note "ring pages: $((2 * $(nr_possible))) while open, none closed (mem_bytes $m_open -> $(sysv mem_bytes))"
# Closed for 1 s (50 wakeups a CPU), nothing is written: the rings made
# at the next open start empty, and a read() of them loses nothing.
out=$(tmon-helper ring reopen 1000) || fail "reopen: $out"
note "reopen after 1 s: $(echo "$out" | tr '\n' ';')"
echo "$out" | awk '$1 == "ring" && $6 >= 50 { bad = 1 } END { exit bad }' ||
	fail "entries written while the device was closed: $out"
tmon-helper ring badmap || fail "bad mappings"

sleep 100000 & idle=$!
watch $idle

# A reader that keeps up sees everything, in order.
out=$(tmon-helper ring follow 3) || fail "follow: $out"
note "follow 3 s: $out"
n=$(echo "$out" | awk '{ print $4 }')
[ "$n" -ge $((3 * 50 * $(nr_online) * 8 / 10)) ] || fail "only $n CPU entries in 3 s"
[ "$(echo "$out" | awk '{ print $6 }')" -ge 100 ] || fail "too few task entries"

# Paused past the ring size: the producer does not wait, losses are exact.
s0=$(last_seq 0)
out=$(tmon-helper ring pause 2) || fail "pause: $out"
note "pause 2 s (capacity per ring $(echo "$out" | awk '{ print $10 }')): $out"
[ "$(echo "$out" | awk '{ print $4 }')" -gt 0 ] || fail "nothing lost past the ring size"
[ $(($(last_seq 0) - s0)) -ge 80 ] || fail "the producer slowed while the reader paused"
out=$(tmon-helper ring readpause 2) || fail "readpause: $out"
note "read() reader paused 2 s: $out"

# read() and mmap give the same entries, of which there are some (the
# device held open across, as a reader would).
exec 6</dev/tmon
wait_wakeups 2
freeze
out=$(tmon-helper ring compare) || fail "compare: $out"
note "$out"
[ "$(echo "$out" | awk '{ print $2 }')" -gt 0 ] || fail "compare: no entries to compare"
out=$(tmon-helper ring efault) || fail "efault: $out"
note "read() into a bad buffer: $out"
exec 6<&-
unload

# poll wakes within one period (200 ms).
load log_sec=0 log_nsec=200000000
out=$(tmon-helper ring poll 400) || fail "$out"
note "$out"
ms=$(echo "$out" | awk '{ print $2 }')
[ "$ms" -le 300 ] || fail "poll took $ms ms for a 200 ms period"

# No unload under an open or a mapped device.
exec 4</dev/tmon
rmmod tmon 2>/dev/null && fail "rmmod succeeded with /dev/tmon open"
exec 4<&-
tmon-helper ring hold >/tmp/hold &
h=$!
wait_for 10 grep -q holding /tmp/hold || fail "hold did not map"
rmmod tmon 2>/dev/null && fail "rmmod succeeded with /dev/tmon mapped"
kill $h
wait $h 2>/dev/null
kill $idle
unload
note "ok"
