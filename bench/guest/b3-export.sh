# Section 3: export throughput. Streaming: an mmap reader following the
# rings while tmon runs at its shortest period (100 us) with 10 watched
# processes, then readers that sleep between passes (loss as the reader
# slows). Pull: with production frozen and the history full, how many
# records per second each interface delivers to a reader that does
# nothing else: mmap ring copy, netlink dumps, debugfs text.
. /tests/lib.sh
. /tests/blib.sh
D=$(bparam export 5)
r EXPCFG period_us 100 tasks 10 seconds $D
load log_sec=0 log_nsec=100000 history=4096
# The rings exist while /dev/tmon is open: held open throughout, as a
# consumer would, so that the pull below finds them full.
exec 6</dev/tmon
start_sleepers 10 /tmp/pids
bench-helper watch /tmp/pids >/dev/null || fail "watch"
sleep 1

w0=$(tmon_wakeups)
r FOLLOW $D "$(tmon-helper ring follow "$D")"
w1=$(tmon_wakeups)
r WAKE "$((w1 - w0))"
for ms in 0 10 50 100 200 500 1000; do
	r SLOW "$ms" "$(bench-helper ringslow "$ms" "$D")"
done

freeze
r FROZEN samples "$(sysv nr_samples)" cpus_records "$(wc -l <$DBG/cpus)" tasks_records "$(wc -l <$DBG/tasks)"
r PULL ring-mmap "$(bench-helper ringscan "$D")"
r PULL netlink-cpus "$(bench-helper nldump "$D" cpus)"
r PULL netlink-tasks "$(bench-helper nldump "$D" tasks)"
r PULL debugfs-cpus "$(bench-helper textread "$D" $DBG/cpus)"
r PULL debugfs-tasks "$(bench-helper textread "$D" $DBG/tasks)"
bench-helper watch /tmp/pids un >/dev/null
stop_sleepers
exec 6<&-
unload
exit 0
