# Process names are data: a name holding a newline and a state line does
# not inject into tmonctl's state file; names with escape sequences and
# bytes that are not UTF-8 reach no terminal raw, and the JSON views stay
# valid UTF-8 (checked on the host with a strict parser: TMON-FILE).
. /tests/lib.sh

load log_sec=0 log_nsec=50000000
inject=$(printf 'x\nmax_tasks 1')
tmon-helper named "$inject" & a=$!
tmon-helper named "$(printf '\033[2J\377\303(ok')" & b=$!
wait_for 5 sh -c "[ -n \"\$(cat /proc/$b/comm)\" ] && grep -q max_tasks /proc/$a/comm" 2>/dev/null ||
	fail "the named processes did not start"
watch $a
watch $b
wait_for 10 has_samples $a 2 && wait_for 10 has_samples $b 2 || fail "no samples"

# save and restore: the name is one escaped token, and restore checks it.
write_param max_tasks 77 || fail "max_tasks=77"
tmonctl save /tmp/state >/dev/null || fail "save failed"
note "state file: $(tr '\n' '|' </tmp/state)"
! grep -q '^max_tasks 1$' /tmp/state || fail "the name injected a line into the state file"
[ "$(grep -c '^watch ' /tmp/state)" = 2 ] || fail "state file: $(cat /tmp/state)"
grep -q "^watch $a x\\\\x0amax_tasks\\\\x201$" /tmp/state || fail "the name is not escaped: $(grep "^watch $a " /tmp/state)"
twrite -$a >/dev/null
out=$(tmonctl restore /tmp/state 2>&1) || fail "restore failed: $out"
[ "$(cat $PAR/max_tasks)" = 77 ] || fail "restore set max_tasks to $(cat $PAR/max_tasks)"
watched_pids | grep -q "\b$a\b" || fail "restore did not watch $a again (its name matches): $out"

# The terminal views: no ESC byte, no byte outside printable ASCII.
esc=$(printf '\033')
for v in "list" "show $b" "show $a"; do
	tmonctl $v >/tmp/view 2>&1 || fail "tmonctl $v: $(cat /tmp/view)"
	! grep -q "$esc" /tmp/view || fail "tmonctl $v writes a raw ESC"
	! tr -d '\n' </tmp/view | grep -q '[^ -~]' || fail "tmonctl $v writes bytes outside printable ASCII"
done
tmonctl top -d 0.2 -n 3 >/tmp/top.out 2>&1 || fail "tmonctl top -n 3: $(tail -n 3 /tmp/top.out)"
! grep -q "$esc\\[2J" /tmp/top.out || fail "tmonctl top passes the name's escape sequence through"
tmonctl show $b | grep -q '\\x1b\[2J\\xff\\xc3(ok' || fail "show $b: $(tmonctl show $b | head -n 1)"
note "views: $(tmonctl list | grep -E "^ *($a|$b) " | tr -s ' ' | tr '\n' '|')"

# JSON for the host's strict UTF-8 check.
tmonctl list --json >/tmp/list.json || fail "list --json"
tmonctl show $b -n 2 --json >/tmp/show.json || fail "show --json"
tmonctl record -d 1 --format json -o /tmp/rec.json 2>/dev/null || fail "record --format json"
for f in list show rec; do
	echo "TMON-FILE names-$f.json"
	cat /tmp/$f.json
	echo "TMON-FILE-END"
done
kill $a $b
unload
note "ok"
