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

#endif /* _TMON_ABI_H */
