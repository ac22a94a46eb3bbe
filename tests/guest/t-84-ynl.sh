# The kernel's own YNL client (tools/net/ynl/cli.py from linux-source),
# driven by netlink/tmon.yaml alone, against the live module: every
# command, the records decoded from the spec's structs compared with
# debugfs, and each command's policy refusing another's attribute; the
# events group's messages decoded from the spec. (The first request runs
# cli.py as a user would; the others its main() in one interpreter,
# ynl_session.)
. /tests/lib.sh

P=100000000

load log_sec=0 log_nsec=$P
wait_for 10 all_cpus_have 2 || fail "no wakeups"

out=$(ynl --do get-status) || fail "get-status: $out"
note "get-status: $(echo "$out" | jq -c 'del(.["cpu-status"])')"
[ "$(echo "$out" | jq '.["period-ns"]')" = $P ] || fail "get-status period-ns"
[ "$(echo "$out" | jq -r '"\(.version) abi \(.["abi-version"])"')" = "$(sysv version)" ] || fail "get-status version"
[ "$(echo "$out" | jq '.history')" = "$(cat $PAR/history)" ] || fail "get-status history"
[ "$(echo "$out" | jq '.["nr-cpus"]')" = "$(sysv nr_cpus)" ] || fail "get-status nr-cpus"
tmon_threads | while read -r pid cpu; do
	[ "$(echo "$out" | jq --argjson c "$cpu" '.["cpu-status"][] | select(.cpu == $c) | .["thread-pid"]')" = "$pid" ] ||
		fail "cpu-status of cpu $cpu: $(echo "$out" | jq -c --argjson c "$cpu" '.["cpu-status"][] | select(.cpu == $c)')"
done || exit 1
# The latency buckets (multi-attr u64): the bounds once, and on every CPU
# that woke one count per bound and one above, adding up to its wakeups.
[ "$(echo "$out" | jq -c '.["latency-bound-ns"] | [length, .[0], .[-1]]')" = "[19,1000,1000000000]" ] ||
	fail "latency-bound-ns: $(echo "$out" | jq -c '.["latency-bound-ns"]')"
echo "$out" | jq -e '[.["cpu-status"][] | select(.wakeups > 0) |
	(.["latency-bucket"] | length) == 20 and (.["latency-bucket"] | add) == .wakeups and
	.["latency-sum-ns"] > 0 and .["run-ns"] > 0] | length > 0 and all' >/dev/null ||
	fail "cpu-status latency buckets: $(echo "$out" | jq -c '[.["cpu-status"][] | {cpu, wakeups, "latency-bucket"}]')"

ynl_session
sleep 100000 & a=$!
out=$(ynl --do watch --json "{\"pid\": $a}") || fail "watch: $out"
wait_for 10 has_samples $a 3 || fail "no samples of $a"
freeze

# The records, decoded by YNL from the spec's struct definitions.
out=$(ynl --dump list-tasks) || fail "list-tasks: $out"
note "list-tasks: $out"
# (comm is bytes to YNL, in hex: "sleep" and its NUL)
[ "$(echo "$out" | jq -c '[.[] | [.pid, .state, .["nr-records"], .["task-record"].comm[0:12]]]')" = \
	"[[$a,\"running\",$(nsamples_of $a),\"736c65657000\"]]" ] || fail "list-tasks: $out"
out=$(ynl --dump dump-tasks --json "{\"pid\": $a}") || fail "dump-tasks: $out"
[ "$(echo "$out" | jq length)" = "$(nsamples_of $a)" ] || fail "dump-tasks: $(echo "$out" | jq length) records"
[ "$(echo "$out" | jq -r '.[] | .["task-record"] | "\(.pid) \(.["ts-ns"]) \(.["utime-ns"]) \(.["rss-bytes"])"')" = \
	"$(awk -v p=$a '$1 == "pid" && $2 == p { for (i = 1; i < NF; i++) v[$i] = $(i + 1); print p, v["ts"], v["usr"], v["rss"] }' $DBG/tasks)" ] ||
	fail "dump-tasks records differ from debugfs"
out=$(ynl --dump dump-cpus --json '{"cpu": 1}') || fail "dump-cpus: $out"
[ "$(echo "$out" | jq -r '.[] | .["cpu-record"] | "\(.cpu) \(.seq) \(.["expected-ns"])"')" = \
	"$(awk '$2 == 1 { for (i = 1; i < NF; i++) v[$i] = $(i + 1); print 1, v["seq"], v["expected"] }' $DBG/cpus)" ] ||
	fail "dump-cpus records differ from debugfs"
note "dump-tasks and dump-cpus match debugfs"

out=$(ynl --do set-period --json '{"period-ns": 200000000}') || fail "set-period: $out"
[ "$(echo "$out" | jq '.["period-ns"]')" = 200000000 ] && [ "$(sysv period_ns)" = 200000000 ] ||
	fail "set-period: $out, period_ns $(sysv period_ns)"
out=$(ynl --do get-period) || fail "get-period: $out"
[ "$(echo "$out" | jq '.["period-ns"]')" = 200000000 ] || fail "get-period: $out"

# Each command takes only its own attributes (YNL sends any of the set).
for req in "--dump dump-tasks --json {\"cpu\":1}" "--dump list-tasks --json {\"pid\":$a}" \
	"--dump dump-cpus --json {\"pid\":$a}" "--do get-status --json {\"pid\":$a}" \
	"--do watch --json {\"period-ns\":200000000}" "--do set-period --json {\"pid\":$a}"; do
	# shellcheck disable=SC2086 # the request's words
	if out=$(ynl $req 2>&1); then
		fail "ynl $req accepted: $out"
	fi
	echo "$out" | grep -q "Invalid argument" && echo "$out" | grep -qi "attribute" ||
		fail "ynl $req: $out, not EINVAL with a message naming the attribute"
	note "ynl $req: $(echo "$out" | tr '\n' ' ')"
done
[ "$(sysv period_ns)" = 200000000 ] || fail "a refused request changed the period"

# The events group, as YNL subscribes to it: what arrives decodes from
# the spec (the event op's attributes, the record's struct, the kind's
# enum).
echo 1 >$PAR/thread_threshold_ns
out=$(ynl --subscribe events --sleep 2) || fail "subscribe events: $out"
echo off >$PAR/thread_threshold_ns
echo "$out" | jq -e 'length > 0 and all(.[]; .name == "event" and .msg["event-kind"] == "thread-latency" and
	.msg["threshold-ns"] == 1 and .msg["cpu-record"]["latency-ns"] > 1 and
	.msg["cpu-record"].cpu == .msg.cpu and (.msg["cause-comm"] | type) == "string")' >/dev/null ||
	fail "subscribe events: $(echo "$out" | head -c 600)"
note "ynl --subscribe events: $(echo "$out" | jq length) events in 2 s, e.g. $(echo "$out" | jq -c '.[0].msg | del(.["cpu-record"])')"
# get-status's latest events decode the same way (event-latest nests).
out=$(ynl --do get-status) || fail "get-status: $out"
echo "$out" | jq -e '(.["event-latest"] | length) >= 1 and all(.["event-latest"][];
	.["event-kind"] == "thread-latency" and .["cpu-record"]["latency-ns"] > 1)' >/dev/null ||
	fail "get-status event-latest: $(echo "$out" | jq -c '.["event-latest"]' | head -c 600)"
note "get-status: $(echo "$out" | jq '.["event-latest"] | length') latest events, the newest numbered $(echo "$out" | jq '.["event-latest"][-1]["event-seq"]')"

out=$(ynl --do unwatch --json "{\"pid\": $a}") || fail "unwatch: $out"
[ -z "$(watched_pids)" ] || fail "still watched: $(watched_pids)"
ynl_session_end
kill $a
unload
