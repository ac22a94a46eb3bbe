# bash completion for tmonctl(1)                           -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0
#
# Installed as /usr/share/bash-completion/completions/tmonctl. Uses the
# bash-completion helpers (_filedir, _pids) when they are loaded and works
# without them.

# Running processes' ids starting with $cur, minus those already given.
_tmonctl_running_pids()
{
	local p
	if declare -F _pids >/dev/null && type -P ps >/dev/null; then
		_pids
	else
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			[[ $p == "$cur"* ]] && COMPREPLY+=("$p")
		done
	fi
}

# Watched processes, from the first column of `tmonctl list`.
_tmonctl_watched_pids()
{
	local tm=${COMP_WORDS[0]/#\~/$HOME}
	local IFS=$'\n'
	# shellcheck disable=SC2207
	COMPREPLY=($(command "$tm" list 2>/dev/null |
		awk -v cur="$cur" '$1 ~ /^[0-9]+$/ && index($1, cur) == 1 { print $1 }'))
}

# The CPUs' numbers starting with $cur, as sysfs lists them.
_tmonctl_cpus()
{
	local c
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		[[ -e $c ]] || continue
		c=${c##*/cpu}
		[[ $c == "$cur"* ]] && COMPREPLY+=("$c")
	done
}

_tmonctl_files()
{
	if declare -F _filedir >/dev/null; then
		_filedir
	else
		# The word as typed: undo a leading quote or backslash escapes.
		local IFS=$'\n' word=$cur
		case $word in
		[\'\"]*) word=${word:1} ;;
		*)
			word=${word//\\\\/$'\1'}
			word=${word//\\/}
			word=${word//$'\1'/\\}
			;;
		esac
		compopt -o filenames 2>/dev/null
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -f -- "$word"))
	fi
}

# Drop from COMPREPLY the words already on the line after the command.
_tmonctl_unused()
{
	local -a keep=()
	local w i used
	for w in "${COMPREPLY[@]}"; do
		used=
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == "$w" ]] && used=1 && break
		done
		[[ $used ]] || keep+=("$w")
	done
	COMPREPLY=("${keep[@]}")
}

# The options of command $1 as `tmonctl help $1` lists them (tmonctl's
# one table of options), a line each: "SHORT LONG VALUE", "-" for none;
# e.g. "-o --output FILE", "- --format csv|json", "-j --json -".
_tmonctl_options()
{
	local tm=${COMP_WORDS[0]/#\~/$HOME}
	command "$tm" help "$1" 2>/dev/null | awk '
		/^Options:/ { on = 1; next }
		on && /^$/ { exit }
		on && /^ +-/ {
			line = $0; sub(/^ +/, "", line); s = "-"; v = "-"
			if (line ~ /^-[^-],/) { s = substr(line, 1, 2); line = substr(line, 5) }
			split(line, w, " ")
			# A value is one space after the long name, the help two or more.
			if (line ~ /^--[^ ]+ [^ ]/) v = w[2]
			print s, w[1], v
		}'
}

_tmonctl()
{
	local tm=${COMP_WORDS[0]/#\~/$HOME} cmds
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd='' nargs=0 ci=1 c w i s l v used line
	local -a optlines=() offer=()
	COMPREPLY=()
	# The commands, as tmonctl's own help lists them.
	cmds="$(command "$tm" --help 2>/dev/null |
		awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }') help"

	# "--format=js": readline splits at '=' unless COMP_WORDBREAKS lacks it.
	if [[ $cur == = && $prev == --* ]]; then
		cur=
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi

	# Global options come before the command (tmonctl -j status).
	while ((ci < COMP_CWORD)) && [[ ${COMP_WORDS[ci]} == -* ]]; do
		((ci++))
	done
	if ((COMP_CWORD == ci)); then
		if [[ $cur == -* ]]; then
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W '--json --pretty --help --version' -- "$cur"))
		else
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi

	# tmonctl takes a unique prefix of a command; an exact name wins.
	for c in $cmds; do
		if [[ $c == "${COMP_WORDS[ci]}" ]]; then
			cmd=$c
			break
		elif [[ -n ${COMP_WORDS[ci]} && $c == "${COMP_WORDS[ci]}"* ]]; then
			[[ $cmd ]] && return	# ambiguous
			cmd=$c
		fi
	done
	[[ $cmd ]] || return
	if [[ $cmd == help ]]; then
		((COMP_CWORD == ci + 1)) &&
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W "${cmds% help}" -- "$cur"))
		return
	fi
	mapfile -t optlines < <(_tmonctl_options "$cmd")

	# The value of an option: a file, a command, one of a list, or typed
	# by the user.
	for line in "${optlines[@]}"; do
		read -r s l v <<<"$line"
		[[ $v != - && ($prev == "$s" || $prev == "$l") ]] || continue
		case $v in
		FILE) _tmonctl_files ;;
		CMD)
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -c -- "$cur"))
			;;
		*'|'*)
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W "${v//|/ }" -- "$cur"))
			;;
		CPU) _tmonctl_cpus ;;
		LATENCY)
			# thresholds': a time, or off
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W off -- "$cur"))
			;;
		*)
			# limits' budgets: a value, or off to remove one.
			[[ $cmd == limits && $l == --max-* ]] &&
				# shellcheck disable=SC2207
				COMPREPLY=($(compgen -W off -- "$cur"))
			;;
		esac
		return
	done

	if [[ $cur == -* ]]; then
		# Long names, of the options not given yet under either name.
		for line in "${optlines[@]}"; do
			read -r s l v <<<"$line"
			used=
			for ((i = ci + 1; i < COMP_CWORD; i++)); do
				w=${COMP_WORDS[i]%%=*}
				[[ $w == "$s" || $w == "$l" ]] && used=1 && break
			done
			[[ $used ]] || offer+=("$l")
		done
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -W "${offer[*]}" -- "$cur"))
		return
	fi

	case $cmd in
	watch)
		_tmonctl_running_pids
		_tmonctl_unused
		;;
	unwatch)
		_tmonctl_watched_pids
		_tmonctl_unused
		;;
	save | restore)
		((COMP_CWORD == ci + 1)) && _tmonctl_files
		;;
	show | limits)
		# One pid: count the arguments that are not options or their values.
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [[ $w == -* ]]; then
				for line in "${optlines[@]}"; do
					read -r s l v <<<"$line"
					[[ $v != - && ($w == "$s" || $w == "$l") ]] && { i=$((i + 1)); break; }
				done
			else
				((nargs++))
			fi
		done
		if ((nargs == 0)); then
			# (limits: only a watched process has budgets)
			if [[ $cmd == limits ]]; then _tmonctl_watched_pids; else _tmonctl_running_pids; fi
		fi
		;;
	esac
	return 0
} &&
	complete -F _tmonctl tmonctl
