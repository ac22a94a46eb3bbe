#!/bin/bash
# boot.sh VMLINUZ INITRAMFS OUTDIR [KERNEL-ARGS...]: boot the benchmark VM
# and wait for it to power off; console.log is ttyS0, report.log ttyS1.
#
# Unlike tests/vm/boot.sh: no slub_debug (it would inflate the sample
# allocations being measured) and, by default, -icount: the guest's clock
# advances by instructions executed (2^shift ns each), so figures do not
# depend on what else the host is running. BENCH_ICOUNT=off boots plain
# TCG; BENCH_SMP (2), BENCH_MEM (2048 MiB), BENCH_TIMEOUT (s) size it.
#
# -icount needs single-threaded TCG, which runs the vCPUs in turn on one
# host thread: a vCPU busy with anything (a user-space loop will do)
# keeps a woken thread on the other vCPU from running for up to
# milliseconds, for every tool alike. BENCH_ICOUNT=off
# BENCH_TCG_THREAD=multi gives each vCPU a host thread of its own, as a
# machine's CPUs run; its figures depend on the host's load.
set -euo pipefail
kernel=$1 initrd=$2 out=$3
shift 3
mkdir -p "$out"
: >"$out/console.log"
: >"$out/report.log"

icount=()
case ${BENCH_ICOUNT:-shift=1,sleep=off} in
off) ;;
*) icount=(-icount "${BENCH_ICOUNT:-shift=1,sleep=off}") ;;
esac

rc=0
timeout "${BENCH_TIMEOUT:-2400}" qemu-system-x86_64 \
	-accel "tcg,thread=${BENCH_TCG_THREAD:-single}" -cpu max "${icount[@]}" \
	-m "${BENCH_MEM:-2048}" -smp "${BENCH_SMP:-2}" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=4 $*" \
	-display none -no-reboot -nodefaults \
	-serial "file:$out/console.log" -serial "file:$out/report.log" \
	</dev/null || rc=$?
sed -i 's/\r$//' "$out/console.log" "$out/report.log"
exit $rc
