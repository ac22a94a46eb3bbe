#!/bin/sh
# The end-to-end checks, in an installed Debian root booted with its own
# kernel: what a user does after `apt install tmon-dkms`. One
#   E2E-BEGIN NAME / | output... / E2E-RESULT NAME PASS|FAIL|SKIP DETAIL
# block per check on stdout (the report port). Settings in /tmon-e2e/env
# (E2E_MODE on the kernel command line, as tmon_e2e_mode=MODE):
#   E2E_MODE     full (default), short (load, threads, status, unload),
#                doctor (booted with module.sig_enforce=1: what
#                tmonctl doctor says when the module cannot load),
#                lockdown (booted with lockdown=integrity: the same) or
#                systemd (booted by systemd, with node_exporter: the
#                export timer, read back over loopback)
#   E2E_VERSION  the version modinfo and tmonctl must report
#   E2E_PERIOD   period_ns the installed /etc/modprobe.d/tmon.conf gives
. /tmon-e2e/env
# The mode comes on the kernel command line (tmon_e2e_mode=), so that
# boots in different modes can share one disk image.
for a in $(cat /proc/cmdline); do
	case $a in tmon_e2e_mode=*) E2E_MODE=${a#*=} ;; esac
done
: "${E2E_MODE:=full}" "${E2E_PERIOD:=1000000000}"
CONF=/etc/modprobe.d/tmon.conf
NCPU=$(nproc)

detail() { echo "$*" >/tmp/e2e.detail; }
fail() { echo "FAIL: $*"; detail "$*"; exit 1; }

# check NAME FUNCTION: run one check in a subshell and report it; on a
# failure, what the module's state was.
check() {
	echo "E2E-BEGIN $1"
	: >/tmp/e2e.detail
	("$2") >/tmp/e2e.out 2>&1
	rc=$?
	sed 's/^/| /' /tmp/e2e.out
	case $rc in
	0) res=PASS ;;
	77) res=SKIP ;;
	*)
		res=FAIL
		{
			echo "--- lsmod | grep tmon"
			lsmod | grep tmon
			echo "--- dmesg | grep tmon"
			dmesg | grep -i tmon | tail -n 20
		} 2>&1 | sed 's/^/| /'
		;;
	esac
	echo "E2E-RESULT $1 $res $(cat /tmp/e2e.detail)"
}

# until_ok SECONDS CMD...: poll CMD until it succeeds, or fail after the
# deadline.
until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

loaded() { grep -q '^tmon ' /proc/modules; }
nthreads() { ps -e -o comm= | grep -c '^tmon/[0-9]*$'; }
threads_all() { [ "$(nthreads)" -eq "$NCPU" ]; }
period_is() { [ "$(cat /sys/kernel/tmon/period_ns 2>/dev/null)" = "$1" ]; }

# doctor_says PATTERN [COMMAND...]: COMMAND (tmonctl doctor unless
# given) finds a problem (exit 1), and a line of its output begins with
# PATTERN (a grep pattern).
doctor_says() {
	pat=$1
	shift
	[ $# -gt 0 ] || set -- tmonctl doctor
	rc=0
	out=$("$@") || rc=$?
	echo "$out"
	[ $rc -eq 1 ] || fail "$*: exit $rc, wanted 1"
	echo "$out" | grep -q "^$pat" || fail "$*: no line begins '$pat'"
	detail "exit 1: $out"
}

# Installed by DKMS, not loaded yet: doctor says so and what to run.
t_doctor_unloaded() {
	loaded && fail "tmon already loaded"
	doctor_says 'the tmon module is installed for this kernel but not loaded: sudo modprobe tmon'
}

# debugfs unmounted under a loaded module: doctor says how to mount it.
t_doctor_debugfs() {
	umount -R /sys/kernel/debug || fail "cannot unmount debugfs"
	doctor_says 'debugfs is not mounted, so tmon.s debugfs files are not there: sudo mount -t debugfs none /sys/kernel/debug'
	mount -t debugfs none /sys/kernel/debug || fail "cannot mount debugfs again"
}

# Loaded and healthy: nothing found, exit 0.
t_doctor() {
	out=$(tmonctl doctor) || fail "tmonctl doctor: exit $?: $out"
	echo "$out"
	[ "$out" = "no problem found: tmon is loaded on $(uname -r) and healthy; /dev/tmon is readable" ] ||
		fail "tmonctl doctor: $out"
	detail "exit 0: $out"
}

# module.sig_enforce=1 on the command line, and DKMS's key enrolled
# nowhere: the module is refused, and doctor names the cause and the fix.
t_doctor_enforced() {
	[ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ] || fail "sig_enforce is not on"
	modprobe tmon 2>/tmp/mp.err && fail "modprobe tmon loaded a module signed by an untrusted key"
	cat /tmp/mp.err
	doctor_says "the kernel loads only signed modules (module.sig_enforce) and DKMS's key (/var/lib/dkms/mok.pub) is not enrolled: sudo mokutil --import /var/lib/dkms/mok.pub; reboot"
	enforced=$out
	# A mokutil that finds the key enrolled answers as the real one does:
	# "... is already enrolled", exit status 1. Doctor then has no
	# signature problem to report, only the module not loaded.
	printf '#!/bin/sh\necho "$2 is already enrolled"\nexit 1\n' >/usr/local/bin/mokutil
	chmod 0755 /usr/local/bin/mokutil
	doctor_says 'the tmon module is installed for this kernel but not loaded: '
	rm -f /usr/local/bin/mokutil
	! echo "$out" | grep -q 'signed modules' || fail "doctor reports signatures with the key enrolled: $out"
	detail "exit 1: $enforced; with the key enrolled: $out"
}

# lockdown=integrity on the command line (as Secure Boot sets it), no
# signature enforcement asked for, DKMS's key enrolled nowhere: the module
# is refused all the same, and doctor names lockdown and the fix.
t_doctor_lockdown() {
	grep -q '\[integrity\]' /sys/kernel/security/lockdown ||
		fail "lockdown is not integrity: $(cat /sys/kernel/security/lockdown 2>&1)"
	[ "$(cat /sys/module/module/parameters/sig_enforce)" = N ] || fail "sig_enforce is on"
	modprobe tmon 2>/tmp/mp.err && fail "modprobe tmon loaded a module signed by an untrusted key under lockdown"
	cat /tmp/mp.err
	doctor_says "the kernel loads only signed modules (lockdown none \[integrity\] confidentiality) and DKMS's key (/var/lib/dkms/mok.pub) is not enrolled: sudo mokutil --import /var/lib/dkms/mok.pub; reboot"
}

# A kernel older than tmon supports (uname as 2.6.x, setarch's UNAME26
# personality; booting a 5.10 kernel would cost minutes): doctor says so
# and what to boot.
t_doctor_old_kernel() {
	doctor_says 'kernel 2\.6\.[^ ]* is older than 6\.1, the oldest tmon supports: boot a newer kernel' \
		setarch "$(uname -m)" --uname-2.6 tmonctl doctor
}

# DKMS holds tmon, but there is no module for this kernel (as after a
# failed build): doctor points at DKMS's build log.
t_doctor_not_built() {
	k=$(uname -r)
	rm -f /lib/modules/"$k"/updates/dkms/tmon.ko* && depmod "$k" || fail "could not take the module away"
	doctor_says "no tmon module for kernel $k: DKMS holds tmon $E2E_VERSION but did not build it: read /var/lib/dkms/tmon/$E2E_VERSION/build/make.log; sudo dkms install tmon/$E2E_VERSION -k $k"
}

# The headers gone too (as after a kernel upgrade without headers): doctor
# names the package to install.
t_doctor_no_headers() {
	k=$(uname -r)
	rm -f "/lib/modules/$k/build" || fail "could not take the headers away"
	doctor_says "no tmon module for kernel $k: its headers are not installed: sudo apt install linux-headers-$k "
}

# tmon-dkms's group and udev rule: /dev/tmon is 0640 root:tmon; a member
# of the group records without sudo, anyone else is refused in one line.
t_group() {
	udevadm settle
	st=$(stat -c '%a %U %G' /dev/tmon)
	[ "$st" = "640 root tmon" ] || fail "/dev/tmon is '$st', wanted '640 root tmon' (udev rule)"
	useradd -M -G tmon tmonreader && useradd -M tmonother || fail "useradd failed"
	runuser -u tmonreader -- tmonctl record -d 2 -o /tmp/reader.csv || fail "record as a member of tmon: exit $?"
	n=$(grep -c '^cpu,' /tmp/reader.csv)
	[ "$n" -gt 0 ] || fail "record as a member of tmon: no CPU rows: $(head -n 3 /tmp/reader.csv)"
	rc=0
	runuser -u tmonother -- tmonctl record -d 2 -o /tmp/other.csv 2>/tmp/other.err || rc=$?
	cat /tmp/other.err
	[ $rc -eq 1 ] && [ "$(wc -l </tmp/other.err)" -eq 1 ] && grep -q 'Permission denied' /tmp/other.err ||
		fail "record outside the group: exit $rc: $(cat /tmp/other.err)"
	out=$(runuser -u tmonother -- tmonctl doctor) && fail "doctor outside the group: exit 0"
	echo "$out" | grep -q '^no permission to read /dev/tmon (Permission denied): sudo adduser \$USER tmon' ||
		fail "doctor outside the group: $out"
	detail "/dev/tmon $st; a member recorded $n CPU rows; outside: $(cat /tmp/other.err)"
}

t_modprobe() {
	loaded && fail "tmon already loaded before modprobe"
	echo "# modprobe -c | grep tmon"
	modprobe -c | grep '^options tmon' || fail "modprobe -c shows no options for tmon"
	grep -q '^options tmon ' "$CONF" || fail "$CONF has no options line"
	echo "# modprobe tmon"
	modprobe tmon || fail "modprobe tmon: exit $?"
	loaded || fail "tmon not in /proc/modules after modprobe"
	ko=$(modinfo -n tmon)
	echo "module: $ko version $(modinfo -F version tmon)"
	case $ko in */updates/dkms/tmon.ko*) ;; *) fail "modprobe took $ko, not the DKMS build" ;; esac
	[ -z "${E2E_VERSION:-}" ] || [ "$(modinfo -F version tmon)" = "$E2E_VERSION" ] ||
		fail "module version $(modinfo -F version tmon), wanted $E2E_VERSION"
	p=$(cat /sys/kernel/tmon/period_ns)
	echo "period_ns $p  log_sec $(cat /sys/module/tmon/parameters/log_sec) log_nsec $(cat /sys/module/tmon/parameters/log_nsec)"
	[ "$p" = "$E2E_PERIOD" ] || fail "period_ns $p, wanted $E2E_PERIOD from $CONF"
	detail "period_ns $p from $CONF"
}

t_threads() {
	until_ok 20 threads_all || fail "$(nthreads) tmon/N threads for $NCPU CPUs"
	ps -e -o pid=,psr=,comm= | grep ' tmon/'
	# tmon/N runs on CPU N.
	ps -e -o psr=,comm= | awk '$2 ~ /^tmon\// { split($2, a, "/"); if (a[2] != $1) { print "tmon/" a[2] " on CPU " $1; bad = 1 } } END { exit bad }' ||
		fail "a thread off its CPU"
	detail "$NCPU threads for $NCPU CPUs"
}

t_status() {
	out=$(tmonctl status)
	rc=$?
	echo "$out"
	# Healthy (exit 0), or degraded (exit 4) by missed wakeups alone: a
	# guest that two cores share with two others can lose its CPU for
	# longer than a period, and tmon rightly says so. The VM suite holds
	# the timing; here any other problem still fails.
	missed='[0-9]+ missed wakeups in the last [0-9]+ records \([0-9]+ in all\)'
	health=healthy
	if [ $rc -eq 4 ] && echo "$out" | sed -n 2p | grep -Eq "^  $missed\$"; then
		health=DEGRADED
	else
		[ $rc -eq 0 ] || fail "tmonctl status: exit $rc:$(echo "$out" | sed -n 2p)"
	fi
	echo "$out" | head -n 1 | grep -Eq "^tmon ${E2E_VERSION:-[0-9.]+} \(abi [0-9]+\): $health$" ||
		fail "header: $(echo "$out" | head -n 1)"
	n=$(echo "$out" | awk '$1 ~ /^[0-9]+$/ && $2 == "running"' | wc -l)
	[ "$n" -eq "$NCPU" ] || fail "$n CPUs running, $NCPU online"
	js=$(tmonctl status --json)
	rc=$?
	[ $rc -eq 0 ] || { [ $rc -eq 4 ] && echo "$js" | grep -Eq "\"problems\": *\\[\"$missed\"\\]"; } ||
		fail "tmonctl status --json: exit $rc: $(echo "$js" | grep -o '"problems": *\[[^]]*\]')"
	nj=$(echo "$js" | grep -o '"thread_pid": *[1-9][0-9]*' | wc -l)
	[ "$nj" -eq "$NCPU" ] || fail "status --json: $nj threads with a pid, $NCPU CPUs: $js"
	if [ $health = healthy ]; then
		detail "$n/$NCPU CPUs running, healthy"
	else
		detail "$n/$NCPU CPUs running, degraded by missed wakeups only:$(echo "$out" | sed -n 2p)"
	fi
}

t_conffile() {
	echo "# sed -i 's/^options tmon .*/options tmon log_sec=0 log_nsec=250000000/' $CONF"
	sed -i 's/^options tmon .*/options tmon log_sec=0 log_nsec=250000000/' "$CONF"
	grep '^options tmon' "$CONF"
	echo "# modprobe -r tmon; modprobe tmon"
	modprobe -r tmon || fail "modprobe -r tmon: exit $?"
	loaded && fail "tmon still loaded after modprobe -r"
	modprobe tmon || fail "modprobe tmon: exit $?"
	p=$(cat /sys/kernel/tmon/period_ns)
	echo "period_ns $p  log_sec $(cat /sys/module/tmon/parameters/log_sec) log_nsec $(cat /sys/module/tmon/parameters/log_nsec)"
	[ "$p" = 250000000 ] || fail "period_ns $p after the change, wanted 250000000"
	tmonctl status --json | grep -q '"period_ns": *250000000' || fail "tmonctl status --json: no period_ns 250000000"
	until_ok 20 threads_all || fail "$(nthreads) threads after the reload"
	detail "period_ns $p after editing $CONF"
}

has_samples() {
	n=$(tmonctl show "$pid" 2>/dev/null | sed -n '1s/.*, \([0-9]*\) records$/\1/p')
	[ "${n:-0}" -ge 3 ]
}

t_watch() {
	sleep 1000 &
	pid=$!
	echo "# sleep 1000 & tmonctl watch $pid"
	tmonctl watch "$pid" || { kill "$pid"; fail "tmonctl watch $pid: exit $?"; }
	if ! until_ok 30 has_samples; then
		tmonctl show "$pid"
		kill "$pid"
		fail "fewer than 3 samples of $pid in 30 s"
	fi
	echo "# tmonctl list"
	tmonctl list
	tmonctl list | grep -Eq "^ *$pid +sleep +running " || { kill "$pid"; fail "tmonctl list lacks $pid"; }
	echo "# tmonctl show $pid -n 5"
	tmonctl show "$pid" -n 5
	n=$(tmonctl show "$pid" | sed -n '1s/.*, \([0-9]*\) records$/\1/p')
	tmonctl unwatch "$pid"
	kill "$pid"
	detail "$n samples of sleep $pid"
}

manpage() {	# manpage PAGE SECTION
	out=$(MANWIDTH=80 MANPAGER=cat PAGER=cat man -P cat "$2" "$1" 2>&1) || { echo "$out"; fail "man $2 $1: exit $?"; }
	echo "$out" | head -n 12
	echo "$out" | grep -q '^NAME' || fail "man $1: no NAME section"
	echo "$out" | grep -Eq "^ +$1 " || fail "man $1: no '$1 - ...' line under NAME"
	detail "$(echo "$out" | wc -l) lines, $(man -w "$2" "$1")"
}
# README.Debian: Secure Boot, headers, the build log (gzipped if large).
t_readme_debian() {
	d=/usr/share/doc/tmon-dkms
	f=$d/README.Debian
	[ -f $f ] || { f=$f.gz; [ -f $f ] || fail "no README.Debian in $d: $(ls $d)"; }
	zcat -f $f | grep -q 'mokutil --import' || fail "README.Debian lacks the MOK enrolment"
	zcat -f $f | grep -q 'make.log' || fail "README.Debian lacks the build log"
	zcat -f $f | grep -q 'apt install linux-headers-rt-amd64' || fail "README.Debian lacks the RT kernel's headers"
	detail "$f, $(zcat -f $f | wc -l) lines"
}
# tmon(4) names the configuration file under FILES and in its NOTES.
t_man_tmon() {
	manpage tmon 4
	for s in FILES NOTES; do
		echo "$out" | awk -v s=$s '/^[A-Z]/ { on = ($1 == s) } on' | grep -q /etc/modprobe.d/tmon.conf ||
			fail "man 4 tmon: no /etc/modprobe.d/tmon.conf under $s"
	done
}
t_man_tmonctl() { manpage tmonctl 1; }

t_unload() {
	echo "# modprobe -r tmon"
	modprobe -r tmon || fail "modprobe -r tmon: exit $?"
	loaded && fail "still loaded"
	[ "$(nthreads)" -eq 0 ] || fail "$(nthreads) tmon threads left"
	rc=0
	tmonctl status >/tmp/st.out 2>&1 || rc=$?
	cat /tmp/st.out
	[ $rc -eq 3 ] || fail "tmonctl status without the module: exit $rc, wanted 3"
	detail "tmonctl status then exits 3"
}

# ---- the systemd boot ----------------------------------------------------
# node_exporter's metrics, as Prometheus would scrape them.
METRICS=http://127.0.0.1:9100/metrics
scrape() { curl -fsS --max-time 10 "$METRICS" >/tmp/metrics; }
TIMER_S=15

t_systemd_booted() {
	[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm)"
	state=$(systemctl is-system-running)
	echo "system: $state"
	systemctl --failed --no-legend --plain
	until_ok 60 scrape || fail "node_exporter does not answer on $METRICS"
	detail "PID 1 systemd ($state), node_exporter $(systemctl show -P ActiveState prometheus-node-exporter)"
}

# Every online CPU has its histogram in what node_exporter serves.
all_cpus_scraped() {
	scrape || return 1
	c=0
	while [ $c -lt "$NCPU" ]; do
		grep -q "^tmon_cpu_wakeup_latency_seconds_bucket{cpu=\"$c\",le=\"+Inf\"} " /tmp/metrics || return 1
		c=$((c + 1))
	done
}

# The shipped timer, enabled as an administrator would: within two of its
# periods node_exporter serves tmon's histogram for every CPU.
t_export_timer() {
	echo "# systemctl cat tmon-export.service tmon-export.timer"
	systemctl cat tmon-export.service tmon-export.timer
	[ "$(systemctl is-enabled tmon-export.timer)" = disabled ] ||
		fail "tmon-export.timer is $(systemctl is-enabled tmon-export.timer) on install, not disabled"
	# (a history that holds every wakeup since load, for the quantile check)
	modprobe tmon log_sec=0 log_nsec=10000000 history=65536 || fail "modprobe tmon: exit $?"
	echo "# systemctl enable --now tmon-export.timer"
	systemctl enable --now tmon-export.timer || fail "systemctl enable --now: exit $?"
	t0=$(date +%s)
	until_ok $((2 * TIMER_S)) all_cpus_scraped ||
		fail "no tmon_cpu_wakeup_latency_seconds_bucket for all $NCPU CPUs in $METRICS after $((2 * TIMER_S)) s: $(grep -c '^tmon_' /tmp/metrics) tmon_ lines"
	t=$(($(date +%s) - t0))
	grep '^tmon_cpu_wakeup_latency_seconds_bucket{cpu="0"' /tmp/metrics
	grep '^tmon_cpu_wakeup_latency_seconds_\(sum\|count\)\|^tmon_cpu_run_seconds_total\|^tmon_module_loaded' /tmp/metrics
	grep -q '^node_textfile_scrape_error 0$' /tmp/metrics || fail "node_exporter: $(grep '^node_textfile_scrape_error' /tmp/metrics)"
	systemctl status --no-pager tmon-export.service | head -n 5
	detail "$NCPU CPUs' histograms served $t s after enabling the timer (period ${TIMER_S} s)"
}

# tmon's part of what node_exporter serves, as it serves it (its own
# rendering of the textfile: HELP, TYPE and samples), for the host's
# promtool (tests/e2e.sh).
t_served_metrics() {
	scrape || fail "no scrape"
	grep '^tmon_\|^# \(HELP\|TYPE\) tmon_' /tmp/metrics >/tmp/served
	n=$(grep -c '^tmon_' /tmp/served)
	[ "$n" -gt 0 ] || fail "no tmon_ sample in $METRICS"
	cat /tmp/served
	detail "$n tmon_ samples, $(grep -c '^# TYPE' /tmp/served) families served"
}

# histogram_quantile(0.99) of each CPU's served buckets, as Prometheus
# computes it (linear within the bucket), against tmonctl latency's p99
# over the stored records (the same wakeups, and those since the export):
# the two in the same bucket or neighbouring ones.
t_histogram_quantile() {
	scrape || fail "no scrape"
	tmonctl latency --json >/tmp/lat.json || fail "tmonctl latency --json: exit $?"
	c=0
	while [ $c -lt "$NCPU" ]; do
		p=$(jq -r ".cpus[] | select(.cpu == $c) | .latency_ns.p99" /tmp/lat.json)
		[ -n "$p" ] || fail "cpu $c: no p99 in tmonctl latency --json: $(cat /tmp/lat.json)"
		grep "^tmon_cpu_wakeup_latency_seconds_bucket{cpu=\"$c\"," /tmp/metrics |
			sed 's/.*le="\([^"]*\)"} /\1 /' >/tmp/b
		awk -v p="$p" -v c=$c '
			{ le[NR] = $1; n[NR] = $2 }
			END {
				tot = n[NR]; r = 0.99 * tot
				for (i = 1; i <= NR && n[i] < r; i++) ;
				lo = i > 1 ? le[i - 1] : 0
				q = le[i] == "+Inf" ? lo : lo + (le[i] - lo) * (r - (i > 1 ? n[i - 1] : 0)) / (n[i] - (i > 1 ? n[i - 1] : 0))
				ps = p / 1e9
				for (j = 1; j < NR && ps > le[j] * 1.0000001; j++) ;
				d = i - j; if (d < 0) d = -d
				printf "cpu %d: histogram_quantile(0.99) %.6f s (bucket %d, le %s), tmonctl p99 %.6f s (bucket %d), %d wakeups\n", c, q, i, le[i], ps, j, tot
				exit d > 1
			}' /tmp/b >>/tmp/q.out || { cat /tmp/q.out; fail "cpu $c: $(tail -n 1 /tmp/q.out)"; }
		c=$((c + 1))
	done
	cat /tmp/q.out
	detail "$(tr '\n' ';' </tmp/q.out)"
}

# Without the module the export says so: tmon_module_loaded 0 and no
# figures left over from when it was loaded.
t_export_unloaded() {
	modprobe -r tmon || fail "modprobe -r tmon: exit $?"
	unloaded_served() { scrape && grep -q '^tmon_module_loaded 0$' /tmp/metrics; }
	until_ok $((2 * TIMER_S)) unloaded_served || fail "after modprobe -r: $(grep '^tmon_module_loaded' /tmp/metrics)"
	n=$(grep -c '^tmon_cpu_' /tmp/metrics)
	[ "$n" -eq 0 ] || fail "$n tmon_cpu_ lines served with the module gone"
	systemctl show -P Result tmon-export.service | grep -qx success || fail "tmon-export.service: $(systemctl show -P Result tmon-export.service)"
	detail "tmon_module_loaded 0, no tmon_cpu_ series; the service's result: success"
}

# tmon-utils's state: tmonctl saves the changes it makes, the load
# restores (udev): a watched process and a changed period come back by
# themselves after `modprobe -r tmon && modprobe tmon`. A period changed in tmon.conf since the save is the one
# the module keeps, with the watch list still restored.
watched() { tmonctl list 2>/dev/null | grep -Eq "^ *$pid +sleep "; }
t_state_reload() {
	modprobe tmon || fail "modprobe tmon: exit $?"
	# (the last load, export-timer's, had another period)
	until_ok 20 grep -qx "period_ns $E2E_PERIOD" /run/tmon/loaded ||
		fail "the load hook did not note the load in /run/tmon/loaded: $(cat /run/tmon/loaded)"
	echo "# /run/tmon/loaded"
	cat /run/tmon/loaded
	sleep 1000 &
	pid=$!
	echo "# tmonctl watch $pid; tmonctl period 0.5; modprobe -r tmon && modprobe tmon"
	tmonctl watch $pid && tmonctl period 0.5 >/dev/null || fail "watch, period: exit $?"
	modprobe -r tmon && modprobe tmon || fail "reload: exit $?"
	until_ok 20 watched || fail "$pid not watched after the reload: $(tmonctl list 2>&1)"
	period_is 500000000 || fail "period_ns $(cat /sys/kernel/tmon/period_ns) after the reload, wanted 500000000"
	echo "# cat /var/lib/tmon/state"
	cat /var/lib/tmon/state
	tmonctl list
	cp $CONF /tmp/conf.orig
	echo "# sed -i 's/^options tmon .*/options tmon log_sec=0 log_nsec=250000000/' $CONF; modprobe -r tmon && modprobe tmon"
	sed -i 's/^options tmon .*/options tmon log_sec=0 log_nsec=250000000/' $CONF
	modprobe -r tmon && modprobe tmon || fail "reload: exit $?"
	until_ok 20 watched || fail "$pid not watched after the second reload: $(tmonctl list 2>&1)"
	period_is 250000000 || fail "period_ns $(cat /sys/kernel/tmon/period_ns) with tmon.conf changed, wanted its 250000000"
	cp /tmp/conf.orig $CONF
	modprobe -r tmon
	kill $pid
	detail "watch list and period 0.5 s back after modprobe -r/modprobe; tmon.conf's 0.25 s kept over the saved 0.5 s"
}

# tmon-state.service, enabled by the package, saves at shutdown what was
# changed by hand (here a parameter written in /sys): stopping it saves.
t_shutdown_save() {
	[ "$(systemctl is-enabled tmon-state.service)" = enabled ] ||
		fail "tmon-state.service is $(systemctl is-enabled tmon-state.service)"
	systemctl is-active -q tmon-state.service || fail "tmon-state.service is not active"
	modprobe tmon || fail "modprobe tmon: exit $?"
	# (tmon.conf as it was when the period 0.5 s was saved: it comes back)
	until_ok 20 period_is 500000000 || fail "period_ns $(cat /sys/kernel/tmon/period_ns) after the load, wanted the saved 500000000"
	echo "# echo 300000000 > /sys/module/tmon/parameters/log_nsec; systemctl stop tmon-state.service"
	echo 300000000 >/sys/module/tmon/parameters/log_nsec || fail "log_nsec: exit $?"
	period_is 300000000 || fail "period_ns $(cat /sys/kernel/tmon/period_ns), wanted 300000000"
	systemctl stop tmon-state.service || fail "systemctl stop: exit $?"
	grep -qx 'period_ns 300000000' /var/lib/tmon/state || fail "state after the stop: $(cat /var/lib/tmon/state)"
	systemctl start tmon-state.service
	modprobe -r tmon
	detail "the saved period back at the load; a /sys change saved by the service's stop"
}

if [ "$E2E_MODE" = doctor ]; then
	check doctor-enforced t_doctor_enforced
	check doctor-old-kernel t_doctor_old_kernel
	check doctor-not-built t_doctor_not_built
	check doctor-no-headers t_doctor_no_headers
elif [ "$E2E_MODE" = lockdown ]; then
	check doctor-lockdown t_doctor_lockdown
elif [ "$E2E_MODE" = systemd ]; then
	check systemd-booted t_systemd_booted
	check export-timer t_export_timer
	check histogram-quantile t_histogram_quantile
	check served-metrics t_served_metrics
	check export-unloaded t_export_unloaded
	check state-reload t_state_reload
	check shutdown-save t_shutdown_save
else
	check doctor-unloaded t_doctor_unloaded
	check modprobe t_modprobe
	check threads t_threads
	check tmonctl-status t_status
	check doctor t_doctor
	if [ "$E2E_MODE" = full ]; then
		check doctor-debugfs t_doctor_debugfs
		check man-tmon t_man_tmon
		check man-tmonctl t_man_tmonctl
		check readme-debian t_readme_debian
		check modprobe-conffile t_conffile
		check watch t_watch
		check group t_group
	fi
	check unload t_unload
fi
