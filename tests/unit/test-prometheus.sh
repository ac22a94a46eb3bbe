#!/bin/bash
# A saved `tmonctl export --prometheus` output, on the host: promtool
# check metrics must pass it without a word, and node_exporter's textfile
# collector must serve every tmon_ family of it with the same samples and
# no scrape error. Prints PASS/FAIL/SKIP lines.
# With a man page, its list of the metrics must be the families the file
# has, name for name.
# Usage: test-prometheus.sh [EXPORT_FILE [TMONCTL_1]]   (default: data/export.prom)
set -u
here=$(cd "$(dirname "$0")" && pwd)
F=${1:-$here/data/export.prom}
MAN=${2:-}
NE=${NODE_EXPORTER:-prometheus-node-exporter}
tmp=$(mktemp -d)
ne_pid=
cleanup() {
	if [ -n "$ne_pid" ]; then
		kill "$ne_pid" 2>/dev/null
		wait "$ne_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if [ ! -r "$F" ]; then
	echo "FAIL unit/prometheus  (cannot read $F)"
	exit 1
fi

# --- tmonctl(1) lists every family, as emitted: in the entry of export,
# and per task field under FIELDS.
if [ -n "$MAN" ]; then
	awk '$1 == "#" && $2 == "TYPE" { print $3 }' "$F" | sort -u >"$tmp/emitted"
	{
		awk '/^\.It Cm export/ { on = 1; next } on && /^\.It Cm / { on = 0 } on' "$MAN"
		awk '/^\.Sh FIELDS/ { on = 1; next } on && /^\.Sh / { on = 0 } on' "$MAN"
	} | grep -o 'tmon_[a-z_]*[a-z]' | sort -u >"$tmp/listed"
	if cmp -s "$tmp/emitted" "$tmp/listed"; then
		echo "PASS unit/prometheus/man-page  ($(wc -l <"$tmp/emitted") families)"
	else
		echo "FAIL unit/prometheus/man-page  (emitted, not in tmonctl(1): $(comm -23 "$tmp/emitted" "$tmp/listed" | tr '\n' ' ');" \
			"in tmonctl(1), not emitted: $(comm -13 "$tmp/emitted" "$tmp/listed" | tr '\n' ' '))"
	fi
fi

# --- promtool: parse and lint, silently.
if ! command -v promtool >/dev/null; then
	echo "SKIP unit/prometheus/promtool  (no promtool: apt install prometheus)"
else
	promtool check metrics <"$F" >"$tmp/promtool" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/promtool" ]; then
		echo "PASS unit/prometheus/promtool"
	else
		echo "FAIL unit/prometheus/promtool  (exit $rc: $(head -n 5 "$tmp/promtool" | tr '\n' ';'))"
	fi
fi

# samples FILE: one line per tmon_ sample, "name{labels sorted by name}<TAB>value",
# with the label values left escaped as they are written; then "#TYPE name type"
# lines. Understands the escapes \\ \" \n inside label values.
samples() {
	awk '
	function fail(why) { print "PARSE-ERROR " why ": " $0; bad = 1 }
	/^# TYPE tmon_/ { print "#TYPE " $3 " " $4; next }
	/^#/ || /^[ \t]*$/ { next }
	!/^tmon_/ { next }
	{
		s = $0
		if (!match(s, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) { fail("no name"); next }
		name = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
		n = 0
		if (substr(s, 1, 1) == "{") {
			s = substr(s, 2)
			while (substr(s, 1, 1) != "}") {
				if (!match(s, /^[a-zA-Z_][a-zA-Z0-9_]*="/)) { fail("bad label"); next }
				k = substr(s, 1, RLENGTH - 2); s = substr(s, RLENGTH + 1)
				v = ""
				while (1) {
					c = substr(s, 1, 1)
					if (c == "") { fail("open label value"); next }
					if (c == "\"") break
					if (c == "\\") { v = v substr(s, 1, 2); s = substr(s, 3); continue }
					v = v c; s = substr(s, 2)
				}
				s = substr(s, 2)
				pair[++n] = k "=\"" v "\""
				if (substr(s, 1, 1) == ",") s = substr(s, 2)
			}
			s = substr(s, 2)
		}
		for (i = 2; i <= n; i++)	# insertion sort by label name
			for (j = i; j > 1 && pair[j - 1] > pair[j]; j--) {
				t = pair[j]; pair[j] = pair[j - 1]; pair[j - 1] = t
			}
		key = name "{"
		for (i = 1; i <= n; i++) key = key (i > 1 ? "," : "") pair[i]
		sub(/^[ \t]+/, "", s)
		split(s, val, /[ \t]+/)
		printf "%s}\t%s\n", key, val[1]
	}
	END { exit bad }' "$1"
}

# --- the same samples through node_exporter's textfile collector.
if ! command -v "$NE" >/dev/null; then
	echo "SKIP unit/prometheus/node-exporter  (no $NE: apt install prometheus-node-exporter)"
	exit 0
fi

# fetch PORT PATH: the body of http://127.0.0.1:PORT/PATH on stdout, in a
# subshell of its own: curl, else wget, else bash's /dev/tcp. FETCH=curl,
# wget or tcp picks one, to test them all.
fetch() (
	case ${FETCH:-curl} in
	curl) command -v curl >/dev/null && exec curl -fsS --max-time 5 "http://127.0.0.1:$1$2" ;;
	esac
	case ${FETCH:-wget} in
	wget) command -v wget >/dev/null && exec wget -q -T 5 -O - "http://127.0.0.1:$1$2" ;;
	esac
	# HTTP/1.0 over bash's /dev/tcp: no chunks, no compression.
	exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
	printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
	IFS= read -r status <&3 || exit 1
	[[ $status == "HTTP/1."?" 200"* ]] || exit 1
	while IFS= read -r line <&3 && [ -n "${line%$'\r'}" ]; do :; done
	cat <&3
)

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
		2>/dev/null || echo $((20000 + RANDOM % 40000))
}

mkdir "$tmp/textfile"
cp "$F" "$tmp/textfile/tmon.prom"
# Start it on a free port; if the port was taken meanwhile it exits: retry.
up=
for attempt in 1 2 3 4 5; do
	port=$(free_port)
	"$NE" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$tmp/textfile" \
		>"$tmp/exporter.log" 2>&1 &
	ne_pid=$!
	# Up to 10 s for it to answer, asking every 50 ms; stop when it died.
	for ((i = 0; i < 200; i++)); do
		if fetch "$port" /metrics >"$tmp/scrape" 2>/dev/null && [ -s "$tmp/scrape" ]; then
			up=1
			break 2
		fi
		kill -0 "$ne_pid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$ne_pid" 2>/dev/null
	wait "$ne_pid" 2>/dev/null
	ne_pid=
	[ "$attempt" -lt 5 ] || break
	grep -qi 'address already in use' "$tmp/exporter.log" || break
done
if [ -z "$up" ]; then
	echo "FAIL unit/prometheus/node-exporter-up  ($(tail -n 2 "$tmp/exporter.log" | tr '\n' ';'))"
	exit 1
fi
echo "PASS unit/prometheus/node-exporter-up"

if grep -Eq '^node_textfile_scrape_error(\{\})? 0$' "$tmp/scrape"; then
	echo "PASS unit/prometheus/textfile-scrape-error-0"
else
	echo "FAIL unit/prometheus/textfile-scrape-error-0  ($(grep '^node_textfile_scrape_error' "$tmp/scrape"):" \
		"$(grep 'level=error' "$tmp/exporter.log" | tail -n 2 | tr '\n' ';'))"
fi

if ! samples "$F" >"$tmp/want"; then
	echo "FAIL unit/prometheus/parse-export  ($(grep -m 1 PARSE-ERROR "$tmp/want"))"
	exit 1
fi
if ! samples "$tmp/scrape" >"$tmp/got"; then
	echo "FAIL unit/prometheus/parse-scrape  ($(grep -m 1 PARSE-ERROR "$tmp/got"))"
	exit 1
fi

# Every family, with its type, and every sample with the same value
# (compared as numbers: node_exporter writes 1.2e+06 for 1200000).
awk -F '\t' -v out="$tmp/families" '
NR == FNR {
	if ($0 ~ /^#TYPE /) { split($0, t, " "); wtype[t[2]] = t[3]; next }
	want[$1] = $2; order[++n] = $1; next
}
/^#TYPE / { split($0, t, " "); gtype[t[2]] = t[3]; next }
{ got[$1] = $2 }
END {
	for (f in wtype) {
		fam = f
		if (!(f in gtype)) { printf "FAIL %s  (family not served)\n", f > out; bad[f] = 1 }
		else if (gtype[f] != wtype[f]) {
			printf "FAIL %s  (type %s, served as %s)\n", f, wtype[f], gtype[f] > out
			bad[f] = 1
		}
	}
	for (i = 1; i <= n; i++) {
		k = order[i]
		f = k; sub(/\{.*/, "", f)
		if (!(f in wtype)) { sub(/_(sum|count)$/, "", f) }
		if (!(k in got)) { printf "FAIL %s  (sample %s not served)\n", f, k > out; bad[f] = 1 }
		else if (got[k] != want[k] && got[k] + 0 != want[k] + 0) {
			printf "FAIL %s  (%s is %s, wanted %s)\n", f, k, got[k], want[k] > out
			bad[f] = 1
		}
	}
	for (k in got)
		if (!(k in want)) {
			f = k; sub(/\{.*/, "", f); sub(/_(sum|count)$/, "", f)
			printf "FAIL %s  (sample %s served, not in the file)\n", f, k > out
			bad[f] = 1
		}
	for (f in wtype) if (!(f in bad)) printf "PASS %s\n", f > out
}' "$tmp/want" "$tmp/got"
nfam=$(grep -c '^#TYPE ' "$tmp/want")
if [ "$nfam" -eq 0 ]; then
	echo "FAIL unit/prometheus/families  (no tmon_ family in $F)"
fi
sort -k2,2 -u "$tmp/families" | while read -r res fam why; do
	case $res in
	PASS) echo "PASS unit/prometheus/served/$fam" ;;
	FAIL) echo "FAIL unit/prometheus/served/$fam  ${why# }" ;;
	esac
done
