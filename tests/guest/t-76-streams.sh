# A task record is the same record wherever it appears: the seq of its
# ring entry and of its tmon_task_sample event is the stored record's,
# consecutive per pid (a stream that lost one without counting it shows
# the gap); the exit of a watched process reaches the rings and the
# tracepoint as its final record, flagged exited: taken at the exit (the
# next seq), or the last one again when the exit was found by sampling.
. /tests/lib.sh

T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T || fail "no tracefs"
# (exited watches kept the longest the module allows: on the debug kernel
# the default 30 s passed before the exited process's records were read;
# and 8192 records per watch, not 1024: there the recording alone held
# 897 entries of one process, and the history must still hold them all)
load log_sec=0 log_nsec=20000000 exited_keep_sec=60 history=8192
sleep 100000 & a=$!
tmon-helper spin & b=$!
sleep 100000 & x=$!
watch $a
watch $b
watch $x
echo >$T/trace
echo 1 >$T/events/tmon/tmon_task_sample/enable
tmonctl record --format json -o /tmp/rec.json 2>/tmp/rec.err &
rec=$!
# From the recording's first entry on, 30 more samples of $x; then its
# exit, and the recording stopped once its flagged entry is in (record
# writes entries out as it drains them). A fixed duration ended before
# the exit on the debug kernel.
wait_for 10 grep -Eq '"type":"(cpu|task)"' /tmp/rec.json || fail "the recording got nothing: $(cat /tmp/rec.err)"
n0=$(nsamples_of $x)
wait_for 10 has_samples $x $((n0 + 30)) || fail "no samples of $x"
kill $x
wait_for 10 grep -q '"exited":true' /tmp/rec.json || fail "the exit of $x never reached the recording"
# stored PID: "seq ts_ns utime_ns exited" of every record tmon holds.
# (the whole reply kept in /tmp/show.PID)
stored() {
	tmonctl show "$1" -n 65536 --json >/tmp/show.$1
	jq -r '.entries[] | "\(.seq) \(.ts_ns) \(.utime_ns)"' /tmp/show.$1
}
# $x's history is final at its exit, and its watch is reaped
# exited_keep_sec later: read at once (on the debug kernel what follows
# took longer than the 60 s the module allows).
stored $x >/tmp/stored.$x
kill -INT $rec
wait $rec || fail "tmonctl record: $(cat /tmp/rec.err)"
grep -q '^[0-9]* records, 0 lost$' /tmp/rec.err || fail "the recording lost entries: $(cat /tmp/rec.err)"
# Sampling held still while the histories are read: a watch keeps its
# newest records only, and on the debug kernel the reads below took long
# enough for $a's recorded seqs to be pushed out.
freeze
echo 0 >$T/events/tmon/tmon_task_sample/enable
cat $T/trace >/tmp/trace
kill $b
note "record: $(cat /tmp/rec.err)"

for p in $x $a $b; do
	[ $p = $x ] || stored $p >/tmp/stored.$p
	jq -r "select(.type == \"task\" and .pid == $p) | \"\(.seq) \(.ts_ns) \(.utime_ns) \(.exited)\"" \
		/tmp/rec.json >/tmp/ring.$p
	sed -n "s/.*tmon_task_sample: pid=$p seq=\([0-9]*\) utime_ns=\([0-9]*\) .* flags=\([0-9]*\)\$/\1 \2 \3/p" \
		/tmp/trace >/tmp/trace.$p
	nr=$(wc -l </tmp/ring.$p)
	nt=$(wc -l </tmp/trace.$p)
	[ "$nr" -ge 20 ] && [ "$nt" -ge 20 ] || fail "pid $p: $nr ring entries, $nt events"
	# Every seq once, in order, none missing (the recording lost none):
	# only an exit entry may repeat the one before.
	bad=$(awk '$4 == "true" { if (NR == 1 || ($1 != prev && $1 != prev + 1)) b++; prev = $1; next }
		NR > 1 && $1 != prev + 1 { b++ } { prev = $1 } END { print b + 0 }' /tmp/ring.$p)
	[ "$bad" = 0 ] || fail "pid $p: $bad ring entries out of order or missing: $(awk 'NR > 1 && $1 != p + 1 { print p "->" $1 } { p = $1 }' /tmp/ring.$p | head -n 5)"
	bad=$(awk '$3 == 1 { if (NR == 1 || ($1 != prev && $1 != prev + 1)) b++; prev = $1; next }
		NR > 1 && $1 != prev + 1 { b++ } { prev = $1 } END { print b + 0 }' /tmp/trace.$p)
	[ "$bad" = 0 ] || fail "pid $p: $bad events out of order or missing: $(awk 'NR > 1 && $1 != p + 1 { print p "->" $1 } { p = $1 }' /tmp/trace.$p | head -n 5)"
	# ... and the same record as stored, by seq (history holds them all).
	[ "$(wc -l </tmp/stored.$p)" -ge "$nr" ] || fail "pid $p: $(wc -l </tmp/stored.$p) stored records for $nr ring entries"
	same=$(awk 'FILENAME == ARGV[1] { s[$1] = $2 " " $3; next } s[$1] == $2 " " $3 { m++ } END { print m + 0 }' \
		/tmp/stored.$p /tmp/ring.$p)
	[ "$same" = "$nr" ] || fail "pid $p: $((nr - same)) of $nr ring entries differ from the stored record of their seq"
	same=$(awk 'FILENAME == ARGV[1] { s[$1] = $3; next } s[$1] == $2 { m++ } END { print m + 0 }' \
		/tmp/stored.$p /tmp/trace.$p)
	[ "$same" = "$nt" ] || fail "pid $p: $((nt - same)) of $nt events differ from the stored record of their seq"
	note "pid $p: $nr ring entries, $nt events, seq $(head -n 1 /tmp/ring.$p | cut -d' ' -f1)..$(tail -n 1 /tmp/ring.$p | cut -d' ' -f1), as stored"
done

# The exit: one flagged entry in the ring and one event, the last
# record, which the history holds flagged too.
[ "$(grep -c ' true$' /tmp/ring.$x)" = 1 ] || fail "exit of $x: $(grep -c ' true$' /tmp/ring.$x) flagged ring entries"
[ "$(tail -n 1 /tmp/ring.$x | cut -d' ' -f4)" = true ] || fail "exit of $x is not its last ring entry"
[ "$(grep -c ' 1$' /tmp/trace.$x)" = 1 ] || fail "exit of $x: $(grep -c ' 1$' /tmp/trace.$x) flagged events"
jq -e '.state == "exited"' /tmp/show.$x >/dev/null || fail "$x not shown as exited"
[ "$(grep -c ' true$' /tmp/ring.$a)" = 0 ] || fail "a live process has an exit entry"
note "exit of $x: ring entry and event, seq $(tail -n 1 /tmp/ring.$x | cut -d' ' -f1)"
kill $a
unload
note "ok"
