# Helpers for the in-VM tests (busybox sh). Sourced by each t-*.sh.
# A test fails by exiting non-zero; its stdout goes into the report.

KO=/tmon.ko
SYS=/sys/kernel/tmon
DBG=/sys/kernel/debug/tmon
PAR=/sys/module/tmon/parameters
# How much slower than a Debian kernel under TCG this kernel runs (the
# debug kernel: 4). Only expectations that depend on the guest keeping up
# with real time scale with it, never counts or error codes.
SLOW=${TMON_SLOW:-1}

fail() {
	echo "FAIL: $*"
	exit 1
}

note() { echo "$*"; }

# emit NAME FILE: hand a file to the host through the report (into the
# boot's files/NAME, checked there with the host's tools).
emit() {
	echo "TMON-FILE $1"
	cat "$2"
	echo "TMON-FILE-END"
}

now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# wait_for TIMEOUT_S COMMAND...: poll until COMMAND succeeds. Polling a
# condition with a deadline is the synchronization; the period only
# bounds how often we look. TIMEOUT_S is for a normal kernel: a slow one
# gets SLOW times it, here, so that no wait forgets to scale.
wait_for() {
	local limit=$(($(now_ms) + $1 * SLOW * 1000))
	shift
	while ! "$@"; do
		[ "$(now_ms)" -lt "$limit" ] || return 1
		sleep 0.05
	done
}

loaded() { grep -q '^tmon ' /proc/modules; }

load() {
	insmod $KO "$@" || fail "insmod $* failed"
	loaded || fail "tmon not in /proc/modules after insmod"
}

unload() {
	rmmod tmon || fail "rmmod tmon failed"
	! loaded || fail "tmon still loaded after rmmod"
}

# paced_cpus_up N: bring present CPUs online until N are (the paced boot
# starts on one, tests/vm-matrix.sh).
paced_cpus_up() {
	local c
	for c in /sys/devices/system/cpu/cpu[0-9]*/online; do
		[ "$(nr_online)" -lt "$1" ] || break
		[ "$(cat "$c")" = 1 ] || echo 1 >"$c" || fail "cannot bring ${c%/online} online"
	done
}

online_cpus() {
	local c
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		[ ! -f "$c/online" ] || [ "$(cat "$c/online")" = 1 ] && echo "${c##*cpu}"
	done
}

nr_online() { online_cpus | wc -l; }
# The possible CPUs (a list of ranges, "0-255" or "0-3,6").
nr_possible() {
	tr , '\n' </sys/devices/system/cpu/possible | awk -F- '{ n += (NF == 2 ? $2 - $1 + 1 : 1) } END { print n }'
}

# Pages of tmon's stream rings (its vmalloc area mapped to user space),
# by the kernel's own account, /proc/vmallocinfo: 0 when there are none.
ring_pages() {
	awk '/\[tmon\]/ && / user/ { for (i = 1; i <= NF; i++) if ($i ~ /^pages=/) s += substr($i, 7) }
		END { print s + 0 }' /proc/vmallocinfo
}

# "PID COMM" for every thread whose comm starts with $1. The shell reads
# the files itself: a process per /proc entry would disturb what runs.
threads_named() {
	local s comm
	for s in /proc/[0-9]*/comm; do
		# The process may be gone by now: not an error.
		{ read -r comm <"$s"; } 2>/dev/null || continue
		case "$comm" in "$1"*) s=${s#/proc/} && echo "${s%/comm} $comm" ;; esac
	done
}

# "PID CPU" for every tmon/N thread.
tmon_threads() { threads_named tmon/ | sed 's| tmon/| |'; }

nr_threads() { tmon_threads | wc -l; }

# Newest seq of CPU $1 in the debugfs history, -1 when it has none.
last_seq() {
	awk -v c="$1" 'BEGIN { s = -1 } $1 == "cpu" && $2 == c { s = $4 } END { print s }' $DBG/cpus
}

# Every online CPU has made at least $1 records (cpu_wakeups).
all_cpus_have() {
	cpu_wakeups | awk -v n="$1" -v on="$(online_cpus | tr '\n' ' ')" '
		$2 >= n { ok[$1] = 1 }
		END { k = split(on, c, " "); for (i = 1; i <= k; i++) if (!(c[i] in ok)) exit 1 }'
}

# write_param NAME VALUE: succeeds only if the kernel accepted it.
write_param() {
	( echo "$2" >"$PAR/$1" ) 2>/dev/null
}

# expect_dmesg PATTERN: the kernel log has a line matching PATTERN.
expect_dmesg() {
	dmesg | grep -q -- "$1" || fail "no kernel log line matching '$1'"
}

# twrite STRING: write STRING to debugfs tasks in one write(2); prints OK
# or the errno name (EINVAL, ESRCH, ...).
twrite() { tmon-helper write $DBG/tasks "$1"; }

# expect_twrite STRING ERRNO: the write fails with ERRNO and the watch
# list is unchanged.
expect_twrite() {
	local before got
	before=$(watched_pids)
	got=$(twrite "$1")
	[ "$got" = "$2" ] || fail "write '$1': got $got, expected $2"
	[ "$(watched_pids)" = "$before" ] || fail "write '$1' changed the watch list"
}

watched_pids() { awk '{ print $2 }' $DBG/watched | sort -n | tr '\n' ' '; }

watch() { [ "$(twrite "$1")" = OK ] || fail "cannot watch $1: $(twrite "$1")"; }
# user_procs UID COMM PID...: wait until each PID has exec'd COMM as UID.
# tmon-helper asuser drops to UID after the fork $! names, then execs:
# until the exec the process is root's, then not dumpable, and a watch
# of it by UID is refused (EPERM, as ptrace_may_access() says).
user_procs() {
	local uid=$1 comm=$2 p
	shift 2
	for p in "$@"; do
		wait_for 10 sh -c "[ \"\$(cat /proc/$p/comm)\" = $comm ] &&
			awk '\$1 == \"Uid:\" && \$2 == $uid { ok = 1 } END { exit !ok }' /proc/$p/status" 2>/dev/null ||
			fail "pid $p did not exec $comm as uid $uid"
	done
}

# Fields of the newest record of PID in the tasks history.
newest() {	# newest PID FIELD
	awk -v p="$1" -v f="$2" '$1 == "pid" && $2 == p { for (i = 3; i < NF; i += 2) if ($i == f) v = $(i + 1) } END { print v }' $DBG/tasks
}

nsamples_of() { awk -v p="$1" '$1 == "pid" && $2 == p { n++ } END { print n + 0 }' $DBG/tasks; }
has_samples() { [ "$(nsamples_of "$1")" -ge "$2" ]; }	# has_samples PID N

sysv() { cat $SYS/$1; }
# listeners SECONDS: tmonctl events -j for SECONDS as root (/tmp/root.ev,
# pid $lr) and as uid 1000 (/tmp/user.ev, $lu), once both are subscribed:
# a moment of every wakeup over threshold 0 shows it to each.
listeners() {
	tmonctl events -j -d "$1" >/tmp/root.ev & lr=$!
	tmon-helper asuser 1000 tmonctl events -j -d "$1" >/tmp/user.ev & lu=$!
	echo 0 >$PAR/thread_threshold_ns
	wait_for 10 sh -c 'grep -q latency /tmp/root.ev && grep -q latency /tmp/user.ev' ||
		fail "the listeners got no event"
	echo off >$PAR/thread_threshold_ns
}
# The kernel's own YNL client, driven by netlink/tmon.yaml alone. Between
# ynl_session and ynl_session_end a test's requests go to one interpreter
# running the client's main() for each (/ynl/ynl-session.py): under TCG a
# python3 and its parse of the spec take 1.5 s a request.
ynl() {
	local l
	set -- --spec /ynl/tmon.yaml --no-schema --output-json "$@"
	if [ -z "${ynl_pid:-}" ]; then
		python3 /ynl/cli.py "$@"
		return
	fi
	jq -cn '$ARGS.positional' --args -- "$@" >&7
	while IFS= read -r l <&8; do
		case $l in "ynl-session-exit "*) return "${l#ynl-session-exit }" ;; esac
		printf '%s\n' "$l"
	done
	echo "the YNL session ended"
	return 1
}
ynl_session() {
	rm -f /tmp/ynl.req /tmp/ynl.rep && mkfifo /tmp/ynl.req /tmp/ynl.rep || fail "mkfifo"
	python3 /ynl/ynl-session.py </tmp/ynl.req >/tmp/ynl.rep 2>&1 &
	ynl_pid=$!
	exec 7>/tmp/ynl.req 8</tmp/ynl.rep
}
# (its end said in words: the test's children hold the request pipe too)
ynl_session_end() {
	echo end >&7
	wait "$ynl_pid"
	exec 7>&- 8<&-
	ynl_pid=
}
# csv_col FILE NAME: the column of NAME in a `tmonctl record` CSV's header.
# csv_col FILE NAME: the column of NAME in a recording (after its # line).
csv_col() { grep -v -m 1 '^#' "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }

# sample_slab_objects: the active objects (chunks of records) of tmon's
# sample cache, as /proc/slabinfo counts them. (On a KASAN kernel freed
# objects wait in its quarantine and still count as active; shrinking the
# cache empties the quarantine of it first.)
sample_slab_objects() {
	echo 1 >/sys/kernel/slab/tmon_sample_chunk/shrink 2>/dev/null
	awk '$1 == "tmon_sample_chunk" { print $2 }' /proc/slabinfo
}
# chunk_records: the records one of those objects holds, from the slab's
# own object size (a record is 128 bytes; the chunk's header is smaller).
chunk_records() { echo $(($(cat /sys/kernel/slab/tmon_sample_chunk/object_size) / 128)); }

# cpu_wakeups: "CPU WAKEUPS" lines, the records each CPU has made (its
# next seq), from netlink status: one message, where reading the whole
# debugfs history took seconds on the debug kernel.
cpu_wakeups() {
	tmon-helper nl status | awk '$1 == "cpu_status" {
		split("", v)
		for (i = 2; i < NF; i += 2) v[$i] = $(i + 1)
		if ("wakeups" in v) print v["cpu"], v["wakeups"]
	}'
}

# cpus_behind FILE N: the CPUs of the cpu_wakeups lines in FILE that have
# not made N more records since.
cpus_behind() {
	cpu_wakeups | awk -v n="$2" -v was="$(tr '\n' ' ' <"$1")" '
		{ now[$1] = $2 }
		END {
			k = split(was, w, " ")
			for (i = 1; i < k; i += 2)
				if (!(w[i] in now) || now[w[i]] < w[i + 1] + n)
					print w[i]
		}'
}
no_cpu_behind() { [ -z "$(cpus_behind "$@")" ]; }

# wait_wakeups N: every online CPU records N more wakeups than now.
wait_wakeups() {
	local c on behind
	on=" $(online_cpus | tr '\n' ' ')"
	cpu_wakeups | while read -r c n; do
		case $on in *" $c "*) echo "$c $n" ;; esac
	done >/tmp/woken.0
	wait_for 10 no_cpu_behind /tmp/woken.0 "$1" && return
	behind=$(cpus_behind /tmp/woken.0 "$1")
	[ -n "$behind" ] || return 0	# (just in time)
	fail "$(for c in $behind; do
		echo "cpu $c stopped waking up: $1 records wanted after $(tr '\n' ' ' </tmp/woken.0), now $(cpu_wakeups | tr '\n' ' '); debugfs holds $(grep -c "^cpu $c " $DBG/cpus) records of it, the last $(last_seq $c); its thread: $(tmon_threads | awk -v c=$c '$2 == c { print $1 }' | while read -r p; do cat /proc/$p/stat /proc/$p/wchan 2>&1; done)"
	done)"
}

# freeze [SECONDS]: stop record production for a minute (or SECONDS,
# times SLOW), so reads can be compared. The wakeups sit on the period's
# grid, at its multiples in CLOCK_MONOTONIC plus less than a tick, so a
# period of SECONDS would bring the next one anywhere within SECONDS:
# freeze takes the shortest whole-second period whose next point is
# SECONDS away (with SLOW seconds of slack for the write), or the
# farthest an hour's period allows. A new period moves every CPU's timer
# at once; a wakeup whose timer fired just before the write still makes
# its record, so "frozen" is also no thread of tmon moving for two old
# periods (at least 100 ms, at most 1 s; SLOW times that on a slow
# kernel, where one read of the history takes seconds).
freeze() {
	local win p sec=$((${1:-60} * SLOW))
	win=$(awk -v p="$(sysv period_ns)" -v s="$SLOW" 'BEGIN { w = 2 * p / 1e9; if (w < 0.1) w = 0.1; if (w > 1) w = 1; printf "%.3f\n", w * s }')
	[ $sec -le 3599 ] || sec=3599
	# (The period is log_sec plus log_nsec, which stays. The write lands
	# within m s of now: the next point after now must be m + s away, or
	# one could come between now and the write.)
	p=$(tmon-helper now | awk -v s=$sec -v m="$SLOW" -v ns="$(cat $PAR/log_nsec)" '{
		for (P = s; P + ns / 1e9 <= 3600; P++) {
			d = (int($1 / (P + ns / 1e9)) + 1) * (P + ns / 1e9) - $1 - m
			if (d >= s) { print P; exit }
			if (d > far) { far = d; best = P }
		}
		print best
	}')
	write_param log_sec "$p" || fail "log_sec=$p refused"
	# (SLOW times 5 s: a late sampler works off its rounds first, which
	# took longer than 5 s in t-78 on the debug kernel of a loaded host)
	# shellcheck disable=SC2046 # the pids
	wait_for $((5 * SLOW)) cpus_quiet "$win" $(tmon_all_threads) ||
		fail "wakeups did not stop after the period change: marks $(tr '\n' ' ' </tmp/quiet.a), $win s later $(tr '\n' ' ' </tmp/quiet.b); last records $(tmon-helper nl status | awk '$1 == "cpu_status" { printf "%s ", $0 }')"
}

cpu_seqs() { awk '{ s[$2] = $4 } END { for (c in s) print c, s[c] }' $DBG/cpus | sort; }
# tmon_all_threads: the pids of tmon's threads, tmon/N (CPU records) and
# tmon_sample/N (task records). Walks /proc: slow where many processes
# run on the debug kernel, so callers that compare take it once.
tmon_all_threads() {
	local d c
	for d in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$d/comm" || continue
		case $c in tmon/* | tmon_sample/*) echo "${d#/proc/}" ;; esac
	done
}
# cpu_marks [PID...]: how many times each of tmon's threads (or of PIDs,
# from tmon_all_threads) has run, schedstat's third field: it moves at
# every wakeup and every sampling round, and is cheap to read. (Reading
# the whole history for cpu_seqs took 4 s on the debug kernel, longer
# than a frozen period leaves between two wakeups.)
cpu_marks() {
	local p c pids="$*"
	[ -n "$pids" ] || pids=$(tmon_all_threads)
	for p in $pids; do
		read -r c 2>/dev/null </proc/$p/comm || c=gone
		case $c in
		tmon/* | tmon_sample/*) echo "$p $c $(cut -d' ' -f3 /proc/$p/schedstat)" ;;
		*) echo "$p not tmon's: $c" ;;
		esac
	done
}
# cpus_quiet [SECONDS [PID...]]: no thread of tmon runs for SECONDS.
cpus_quiet() {
	local s=${1:-0.1}
	[ $# -gt 0 ] && shift
	cpu_marks "$@" >/tmp/quiet.a
	sleep "$s"
	cpu_marks "$@" >/tmp/quiet.b
	cmp -s /tmp/quiet.a /tmp/quiet.b
}
