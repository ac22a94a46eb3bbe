# 50 load/unload cycles leave no thread, no debugfs or sysfs entry.
. /tests/lib.sh

n=$(nr_online)
i=0
while [ $i -lt 50 ]; do
	load log_sec=0 log_nsec=10000000
	wait_for 10 sh -c "[ \$(cat $SYS/nr_cpus) -eq $n ]" || fail "cycle $i: threads did not start"
	# Unload sometimes before, sometimes after the first wakeups.
	[ $((i % 2)) -eq 0 ] && wait_for 10 all_cpus_have 1
	unload
	[ "$(nr_threads)" -eq 0 ] || fail "cycle $i: $(nr_threads) threads left"
	[ ! -e $SYS ] || fail "cycle $i: $SYS left"
	[ ! -e $DBG ] || fail "cycle $i: $DBG left"
	[ ! -e /sys/module/tmon ] || fail "cycle $i: /sys/module/tmon left"
	i=$((i + 1))
done
note "ok: $i cycles"
