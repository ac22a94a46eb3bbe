# Generic netlink family tmon: every command, the errors of malformed,
# oversized and missing attributes, unknown commands and unprivileged
# changes (state unchanged), and 8 concurrent clients for 30 s.
. /tests/lib.sh

NL="tmon-helper nl"
expect_nl() {	# expect_nl WANT ARGS...: first word of the reply
	local want=$1 got
	shift
	got=$($NL "$@")
	[ "${got%%:*}" = "$want" ] || fail "nl $*: got '$got', expected $want"
	note "nl $*: $got"
}

load log_sec=0 log_nsec=100000000
wait_for 10 all_cpus_have 2 || fail "no wakeups"
out=$($NL status) || fail "status: $out"
note "$out"
[ "$(echo "$out" | awk '$1 == "period_ns" { print $2 }')" = "$(sysv period_ns)" ] || fail "status period_ns"
[ "$(echo "$out" | awk '$1 == "nr_cpus" { print $2 }')" = "$(sysv nr_cpus)" ] || fail "status nr_cpus"
[ "$(echo "$out" | grep -c '^cpu_status')" -eq "$(nr_possible)" ] ||
	fail "status: $(echo "$out" | grep -c '^cpu_status') cpu_status nests, $(nr_possible) possible CPUs"
tmon_threads | while read -r pid cpu; do
	echo "$out" | grep -q "^cpu_status cpu $cpu thread_pid $pid wakeups [1-9]" || fail "status of cpu $cpu: $(echo "$out" | grep "cpu $cpu ")"
done || exit 1
[ "$($NL getperiod)" = "period_ns 100000000" ] || fail "getperiod: $($NL getperiod)"

# Watch, list, dump, unwatch.
sleep 100000 & a=$!
expect_nl OK watch $a
expect_nl EEXIST watch $a
expect_nl ESRCH watch 4194303
wait_for 10 sh -c "[ \$(awk -v p=$a '\$2 == p' $DBG/tasks | wc -l) -ge 3 ]" || fail "no samples"
$NL list | grep -q "^pid $a state running records [0-9]* seq [0-9]* ts [0-9]* comm sleep$" || fail "list: $($NL list)"
freeze
[ "$($NL dumptasks $a)" = "records $(nsamples_of $a)" ] || fail "dumptasks $a: $($NL dumptasks $a)"
[ "$($NL dumptasks)" = "records $(sysv nr_samples)" ] || fail "dumptasks: $($NL dumptasks)"
[ "$($NL dumpcpus)" = "records $(wc -l <$DBG/cpus)" ] || fail "dumpcpus: $($NL dumpcpus)"
[ "$($NL dumpcpus 1)" = "records $(awk '$2 == 1' $DBG/cpus | wc -l)" ] || fail "dumpcpus 1: $($NL dumpcpus 1)"
expect_nl EINVAL dumpcpus 4096
write_param log_sec 0

# Malformed requests change nothing.
before="$(watched_pids) $(sysv period_ns)"
expect_nl EINVAL raw watch - 0			# WATCH without a pid
expect_nl EINVAL raw watch pid 0		# a pid of 0 bytes
expect_nl EINVAL raw watch pid 2		# ... of 2 bytes
expect_nl EINVAL raw watch pid 64		# ... of 64 bytes
expect_nl ERANGE raw watch pid 4		# pid 0
expect_nl EINVAL raw set-period period-ns 4	# a period as a u32
expect_nl EINVAL raw set-period - 0		# SET_PERIOD without a period
expect_nl EINVAL raw get-status 200 4		# unknown attribute
expect_nl EOPNOTSUPP raw 99 - 0			# unknown command
expect_nl EOPNOTSUPP raw 0 - 0			# command 0
# Each command's policy (netlink/tmon.yaml) refuses the attributes of the
# others, with an extack message, where one policy for all let them pass.
for req in "-d dump-tasks cpu 4" "-d list-tasks pid 4" "-d dump-cpus pid 4" \
	"get-status pid 4" "get-period period-ns 8" "watch period-ns 8" "unwatch cpu 4" \
	"set-period pid 4"; do
	# shellcheck disable=SC2086 # the request's words
	got=$($NL raw $req)
	case $got in
	"EINVAL: "?*) note "nl raw $req: $got" ;;
	*) fail "nl raw $req: got '$got', expected EINVAL with a message" ;;
	esac
done
expect_nl ERANGE setperiod 99999
expect_nl ERANGE setperiod 3600000000001
expect_nl ERANGE setperiod 0
[ "$(watched_pids) $(sysv period_ns)" = "$before" ] || fail "a refused request changed the state"

# Period: both halves at once.
$NL setperiod 250000000 >/dev/null || fail "setperiod 250 ms"
[ "$(sysv period_ns)" = 250000000 ] && [ "$(cat $PAR/log_sec) $(cat $PAR/log_nsec)" = "0 250000000" ] ||
	fail "setperiod did not set log_sec/log_nsec"
$NL setperiod 3600000000000 >/dev/null || fail "setperiod 3600 s"
[ "$(cat $PAR/log_sec) $(cat $PAR/log_nsec)" = "3600 0" ] || fail "3600 s not set"
$NL setperiod 100000000 >/dev/null

# Unprivileged users: read, watch their own processes only.
tmon-helper asuser 1000 sleep 100000 & u=$!
user_procs 1000 sleep $u
$NL -u 1000 status >/dev/null || fail "unprivileged status refused"
expect_nl EPERM -u 1000 setperiod 500000000
[ "$(sysv period_ns)" = 100000000 ] || fail "unprivileged setperiod changed the period"
expect_nl EPERM -u 1000 watch $a
# A watch the caller may not see is not there for it (SPEC, access).
expect_nl ENOENT -u 1000 unwatch $a
expect_nl OK -u 1000 watch $u
expect_nl ENOENT -u 1001 unwatch $u
expect_nl OK -u 1000 unwatch $u
# One it may see but did not make is not its to remove.
expect_nl OK watch $u
expect_nl EPERM -u 1000 unwatch $u
expect_nl OK unwatch $u
expect_nl OK unwatch $a
expect_nl ENOENT unwatch $a

# 8 clients watching, unwatching and listing for 30 s.
pool=""
i=0
while [ $i -lt 10 ]; do sleep 100000 & pool="$pool $!"; i=$((i + 1)); done
pids=""
i=0
while [ $i -lt 8 ]; do $NL stress 30 $pool >/tmp/stress.$i & pids="$pids $!"; i=$((i + 1)); done
for p in $pids; do wait $p || fail "a stress client failed: $(cat /tmp/stress.*)"; done
note "stress: $(cat /tmp/stress.* | awk '{ s += $2 } END { print s }') operations by 8 clients in 30 s"
listed=$($NL list | awk '{ print $2 }' | sort -n | tr '\n' ' ')
[ "$listed" = "$(watched_pids)" ] || fail "netlink list '$listed' != debugfs '$(watched_pids)'"
[ "$($NL list | wc -l)" -eq "$(sysv nr_tasks)" ] || fail "list length != nr_tasks"
kill $a $u $pool
unload
note "ok"
