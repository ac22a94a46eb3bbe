#!/bin/sh
# Stand-in for the kernel's scripts/checker-valid.sh, which Debian's
# linux-headers packages of some releases do not ship: without it Kbuild
# silently turns C=1/C=2 off. Prints 1 when the checker ($@) parses the
# newest construct the kernel headers need, 0 otherwise.
command -v "$1" >/dev/null || { echo 0; exit 0; }
tmp=$(mktemp --suffix=.c)
trap 'rm -f "$tmp"' EXIT
printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$tmp"
# sparse exits 0 even on errors: look at what it prints.
"$@" "$tmp" 2>&1 | awk -v c=1 '/error/ { c = 0 } END { print c }'
