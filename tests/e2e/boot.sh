#!/bin/bash
# boot.sh VMLINUZ INITRD DISK OUTDIR [KERNEL-ARGS...]: boot an installed
# Debian root (DISK, a raw ext4 image, as /dev/vda) with its own kernel and
# initramfs, PID 1 /tmon-e2e-init, and wait for it to power off. OUTDIR
# gets console.log (ttyS0, the kernel console) and report.log (ttyS1, the
# guest's report). No network: the guest has no NIC.
#
# As tests/vm/boot.sh: TCG by default (nested KVM hangs at boot here),
# TMON_VM_ACCEL=kvm switches; TMON_VM_TCG_THREAD, TMON_VM_SMP (4),
# TMON_VM_MEM (1024 MiB) and TMON_VM_TIMEOUT (seconds, 900) size the run.
set -euo pipefail
kernel=$1 initrd=$2 disk=$3 out=$4
shift 4
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
timeout "${TMON_VM_TIMEOUT:-900}" qemu-system-x86_64 \
	"${accel_args[@]}" \
	-m "${TMON_VM_MEM:-1024}" -smp "${TMON_VM_SMP:-4}" \
	-kernel "$kernel" -initrd "$initrd" \
	-drive "file=$disk,format=raw,if=virtio,cache=unsafe" \
	-append "console=ttyS0 root=/dev/vda rw init=/tmon-e2e-init panic=-1 loglevel=7 $*" \
	-display none -no-reboot -nodefaults \
	-serial "file:$out/console.log" -serial "file:$out/report.log" \
	</dev/null || rc=$?
# The tty adds carriage returns.
sed -i 's/\r$//' "$out/console.log" "$out/report.log"
exit $rc
