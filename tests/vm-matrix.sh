#!/bin/bash
# The module part of `make check`: for every kernel of the matrix, build
# the module (W=1, sparse), boot Debian's kernel under QEMU with it and
# run the in-VM tests. Prints one PASS/FAIL/SKIP line per result;
# tests/check.sh counts them.
#
#   TMON_KERNELS="6.1 6.12 sid"   which kernels (default: all); "debug"
#                                 is a kernel built here with lockdep,
#                                 KASAN, kmemleak, UBSAN and debug objects,
#                                 "kcsan" one with KCSAN on the module
#                                 (tests/lib/debug-kernel.sh)
#   TMON_TESTS=t-10-threads,...   which in-VM tests (default: all;
#                                 commas or blanks between; a name with
#                                 no tests/guest/NAME.sh fails the run)
#   TMON_FUZZ_SEED, TMON_STRESS_SEED, TMON_FLOOR_SECONDS
#                                 passed to the guest's tests
#   TMON_VM_ACCEL=kvm             use KVM instead of TCG
#   TMON_VM_QEMU_ROOT=DIR         the root whose QEMU boots the 256-CPU
#                                 VM (default: the sid chroot, sid's QEMU
#                                 installed on first use; none: the host's
#                                 QEMU, and kernels 6.9+ SKIP x-256-cpus)
#   TMON_VM_JOBS=2                VMs run at once (default: the host's
#                                 CPUs, at most 2); each VM is one TCG
#                                 thread, so two lanes halve the time
#   TMON_VM_PARTS=2               boots each kernel's tests are split over
#                                 when two or more lanes run (default 2)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/kernels.sh"
. "$here/lib/kernel-log.sh"
. "$here/lib/lint.sh"

work=$TMON_TOP/build/tests
mkdir -p "$work"
pass=0 failc=0 skip=0

# This run's share of a kernel's tests: part I of N (TMON_VM_PART=I/N,
# set by the lanes below), or all of them.
part=${TMON_VM_PART:-1/1}
part_i=${part%/*} part_n=${part#*/}

# tests_named: the names TMON_TESTS lists, one a line.
tests_named() { tr -s ', \t' '\n\n\n' <<<"${TMON_TESTS:-}" | grep -v '^$'; }

# guest_tests t|x|p: the guest tests this run must report on, of the main
# boot (t-*) or of boots of their own (x-*, the wide boot; p-*, the paced
# one): those TMON_TESTS names, or every tests/guest/t-*.sh, x-*.sh,
# p-*.sh; of those, every N-th from the I-th for part I of N (x-* and p-*
# in the last).
guest_tests() {
	local t
	if [ -n "${TMON_TESTS:-}" ]; then
		tests_named | grep "^$1-" || true
	else
		for t in "$here"/guest/"$1"-*.sh; do
			basename "$t" .sh
		done
	fi | if [ "$1" != t ]; then
		[ "$part_i" = "$part_n" ] && cat
	else
		awk -v i="$part_i" -v n="$part_n" '(NR - i) % n == 0'
	fi
}

# The foundation tests (threads, rate, parameters, the task file,
# netlink) run in the wide boot, with 16 CPUs online, instead of
# the main one: issue 20's many-CPU guest. They cost it about 15 s a
# kernel more than they would in the main boot, which is to be had anyway
# for x-256-cpus. (t-60, whose history of 1000 records a CPU takes 20 to
# 56 s to fill and read with 16 vCPUs on two host cores, stays in the
# main boot: CI time.) A slow kernel (the debug kernel) runs them in its
# main boot: its 16 vCPUs on one TCG thread took 12 minutes to boot, and
# its checkers see the same code with 4 CPUs; x-256-cpus still boots wide,
# with 4 of its 256 possible CPUs online (what it checks is the possible
# ones; 16 had not reached init after 22 minutes).
WIDE_TESTS="t-10-threads t-20-rate t-30-params t-70-tasks t-82-netlink"
# wide_foundation: the foundation tests of this kernel's wide boot, one a line.
wide_foundation() { [ "$KSLOW" -gt 1 ] || printf '%s\n' $WIDE_TESTS; }
# wide_cpus: the online CPUs of this kernel's wide boot.
wide_cpus() { if [ "$KSLOW" -gt 1 ]; then echo 4; else echo 16; fi; }

# wide_tests: this run's tests of the wide boot (in the last part): the
# x-* tests and the foundation tests this run names.
wide_tests() {
	guest_tests x
	[ "$part_i" = "$part_n" ] || return 0
	part_i=1 part_n=1 guest_tests t | grep -xF -f <(wide_foundation) || true
}

# guest_boot NAME TESTS [OPTION...] -- [KERNEL-ARG...]: boot the kernel
# ($VMLINUZ, $vdir/initramfs.cpio) running TESTS, with boot.sh's OPTIONs
# and KERNEL-ARGs beside the common ones, into $vdir/NAME ($vdir for
# main), and report the results as $k/NAME's ($k's for main).
guest_boot() {
	local name=$1 tests=$2 dir=$vdir/$1 res=$k/$1 opts=() t0 vrc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	[ "$name" = main ] && dir=$vdir res=$k
	mkdir -p "$dir"
	t0=$(date +%s)
	"$here/vm/boot.sh" "${opts[@]}" "$VMLINUZ" "$vdir/initramfs.cpio" "$dir" "${base_args[@]}" \
		tmontest=$(echo $tests | tr ' ' ,) "$@" $KAPPEND "${slow_args[@]}" "${guest_env[@]}"
	vrc=$?
	log "kernel $k: the $name VM ran $(($(date +%s) - t0)) s (exit $vrc)"
	guest_results "$res" "$dir" "$vrc" $tests
}

# guest_results K VDIR VRC TESTS...: the report of the boot in VDIR (boot.sh
# exit VRC) as results: each test's, a failure for each of TESTS that did
# not report, whether the VM finished, and the kernel log.
guest_results() {
	local k=$1 vdir=$2 vrc=$3 name res rest last bad boot=$1
	shift 3
	# (a kernel's boots, when there are several, are told apart)
	[ "$part_n" -gt 1 ] && [ "$k" = "${k%/*}" ] && boot=$k/part$part_i
	while read -r _ name res rest; do
		# (a boot that ran more than its list would count tests twice)
		[[ " $* " == *" $name "* ]] || { result FAIL "$k/$name" "ran, but was not this boot's to run"; continue; }
		result "$res" "$k/$name" "$rest"
		[ "$res" = FAIL ] && awk -v n="$name" '$1 == "TMON-BEGIN" { on = ($2 == n) } on && /^\| / { print "     " $0 }' "$vdir/report.log"
	done < <(grep -a '^TMON-RESULT ' "$vdir/report.log")
	# A test that never ran or never finished is a failure, not a gap.
	for name in "$@"; do
		grep -aq "^TMON-RESULT $name " "$vdir/report.log" ||
			result FAIL "$k/$name" "no result: the test did not run or did not finish"
	done
	if ! grep -q '^TMON-DONE' "$vdir/report.log"; then
		last=$(awk '$1 == "TMON-BEGIN" { t = $2 } $1 == "TMON-RESULT" { t = "after " $2 } END { print t }' "$vdir/report.log")
		result FAIL "$boot/vm-complete" "the VM did not finish (exit $vrc) in ${last:-boot}, see $vdir/console.log"
		tail -n 30 "$vdir/console.log"
	else
		result PASS "$boot/vm-complete"
	fi
	bad=$(guest_log_problems TMON "$vdir/report.log" "$vdir/console.log")
	if [ -n "$bad" ]; then
		result FAIL "$boot/kernel-log" "$(echo "$bad" | wc -l) problems"
		echo "$bad" | head -n 20
	else
		result PASS "$boot/kernel-log"
	fi
}

result() {	# result PASS|FAIL|SKIP NAME [DETAIL]
	case $1 in PASS) pass=$((pass + 1)) ;; FAIL) failc=$((failc + 1)) ;; SKIP) skip=$((skip + 1)) ;; esac
	printf '%-4s %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

# A name that is no test would run nothing and pass: refused before any
# boot.
bad_names=0
for t in $(tests_named); do
	[[ $t == [txp]-* ]] && [ -f "$here/guest/$t.sh" ] && continue
	result FAIL "vm/TMON_TESTS/$t" "no such in-VM test: tests/guest/t-*.sh, x-*.sh and p-*.sh are"
	bad_names=1
done
[ $bad_names = 0 ] || exit 1

# (gnuplot and prometheus: the host's checks of the files the guests
# hand out, below; a vm-only run on a new machine needs them too)
need_pkgs qemu-system-x86 busybox-static cpio sparse make gcc libc6-dev trace-cmd \
	libmnl-dev pkg-config jq tmux ncurses-base python3 python3-yaml \
	gnuplot-nox prometheus prometheus-node-exporter
# The kernel's YNL client for the guests (extracted here, before the lanes).
ynl_dir=$(kernel_source_path)/tools/net/ynl || exit 1

# Lanes: TMON_VM_JOBS copies of this script, each taking the next boot
# from one queue when it is done with the last. A kernel's tests are split
# over TMON_VM_PARTS boots, so that the lanes end close together: whole
# kernels (15 minutes each) left one lane idle for a third of the run.
# The queue holds every kernel's first part, in TMON_KERNELS order (the
# default lists the slowest first), then the second parts, and so on: a
# kernel's first part, which builds the module, ends before its second
# starts. The results are printed lane by lane at the end (the log lines
# come as they go).
jobs=${TMON_VM_JOBS:-$(nproc)}
[ "$jobs" -gt 2 ] && [ -z "${TMON_VM_JOBS:-}" ] && jobs=2
parts=${TMON_VM_PARTS:-2}
set -- $TMON_KERNELS
if [ "$jobs" -gt 1 ] && [ $(($# * parts)) -gt 1 ]; then
	# (built once here: the lanes' initramfs scripts would race on it)
	make -s -C "$TMON_TOP/tools/tmonctl" || die "tmonctl does not build"
	rm -f "$work"/build-*.ok "$work"/build-*.failed
	queue=$work/lane-queue
	for ((i = 1; i <= parts; i++)); do
		printf "%s $i/$parts\n" "$@"
	done >"$queue"
	# next_boot: the queue's first line, taken off it (under its lock)
	next_boot() {
		flock "$queue" sh -c 'k=$(head -n 1 "$1") && sed -i 1d "$1" && echo "$k"' sh "$queue"
	}
	lane() {	# lane I
		local k p rc=0
		while read -r k p < <(next_boot) && [ -n "$k" ]; do
			log "lane $1: $k, part $p"
			TMON_VM_JOBS=1 TMON_VM_PART=$p TMON_KERNELS="$k" bash "$here/vm-matrix.sh" || rc=1
		done
		return $rc
	}
	pids=()
	for ((i = 0; i < jobs; i++)); do
		lane $i >"$work/lane-$i.out" &
		pids+=($!)
	done
	rc=0
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" || rc=1
		cat "$work/lane-$i.out"
	done
	exit $rc
fi

# build_module K: the module built for kernel K (KREL, KROOT set) in
# $bdir, W=1 and sparse (C=2 checks every file); warnings fail.
build_module() {
	local k=$1 brc warnings nchecked nsrc cv
	rm -rf "$bdir" && mkdir -p "$bdir" && cp -a "$TMON_TOP"/src/. "$bdir"/
	if [ -n "$KROOT" ]; then
		# Debian's headers for some releases lack this probe; without it
		# Kbuild silently turns sparse off.
		cv=$KROOT/usr/src/linux-headers-${KREL%-amd64}-common/scripts/checker-valid.sh
		[ -e "$cv" ] || install -m 0755 "$here/lib/checker-valid.sh" "$cv"
	fi
	kernel_make "$k" "$bdir" W=1 C=2 modules >"$blog" 2>&1
	brc=$?
	if [ $brc -ne 0 ] || [ ! -f "$bdir/tmon.ko" ]; then
		result FAIL "$k/build" "see $bdir/build.log"
		tail -n 20 "$blog"
		return 1
	fi
	result PASS "$k/build"
	warnings=$(grep -E 'warning:|error:' "$blog" | grep -v 'Skipping BTF' || true)
	if [ -n "$warnings" ]; then
		result FAIL "$k/build-W=1" "$(echo "$warnings" | wc -l) warnings"
		echo "$warnings" | head -n 20
	else
		result PASS "$k/build-W=1"
	fi
	nchecked=$(grep -c '^  CHECK ' "$blog" || true)
	nsrc=$(ls "$TMON_TOP"/src/*.c | wc -l)
	if [ "$nchecked" -ne "$nsrc" ]; then
		result FAIL "$k/sparse" "sparse checked $nchecked of $nsrc files"
	else
		result PASS "$k/sparse" "$nchecked files"
	fi
}

for k in $TMON_KERNELS; do
	# (under a lock: two parts of a kernel may fetch it at once)
	if ! (flock 8 && kernel_prepare "$k") 8>"$work/prepare.lock" >"$work/prepare-$k.log" 2>&1; then
		result FAIL "$k/prepare" "see $work/prepare-$k.log"
		tail -n 5 "$work/prepare-$k.log"
		continue
	fi
	KSLOW=1 KAPPEND= KNONE=
	kernel_prepare "$k" 2>/dev/null
	if [ -n "$KNONE" ]; then
		result SKIP "$k/kernel" "$KNONE"
		continue
	fi
	log "kernel $k: $KREL"

	# The build, once per kernel: the first of its parts to get here
	# builds, under a lock, and marks the outcome; the others take the
	# module (a failed build was reported once, by the part that tried).
	# The lanes removed the marks of earlier runs.
	bdir=$work/build-$KREL
	blog=$work/build-$KREL.log
	[ "$part_n" -eq 1 ] && rm -f "$bdir.ok" "$bdir.failed"
	exec 9>"$bdir.lock"
	flock 9
	if [ ! -f "$bdir.ok" ] && [ ! -f "$bdir.failed" ]; then
		if build_module "$k"; then touch "$bdir.ok"; else touch "$bdir.failed"; fi
	fi
	exec 9>&-
	[ -f "$bdir.ok" ] || continue
	vdir=$work/vm-$KREL
	[ "$part_n" -gt 1 ] && vdir=$vdir-part$part_i
	rm -rf "$vdir" && mkdir -p "$vdir"
	# (the kernel's fuse.ko where FUSE is a module: kernels.sh)
	kmods=() fuse_ko=$(dirname "$VMLINUZ")/fuse.ko
	[ ! -s "$fuse_ko" ] || kmods=("$fuse_ko")
	if ! "$here/vm/mkinitramfs.sh" "$vdir/initramfs.cpio" "$bdir/tmon.ko" "$ynl_dir" "${kmods[@]}" \
		>"$vdir/initramfs.log" 2>&1; then
		result FAIL "$k/initramfs" "see $vdir/initramfs.log"
		tail -n 10 "$vdir/initramfs.log"
		continue
	fi
	# A slow kernel (KSLOW > 1: the debug kernel) gets KSLOW times the
	# time limits: each test's in the guest (600 s), the VM's (boot.sh).
	slow_args=()
	# tmonslow tells the tests (TMON_SLOW in lib.sh) to scale what they
	# expect of timing: CPU time accounting loses ticks on a slow guest.
	[ "$KSLOW" -gt 1 ] && slow_args=(tmontimeout=$((600 * KSLOW)) tmonslow=$KSLOW)
	# noirqdebug: with
	# PREEMPT_RT's threaded interrupts the emulated 8250 often raises an
	# edge IRQ that the handler thread then finds already served; the
	# spurious-IRQ detector counts those and disables the report port's
	# IRQ after a burst of output, and the guest then blocks on it forever.
	base_args=(loglevel=7 noirqdebug)
	# Every slab misuse shows in the kernel log (the main and wide boots;
	# the paced one measures pace, with the allocator as shipped).
	slab_debug=slub_debug=FZPU
	# Seeds and bounds for the guest, which gets them as environment
	# variables from the kernel command line.
	guest_env=()
	for v in TMON_FUZZ_SEED TMON_STRESS_SEED TMON_FLOOR_SECONDS; do
		[ -n "${!v:-}" ] && guest_env+=("$v=${!v}")
	done
	# The guest runs the tests named on its command line: this part's,
	# but for those of the wide boot.
	main_tests=$(guest_tests t | grep -vxF -f <(wide_foundation))
	main_limit=$((${TMON_VM_TIMEOUT:-1500} * KSLOW))
	[ -z "$main_tests" ] || TMON_VM_TIMEOUT=$main_limit guest_boot main "$main_tests" -- $slab_debug
	# The wide boot: 256 possible CPUs, 16 online (4 on a slow kernel),
	# for x-256-cpus and the foundation tests. Kernels before 6.9 take possible_cpus=256;
	# later ones count the firmware's hotpluggable CPUs, which only sid's
	# QEMU can list 256 of under TCG (boot.sh --maxcpus). Without it
	# (TMON_VM_QEMU_ROOT=none, or sid_qemu failed) those kernels SKIP
	# x-256-cpus, and the rest runs with 16 possible CPUs.
	wide=$(wide_tests)
	if [ -n "$wide" ]; then
		qroot=${TMON_VM_QEMU_ROOT:-}
		if [ -z "$qroot" ]; then
			if (flock 8 && sid_qemu) 8>"$work/prepare.lock" >"$work/sid-qemu.log" 2>&1; then
				qroot=$SID_ROOT
			else
				log "kernel $k: no sid QEMU (see $work/sid-qemu.log): the wide VM runs the host's"
			fi
		fi
		cpus256=()
		[ -n "$qroot" ] && [ "$qroot" != none ] && cpus256=(--maxcpus 256 --qemu-root "$qroot")
		# 10 minutes; on a slow kernel as long as its main boot gets: the
		# debug kernel took 700 s (its clock) to boot with 256 possible
		# CPUs, most of it in ACPI, and was in the first of its six tests
		# after 24 of the 40 minutes it had.
		wide_limit=$((600 * KSLOW))
		[ "$KSLOW" -gt 1 ] && wide_limit=$main_limit
		TMON_VM_SMP=$(wide_cpus) TMON_VM_TIMEOUT=$wide_limit \
			guest_boot wide "$wide" "${cpus256[@]}" -- possible_cpus=256 $slab_debug
	fi
	# The paced boot, for the p-* tests: -icount (the guest's clock is
	# the instructions it runs, 1 ns each), 4 CPUs, so that it keeps a
	# 100 us period, as plain TCG does not (about 1 200 wakeups a second
	# a CPU there), and samples 10 000 processes every 10 ms. It boots on
	# one CPU (maxcpus=1) and each test brings up the ones it uses
	# (paced_cpus_up): under -icount bookworm's QEMU and 6.1 hang at boot
	# bringing up a second CPU, which comes up by hotplug once running.
	# The CPU model is the bench's (bench/run.sh): -icount would charge
	# each byte of a rep stosb as an instruction. 2 GiB: 10 000 processes
	# need more than 1 GiB's threads-max.
	paced=$(guest_tests p)
	[ -z "$paced" ] || TMON_VM_SMP=4 TMON_VM_MEM=2048 TMON_VM_CPU=max,-erms,-fsrm \
		TMON_VM_TIMEOUT=$((600 * KSLOW)) \
		guest_boot paced "$paced" --icount shift=0,sleep=off -- maxcpus=1
	# Files the tests handed out (TMON-FILE blocks): checked here with
	# the host's tools, as a user would use them.
	[ ! -f "$vdir/report.log" ] ||
		awk -v d="$vdir/files" '$1 == "|" && $2 == "TMON-FILE-END" { f = ""; next }
			$1 == "|" && $2 == "TMON-FILE" { f = d "/" $3; system("mkdir -p " d); printf "" >f; next }
			f != "" { sub(/^\| ?/, ""); print >>f }' "$vdir/report.log"
	if [ -f "$vdir/files/export.prom" ]; then
		"$here/unit/test-prometheus.sh" "$vdir/files/export.prom" "$TMON_TOP/man/tmonctl.1" |
			sed "s|unit/prometheus|$k/prometheus|"
	fi
	# JSON views of names that are not UTF-8 (t-77): strict UTF-8, valid
	# JSON, a document or one per line.
	for f in "$vdir"/files/names-*.json; do
		[ -f "$f" ] || continue
		if out=$(python3 - "$f" 2>&1 <<-'EOF'
			import json, sys
			text = open(sys.argv[1], "rb").read().decode("utf-8", "strict")
			try:
			    json.loads(text)
			except ValueError:
			    for line in text.splitlines():
			        if line.strip():
			            json.loads(line)
			EOF
		); then
			result PASS "$k/json-utf8/$(basename "$f")"
		else
			result FAIL "$k/json-utf8/$(basename "$f")" "$(echo "$out" | tail -n 1)"
		fi
	done
	# The man pages' tmon-plot lines (t-86), as written, where the files
	# the examples made in the guest are.
	if [ -f "$vdir/files/man-host-lines" ]; then
		rm -rf "$vdir/files/man" && mkdir "$vdir/files/man"
		for f in "$vdir"/files/man-*.csv; do
			[ -f "$f" ] && cp "$f" "$vdir/files/man/${f##*/man-}"
		done
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			rm -f "$vdir"/files/man/*.png
			if out=$(cd "$vdir/files/man" && PATH=$TMON_TOP/tools:$PATH sh -c "$line" 2>&1) &&
				png=$(cd "$vdir/files/man" && ls -- *.png 2>/dev/null) && [ -n "$png" ]; then
				result PASS "$k/man-example-host-$n" "$ $line: $png"
			else
				result FAIL "$k/man-example-host-$n" "$ $line: ${out:-no .png made}"
			fi
		done <"$vdir/files/man-host-lines"
	fi
	if [ -f "$vdir/files/recording.csv" ]; then
		if out=$("$TMON_TOP/tools/tmon-plot" -o "$vdir/files/recording.png" "$vdir/files/recording.csv" 2>&1) &&
			[ -s "$vdir/files/recording.png" ]; then
			result PASS "$k/tmon-plot" "$vdir/files/recording.png"
		else
			result FAIL "$k/tmon-plot" "$out"
		fi
	fi
done

[ $failc -eq 0 ]
