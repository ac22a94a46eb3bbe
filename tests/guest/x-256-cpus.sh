# (The wide boot, with possible_cpus=256: see vm-matrix.sh.) Every
# interface works with 256 possible CPUs of which 16 are online: status
# (netlink and tmonctl, one nest per possible CPU), the CPU and task
# dumps, the rings' geometry and a recording, latency and list.
. /tests/lib.sh

# x86 kernels since the 6.9 topology rework take the possible CPUs from
# the firmware's tables alone (possible_cpus= only lowers them): they see
# 256 when sid's QEMU lists the hotpluggable ones (vm/boot.sh --maxcpus);
# booted by the host's QEMU (TMON_VM_QEMU_ROOT=none) they see the 16 online.
possible=$(cat /sys/devices/system/cpu/possible)
if [ "$possible" != 0-255 ]; then
	note "SKIP: possible CPUs $possible: this kernel takes them from the firmware, which lists fewer (host QEMU?)"
	exit 77
fi
load log_sec=0 log_nsec=50000000 ring_kb=16
wait_for 10 all_cpus_have 3 || fail "no wakeups"
# With nothing watched, memory follows the online CPUs, not the 256
# possible: no ring memory with /dev/tmon closed (the kernel's vmalloc
# account; 256 x 16 KiB while open), and mem_bytes a few MiB at most (a
# history of 1024 records, 112 KiB, per online CPU, and the reserve).
[ "$(ring_pages)" = 0 ] || fail "ring memory with /dev/tmon closed: $(ring_pages) pages"
m_idle=$(sysv mem_bytes)
[ "$m_idle" -le 4194304 ] || fail "mem_bytes $m_idle with nothing watched, $(nr_online) CPUs online"
sleep 100000 & a=$!
watch $a
wait_for 10 has_samples $a 2 || fail "no samples"

out=$(tmon-helper nl status) || fail "netlink status: $out"
[ "$(echo "$out" | grep -c '^cpu_status')" = 256 ] || fail "netlink status: $(echo "$out" | grep -c '^cpu_status') CPU nests"
# (exit 4 says degraded, not that status failed)
rc=0
tmonctl status --json >/tmp/st.json || rc=$?
[ $rc = 0 ] || [ $rc = 4 ] || fail "tmonctl status: exit $rc: $(cat /tmp/st.json)"
[ "$(jq '.cpus | length' /tmp/st.json)" = 256 ] || fail "tmonctl status --json: $(jq '.cpus | length' /tmp/st.json) CPUs"
[ "$(jq '[.cpus[] | select(.thread_running)] | length' /tmp/st.json)" = "$(nr_online)" ] ||
	fail "tmonctl status: threads running on $(jq '[.cpus[] | select(.thread_running)] | length' /tmp/st.json) CPUs"
rc=0
tmonctl status >/tmp/st.txt || rc=$?
[ $rc = 0 ] || [ $rc = 4 ] || fail "tmonctl status (text): exit $rc"
freeze 3
[ "$(tmon-helper nl dumpcpus)" = "records $(wc -l <$DBG/cpus)" ] || fail "dumpcpus: $(tmon-helper nl dumpcpus)"
[ "$(tmon-helper nl dumptasks $a)" = "records $(nsamples_of $a)" ] || fail "dumptasks: $(tmon-helper nl dumptasks $a)"
write_param log_sec 0 || fail "cannot leave the frozen period"
wait_wakeups 2
tmonctl latency --json >/tmp/lat.json || fail "tmonctl latency"
tmonctl list --json | jq -e ".watched[0].pid == $a" >/dev/null || fail "tmonctl list"
tmonctl record -d 1 -o /tmp/rec.csv 2>/tmp/rec.err || fail "tmonctl record: $(cat /tmp/rec.err)"
grep -q '^[0-9]* records, 0 lost$' /tmp/rec.err || fail "record: $(cat /tmp/rec.err)"
[ "$(grep -c '^task,' /tmp/rec.csv)" -ge 10 ] || fail "record: $(grep -c '^task,' /tmp/rec.csv) task rows"
note "256 possible CPUs: status $(jq '.cpus | length' /tmp/st.json) CPUs, $(nr_online) with threads; $(cat /tmp/rec.err); idle: mem_bytes $m_idle, no ring pages"
kill $a
unload
note "ok"
