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

hdr=type,ring,entry,seq,ts_ns,cpu,latency_ns,run_ns,missed,user_ns,system_ns,idle_ns,iowait_ns,irq_ns,softirq_ns,pid,comm,utime_ns,stime_ns,vm_bytes,stack_bytes,data_bytes,rss_bytes,minflt,majflt,nvcsw,nivcsw
# Records as the rings give them: interleaved per CPU, 100 ms period,
# timestamps near 2^53 ns (104 days of uptime) so awk's doubles are tested.
awk -v hdr="$hdr" 'BEGIN {
	print hdr
	t0 = 9007199254740992; per = 100000000; e[0] = e[1] = 0
	for (i = 0; i < 50; i++) {
		for (c = 0; c < 2; c++) {
			lat = 20000 + 15000 * c + (i * 7919 + c * 104729) % 30000
			if (i == 30 && c == 1) lat += 400000
			printf "cpu,%d,%d,%d,%.0f,%d,%d,3000,0,1000,2000,90000000,0,0,0,,,,,,,,,,,%d,0\n",
				c, e[c]++, i, t0 + i * per, c, lat, i
		}
		printf "task,%d,%d,%d,%.0f,%d,,,,,,,,,,4242,\"a \"\"b\"\",c\",%.0f,%.0f,10485760,135168,2097152,%.0f,%d,0,%d,0\n",
			i % 2, e[i % 2]++, i, t0 + i * per + 50000, i % 2,
			i * i * 200000, i * 1500000, (8 + (i > 20 ? 12 : 0) + i / 10) * 1048576, 10 * i, i
		if (i % 20 == 0)
			printf "task,0,%d,%d,%.0f,0,,,,,,,,,,5151,\"two\nlines,\",%d,0,1,1,1,%d,0,0,0,0\n",
				e[0]++, i / 20, t0 + i * per + 70000, i * 1000000, 4194304
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
