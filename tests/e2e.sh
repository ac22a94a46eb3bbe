#!/bin/bash
# End-to-end packaging test: the .debs installed with apt in real Debian
# roots (bookworm, trixie, sid), DKMS building the module there, and each
# release's own kernel booted from that root under QEMU, where a user's
# steps are checked: modprobe tmon with /etc/modprobe.d/tmon.conf, man
# tmon, tmonctl status, a watched process. Then, in bookworm: a 6.12
# kernel installed later gets the module from DKMS by itself and boots
# with it, and removing tmon-dkms removes the module from every kernel;
# booted by systemd, the export timer feeds node_exporter;
# booted with module.sig_enforce=1, tmonctl doctor names why the module
# cannot load, and what it says with the headers and module gone;
# and an upgrade to a newer version keeps the user's tmon.conf. Debian's
# autopkgtest runs the package's tests and the generic DKMS test.
#
#   bash tests/e2e.sh [DIST]       DIST: where the .debs are (default
#                                  dist/; made with make deb if missing)
#   bash tests/e2e.sh --bases      only make (or check) the cached base
#                                  roots; make check runs this early, in
#                                  the background
#
# One PASS/FAIL/SKIP line per result (names e2e/...); exit status 1 if
# anything failed. Stage timings at the end (stderr) and in
# build/e2e/timings.
#
#   TMON_E2E_FLOWS="bookworm trixie sid upgrade autopkgtest"   what to run
#   TMON_E2E_JOBS=4                flows run at once (default: all)
#   TMON_VM_ACCEL=kvm              KVM instead of TCG (tests/vm/boot.sh)
#   TMON_CACHE                     base roots under $TMON_CACHE/e2e
#   TMON_E2E_KEEP=1                keep each flow's root and disk image
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/e2e/lib.sh"

FLOWS=${TMON_E2E_FLOWS:-bookworm trixie sid upgrade autopkgtest}
need_pkgs debootstrap e2fsprogs qemu-system-x86 util-linux coreutils dpkg-dev prometheus
mkdir -p "$E2E_OUT" "$E2E_RUN"

if [ "${1:-}" = --bases ]; then
	rc=0
	# The releases of the flows; the upgrade and autopkgtest run in bookworm.
	for rel in $(echo "$FLOWS" | sed -E 's/upgrade|autopkgtest/bookworm/g' | tr ' ' '\n' | awk '!seen[$0]++'); do
		e2e_base "$rel" >/dev/null || rc=1
	done
	exit $rc
fi

DIST=$(readlink -f "${1:-$TMON_TOP/dist}")
e2e_debs "$DIST"
DKMS_DEB=$(e2e_deb "$DIST" tmon-dkms)
UTILS_DEB=$(e2e_deb "$DIST" tmon-utils)
VER=$(e2e_deb_version "$DKMS_DEB")
: >"$E2E_OUT/timings"

# stage_time FLOW STAGE T0: record and print the seconds since T0.
stage_time() {
	local s=$(($(e2e_now) - $3))
	echo "$1 $2 $s" >>"$E2E_OUT/timings"
	echo "$s"
}

# tail of a log, indented, after a failure.
show_log() { tail -n "${2:-20}" "$1" | sed 's/^/     /'; }

# dkms_status ROOT: what dkms status says (its tools' warnings left out).
dkms_status() { e2e_in "$1" dkms status 2>/dev/null; }

# dpkg_audit ROOT: what dpkg --audit says in ROOT, its first lines on one
# line; empty when dpkg has nothing half done.
dpkg_audit() { e2e_in "$1" dpkg --audit 2>&1 | head -n 3 | tr '\n' ';' | sed 's/;$//'; }

# installed_for ROOT VERSION KREL: DKMS reports tmon/VERSION installed for
# KREL (a fixed string: kernel releases hold '+' and '.').
installed_for() {
	dkms_status "$1" | awk -v l="tmon/$2, $3, x86_64: installed" 'index($0, l) == 1 { f = 1 } END { exit !f }'
}

ko_of() { ls "$1/lib/modules/$2/updates/dkms/"tmon.ko* 2>/dev/null | head -n 1; }

# check_dkms P ROOT VERSION KREL: dkms status, the .ko, its version.
check_dkms() {
	local p=$1 r=$2 v=$3 k=$4 ko mv
	if installed_for "$r" "$v" "$k"; then
		e2e_result PASS "$p/dkms-status" "$(dkms_status "$r" | grep -F "tmon/$v, $k" | head -n 1)"
	else
		e2e_result FAIL "$p/dkms-status" "no tmon/$v installed for $k: $(dkms_status "$r" | tr '\n' ';')"
	fi
	ko=$(ko_of "$r" "$k")
	if [ -z "$ko" ]; then
		e2e_result FAIL "$p/module-file" "no tmon.ko* under /lib/modules/$k/updates/dkms/"
		return
	fi
	mv=$(e2e_in "$r" modinfo -F version "${ko#"$r"}")
	if [ "$mv" = "$v" ]; then
		e2e_result PASS "$p/module-file" "${ko#"$r"}, version $mv"
	else
		e2e_result FAIL "$p/module-file" "${ko#"$r"}: modinfo version '$mv', wanted $v"
	fi
}

# boot_check P FLOW ROOT KREL [VAR=VALUE...]: image ROOT, boot KREL from
# it with the guest checks, and report. E2E_APPEND=ARGS is for the
# kernel's command line; the mode (E2E_MODE) goes there too. E2E_IMAGE=again
# boots the image of the flow's last boot_check, whose root and settings
# were the same but for those two (boot.sh keeps no guest's writes).
boot_check() {
	local p=$1 flow=$2 r=$3 k=$4 out t0 s a mode=full append=() again= env=()
	shift 4
	for a in "$@"; do
		case $a in
		E2E_MODE=*) mode=${a#E2E_MODE=} ;;
		E2E_APPEND=*) read -r -a append <<<"${a#E2E_APPEND=}" ;;
		E2E_IMAGE=again) again=1 ;;
		*) env+=("$a") ;;
		esac
	done
	out=$E2E_OUT/$flow/vm-$k
	case $mode in doctor | lockdown | systemd) out=$out-$mode ;; esac
	mkdir -p "$out"
	if [ -n "$again" ] && [ -f "$E2E_RUN/$flow/disk.img" ]; then
		log "$flow: booting $k from the image of the last boot"
	else
		e2e_guest_files "$r" "$here/e2e/guest/check.sh" "E2E_VERSION=$VER" "${env[@]}"
		t0=$(e2e_now)
		if ! e2e_image "$r" "$E2E_RUN/$flow/disk.img" >"$out/image.log" 2>&1; then
			e2e_result FAIL "$p/image" "see $out/image.log"
			show_log "$out/image.log"
			return 1
		fi
		log "$flow: image of $(du -sh --apparent-size "$E2E_RUN/$flow/disk.img" | cut -f1) in $(stage_time "$flow" "image-$k" "$t0") s; booting $k"
	fi
	t0=$(e2e_now)
	e2e_boot "$r" "$k" "$E2E_RUN/$flow/disk.img" "$out" "tmon_e2e_mode=$mode" "${append[@]}" >"$out/boot.log" 2>&1
	s=$(stage_time "$flow" "boot-$k" "$t0")
	log "$flow: VM $k ran $s s"
	e2e_guest_results "$p" "$out" "$mode"
}

# install_debs P FLOW ROOT DEBS...: apt-get install ./DEBS in ROOT.
install_debs() {
	local p=$1 flow=$2 r=$3 t0 s
	shift 3
	t0=$(e2e_now)
	if e2e_apt_install "$r" "$@" >"$E2E_OUT/$flow/install.log" 2>&1; then
		s=$(stage_time "$flow" install "$t0")
		e2e_result PASS "$p/apt-install" "$s s: apt-get install -y $(for d in "$@"; do printf './%s ' "$(basename "$d")"; done | sed 's/ $//')"
	else
		e2e_result FAIL "$p/apt-install" "see $E2E_OUT/$flow/install.log"
		show_log "$E2E_OUT/$flow/install.log"
		return 1
	fi
}

# flow_prepare FLOW REL: ROOT (a fresh copy of REL's base root, with
# /proc, /sys and /dev mounted) and KREL.
flow_prepare() {
	local flow=$1 rel=$2 p=$3 base t0 s
	mkdir -p "$E2E_OUT/$flow" "$E2E_RUN/$flow"
	t0=$(e2e_now)
	base=$(e2e_base "$rel") || {
		e2e_result FAIL "$p/base" "see $E2E_OUT/base-$rel.log"
		return 1
	}
	s=$(stage_time "$flow" base "$t0")
	e2e_result PASS "$p/base" "$(sed -n 's/^kernels=//p' "$base/.tmon-e2e-ready"), made $(sed -n 's/^made=//p' "$base/.tmon-e2e-ready")$( [ "$s" -gt 5 ] && echo ", $s s")"
	ROOT=$E2E_RUN/$flow/root
	t0=$(e2e_now)
	e2e_copy "$base" "$ROOT" || { e2e_result FAIL "$p/copy" "cp -a $base failed"; return 1; }
	log "$flow: copy of the $rel base in $(stage_time "$flow" copy "$t0") s"
	KREL=$(e2e_kernels "$ROOT")
	e2e_chroot_mount "$ROOT" || { e2e_result FAIL "$p/mount" "mounting /proc, /sys, /dev in $ROOT"; return 1; }
}

# One release: install, DKMS, boot the release's kernel, the user's steps.
flow_release() {
	local rel=$1 p=e2e/$1
	flow_prepare "$rel" "$rel" "$p" || return 1
	trap 'e2e_chroot_umount "$ROOT"' EXIT
	install_debs "$p" "$rel" "$ROOT" "$DKMS_DEB" "$UTILS_DEB" || return 1
	check_dkms "$p" "$ROOT" "$VER" "$KREL"
	local dk
	dk=$(e2e_dkms_seconds "$ROOT" tmon "$VER" "$KREL")
	echo "$rel dkms-build-$KREL $dk" >>"$E2E_OUT/timings"
	e2e_result PASS "$p/dkms-build-time" "$KREL: $dk s"
	if out=$(e2e_in "$ROOT" tmonctl --version 2>&1) && [[ $out == "tmonctl $VER "* ]]; then
		e2e_result PASS "$p/tmonctl-installed" "$out"
	else
		e2e_result FAIL "$p/tmonctl-installed" "$out"
	fi
	# The helpers come with tmon-utils, each with its page.
	local h bad=
	for h in tmon-plot tmon-trace-report; do
		e2e_in "$ROOT" "$h" --help >/dev/null 2>&1 && [ -f "$ROOT/usr/share/man/man1/$h.1.gz" ] || bad="$bad $h"
	done
	if [ -z "$bad" ]; then
		e2e_result PASS "$p/helpers-installed" "tmon-plot, tmon-trace-report: --help and man page"
	else
		e2e_result FAIL "$p/helpers-installed" "missing or failing:$bad"
	fi
	check_unsupported_kernel "$p" "$rel" "$ROOT"
	e2e_chroot_umount "$ROOT"
	local forks=() f
	if [ "$rel" = bookworm ]; then
		# The systemd boot and the later kernel each change the root as
		# installed: each gets a copy of it (made before this flow's
		# boots write their guest files into it) and runs beside them.
		for f in systemd 6.12; do
			e2e_copy "$ROOT" "$E2E_RUN/$rel-$f/root" ||
				{ e2e_result FAIL "$p-$f/copy" "cp -a $ROOT failed"; continue; }
			fork_flow "$rel-$f" "$E2E_RUN/$rel-$f/root" &
			forks+=("$rel-$f:$!")
		done
	fi
	boot_check "$p" "$rel" "$ROOT" "$KREL" E2E_MODE=full
	if [ "$rel" = bookworm ]; then
		# What tmonctl doctor says when the module cannot load: signatures
		# enforced without DKMS's key enrolled, then no headers, no module.
		# (the same root: the image of the boot above, booted again)
		boot_check "$p-doctor" "$rel" "$ROOT" "$KREL" E2E_MODE=doctor E2E_APPEND=module.sig_enforce=1 E2E_IMAGE=again
		# The same under lockdown (what Secure Boot sets) without it.
		boot_check "$p-lockdown" "$rel" "$ROOT" "$KREL" E2E_MODE=lockdown E2E_APPEND=lockdown=integrity E2E_IMAGE=again
	fi
	for f in "${forks[@]}"; do
		wait "${f#*:}" || [ -s "$E2E_OUT/${f%:*}.results" ] ||
			e2e_result FAIL "e2e/${f%:*}" "stopped without a result"
		cat "$E2E_OUT/${f%:*}.results"
	done
}

# fork_flow FLOW ROOT: bookworm's FLOW (bookworm-systemd, bookworm-6.12) on
# ROOT, a copy of the bookworm root as installed; its results to
# $E2E_OUT/FLOW.results, and ROOT gone after.
fork_flow() {
	local flow=$1 r=$2
	mkdir -p "$E2E_OUT/$flow"
	trap 'e2e_chroot_umount "$r"' EXIT
	case $flow in
	*-systemd) flow_systemd "$flow" "$r" ;;
	*) flow_newkernel "$flow" "$r" ;;
	esac >"$E2E_OUT/$flow.results"
	e2e_chroot_umount "$r"
	[ -n "${TMON_E2E_KEEP:-}" ] || e2e_rmtree "$E2E_RUN/$flow"
}

# bookworm, booted by systemd as installed systems are, with node_exporter
# from the archive: the export timer shipped by tmon-utils, enabled as an
# administrator would, read back over loopback. The checks run as a
# service once the system is up (guest/init, which powers off after).
flow_systemd() {
	local flow=$1 r=$2 p=e2e/$1 t0 log=$E2E_OUT/$1/systemd-install.log
	local pkgs="systemd-sysv prometheus-node-exporter curl jq"
	e2e_chroot_mount "$r" || { e2e_result FAIL "$p/mount" "mounting in $r"; return 1; }
	t0=$(e2e_now)
	if ! e2e_in "$r" apt-get install -y --no-install-recommends $pkgs >"$log" 2>&1; then
		e2e_result FAIL "$p/apt-install" "see $log"
		show_log "$log"
		e2e_chroot_umount "$r"
		return 1
	fi
	e2e_result PASS "$p/apt-install" "$(stage_time "$flow" systemd-install "$t0") s: $pkgs"
	e2e_chroot_umount "$r"
	cat >"$r/etc/systemd/system/tmon-e2e.service" <<-EOF
		[Unit]
		Description=tmon end-to-end checks
		After=multi-user.target

		[Service]
		Type=oneshot
		ExecStart=/tmon-e2e-init
		TimeoutStartSec=infinity
	EOF
	mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
	ln -sf ../tmon-e2e.service "$r/etc/systemd/system/multi-user.target.wants/tmon-e2e.service"
	boot_check "$p" "$flow" "$r" "$KREL" E2E_MODE=systemd E2E_APPEND=init=/lib/systemd/systemd
	promtool_served "$p" "$E2E_OUT/$flow/vm-$KREL-systemd"
	rm -f "$r/etc/systemd/system/tmon-e2e.service" "$r/etc/systemd/system/multi-user.target.wants/tmon-e2e.service"
}

# promtool_served P OUT: `promtool check metrics` on tmon's metrics as
# node_exporter served them in the boot whose report is in OUT (the guest's
# served-metrics check prints them): parsed and linted, no complaint.
promtool_served() {
	local p=$1 out=$2 rc=0
	awk '$1 == "E2E-BEGIN" { on = ($2 == "served-metrics"); next }
		$1 == "E2E-RESULT" { on = 0 } on && /^\| / { print substr($0, 3) }' \
		"$out/report.log" >"$out/served.prom"
	if ! grep -q '^tmon_' "$out/served.prom"; then
		e2e_result FAIL "$p/promtool-served" "no tmon_ sample in the served-metrics check's output"
		return 1
	fi
	promtool check metrics <"$out/served.prom" >"$out/promtool.log" 2>&1 || rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$out/promtool.log" ]; then
		e2e_result PASS "$p/promtool-served" "promtool check metrics: $(grep -c '^tmon_' "$out/served.prom") samples as node_exporter served them, no complaint"
	else
		e2e_result FAIL "$p/promtool-served" "promtool check metrics: exit $rc"
		show_log "$out/promtool.log"
	fi
}

# bookworm, continued: a 6.12 kernel installed after tmon-dkms gets the
# module from DKMS's kernel hook, boots with it; then removal.
flow_newkernel() {
	local flow=$1 r=$2 p=e2e/$1 rel=${1%%-*} hdr k2 img cand t0 s log=$E2E_OUT/$1/newkernel.log
	e2e_chroot_mount "$r" || { e2e_result FAIL "$p/mount" "mounting in $r"; return 1; }
	hdr=$(e2e_in "$r" apt-cache search --names-only '^linux-headers-6\.12\.[0-9.]+\+deb[0-9]+-amd64$' |
		awk '{ print $1 }' | sort -V | tail -n 1)
	k2=${hdr#linux-headers-}
	# After an upload the signed image lags the unsigned one for a while
	# (the signed name is then only "referred to"): take what installs.
	img=
	# (the policy read whole: grep -q would close the pipe under pipefail)
	for cand in "linux-image-$k2" "linux-image-$k2-unsigned"; do
		if grep -q 'Candidate: [0-9]' <<<"$(e2e_in "$r" apt-cache policy "$cand" 2>/dev/null)"; then
			img=$cand
			break
		fi
	done
	if [ -z "$hdr" ] || [ -z "$img" ]; then
		e2e_result FAIL "$p/resolve" "no linux-image/headers-6.12.*-amd64 in $rel"
		return 1
	fi
	local before after
	before=$(e2e_in "$r" dpkg-query -W -f '${Version} ${Status}' tmon-dkms)
	t0=$(e2e_now)
	if ! e2e_in "$r" apt-get install -y --no-install-recommends "$img" "$hdr" >"$log" 2>&1; then
		e2e_result FAIL "$p/kernel-install" "see $log"
		show_log "$log"
		return 1
	fi
	s=$(stage_time "$flow" "install-$k2" "$t0")
	after=$(e2e_in "$r" dpkg-query -W -f '${Version} ${Status}' tmon-dkms)
	if [ "$before" = "$after" ] && ! grep -Eq '^(Unpacking|Setting up|Preparing to unpack) .*tmon' "$log"; then
		e2e_result PASS "$p/kernel-install" "$s s: $img $hdr, tmon-dkms untouched ($after)"
	else
		e2e_result FAIL "$p/kernel-install" "tmon-dkms touched: '$before' -> '$after'"
	fi
	check_dkms "$p" "$r" "$VER" "$k2"
	if installed_for "$r" "$VER" "$KREL" && installed_for "$r" "$VER" "$k2"; then
		e2e_result PASS "$p/dkms-both-kernels" "$(dkms_status "$r" | grep '^tmon/' | tr '\n' ';' | sed 's/;$//')"
	else
		e2e_result FAIL "$p/dkms-both-kernels" "$(dkms_status "$r" | tr '\n' ';')"
	fi
	# The kernel's installation left dpkg with nothing half done.
	local audit
	audit=$(dpkg_audit "$r")
	if [ -z "$audit" ]; then
		e2e_result PASS "$p/dpkg-audit" "dpkg --audit: nothing"
	else
		e2e_result FAIL "$p/dpkg-audit" "$audit"
	fi
	local dk
	dk=$(e2e_dkms_seconds "$r" tmon "$VER" "$k2")
	echo "$flow dkms-build-$k2 $dk" >>"$E2E_OUT/timings"
	e2e_result PASS "$p/dkms-build-time" "$k2: $dk s (by the kernel's postinst hook)"
	e2e_chroot_umount "$r"
	boot_check "$p" "$flow" "$r" "$k2" E2E_MODE=short

	# Removal: the module leaves every kernel.
	p=e2e/$rel/remove
	e2e_chroot_mount "$r" || return 1
	t0=$(e2e_now)
	if e2e_in "$r" apt-get remove -y tmon-dkms >"$E2E_OUT/$flow/remove.log" 2>&1; then
		e2e_result PASS "$p/apt-remove" "$(stage_time "$flow" remove "$t0") s"
	else
		e2e_result FAIL "$p/apt-remove" "see $E2E_OUT/$flow/remove.log"
		show_log "$E2E_OUT/$flow/remove.log"
	fi
	local left
	left=$(cd "$r" && find lib/modules/ usr/lib/modules/ -name 'tmon.ko*' 2>/dev/null | sort -u)
	if [ -z "$left" ]; then
		e2e_result PASS "$p/no-module-left" "no tmon.ko* under /lib/modules ($(e2e_kernels "$r"))"
	else
		e2e_result FAIL "$p/no-module-left" "$(echo "$left" | tr '\n' ' ')"
	fi
	if dkms_status "$r" | grep -q '^tmon' || [ -e "$r/var/lib/dkms/tmon" ] || ls -d "$r"/usr/src/tmon-* >/dev/null 2>&1; then
		e2e_result FAIL "$p/dkms-clean" "dkms status: $(dkms_status "$r" | tr '\n' ';') $(ls -d "$r"/var/lib/dkms/tmon "$r"/usr/src/tmon-* 2>/dev/null | tr '\n' ' ')"
	else
		e2e_result PASS "$p/dkms-clean" "dkms status has no tmon, /usr/src/tmon-$VER gone"
	fi
	# remove keeps the conffile, purge takes it.
	if [ -f "$r/etc/modprobe.d/tmon.conf" ] && e2e_in "$r" apt-get purge -y tmon-dkms >>"$E2E_OUT/$flow/remove.log" 2>&1 &&
		[ ! -e "$r/etc/modprobe.d/tmon.conf" ]; then
		e2e_result PASS "$p/purge" "tmon.conf kept by remove, gone after purge"
	else
		e2e_result FAIL "$p/purge" "tmon.conf after remove/purge: see $E2E_OUT/$flow/remove.log"
	fi
	e2e_chroot_umount "$r"
}

# check_unsupported_kernel P FLOW ROOT: the headers of a kernel older than
# tmon supports, installed with apt where tmon-dkms is: DKMS's hook skips
# tmon for that kernel (BUILD_EXCLUSIVE_KERNEL; on bookworm, whose DKMS
# 3.0.10 would count that as its hook's failure, dkms.conf leaves the
# kernel out of autoinstall and says so), apt succeeds and dpkg is left
# with nothing half done.
check_unsupported_kernel() {
	local p=$1 flow=$2 r=$3 k=5.10.0-99-amd64 deb log=$E2E_OUT/$2/unsupported-kernel.log audit skip
	if ! deb=$(e2e_headers_deb "$E2E_RUN/$flow" "$r" "$k" 2>"$log"); then
		e2e_result FAIL "$p/unsupported-kernel" "cannot build linux-headers-$k, see $log"
		return 1
	fi
	audit=$(dpkg_audit "$r")
	if [ -n "$audit" ]; then
		e2e_result FAIL "$p/unsupported-kernel" "dpkg --audit before the install: $audit"
		return 1
	fi
	if ! e2e_apt_install "$r" "$deb" >>"$log" 2>&1; then
		e2e_result FAIL "$p/unsupported-kernel" "apt-get install ./$(basename "$deb") failed, see $log"
		show_log "$log"
		return 1
	fi
	audit=$(dpkg_audit "$r")
	skip=$(grep -m 1 -E 'BUILD_EXCLUSIVE|skipped for module|tmon: not built for Linux' "$log")
	if [ -n "$audit" ]; then
		e2e_result FAIL "$p/unsupported-kernel" "dpkg --audit: $audit"
	elif [ -z "$skip" ]; then
		e2e_result FAIL "$p/unsupported-kernel" "DKMS's kernel hook did not skip tmon, see $log"
	elif dkms_status "$r" | grep -qF ", $k," || [ -n "$(ko_of "$r" "$k")" ]; then
		e2e_result FAIL "$p/unsupported-kernel" "tmon built for $k: $(dkms_status "$r" | tr '\n' ';')"
	else
		e2e_result PASS "$p/unsupported-kernel" "apt-get install ./$(basename "$deb"): exit 0, DKMS: '$(echo "$skip" | cut -c1-100)', dpkg --audit: nothing"
	fi
}

# The next version of the packages, built from a copy of this tree with
# the version bumped (cached while the tree is unchanged).
build_newer() {
	local new=$1 src=$E2E_OUT/src-$1 hash
	hash=$(cd "$TMON_TOP" && git ls-files -co --exclude-standard -- . ':!build' ':!dist' | sort |
		xargs -d '\n' sha256sum 2>/dev/null | sha256sum | cut -c1-16)
	if [ -f "$src/.e2e-hash" ] && [ "$(cat "$src/.e2e-hash")" = "$hash" ] &&
		[ -n "$(e2e_deb "$src/dist" tmon-dkms)" ] && [ -n "$(e2e_deb "$src/dist" tmon-utils)" ]; then
		return 0
	fi
	need_pkgs make gcc libc6-dev debhelper dh-dkms dkms dpkg-dev bash-completion libmnl-dev mandoc pkg-config
	rm -rf "$src" && mkdir -p "$src"
	tar -C "$TMON_TOP" --exclude=./build --exclude=./dist --exclude=./.git -cf - . | tar -C "$src" -xf - || return 1
	local maint
	maint=$(cd "$src" && dpkg-parsechangelog -S Maintainer)
	{
		printf 'tmon (%s) unstable; urgency=medium\n\n' "$new"
		printf '  * Upgrade test build (tests/e2e.sh).\n\n'
		printf ' -- %s  %s\n\n' "$maint" "$(date -R)"
		cat "$src/debian/changelog"
	} >"$src/debian/changelog.new" && mv "$src/debian/changelog.new" "$src/debian/changelog"
	# (the changelog is the one place the version is written; the unit
	# tests of this tree ran in make check's pkg part)
	DEB_BUILD_OPTIONS=nocheck make -C "$src" deb || return 1
	echo "$hash" >"$src/.e2e-hash"
}

# Upgrade: 0.1.0 installed, tmon.conf changed by the user, then the next
# version installed with apt: module rebuilt, old one gone, change kept.
flow_upgrade() {
	local p=e2e/upgrade flow=upgrade new t0 s ndkms nutils conf log
	new=$(echo "$VER" | awk -F. -v OFS=. '{ $NF = $NF + 1; print }')
	mkdir -p "$E2E_OUT/$flow"
	t0=$(e2e_now)
	if ! build_newer "$new" >"$E2E_OUT/$flow/make-deb.log" 2>&1; then
		e2e_result FAIL "$p/make-deb-$new" "see $E2E_OUT/$flow/make-deb.log"
		show_log "$E2E_OUT/$flow/make-deb.log"
		return 1
	fi
	s=$(stage_time "$flow" "make-deb-$new" "$t0")
	ndkms=$(e2e_deb "$E2E_OUT/src-$new/dist" tmon-dkms)
	nutils=$(e2e_deb "$E2E_OUT/src-$new/dist" tmon-utils)
	e2e_result PASS "$p/make-deb-$new" "$(basename "$ndkms") $(basename "$nutils"), $s s"
	flow_prepare "$flow" bookworm "$p" || return 1
	trap 'e2e_chroot_umount "$ROOT"' EXIT
	install_debs "$p/$VER" "$flow" "$ROOT" "$DKMS_DEB" "$UTILS_DEB" || return 1
	mv "$E2E_OUT/$flow/install.log" "$E2E_OUT/$flow/install-$VER.log"
	conf=$ROOT/etc/modprobe.d/tmon.conf
	sed -i 's/^options tmon .*/options tmon log_sec=2 log_nsec=0/' "$conf"
	log=$E2E_OUT/$flow/install.log
	t0=$(e2e_now)
	if e2e_apt_install "$ROOT" "$ndkms" "$nutils" >"$log" 2>&1; then
		e2e_result PASS "$p/apt-install-$new" "$(stage_time "$flow" "upgrade-$new" "$t0") s: $(grep -E '^(Unpacking|Setting up) tmon' "$log" | tr '\n' ';' | sed 's/;$//')"
	else
		e2e_result FAIL "$p/apt-install-$new" "see $log"
		show_log "$log"
		return 1
	fi
	check_dkms "$p" "$ROOT" "$new" "$KREL"
	if dkms_status "$ROOT" | grep -qF "tmon/$VER," || [ -e "$ROOT/usr/src/tmon-$VER" ] || [ -e "$ROOT/var/lib/dkms/tmon/$VER" ]; then
		e2e_result FAIL "$p/old-gone" "tmon $VER still there: $(dkms_status "$ROOT" | tr '\n' ';')"
	else
		e2e_result PASS "$p/old-gone" "no tmon/$VER in dkms status, /usr/src/tmon-$VER gone"
	fi
	local dk
	dk=$(e2e_dkms_seconds "$ROOT" tmon "$new" "$KREL")
	echo "$flow dkms-build-$KREL $dk" >>"$E2E_OUT/timings"
	e2e_result PASS "$p/dkms-build-time" "$KREL: $dk s"
	if grep -qx 'options tmon log_sec=2 log_nsec=0' "$conf" && ! ls "$conf".dpkg-* >/dev/null 2>&1 &&
		! grep -Eq "Configuration file .*tmon.conf" "$log"; then
		e2e_result PASS "$p/conffile-kept" "$(grep '^options tmon' "$conf"), no prompt, no .dpkg-* file"
	else
		e2e_result FAIL "$p/conffile-kept" "$(grep '^options tmon' "$conf"); $(ls "$conf".dpkg-* 2>/dev/null)"
	fi
	if out=$(e2e_in "$ROOT" tmonctl --version 2>&1) && [[ $out == "tmonctl $new "* ]]; then
		e2e_result PASS "$p/tmonctl-version" "$out"
	else
		e2e_result FAIL "$p/tmonctl-version" "$out"
	fi
	e2e_chroot_umount "$ROOT"
	# The upgraded module, loaded with the user's settings.
	boot_check "$p" "$flow" "$ROOT" "$KREL" E2E_MODE=short E2E_PERIOD=2000000000 "E2E_VERSION=$new"
}

# Debian's own autopkgtest on the built packages, in a bookworm testbed
# made from the base root: the package's test (debian/tests) and the
# generic DKMS one that Testsuite: autopkgtest-pkg-dkms adds (autodep8),
# which needs a testbed it can throw away: autopkgtest-virt-unshare, a
# user namespace unpacking a tarball of the root.
flow_autopkgtest() {
	local p=e2e/autopkgtest flow=autopkgtest base tar out log rc t0 name res rest
	mkdir -p "$E2E_OUT/$flow" "$E2E_RUN/$flow"
	out=$E2E_OUT/$flow/out log=$E2E_OUT/$flow/autopkgtest.log
	need_pkgs autopkgtest autodep8 uidmap >>"$log" 2>&1 || { e2e_result FAIL "$p/install" "see $log"; return 1; }
	# (unshare maps root's namespace onto a range of its own)
	local f
	for f in /etc/subuid /etc/subgid; do
		grep -q '^root:' "$f" 2>/dev/null || echo 'root:1000000:65536' >>"$f"
	done
	base=$(e2e_base bookworm) || { e2e_result FAIL "$p/base" "see $E2E_OUT/base-bookworm.log"; return 1; }
	tar=$E2E_RUN/$flow/bookworm.tar
	tar -C "$base" -cf "$tar" . || { e2e_result FAIL "$p/tarball" "tar of $base failed"; return 1; }
	rm -rf "$out"
	t0=$(e2e_now)
	rc=0
	autopkgtest -U --output-dir "$out" "$DIST"/tmon_*.changes -- unshare --tarball "$tar" >>"$log" 2>&1 || rc=$?
	log "$flow: autopkgtest ran $(stage_time "$flow" run "$t0") s (exit $rc)"
	# (summary: "NAME RESULT [details]" a test each)
	for name in dkms-build dkms-autopkgtest; do
		read -r res rest < <(awk -v n="$name" '$1 == n { $1 = ""; print; exit }' "$out/summary" 2>/dev/null)
		case ${res:-} in
		PASS) e2e_result PASS "$p/$name" "$res${rest:+ $rest}: $(grep -hE '^(built for|skipped by DKMS|I: PASS) ' \
			"$out/$name-stdout" | sed 's/: \/.*//' | tr '\n' ';' | sed 's/;$//')" ;;
		'') e2e_result FAIL "$p/$name" "no result (autopkgtest exit $rc), see $log" ;;
		*) e2e_result FAIL "$p/$name" "$res $rest, see $out/$name-stdout" ;;
		esac
	done
	[ "$rc" -eq 0 ] || e2e_result FAIL "$p/exit" "autopkgtest exited $rc, see $log"
}

run_flow() {
	local rc=0
	case $1 in
	bookworm | trixie | sid) flow_release "$1" || rc=$? ;;
	upgrade) flow_upgrade || rc=$? ;;
	autopkgtest) flow_autopkgtest || rc=$? ;;
	*) e2e_result FAIL "e2e/$1" "unknown flow (known: bookworm trixie sid upgrade autopkgtest)" ;;
	esac
	# A flow's root and disk image are some 4 GB: gone once it is done
	# (its logs stay in build/e2e/), unless TMON_E2E_KEEP is set.
	[ -n "${TMON_E2E_KEEP:-}" ] || e2e_rmtree "$E2E_RUN/$1"
	return $rc
}

cleanup() {
	local f
	for f in $FLOWS bookworm-systemd bookworm-6.12; do e2e_chroot_umount "$E2E_RUN/$f/root"; done
	for f in bookworm trixie sid; do e2e_chroot_umount "$E2E_CACHE/base-$f.new"; done
}
trap 'jobs -p | xargs -r kill 2>/dev/null; wait; cleanup; exit 130' INT TERM

T0=$(e2e_now)
log "e2e: $(basename "$DKMS_DEB") $(basename "$UTILS_DEB"); flows: $FLOWS; logs in $E2E_OUT"
jobs_max=${TMON_E2E_JOBS:-$(echo $FLOWS | wc -w)}
pids=()
for f in $FLOWS; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	# Results to a file (printed in order below), progress to the terminal.
	(run_flow "$f") >"$E2E_OUT/$f.results" 2> >(tee "$E2E_OUT/$f.stderr" >&2) &
	pids+=($!)
done
i=0
for f in $FLOWS; do
	wait "${pids[$i]}"
	rc=$?
	i=$((i + 1))
	cat "$E2E_OUT/$f.results"
	# A flow that stopped without saying why.
	if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$E2E_OUT/$f.results"; then
		e2e_result FAIL "e2e/$f" "the flow stopped (exit $rc): $(tail -n 1 "$E2E_OUT/$f.stderr")" | tee -a "$E2E_OUT/$f.results"
	fi
done
cleanup

{
	echo "timings (s), total $(($(e2e_now) - T0)):"
	awk '{ printf "  %-16s %-34s %s\n", $1, $2, $3 }' "$E2E_OUT/timings"
} >&2
nf=$(for f in $FLOWS; do grep -c '^FAIL' "$E2E_OUT/$f.results"; done | awk '{ s += $1 } END { print s + 0 }')
log "e2e: $nf failed"
[ "$nf" -eq 0 ]
