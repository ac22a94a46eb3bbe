#!/bin/bash
# boot.sh [--disk IMG] [--icount MODE] VMLINUZ INITRD OUTDIR [KERNEL-ARGS...]:
# boot a VM and wait for it to power off. The one QEMU command line of the
# in-VM tests (tests/vm-matrix.sh), the packages' end-to-end runs
# (tests/e2e) and the benchmark (bench/run.sh). OUTDIR gets console.log
# (ttyS0, the kernel console) and report.log (ttyS1, the guest's report);
# the kernel command line is "console=ttyS0 panic=-1 KERNEL-ARGS", under
# TCG with no_timer_check first (below). No network: the guest has no NIC.
#
#   --disk IMG     a raw disk image as /dev/vda (virtio); what the guest
#                  writes is not kept (snapshot=on): an image serves as
#                  many boots as it is given to
#   --icount MODE  -icount MODE: the guest's clock advances by instructions
#                  executed, so figures do not depend on the host's load
#   --maxcpus N    N possible CPUs, of which the TMON_VM_SMP are online and
#                  the rest hotpluggable (q35, -smp S,maxcpus=N). x86 Linux
#                  since 6.9 takes its possible CPUs from the ACPI MADT
#                  alone (possible_cpus= can only lower them) and counts
#                  the MADT's hotpluggable (disabled) CPUs only under a
#                  hypervisor it knows. TCG is none, so under TCG the
#                  guest is told it runs on VMware: no hypervisor CPUID
#                  bit, "VMware" in the DMI serial, and QEMU's VMware
#                  backdoor port (vmport, on by default) answers the
#                  kernel's probe. N > 255 needs x2APIC, which TCG has only
#                  since QEMU 8: bookworm's 7.2 refuses it (--qemu-root)
#   --qemu-root DIR  run DIR's qemu-system-x86_64 (sid's: sid_qemu in
#                  tests/lib/kernels.sh), chrooted in DIR, in a mount
#                  namespace of its own: the host's tree is mounted at
#                  DIR/mnt (and DIR/proc) for that run only, and the files
#                  are named by their paths there
#
# TCG by default (nested KVM hangs at boot here); TMON_VM_ACCEL=kvm
# switches. TMON_VM_TCG_THREAD (single; multi gives each vCPU a host
# thread, which -icount cannot have), TMON_VM_SMP (4), TMON_VM_MEM (1024
# MiB) and TMON_VM_TIMEOUT (seconds, 1500) size the run; TMON_VM_CPU
# (max) is TCG's CPU model.
set -euo pipefail
extra=() disk='' maxcpus='' qroot=''
while [ $# -gt 0 ]; do
	case $1 in
	--disk) disk=$2; shift 2 ;;
	--icount) extra+=(-icount "$2"); shift 2 ;;
	--maxcpus) maxcpus=$2; shift 2 ;;
	--qemu-root) qroot=$2; shift 2 ;;
	*) break ;;
	esac
done
kernel=$1 initrd=$2 out=$3
shift 3
mkdir -p "$out"
# (the paths QEMU is given: the host's, or where they are seen from the
# chroot of --qemu-root)
at=
[ -n "$qroot" ] && at=/mnt
path() { echo "$at$(realpath -m "$1")"; }
[ -n "$disk" ] && extra+=(-drive "file=$(path "$disk"),format=raw,if=virtio,cache=unsafe,snapshot=on")
: >"$out/console.log"
: >"$out/report.log"

accel=${TMON_VM_ACCEL:-tcg}
case $accel in
tcg) accel_args=(-accel "tcg,thread=${TMON_VM_TCG_THREAD:-single}" -cpu "${TMON_VM_CPU:-max}") ;;
kvm) accel_args=(-accel kvm -cpu host) ;;
*) echo "TMON_VM_ACCEL must be tcg or kvm" >&2; exit 2 ;;
esac
# On a loaded host the emulated timer can miss x86's boot-time check
# that it ticks (check_timer(): "IO-APIC + timer doesn't work!", a panic,
# once in CI's e2e): no_timer_check skips the check.
kargs=()
[ "$accel" = tcg ] && kargs=(no_timer_check)
smp=${TMON_VM_SMP:-4}
if [ -n "$maxcpus" ]; then
	smp=$smp,maxcpus=$maxcpus
	extra+=(-machine q35)
	# (KVM is a hypervisor Linux knows)
	[ "$accel" = tcg ] && accel_args=(-accel "tcg,thread=${TMON_VM_TCG_THREAD:-single}"
		-cpu "${TMON_VM_CPU:-max}",-hypervisor -smbios type=1,serial=VMware-tmon-test)
fi

qemu=(qemu-system-x86_64)
if [ -n "$qroot" ]; then
	[ -x "$qroot/usr/bin/qemu-system-x86_64" ] || { echo "no QEMU in $qroot" >&2; exit 2; }
	# unshare and bash exec: QEMU keeps the PID that timeout signals.
	qemu=(unshare -m --propagation private bash -c '
		mount --rbind / "$0/mnt" && mount -t proc proc "$0/proc" &&
			exec chroot "$0" qemu-system-x86_64 "$@"' "$(realpath "$qroot")")
fi

rc=0
timeout "${TMON_VM_TIMEOUT:-1500}" "${qemu[@]}" \
	"${accel_args[@]}" "${extra[@]}" \
	-m "${TMON_VM_MEM:-1024}" -smp "$smp" \
	-kernel "$(path "$kernel")" -initrd "$(path "$initrd")" \
	-append "console=ttyS0 panic=-1 ${kargs[*]} $*" \
	-display none -no-reboot -nodefaults \
	-serial "file:$(path "$out")/console.log" -serial "file:$(path "$out")/report.log" \
	</dev/null || rc=$?
# The tty adds carriage returns.
sed -i 's/\r$//' "$out/console.log" "$out/report.log"
exit $rc
