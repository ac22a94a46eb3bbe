#!/bin/bash
# demo.sh [DIST]: the packages in DIST (default dist/, made with make deb
# if missing) installed with apt in a Debian bookworm root, whose own
# kernel then boots under QEMU and shows what a user sees: modprobe tmon,
# tmonctl status, a watched process's samples, man tmon. The guest's
# output is printed here, with a short log of each stage and its time.
# The root is the cached base of tests/e2e.sh ($TMON_CACHE/e2e); the run
# is in $TMON_CACHE/e2e/run/demo, the logs in build/e2e/demo.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/common.sh"
. "$here/lib.sh"

DIST=$(readlink -f "${1:-$TMON_TOP/dist}")
REL=${TMON_DEMO_RELEASE:-bookworm}
need_pkgs debootstrap e2fsprogs qemu-system-x86 util-linux dpkg-dev
e2e_debs "$DIST"
dkms_deb=$(e2e_deb "$DIST" tmon-dkms)
utils_deb=$(e2e_deb "$DIST" tmon-utils)
out=$E2E_OUT/demo run=$E2E_RUN/demo
ROOT=$run/root
mkdir -p "$out" "$run"
trap 'e2e_chroot_umount "$ROOT"' EXIT
T0=$(e2e_now)
took() { echo "$(($(e2e_now) - $1)) s"; }

t=$(e2e_now)
log "[1/5] Debian $REL root with its kernel, headers and dkms (cached; the first time takes minutes)"
base=$(e2e_base "$REL") || die "no $REL root, see $E2E_OUT/base-$REL.log"
e2e_copy "$base" "$ROOT" || die "copying $base"
KREL=$(e2e_kernels "$ROOT")
log "      $REL, kernel $KREL ($(took "$t"))"

t=$(e2e_now)
log "[2/5] apt-get install -y ./$(basename "$dkms_deb") ./$(basename "$utils_deb")  (DKMS builds the module)"
e2e_chroot_mount "$ROOT" || die "mounting /proc, /sys, /dev in $ROOT"
if ! e2e_apt_install "$ROOT" "$dkms_deb" "$utils_deb" >"$out/install.log" 2>&1; then
	tail -n 30 "$out/install.log"
	die "apt-get install failed, see $out/install.log"
fi
grep -E '^(Setting up tmon|Building for|Building initial module|Installing to|Done\.|depmod)' "$out/install.log" | sed 's/^/      /' >&2
log "      $(e2e_in "$ROOT" dkms status | grep '^tmon') ($(took "$t"), DKMS build $(e2e_dkms_seconds "$ROOT" tmon "$(e2e_deb_version "$dkms_deb")" "$KREL") s)"
e2e_chroot_umount "$ROOT"

t=$(e2e_now)
log "[3/5] disk image of the root"
e2e_guest_files "$ROOT" "$here/guest/demo.sh"
e2e_image "$ROOT" "$run/disk.img" >"$out/image.log" 2>&1 || { cat "$out/image.log"; die "mke2fs failed"; }
log "      $run/disk.img ($(took "$t"))"

t=$(e2e_now)
log "[4/5] booting $KREL under QEMU (${TMON_VM_ACCEL:-tcg}, ${TMON_VM_SMP:-4} CPUs, no network)"
e2e_boot "$ROOT" "$KREL" "$run/disk.img" "$out" >"$out/boot.log" 2>&1
log "      VM ran $(took "$t") (console: $out/console.log)"

log "[5/5] in the VM:"
echo
sed -n '/^E2E-BOOT/,/^E2E-DMESG/p' "$out/report.log" | grep -Ev '^E2E-(BOOT|DMESG|DEMO)'
bad=$(guest_log_problems E2E "$out/report.log" "$out/console.log")
[ -z "$bad" ] || { echo "$bad"; die "the guest's kernel log has problems ($out/console.log)"; }
grep -q '^E2E-DEMO OK' "$out/report.log" || die "the demo failed in the VM (see above, $out/console.log)"
[ -n "${TMON_E2E_KEEP:-}" ] || e2e_rmtree "$run"
log "the VM part took $(took "$T0")"
