# tmonctl against the live module: status (text and JSON, values checked
# against sysfs), watch/list/show/unwatch, period, latency, top in batch,
# record from the rings, export, save/reload/restore, privileges.
# The export and a recording leave the VM as TMON-FILE blocks, for the
# host's promtool/node_exporter and tmon-plot tests.
. /tests/lib.sh

T=tmonctl
# tc WANT_RC ARGS...: run tmonctl, its stdout in $out, stderr in $err.
tc() {
	local want=$1 rc
	shift
	out=$($T "$@" 2>/tmp/tc.err); rc=$?
	err=$(cat /tmp/tc.err)
	[ "$rc" = "$want" ] || fail "tmonctl $*: exit $rc, wanted $want: $err"
}
jqv() { echo "$out" | jq -er "$1" 2>/dev/null || fail "jq '$1' on: $(echo "$out" | head -c 400)"; }

tc 3 status
echo "$err" | grep -q "run 'modprobe tmon'" || fail "no-module message: $err"

# (SLOW times 100 ms: status must say healthy below, and the debug
# kernel on a loaded host missed a few wakeups at 100 ms.)
load log_sec=0 log_nsec=$((100000000 * SLOW))
wait_for 10 all_cpus_have 3 || fail "no wakeups"

# status --json: the SPEC keys, values as sysfs has them (frozen, so
# they cannot move between the two reads).
sleep 100000 & a=$!
sleep 100000 & b=$!
tc 0 watch $a $b
wait_for 10 sh -c "[ \$(awk -v p=$b '\$2 == p' $DBG/tasks | wc -l) -ge 3 ]" || fail "no samples of $b"
# Ten minutes: the checks below took longer than 60 s on the debug kernel.
freeze 600
tc 0 status --json
sys=$(for k in period_ns nr_tasks nr_samples samples_dropped samples_reclaimed mem_bytes; do sysv $k; done | tr '\n' ' ')
for k in version period_ns tasks samples dropped reclaimed mem_bytes; do
	jqv "has(\"$k\")" >/dev/null
done
json=$(for k in period_ns tasks samples dropped reclaimed mem_bytes; do jqv ".$k"; done | tr '\n' ' ')
[ "$json" = "$sys" ] || fail "status --json (period_ns tasks samples dropped reclaimed mem_bytes): $json; sysfs: $sys"
[ "$(jqv .version)" = "$(cut -d' ' -f1 $SYS/version)" ] || fail "version $(jqv .version)"
[ "$(jqv .health)" = healthy ] && [ "$(jqv '.problems | length')" = 0 ] ||
	fail "status --json health: $(echo "$out" | jq -c "{health, problems}")"
# -p: the same document (the module is frozen), indented.
echo "$out" | jq -S . >/tmp/st.compact
tc 0 -p status
[ "$(echo "$out" | wc -l)" -gt 20 ] || fail "status -p is not indented: $(echo "$out" | head -c 200)"
echo "$out" | jq -S . | cmp -s - /tmp/st.compact || fail "status -p and --json differ"
[ "$(jqv '[.cpus[] | select(.thread_pid > 0)] | length')" = "$(sysv nr_cpus)" ] || fail "threads"
tmon_threads | while read -r pid cpu; do
	c=$(echo "$out" | jq -c ".cpus[] | select(.cpu == $cpu)")
	[ "$(echo "$c" | jq .thread_pid)" = "$pid" ] || fail "cpu $cpu thread_pid: $c"
	n=$(awk -v c="$cpu" '$2 == c' $DBG/cpus | wc -l)
	[ "$(echo "$c" | jq .records)" = "$n" ] || fail "cpu $cpu records: $c, debugfs has $n"
	[ "$(echo "$c" | jq .wakeups)" -ge "$n" ] || fail "cpu $cpu wakeups < records: $c"
	max=$(awk -v c="$cpu" '$2 == c && $8 > m { m = $8 } END { print m + 0 }' $DBG/cpus)
	[ "$(echo "$c" | jq .latency_ns.max)" = "$max" ] || fail "cpu $cpu latency max: $c, debugfs $max"
	echo "$c" | jq -e '.latency_ns | .min <= .avg and .avg <= .max and .min <= .p99 and .p99 <= .max' >/dev/null ||
		fail "cpu $cpu latency order: $c"
	max=$(awk -v c="$cpu" '$2 == c && $28 > m { m = $28 } END { print m + 0 }' $DBG/cpus)
	[ "$(echo "$c" | jq .irq_latency_ns.max)" = "$max" ] || fail "cpu $cpu irq latency max: $c, debugfs $max"
	# The thread's scheduling as /proc/PID/stat has it (rt_priority, policy).
	want=$(awk '{ print ($41 == 1 ? "fifo" : $41 == 0 ? "other" : "policy" $41) ":" $40 }' /proc/$pid/stat)
	[ "$(echo "$c" | jq -r '.policy + ":" + (.prio | tostring)')" = "$want" ] || fail "cpu $cpu scheduling: $c, /proc: $want"
done || exit 1
note "status --json: $(echo "$out" | head -c 300)"
tc 0 status
echo "$out" | grep -q "^tmon .*: healthy$" || fail "status not healthy: $out"
[ "$(echo "$out" | grep -c '^[0-9]* *running .* fifo:1$')" = "$(nr_online)" ] || fail "status threads (running, fifo:1): $out"
echo "$out"

# latency: the histogram counts every stored record.
tc 0 latency --hist
note "$out"
for cpu in $(online_cpus); do
	n=$(awk -v c="$cpu" '$2 == c' $DBG/cpus | wc -l)
	col=$(echo "$out" | awk -v c="$cpu" '/^# Index/ { for (i = 3; i <= NF; i++) if ($i == sprintf("CPU-%03d", c)) k = i - 1 } /^count:/ { print $k }')
	[ "$col" = "$n" ] || fail "hist count of cpu $cpu: $col, debugfs $n"
done
tc 0 latency --hist --json
[ "$(jqv '[.cpus[] | (.over + ([.buckets[].count] | add))] | add')" = "$(wc -l <$DBG/cpus)" ] || fail "hist json total"
tc 0 latency --json
[ "$(jqv '.cpus | length')" = "$(nr_online)" ] || fail "latency json cpus"
# (the number of stored records is "records" in every view)
[ "$(jqv '[.cpus[].records] | add')" = "$(wc -l <$DBG/cpus)" ] || fail "latency json records"
for cpu in $(online_cpus); do
	want=$(awk -v c="$cpu" '$2 == c { if (!n++ || $28 < i) i = $28; if ($8 > t) t = $8 } END { print i + 0, t + 0 }' $DBG/cpus)
	[ "$(jqv ".cpus[] | select(.cpu == $cpu) | \"\(.irq_latency_ns.min) \(.latency_ns.max)\"")" = "$want" ] ||
		fail "latency json cpu $cpu: irq min, thread max not $want"
done
tc 0 latency
echo "$out" | grep -q "IRQ latency (us) .* Thread latency (us)" || fail "latency: no IRQ and thread columns: $out"

# list and show against debugfs.
tc 0 list
echo "$out"
echo "$out" | grep -q "^ *$a sleep *running " || fail "list lacks $a"
echo "$out" | grep -q "^ *$b sleep *running " || fail "list lacks $b"
tc 0 list --json
[ "$(jqv '[.watched[].pid] | sort | map(tostring) | join(" ")')" = "$(echo "$a $b" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" ] || fail "list json: $out"
[ "$(jqv ".watched[] | select(.pid == $a) | .records")" = "$(nsamples_of $a)" ] || fail "list records of $a"
tc 0 show $a --json
[ "$(jqv '.entries | length')" = "$(nsamples_of $a)" ] || fail "show $a: $(jqv '.entries | length') records, debugfs $(nsamples_of $a)"
[ "$(jqv .records)" = "$(jqv '.entries | length')" ] || fail "show $a: records $(jqv .records), entries $(jqv '.entries | length')"
jqv '[.entries[].seq] | . == [range(.[0]; .[0] + length)]' >/dev/null || fail "show $a: seqs not consecutive"
# One name, one type: a key holds the same kind of value in the JSON of
# every command ("records" a count, "tasks" a count, lists under names
# of their own); null, "none" (a budget off), goes with any.
for c in "status --json" "list --json" "show $a --json" "latency --json" "latency --hist --json"; do
	$T $c 2>/dev/null |
		jq -r 'paths as $p | select(($p[-1] | type == "string") and getpath($p) != null) | "\($p[-1]) \(getpath($p) | type)"' ||
		echo "unparsed: $c"
done | sort -u | awk '$1 == "unparsed:" { print; bad = 1; next }
	{ n[$1]++; t[$1] = t[$1] " " $2 } END { for (k in n) if (n[k] > 1) { print k ":" t[k]; bad = 1 }; exit bad }' >/tmp/keys ||
	fail "JSON keys with more than one type: $(tr '\n' ';' </tmp/keys)"
# -w: the wall clock's time of each record, in UTC, first; today's.
tc 0 show $a -n 2 -w
echo "$out" | awk -v d="$(date -u +%Y-%m-%d)" 'NR == 2 && $1 != "WALL" { bad = 1 } NR > 2 && index($1, d "T") != 1 { bad = 1 }
	END { exit bad || NR != 4 }' || fail "show -w: $out"
tc 0 show $a -n 2 -w --json
[ "$(jqv '[.entries[].wall | test("^20[0-9-]{8}T[0-9:]{8}\\.[0-9]{9}Z$")] | all')" = true ] || fail "show -w --json: $out"
tc 0 show $a -n 3
echo "$out"
[ "$(echo "$out" | awk 'NR > 2' | wc -l)" = 3 ] || fail "show -n 3: $out"
tc 1 watch $a
echo "$err" | grep -q "already watched" || fail "watch twice: $err"
tc 1 watch 4194303
echo "$err" | grep -q "no such process" || fail "watch 4194303: $err"
tc 0 unwatch $a
tc 1 unwatch $a
echo "$err" | grep -q "not watched" || fail "unwatch twice: $err"
[ "$(watched_pids)" = "$b " ] || fail "watch list after unwatch: $(watched_pids)"
tc 1 show $a
# Unfreeze: a reload, rather than wait out the 600 s timers.
unload
load log_sec=0 log_nsec=100000000
tc 0 watch $b

# Privileges: anyone reads; only CAP_SYS_ADMIN changes the period.
# (exit 4: degraded, as uid 1000 sees it too)
rc=0
out=$(tmon-helper asuser 1000 $T status --json 2>&1) || rc=$?
[ $rc = 0 ] || [ $rc = 4 ] || fail "status as uid 1000: exit $rc: $out"
out=$(tmon-helper asuser 1000 $T period 0.5 2>&1) && fail "period as uid 1000 worked: $out"
echo "$out" | grep -q "Operation not permitted" || fail "period as uid 1000: $out"
[ "$(sysv period_ns)" = 100000000 ] || fail "period changed by uid 1000"

# period 0.25 then 0.1: the wakeup rate follows (4/s then 10/s, +-15%).
rate() {	# wakeups of CPU 0 per 10 s over ~3 s
	local w0 w1 t0 t1 t2 t3
	# Each count is timed at the middle of the clock reads around it:
	# tmonctl's start-up is slow under TCG and must not count as interval.
	t0=$(now_ms); w0=$($T status --json | jq '.cpus[0].wakeups'); t1=$(now_ms)
	sleep 3
	t2=$(now_ms); w1=$($T status --json | jq '.cpus[0].wakeups'); t3=$(now_ms)
	echo $(((w1 - w0) * 20000 / (t2 + t3 - t0 - t1)))
}
tc 0 period 0.25
[ "$out" = 0.250000000 ] || fail "period 0.25 printed $out"
[ "$(sysv period_ns)" = 250000000 ] || fail "period_ns after period 0.25: $(sysv period_ns)"
[ "$(cat $PAR/log_sec) $(cat $PAR/log_nsec)" = "0 250000000" ] || fail "params after period 0.25"
wait_wakeups 1
r1=$(rate)
tc 0 period 0.1
wait_wakeups 1
r2=$(rate)
note "wakeups per 10 s: $r1 at 0.25 s, $r2 at 0.1 s"
[ "$r1" -ge 34 ] && [ "$r1" -le 46 ] || fail "rate at 0.25 s: $r1 per 10 s, wanted 40"
[ "$r2" -ge 85 ] && [ "$r2" -le 115 ] || fail "rate at 0.1 s: $r2 per 10 s, wanted 100"
tc 0 period
[ "$out" = 0.100000000 ] || fail "period prints $out"

# top in batch: -n screens, one CPU row per online CPU each.
tc 0 top -d 0.5 -n 2
[ "$(echo "$out" | grep -c '^tmon ')" = 2 ] || fail "top -n 2 screens: $out"
[ "$(echo "$out" | grep -c '^[0-9]* *running ')" = $((2 * $(nr_online))) ] || fail "top cpu rows: $out"
echo "$out" | awk '/^tmon / { n++ } n == 2 && /^[0-9]+ +running / && $3 !~ /^[0-9.]+$/ { bad = 1 } END { exit bad }' ||
	fail "top second screen has no rates: $out"
echo "$out" | tail -n 12

# record: at the default period, 2 s of records, in sequence, none lost.
unload
load
sleep 100000 & c=$!
tc 0 watch $b $c
t0=$(now_ms)
$T record -d 2 -o /tmp/rec.csv 2>/tmp/rec.err || fail "record: $(cat /tmp/rec.err)"
t1=$(now_ms)
note "record -d 2: $(cat /tmp/rec.err), $((t1 - t0)) ms"
grep -q '^[0-9]* records, 0 lost$' /tmp/rec.err || fail "record: $(cat /tmp/rec.err)"
[ $((t1 - t0)) -ge 2000 ] && [ $((t1 - t0)) -lt $((2000 + 2000 * SLOW)) ] || fail "record -d 2 took $((t1 - t0)) ms"
# The columns: type, ring, entry, then the fields `tmonctl fields` lists,
# each name once; the checks below find them by name.
want=type,ring,entry$($T fields | awk 'NR > 1 && !seen[$2]++ { printf ",%s", $2 }')
# First what and when: the period, this kernel and host, the start.
line1=$(head -n 1 /tmp/rec.csv)
case $line1 in
"# tmon record: period_ns=1000000000 kernel=$(uname -r) host=$(uname -n) start="*) ;;
*) fail "recording's first line: $line1" ;;
esac
echo "$line1" | grep -Eq ' start=20[0-9-]{8}T[0-9:]{8}\.[0-9]{9}Z start_ns=[0-9]+$' ||
	fail "recording's start: $line1"
[ "$(sed -n 2p /tmp/rec.csv)" = "$want" ] ||
	fail "csv header: $(sed -n 2p /tmp/rec.csv), not $want"
n=$(($(wc -l </tmp/rec.csv) - 2))
[ "$(grep -c '^[0-9]* records' /tmp/rec.err)" = 1 ] && [ "$(cut -d' ' -f1 /tmp/rec.err)" = "$n" ] || fail "csv rows $n, reported $(cat /tmp/rec.err)"
awk -F, 'NR == 1 { next } NR == 2 { for (i = 1; i <= NF; i++) c[$i] = i; nf = NF; next }
	{ if (NF != nf) { print "fields " NF ": " $0; bad = 1 }
	cpu = $c["cpu"]; pid = $c["pid"]; lat = $c["latency_ns"] }
	$1 == "cpu" && ($2 != cpu || lat == "" || $c["expected_ns"] == "" || pid != "" || $c["ts_ns"] != "") { print "cpu row: " $0; bad = 1 }
	$1 == "task" && (pid == "" || $c["comm"] != "sleep" || $c["ts_ns"] == "" || lat != "") { print "task row: " $0; bad = 1 }
	{ if ($2 in e && $3 != e[$2] + 1) { print "ring " $2 " entry " $3 " after " e[$2]; bad = 1 }
	e[$2] = $3 }
	$1 == "cpu" { if (cpu in s && $c["seq"] != s[cpu] + 1) { print "cpu " cpu " seq " $c["seq"] " after " s[cpu]; bad = 1 } s[cpu] = $c["seq"]; nc[cpu]++ }
	$1 == "task" { nt[pid]++ }
	END { for (x in nc) printf "cpu %s: %d records\n", x, nc[x]; for (p in nt) printf "pid %s: %d records\n", p, nt[p]; exit bad }' /tmp/rec.csv >/tmp/rec.count ||
	fail "recording out of sequence: $(cat /tmp/rec.count)"
cat /tmp/rec.count
for cpu in $(online_cpus); do
	k=$(sed -n "s/^cpu $cpu: \([0-9]*\) records$/\1/p" /tmp/rec.count)
	[ "${k:-0}" -ge 1 ] && [ "$k" -le 3 ] || fail "cpu $cpu: ${k:-0} records in 2 s at 1 s"
done
for p in $b $c; do
	k=$(sed -n "s/^pid $p: \([0-9]*\) records$/\1/p" /tmp/rec.count)
	[ "${k:-0}" -ge 1 ] && [ "$k" -le 3 ] || fail "pid $p: ${k:-0} records in 2 s at 1 s"
done
# JSON lines: every field of the record's type, by the names fields lists.
$T record -d 1.5 --format json -o /tmp/rec.json 2>/tmp/rec.err || fail "record json: $(cat /tmp/rec.err)"
[ -s /tmp/rec.json ] || fail "record json: no records"
for type in cpu task; do
	keys=$($T fields | awk -v t=$type 'NR > 1 && $1 == t { printf "%s\"%s\"", n++ ? "," : "", $2 }')
	jq -se --arg t $type "[.[] | select(.type == \$t) | [$keys] - keys | length] |
		length > 0 and all(. == 0)" /tmp/rec.json >/dev/null ||
		fail "json $type lines lack one of $keys: $(grep -m1 "\"$type\"" /tmp/rec.json)"
done
jq -se '.[0].type == "header" and .[0].period_ns == 1000000000 and (.[1:] | all(.type == "cpu" or .type == "task"))' \
	/tmp/rec.json >/dev/null || fail "json lines: $(head -n 3 /tmp/rec.json)"
# --wall: each record's time in UTC, the header's start and a sample's
# within the second before the command and its end (ISO 8601 compares as
# text). (Not the header's start: a sample taken just before it can
# reach the ring after it; CI saw one 1 ms early.)
begin=$(date -u -d @$(($(date +%s) - 1)) +%Y-%m-%dT%H:%M:%S.000000000Z)
$T record -d 1 -w -o /tmp/recw.csv 2>/tmp/rec.err || fail "record -w: $(cat /tmp/rec.err)"
end=$(date -u +%Y-%m-%dT%H:%M:%S.999999999Z)
start=$(sed -n '1s/.* start=\([^ ]*\) .*/\1/p' /tmp/recw.csv)
[ -n "$start" ] && ! [ "$start" \< "$begin" ] && ! [ "$start" \> "$end" ] ||
	fail "record -w: header start '$start' outside $begin .. $end"
awk -F, -v b="$begin" -v e="$end" 'NR == 1 { next } NR == 2 { for (i = 1; i <= NF; i++) c[$i] = i; w = c["wall"]
		if (w != NF) { print "wall is column " w " of " NF; bad = 1 } next }
	$w !~ /^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{9}Z$/ { print "wall " $w; bad = 1 }
	$1 == "task" && ($w < b || $w > e) { print "task at " $w " outside " b " .. " e; bad = 1 }
	{ n++ } END { if (!n) print "no rows"; exit bad || !n }' /tmp/recw.csv >/tmp/recw.check ||
	fail "record -w: $(head -n 3 /tmp/recw.check)"

# Ctrl-C (SIGINT) ends a recording cleanly with its report.
$T record -o /tmp/rec2.csv 2>/tmp/rec2.err & r=$!
wait_for 5 test -s /tmp/rec2.csv || fail "record did not start"
kill -INT $r
wait $r || fail "record after SIGINT: exit $?"
grep -q '^[0-9]* records, 0 lost$' /tmp/rec2.err || fail "record after SIGINT: $(cat /tmp/rec2.err)"

# save, module reload, restore: the same watch list and settings, the
# thresholds of every CPU and of one set alone; a pid that is gone is
# skipped and named.
sleep 100000 & d=$!
tc 0 watch $d
tc 0 period 0.5
write_param history 64 || fail "history=64"
tc 0 thresholds --thread 300us
tc 0 thresholds -c 1 --irq 50us
before=$(watched_pids)
thr_before=$(tmonctl thresholds -j | jq -c .)
tc 0 save /tmp/state
note "$(cat /tmp/state)"
grep -qx 'thread_threshold_ns 300000' /tmp/state && grep -qx 'irq_threshold_ns off' /tmp/state &&
	grep -qx 'thresholds 1 300000 50000' /tmp/state && [ "$(grep -c '^thresholds ' /tmp/state)" = 1 ] ||
	fail "save: the thresholds: $(grep threshold /tmp/state)"
unload
load
kill $d
wait $d 2>/dev/null
tc 0 restore /tmp/state
note "restore: $out / $err"
echo "$err" | grep -q "pid $d (sleep) no longer exists: skipped" || fail "restore did not skip $d: $err"
[ "$(watched_pids)" = "$(echo $before | tr ' ' '\n' | grep -v "^$d$" | tr '\n' ' ')" ] ||
	fail "restored watch list $(watched_pids), saved $before"
[ "$(sysv period_ns)" = 500000000 ] || fail "restored period $(sysv period_ns)"
[ "$(cat $PAR/history)" = 64 ] || fail "restored history $(cat $PAR/history)"
[ "$(tmonctl thresholds -j | jq -c .)" = "$thr_before" ] ||
	fail "restored thresholds $(tmonctl thresholds -j | jq -c .), saved $thr_before"
[ "$(cat $PAR/thread_threshold_ns) $(cat $PAR/irq_threshold_ns)" = "300000 off" ] ||
	fail "restored parameters: thread $(cat $PAR/thread_threshold_ns), irq $(cat $PAR/irq_threshold_ns)"
tc 0 restore /tmp/state	# again: already watched is fine
tc 0 thresholds --thread off --irq off
printf 'period_ns 12\n' >/tmp/bad-state
tc 1 restore /tmp/bad-state
echo "$err" | grep -q "not a tmon state line" || fail "bad state file: $err"
[ "$(sysv period_ns)" = 500000000 ] || fail "bad state file changed the period"
tc 0 save
[ -s /var/lib/tmon/state ] || fail "save without FILE did not write /var/lib/tmon/state"

# restore --at-load, the packages' load hook: without a state it notes
# the load (for save's loaded_* lines) and says nothing; a saved setting
# comes back only if the load gave the value it was changed from.
rm -rf /run/tmon
tc 0 restore --at-load /tmp/no-state
[ -z "$out$err" ] || fail "restore --at-load without a state said: $out $err"
grep -qx 'period_ns 500000000' /run/tmon/loaded || fail "/run/tmon/loaded: $(cat /run/tmon/loaded)"
tc 0 save /tmp/state2
grep -qx 'loaded_period_ns 500000000' /tmp/state2 || fail "save has no loaded_period_ns: $(cat /tmp/state2)"
printf 'period_ns 300000000\nloaded_period_ns 500000000\n' >/tmp/same
printf 'period_ns 400000000\nloaded_period_ns 200000000\n' >/tmp/changed
tc 0 restore --at-load /tmp/changed
echo "$out" | grep -qx 'period_ns 500000000 as loaded, not the saved 400000000: tmon.conf changed' ||
	fail "restore --at-load with another load's setting: $out"
[ "$(sysv period_ns)" = 500000000 ] || fail "restore --at-load put back a setting the load changed: $(sysv period_ns)"
tc 0 restore --at-load /tmp/same
[ "$(sysv period_ns)" = 300000000 ] || fail "restore --at-load did not put back the period: $(sysv period_ns)"
tc 0 restore /tmp/changed	# by hand: the file as it is
[ "$(sysv period_ns)" = 400000000 ] || fail "restore by hand: period $(sysv period_ns)"

# export: what the host checks with promtool and node_exporter.
tc 0 period 0.1
# A name with a quote and a backslash: the label must be escaped.
cp /bin/tmon-helper '/tmp/sp"in\1'
'/tmp/sp"in\1' spin & s=$!
tc 0 watch $s
wait_wakeups 3
tc 0 export --prometheus
echo "$out" >/tmp/export.prom
grep -q '^tmon_period_seconds 0.100000000$' /tmp/export.prom || fail "export period"
[ "$(grep -c '^tmon_cpu_wakeups_total{cpu=' /tmp/export.prom)" = "$($T status --json | jq '.cpus | length')" ] ||
	fail "export: not one wakeups line per CPU"
grep -F "tmon_task_cpu_seconds_total{pid=\"$s\",comm=\"sp\\\"in\\\\1\",mode=\"user\"} " /tmp/export.prom |
	grep -q ' [1-9]\| 0\.[0-9]*[1-9]' || fail "export: the spinner (escaped name) has no user time"
emit export.prom /tmp/export.prom
# -o FILE: the same series, in a file written whole (0644, renamed into
# place: nothing else is left in its directory); an unwritable place
# fails with one line and leaves nothing.
mkdir /tmp/prom
tc 0 export --prometheus -o /tmp/prom/tmon.prom
[ -z "$out" ] || fail "export -o wrote to stdout: $(echo "$out" | head -n 2)"
[ "$(ls -A /tmp/prom)" = tmon.prom ] || fail "export -o left: $(ls -A /tmp/prom)"
[ "$(stat -c %a /tmp/prom/tmon.prom)" = 644 ] || fail "export -o mode $(stat -c %a /tmp/prom/tmon.prom)"
series() { grep -v '^#' "$1" | sed 's/ [^ ]*$//' | sort; }
series /tmp/export.prom >/tmp/series.a
series /tmp/prom/tmon.prom >/tmp/series.b
cmp -s /tmp/series.a /tmp/series.b ||
	fail "export -o and stdout differ in series: $(diff /tmp/series.a /tmp/series.b | head -n 4)"
# Over a file, a new one is renamed into place: a reader that has the old
# one open goes on reading it whole (a write in place would truncate it
# under the reader, and keep its inode).
ino=$(stat -c %i /tmp/prom/tmon.prom)
exec 8</tmp/prom/tmon.prom
tc 0 export --prometheus -o /tmp/prom/tmon.prom
[ "$(ls -A /tmp/prom)" = tmon.prom ] || fail "export -o over a file left: $(ls -A /tmp/prom)"
[ "$(stat -c %i /tmp/prom/tmon.prom)" != "$ino" ] || fail "export -o over a file wrote it in place (inode $ino kept)"
cat <&8 >/tmp/prom.old
exec 8<&-
series /tmp/prom.old | cmp -s - /tmp/series.b || fail "export -o over a file: the open old one changed"
chmod 0555 /tmp/prom
tmon-helper asuser 1000 $T export --prometheus -o /tmp/prom/tmon.prom 2>/tmp/exp.err && fail "export -o into a read-only directory worked"
grep -q '^tmonctl: export: cannot write /tmp/prom/tmon.prom: Permission denied$' /tmp/exp.err || fail "export -o error: $(cat /tmp/exp.err)"
[ "$(ls -A /tmp/prom)" = tmon.prom ] || fail "a failed export -o left: $(ls -A /tmp/prom)"

# A recording for the plot: 6 s at 0.1 s of a process that maps and
# touches 64 MiB halfway through.
tc 0 unwatch $b $c $s	# the plot shows the one watched process
mkfifo /tmp/go
tmon-helper mem 64 </tmp/go >/tmp/mem.out & m=$!
exec 9>/tmp/go
tc 0 watch $m
$T record -d 6 -o /tmp/plot.csv 2>/tmp/rec.err & r=$!
sleep 3
echo go >&9
wait $r || fail "plot recording: $(cat /tmp/rec.err)"
exec 9>&-
note "plot recording: $(cat /tmp/rec.err)"
emit recording.csv /tmp/plot.csv
kill $a $b $c $s $m 2>/dev/null
unload

# Health is that of the stored history: missed wakeups make status
# DEGRADED while a record of them is held, and it recovers once they
# age out (history 64), though the total since load stays. One hog at
# nice -20 makes the SCHED_OTHER thread of its CPU miss (the other CPUs
# stay free for the test); a period of 5 s then holds the history
# still while status is read without the hog.
load log_sec=0 log_nsec=1000000 history=64 policy=other
tmon-helper spinnice -20 & hog=$!
wait_for 20 sh -c "$T status | grep -q '^tmon .*: DEGRADED$'"; rc=$?
write_param log_sec 5 || fail "log_sec=5 refused"
kill $hog
[ $rc = 0 ] || fail "no DEGRADED with wakeups missed: $($T status | head -n 3)"
# Degraded exits 4, text and JSON alike, and JSON names the problem.
tc 4 status
echo "$out" | grep -q "missed wakeups in the last [0-9]* records ([0-9]* in all)" ||
	fail "DEGRADED without the misses: $(echo "$out" | head -n 3)"
tc 4 status --json
[ "$(jqv .health)" = degraded ] || fail "status --json health $(jqv .health) when DEGRADED"
jqv '.problems[]' | grep -q "missed wakeups in the last [0-9]* records" ||
	fail "status --json problems: $(echo "$out" | jq -c .problems)"
note "$(echo "$out" | head -n 2 | tr '\n' ' ')"
# (10 ms, 40 on the debug kernel: it still missed a few at 10 ms.)
write_param policy fifo && write_param log_nsec $((10000000 * SLOW)) && write_param log_sec 0 ||
	fail "cannot go back to fifo at $((10 * SLOW)) ms"
# (exit 0 is healthy: the same status run says so)
wait_for 30 sh -c "$T status >/tmp/st.out" ||
	fail "still DEGRADED once the misses left the history: $($T status | head -n 3)"
grep -q '^tmon .*: healthy$' /tmp/st.out || fail "status exit 0 but: $(head -n 2 /tmp/st.out)"
[ "$($T status --json | jq '[.cpus[].missed] | add')" -gt 0 ] || fail "the total of misses went away"
unload
