#!/bin/bash
# The unit tests that need no module and nothing beyond the package's
# build dependencies (and python3): run by `make check` (tests/check.sh
# unit) and at package build time (debian/rules, dh_auto_test).
#   run.sh [--summary]   PASS/FAIL/SKIP lines; with --summary the count
#                        too, and exit status 1 on a failure
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
b=$top/build/unit
mkdir -p "$b"

tests() {
	if gcc -std=c11 -pedantic -Wall -Wextra -Werror -o "$b/abi-layout" "$here/abi-layout.c" &&
		"$b/abi-layout"; then
		echo "PASS unit/abi-layout"
	else
		echo "FAIL unit/abi-layout"
	fi
	if make -s -C "$top" tools; then
		echo "PASS unit/tmonctl-build"
		"$here/test-tmonctl.sh" "$top/tools/tmonctl/tmonctl"
		"$here/test-man-options.sh" "$top/tools/tmonctl/tmonctl" "$top/man/tmonctl.1"
		"$here/test-man-see-also.sh" "$top/man/tmon.4" "$top/man/tmonctl.1"
		"$here/test-version.sh" "$top" "$top/tools/tmonctl/tmonctl"
		# Linked against tmonctl's own objects: the parsers and formatters,
		# every record field in every output, and the state file.
		for t in tmonctl-format tmonctl-fields tmonctl-state; do
			if gcc -std=c11 -D_GNU_SOURCE -D__SANE_USERSPACE_TYPES__ -Wall -Wextra -Werror \
				-o "$b/$t" "$here/$t.c" \
				$(ls "$top"/tools/tmonctl/*.o | grep -v /main.o) -lmnl; then
				"$b/$t"
			else
				echo "FAIL unit/$t  (does not build)"
			fi
		done
		if res=$("$top/tools/tmonctl/gen-man-fields" --check "$top/tools/tmonctl/tmonctl" \
			"$top/man/tmonctl.1" 2>&1); then
			echo "PASS unit/tmonctl-fields/man-page"
		else
			echo "FAIL unit/tmonctl-fields/man-page  ($(echo "$res" | head -n 8 | tr '\n' ';'))"
		fi
	else
		echo "FAIL unit/tmonctl-build"
	fi
	"$here/test-trace-report.sh" "$top/tools/tmon-trace-report"
	"$here/test-kernel-log.sh"
}

[ "${1:-}" = --summary ] || { tests; exit 0; }
out=$(tests 2>&1)
echo "$out"
pass=$(grep -c '^PASS ' <<<"$out")
fails=$(grep -c '^FAIL ' <<<"$out")
echo "unit: $pass passed, $fails failed, $(grep -c '^SKIP ' <<<"$out") skipped"
[ "$fails" -eq 0 ] && [ "$pass" -gt 0 ]
