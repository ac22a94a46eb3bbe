# The debug kernel of the VM matrix (kernel id "debug"): Debian's
# linux-source-6.12 configured for a QEMU guest with the kernel's checkers
# on (lockdep, KASAN, kmemleak, UBSAN, debug objects, fault injection;
# tests/vm/debug-kernel.config) and built here, once per source version
# and configuration. Sourced by kernels.sh, not run; needs common.sh.
#
# $TMON_CACHE/kernels/debug-VERSION/ holds
#   src/          the unpacked source
#   build/        the O= tree: arch/x86/boot/bzImage, and the tree that
#                 out-of-tree modules build against (make -C build M=DIR)
#   config.log    defconfig, kvm_guest.config and the merge
#   build.log     the build
#   build-time    the last build's wall clock, seconds
#   .tmon-ready   the stamp: the fragment's checksum, written when done

DEBUG_SRC_PKG=linux-source-6.12
DEBUG_FRAGMENT=$TMON_TOP/tests/vm/debug-kernel.config

# debug_config_check CONFIG FRAGMENT: every option of FRAGMENT has the
# value it asks for in CONFIG; prints those that do not.
debug_config_check() {
	local cfg=$1 frag=$2 line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" && continue
			sym=${line%%=*}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#"# "}
			sym=${sym%" is not set"}
			grep -q "^$sym=" "$cfg" || continue
			;;
		*) continue ;;
		esac
		echo "  wanted: $line; got: $(grep -E "^$sym=|^# $sym is not set" "$cfg" || echo "(absent: unmet dependency)")"
		bad=1
	done <"$frag"
	return $bad
}

# debug_kernel: build the debug kernel unless the cache has it; prints the
# O= directory. Runs make at nice 10.
debug_kernel() {
	local ver dir src obj lock sum t0 secs nj
	nj=$(nproc)
	need_pkgs "$DEBUG_SRC_PKG" make gcc flex bison bc libelf-dev libssl-dev xz-utils
	ver=$(dpkg-query -W -f='${Version}' "$DEBUG_SRC_PKG")
	dir=$TMON_CACHE/kernels/debug-$ver
	src=$dir/src obj=$dir/build
	sum=$(sha256sum <"$DEBUG_FRAGMENT" | cut -d' ' -f1)
	mkdir -p "$dir"
	# One build at a time; a second caller waits for it and uses it.
	exec {lock}>"$dir/.lock"
	flock "$lock"
	if [ "$(cat "$dir/.tmon-ready" 2>/dev/null)" = "$sum" ] && [ -f "$obj/arch/x86/boot/bzImage" ]; then
		exec {lock}>&-
		echo "$obj"
		return
	fi
	rm -f "$dir/.tmon-ready"
	if [ ! -f "$src/.tmon-unpacked" ]; then
		log "unpacking $DEBUG_SRC_PKG $ver"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf "/usr/src/$DEBUG_SRC_PKG.tar.xz" -C "$src" --strip-components=1 ||
			die "cannot unpack /usr/src/$DEBUG_SRC_PKG.tar.xz"
		touch "$src/.tmon-unpacked"
	fi
	# The configuration, from scratch each time (the build itself is
	# incremental): defconfig, the kernel's KVM guest fragment, ours.
	log "configuring the debug kernel (see $dir/config.log)"
	mkdir -p "$obj"
	rm -f "$obj/.config"
	{
		make -C "$src" O="$obj" defconfig &&
			make -C "$src" O="$obj" kvm_guest.config &&
			(cd "$src" && scripts/kconfig/merge_config.sh -O "$obj" "$obj/.config" "$DEBUG_FRAGMENT")
	} >"$dir/config.log" 2>&1 || { tail -n 20 "$dir/config.log" >&2; die "configuring the debug kernel failed"; }
	# merge_config.sh only warns when an option did not make it.
	if ! debug_config_check "$obj/.config" "$DEBUG_FRAGMENT" >"$dir/config-check.log"; then
		cat "$dir/config-check.log" >&2
		die "the debug kernel's .config lacks options of $DEBUG_FRAGMENT"
	fi
	log "building the debug kernel $ver with $nj jobs (see $dir/build.log; about an hour on 2 cores)"
	t0=$(date +%s)
	# all: vmlinux, bzImage, the in-tree modules and Module.symvers, which
	# modpost needs for out-of-tree modules.
	if ! nice -n 10 make -C "$src" O="$obj" -j"$nj" all >"$dir/build.log" 2>&1; then
		grep -E 'error|Error' "$dir/build.log" | head -n 20 >&2
		tail -n 20 "$dir/build.log" >&2
		die "building the debug kernel failed, see $dir/build.log"
	fi
	secs=$(($(date +%s) - t0))
	echo "$secs" >"$dir/build-time"
	[ -f "$obj/arch/x86/boot/bzImage" ] && [ -f "$obj/Module.symvers" ] ||
		die "the debug kernel build left no bzImage or Module.symvers"
	echo "$sum" >"$dir/.tmon-ready"
	exec {lock}>&-
	log "debug kernel $(cat "$obj/include/config/kernel.release") built in $((secs / 60)) min $((secs % 60)) s," \
		"$(du -sh "$dir" | cut -f1) in $dir"
	echo "$obj"
}
