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

_tmonctl()
{
	local cmds='status watch unwatch list show period latency top record fields export save restore'
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd='' opts='' nargs=0 c w i
	COMPREPLY=()

	# "--format=js": readline splits at '=' unless COMP_WORDBREAKS lacks it.
	if [[ $cur == = && $prev == --* ]]; then
		cur=
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi

	if ((COMP_CWORD == 1)); then
		if [[ $cur == -* ]]; then
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
		else
			# shellcheck disable=SC2207
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi

	# tmonctl takes a unique prefix of a command; an exact name wins.
	for c in $cmds; do
		if [[ $c == "${COMP_WORDS[1]}" ]]; then
			cmd=$c
			break
		elif [[ -n ${COMP_WORDS[1]} && $c == "${COMP_WORDS[1]}"* ]]; then
			[[ $cmd ]] && return	# ambiguous
			cmd=$c
		fi
	done
	[[ $cmd ]] || return

	# The value of an option.
	case $cmd:$prev in
	record:-o | save:* | restore:*)
		if [[ $cmd == record || $COMP_CWORD -eq 2 ]]; then
			_tmonctl_files
		fi
		return
		;;
	record:--format)
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -W 'csv json' -- "$cur"))
		return
		;;
	show:-n | top:-n | top:-d | record:-d | latency:-b)
		return
		;;
	esac

	case $cmd in
	status | list) opts='--json' ;;
	show) opts='-n --json' ;;
	latency) opts='--hist -b --json' ;;
	top) opts='-d -n' ;;
	record) opts='-o --format -d' ;;
	export) opts='--prometheus' ;;
	esac

	if [[ $cur == -* ]]; then
		# shellcheck disable=SC2207
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		_tmonctl_unused
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
	show)
		# One pid: count the arguments that are not options or their values.
		for ((i = 2; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [[ $w == -n ]]; then
				((i++))
			elif [[ $w != -* ]]; then
				((nargs++))
			fi
		done
		((nargs == 0)) && _tmonctl_running_pids
		;;
	esac
	return 0
} &&
	complete -F _tmonctl tmonctl
