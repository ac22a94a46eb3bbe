#!/bin/bash
# `make demo`: what a user sees, on a machine that cannot load modules.
# Installs the build dependencies, builds the packages (make deb), then
# tests/e2e/demo.sh prepares (or reuses) a bookworm VM, installs them
# there with apt, boots it, and shows modprobe tmon, tmonctl status, a
# watched process's samples and the first lines of man tmon.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
t0=$(date +%s)
need_pkgs make gcc libc6-dev debhelper dh-dkms dkms dpkg-dev bash-completion libmnl-dev pkg-config
log "building the packages (make deb)"
make -s -C "$TMON_TOP" deb >"$TMON_TOP/build/deb.log" 2>&1 || {
	tail -n 20 "$TMON_TOP/build/deb.log"
	die "make deb failed (build/deb.log)"
}
log "packages: $(cd "$TMON_TOP/dist" && echo tmon-dkms_*.deb tmon-utils_*.deb) ($(($(date +%s) - t0)) s)"
bash "$here/e2e/demo.sh" "$TMON_TOP/dist"
log "demo done in $(($(date +%s) - t0)) s"
