# The examples of every page (tmon(4), tmonctl(1), tmon-plot(1),
# tmon-trace-report(1)) run as written: every command line of their
# EXAMPLES (a "# " or "$ " prompt in a literal display) in order, each
# page from an unloaded module (the helpers' pages from a loaded one, as
# their readers have it), and each must succeed. The
# pages' process 1234 is made to exist (the next pid set to it);
# modprobe is the module file's (a shim: the guest has no module tree).
# Only what the guest lacks is not run here, and the test says what: the
# systemd and node_exporter lines run in the e2e systemd boot; tmon-plot
# (gnuplot) lines run on the host as written, in a directory holding the
# files the lines before them made here (man-host-lines, man-*.csv).
. /tests/lib.sh

mkdir -p /tmp/ex
# (a function: busybox sh runs its own modprobe applet before any in PATH)
SHIM='modprobe() {
	if [ "$1" = -r ]; then shift; rmmod "$@"; return; fi
	[ "$1" = tmon ] || return 1
	shift
	insmod /tmon.ko "$@"
}'
# (tracefs where a system has it, for trace-cmd)
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing || fail "no tracefs"

echo 1233 >/proc/sys/kernel/ns_last_pid || fail "cannot set the next pid"
sleep 100000 &
p=$!
[ "$p" = 1234 ] || fail "the pages' process: got pid $p, not 1234"

# examples PAGE: the command lines of PAGE's EXAMPLES, prompt removed.
examples() {
	awk '/^\.Sh / { ex = ($2 == "EXAMPLES") } ex && /^\.Bd -literal/ { lit = 1; next }
		/^\.Ed/ { lit = 0 } ex && lit && /^[#$] / { print substr($0, 3) }' "$1"
}

ran=0
for page in /man/tmonctl.1 /man/tmon.4 /man/tmon-plot.1 /man/tmon-trace-report.1; do
	loaded && unload
	case $page in /man/tmon-*) load ;; esac
	examples $page >/tmp/ex/lines
	[ -s /tmp/ex/lines ] || fail "$page: no examples found"
	while IFS= read -r line; do
		case ${line%% *} in
		systemctl | curl)
			note "not run here: $line (no ${line%% *} in the guest)"
			continue
			;;
		tmon-plot)
			note "run on the host: $line"
			echo "$line" >>/tmp/ex/host-lines
			continue
			;;
		esac
		(cd /tmp/ex && sh -c "$SHIM
$line") >/tmp/ex/out 2>&1 </dev/null
		rc=$?
		note "$ $line  # exit $rc, $(wc -l </tmp/ex/out) lines"
		[ $rc = 0 ] || fail "${page#/man/}: '$line' exited $rc: $(tail -n 5 /tmp/ex/out)"
		ran=$((ran + 1))
	done </tmp/ex/lines
done
loaded && unload
kill $p
if [ -s /tmp/ex/host-lines ]; then
	emit man-host-lines /tmp/ex/host-lines
	for f in /tmp/ex/*.csv; do
		[ -f "$f" ] && emit "man-${f##*/}" "$f"
	done
fi
note "ok: $ran example lines run"
