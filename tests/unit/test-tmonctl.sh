#!/bin/bash
# tmonctl on the host, where the tmon module is not loaded: every bad
# argument of every command is refused with one 'tmonctl:' line and exit
# 2 before tmonctl looks for the module; good arguments reach the module
# check and exit 3. Prints PASS/FAIL lines.
set -u
T=${1:?usage: test-tmonctl.sh path/to/tmonctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME WANT_RC [WANT_OUTPUT_REGEX] -- ARGS...
	local name=$1 want=$2 pat=$3 rc out err
	shift 4
	out=$("$T" "$@" 2>"$tmp/err" </dev/null); rc=$?
	err=$(cat "$tmp/err")
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL unit/tmonctl/$name  (exit $rc, wanted $want: $err)"; return
	fi
	if [ "$want" -ne 0 ] && { [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ $err != tmonctl:* ]] || [ -n "$out" ]; }; then
		echo "FAIL unit/tmonctl/$name  (error is not one 'tmonctl:' line on stderr alone: $out$err)"; return
	fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$out$err"; then
		echo "FAIL unit/tmonctl/$name  (output does not match '$pat': $out$err)"; return
	fi
	echo "PASS unit/tmonctl/$name"
}

# In JSON mode an error is {"error": "..."} alone on stdout, nothing on
# stderr.
jcheck() {	# jcheck NAME WANT_RC ERROR_REGEX ARGS...
	local name=$1 want=$2 pat=$3 rc out err
	shift 3
	out=$("$T" "$@" 2>"$tmp/err" </dev/null); rc=$?
	err=$(cat "$tmp/err")
	if [ "$rc" -ne "$want" ] || [ -n "$err" ]; then
		echo "FAIL unit/tmonctl/$name  (exit $rc, wanted $want; stderr: $err)"
	elif ! printf '%s\n' "$out" | python3 -c 'import json, re, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1, lines
doc = json.loads(lines[0])
assert list(doc) == ["error"] and re.search(sys.argv[1], doc["error"]), doc' "$pat" 2>/dev/null; then
		echo "FAIL unit/tmonctl/$name  (not one {\"error\": /$pat/} line on stdout: $out)"
	else
		echo "PASS unit/tmonctl/$name"
	fi
}

if [ -d /sys/module/tmon ]; then
	echo "SKIP unit/tmonctl  (the tmon module is loaded on this host)"
	exit 0
fi

check help 0 '^Usage: tmonctl' -- --help
check help-width 0 '' -- --help
if "$T" --help | awk 'length($0) > 79 { bad = 1 } END { exit !bad }'; then
	echo "FAIL unit/tmonctl/help-80-columns  ($("$T" --help | awk 'length($0) > 79' | head -n 1))"
else
	echo "PASS unit/tmonctl/help-80-columns"
fi
check version 0 '^tmonctl [0-9.]+ \(abi [0-9]+\)$' -- --version

# Each command's help: `help CMD`, `CMD --help` and `CMD -h` print the
# same text, the command's synopsis first, within 80 columns, exit 0.
cmds=$("$T" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
if [ "$(echo "$cmds" | wc -w)" -ge 13 ]; then
	echo "PASS unit/tmonctl/help-lists-commands"
else
	echo "FAIL unit/tmonctl/help-lists-commands  (only: $(echo $cmds))"
fi
for c in $cmds; do
	check "help-$c" 0 "^Usage: tmonctl $c( |\$)" -- help "$c"
	a=$("$T" help "$c" 2>&1) b=$("$T" "$c" --help 2>&1) d=$("$T" "$c" -h 2>&1)
	if [ "$a" = "$b" ] && [ "$a" = "$d" ] && grep -q -- '^  -h, --help ' <<<"$a"; then
		echo "PASS unit/tmonctl/help-$c-same"
	else
		echo "FAIL unit/tmonctl/help-$c-same  (help $c, $c --help and $c -h differ)"
	fi
	if awk 'length($0) > 79 { bad = 1 } END { exit !bad }' <<<"$a"; then
		echo "FAIL unit/tmonctl/help-$c-80-columns  ($(awk 'length($0) > 79' <<<"$a" | head -n 1))"
	fi
done
check help-prefix 0 '^Usage: tmonctl record ' -- help rec
check help-later 0 '^Usage: tmonctl show ' -- show 1 --help
check help-unknown 2 "unknown command 'frob'" -- help frob
check help-two 2 "unexpected argument 'x'" -- help status x
# -- ends the options: what follows is an operand even if it starts with -.
check dashdash-watch 2 "'-1' is not a process id" -- watch -- -1
check dashdash-watch-help 2 "'--help' is not a process id" -- watch 1 -- --help
check dashdash-show 2 "'-5' is not a process id" -- show -- -5
check dashdash-period 2 "'-1' is not a period" -- period -- -1
# -j/--json before the command, as the command's own -j after it.
jcheck global-json 3 "run 'modprobe tmon'" -j status
jcheck global-json-long 3 "run 'modprobe tmon'" --json latency --hist
jcheck short-json 3 "run 'modprobe tmon'" list -j
jcheck global-pretty 3 "run 'modprobe tmon'" -p status
jcheck pretty-after 3 "run 'modprobe tmon'" list --pretty
jcheck pretty-error-one-line 2 "^show: -n 'x' is not a count" show 1 -p -n x
jcheck export-no-pretty 2 "unknown option '-p'" export --prometheus -p
jcheck json-usage 2 "^status: unknown option '--frob'" status --frob --json
jcheck json-usage-global 2 "^unknown command 'frob'" -j frob
jcheck json-bad-value 2 "^show: -n '0' is not a count" -j show 1 -n 0
jcheck json-quote 2 "^unknown command 'a\"b'" -j 'a"b'
check json-after-dashdash 2 "'--json' is not a process id" -- watch -- --json
check global-unknown 2 "unknown option '--frob'" -- --frob status
jcheck global-then-nothing 2 'no command' -j
check no-args 2 'no command' --
check unknown-command 2 "unknown command 'frobnicate'" -- frobnicate
check empty-command 2 "unknown command ''" -- ""
check ambiguous-prefix 2 "'s' is ambiguous" -- s
check ambiguous-prefix-e 2 "'e' is ambiguous: events or export" -- e
check ambiguous-prefix-t 2 "'t' is ambiguous: thresholds or top" -- t

# Without the module, good arguments end at the module check.
for args in status "status --json" st list "list --json" "show 1" "show 1 -n 5 --json" \
	period "period 0.25" latency "latency --hist" "latency --hist -b 10 --json" \
	"top -n 1" "top -d 0.5 -n 2" "record -d 1" "record --format json -d 0.5" \
	"watch 1" "watch 1 2 3" "unwatch 1" "save $tmp/state" \
	"period 250ms" "period 1.5m" "top -d 500ms -n 1" "record -d 1m" "record --duration=100us" \
	"record -w -d 1" "show 1 -w" "show 1 --wall -n 2 --json" \
	events "events --json --count 10 -d 5" "ev -d 250ms" "events --count=1000000 --exec true" \
	"events --duration 1h --exec exit" \
	"watch 1 --max-cpu 50%" "watch --max-cpu=12.5 --max-rss 200M --max-majflt 100/s 1 2" \
	"watch 1 --max-cpu 100000% --max-rss 1GiB --max-majflt 1000000" "limits 1" \
	"limits 1 --max-cpu off --max-rss 4096 --max-majflt off" "limits --max-cpu 0.5 1" \
	"limits 1 --json" "limits 1 --max-rss 16777215T --json" \
	thresholds "thresholds --json" "th -c 0" "thresholds --cpu=4294967295 --json" \
	"thresholds --thread 200us" "thresholds --irq 5ms" "thresholds --thread 0.0002 --irq 0" \
	"thresholds -c 3 --thread off --irq off" "thresholds --thread=1h --irq 3600 --json" \
	"thresholds --thread 1ns --thread off" "thresholds --irq 0.15us -c 1"; do
	# shellcheck disable=SC2086
	case " $args " in
	*" --json "*) jcheck "no-module-'$args'" 3 "run 'modprobe tmon'" $args ;;
	*) check "no-module-'$args'" 3 "run 'modprobe tmon'" -- $args ;;
	esac
done

# export without the module says so in its metrics, on stdout or in the
# -o file (written whole), then exits 3 with the one line on stderr.
gone='# HELP tmon_module_loaded 1 if the tmon module was loaded at the export, 0 if not.
# TYPE tmon_module_loaded gauge
tmon_module_loaded 0'
out=$("$T" export --prometheus 2>"$tmp/err"); rc=$?
if [ $rc = 3 ] && [ "$out" = "$gone" ] && grep -qx "tmonctl: the tmon module is not loaded: run 'modprobe tmon'" "$tmp/err"; then
	echo "PASS unit/tmonctl/export-no-module"
else
	echo "FAIL unit/tmonctl/export-no-module  (exit $rc: $out / $(cat "$tmp/err"))"
fi
mkdir "$tmp/prom"
"$T" export --output="$tmp/prom/tmon.prom" --prometheus 2>/dev/null; rc=$?
if [ $rc = 3 ] && [ "$(cat "$tmp/prom/tmon.prom")" = "$gone" ] && [ "$(ls -A "$tmp/prom")" = tmon.prom ]; then
	echo "PASS unit/tmonctl/export-o-no-module"
else
	echo "FAIL unit/tmonctl/export-o-no-module  (exit $rc: $(ls -A "$tmp/prom"): $(cat "$tmp/prom/tmon.prom" 2>&1))"
fi
rm -r "$tmp/prom"

# doctor without the module (this host's kernel has none): each finding
# one "problem: fix" line on stdout, exit 1; in JSON not healthy, with
# the same findings. What it finds depends on the host; t-99 checks the
# causes themselves in the VM.
if [ ! -e /sys/module/tmon ]; then
	out=$("$T" doctor 2>"$tmp/err"); rc=$?
	if [ $rc = 1 ] && [ -n "$out" ] && ! grep -qv '^[^:]*: [^ ].*: [^ ]' <<<"$out" && [ ! -s "$tmp/err" ]; then
		echo "PASS unit/tmonctl/doctor-no-module  ($(head -n 1 <<<"$out"))"
	else
		echo "FAIL unit/tmonctl/doctor-no-module  (exit $rc: $out / $(cat "$tmp/err"))"
	fi
	j=$("$T" doctor --json 2>/dev/null); rc=$?
	if [ $rc = 1 ] && python3 -c 'import json, sys
d = json.loads(sys.argv[1])
assert d["healthy"] is False and len(d["findings"]) == int(sys.argv[2])
assert all(set(f) == {"problem", "fix"} for f in d["findings"])' "$j" "$(wc -l <<<"$out")"; then
		echo "PASS unit/tmonctl/doctor-no-module-json"
	else
		echo "FAIL unit/tmonctl/doctor-no-module-json  (exit $rc: $j)"
	fi
else
	echo "SKIP unit/tmonctl/doctor-no-module  (the tmon module is loaded on this host)"
fi

# Every bad argument: exit 2, one line, nothing done.
bad() {	# bad NAME REGEX ARGS...
	local name=$1 pat=$2
	shift 2
	check "bad-$name" 2 "$pat" -- "$@"
}
bad status-arg "unexpected argument 'x'" status x
bad status-option "unknown option '--frob'" status --frob
bad status-short-option "unknown option" status -x
bad list-arg "unexpected argument" list 1
bad watch-nothing "no PID given" watch
bad unwatch-nothing "no PID given" unwatch
for pid in 0 -1 abc 1x "" " 1" 4194305 99999999999999999999 0x10 1.5 +1; do
	bad "watch-pid-'$pid'" "is not a process id" watch "$pid"
	bad "unwatch-pid-'$pid'" "is not a process id" unwatch "$pid"
	# show takes options: "-1" reads as one.
	bad "show-pid-'$pid'" "is not a process id|unknown option '-1'" show "$pid"
done
bad watch-later-pid "'x' is not a process id" watch 1 2 x
bad watch-option "unknown option '--all'" watch --all
# Budgets: one line naming the option and the value, before anything is sent.
for v in 0 0.0 -5 x "" 50%% "50 %" 100000.1 100001 1e3 0.00000001 50ms .5 off 0x10; do
	bad "watch-max-cpu-'$v'" "--max-cpu '$v' is not a share of one CPU" watch 1 --max-cpu "$v"
done
for v in 0 0M -1 1.5G 200MB 200k 1P M "" "200 M" 16777216T off; do
	bad "watch-max-rss-'$v'" "--max-rss '$v' is not a size" watch 1 --max-rss "$v"
done
for v in 0 1000001 1.5 100/m /s "" -1 off; do
	bad "watch-max-majflt-'$v'" "--max-majflt '$v' is not a rate" watch 1 --max-majflt "$v"
done
bad watch-max-cpu-missing "option '--max-cpu' needs a value" watch 1 --max-cpu
bad watch-budget-no-pid "no PID given" watch --max-cpu 50
bad watch-budget-bad-pid "'-1' is not a process id" watch --max-cpu 50 -1
bad watch-budget-bad-pid-cluster "'-12' is not a process id" watch --max-rss 1G -12
bad unwatch-budget "unknown option '--max-cpu'" unwatch 1 --max-cpu 50
bad limits-nothing "no PID given" limits
bad limits-only-options "no PID given" limits --max-cpu off
bad limits-two "unexpected argument '2'" limits 1 2
bad limits-pid "'x' is not a process id" limits x
bad limits-negative-pid "'-1' is not a process id" limits -1
bad limits-option "unknown option '--frob'" limits 1 --frob
bad limits-max-cpu-missing "option '--max-cpu' needs a value" limits 1 --max-cpu
bad limits-max-cpu "--max-cpu 'on' is not a share of one CPU .*, off\\)" limits 1 --max-cpu on
bad limits-max-rss "--max-rss '1.5G' is not a size .*, off\\)" limits 1 --max-rss 1.5G
bad limits-max-majflt "--max-majflt 'OFF' is not a rate .*, off\\)" limits 1 --max-majflt OFF
jcheck bad-limits-json 2 "^limits: --max-cpu '-1' is not" limits 1 --json --max-cpu -1
bad ambiguous-li "'li' is ambiguous: list or limits" li
# Thresholds: one line naming the option and the value, before anything is sent.
for v in x -1 -0 3601 3600.000000001 2h 1.5ns "" OFF on "200 us" 200usec 1e3 .5 0x10; do
	bad "thresholds-thread-'$v'" "--thread '$v' is not a latency up to 1h, or off" thresholds --thread "$v"
	bad "thresholds-irq-'$v'" "--irq '$v' is not a latency up to 1h, or off" thresholds -c 0 --irq "$v"
done
for c in x -1 1.5 "" 4294967296 0x1 " 1"; do
	bad "thresholds-cpu-'$c'" "-c '$c' is not a CPU number" thresholds -c "$c" --thread 200us
done
bad thresholds-arg "unexpected argument '200us'" thresholds 200us
bad thresholds-option "unknown option '--frob'" thresholds --frob
bad thresholds-thread-missing "option '--thread' needs a value" thresholds --thread
bad thresholds-cpu-missing "option '-c' needs a value" thresholds -c
jcheck bad-thresholds-json 2 "^thresholds: --irq 'x' is not a latency" thresholds -j --irq x
bad show-nothing "no PID given" show
bad show-two "unexpected argument '2'" show 1 2
for n in 0 -1 x 65537 ""; do
	bad "show-n-'$n'" "-n '$n' is not a count" show 1 -n "$n"
done
bad show-n-missing "option '-n' needs a value" show 1 -n
for p in 0 0.00009 3600.000000001 3601 -1 1e3 .5. abc 1.0000000001 "" . 0x10 " 1" 1,5 \
	99us 2h 1.5ns 1sec 1S ms "1 s" 1d; do
	bad "period-'$p'" "is not a period" period "$p"
done
bad period-two "unexpected argument '2'" period 1 2
bad period-option "unknown option '--set'" period --set
bad latency-arg "unexpected argument" latency 5
bad latency-bucket-alone "-b needs --hist" latency -b 10
for b in 0 x 1000001 -5; do
	bad "latency-bucket-'$b'" "is not a bucket width" latency --hist -b "$b"
done
bad latency-option "unknown option" latency --histogram-of-doom
for d in 0 0.09 x 3601 -1 ""; do
	bad "top-d-'$d'" "-d '$d' is not a delay" top -d "$d"
done
for n in 0 x -1 1000001; do
	bad "top-n-'$n'" "-n '$n' is not a count" top -n "$n"
done
bad top-arg "unexpected argument" top now
for f in xml CSV "" jsonl; do
	bad "record-format-'$f'" "--format '$f' is not csv or json" record --format "$f"
done
for d in 0 x -2 1e3 "" 1.5ns 0ms 1y; do
	bad "record-d-'$d'" "-d '$d' is not a duration" record -d "$d"
done
bad record-o-empty "-o needs a file name" record -o ""
bad record-o-missing "option '-o' needs a value" record -o
bad record-arg "unexpected argument" record now
for n in 0 x -1 1000001 "" 1e3; do
	bad "events-count-'$n'" "--count '$n' is not a count" events --count "$n"
done
for d in 0 x -2 1y ""; do
	bad "events-d-'$d'" "-d '$d' is not a duration" events -d "$d"
done
bad events-exec-empty "--exec needs a command" events --exec ""
bad events-exec-missing "option '--exec' needs a value" events --exec
bad events-arg "unexpected argument 'now'" events now
bad events-option "unknown option '--frob'" events --frob
bad export-no-format "no format given" export
jcheck bad-export-format 2 "unknown option '--json'" export --json
jcheck bad-export-short-json 2 "unknown option '-j'" export -j
bad export-arg "unexpected argument" export --prometheus x
bad export-o-empty "-o needs a file name" export --prometheus -o ""
bad export-o-missing "option '-o' needs a value" export --prometheus -o
bad save-two "unexpected argument" save a b
bad save-empty "empty file name" save ""
bad save-option "unknown option" save --force
bad restore-two "unexpected argument" restore a b

# Nothing was created by the refused commands.
if [ -z "$(ls -A "$tmp" | grep -v '^err$')" ]; then
	echo "PASS unit/tmonctl/bad-args-create-nothing"
else
	echo "FAIL unit/tmonctl/bad-args-create-nothing  ($(ls -A "$tmp"))"
fi

# restore reads and checks the whole file before it looks for the module:
# a file of the version before budgets and one with them reach the check,
# a budget that is not one is an error naming the file's line.
printf 'period_ns 250000000\nwatch 1 init\nwatch 2\n' >"$tmp/state-old"
printf 'watch 1 a=b\\x20cpu=1 cpu=500000000 rss=209715200 majflt=100\nwatch 2 - rss=4096\n' >"$tmp/state-budgets"
printf '# tmon state\nwatch 1 init cpu=50%%\n' >"$tmp/state-bad"
check restore-old-format 3 "run 'modprobe tmon'" -- restore "$tmp/state-old"
check restore-budgets 3 "run 'modprobe tmon'" -- restore "$tmp/state-budgets"
check restore-bad-budget 1 "state-bad:2: 'cpu=50%' is not a budget" -- restore "$tmp/state-bad"
