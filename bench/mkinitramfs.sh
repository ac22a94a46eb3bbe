#!/bin/bash
# mkinitramfs.sh OUT.cpio MODULE.ko: the benchmark VM's busybox initramfs.
# PID 1 is the test runner (tests/guest/init), which runs /tests/t-*.sh in
# order; the benchmark sections are installed there as t-bN-*.sh, next to
# the peers they are compared with (cyclictest, pidstat).
set -euo pipefail
out=$1 ko=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$top/tests/lib/initramfs.sh"

initramfs_start "$top" "$ko"
add_binary /usr/bin/cyclictest
add_binary /usr/bin/pidstat
# tmonctl as built on the host, for section 10's interactive commands
make -s -C "$top/tools/tmonctl"
add_binary "$top/tools/tmonctl/tmonctl" bin/tmonctl

cp "$top/tests/guest/lib.sh" "$root/tests/lib.sh"
cp "$here/guest/blib.sh" "$root/tests/blib.sh"
for s in "$here"/guest/b[0-9]*-*.sh; do
	cp "$s" "$root/tests/t-$(basename "$s")"
done
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/bench-helper" "$here/guest/bench-helper.c"
initramfs_finish "$out"
