#!/bin/bash
# mkinitramfs.sh OUT.cpio MODULE.ko YNL [KERNEL.ko...]: a busybox initramfs
# holding the module, the guest test runner (init), the in-VM tests, and
# the kernel's YNL client (YNL: linux-source's tools/net/ynl) with what
# Python it needs; the kernel's own modules the tests load, if any, in
# /lib/modules.
set -euo pipefail
out=$1 ko=$2 ynl=$3
shift 3
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/initramfs.sh"

initramfs_start "$here/.." "$ko"
mkdir -p "$root/lib/modules"
[ $# = 0 ] || cp "$@" "$root/lib/modules/"
add_binary /usr/bin/trace-cmd
# trace-cmd report formats events through libtraceevent's plugins.
cp --parents -r /usr/lib/x86_64-linux-gnu/traceevent "$root"
install -m 0755 "$here/../tools/tmon-trace-report" "$root/bin/tmon-trace-report"
# tmonctl as built on the host (libmnl comes along), jq to check its
# JSON, tmux to give top a real terminal.
make -s -C "$here/../tools/tmonctl"
add_binary "$here/../tools/tmonctl/tmonctl" bin/tmonctl
add_binary /usr/bin/jq
add_binary /usr/bin/tmux
# tmux insists on a UTF-8 locale: Debian's C.UTF-8.
cp --parents -r /usr/lib/locale/C.utf8 "$root"
for t in t/tmux t/tmux-256color s/screen l/linux v/vt100; do
	cp --parents -L "/lib/terminfo/$t" "$root" 2>/dev/null ||
		cp --parents -L "/usr/share/terminfo/$t" "$root"
done
# The kernel's YNL client, a client nobody here wrote, driven by the
# spec: the interpreter and the modules it imports (the host's own list,
# with their compiled forms; no jsonschema: lint validates the spec).
add_binary /usr/bin/python3.11 usr/bin/python3
mkdir -p "$root/ynl"
cp -r "$ynl/cli.py" "$ynl/lib" "$root/ynl/"
cp "$here/../netlink/tmon.yaml" "$root/ynl/"
cp "$here/guest/ynl-session.py" "$root/ynl/"
/usr/bin/python3 - "$ynl" "$here/../netlink/tmon.yaml" <<'EOF' | while read -r f; do
import importlib.util, os, runpy, sys
# Run the client as the guest does, as far as the host goes (it has no
# tmon family), so that what it imports on the way (argparse's gettext
# takes locale) is listed too.
sys.path.insert(0, sys.argv[1])
sys.argv = ['cli.py', '--spec', sys.argv[2], '--no-schema', '--output-json', '--do', 'get-status']
try:
	runpy.run_path(os.path.join(sys.path[0], 'cli.py'), run_name='__main__')
except BaseException:
	pass
import encodings.ascii, encodings.latin_1  # noqa: F401
for m in list(sys.modules.values()):
	f = getattr(m, '__file__', None)
	if not f or not f.startswith('/usr/lib/python3'):
		continue
	print(f)
	if f.endswith('.py') and os.path.exists(importlib.util.cache_from_source(f)):
		print(importlib.util.cache_from_source(f))
print('/usr/lib/python3.11/os.py')	# the landmark of sys.prefix
EOF
	case $f in
	*.so) add_binary "$f" ;;
	*) cp --parents "$f" "$root" ;;
	esac
done
cp "$here"/guest/*.sh "$root/tests/"
# The manual pages, whose examples t-86 runs.
mkdir -p "$root/man"
cp "$here"/../man/*.[14] "$root/man/"
# The stress test's children exec this name (tmon-helper stress churn).
ln -s tmon-helper "$root/bin/churn-child"
initramfs_finish "$out"
