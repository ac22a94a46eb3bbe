#!/bin/bash
# tmon-trace-report on a synthetic `trace-cmd report -t` text whose
# figures are known: two CPUs, two periods, both sched_switch formats.
set -u
R=${1:?usage: test-trace-report.sh path/to/tmon-trace-report}
in=$(mktemp)
trap 'rm -f "$in"' EXIT
cat >"$in" <<'TXT'
cpus=2
          <idle>-0     [000]    10.000010000: sched_switch:         swapper/0:0 [120] R ==> tmon/0:100 [120]
          tmon/0-100   [000]    10.000012000: tmon_wakeup:          cpu=0 seq=1 expected_ns=10000000000 latency_ns=12000 run_ns=3000
          tmon/0-100   [000]    10.000030000: sched_switch:         tmon/0:100 [120] S ==> swapper/0:0 [120]
          <idle>-0     [001]    10.000050000: sched_switch:         prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=tmon/1 next_pid=101 next_prio=120
          tmon/1-101   [001]    10.000052000: tmon_wakeup:          cpu=1 seq=1 expected_ns=10000000000 latency_ns=52000 run_ns=3000
          tmon/1-101   [001]    10.000060000: sched_switch:         prev_comm=tmon/1 prev_pid=101 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
          <idle>-0     [000]    10.050020000: sched_switch:         swapper/0:0 [120] R ==> tmon/0:100 [120]
          tmon/0-100   [000]    10.050021000: tmon_wakeup:          cpu=0 seq=2 expected_ns=10050000000 latency_ns=21000 run_ns=3000
          tmon/0-100   [000]    10.050070000: sched_switch:         tmon/0:100 [120] S ==> swapper/0:0 [120]
          <idle>-0     [001]    10.050030000: sched_switch:         swapper/1:0 [120] R ==> tmon/1:101 [120]
          tmon/1-101   [001]    10.050031000: tmon_wakeup:          cpu=1 seq=2 expected_ns=10050000000 latency_ns=31000 run_ns=3000
          tmon/1-101   [001]    10.050040000: sched_switch:         tmon/1:101 [120] S ==> swapper/1:0 [120]
TXT
out=$("$R" "$in")
want='thread      wakeups   run_min_us   run_avg_us   run_max_us
tmon/0            2         20.0         35.0         50.0
tmon/1            2         10.0         10.0         10.0
periods       count jitter_min_us jitter_avg_us jitter_max_us
release           2         10.0         25.0         40.0'
if [ "$out" = "$want" ]; then
	echo "PASS unit/tmon-trace-report/figures"
else
	echo "FAIL unit/tmon-trace-report/figures"
	diff <(echo "$want") <(echo "$out")
fi
if "$R" --help | grep -q 'trace-cmd record -C mono'; then
	echo "PASS unit/tmon-trace-report/help"
else
	echo "FAIL unit/tmon-trace-report/help"
fi
