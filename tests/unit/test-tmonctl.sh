#!/bin/bash
# tmonctl on the host, against a fake sysfs tree (TMONCTL_SYSFS): exit
# codes, one-line errors, the period parser and the order of writes.
# Prints PASS/FAIL lines.
set -u
T=${1:?usage: test-tmonctl.sh path/to/tmonctl}
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
export TMONCTL_SYSFS=$fake

check() {	# check NAME WANT_RC [WANT_STDOUT_REGEX] -- ARGS...
	local name=$1 want=$2 pat=$3 rc out err
	shift 4
	out=$("$T" "$@" 2>"$fake/.err"); rc=$?
	err=$(cat "$fake/.err")
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL unit/tmonctl/$name  (exit $rc, wanted $want: $err)"; return
	fi
	if [ "$want" -ne 0 ] && { [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [[ $err != tmonctl:* ]]; }; then
		echo "FAIL unit/tmonctl/$name  (error is not one 'tmonctl:' line: $err)"; return
	fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$out$err"; then
		echo "FAIL unit/tmonctl/$name  (output does not match '$pat': $out$err)"; return
	fi
	echo "PASS unit/tmonctl/$name"
}

# Without the module.
check no-module-status 3 "run 'modprobe tmon'" -- status
check no-module-period 3 "run 'modprobe tmon'" -- period
check help 0 '^Usage: tmonctl' -- --help
check version 0 '^tmonctl [0-9.]+ \(abi [0-9]+\)$' -- --version
check no-args 2 '' --
check unknown-command 2 "unknown command 'frobnicate'" -- frobnicate
check empty-command 2 "unknown command ''" -- ""
check status-extra-arg 2 "unexpected argument 'x'" -- status x
for bad in 0 0.00009 3600.000000001 3601 -1 1e3 .5. abc 1.0000000001 "" . 0x10 " 1"; do
	check "bad-period-'$bad'" 2 'is not a period' -- period "$bad"
done
check period-extra-arg 2 "unexpected argument" -- period 1 2

# With a fake module.
mkdir -p "$fake/kernel/tmon" "$fake/module/tmon/parameters"
echo "0.1.0 abi 1" >"$fake/kernel/tmon/version"
echo 1000000000 >"$fake/kernel/tmon/period_ns"
echo 4 >"$fake/kernel/tmon/nr_cpus"
echo 1 >"$fake/module/tmon/parameters/log_sec"
echo 0 >"$fake/module/tmon/parameters/log_nsec"
check status 0 'period +1\.000000000 s' -- status
check status-prefix 0 'threads +4' -- st
check period-get 0 '^1\.000000000$' -- period
for v in 0.25:0:250000000 0.0001:0:100000 3600:3600:0 2.5:2:500000000 1.000000001:1:1; do
	IFS=: read -r arg sec nsec <<<"$v"
	check "period-set-$arg" 0 '' -- period "$arg"
	got="$(cat "$fake/module/tmon/parameters/log_sec") $(cat "$fake/module/tmon/parameters/log_nsec")"
	if [ "$got" = "$sec $nsec" ]; then echo "PASS unit/tmonctl/period-params-$arg"
	else echo "FAIL unit/tmonctl/period-params-$arg  (log_sec log_nsec = $got, wanted $sec $nsec)"; fi
done
chmod 0444 "$fake/module/tmon/parameters/log_nsec"
if [ "$(id -u)" -ne 0 ]; then
	check period-set-readonly 1 'cannot set' -- period 0.5
fi
