#!/bin/bash
# boot.sh [--disk IMG] [--icount MODE] VMLINUZ INITRD OUTDIR [KERNEL-ARGS...]:
# boot a VM and wait for it to power off. The one QEMU command line of the
# in-VM tests (tests/vm-matrix.sh), the packages' end-to-end runs
# (tests/e2e) and the benchmark (bench/run.sh). OUTDIR gets console.log
# (ttyS0, the kernel console) and report.log (ttyS1, the guest's report);
# the kernel command line is "console=ttyS0 panic=-1 KERNEL-ARGS". No
# network: the guest has no NIC.
#
#   --disk IMG     a raw disk image as /dev/vda (virtio)
#   --icount MODE  -icount MODE: the guest's clock advances by instructions
#                  executed, so figures do not depend on the host's load
#
# TCG by default (nested KVM hangs at boot here); TMON_VM_ACCEL=kvm
# switches. TMON_VM_TCG_THREAD (single; multi gives each vCPU a host
# thread, which -icount cannot have), TMON_VM_SMP (4), TMON_VM_MEM (1024
# MiB) and TMON_VM_TIMEOUT (seconds, 1500) size the run.
set -euo pipefail
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--disk) extra+=(-drive "file=$2,format=raw,if=virtio,cache=unsafe"); shift 2 ;;
	--icount) extra+=(-icount "$2"); shift 2 ;;
	*) break ;;
	esac
done
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
	"${accel_args[@]}" "${extra[@]}" \
	-m "${TMON_VM_MEM:-1024}" -smp "${TMON_VM_SMP:-4}" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 $*" \
	-display none -no-reboot -nodefaults \
	-serial "file:$out/console.log" -serial "file:$out/report.log" \
	</dev/null || rc=$?
# The tty adds carriage returns.
sed -i 's/\r$//' "$out/console.log" "$out/report.log"
exit $rc
