#!/bin/bash
# tmon-plot on a synthetic `tmonctl record` CSV: 2 CPUs x 50 wakeups, one
# process with 50 samples (its comm needs RFC 4180 quoting) and one with 3
# (its comm holds a line break). The PNG must exist, be a PNG and be
# 1000x900; every error is one 'tmon-plot:' line with the right exit
# status and no PNG. Prints PASS/FAIL/SKIP lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
P=${1:-$here/../../tools/tmon-plot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v gnuplot >/dev/null; then
	echo "SKIP unit/tmon-plot  (no gnuplot: apt install gnuplot-nox)"
	exit 0
fi

# The columns as tmonctl record writes them (tmonctl fields); a row sets
# the columns of its own type by name and leaves the others empty.
hdr=type,ring,entry,cpu,seq,expected_ns,latency_ns,irq_latency_ns,missed,run_ns,nvcsw,nivcsw,user_ns,system_ns,idle_ns,iowait_ns,irq_ns,softirq_ns,pid,comm,ts_ns,utime_ns,stime_ns,vm_bytes,stack_bytes,data_bytes,rss_bytes,minflt,majflt,exited
# Records as the rings give them: interleaved per CPU, 100 ms period,
# timestamps near 2^53 ns (104 days of uptime) so awk's doubles are tested.
awk -v hdr="$hdr" '
function row(   i, s) {
	s = ""
	for (i = 1; i <= nc; i++) s = s (i > 1 ? "," : "") ((c[i] in v) ? v[c[i]] : "")
	print s
	delete v
}
BEGIN {
	# (the first line, as record writes it, says what and when)
	print "# tmon record: period_ns=100000000 kernel=6.12.0-test host=test start=2026-12-04T00:00:00.000000000Z start_ns=9007199254740992"
	print hdr
	nc = split(hdr, c, ",")
	t0 = 9007199254740992; per = 100000000; e[0] = e[1] = 0
	for (i = 0; i < 50; i++) {
		for (k = 0; k < 2; k++) {
			lat = 20000 + 15000 * k + (i * 7919 + k * 104729) % 30000
			if (i == 30 && k == 1) lat += 400000
			v["type"] = "cpu"; v["ring"] = k; v["entry"] = e[k]++; v["seq"] = i
			v["expected_ns"] = sprintf("%.0f", t0 + i * per); v["cpu"] = k
			v["latency_ns"] = lat; v["irq_latency_ns"] = 1000; v["run_ns"] = 3000
			v["missed"] = 0; v["user_ns"] = 1000; v["system_ns"] = 2000
			v["idle_ns"] = 90000000; v["nvcsw"] = i; v["nivcsw"] = 0
			row()
		}
		v["type"] = "task"; v["ring"] = i % 2; v["entry"] = e[i % 2]++; v["seq"] = i
		v["ts_ns"] = sprintf("%.0f", t0 + i * per + 50000); v["cpu"] = i % 2
		v["pid"] = 4242; v["comm"] = "\"a \"\"b\"\",c\""
		v["utime_ns"] = sprintf("%.0f", i * i * 200000); v["stime_ns"] = sprintf("%.0f", i * 1500000)
		v["vm_bytes"] = 10485760; v["stack_bytes"] = 135168; v["data_bytes"] = 2097152
		v["rss_bytes"] = sprintf("%.0f", (8 + (i > 20 ? 12 : 0) + int(i / 10)) * 1048576)
		v["minflt"] = 10 * i; v["majflt"] = 0; v["nvcsw"] = i; v["nivcsw"] = 0; v["exited"] = 0
		row()
		if (i % 20 == 0) {
			v["type"] = "task"; v["ring"] = 0; v["entry"] = e[0]++; v["seq"] = i / 20
			v["ts_ns"] = sprintf("%.0f", t0 + i * per + 70000); v["cpu"] = 0
			v["pid"] = 5151; v["comm"] = "\"two\nlines,\""; v["utime_ns"] = i * 1000000
			v["stime_ns"] = 0; v["vm_bytes"] = 1; v["stack_bytes"] = 1; v["data_bytes"] = 1
			v["rss_bytes"] = 4194304; v["minflt"] = 0; v["majflt"] = 0; v["nvcsw"] = 0
			v["nivcsw"] = 0; v["exited"] = 0
			row()
		}
	}
}' >"$tmp/rec.csv"

# png FILE: "W H" if FILE starts with the PNG signature and an IHDR chunk.
png() {
	local b
	read -ra b < <(od -An -tu1 -N24 "$1" 2>/dev/null | tr -s ' \n' '  ')
	[ "${#b[@]}" -eq 24 ] || return 1
	[ "${b[*]:0:8}" = "137 80 78 71 13 10 26 10" ] && [ "${b[*]:12:4}" = "73 72 68 82" ] || return 1
	echo "$(( (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19] ))" \
		"$(( (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23] ))"
}

# plots NAME OUT.png ARGS...: exit 0, nothing on stderr, a 1000x900 PNG.
plots() {
	local name=$1 out=$2 rc size
	shift 2
	rm -f "$out"
	"$P" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$tmp/err" ] || [ -s "$tmp/out" ]; then
		echo "FAIL unit/tmon-plot/$name  (exit $rc: $(head -n 3 "$tmp/out" "$tmp/err"))"
	elif [ ! -s "$out" ]; then
		echo "FAIL unit/tmon-plot/$name  (no $out)"
	elif ! size=$(png "$out"); then
		echo "FAIL unit/tmon-plot/$name  (not a PNG: $(file -b "$out" 2>/dev/null))"
	elif [ "$size" != "1000 900" ]; then
		echo "FAIL unit/tmon-plot/$name  (size $size, wanted 1000 900)"
	elif command -v file >/dev/null && ! file -b "$out" | grep -q '^PNG image data, 1000 x 900'; then
		echo "FAIL unit/tmon-plot/$name  (file says: $(file -b "$out"))"
	else
		echo "PASS unit/tmon-plot/$name"
	fi
}

# fails NAME RC REGEX ARGS...: exit RC, one 'tmon-plot:' line matching
# REGEX on stderr, nothing on stdout, no PNG left behind.
fails() {
	local name=$1 want=$2 pat=$3 rc err
	shift 3
	rm -f "$tmp"/*.png
	"$P" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	err=$(cat "$tmp/err")
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL unit/tmon-plot/$name  (exit $rc, wanted $want: $err)"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || [[ $err != tmon-plot:* ]] || [ -s "$tmp/out" ]; then
		echo "FAIL unit/tmon-plot/$name  (not one 'tmon-plot:' line on stderr alone: $(cat "$tmp/out") $err)"
	elif ! grep -Eq -- "$pat" <<<"$err"; then
		echo "FAIL unit/tmon-plot/$name  ('$err' does not match '$pat')"
	elif ls "$tmp"/*.png >/dev/null 2>&1; then
		echo "FAIL unit/tmon-plot/$name  (left $(ls "$tmp"/*.png))"
	else
		echo "PASS unit/tmon-plot/$name"
	fi
}

plots default-output "$tmp/rec.png" "$tmp/rec.csv"
mkdir -p "$tmp/dir with space"
plots pid-and-output "$tmp/dir with space/p.png" -p 4242 -o "$tmp/dir with space/p.png" "$tmp/rec.csv"
plots options-after-file "$tmp/after.png" "$tmp/rec.csv" -p4242 -o "$tmp/after.png"
plots multiline-comm-pid "$tmp/m.png" -o "$tmp/m.png" -p 5151 "$tmp/rec.csv"
cp "$tmp/rec.csv" "$tmp/rec.data"
plots no-csv-suffix "$tmp/rec.data.png" "$tmp/rec.data"
grep -v '^task' "$tmp/rec.csv" >"$tmp/cpus-only.csv"
plots latency-only "$tmp/cpus-only.png" "$tmp/cpus-only.csv"
{ grep -v '^task' "$tmp/rec.csv"; grep '^task.*4242' "$tmp/rec.csv" | head -n 1; } >"$tmp/one.csv"
plots one-sample "$tmp/one.png" "$tmp/one.csv"
sed 's/$/\r/' "$tmp/rec.csv" >"$tmp/crlf.csv"
plots crlf "$tmp/crlf.png" "$tmp/crlf.csv"

if "$P" --help | grep -q '^Usage: tmon-plot \[-p PID\] \[-o OUT.png\] RECORDING.csv$'; then
	echo "PASS unit/tmon-plot/help"
else
	echo "FAIL unit/tmon-plot/help"
fi

fails no-args 2 'no recording given'
fails two-files 2 "unexpected argument" "$tmp/rec.csv" "$tmp/rec.csv"
fails unknown-option 2 "unknown option '-x'" -x "$tmp/rec.csv"
fails p-missing 2 "option '-p' needs a value" "$tmp/rec.csv" -p
for p in abc 0 -1 1x 4194305 0123 99999999999; do
	fails "p-'$p'" 2 "-p '$p' is not a process id" -p "$p" "$tmp/rec.csv"
done
fails o-empty 2 "-o needs a file name" -o "" "$tmp/rec.csv"
fails empty-name 2 "empty file name" ""
fails no-such-file 1 "nosuch.csv: no such file" "$tmp/nosuch.csv"
echo "$hdr" >"$tmp/empty.csv"
fails header-only 1 "no cpu rows" "$tmp/empty.csv"
grep -v '^cpu' "$tmp/rec.csv" >"$tmp/tasks-only.csv"
fails no-cpu-rows 1 "tasks-only.csv: no cpu rows" "$tmp/tasks-only.csv"
fails no-task-rows-for-pid 1 "no task rows for pid 999" -p 999 "$tmp/rec.csv"
fails no-task-rows-at-all 1 "no task rows for pid 4242" -p 4242 "$tmp/cpus-only.csv"
printf 'a,b,c\n1,2,3\n' >"$tmp/other.csv"
fails not-a-recording 1 "not a tmonctl record CSV" "$tmp/other.csv"
fails directory 1 "not a regular file" "$tmp"
fails unwritable-output 1 "cannot write" -o "$tmp/no/such/dir/x.png" "$tmp/rec.csv"
