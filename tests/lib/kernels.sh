# Kernel matrix for the VM tests: Debian's own kernels, fetched and cached
# under $TMON_CACHE. Sourced, not run; needs common.sh.
#
#   6.1   bookworm's kernel          headers installed on the host
#   6.12  bookworm's 6.12 series     headers installed on the host
#   sid   sid's newest kernel        headers in a sid chroot (they need
#                                    sid's compiler)
#   6.1-rt, 6.12-rt                  bookworm's PREEMPT_RT kernels
#   exp   experimental's newest      release candidates, in the sid
#                                    chroot; none (a SKIP) when
#                                    experimental has nothing newer
#                                    than sid
#
# kernel_prepare ID sets KREL (release), KBUILD (headers tree, as seen by
# the builder), KROOT (chroot directory, empty for the host) and VMLINUZ.

# (the slowest to test first: vm-matrix.sh's lanes take them in turn)
TMON_KERNELS=${TMON_KERNELS:-"sid exp 6.12-rt 6.1-rt 6.1 6.12"}
SID_ROOT=$TMON_CACHE/chroot-sid

# Resolve a Debian meta package (linux-headers-amd64, ...) to the release
# it currently points at, e.g. 6.1.0-56-amd64.
meta_release() {
	local dep
	dep=$("${@:2}" apt-cache depends "$1" 2>/dev/null |
		awk '/Depends: linux-headers-[0-9]/ { sub("linux-headers-", "", $2); print $2; exit }')
	[ -n "$dep" ] || die "cannot resolve $1 to a kernel release"
	echo "$dep"
}

# Extract /boot/vmlinuz-REL from the kernel image package into the cache.
# Newer kernels split the image: vmlinuz is in linux-binary-REL under
# /usr/lib/modules, older ones ship /boot/vmlinuz-REL in linux-image-REL. $2.. is a command prefix for apt-get
# (chroot for sid); the .deb lands in that root's /tmp. The same package's
# fuse.ko, where FUSE is a module (bookworm's 6.1), lands beside it,
# uncompressed, for the guest to load (t-66); "no-fuse.ko" says the
# package has none (FUSE built in).
fetch_vmlinuz() {
	local rel=$1 dir=$TMON_CACHE/kernels/$1 root=/ deb pkg member
	shift
	if [ -s "$dir/vmlinuz" ] && { [ -s "$dir/fuse.ko" ] || [ -e "$dir/no-fuse.ko" ]; }; then
		echo "$dir/vmlinuz"
		return
	fi
	[ $# -gt 0 ] && root=$SID_ROOT
	mkdir -p "$dir"
	log "downloading kernel image $rel"
	for pkg in "linux-binary-$rel" "linux-image-$rel"; do
		"$@" sh -c "cd /tmp && rm -f ${pkg}_*.deb && apt-get download -q $pkg" >&2 2>/dev/null || continue
		deb=$(ls "$root"/tmp/"$pkg"_*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || continue
		for member in "./boot/vmlinuz-$rel" "./usr/lib/modules/$rel/vmlinuz"; do
			dpkg-deb --fsys-tarfile "$deb" | tar -x -O "$member" >"$dir/vmlinuz.tmp" 2>/dev/null || continue
			fetch_fuse_ko "$deb" "$dir"
			rm -f "$deb"
			mv "$dir/vmlinuz.tmp" "$dir/vmlinuz"
			echo "$dir/vmlinuz"
			return
		done
		rm -f "$deb" "$dir/vmlinuz.tmp"
	done
	die "no package of kernel $rel holds /boot/vmlinuz-$rel"
}

# fetch_fuse_ko DEB DIR: DEB's fuse.ko as DIR/fuse.ko, or DIR/no-fuse.ko.
fetch_fuse_ko() {
	local member
	rm -f "$2/fuse.ko" "$2/no-fuse.ko"
	member=$(dpkg-deb --fsys-tarfile "$1" | tar -t | grep -m 1 '/kernel/fs/fuse/fuse\.ko' || true)
	case $member in
	'') : >"$2/no-fuse.ko"; return ;;
	*.xz) dpkg-deb --fsys-tarfile "$1" | tar -x -O "$member" | xz -dc >"$2/fuse.ko.tmp" ;;
	*) dpkg-deb --fsys-tarfile "$1" | tar -x -O "$member" >"$2/fuse.ko.tmp" ;;
	esac
	mv "$2/fuse.ko.tmp" "$2/fuse.ko"
}

sid_chroot_umount() { ! mountpoint -q "$SID_ROOT/proc" || umount "$SID_ROOT/proc"; }

# A sid chroot with sid's kernel headers, compiler and sparse. Built once;
# refreshed (apt upgrade) when older than a week.
sid_chroot() {
	local mirror
	mirror=$(debian_mirror)
	if [ ! -f "$SID_ROOT/.tmon-ready" ]; then
		need_pkgs debootstrap
		sid_chroot_umount
		rm -rf --one-file-system "$SID_ROOT"
		mkdir -p "$TMON_CACHE"
		log "debootstrap sid from the configured archive"
		debootstrap --variant=minbase sid "$SID_ROOT" "$mirror" >"$TMON_CACHE/debootstrap-sid.log" 2>&1 ||
			die "debootstrap sid failed, see $TMON_CACHE/debootstrap-sid.log"
		# The archive's Release can look expired from here.
		echo 'Acquire::Check-Valid-Until "false";' >"$SID_ROOT/etc/apt/apt.conf.d/99tmon-valid-until"
		chroot "$SID_ROOT" apt-get update -qq >&2 || die "apt-get update in sid chroot failed"
		DEBIAN_FRONTEND=noninteractive chroot "$SID_ROOT" apt-get install -y -qq --no-install-recommends \
			linux-headers-amd64 make gcc libc6-dev sparse >&2 ||
			die "installing sid kernel headers failed"
		touch "$SID_ROOT/.tmon-ready"
	elif [ -n "$(find "$SID_ROOT/.tmon-ready" -mtime +7)" ]; then
		log "refreshing sid chroot"
		# (and sid's QEMU, once sid_qemu has installed it)
		local qemu=
		[ -x "$SID_ROOT/usr/bin/qemu-system-x86_64" ] && qemu=qemu-system-x86
		chroot "$SID_ROOT" apt-get update -qq >&2 &&
			DEBIAN_FRONTEND=noninteractive chroot "$SID_ROOT" apt-get install -y -qq --no-install-recommends \
				linux-headers-amd64 make gcc libc6-dev sparse $qemu >&2 &&
			touch "$SID_ROOT/.tmon-ready"
	fi
}

# exp_release: the release of experimental's newest kernel (its headers
# installed in the sid chroot), or nothing when experimental has none
# newer than sid's. Experimental is in the chroot's sources at the
# priority Debian gives it (1: only what is asked for), its lists fetched
# again after a day.
exp_release() {
	local list=$SID_ROOT/etc/apt/sources.list.d/tmon-experimental.list sid rel
	sid_chroot
	if [ ! -f "$list" ] || [ -n "$(find "$list" -mtime +0)" ]; then
		echo "deb $(debian_mirror) experimental main" >"$list"
		chroot "$SID_ROOT" apt-get update -qq >&2 || die "apt-get update with experimental failed"
	fi
	sid=$(meta_release linux-headers-amd64 chroot "$SID_ROOT")
	# (experimental names its kernels by version alone: 7.3-amd64)
	rel=$(chroot "$SID_ROOT" apt-cache search --names-only '^linux-headers-[0-9][0-9.]*-amd64$' |
		awk '{ sub("linux-headers-", "", $1); print $1 }' | sort -V | tail -n 1)
	[ -n "$rel" ] && [ "$(printf '%s\n%s\n' "${sid%%[+-]*}" "${rel%-amd64}" | sort -V | tail -n 1)" = "${rel%-amd64}" ] &&
		[ "${sid%%[+-]*}" != "${rel%-amd64}" ] || return 0
	if [ ! -d "$SID_ROOT/usr/src/linux-headers-$rel" ]; then
		log "installing experimental's linux-headers-$rel in the sid chroot"
		DEBIAN_FRONTEND=noninteractive chroot "$SID_ROOT" apt-get install -y -qq --no-install-recommends \
			-t experimental "linux-headers-$rel" >&2 || die "installing linux-headers-$rel failed"
	fi
	echo "$rel"
}

# sid's QEMU in the sid chroot, for the boots bookworm's 7.2 cannot make:
# more than 255 CPUs under TCG need x2APIC, which TCG has since QEMU 8
# (tests/vm/boot.sh --maxcpus, --qemu-root). Installed once, on first use
# (about 31 MB of packages, 46 of them; 155 MB installed); sid_chroot's
# weekly refresh upgrades it.
sid_qemu() {
	sid_chroot
	[ -x "$SID_ROOT/usr/bin/qemu-system-x86_64" ] && return
	log "installing sid's QEMU in the sid chroot"
	chroot "$SID_ROOT" apt-get update -qq >&2 &&
		DEBIAN_FRONTEND=noninteractive chroot "$SID_ROOT" apt-get install -y -qq --no-install-recommends \
			qemu-system-x86 >&2 ||
		die "installing qemu-system-x86 in the sid chroot failed"
}

kernel_prepare() {
	local id=$1
	case "$id" in
	6.1 | 6.12 | 6.1-rt | 6.12-rt)
		local meta
		case $id in
		6.1) meta=linux-headers-amd64 ;;
		6.12) meta=linux-headers-6.12-amd64 ;;
		6.1-rt) meta=linux-headers-rt-amd64 ;;
		6.12-rt) meta=linux-headers-6.12-rt-amd64 ;;
		esac
		KREL=$(meta_release "$meta")
		need_pkgs "linux-headers-$KREL"
		KROOT=
		KBUILD=/usr/src/linux-headers-$KREL
		VMLINUZ=$(fetch_vmlinuz "$KREL") || exit 1
		;;
	debug | kcsan)
		# Built here from linux-source with the kernel's checkers on
		# (debug-kernel.sh); not in the default TMON_KERNELS. KSLOW
		# scales vm-matrix.sh's time limits: KASAN, lockdep and
		# kmemleak under TCG; KCSAN's watchpoints in the module.
		KBUILD=$(debug_kernel "$id") || exit 1
		KREL=$(cat "$KBUILD/include/config/kernel.release")
		KROOT=
		VMLINUZ=$KBUILD/arch/x86/boot/bzImage
		if [ "$id" = kcsan ]; then KSLOW=2; else KSLOW=4; fi
		# 4-level paging, as on most machines: with TCG's 5-level
		# paging (-cpu max has la57) KASAN once reported a wild
		# access in an interrupt at 0.005 s, before any module, and
		# that report turned lockdep off for the whole run.
		KAPPEND=no5lvl
		;;
	sid)
		sid_chroot
		KREL=$(meta_release linux-headers-amd64 chroot "$SID_ROOT")
		KROOT=$SID_ROOT
		KBUILD=/usr/src/linux-headers-$KREL
		[ -d "$KROOT$KBUILD" ] || die "sid headers $KREL missing in $KROOT"
		VMLINUZ=$(fetch_vmlinuz "$KREL" chroot "$SID_ROOT") || exit 1
		;;
	exp)
		KREL=$(exp_release) || exit 1
		KNONE=
		if [ -z "$KREL" ]; then
			KNONE="experimental has no kernel newer than sid's"
			return 0
		fi
		KROOT=$SID_ROOT
		KBUILD=/usr/src/linux-headers-$KREL
		VMLINUZ=$(fetch_vmlinuz "$KREL" chroot "$SID_ROOT") || exit 1
		;;
	*) die "unknown kernel id $id (known: 6.1 6.12 6.1-rt 6.12-rt sid exp debug kcsan)" ;;
	esac
}

# kernel_make ID DIR ARGS...: run the kernel build system on a copy of the
# module sources in DIR (host path), with the tree's version (the copy has
# no debian/changelog). For sid and exp the copy lives in the chroot, and
# the build gets the chroot's /proc (objtool reads it) in a mount
# namespace of its own: two builds there at once (sid's and exp's, in two
# lanes) cannot unmount it under each other, and none is left mounted.
kernel_make() {
	local id=$1 dir=$2 rc
	shift 2
	set -- TMON_VERSION="$(sh "$TMON_TOP/tools/version" "$TMON_TOP")" "$@"
	if [ -z "$KROOT" ]; then
		make -C "$KBUILD" M="$dir" "$@"
		return
	fi
	local inside=/build/$(basename "$dir")
	rm -rf "$KROOT$inside" && mkdir -p "$KROOT$inside" && cp -a "$dir"/. "$KROOT$inside"/
	unshare -m --propagation private sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" make "$@"' \
		"$KROOT" -C "$KBUILD" M="$inside" "$@"
	rc=$?
	cp -a "$KROOT$inside"/. "$dir"/
	return $rc
}

# The debug kernel: kernel_prepare debug.
. "$(dirname "${BASH_SOURCE[0]}")/debug-kernel.sh"
