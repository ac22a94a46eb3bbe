# Section 4: memory. Watch 100 processes with history=256 at a 10 ms
# period and follow mem_bytes against the stored record count while the
# history fills, then when full, then after drop_caches (the shrinker).
. /tests/lib.sh
. /tests/blib.sh
H=256 T=100
load log_sec=0 log_nsec=10000000 history=$H
r SIZES "$(bench-helper sizes)"
r MEMCFG history $H tasks $T period_ms 10 cpus "$(nr_online)"
# What the kernel sees, independently of tmon's own mem_bytes: slab
# memory and MemAvailable (kB), records as debugfs lists them.
meminfo() { awk '$1 == "Slab:" { s = $2 } $1 == "MemAvailable:" { a = $2 } END { print s, a }' /proc/meminfo; }
r MEM0 "$(sysv nr_samples)" "$(sysv mem_bytes)"
start_sleepers $T /tmp/pids
# (the baseline has the processes, not yet the watches)
r MEMI "$(wc -l <$DBG/tasks)" $(meminfo)
bench-helper watch /tmp/pids >/dev/null || fail "watch"
i=0
while [ $i -lt 10 ]; do
	r MEM "$(sysv nr_samples)" "$(sysv mem_bytes)" "$(sysv nr_tasks)"
	r MEMI "$(wc -l <$DBG/tasks)" $(meminfo)
	sleep 0.4
	i=$((i + 1))
done
r MEMFULL "$(sysv nr_samples)" "$(sysv mem_bytes)" "$(sysv nr_tasks)"
grep -i tmon /proc/slabinfo | sed 's/^/R SLAB /'
echo 2 >/proc/sys/vm/drop_caches
r MEMDROP "$(sysv nr_samples)" "$(sysv mem_bytes)" "$(sysv samples_reclaimed)"
bench-helper watch /tmp/pids un >/dev/null
stop_sleepers
unload
exit 0
