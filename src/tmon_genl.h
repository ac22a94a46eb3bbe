/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/* Do not edit: made from netlink/tmon.yaml by netlink/gen.py. */
#ifndef _TMON_GENL_H
#define _TMON_GENL_H

#include <linux/types.h>

enum tmon_task_state {
	TMON_STATE_RUNNING,
	TMON_STATE_EXITED,
};

enum tmon_event_kind {
	TMON_EVENT_THREAD_LATENCY = 1,
	TMON_EVENT_IRQ_LATENCY,
	TMON_EVENT_EXIT,
	TMON_EVENT_BUDGET_OVER,
	TMON_EVENT_BUDGET_UNDER,
	TMON_EVENT_THREAD_LOST,
	TMON_EVENT_THREAD_BACK,
	TMON_EVENT_SAMPLES_DROPPED,
	TMON_EVENT_RING_LOST,

	/* private: */
	__TMON_EVENT_MAX,
	TMON_EVENT_MAX = (__TMON_EVENT_MAX - 1)
};

enum tmon_budget {
	TMON_BUDGET_CPU = 1,
	TMON_BUDGET_RSS,
	TMON_BUDGET_MAJFLT,

	/* private: */
	__TMON_BUDGET_MAX,
	TMON_BUDGET_MAX = (__TMON_BUDGET_MAX - 1)
};

/*
 * One wakeup of one CPU's tmon thread.
 *
 * @expected_ns: the oldest timer expiry this wakeup serves
 *	(CLOCK_MONOTONIC).
 * @latency_ns: thread latency: the thread running minus @expected_ns,
 *	in full however many periods it slept through.
 * @irq_latency_ns: IRQ latency: the timer callback for @expected_ns
 *	minus @expected_ns (as the timerlat tracer measures both).
 * @run_ns: time the thread spent on the record (its critical part).
 * @nvcsw, @nivcsw: the thread's voluntary/involuntary switches so far.
 * @missed: later expiries folded into this wakeup, because they came
 *	before the thread had served @expected_ns. Loss, counted: for
 *	consecutive records k-1, k of one CPU, with the period P unchanged
 *	between them,
 *		expected_ns[k] == expected_ns[k-1] + P * (1 + missed[k-1]).
 * @user_ns..@softirq_ns: the CPU's time split since the previous
 *	record (user includes nice; same sources as /proc/stat).
 */
struct tmon_cpu_record {
	__u32 cpu;
	__u32 missed;
	__u64 seq;
	__u64 expected_ns;
	__u64 latency_ns;
	__u64 irq_latency_ns;
	__u64 run_ns;
	__u64 nvcsw;
	__u64 nivcsw;
	__u64 user_ns;
	__u64 system_ns;
	__u64 idle_ns;
	__u64 iowait_ns;
	__u64 irq_ns;
	__u64 softirq_ns;
};

/*
 * One sample of one watched process (its whole thread group).
 *
 * @pid: thread group id: in the reader's pid namespace where it is read
 *	through read() of /dev/tmon, netlink or debugfs; in the initial
 *	one in the mapped rings and the tracepoint.
 * @cpu: CPU the group leader last ran on.
 * @seq: per-task sample number, from 0.
 * @ts_ns: when the sample was taken (CLOCK_MONOTONIC).
 * @utime_ns, @stime_ns: CPU time of all threads, live and dead, as
 *	/proc/PID/stat counts it: exact run time split by the ticks.
 * @vm_bytes: total_vm; @stack_bytes, @data_bytes: stack_vm, data_vm;
 * @rss_bytes: resident pages (file, anon and shmem).
 * @minflt, @majflt, @nvcsw, @nivcsw: summed over all threads, live and dead.
 * @flags: TMON_TASK_*.
 * @comm: the leader's name, NUL-terminated.
 */
struct tmon_task_record {
	__u32 pid;
	__u32 cpu;
	__u64 seq;
	__u64 ts_ns;
	__u64 utime_ns;
	__u64 stime_ns;
	__u64 vm_bytes;
	__u64 stack_bytes;
	__u64 data_bytes;
	__u64 rss_bytes;
	__u64 minflt;
	__u64 majflt;
	__u64 nvcsw;
	__u64 nivcsw;
	__u32 flags;
	__u32 reserved;
	char comm[16];
};

/*
 * Generic netlink family "tmon".
 *
 * Status, watch list, stored records and period of the tmon monitor.
 *
 * Errors come back as a negative errno in the netlink error message, with
 * an extended ack text saying what was wrong. "Admin" is CAP_SYS_ADMIN in
 * the initial user namespace, held by the sender and its socket
 * (CAP_NET_ADMIN grants nothing). Status, CPU records and counters are
 * open to every user. A process's records (lists, dumps) go to an admin,
 * or to a caller for whom ptrace_may_access(PTRACE_MODE_READ_FSCREDS)
 * holds on it (for an exited one: on the credentials it had when watched),
 * so nobody learns more than /proc would show them. Pids, in and out, are
 * those of the caller's pid namespace; a process with none there is not
 * shown. Changing the period needs admin; watching needs admin unless the
 * caller may see the process and its real uid is the caller's;
 * unwatching, unless the caller made the watch. A watch the caller may not
 * see is not there for it (ENOENT). Each command takes only the
 * attributes it names: any other is refused (EINVAL).
 *
 * The multicast group "events" is an admin's (joining it needs
 * CAP_SYS_ADMIN); its messages are the same for every listener, so their
 * pids are those of the initial pid namespace.
 *
 * Records travel as the fixed-layout structures (binary attributes), so
 * the netlink, ring and trace views of a record are the same bytes.
 *
 * Commands: what each does, its request and its reply attributes.
 *
 * TMON_CMD_GET_STATUS (do):
 *	The module's settings and counters, the latency buckets' bounds, the
 *	latest event's number and each event kind's counters (event-suppressed
 *	there: held back since load), the latest events the caller may be
 *	told of (event-latest), and one cpu-status per possible CPU
 *	with its counters since load;
 *	sched-policy and sched-prio only while the CPU has its thread, the
 *	latency buckets, their sum and run-ns only once it has woken, its
 *	thresholds only those not off.
 *	Request: none
 *	Reply: TMON_A_VERSION, TMON_A_ABI_VERSION, TMON_A_PERIOD_NS,
 *	TMON_A_HISTORY, TMON_A_MAX_TASKS, TMON_A_NR_CPUS,
 *	TMON_A_NR_TASKS, TMON_A_NR_SAMPLES, TMON_A_SAMPLES_DROPPED,
 *	TMON_A_SAMPLES_SKIPPED, TMON_A_SAMPLES_RECLAIMED,
 *	TMON_A_MEM_BYTES, TMON_A_RING_LOST, TMON_A_LATENCY_BOUND_NS,
 *	TMON_A_CPU_STATUS, TMON_A_EVENT_SEQ, TMON_A_EVENT_STATS,
 *	TMON_A_EVENT_LATEST
 *
 * TMON_CMD_WATCH (do):
 *	Watch a process, with its budgets if given. Errors as for the
 *	debugfs tasks file (ESRCH, EEXIST, ENOSPC, EDQUOT), EPERM, EINVAL.
 *	Request: TMON_A_PID, TMON_A_BUDGET_CPU, TMON_A_BUDGET_RSS,
 *	TMON_A_BUDGET_MAJFLT
 *	Reply: none
 *
 * TMON_CMD_UNWATCH (do):
 *	Stop watching a process. ENOENT if not watched (the pid may name an
 *	exited process the caller watched), EPERM.
 *	Request: TMON_A_PID
 *	Reply: none
 *
 * TMON_CMD_LIST_TASKS (dump):
 *	One message per watched process the caller may see, with its newest
 *	record if it has one.
 *	Request: none
 *	Reply: TMON_A_PID, TMON_A_STATE, TMON_A_NR_RECORDS,
 *	TMON_A_TASK_RECORD, TMON_A_BUDGET_CPU, TMON_A_BUDGET_RSS,
 *	TMON_A_BUDGET_MAJFLT
 *
 * TMON_CMD_DUMP_TASKS (dump):
 *	One message per stored task record of the processes the caller may
 *	see, by pid, oldest first; pid limits it to one process.
 *	Request: TMON_A_PID
 *	Reply: TMON_A_TASK_RECORD
 *
 * TMON_CMD_DUMP_CPUS (dump):
 *	One message per stored wakeup record, by CPU, oldest first; cpu
 *	limits it to one CPU.
 *	Request: TMON_A_CPU
 *	Reply: TMON_A_CPU_RECORD
 *
 * TMON_CMD_GET_PERIOD (do):
 *	The period.
 *	Request: none
 *	Reply: TMON_A_PERIOD_NS
 *
 * TMON_CMD_SET_PERIOD (do):
 *	Set the period (admin); both halves (log_sec, log_nsec) change at
 *	once. Replies with the period.
 *	Request: TMON_A_PERIOD_NS
 *	Reply: TMON_A_PERIOD_NS
 *
 * TMON_CMD_SUBSCRIBE_EVENTS (do):
 *	Send the events to the requesting socket, by unicast, until it is
 *	closed: those the caller may see, with pids in its pid namespace
 *	(a cause it may not see is left out). Any user may subscribe, up to
 *	4 sockets per user (EDQUOT; admins are not counted) and 64 in all
 *	(ENOSPC). Subscribing a socket again changes nothing.
 *	Request: none
 *	Reply: none
 *
 * TMON_CMD_EVENT (event to group events):
 *	A wakeup over a latency threshold (thread or IRQ latency, the
 *	module's parameters thread_threshold_ns and irq_threshold_ns, which
 *	are off by default), with cpu, its record and what the timer
 *	interrupted; or the exit of a watched process (exit), with its pid
 *	and its final record, taken as its last thread exits; or a sample
 *	of a watched process over one of its budgets (budget-over) or back
 *	under it (budget-under), with pid, the sample, the budget, its limit
 *	and the value measured; or a CPU whose thread stopped as it went
 *	offline (thread-lost) or started as it came online (thread-back),
 *	with cpu; or samples lost for want of memory (samples-dropped,
 *	with cpu, the sampler's, and samples-dropped, the module's count
 *	since load) or ring entries a read(2) reader of /dev/tmon fell
 *	behind on (ring-lost, with cpu, the ring's, and ring-lost, the
 *	count since load). Sent to the
 *	events group, with pids in the initial pid namespace and its
 *	event-seq; and to each subscribed socket as its owner may see it:
 *	of a process's events those of processes it may see, and every
 *	other event, numbered in its own sequence.
 *	Request: none
 *	Reply: TMON_A_EVENT_SEQ, TMON_A_EVENT_KIND,
 *	TMON_A_EVENT_SUPPRESSED, TMON_A_CPU, TMON_A_THRESHOLD_NS,
 *	TMON_A_CPU_RECORD, TMON_A_CAUSE_PID, TMON_A_CAUSE_COMM,
 *	TMON_A_CAUSE_POLICY, TMON_A_CAUSE_PRIO, TMON_A_CAUSE_IRQS,
 *	TMON_A_CAUSE_SOFTIRQS, TMON_A_PID, TMON_A_TASK_RECORD,
 *	TMON_A_BUDGET, TMON_A_BUDGET_LIMIT, TMON_A_BUDGET_VALUE,
 *	TMON_A_SAMPLES_DROPPED, TMON_A_RING_LOST
 *
 * TMON_CMD_SET_BUDGET (do):
 *	Change the budgets of a watched process: those given (0 removes
 *	one), the others left as they are. Its watcher or an admin;
 *	ENOENT if not watched (or not the caller's to see), EPERM.
 *	Request: TMON_A_PID, TMON_A_BUDGET_CPU, TMON_A_BUDGET_RSS,
 *	TMON_A_BUDGET_MAJFLT
 *	Reply: none
 *
 * TMON_CMD_SET_THRESHOLDS (do):
 *	Set the latency thresholds (admin) of cpu, or of every CPU without
 *	it: those given, the other left as it is. The parameters
 *	thread_threshold_ns and irq_threshold_ns set every CPU's too.
 *	Request: TMON_A_CPU, TMON_A_THREAD_THRESHOLD_NS,
 *	TMON_A_IRQ_THRESHOLD_NS
 *	Reply: none
 */
#define TMON_GENL_NAME		"tmon"
#define TMON_GENL_VERSION	2

#define TMON_MCGRP_EVENTS		"events"

enum tmon_cmd {
	TMON_CMD_UNSPEC,
	TMON_CMD_GET_STATUS,
	TMON_CMD_WATCH,
	TMON_CMD_UNWATCH,
	TMON_CMD_LIST_TASKS,
	TMON_CMD_DUMP_TASKS,
	TMON_CMD_DUMP_CPUS,
	TMON_CMD_GET_PERIOD,
	TMON_CMD_SET_PERIOD,
	TMON_CMD_SUBSCRIBE_EVENTS,
	TMON_CMD_EVENT,
	TMON_CMD_SET_BUDGET,
	TMON_CMD_SET_THRESHOLDS,

	__TMON_CMD_MAX
};

#define TMON_CMD_MAX		(__TMON_CMD_MAX - 1)

/*
 * Attributes (type: meaning):
 *
 * @TMON_A_VERSION (string):
 *	The module's version.
 *
 * @TMON_A_ABI_VERSION (u32):
 *	TMON_ABI_VERSION of the module.
 *
 * @TMON_A_PERIOD_NS (u64):
 *	The sampling period.
 *
 * @TMON_A_HISTORY (u32):
 *	Records kept per CPU and per watched process.
 *
 * @TMON_A_MAX_TASKS (u32):
 *	Limit of the watch list.
 *
 * @TMON_A_NR_CPUS (u32):
 *	CPUs with a running thread.
 *
 * @TMON_A_NR_TASKS (u32):
 *	Processes watched.
 *
 * @TMON_A_NR_SAMPLES (u64):
 *	Task records stored.
 *
 * @TMON_A_SAMPLES_DROPPED (u64):
 *	Samples lost for want of memory.
 *
 * @TMON_A_SAMPLES_RECLAIMED (u64):
 *	Stored records given back under memory pressure.
 *
 * @TMON_A_MEM_BYTES (u64):
 *	Memory held by the stored records.
 *
 * @TMON_A_RING_LOST (u64):
 *	Ring entries readers missed.
 *
 * @TMON_A_CPU_STATUS (nest):
 *	One possible CPU's thread.
 *	Holding TMON_A_CPU, TMON_A_THREAD_PID, TMON_A_THREAD_RUNNING,
 *	TMON_A_WAKEUPS, TMON_A_MISSED, TMON_A_SCHED_POLICY,
 *	TMON_A_SCHED_PRIO, TMON_A_LATENCY_BUCKET, TMON_A_LATENCY_SUM_NS,
 *	TMON_A_RUN_NS, TMON_A_THREAD_THRESHOLD_NS,
 *	TMON_A_IRQ_THRESHOLD_NS
 *
 * @TMON_A_CPU (u32):
 *	A CPU number.
 *
 * @TMON_A_THREAD_PID (u32):
 *	The CPU's thread, in the caller's pid namespace: 0 while offline,
 *	and always from a child namespace.
 *
 * @TMON_A_WAKEUPS (u64):
 *	Wakeups of the CPU's thread.
 *
 * @TMON_A_MISSED (u64):
 *	Timer expiries the CPU's thread missed.
 *
 * @TMON_A_PID (u32):
 *	A process, in the caller's pid namespace.
 *
 * @TMON_A_STATE (u8, enum tmon_task_state):
 *	Whether a watched process still runs.
 *
 * @TMON_A_NR_RECORDS (u32):
 *	Records stored for a watched process.
 *
 * @TMON_A_TASK_RECORD (struct tmon_task_record):
 *	One stored sample of a process.
 *
 * @TMON_A_CPU_RECORD (struct tmon_cpu_record):
 *	One stored wakeup of a CPU's thread.
 *
 * @TMON_A_THREAD_RUNNING (u8):
 *	1 when the CPU has its thread.
 *
 * @TMON_A_SCHED_POLICY (u32):
 *	The thread's SCHED_* policy, as the scheduler holds it.
 *
 * @TMON_A_SCHED_PRIO (u32):
 *	The thread's real-time priority, 0 under SCHED_OTHER.
 *
 * @TMON_A_SAMPLES_SKIPPED (u64):
 *	Samples of whole sampling rounds a late sampler passed over.
 *
 * @TMON_A_LATENCY_BOUND_NS (u64):
 *	The upper bounds of the thread latency buckets, ascending, one
 *	attribute each: a bucket holds the latencies at most its bound and
 *	above the one before.
 *
 * @TMON_A_LATENCY_BUCKET (u64):
 *	Wakeups since load whose thread latency is in a bucket: one
 *	attribute per bound, in their order, then one for the latencies
 *	above the last bound.
 *
 * @TMON_A_LATENCY_SUM_NS (u64):
 *	The thread latencies of the wakeups since load, added up.
 *
 * @TMON_A_RUN_NS (u64):
 *	Time the thread spent on its records since load.
 *
 * @TMON_A_EVENT_SEQ (u64):
 *	The event's number, one more than the event before it (the
 *	group's, or the subscribed socket's own): a gap is events the
 *	listener's socket could not take.
 *
 * @TMON_A_EVENT_KIND (u32, enum tmon_event_kind):
 *	What happened.
 *
 * @TMON_A_EVENT_SUPPRESSED (u64):
 *	Events of the same source held back since the one before,
 *	over its rate limit (at most 10 a second) or by a full queue.
 *	The sources: a CPU, for each kind of the wakeup's and the
 *	module's events; a watched process, for its budgets' events.
 *	A process's exit is not rate limited.
 *
 * @TMON_A_THRESHOLD_NS (u64):
 *	The threshold the latency went over.
 *
 * @TMON_A_CAUSE_PID (u32):
 *	The task the timer interrupted: what ran on the CPU when the
 *	expiry came (0 with comm swapper/N: the CPU was idle).
 *
 * @TMON_A_CAUSE_COMM (string):
 *	Its command name.
 *
 * @TMON_A_CAUSE_POLICY (u32):
 *	Its SCHED_* policy.
 *
 * @TMON_A_CAUSE_PRIO (u32):
 *	Its real-time priority, 0 under SCHED_OTHER.
 *
 * @TMON_A_CAUSE_IRQS (u64):
 *	Device interrupts the CPU took between the timer's callback and
 *	the thread running (the kernel's per-CPU count, as
 *	/proc/interrupts; its time is not kept on Debian's kernels).
 *
 * @TMON_A_CAUSE_SOFTIRQS (u64):
 *	Softirqs the CPU ran in that window (as /proc/softirqs).
 *
 * @TMON_A_EVENT_COUNT (u64):
 *	Events of a kind numbered and sent since load.
 *
 * @TMON_A_EVENT_STATS (nest):
 *	One per event kind, its counters since load.
 *	Holding TMON_A_EVENT_KIND, TMON_A_EVENT_COUNT,
 *	TMON_A_EVENT_SUPPRESSED
 *
 * @TMON_A_THREAD_THRESHOLD_NS (u64):
 *	A CPU's thread latency threshold: its wakeups whose thread latency
 *	is over it are events; at most the longest period, or all ones
 *	(18446744073709551615): off.
 *
 * @TMON_A_IRQ_THRESHOLD_NS (u64):
 *	Its IRQ latency threshold, the same way.
 *
 * @TMON_A_BUDGET_CPU (u64):
 *	A watched process's CPU budget: CPU time (user and system, all its
 *	threads) per second between two of its samples, in ns (500000000:
 *	half of one CPU); 0: none.
 *
 * @TMON_A_BUDGET_RSS (u64):
 *	Its resident set budget, in bytes; 0 none.
 *
 * @TMON_A_BUDGET_MAJFLT (u64):
 *	Its major fault budget, faults per second between two samples; 0 none.
 *
 * @TMON_A_BUDGET (u32, enum tmon_budget):
 *	Which budget the process went over or came back under.
 *
 * @TMON_A_BUDGET_LIMIT (u64):
 *	That budget (ns a second, bytes or faults a second).
 *
 * @TMON_A_BUDGET_VALUE (u64):
 *	What the sample measured, in the budget's unit.
 *
 * @TMON_A_EVENT_LATEST (nest):
 *	One of the latest events (at most 4, oldest first) that the caller
 *	may be told of, as an event message has it for that caller.
 *	Holding TMON_A_EVENT_SEQ, TMON_A_EVENT_KIND,
 *	TMON_A_EVENT_SUPPRESSED, TMON_A_CPU, TMON_A_THRESHOLD_NS,
 *	TMON_A_CPU_RECORD, TMON_A_CAUSE_PID, TMON_A_CAUSE_COMM,
 *	TMON_A_CAUSE_POLICY, TMON_A_CAUSE_PRIO, TMON_A_CAUSE_IRQS,
 *	TMON_A_CAUSE_SOFTIRQS, TMON_A_PID, TMON_A_TASK_RECORD,
 *	TMON_A_BUDGET, TMON_A_BUDGET_LIMIT, TMON_A_BUDGET_VALUE,
 *	TMON_A_SAMPLES_DROPPED, TMON_A_RING_LOST
 */
enum tmon_attr {
	TMON_A_UNSPEC,
	TMON_A_PAD,
	TMON_A_VERSION,
	TMON_A_ABI_VERSION,
	TMON_A_PERIOD_NS,
	TMON_A_HISTORY,
	TMON_A_MAX_TASKS,
	TMON_A_NR_CPUS,
	TMON_A_NR_TASKS,
	TMON_A_NR_SAMPLES,
	TMON_A_SAMPLES_DROPPED,
	TMON_A_SAMPLES_RECLAIMED,
	TMON_A_MEM_BYTES,
	TMON_A_RING_LOST,
	TMON_A_CPU_STATUS,
	TMON_A_CPU,
	TMON_A_THREAD_PID,
	TMON_A_WAKEUPS,
	TMON_A_MISSED,
	TMON_A_PID,
	TMON_A_STATE,
	TMON_A_NR_RECORDS,
	TMON_A_TASK_RECORD,
	TMON_A_CPU_RECORD,
	TMON_A_THREAD_RUNNING,
	TMON_A_SCHED_POLICY,
	TMON_A_SCHED_PRIO,
	TMON_A_SAMPLES_SKIPPED,
	TMON_A_LATENCY_BOUND_NS,
	TMON_A_LATENCY_BUCKET,
	TMON_A_LATENCY_SUM_NS,
	TMON_A_RUN_NS,
	TMON_A_EVENT_SEQ,
	TMON_A_EVENT_KIND,
	TMON_A_EVENT_SUPPRESSED,
	TMON_A_THRESHOLD_NS,
	TMON_A_CAUSE_PID,
	TMON_A_CAUSE_COMM,
	TMON_A_CAUSE_POLICY,
	TMON_A_CAUSE_PRIO,
	TMON_A_CAUSE_IRQS,
	TMON_A_CAUSE_SOFTIRQS,
	TMON_A_EVENT_COUNT,
	TMON_A_EVENT_STATS,
	TMON_A_THREAD_THRESHOLD_NS,
	TMON_A_IRQ_THRESHOLD_NS,
	TMON_A_BUDGET_CPU,
	TMON_A_BUDGET_RSS,
	TMON_A_BUDGET_MAJFLT,
	TMON_A_BUDGET,
	TMON_A_BUDGET_LIMIT,
	TMON_A_BUDGET_VALUE,
	TMON_A_EVENT_LATEST,

	__TMON_A_MAX
};

#define TMON_A_MAX		(__TMON_A_MAX - 1)

#endif /* _TMON_GENL_H */
