// SPDX-License-Identifier: GPL-2.0
/*
 * What tmon/N does on each wakeup: the record of how late the timer and
 * the thread were, how long the record took and the CPU's time split
 * since the previous wakeup, out to the history, the ring and the
 * tracepoint; an event if it is over a threshold; then the sampler's
 * request, if a round is due.
 */
#include <linux/kernel_stat.h>
#include <linux/sched.h>
#include <linux/tick.h>

#include "tmon.h"
#include "trace.h"

/* The CPU's device interrupts and softirqs since boot (/proc/interrupts, /proc/softirqs). */
void tmon_cpu_irq_counts(unsigned int cpu, u64 *irqs, u64 *softirqs)
{
	unsigned int i;

	*irqs = kstat_cpu_irqs_sum(cpu);
	*softirqs = 0;
	for (i = 0; i < NR_SOFTIRQS; i++)
		*softirqs += kstat_softirqs_cpu(i, cpu);
}

/* The CPU's cumulative time split in ns, from the same sources as /proc/stat. */
void tmon_cpu_times(unsigned int cpu, u64 t[TMON_NR_TIMES])
{
	struct kernel_cpustat kcs;
	u64 us;

	kcpustat_cpu_fetch(&kcs, cpu);
	t[TMON_USER] = kcs.cpustat[CPUTIME_USER] + kcs.cpustat[CPUTIME_NICE];
	t[TMON_SYSTEM] = kcs.cpustat[CPUTIME_SYSTEM];
	/* With nohz, idle and iowait are accounted by the tick code. */
	us = get_cpu_idle_time_us(cpu, NULL);
	t[TMON_IDLE] = us == -1ULL ? kcs.cpustat[CPUTIME_IDLE] : us * NSEC_PER_USEC;
	us = get_cpu_iowait_time_us(cpu, NULL);
	t[TMON_IOWAIT] = us == -1ULL ? kcs.cpustat[CPUTIME_IOWAIT] : us * NSEC_PER_USEC;
	t[TMON_IRQ] = kcs.cpustat[CPUTIME_IRQ];
	t[TMON_SOFTIRQ] = kcs.cpustat[CPUTIME_SOFTIRQ];
}

/*
 * The record is out. The watched processes are sampled by the CPU's
 * sampler, an ordinary task: it never delays a wakeup, and it takes no
 * more from the CPU's other tasks than any of them could. A request it
 * has not taken yet is replaced by this one.
 */
static void tmon_cpu_sample_request(struct tmon_cpu *tc, u32 missed)
{
	/*
	 * Rounds count periods, not records, so that missed periods do not
	 * slow the rate: the periods this CPU has served, missed ones too.
	 */
	tc->periods += 1 + missed;
	if (tmon_nr_tasks() && tc->sampler && tmon_tasks_due(tc->cpu, tc->periods)) {
		WRITE_ONCE(tc->sample_seq, tc->periods);
		if (!xchg(&tc->sample_req, 1))
			wake_up_process(tc->sampler);
	}
}

/*
 * One wakeup of tmon/N: its record, an event if it is over a threshold,
 * then a request to the CPU's sampler.
 */
void tmon_cpu_wakeup(struct tmon_cpu *tc)
{
	struct tmon_cpu_record rec = { .cpu = tc->cpu };
	struct tmon_cause cause = { .taken = false };
	u64 irqs, softirqs;
	u64 t[TMON_NR_TIMES], d[TMON_NR_TIMES];
	u64 now;
	int i;

	/*
	 * The timer runs in hard irq on this CPU: take its fields atomically,
	 * and the time with them, and arm the next expiry from that time, so
	 * that every expiry folded into this wakeup is before it.
	 */
	local_irq_disable();
	now = ktime_get_ns();
	rec.expected_ns = ktime_to_ns(tc->expected);
	rec.irq_latency_ns = tc->irq_latency;
	/* Taken at this expiry only (a threshold was set): none is stale. */
	if (tc->cause.taken) {
		cause = tc->cause;
		tc->cause.taken = false;
		tmon_cpu_irq_counts(tc->cpu, &irqs, &softirqs);
		cause.irqs = irqs - cause.irqs;
		cause.softirqs = softirqs - cause.softirqs;
	}
	tc->pending = false;
	rec.missed = tmon_timer_arm_next(tc, rec.expected_ns, now);
	local_irq_enable();

	rec.latency_ns = now > rec.expected_ns ? now - rec.expected_ns : 0;
	rec.nvcsw = current->nvcsw;
	rec.nivcsw = current->nivcsw;

	tmon_cpu_times(tc->cpu, t);
	for (i = 0; i < TMON_NR_TIMES; i++) {
		/* Counters can step back slightly across nohz transitions. */
		d[i] = t[i] > tc->prev_stat[i] ? t[i] - tc->prev_stat[i] : 0;
		tc->prev_stat[i] = t[i];
	}
	rec.user_ns = d[TMON_USER];
	rec.system_ns = d[TMON_SYSTEM];
	rec.idle_ns = d[TMON_IDLE];
	rec.iowait_ns = d[TMON_IOWAIT];
	rec.irq_ns = d[TMON_IRQ];
	rec.softirq_ns = d[TMON_SOFTIRQ];

	/* Read locklessly by tmon_cpu_status(). */
	WRITE_ONCE(tc->missed, tc->missed + rec.missed);
	rec.run_ns = ktime_get_ns() - now;
	tmon_history_store(tc, &rec);
	tmon_ring_push_cpu(tc->cpu, &rec);
	trace_tmon_wakeup(&rec);
	tmon_events_latency(tc->cpu, &rec, &cause);

	tmon_cpu_sample_request(tc, rec.missed);
}
