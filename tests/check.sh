#!/bin/bash
# `make check`: every test. Installs what it needs, then runs the parts
# named on the command line (default: all of them):
#   unit   host tests: ABI layout, tmonctl, tmon-trace-report
#   lint   checkpatch on the module, mandoc on the man pages, shell
#          syntax of the test scripts
#   pkg    make deb, lintian --pedantic on the result
#   vm     the module built (W=1, sparse) and tested in QEMU for each
#          kernel of the matrix (tests/vm-matrix.sh)
#   e2e    the packages installed with apt in Debian bookworm, trixie
#          and sid roots, DKMS, each release's kernel booted from the
#          root; a later kernel, removal, an upgrade (tests/e2e.sh)
# Each result is one PASS/FAIL/SKIP line; the last line is the summary.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/lint.sh"
parts=${*:-unit lint pkg vm e2e}
out=$(mktemp)
trap 'rm -f "$out" "$out.part"' EXIT

need_pkgs make gcc libc6-dev libmnl-dev pkg-config

# The e2e part's Debian roots take minutes to make the first time, mostly
# waiting on dpkg: made in the background from the start, while the other
# parts run.
bases_pid=
if [[ " $parts " == *" e2e "* ]]; then
	mkdir -p "$TMON_TOP/build/e2e"
	bash "$here/e2e.sh" --bases >"$TMON_TOP/build/e2e/bases.log" 2>&1 &
	bases_pid=$!
fi

unit() {
	"$here/unit/run.sh"
	need_pkgs bash-completion
	"$here/unit/test-completion.sh" "$TMON_TOP/tools/tmonctl/tmonctl.bash" "$TMON_TOP/tools/tmonctl/tmonctl"
	need_pkgs gnuplot-nox prometheus prometheus-node-exporter
	"$here/unit/test-tmon-plot.sh" "$TMON_TOP/tools/tmon-plot"
	"$here/unit/test-prometheus.sh" "$here/unit/data/export.prom" "$TMON_TOP/man/tmonctl.1"
}

lint() {
	local cp f res
	cp=$(checkpatch_path) || { echo "FAIL lint/checkpatch  (no checkpatch.pl)"; return; }
	# User space may use <inttypes.h> names and plain attributes.
	for f in "$TMON_TOP"/src/*.[ch] "$TMON_TOP"/tools/tmonctl/*.[ch] "$TMON_TOP"/tools/include/*.h; do
		local ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
		# (and a signal handler's flag is volatile sig_atomic_t, per C11).
		[[ $f == */tools/* ]] && ignore+=,CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO,VOLATILE
		# TRACE_EVENT's conventional layout, as in include/trace/events/.
		[[ $f == */trace.h ]] && ignore+=,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT
		# The field table's macro takes a type and a member: nothing to evaluate twice.
		[[ $f == */tmonctl/fields.c ]] && ignore+=,MACRO_ARG_REUSE
		if res=$("$cp" --no-tree --strict --terse --show-types --ignore "$ignore" -f "$f" 2>&1); then
			echo "PASS lint/checkpatch/${f#"$TMON_TOP"/}"
		else
			echo "FAIL lint/checkpatch/${f#"$TMON_TOP"/}"
			echo "$res" | head -n 20
		fi
	done
	# Pieces that fit in a head: no file of the module or the tool over
	# 400 lines (but what gen.py makes, which is as long as the spec), no
	# function (kernel style: its body from a "{" to a "}" at the start of
	# a line) over 60.
	res=$(for f in "$TMON_TOP"/src/*.[ch] "$TMON_TOP"/tools/tmonctl/*.[ch] "$TMON_TOP"/tools/include/*.h; do
		awk -v f="${f#"$TMON_TOP"/}" '/^{/ { s = FNR; name = prev }
			/^}/ && s { if (FNR - s - 1 > 60) print f ": " name ": " FNR - s - 1 " lines"; s = 0 }
			FNR <= 2 && /Do not edit: made from netlink\/tmon.yaml/ { made = 1 }
			{ prev = $0 } END { if (FNR > 400 && !made) print f ": " FNR " lines" }' "$f"
	done)
	if [ -z "$res" ]; then echo "PASS lint/sizes"
	else echo "FAIL lint/sizes"; echo "$res" | head -n 20; fi
	# The netlink code is what netlink/tmon.yaml makes, and the spec is
	# valid YNL by the kernel's own schema.
	need_pkgs python3-yaml python3-jsonschema
	if res=$(/usr/bin/python3 "$TMON_TOP/netlink/gen.py" --check \
		--schema "$(kernel_source_path)/Documentation/netlink/genetlink-legacy.yaml" 2>&1); then
		echo "PASS lint/netlink-spec"
	else
		echo "FAIL lint/netlink-spec"
		echo "$res" | head -n 20
	fi
	for f in "$here"/*.sh "$here"/lib/*.sh "$here"/vm/*.sh "$here"/unit/*.sh "$here"/e2e/*.sh "$TMON_TOP"/.ci/run \
		"$TMON_TOP"/bench/*.sh; do
		if bash -n "$f"; then echo "PASS lint/bash-syntax/${f#"$TMON_TOP"/}"
		else echo "FAIL lint/bash-syntax/${f#"$TMON_TOP"/}"; fi
	done
	need_pkgs mandoc
	for f in "$TMON_TOP"/man/*.[1-9]; do
		if res=$(mandoc -Tlint -W warning "$f" 2>&1); then
			echo "PASS lint/mandoc/${f#"$TMON_TOP"/}"
		else
			echo "FAIL lint/mandoc/${f#"$TMON_TOP"/}"
			echo "$res" | head -n 10
		fi
	done
	need_pkgs man-db
	for f in "$TMON_TOP"/man/*.[1-9]; do
		# man-db renders through groff: its warnings too must be none.
		res=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		if [ -z "$res" ]; then echo "PASS lint/man-warnings/${f#"$TMON_TOP"/}"
		else echo "FAIL lint/man-warnings/${f#"$TMON_TOP"/}"; echo "$res" | head -n 10; fi
	done
	# The e2e guest runs Debian's /bin/sh (dash).
	for f in "$here"/e2e/guest/*; do
		if dash -n "$f"; then echo "PASS lint/dash-syntax/${f#"$TMON_TOP"/}"
		else echo "FAIL lint/dash-syntax/${f#"$TMON_TOP"/}"; fi
	done
	need_pkgs busybox-static
	for f in "$here"/guest/*.sh "$here"/guest/init "$TMON_TOP"/tools/tmon-trace-report "$TMON_TOP"/bench/guest/*.sh; do
		if busybox sh -n "$f"; then echo "PASS lint/busybox-syntax/${f#"$TMON_TOP"/}"
		else echo "FAIL lint/busybox-syntax/${f#"$TMON_TOP"/}"; fi
	done
}

pkg() {
	local res lrc
	need_pkgs debhelper dh-dkms dkms dpkg-dev lintian bash-completion libmnl-dev mandoc pkg-config
	mkdir -p "$TMON_TOP/build"
	if make -s -C "$TMON_TOP" deb >"$TMON_TOP/build/deb.log" 2>&1; then
		echo "PASS pkg/make-deb  ($(cd "$TMON_TOP/dist" && echo tmon-dkms_*.deb tmon-utils_*.deb))"
		# (dh_auto_test: the module-free unit tests, tests/unit/run.sh)
		res=$(grep '^unit: [0-9]* passed' "$TMON_TOP/build/deb.log")
		if [[ $res == "unit: "[1-9]*" passed, 0 failed"* ]]; then
			echo "PASS pkg/build-time-tests  ($res)"
		else
			echo "FAIL pkg/build-time-tests  (${res:-no unit summary in build/deb.log})"
		fi
	else
		echo "FAIL pkg/make-deb  (see build/deb.log)"
		tail -n 20 "$TMON_TOP/build/deb.log"
		return
	fi
	# Every tag at warning or error level fails; info and pedantic are
	# shown. An override needs a comment saying why (debian/*.lintian-overrides).
	# lintian exits 1 for tags at its fail-on level, 2 when it could not
	# run: a crash with no tags is no clean result.
	res=$(lintian --pedantic -I --show-overrides "$TMON_TOP"/dist/tmon_*.changes 2>&1)
	lrc=$?
	res=$(grep -v '^running with root privileges' <<<"$res")
	[ -n "$res" ] && echo "$res"
	if [ "$lrc" -ne 0 ] && ! grep -q '^[EW]: ' <<<"$res"; then
		echo "FAIL pkg/lintian  (lintian exited $lrc without a tag: it did not run)"
	elif grep -q '^[EW]: ' <<<"$res"; then
		echo "FAIL pkg/lintian  ($(grep -c '^E: ' <<<"$res") errors, $(grep -c '^W: ' <<<"$res") warnings)"
	else
		echo "PASS pkg/lintian  (0 errors, 0 warnings; lintian $(lintian --version | awk '{ print $2 }'))"
	fi
	# (both packages unpacked once, for the checks on what they install)
	local t p
	t=$(mktemp -d)
	for p in "$TMON_TOP"/dist/tmon-dkms_*.deb "$TMON_TOP"/dist/tmon-utils_*.deb; do
		dpkg-deb -x "$p" "$t/root"
	done
	pkg_dkms_range "$t"
	pkg_man_headers "$t/root"
	rm -rf "$t"
}

# pkg_man_headers ROOT: the installed pages render as Linux pages:
# man(7), with no "BSD" in the header, the operating system in the footer.
pkg_man_headers() {
	local p text first eg= bad= n=0
	for p in "$1"/usr/share/man/man*/*.gz; do
		n=$((n + 1))
		# (whole, not piped to grep -q: under pipefail its early exit
		# fails zcat with SIGPIPE once the page outgrows the pipe)
		grep -q '^\.TH ' <<<"$(zcat "$p")" || bad="$bad ${p##*/}:not-man(7)"
		text=$(MANWIDTH=80 man -l "$p" 2>/dev/null)
		first=$(head -n 1 <<<"$text")
		[[ $first != *BSD* ]] || bad="$bad ${p##*/}:'$first'"
		[[ $(tail -n 1 <<<"$text") == Linux* ]] || bad="$bad ${p##*/}:'$(tail -n 1 <<<"$text")'"
		[[ $p != */tmon.4.gz ]] || eg=$(tr -s ' ' <<<"$first")
	done
	if [ -z "$bad" ] && [ "$n" -ge 4 ]; then
		echo "PASS pkg/man-headers  ($n pages, man(7); e.g. $eg)"
	else
		echo "FAIL pkg/man-headers  ($n pages:${bad:- too few})"
	fi
}

# pkg_dkms_range DIR: the supported kernels, as the packaged DKMS config
# (unpacked in DIR/root) says them, asked of DKMS itself (in a tree of its
# own under DIR): a kernel older than 6.1 is skipped with status 77 and
# DKMS's BUILD_EXCLUSIVE message; a later one gets past that check (and
# fails only for want of its headers, none here).
pkg_dkms_range() {
	local t=$1 k rc out ver bad= skipped= taken=
	ver=$(basename "$t"/root/usr/src/tmon-*)
	ver=${ver#tmon-}
	mkdir -p "$t/tree" "$t/src" && cp -a "$t/root/usr/src/tmon-$ver" "$t/src/"
	for k in 4.19.0-99-amd64 5.10.0-99-amd64 6.0.0-99-amd64 6.1.0-99-amd64 6.12.0-99-rt-amd64 6.19.0-99-amd64 \
		7.0.0-99-amd64 10.1.0-99-amd64; do
		out=$(dkms build -m tmon -v "$ver" -k "$k" --dkmstree "$t/tree" --sourcetree "$t/src" 2>&1)
		rc=$?
		if [ $rc -eq 77 ] && grep -q 'BUILD_EXCLUSIVE directive' <<<"$out"; then
			skipped="$skipped ${k%%-*}"
			case $k in [45].* | 6.0.*) ;; *) bad="$bad $k(skipped)" ;; esac
		else
			taken="$taken ${k%%-*}"
			case $k in [45].* | 6.0.*) bad="$bad $k(status $rc, not skipped)" ;; esac
		fi
	done
	if [ -z "$bad" ]; then
		echo "PASS pkg/dkms-kernel-range  (dkms skips${skipped:- none} with status 77; takes${taken:- none})"
	else
		echo "FAIL pkg/dkms-kernel-range  ($bad)"
	fi
}

vm() {
	"$here/vm-matrix.sh"
}

e2e() {
	bash "$here/e2e.sh" "$TMON_TOP/dist"
}

# report_part P RC: part P's results (in $out.part), kept in $out; a part
# that stopped before it could report (a failed install, a build that
# died) has no FAIL line of its own.
report_part() {
	cat "$out.part" >>"$out"
	if [ "$2" -ne 0 ] && ! grep -q '^FAIL ' "$out.part"; then
		echo "FAIL $1/exit  (the part stopped with status $2 before reporting a failure)" |
			tee -a "$out"
	fi
}

for p in $parts; do
	case $p in unit | lint | pkg | vm | e2e) ;; *) die "unknown part '$p' (unit lint pkg vm e2e)" ;; esac
done
# unit, lint and pkg each keep one CPU busy and touch nothing the others
# use (make deb copies the tree without what unit builds in it): they run
# side by side, their results shown in order once all are done.
side=$(for p in $parts; do case $p in unit | lint | pkg) echo "$p" ;; esac; done)
if [ "$(echo $side | wc -w)" -gt 1 ]; then
	pids=()
	for p in $side; do
		log "== $p (side by side with: $(echo $side))"
		{ $p >"$out.$p" 2>&1; echo $? >"$out.$p.rc"; } &
		pids+=($!)
	done
	# (not the e2e bases, also in the background)
	wait "${pids[@]}"
	for p in $side; do
		tee "$out.part" <"$out.$p"
		report_part "$p" "$(cat "$out.$p.rc")"
		rm -f "$out.$p" "$out.$p.rc"
	done
	parts=$(for p in $parts; do case $p in unit | lint | pkg) ;; *) echo "$p" ;; esac; done)
fi
for p in $parts; do
	# (a base that failed in the background is tried again by e2e)
	if [ "$p" = e2e ] && [ -n "$bases_pid" ]; then
		log "waiting for the e2e base roots (build/e2e/bases.log)"
		wait "$bases_pid" || tail -n 20 "$TMON_TOP/build/e2e/bases.log"
	fi
	log "== $p"
	$p 2>&1 | tee "$out.part"
	report_part "$p" "${PIPESTATUS[0]}"
done

pass=$(grep -c '^PASS ' "$out")
fails=$(grep -c '^FAIL ' "$out")
skips=$(grep -c '^SKIP ' "$out")
echo
grep '^FAIL ' "$out"
echo "$pass passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ] && [ "$pass" -gt 0 ]
