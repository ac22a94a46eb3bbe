// SPDX-License-Identifier: GPL-2.0
/*
 * One kernel thread per online CPU, tmon/N, bound to CPU N. Each sleeps
 * until its own absolute, CPU-pinned hrtimer fires, then records the
 * wakeup: how late the timer and the thread were, how long the record
 * took and the CPU's time split since the previous wakeup. Only that is
 * done at the thread's priority; the watched processes are sampled
 * afterwards by the CPU's second thread, tmon_sample/N, an ordinary task.
 *
 * Threads follow CPU hotplug through a dynamic cpuhp state: the online
 * callback runs on the incoming CPU and starts its thread, the offline
 * callback runs on the outgoing CPU and stops it. Per-CPU state, and with
 * it the history and the seq counter, outlives the thread.
 */
#include <linux/cpuhotplug.h>
#include <linux/gcd.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/tick.h>
#include <uapi/linux/sched/types.h>

#include "tmon.h"
#include "trace.h"

static enum cpuhp_state tmon_hp_state;
static atomic_t tmon_nr_threads = ATOMIC_INIT(0);

unsigned int tmon_threads_running(void)
{
	return atomic_read(&tmon_nr_threads);
}

/*
 * The expiry grid. The tick fires at multiples of TICK_NSEC on
 * CLOCK_MONOTONIC, on every CPU at once (unless skew_tick=1), and a timer
 * expiring on a tick waits behind its processing. Expiries k * P + off
 * fall on the tick's instants, modulo TICK_NSEC, only at multiples of
 * g = gcd(P, TICK_NSEC): an offset of g / 2 keeps every expiry g / 2 away
 * from every tick. Staggered, CPU n's grid is moved within g instead, so
 * that the CPUs are not all released together and still miss the tick.
 */
static u64 tmon_grid_offset(u64 period, unsigned int cpu)
{
	u32 rem;
	u64 g;

	/* gcd(P, T) = gcd(P mod T, T), in an unsigned long on 32-bit too */
	div_u64_rem(period, TICK_NSEC, &rem);
	g = rem ? gcd(rem, TICK_NSEC) : TICK_NSEC;

	if (!tmon_stagger())
		return g / 2;
	return div_u64(g * (2 * cpu + 1), 2 * nr_cpu_ids);
}

/* The first point of CPU @cpu's grid for @period after @now. */
static u64 tmon_grid_next(u64 now, u64 period, unsigned int cpu)
{
	u64 off = tmon_grid_offset(period, cpu);

	if (now < off)
		return off;
	return (div64_u64(now - off, period) + 1) * period + off;
}

/*
 * On @tc's CPU, irqs off (its thread arming the timer, or the re-grid
 * IPI): take @period and @stagger as @tc's grid, and return its next
 * point after @now.
 */
static ktime_t tmon_grid_take(struct tmon_cpu *tc, u64 period, bool stagger, u64 now)
{
	WRITE_ONCE(tc->grid_period, period);
	tc->grid_stagger = stagger;
	return ns_to_ktime(tmon_grid_next(now, period, tc->cpu));
}

/* Hard irq: what the timer interrupted (a racing comm change may tear it). */
static void tmon_cause_take(struct tmon_cause *c, unsigned int cpu)
{
	tmon_cpu_irq_counts(cpu, &c->irqs, &c->softirqs);
	c->taken = true;
	c->pid = task_pid_nr(current);
	c->policy = current->policy;
	c->prio = current->rt_priority;
	memcpy(c->comm, current->comm, TMON_COMM_LEN);
	c->comm[TMON_COMM_LEN - 1] = '\0';
}

/*
 * Hard-irq context, on the thread's CPU: the IRQ latency of timerlat. The
 * timer is one-shot, as timerlat's and cyclictest's are: the thread arms
 * the next expiry when it has served this one, so a thread that cannot
 * run does not bring an interrupt every period to a CPU already busy.
 * Under QEMU's TCG the vCPUs take turns, and a timer re-armed from its
 * own callback kept the other vCPU's loop running until the next expiry
 * before the woken thread could run, period after period.
 */
static enum hrtimer_restart tmon_timer_fn(struct hrtimer *timer)
{
	struct tmon_cpu *tc = container_of(timer, struct tmon_cpu, timer);
	ktime_t now = ktime_get();
	ktime_t expires = hrtimer_get_expires(timer);

	/* Armed only by the thread once it has served, or moved while queued. */
	if (!tc->pending) {
		tc->expected = expires;
		tc->irq_latency = ktime_after(now, expires) ?
				  ktime_to_ns(ktime_sub(now, expires)) : 0;
		if (tmon_thresholds_armed(tc->cpu))
			tmon_cause_take(&tc->cause, tc->cpu);
		tc->pending = true;
		wake_up_process(tc->thread);
	}
	return HRTIMER_NORESTART;
}

/*
 * The thread, irqs off (so a re-grid IPI cannot come between the grid it
 * reads and the expiry it arms), having served @expected at @now: arm the
 * next expiry. It is the first point of the grid after @now; the points
 * passed over since @expected are the expiries folded into this wakeup,
 * returned as its missed, so that the next expected is @expected +
 * P * (1 + missed). A new period or grid starts on its own next point.
 */
u32 tmon_timer_arm_next(struct tmon_cpu *tc, u64 expected, u64 now)
{
	u64 period = tmon_period_ns();
	bool stagger = tmon_stagger();
	u64 missed = 0;
	ktime_t next;

	lockdep_assert_irqs_disabled();
	if (period != tc->grid_period || stagger != tc->grid_stagger) {
		next = tmon_grid_take(tc, period, stagger, now);
	} else {
		if (now >= expected + period)
			missed = min_t(u64, div64_u64(now - expected, period), U32_MAX);
		next = ns_to_ktime(expected + period * (1 + missed));
	}
	hrtimer_start(&tc->timer, next, HRTIMER_MODE_ABS_PINNED_HARD);
	return missed;
}

/* tmon_sample/N: samples CPU N's share of the watched processes on request. */
static int tmon_sampler_fn(void *data)
{
	struct tmon_cpu *tc = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (!xchg(&tc->sample_req, 0)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		tmon_tasks_sample(tc->cpu, READ_ONCE(tc->sample_seq));
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* Policy and priority from the parameters; SCHED_OTHER runs at nice 0. */
static void tmon_thread_set_sched(struct task_struct *thread)
{
	struct sched_attr attr = { .size = sizeof(attr) };
	int err;

	attr.sched_policy = tmon_sched_policy();
	if (attr.sched_policy == SCHED_FIFO)
		attr.sched_priority = tmon_sched_prio();
	err = sched_setattr_nocheck(thread, &attr);
	if (err)
		pr_warn("%s keeps its scheduling: %d\n", thread->comm, err);
}

/* Under the parameters' lock, after a change of policy or prio. */
void tmon_threads_apply_sched(void)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct tmon_cpu *tc = tmon_cpu_state(cpu);

		if (tc->thread)
			tmon_thread_set_sched(tc->thread);
	}
	cpus_read_unlock();
}

/*
 * IPI, on @data's CPU with irqs off (so never inside its timer's
 * callback, nor while the thread arms it): move a waiting timer to the
 * next point of the grid now in force. A timer not queued has fired, or
 * is being served: the thread arms the next expiry on the new grid.
 */
static void tmon_timer_regrid(void *data)
{
	struct tmon_cpu *tc = data;
	u64 period = tmon_period_ns();
	bool stagger = tmon_stagger();

	if (!hrtimer_is_queued(&tc->timer) ||
	    (period == tc->grid_period && stagger == tc->grid_stagger))
		return;
	hrtimer_start(&tc->timer, tmon_grid_take(tc, period, stagger, ktime_get_ns()),
		      HRTIMER_MODE_ABS_PINNED_HARD);
}

/*
 * Under the parameters' lock (which keeps the threads from stopping),
 * after a change of the period or of stagger: every CPU's timer moves to
 * the new grid at once, not at its next expiry, which could be an hour
 * away.
 */
void tmon_threads_apply_grid(void)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct tmon_cpu *tc = tmon_cpu_state(cpu);

		if (tc->thread)
			smp_call_function_single(cpu, tmon_timer_regrid, tc, 1);
	}
	cpus_read_unlock();
}

static int tmon_thread_fn(void *data)
{
	struct tmon_cpu *tc = data;

	tmon_cpu_times(tc->cpu, tc->prev_stat);
	local_irq_disable();
	tc->grid_period = 0;	/* no grid yet: the first expiry takes the one in force */
	tmon_timer_arm_next(tc, 0, ktime_get_ns());
	local_irq_enable();

	for (;;) {
		/* Set the state before testing, so no wakeup is lost. */
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (!READ_ONCE(tc->pending)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		tmon_cpu_wakeup(tc);
	}
	__set_current_state(TASK_RUNNING);
	hrtimer_cancel(&tc->timer);
	return 0;
}

/*
 * Under cpus_read_lock(), so the thread cannot go meanwhile: its pid as
 * @ns sees it (0: none) and its scheduling as the scheduler holds it.
 */
void tmon_cpu_status(unsigned int cpu, struct pid_namespace *ns, struct tmon_cpu_status *st)
{
	struct tmon_cpu *tc = tmon_cpu_state(cpu);

	st->running = tc->thread;
	st->thread_pid = tc->thread ? task_pid_nr_ns(tc->thread, ns) : 0;
	st->wakeups = tmon_history_head(cpu, &st->totals);
	st->missed = READ_ONCE(tc->missed);
	st->policy = tc->thread ? READ_ONCE(tc->thread->policy) : 0;
	st->prio = tc->thread ? READ_ONCE(tc->thread->rt_priority) : 0;
}

/* Runs on @cpu as it comes online (and for each online CPU at load). */
static int tmon_cpu_online(unsigned int cpu)
{
	struct tmon_cpu *tc = tmon_cpu_state(cpu);
	struct task_struct *thread;

	tmon_history_fit(tc);
	hrtimer_setup(&tc->timer, tmon_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_PINNED_HARD);
	tc->sample_req = 0;
	tc->pending = false;
	tc->irq_latency = 0;

	/*
	 * A failure must not keep the CPU from coming online: it is left
	 * without a thread, which status shows (thread pid 0).
	 */
	thread = kthread_create_on_cpu(tmon_sampler_fn, tc, cpu, "tmon_sample/%u");
	if (IS_ERR(thread)) {
		pr_err("CPU %u runs without a thread: cannot start its sampler: %ld\n", cpu,
		       PTR_ERR(thread));
		return 0;
	}
	tc->sampler = thread;
	wake_up_process(thread);

	thread = kthread_create_on_cpu(tmon_thread_fn, tc, cpu, "tmon/%u");
	if (IS_ERR(thread)) {
		pr_err("CPU %u runs without a thread: cannot start it: %ld\n", cpu,
		       PTR_ERR(thread));
		kthread_stop(tc->sampler);
		tc->sampler = NULL;
		return 0;
	}
	tmon_thread_set_sched(thread);
	tc->thread = thread;
	atomic_inc(&tmon_nr_threads);
	wake_up_process(thread);
	tmon_event_module(TMON_EVENT_THREAD_BACK, cpu, 0);
	return 0;
}

/* Runs on @cpu as it goes offline (and for each online CPU at unload). */
static int tmon_cpu_offline(unsigned int cpu)
{
	struct tmon_cpu *tc = tmon_cpu_state(cpu);

	if (tc->thread) {
		/* The thread cancels its timer before it returns. */
		kthread_stop(tc->thread);
		tc->thread = NULL;
		atomic_dec(&tmon_nr_threads);
		tmon_event_module(TMON_EVENT_THREAD_LOST, cpu, 0);
	}
	/* Woken only by the thread, which is gone. */
	if (tc->sampler) {
		kthread_stop(tc->sampler);
		tc->sampler = NULL;
	}
	return 0;
}

int tmon_threads_start(void)
{
	unsigned int cpu;
	int ret;

	/*
	 * Every online CPU's history first, before any timer runs: one
	 * takes milliseconds to allocate (7 MiB at history=65536), and under
	 * emulation (QEMU TCG runs the vCPUs in turn) that delayed the first
	 * wakeups of CPUs already started. A CPU that comes online later
	 * gets its history in tmon_cpu_online(); a failure here is retried
	 * there and at each wakeup.
	 */
	cpus_read_lock();
	for_each_online_cpu(cpu)
		tmon_history_fit(tmon_cpu_state(cpu));
	cpus_read_unlock();

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "tmon:online",
				tmon_cpu_online, tmon_cpu_offline);
	if (ret < 0)
		return ret;
	tmon_hp_state = ret;
	return 0;
}

void tmon_threads_stop(void)
{
	cpuhp_remove_state(tmon_hp_state);
}
