#!/bin/bash
# mkinitramfs.sh OUT.cpio MODULE.ko: a busybox initramfs holding the
# module, the guest test runner (init) and the in-VM tests.
set -euo pipefail
out=$1 ko=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,tests}
# mktemp -d makes a 0700 directory: the guest root must be traversable.
chmod 0755 "$root"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
install -m 0755 "$here/guest/init" "$root/init"
cp "$here"/guest/*.sh "$root/tests/"
cp "$ko" "$root/tmon.ko"
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/tmon-helper" "$here"/guest/helper/*.c
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out"
