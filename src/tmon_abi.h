/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tmon user-space ABI, shared by the module and tmonctl.
 *
 * Every structure here has fixed-width fields, natural alignment and no
 * implicit padding, so the same bytes mean the same thing to a 32-bit
 * reader. TMON_ABI_VERSION changes whenever a layout or meaning changes.
 */
#ifndef _TMON_ABI_H
#define _TMON_ABI_H

#include <linux/types.h>

#define TMON_ABI_VERSION	1

/* Period bounds, in ns: 100 us to one hour. */
#define TMON_PERIOD_MIN_NS	100000ULL
#define TMON_PERIOD_MAX_NS	3600000000000ULL
/* Records kept per CPU and per watched task. */
#define TMON_HISTORY_MAX	65536U
/* Upper bound of max_tasks, the watch list limit. */
#define TMON_MAX_TASKS_LIMIT	65536U

/*
 * One wakeup of one CPU's tmon thread.
 *
 * @expected_ns: the absolute timer expiry this wakeup serves
 *	(CLOCK_MONOTONIC).
 * @latency_ns: thread wake time minus @expected_ns.
 * @run_ns: time the thread spent on this wakeup's work.
 * @nvcsw, @nivcsw: the thread's voluntary/involuntary switches so far.
 * @missed: timer periods that elapsed without a wakeup since the
 *	previous record (timer overruns): loss, counted, not hidden.
 * @user_ns..@softirq_ns: the CPU's time split since the previous
 *	record (user includes nice; same sources as /proc/stat).
 */
struct tmon_cpu_record {
	__u32 cpu;
	__u32 missed;
	__u64 seq;
	__u64 expected_ns;
	__u64 latency_ns;
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

#define TMON_COMM_LEN		16

/* tmon_task_record.flags */
#define TMON_TASK_EXITED	0x1	/* the process has exited; last record */

/*
 * One sample of one watched process (its whole thread group).
 *
 * @pid: thread group id, in the initial pid namespace.
 * @cpu: CPU the group leader last ran on.
 * @seq: per-task sample number, from 0.
 * @ts_ns: when the sample was taken (CLOCK_MONOTONIC).
 * @utime_ns, @stime_ns: CPU time of all threads, live and dead.
 * @vm_bytes: total_vm; @stack_bytes, @data_bytes: stack_vm, data_vm;
 * @rss_bytes: resident pages (file, anon and shmem).
 * @minflt, @majflt, @nvcsw, @nivcsw: summed over all threads, live and dead.
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
	char comm[TMON_COMM_LEN];
};

#endif /* _TMON_ABI_H */
