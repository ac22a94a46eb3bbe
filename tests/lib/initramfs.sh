# The busybox initramfs of the in-VM tests (tests/vm/mkinitramfs.sh) and
# of the benchmark (bench/mkinitramfs.sh), in one place. Sourced; the
# root being built is $root. PID 1 is the test runner, tests/guest/init,
# which runs /tests/t-*.sh in order.

# initramfs_start TOP KO: a new root in $root (gone at exit) with busybox,
# the runner, the module and tmon-helper, built from the tree at TOP.
initramfs_start() {
	local top=$1 ko=$2 app
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
	install -m 0755 "$top/tests/guest/init" "$root/init"
	cp "$ko" "$root/tmon.ko"
	gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/tmon-helper" "$top"/tests/guest/helper/*.c
}

# add_binary BIN [DEST]: a host binary with the shared libraries it needs,
# at the same paths (or the binary at DEST).
add_binary() {
	local bin=$1 lib
	if [ -n "${2:-}" ]; then
		mkdir -p "$(dirname "$root/$2")"
		cp "$bin" "$root/$2"
	else
		cp --parents "$bin" "$root"
	fi
	for lib in $(ldd "$bin" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		cp --parents -L "$lib" "$root"
	done
}

# initramfs_finish OUT: the root as a newc cpio archive.
initramfs_finish() {
	(cd "$root" && find . | cpio -o -H newc --quiet) >"$1"
}
