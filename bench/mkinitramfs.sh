#!/bin/bash
# mkinitramfs.sh OUT.cpio MODULE.ko: the benchmark VM's busybox initramfs.
# PID 1 is the test runner (tests/guest/init), which runs /tests/t-*.sh in
# order; the benchmark sections are installed there as t-bN-*.sh, next to
# the peers they are compared with (cyclictest, pidstat).
set -euo pipefail
out=$1 ko=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,tests}
chmod 0755 "$root"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
# A host binary with the shared libraries it needs, at the same paths.
add_binary() {
	local bin=$1 lib
	cp --parents "$bin" "$root"
	for lib in $(ldd "$bin" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		cp --parents -L "$lib" "$root"
	done
}
add_binary /usr/bin/cyclictest
add_binary /usr/bin/pidstat

install -m 0755 "$top/tests/guest/init" "$root/init"
cp "$top/tests/guest/lib.sh" "$root/tests/lib.sh"
cp "$here/guest/blib.sh" "$root/tests/blib.sh"
for s in "$here"/guest/b[0-9]-*.sh; do
	cp "$s" "$root/tests/t-$(basename "$s")"
done
cp "$ko" "$root/tmon.ko"
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/tmon-helper" "$top"/tests/guest/helper/*.c
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/bench-helper" "$here/guest/bench-helper.c"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out"
