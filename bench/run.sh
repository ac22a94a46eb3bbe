#!/bin/bash
# make bench: boot bookworm's 6.12 kernel under QEMU with the module, run
# the benchmark sections (bench/guest/b*.sh) against their peers in that
# one boot, and turn the raw results into bench/report.md and plots.
#
#   BENCH_ICOUNT=off          plain TCG instead of -icount shift=1,sleep=off
#   BENCH_ARGS="bench.lat=5"  section durations etc. (see bench/guest)
#   BENCH_ONLY=t-b1-latency   run only these sections (comma list)
#   BENCH_TCG_CHECK=0         skip the second, plain-TCG boot (latency only)
#   BENCH_FULL=0              skip the third boot: section 7 again with
#                             preempt=full on the kernel's command line
#   BENCH_RT=0                skip the fourth boot: latency on 6.12-rt, the
#                             bookworm kernel that has the timerlat tracer
#   BENCH_REUSE=1             skip the VM, re-analyse build/bench/report.log
#   BENCH_CPU=max             the CPU model (default max,-erms,-fsrm: below)
# Raw data and intermediates: build/bench/. Takes about an hour.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib/common.sh"
. "$here/../tests/lib/kernels.sh"
. "$here/../tests/lib/kernel-log.sh"

# log_check DIR: the boot in DIR left no bad kernel log line (the same
# list the tests use); they are kept in DIR/bad-log.
log_check() {
	[ -f "$1/console.log" ] || return 0
	bad_log_lines tcg <"$1/console.log" >"$1/bad-log" || true	# (its boots are TCG)
	[ -s "$1/bad-log" ] || return 0
	log "the kernel log of $1 has $(wc -l <"$1/bad-log") bad lines:"
	head -n 10 "$1/bad-log" >&2
}

# bench_boot OUTDIR INITRD KERNEL-ARGS...: the benchmark VM, booting
# $VMLINUZ (tests/vm/boot.sh). No slub_debug (it would inflate the sample
# allocations being measured) and, by default, -icount. -icount needs
# single-threaded TCG, which runs the vCPUs in turn on one host thread: a
# vCPU busy with anything (a user-space loop will do) keeps a woken
# thread on the other vCPU from running for up to milliseconds, for every
# tool alike. BENCH_ICOUNT=off boots plain TCG; with BENCH_TCG_THREAD=multi
# each vCPU has a host thread of its own, as a machine's CPUs run, and
# figures depend on the host's load. BENCH_SMP (2), BENCH_MEM (4096 MiB:
# section 10's 10 000 watches keep the default history of 1024 in it),
# BENCH_TIMEOUT (s, 2400) size it.
# BENCH_CPU (max,-erms,-fsrm) is the CPU model. -icount charges each
# iteration of a rep-prefixed string instruction as one instruction, and
# with ERMS/FSRM the kernel clears and copies memory a byte an iteration
# (rep stosb, rep movsb): a 4 KiB page cleared costs 8 us of guest time
# against about 0.1 us on hardware, and Debian's init_on_alloc clears
# every page allocated. Without them it uses its 8-byte and unrolled
# loops, whose instruction counts are near hardware's cycles.
BENCH_CPU=${BENCH_CPU:-max,-erms,-fsrm}
bench_boot() {
	local out=$1 initrd=$2 icount=()
	shift 2
	case ${BENCH_ICOUNT:-shift=1,sleep=off} in
	off) ;;
	*) icount=(--icount "${BENCH_ICOUNT:-shift=1,sleep=off}") ;;
	esac
	TMON_VM_SMP=${BENCH_SMP:-2} TMON_VM_MEM=${BENCH_MEM:-4096} TMON_VM_TIMEOUT=${BENCH_TIMEOUT:-2400} \
		TMON_VM_TCG_THREAD=${BENCH_TCG_THREAD:-single} TMON_VM_CPU=$BENCH_CPU \
		"$here/../tests/vm/boot.sh" "${icount[@]}" "$VMLINUZ" "$initrd" "$out" loglevel=4 "$@"
}

work=$TMON_TOP/build/bench
mkdir -p "$work"
t0=$(date +%s)
need_pkgs qemu-system-x86 busybox-static cpio gcc libc6-dev make rt-tests sysstat gnuplot-nox python3

if [ -z "${BENCH_REUSE:-}" ]; then
	kernel_prepare 6.12 >"$work/prepare.log" 2>&1 || { tail -n 20 "$work/prepare.log"; die "kernel 6.12"; }
	kernel_prepare 6.12 2>/dev/null
	log "kernel $KREL"
	rm -rf "$work/module" && mkdir -p "$work/module" && cp -a "$TMON_TOP"/src/. "$work/module"/
	kernel_make 6.12 "$work/module" modules >"$work/module.log" 2>&1 ||
		{ tail -n 20 "$work/module.log"; die "module build failed"; }
	"$here/mkinitramfs.sh" "$work/initramfs.cpio" "$work/module/tmon.ko" >"$work/initramfs.log" 2>&1 ||
		{ tail -n 20 "$work/initramfs.log"; die "initramfs failed"; }
	echo "${BENCH_ICOUNT:-shift=1,sleep=off}" >"$work/mode"
	echo "$BENCH_CPU" >"$work/cpu"
	echo "$KREL" >"$work/kernel"
	log "booting the benchmark VM (-icount ${BENCH_ICOUNT:-shift=1,sleep=off})"
	hz=$(sed -n 's/^CONFIG_HZ=//p' "$KROOT$KBUILD/.config")
	vt0=$(date +%s)
	bench_boot "$work" "$work/initramfs.cpio" tmontimeout=1800 bench.hz="${hz:-250}" \
		${BENCH_ONLY:+tmontest=$BENCH_ONLY} ${BENCH_ARGS:-} || log "VM exit status $?"
	echo $(($(date +%s) - vt0)) >"$work/vm-seconds"
	grep -q '^TMON-DONE' "$work/report.log" || { tail -n 30 "$work/console.log"; die "the VM did not finish"; }
	if grep '^TMON-RESULT' "$work/report.log" | grep -v ' PASS '; then
		log "a section failed: see $work/report.log"
	fi
	# Latency once more in real time: plain TCG, where the host's own
	# scheduling shows through, as a cross-check of the icount figures.
	rm -rf "$work/tcg"
	if [ "${BENCH_TCG_CHECK:-1}" != 0 ] && [ "${BENCH_ICOUNT:-}" != off ]; then
		log "booting the plain-TCG latency cross-check"
		BENCH_ICOUNT=off bench_boot "$work/tcg" "$work/initramfs.cpio" \
			tmontimeout=600 tmontest=t-b1-latency bench.hz="${hz:-250}" ${BENCH_ARGS:-} || log "VM exit status $?"
		grep -q '^TMON-DONE' "$work/tcg/report.log" || log "the plain-TCG boot did not finish"
	fi
	# Section 7 once more in the same kernel booted with preempt=full
	# (PREEMPT_DYNAMIC): kernel code is then preemptible outside its
	# locks, and a woken thread no longer waits for a kworker to reach a
	# preemption point.
	rm -rf "$work/full"
	if [ "${BENCH_FULL:-1}" != 0 ] && { [ -z "${BENCH_ONLY:-}" ] || [[ ,$BENCH_ONLY, == *,t-b7-punctual,* ]]; }; then
		log "booting the same kernel with preempt=full: punctuality"
		bench_boot "$work/full" "$work/initramfs.cpio" tmontimeout=900 \
			tmontest=t-b7-punctual bench.hz="${hz:-250}" preempt=full ${BENCH_ARGS:-} || log "VM exit status $?"
		grep -q '^TMON-DONE' "$work/full/report.log" || log "the preempt=full boot did not finish"
	fi
	# bookworm's 6.12 has no timerlat tracer; its PREEMPT_RT flavour has:
	# the latency section once more there, under -icount, for that column,
	# and the late wakeups traced there too.
	rm -rf "$work/rt"
	if [ "${BENCH_RT:-1}" != 0 ]; then
		mkdir -p "$work/rt"
		if (kernel_prepare 6.12-rt) >"$work/rt/prepare.log" 2>&1; then
			kernel_prepare 6.12-rt 2>/dev/null
			log "kernel $KREL: latency with timerlat"
			mkdir -p "$work/rt/module" && cp -a "$TMON_TOP"/src/. "$work/rt/module"/
			if kernel_make 6.12-rt "$work/rt/module" modules >"$work/rt/module.log" 2>&1 &&
				"$here/mkinitramfs.sh" "$work/rt/initramfs.cpio" "$work/rt/module/tmon.ko" \
					>"$work/rt/initramfs.log" 2>&1; then
				echo "$KREL" >"$work/rt/kernel"
				hz=$(sed -n 's/^CONFIG_HZ=//p' "$KROOT$KBUILD/.config")
				bench_boot "$work/rt" "$work/rt/initramfs.cpio" tmontimeout=900 \
					tmontest=t-b1-latency,t-b9-late bench.hz="${hz:-250}" ${BENCH_ARGS:-} || log "VM exit status $?"
				grep -q '^TMON-DONE' "$work/rt/report.log" || log "the 6.12-rt boot did not finish"
			else
				log "6.12-rt: module or initramfs failed, see $work/rt/"
			fi
		else
			log "6.12-rt kernel not available, see $work/rt/prepare.log"
		fi
	fi
fi
bad=0
for d in "$work" "$work/tcg" "$work/full" "$work/rt"; do
	log_check "$d" || true
	[ ! -s "$d/bad-log" ] || bad=1
done
# The duration of the run that measured, kept for re-analyses.
[ -n "${BENCH_REUSE:-}" ] || echo $(($(date +%s) - t0)) >"$work/total-seconds"
/usr/bin/python3 "$here/analyze.py" "$work" "$here"
log "report: $here/report.md ($(($(date +%s) - t0)) s)"
[ "$bad" = 0 ] || die "a benchmark boot's kernel log has bad lines (build/bench/*/bad-log)"
