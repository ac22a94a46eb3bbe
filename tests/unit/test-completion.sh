#!/bin/bash
# The bash completion of tmonctl, sourced into this shell: once alone,
# without the bash-completion helpers, and once after bash-completion's
# own bash_completion when that is installed. Each check fills COMP_WORDS
# as readline would and compares COMPREPLY. Prints PASS/FAIL/SKIP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
C=${1:-$here/../../tools/tmonctl/tmonctl.bash}
# The commands and options come from the real tmonctl's help (its table).
TM=${2:-$here/../../tools/tmonctl/tmonctl}
BC=/usr/share/bash-completion/bash_completion
[ -r "$C" ] || { echo "FAIL unit/completion  (no such file: $C)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A stand-in tmonctl for `unwatch`, whose candidates come from `tmonctl list`.
mkdir "$tmp/bin" "$tmp/files" "$tmp/real"
ln -s "$(cd "$(dirname "$TM")" && pwd)/$(basename "$TM")" "$tmp/real/tmonctl"
PATH=$tmp/real:$PATH
cat >"$tmp/bin/tmonctl" <<SH
#!/bin/sh
case \$1 in help | --help) exec "$tmp/real/tmonctl" "\$@" ;; esac
SH
cat >>"$tmp/bin/tmonctl" <<'SH'
[ "$1" = list ] || exit 2
cat <<'OUT'
    PID COMM             STATE   RECORDS  CPU    USER(s)     SYS(s)     RSS    VIRT
   4242 sleep            running      12    1      0.001      0.002    812K   5.4M
    417 a b              exited        3    0      0.000      0.000      0B      0B
OUT
SH
mkdir "$tmp/nomod"
printf '#!/bin/sh\ncase $1 in help | --help) exec %s "$@" ;; esac\necho "tmonctl: tmon is not loaded: run '"'"'modprobe tmon'"'"'" >&2\nexit 3\n' \
	"$tmp/real/tmonctl" >"$tmp/nomod/tmonctl"
chmod +x "$tmp/bin/tmonctl" "$tmp/nomod/tmonctl"
touch "$tmp/files/run one.csv" "$tmp/files/run2.csv" "$tmp/files/state"
# The CPUs thresholds -c offers: sysfs's.
cpus=$(for c in /sys/devices/system/cpu/cpu[0-9]*; do [ -e "$c" ] && echo "${c##*/cpu}"; done | tr '\n' '|')

# comp WORD... : complete the last word, as if the cursor were after it.
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_tmonctl tmonctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$tmp/err"
	if [ -s "$tmp/err" ]; then
		COMPREPLY+=("STDERR:$(head -n 1 "$tmp/err")")
	fi
}

sorted() { [ $# -gt 0 ] && printf '%s\n' "$@" | sort | tr '\n' '|'; }

# is NAME "WANTED|WORDS" WORD... : COMPREPLY is exactly that set.
is() {
	local name=$1 want got IFS='|'
	# shellcheck disable=SC2086
	want=$(sorted $2)
	IFS=$' \t\n'
	shift 2
	comp "$@"
	got=$(sorted "${COMPREPLY[@]}")
	if [ "$got" = "$want" ]; then
		echo "PASS unit/completion/$mode/$name"
	else
		echo "FAIL unit/completion/$mode/$name  ('$*': got '$got', wanted '$want')"
	fi
}

# has NAME WANTED WORD... : COMPREPLY contains WANTED, and no error.
has() {
	local name=$1 want=$2 w found=
	shift 2
	comp "$@"
	for w in "${COMPREPLY[@]}"; do
		[ "$w" = "$want" ] && found=1
		[[ $w == STDERR:* ]] && found= && break
	done
	if [ "$found" ]; then
		echo "PASS unit/completion/$mode/$name"
	else
		echo "FAIL unit/completion/$mode/$name  ('$*': '$want' not in '${COMPREPLY[*]:0:20}')"
	fi
}

checks() {
	# The commands tmonctl itself lists: completion must offer each of them.
	local cmds
	cmds=$("$TM" --help |
		awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { printf "%s%s", n++ ? " " : "", $1 }')
	[ -n "$cmds" ] || echo "FAIL unit/completion/$mode/commands  (no commands from tmonctl --help)"
	local pfx=$$
	[ ${#pfx} -gt 1 ] && pfx=${pfx%?}

	if complete -p tmonctl 2>/dev/null | grep -q -- '-F _tmonctl tmonctl$'; then
		echo "PASS unit/completion/$mode/registered"
	else
		echo "FAIL unit/completion/$mode/registered  ($(complete -p tmonctl 2>&1))"
	fi
	is commands "${cmds// /|}|help" tmonctl ""
	is command-prefix status tmonctl st
	is command-prefix-r "record|restore" tmonctl re
	is global-options "--json|--pretty|--help|--version" tmonctl -
	is after-global-option "status" tmonctl -j st
	is help-command "record|restore" tmonctl help re
	is status-options "--json|--pretty|--help" tmonctl status -
	is prefix-command-options "--json|--pretty|--help" tmonctl st --
	is global-then-options "--json|--pretty|--help" tmonctl --json status -
	is used-option-not-again "--pretty|--help" tmonctl status --json -
	is used-short-not-long "--pretty|--help" tmonctl status -j -
	is latency-options "--hist|--bucket|--json|--pretty|--help" tmonctl latency -
	is show-options "--count|--wall|--json|--pretty|--help" tmonctl show 1 -
	is top-options "--delay|--iterations|--help" tmonctl top -
	is record-options "--output|--format|--duration|--wall|--help" tmonctl record -
	is export-options "--prometheus|--output|--help" tmonctl export -
	is events-options "--json|--exec|--duration|--count|--help" tmonctl events -
	is events-prefix-options "--json|--exec|--duration|--count|--help" tmonctl ev --
	is events-used-not-again "--exec|--duration|--help" tmonctl events -j --count 5 -
	has events-exec-command "sh" tmonctl events --exec s
	is events-count-value "" tmonctl events --count ""
	is export-output-file "$tmp/files/run2.csv" tmonctl export --prometheus -o "$tmp/files/run2"
	is record-format "csv|json" tmonctl record --format ""
	is record-format-j "json" tmonctl record -d 5 --format j
	is record-format-equals "csv|json" tmonctl record --format =
	is record-format-equals-c "csv" tmonctl record --format = c
	is record-d-value "" tmonctl record -d ""
	is record-o-file "$tmp/files/run2.csv" tmonctl record -o "$tmp/files/run2"
	is record-output-file "$tmp/files/run2.csv" tmonctl record --output "$tmp/files/run2"
	# The word as typed, space escaped. (bash-completion's _filedir leaves
	# the unescaping to compgen, which does it only under readline.)
	[ "$mode" = plain ] &&
		is record-o-file-escaped "$tmp/files/run one.csv" tmonctl record -o "$tmp/files/run\\ "
	is save-file "$tmp/files/state" tmonctl save "$tmp/files/st"
	is restore-file "$tmp/files/run one.csv|$tmp/files/run2.csv" tmonctl restore "$tmp/files/ru"
	is restore-one-file "" tmonctl restore a ""
	has watch-pid "$$" tmonctl watch "$pfx"
	has watch-second-pid "$$" tmonctl watch 1 "$pfx"
	has show-pid "$$" tmonctl show "$pfx"
	is show-second-pid "" tmonctl show 1 -n 5 "$pfx"
	has show-pid-after-count "$$" tmonctl show --count 5 "$pfx"
	is watch-options "--max-cpu|--max-rss|--max-majflt|--help" tmonctl watch 1 -
	is watch-budget-value "" tmonctl watch 1 --max-cpu ""
	has watch-pid-after-budget "$$" tmonctl watch --max-rss 1G "$pfx"
	is limits-options "--max-cpu|--max-rss|--max-majflt|--json|--pretty|--help" tmonctl limits 1 -
	is limits-used-not-again "--max-rss|--max-majflt|--pretty|--help" tmonctl limits 1 -j --max-cpu off -
	is limits-off "off" tmonctl limits 1 --max-rss ""
	is limits-off-prefix "off" tmonctl limits 1 --max-majflt o
	is limits-off-equals "off" tmonctl limits 1 --max-cpu = ""
	is limits-second-pid "" tmonctl limits 1 --max-cpu 50 ""
	PATH=$tmp/bin:$PATH is limits-watched "417|4242" tmonctl limits ""
	PATH=$tmp/bin:$PATH is limits-watched-after-option "4242" tmonctl limits --max-rss 1G 42
	is period-nothing "" tmonctl period ""
	is thresholds-options "--cpu|--thread|--irq|--json|--pretty|--help" tmonctl thresholds -
	is thresholds-used-not-again "--irq|--json|--pretty|--help" tmonctl thresholds -c 0 --thread off -
	is thresholds-off "off" tmonctl thresholds --thread ""
	is thresholds-off-prefix "off" tmonctl thresholds -c 1 --irq o
	is thresholds-off-equals "off" tmonctl thresholds --irq = ""
	is thresholds-latency-typed "" tmonctl thresholds --thread 2
	is thresholds-cpu "$cpus" tmonctl thresholds --irq off -c ""
	is thresholds-cpu-equals "$cpus" tmonctl thresholds --cpu = ""
	is thresholds-no-operand "" tmonctl thresholds --thread 5ms ""
	is ambiguous-nothing "" tmonctl s --
	PATH=$tmp/bin:$PATH is unwatch-watched "417|4242" tmonctl unwatch ""
	PATH=$tmp/bin:$PATH is unwatch-prefix "4242" tmonctl unwatch 42
	PATH=$tmp/bin:$PATH is unwatch-not-twice "4242" tmonctl unwatch 417 ""
	PATH=$tmp/nomod:$PATH is unwatch-no-module "" tmonctl unwatch ""
}

# Alone, as a bash without bash-completion sees it (and with set -u).
(
	unset -f _pids _pnames _filedir _init_completion 2>/dev/null
	mode=plain
	# shellcheck disable=SC1090
	. "$C"
	checks
)

if [ -r "$BC" ]; then
	(
		set +u
		mode=bash-completion
		# shellcheck disable=SC1090
		. "$BC"
		# shellcheck disable=SC1090
		. "$C"
		if declare -F _pids >/dev/null && declare -F _filedir >/dev/null; then
			echo "PASS unit/completion/$mode/helpers-loaded"
		else
			echo "FAIL unit/completion/$mode/helpers-loaded  (no _pids or _filedir after $BC)"
		fi
		checks
	)
else
	echo "SKIP unit/completion/bash-completion  (no $BC)"
fi
