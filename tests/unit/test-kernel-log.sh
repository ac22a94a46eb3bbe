#!/bin/bash
# The kernel-log scan (tests/lib/kernel-log.sh) against real report
# lines: each of data/kernel-reports.log must be caught, no line of
# data/kernel-benign.log may be, t-93's injected-failure call traces are
# passed over only inside t-93, and the timer-interrupt line only under
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
tcg=$(printf '%s\n' "hrtimer: interrupt took 627456 ns" "Call Trace:" | bad_log_lines tcg | tr '\n' '|')
check tcg "$([ "$tcg" = "Call Trace:|" ] && echo 1)" "$tcg"
