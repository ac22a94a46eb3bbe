# The debug kernels of the VM matrix: Debian's linux-source-6.12
# configured for a QEMU guest with the kernel's checkers on, built here
# once per source version and configuration. Sourced by kernels.sh, not
# run; needs common.sh.
#
#   debug   lockdep, KASAN, kmemleak, UBSAN, debug objects, fault
#           injection (tests/vm/debug-kernel.config)
#   kcsan   the data race detector, which excludes KASAN: the same
#           configuration with tests/vm/kcsan-kernel.config on top. Only
#           the module is instrumented (below).
#
# $TMON_CACHE/kernels/FLAVOUR-VERSION/ holds
#   src/          the unpacked source (debug's, shared by kcsan)
#   build/        the O= tree: arch/x86/boot/bzImage, and the tree that
#                 out-of-tree modules build against (make -C build M=DIR)
#   config.log    defconfig, kvm_guest.config and the merge
#   build.log     the build
#   build-time    the last build's wall clock, seconds
#   .tmon-ready   the stamp: the fragments' checksum, written when done

DEBUG_SRC_PKG=linux-source-6.12
DEBUG_FRAGMENT=$TMON_TOP/tests/vm/debug-kernel.config
KCSAN_FRAGMENT=$TMON_TOP/tests/vm/kcsan-kernel.config

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

# debug_fragments FLAVOUR: the configuration fragments of FLAVOUR.
debug_fragments() {
	case $1 in
	debug) echo "$DEBUG_FRAGMENT" ;;
	kcsan) echo "$DEBUG_FRAGMENT $KCSAN_FRAGMENT" ;;
	*) die "unknown debug kernel flavour $1" ;;
	esac
}

# debug_fragment_effective FRAGMENT...: what the merged .config must
# say. Each fragment's lines replace those of the earlier ones for the
# options it names, as merge_config.sh does.
debug_fragment_effective() {
	local out syms f
	out=$(cat "$1")
	shift
	for f; do
		syms=$(grep -oE '^(# )?CONFIG_[A-Za-z0-9_]+' "$f" | sed 's/^# //' | sort -u)
		out=$(grep -vwF -f <(echo "$syms") <<<"$out"; cat "$f")
	done
	echo "$out"
}

# debug_src VERSION: the unpacked linux-source (one tree for every
# flavour); prints its directory.
debug_src() {
	local src=$TMON_CACHE/kernels/debug-$1/src lock
	mkdir -p "${src%/src}"
	exec {lock}>"${src%/src}/.src.lock"
	flock "$lock"
	if [ ! -f "$src/.tmon-unpacked" ]; then
		log "unpacking $DEBUG_SRC_PKG $1"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf "/usr/src/$DEBUG_SRC_PKG.tar.xz" -C "$src" --strip-components=1 ||
			die "cannot unpack /usr/src/$DEBUG_SRC_PKG.tar.xz"
		touch "$src/.tmon-unpacked"
	fi
	exec {lock}>&-
	echo "$src"
}

# debug_kernel [FLAVOUR]: build that debug kernel (default: debug) unless
# the cache has it; prints the O= directory. Runs make at nice 10.
debug_kernel() {
	local flavour=${1:-debug} ver dir src obj lock sum t0 secs nj frags
	local kmake=()
	nj=$(nproc)
	need_pkgs "$DEBUG_SRC_PKG" make gcc flex bison bc libelf-dev libssl-dev xz-utils
	ver=$(dpkg-query -W -f='${Version}' "$DEBUG_SRC_PKG")
	frags=$(debug_fragments "$flavour")
	dir=$TMON_CACHE/kernels/$flavour-$ver
	obj=$dir/build
	# shellcheck disable=SC2086 # one or two file names
	sum=$(cat $frags | sha256sum | cut -d' ' -f1)
	# KCSAN checks the accesses of instrumented code: here only the
	# module's (kbuild instruments an external module unless told
	# otherwise). The kernel's own races, which syzbot lists by the
	# hundred, are not what this kernel is for.
	if [ "$flavour" = kcsan ]; then kmake=(KCSAN_SANITIZE=n); fi
	src=$(debug_src "$ver") || exit 1
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
	# The configuration, from scratch each time (the build itself is
	# incremental): defconfig, the kernel's KVM guest fragment, ours.
	log "configuring the $flavour kernel (see $dir/config.log)"
	mkdir -p "$obj"
	rm -f "$obj/.config"
	{
		make -C "$src" O="$obj" defconfig &&
			make -C "$src" O="$obj" kvm_guest.config &&
			# shellcheck disable=SC2086 # one or two file names
			(cd "$src" && scripts/kconfig/merge_config.sh -O "$obj" "$obj/.config" $frags)
	} >"$dir/config.log" 2>&1 || { tail -n 20 "$dir/config.log" >&2; die "configuring the $flavour kernel failed"; }
	# merge_config.sh only warns when an option did not make it.
	# shellcheck disable=SC2086 # one or two file names
	debug_fragment_effective $frags >"$dir/fragment"
	if ! debug_config_check "$obj/.config" "$dir/fragment" >"$dir/config-check.log"; then
		cat "$dir/config-check.log" >&2
		die "the $flavour kernel's .config lacks options of $frags"
	fi
	log "building the $flavour kernel $ver with $nj jobs (see $dir/build.log; 15 to 30 min on 2 cores)"
	t0=$(date +%s)
	# all: vmlinux, bzImage, the in-tree modules and Module.symvers, which
	# modpost needs for out-of-tree modules.
	if ! nice -n 10 make -C "$src" O="$obj" -j"$nj" "${kmake[@]}" all >"$dir/build.log" 2>&1; then
		grep -E 'error|Error' "$dir/build.log" | head -n 20 >&2
		tail -n 20 "$dir/build.log" >&2
		die "building the $flavour kernel failed, see $dir/build.log"
	fi
	secs=$(($(date +%s) - t0))
	echo "$secs" >"$dir/build-time"
	[ -f "$obj/arch/x86/boot/bzImage" ] && [ -f "$obj/Module.symvers" ] ||
		die "the $flavour kernel build left no bzImage or Module.symvers"
	echo "$sum" >"$dir/.tmon-ready"
	exec {lock}>&-
	log "$flavour kernel $(cat "$obj/include/config/kernel.release") built in $((secs / 60)) min $((secs % 60)) s," \
		"$(du -sh "$dir" | cut -f1) in $dir"
	echo "$obj"
}
