# End-to-end packaging tests: host-side helpers. Sourced, not run; needs
# tests/lib/common.sh.
#
# A Debian root per release (bookworm, trixie, sid) is made once with
# debootstrap and cached under $TMON_CACHE/e2e/base-REL (rebuilt when a
# week old). Each run copies it, installs the .debs in the copy with apt
# as a user would (DKMS builds the module there), turns the copy into an
# ext4 disk image and boots the release's own kernel and initramfs from
# it under QEMU, with /tmon-e2e-init as PID 1.
#
# Nothing big lands in the repository: roots and disk images are under
# $TMON_CACHE/e2e/run/, logs and reports under build/e2e/.

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_CACHE=$TMON_CACHE/e2e
E2E_RUN=${TMON_E2E_RUN:-$E2E_CACHE/run}
E2E_OUT=${TMON_E2E_OUT:-$TMON_TOP/build/e2e}
# What every base root holds besides debootstrap's minbase.
E2E_BASE_PKGS="linux-image-amd64 linux-headers-amd64 dkms man-db initramfs-tools kmod procps"
E2E_BASE_MAX_AGE_MIN=$((7 * 24 * 60))
# A base root's format; bump to rebuild every cached base.
E2E_BASE_FORMAT=1
# Lines of a guest kernel log that fail a run: the list every guest uses.
. "$TMON_TOP/tests/lib/kernel-log.sh"

e2e_now() { date +%s; }

# The first security URI of this machine's apt configuration, if any
# (the archive itself is debian_mirror's).
e2e_security_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $i ~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return; }
	done
	return 0
}

# ---- mounts -------------------------------------------------------------

# Mount points at or under DIR, deepest first.
e2e_mounts_under() {
	local dir
	dir=$(readlink -f "$1")
	awk -v d="$dir" '{ m = $5; gsub(/\\040/, " ", m); if (m == d || index(m, d "/") == 1) print m }' \
		/proc/self/mountinfo | sort -r
}

# chroot_mount ROOT: /proc, /sys and a private /dev (a tmpfs with the
# usual nodes and its own devpts, so nothing of the host's /dev is ever
# reachable through the root) for package scripts.
e2e_chroot_mount() {
	local r=$1
	e2e_chroot_umount "$r"
	mount -t proc proc "$r/proc" &&
		mount -t sysfs sysfs "$r/sys" &&
		mount -t tmpfs -o mode=0755,size=64m,nosuid tmpfs "$r/dev" || {
		e2e_chroot_umount "$r"
		return 1
	}
	mknod -m 0666 "$r/dev/null" c 1 3
	mknod -m 0666 "$r/dev/zero" c 1 5
	mknod -m 0666 "$r/dev/full" c 1 7
	mknod -m 0666 "$r/dev/random" c 1 8
	mknod -m 0666 "$r/dev/urandom" c 1 9
	mknod -m 0666 "$r/dev/tty" c 5 0
	mkdir -m 0755 "$r/dev/pts"
	mkdir -m 1777 "$r/dev/shm"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$r/dev/pts" || {
		e2e_chroot_umount "$r"
		return 1
	}
	ln -s pts/ptmx "$r/dev/ptmx"
	ln -s /proc/self/fd "$r/dev/fd"
	ln -s /proc/self/fd/0 "$r/dev/stdin"
	ln -s /proc/self/fd/1 "$r/dev/stdout"
	ln -s /proc/self/fd/2 "$r/dev/stderr"
}

# Unmount everything under ROOT (lazily if busy: it is gone from the
# tree at once either way).
e2e_chroot_umount() {
	local m
	[ -d "$1" ] || return 0
	for m in $(e2e_mounts_under "$1"); do
		umount "$m" 2>/dev/null || umount -l "$m" || return 1
	done
}

# Remove DIR, never through a mount point: unmount first, refuse if
# anything is still mounted, and stay on DIR's file system.
e2e_rmtree() {
	[ -e "$1" ] || return 0
	e2e_chroot_umount "$1" || die "cannot unmount under $1"
	[ -z "$(e2e_mounts_under "$1")" ] || die "still mounted under $1, not removing it"
	rm -rf --one-file-system "$1"
}

# e2e_in ROOT CMD...: CMD in the chroot, with a clean environment.
e2e_in() {
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# ---- base roots -----------------------------------------------------------

# e2e_base REL: print the cached base root of release REL, making it
# first when it is missing, of an older format, or a week old.
# Concurrent callers for one release wait for each other.
e2e_base() {
	local rel=$1 base=$E2E_CACHE/base-$1 lockfd stamp
	mkdir -p "$E2E_CACHE" "$E2E_OUT"
	exec {lockfd}>"$E2E_CACHE/base-$rel.lock"
	flock "$lockfd"
	stamp=$base/.tmon-e2e-ready
	if [ -f "$stamp" ] && grep -qx "format=$E2E_BASE_FORMAT" "$stamp" &&
		[ -z "$(find "$stamp" -mmin +"$E2E_BASE_MAX_AGE_MIN")" ]; then
		exec {lockfd}>&-
		echo "$base"
		return 0
	fi
	local t0 rc=0
	t0=$(e2e_now)
	log "base $rel: debootstrap and $E2E_BASE_PKGS (log: $E2E_OUT/base-$rel.log)"
	e2e_base_make "$rel" "$base.new" >"$E2E_OUT/base-$rel.log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		e2e_chroot_umount "$base.new"
		exec {lockfd}>&-
		tail -n 20 "$E2E_OUT/base-$rel.log" >&2
		log "base $rel: FAILED, see $E2E_OUT/base-$rel.log"
		return 1
	fi
	e2e_rmtree "$base"
	mv "$base.new" "$base"
	echo "seconds=$(($(e2e_now) - t0))" >>"$stamp"
	log "base $rel: ready in $(($(e2e_now) - t0)) s"
	exec {lockfd}>&-
	echo "$base"
}

e2e_base_make() (
	rel=$1 new=$2
	mirror=$(debian_mirror)
	sec=$(e2e_security_mirror)
	e2e_rmtree "$new"
	set -x
	debootstrap --variant=minbase "$rel" "$new" "$mirror" || return 1
	{
		echo "deb $mirror $rel main"
		case $rel in
		sid | unstable) ;;
		*)
			echo "deb $mirror $rel-updates main"
			[ -n "$sec" ] && echo "deb $sec $rel-security main"
			;;
		esac
	} >"$new/etc/apt/sources.list"
	# The archive's Release of the moving releases can look expired from
	# here (this machine's clock runs past their Valid-Until).
	case $rel in
	bookworm) ;;
	*) echo 'Acquire::Check-Valid-Until "false";' >"$new/etc/apt/apt.conf.d/99tmon-e2e-valid-until" ;;
	esac
	# No service is ever started from package scripts in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
	chmod 0755 "$new/usr/sbin/policy-rc.d"
	echo tmon-e2e >"$new/etc/hostname"
	e2e_chroot_mount "$new" || return 1
	rc=0
	e2e_in "$new" apt-get update -q &&
		e2e_in "$new" apt-get install -y -q --no-install-recommends $E2E_BASE_PKGS &&
		e2e_in "$new" apt-get clean || rc=1
	e2e_chroot_umount "$new" || return 1
	[ $rc -eq 0 ] || return 1
	krel=$(e2e_kernels "$new")
	[ -n "$krel" ] || { echo "no kernel in $new/boot"; return 1; }
	for k in $krel; do
		[ -n "$(e2e_vmlinuz "$new" "$k")" ] || { echo "no vmlinuz for $k"; return 1; }
		[ -s "$new/boot/initrd.img-$k" ] || { echo "no initrd.img-$k"; return 1; }
	done
	printf 'format=%s\nrelease=%s\nkernels=%s\nmade=%s\n' "$E2E_BASE_FORMAT" "$rel" "$krel" "$(date -u +%FT%TZ)" \
		>"$new/.tmon-e2e-ready"
)

# Kernel releases installed in ROOT (those with modules), oldest first.
e2e_kernels() {
	local d
	for d in "$1"/lib/modules/*/; do
		[ -e "$d/modules.dep" ] || [ -e "$d/kernel" ] || continue
		basename "$d"
	done | sort -V | tr '\n' ' ' | sed 's/ $//'
}

# The kernel image of release KREL in ROOT (newer kernels keep it under
# /usr/lib/modules, with or without a /boot copy).
e2e_vmlinuz() {
	local f
	for f in "$1/boot/vmlinuz-$2" "$1/usr/lib/modules/$2/vmlinuz" "$1/lib/modules/$2/vmlinuz"; do
		[ -s "$f" ] && { readlink -f "$f"; return; }
	done
}

# e2e_copy BASE DEST: a fresh copy of a base root.
e2e_copy() {
	e2e_rmtree "$2"
	mkdir -p "$(dirname "$2")"
	cp -a --reflink=auto "$1" "$2"
	rm -f "$2/.tmon-e2e-ready"
}

# ---- packages -------------------------------------------------------------

# e2e_headers_deb DIR ROOT KREL: build in DIR (and print the path of) a
# linux-headers-KREL package as Debian's are for ROOT's release: a tree with
# include/ and the /lib/modules/KREL/build link, and the postinst of ROOT's
# own headers package with its version changed, which runs DKMS's hook
# (/etc/kernel/header_postinst.d) for KREL. For a kernel tmon does not
# support: DKMS never gets as far as the tree.
e2e_headers_deb() {
	local dir=$1 r=$2 k=$3 pkg=linux-headers-$3 t own
	t=$dir/$pkg
	own=$(ls "$r"/var/lib/dpkg/info/linux-headers-*-amd64.postinst 2>/dev/null | head -n 1)
	[ -n "$own" ] || { echo "no linux-headers-*-amd64.postinst in $r" >&2; return 1; }
	rm -rf "$t" && mkdir -p "$t/DEBIAN" "$t/usr/src/$pkg/include" "$t/lib/modules/$k" || return 1
	ln -s "/usr/src/$pkg" "$t/lib/modules/$k/build"
	printf 'Package: %s\nVersion: %s-1\nArchitecture: amd64\nMaintainer: %s\nSection: kernel\nPriority: optional\nDescription: %s\n' \
		"$pkg" "${k%%-*}" "tmon tests <tmon-tests@invalid>" \
		"headers of a kernel tmon does not support (tests/e2e.sh)" >"$t/DEBIAN/control"
	# (bookworm's is Perl, "my $version = ..."; later ones sh, "version=...")
	sed -E -e "s/^(my \\\$version *= *\")[^\"]*/\\1$k/" -e "s/^version=.*/version=$k/" "$own" >"$t/DEBIAN/postinst"
	grep -qE "^(my .version *= *\"$k\"|version=$k\$)" "$t/DEBIAN/postinst" ||
		{ echo "$own: no version line to change" >&2; return 1; }
	chmod 0755 "$t/DEBIAN/postinst"
	dpkg-deb --root-owner-group -b "$t" "$dir/${pkg}_${k%%-*}-1_amd64.deb" >&2 || return 1
	echo "$dir/${pkg}_${k%%-*}-1_amd64.deb"
}

# e2e_apt_install ROOT DEBS...: copy the .debs into ROOT and install them
# with apt exactly as a user would. Should apt's lists of the cached base
# be too old for a dependency, update them and try again.
e2e_apt_install() {
	local r=$1 d names=()
	shift
	mkdir -p "$r/root/debs"
	for d in "$@"; do
		cp "$d" "$r/root/debs/"
		names+=("./$(basename "$d")")
	done
	e2e_in "$r" sh -c 'cd /root/debs && exec apt-get install -y "$@"' sh "${names[@]}" && return 0
	echo "apt-get install failed; apt-get update and once more"
	e2e_in "$r" apt-get update -q || return 1
	e2e_in "$r" sh -c 'cd /root/debs && exec apt-get install -y "$@"' sh "${names[@]}"
}

# Seconds DKMS spent building MODULE/VERSION for KREL in ROOT, from its
# make.log (start date on its 2nd line, the file's mtime at the end).
e2e_dkms_seconds() {
	local log=$1/var/lib/dkms/$2/$3/$4/x86_64/log/make.log start el
	[ -f "$log" ] || { echo "?"; return; }
	el=$(sed -n 's/^# elapsed time: *\([0-9:]*\).*/\1/p' "$log" | tail -n 1)
	if [ -n "$el" ]; then
		echo "$el" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
		return
	fi
	start=$(date -d "$(sed -n 2p "$log")" +%s 2>/dev/null) || { echo "?"; return; }
	echo $(($(stat -c %Y "$log") - start))
}

# The .deb of PACKAGE in DIR (newest version).
e2e_deb() { ls "$1/$2"_*.deb 2>/dev/null | grep -v dbgsym | sort -V | tail -n 1; }

# Upstream version of a .deb.
e2e_deb_version() { dpkg-deb -f "$1" Version | sed 's/-[^-]*$//'; }

# e2e_debs DIST: make sure DIST has the packages (make deb otherwise).
e2e_debs() {
	local dist=$1
	if [ -z "$(e2e_deb "$dist" tmon-dkms)" ] || [ -z "$(e2e_deb "$dist" tmon-utils)" ]; then
		[ "$(readlink -f "$dist")" = "$(readlink -f "$TMON_TOP/dist")" ] ||
			die "no tmon-dkms/tmon-utils .deb in $dist"
		need_pkgs make gcc libc6-dev debhelper dh-dkms dkms dpkg-dev bash-completion libmnl-dev pkg-config
		log "no packages in $dist: make deb"
		mkdir -p "$E2E_OUT"
		make -C "$TMON_TOP" deb >"$E2E_OUT/deb.log" 2>&1 || {
			tail -n 20 "$E2E_OUT/deb.log" >&2
			die "make deb failed, see $E2E_OUT/deb.log"
		}
	fi
}

# ---- the VM ---------------------------------------------------------------

# e2e_guest_files ROOT SCRIPT [VAR=VALUE...]: put PID 1 and the guest
# script (with its settings) into ROOT.
e2e_guest_files() {
	local r=$1 script=$2 kv
	shift 2
	install -m 0755 "$E2E_HERE/guest/init" "$r/tmon-e2e-init"
	rm -rf "$r/tmon-e2e" && mkdir -p "$r/tmon-e2e"
	install -m 0755 "$script" "$r/tmon-e2e/run"
	: >"$r/tmon-e2e/env"
	for kv in "$@"; do
		printf "%s='%s'\n" "${kv%%=*}" "${kv#*=}" >>"$r/tmon-e2e/env"
	done
}

# e2e_image ROOT IMG: an ext4 image of ROOT, with room to spare.
e2e_image() {
	local r=$1 img=$2 mb
	[ -z "$(e2e_mounts_under "$r")" ] || { echo "mounts under $r: not imaging it"; return 1; }
	mb=$(du -sm --one-file-system "$r" | cut -f1)
	rm -f "$img"
	mke2fs -q -F -t ext4 -L tmon-e2e -d "$r" "$img" "$((mb * 5 / 4 + 384))M"
}

# e2e_boot ROOT KREL IMG OUTDIR [KERNEL-ARGS...]: boot kernel KREL of
# ROOT with its own initramfs, IMG as its root disk; console.log and
# report.log in OUTDIR.
e2e_boot() {
	local r=$1 k=$2 img=$3 out=$4 vmlinuz
	shift 4
	vmlinuz=$(e2e_vmlinuz "$r" "$k")
	[ -n "$vmlinuz" ] && [ -s "$r/boot/initrd.img-$k" ] || { echo "no kernel/initrd $k in $r"; return 1; }
	TMON_VM_TIMEOUT=${TMON_VM_TIMEOUT:-900} "$E2E_HERE/../vm/boot.sh" --disk "$img" \
		"$vmlinuz" "$r/boot/initrd.img-$k" "$out" root=/dev/vda rw init=/tmon-e2e-init loglevel=7 "$@"
}

# ---- results --------------------------------------------------------------
# Results go to stdout as PASS/FAIL/SKIP lines; e2e_result keeps count in
# $E2E_FAILS (a file, as results come from subshells).

e2e_result() {	# e2e_result PASS|FAIL|SKIP NAME [DETAIL]
	printf '%-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
	[ "$1" != FAIL ] || [ -z "${E2E_FAILS:-}" ] || echo "$2" >>"$E2E_FAILS"
}

# e2e_checks MODE: the checks guest/check.sh runs in MODE (full, short,
# doctor, systemd), read from its "check NAME FUNCTION" lines: its
# top-level 'if [ "$E2E_MODE" = doctor ]' and 'elif [ "$E2E_MODE" = M ]'
# blocks in their mode, its 'else' part in the others, and in that the
# 'if [ "$E2E_MODE" = full ]' block in full mode only.
e2e_checks() {
	awk -v mode="$1" '/^(if|elif) \[ "\$E2E_MODE" = [a-z]+ \]/ { part = $5; own[part] = 1; next }
		/^else/ { part = "other"; next } /^fi/ { part = ""; next }
		/^\tif \[ "\$E2E_MODE" = full \]/ { full = 1; next } /^\tfi/ { full = 0; next }
		$1 == "check" { c[++n] = $2; p[n] = part; f[n] = full }
		END { for (i = 1; i <= n; i++)
			if ((p[i] == "" || p[i] == (mode in own ? mode : "other")) && (!f[i] || mode == "full")) print c[i] }' \
		"$E2E_HERE/guest/check.sh"
}

# e2e_guest_results PREFIX OUTDIR [MODE]: the guest's E2E-RESULT lines as
# results (with its output on failure), a failure for each check of MODE
# that reported nothing and for checks that did not end well, whether it
# finished, and the kernel log check.
e2e_guest_results() {
	local p=$1 out=$2 mode=${3:-} name res rest bad rc
	while read -r _ name res rest; do
		e2e_result "$res" "$p/$name" "$rest"
		[ "$res" = FAIL ] && awk -v n="$name" '$1 == "E2E-BEGIN" { on = ($2 == n) } on && /^\| / { print "     " $0 }' "$out/report.log"
	done < <(grep '^E2E-RESULT ' "$out/report.log")
	if [ -n "$mode" ]; then
		for name in $(e2e_checks "$mode"); do
			grep -q "^E2E-RESULT $name " "$out/report.log" ||
				e2e_result FAIL "$p/$name" "no result: the check did not run or did not finish"
		done
	fi
	rc=$(sed -n 's/^E2E-RUN-EXIT //p' "$out/report.log" | head -n 1)
	[ -z "$rc" ] || e2e_result FAIL "$p/run-exit" "the guest's checks ended with status $rc (124: timed out)"
	if grep -q '^E2E-DONE' "$out/report.log"; then
		e2e_result PASS "$p/vm-complete" "$(sed -n 's/^E2E-BOOT //p' "$out/report.log" | head -n 1)"
	else
		e2e_result FAIL "$p/vm-complete" "the VM did not finish, see $out/console.log"
		tail -n 30 "$out/console.log" | sed 's/^/     /'
	fi
	bad=$(guest_log_problems E2E "$out/report.log" "$out/console.log")
	if [ -n "$bad" ]; then
		e2e_result FAIL "$p/kernel-log" "$(echo "$bad" | wc -l) problems"
		echo "$bad" | head -n 20 | sed 's/^/     /'
	else
		e2e_result PASS "$p/kernel-log"
	fi
}
