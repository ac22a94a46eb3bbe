#!/bin/bash
# The version is written once, in debian/changelog: no source of the
# module, tmonctl, the packages or the pages repeats it, the DKMS config
# takes the package's, and tmonctl reports the changelog's.
# test-version.sh TOP TMONCTL
top=$1 tmonctl=$2
check() {	# check NAME OK? DETAIL
	if [ "$2" = 1 ]; then echo "PASS unit/version/$1${3:+  ($3)}"
	else echo "FAIL unit/version/$1${3:+  ($3)}"; fi
}
ver=$(sh "$top/tools/version" "$top")
check changelog "$([ -n "$ver" ] && echo 1)" "debian/changelog: ${ver:-no version}"
hits=$(cd "$top" && grep -rnwFI --exclude=changelog -- "$ver" src tools debian man Makefile | head -n 3)
check written-once "$([ -z "$hits" ] && echo 1)" "${hits:-only debian/changelog has $ver}"
dk=$(grep '^PACKAGE_VERSION=' "$top/debian/tmon-dkms.dkms")
check dkms-config "$([ "$dk" = 'PACKAGE_VERSION="#MODULE_VERSION#"' ] && [ ! -e "$top/dkms.conf" ] && echo 1)" "$dk"
out=$("$tmonctl" --version)
check tmonctl "$([[ $out == "tmonctl $ver "* ]] && echo 1)" "$out"
