#!/bin/bash
# boot.sh VMLINUZ INITRAMFS OUTDIR [KERNEL-ARGS...]: boot the test VM and
# wait for it to power off. OUTDIR gets console.log (ttyS0, the kernel
# console) and report.log (ttyS1, the test report).
#
# TCG by default (nested KVM hangs at boot here); TMON_VM_ACCEL=kvm
# switches. TMON_VM_SMP (4), TMON_VM_MEM (1024 MiB) and TMON_VM_TIMEOUT
# (seconds, 1500) size the run.
#
# noirqdebug: with PREEMPT_RT's threaded interrupts the emulated 8250 often
# raises an edge IRQ that the handler thread then finds already served;
# the spurious-IRQ detector counts those and disables the report port's
# IRQ after a burst of output, and the guest then blocks on it forever.
set -euo pipefail
kernel=$1 initrd=$2 out=$3
shift 3
mkdir -p "$out"
: >"$out/console.log"
: >"$out/report.log"

accel=${TMON_VM_ACCEL:-tcg}
case $accel in
tcg) accel_args=(-accel "tcg,thread=${TMON_VM_TCG_THREAD:-single}" -cpu max) ;;
kvm) accel_args=(-accel kvm -cpu host) ;;
*) echo "TMON_VM_ACCEL must be tcg or kvm" >&2; exit 2 ;;
esac

rc=0
timeout "${TMON_VM_TIMEOUT:-1500}" qemu-system-x86_64 \
	"${accel_args[@]}" \
	-m "${TMON_VM_MEM:-1024}" -smp "${TMON_VM_SMP:-4}" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=7 slub_debug=FZPU noirqdebug $*" \
	-display none -no-reboot -nodefaults \
	-serial "file:$out/console.log" -serial "file:$out/report.log" \
	</dev/null || rc=$?
# The tty adds carriage returns.
sed -i 's/\r$//' "$out/console.log" "$out/report.log"
exit $rc
