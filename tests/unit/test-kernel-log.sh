#!/bin/bash
# The kernel-log scan (tests/lib/kernel-log.sh) against real report
# lines: each of data/kernel-reports.log must be caught, no line of
# data/kernel-benign.log may be, t-93's injected-failure call traces are
# passed over only inside t-93, the OOM killer's report of the balloon
# only inside t-94, and the timer-interrupt line only under
# TCG.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/kernel-log.sh"

check() {	# check NAME OK? DETAIL
	if [ "$2" = 1 ]; then echo "PASS unit/kernel-log/$1${3:+  ($3)}"
	else echo "FAIL unit/kernel-log/$1${3:+  ($3)}"; fi
}

n=0
while IFS= read -r line; do
	n=$((n + 1))
	got=$(printf '%s\n' "$line" | bad_log_lines)
	check "report-$n" "$([ "$got" = "$line" ] && echo 1)" "${line#*] }"
done <"$here/data/kernel-reports.log"
missed=$(bad_log_lines <"$here/data/kernel-benign.log")
check benign "$([ -z "$missed" ] && echo 1)" "${missed:-$(wc -l <"$here/data/kernel-benign.log") lines pass}"

# Inside t-93 a bare call trace is expected; a report is not.
in93=$(printf '%s\n' "tmon-test: begin t-93-faults" "Call Trace:" "BUG: KASAN: use-after-free" \
	"tmon-test: end t-93-faults" "Call Trace:" | bad_log_lines | tr '\n' '|')
check t-93-span "$([ "$in93" = "BUG: KASAN: use-after-free|Call Trace:|" ] && echo 1)" "$in93"
# Inside t-94 the OOM killer's report is expected if its victim is the
# balloon (oom_score_adj 1000); another victim is a failure.
oom='Out of memory: Killed process 3367 (tmon-helper) total-vm:847296kB, anon-rss:834432kB, UID:0 pgtables:1672kB oom_score_adj:'
in94=$(printf '%s\n' "tmon-test: begin t-94-memory" "Call Trace:" "${oom}1000" "${oom}0" \
	"tmon-test: end t-94-memory" "Call Trace:" | bad_log_lines | tr '\n' '|')
check t-94-oom "$([ "$in94" = "Call Trace:|TMON-CHECK-FAIL t-94-memory: the OOM killer took another process than the balloon: ${oom}0|" ] && echo 1)" "$in94"
tcg=$(printf '%s\n' "hrtimer: interrupt took 627456 ns" "Call Trace:" | bad_log_lines tcg | tr '\n' '|')
check tcg "$([ "$tcg" = "Call Trace:|" ] && echo 1)" "$tcg"

# A guest's dump must arrive whole: the real tail of a report whose last
# lines were lost (6.12-rt, 256 CPUs), the same whole, and without its
# end mark.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/console"
log=$(printf '%s\n' "[    8.575381] tmon-test: begin x-256-cpus" \
	"[    8.658655] tmon: loading out-of-tree module taints kernel.")
printf 'TMON-RESULT x PASS\nTMON-DMESG\n%s\nTMON-DMESG-END bytes=%d\nTMON-DONE\n' "$log" $((${#log} + 1)) >"$tmp/whole"
got=$(guest_log_problems TMON "$tmp/whole" "$tmp/console")
check dump-whole "$([ -z "$got" ] && echo 1)" "$got"
short=${log%out-of-tree*}
printf 'TMON-DMESG\n%s\nTMON-DMESG-END bytes=%d\n' "$short" $((${#log} + 1)) >"$tmp/short"
got=$(guest_log_problems TMON "$tmp/short" "$tmp/console")
want="the guest's kernel log arrived with $((${#short} + 1)) of its $((${#log} + 1)) bytes"
check dump-short "$([ "$got" = "$want" ] && echo 1)" "$got"
printf 'TMON-DMESG\n%sTMON-DMESG-END bytes=%d\n' "$short" $((${#log} + 1)) >"$tmp/glued"
got=$(guest_log_problems TMON "$tmp/glued" "$tmp/console")
check dump-no-end "$([ "${got#*no end mark}" != "$got" ] && echo 1)" "$got"
