// SPDX-License-Identifier: GPL-2.0
/*
 * Events: a wakeup whose thread or IRQ latency is over its threshold,
 * with what the timer interrupted; the exit of a watched process
 * (task_exit.c); a sample over one of its budgets or back under it
 * (task_budget.c); a CPU's thread lost or back (cpu_thread.c), samples
 * dropped (samples.c), ring entries lost to a reader (ring.c). Sent to
 * the family's "events" group, to the subscribed sockets
 * (event_listeners.c) and to the tmon_event tracepoint, as the messages
 * event_msg.c makes.
 *
 * Whoever sees one (the thread, the exit, a sampler, a reader) only
 * queues it and kicks a work item; the work item numbers the events,
 * builds the messages and sends them, so no socket work is done where
 * they are seen. Each source is rate limited (at most TMON_EVENTS_PER_SEC
 * a second): an event held back, or one a full queue could not take, is
 * counted and the count travels with the next event of that source. The
 * sources: a CPU, for each kind of the wakeup's and the module's events,
 * queued in the CPU's queue under a raw lock, with no allocation at the
 * thread's priority; a watched process, for its budgets' events, which
 * its sampler queues on a list of their own (so a burst on one CPU
 * cannot crowd them out). A process exits once: its exit event is not
 * rate limited, only bounded with the rest of that list. An event lost
 * on the way to a listener (its socket full) shows as a gap in the
 * sequence numbers.
 *
 * The group is an admin's (GENL_MCAST_CAP_SYS_ADMIN; the family lives in
 * the initial network namespace only, whose user namespace is the
 * initial one). Its pids are those of the initial pid namespace: a
 * multicast message is the same for every listener, as the proc
 * connector's are.
 */
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "netlink_gen.h"
#include "params.h"
#include "tmon.h"
#include "trace.h"

#define TMON_EVENT_QLEN		8
#define TMON_EVENTS_PER_SEC	10
/* Processes' events the work item has yet to send (a few hundred bytes each). */
#define TMON_TASK_EVENTS_MAX	4096

struct tmon_event_queue {
	raw_spinlock_t lock;
	unsigned int head, tail;	/* free-running; head - tail queued */
	struct tmon_event ev[TMON_EVENT_QLEN];
	struct tmon_event_limit limit[TMON_EVENT_KINDS];
	u64 held[TMON_EVENT_KINDS];	/* since load (a storm: no line shared) */
};

/* A process's event on the list of them (allocated: they are few). */
struct tmon_task_event {
	struct llist_node node;
	struct tmon_event ev;
};

/* From tmon_events_init() until tmon_events_exit(): status reads their totals. */
static struct tmon_event_queue __percpu *tmon_event_queues;
static bool tmon_events_taken;		/* while the work item may send */
static LLIST_HEAD(tmon_task_events);
static atomic_t tmon_task_events_queued;
static struct work_struct tmon_event_work;
static atomic64_t tmon_event_seq;	/* only the work item numbers them */
static atomic64_t tmon_events_sent[TMON_EVENT_KINDS];
static atomic64_t tmon_task_events_held[TMON_EVENT_KINDS];	/* processes' */

/* Whether @lim lets an event through at time @now; one it holds back is counted in it. */
static bool tmon_event_limit_pass(struct tmon_event_limit *lim, u64 now)
{
	if (now - lim->window_ns >= NSEC_PER_SEC) {
		lim->window_ns = now;
		lim->sent = 0;
	}
	if (lim->sent < TMON_EVENTS_PER_SEC) {
		lim->sent++;
		return true;
	}
	lim->held++;
	return false;
}

/*
 * @ev (all but its held-back count) into @cpu's queue, within the rate
 * limit of its kind on @cpu at time @now; false: held back, and counted.
 */
static bool tmon_event_queue(unsigned int cpu, const struct tmon_event *ev, u64 now)
{
	struct tmon_event_queue *q = per_cpu_ptr(tmon_event_queues, cpu);
	unsigned int i = ev->kind - TMON_EVENT_THREAD_LATENCY;
	struct tmon_event_limit *lim = &q->limit[i];
	unsigned long flags;
	bool queued = false;

	raw_spin_lock_irqsave(&q->lock, flags);
	if (q->head - q->tail >= TMON_EVENT_QLEN) {
		lim->held++;
	} else if (tmon_event_limit_pass(lim, now)) {
		q->ev[q->head % TMON_EVENT_QLEN] = *ev;
		q->ev[q->head++ % TMON_EVENT_QLEN].suppressed = lim->held;
		lim->held = 0;
		queued = true;
	}
	if (!queued)
		WRITE_ONCE(q->held[i], q->held[i] + 1);
	raw_spin_unlock_irqrestore(&q->lock, flags);
	if (queued)
		queue_work(system_wq, &tmon_event_work);
	return queued;
}

/* On the thread's CPU, after the record is out: a threshold crossed. */
static void tmon_event_latency(unsigned int cpu, u32 kind, u64 threshold,
			       const struct tmon_cpu_record *rec, const struct tmon_cause *cause)
{
	struct tmon_event ev = {
		.kind = kind,
		.cpu = cpu,
		.threshold_ns = threshold,
		.rec = *rec,
		.cause = *cause,
	};

	tmon_event_queue(cpu, &ev, rec->expected_ns);
}

/*
 * Process context: @ev about @w, which the event holds until it is sent,
 * within @lim (NULL: no rate limit) and the bound of the list. Never
 * waits: an event that cannot have its memory at once is held back.
 */
static void tmon_event_task(struct tmon_watch *w, struct tmon_event *ev,
			    struct tmon_event_limit *lim)
{
	struct tmon_task_event *te;

	if (lim && !tmon_event_limit_pass(lim, ktime_get_ns()))
		goto held;	/* (counted in @lim by the limit) */
	if (atomic_inc_return(&tmon_task_events_queued) > TMON_TASK_EVENTS_MAX)
		goto full;
	te = kmalloc(sizeof(*te), GFP_NOWAIT | __GFP_NOWARN);
	if (!te)
		goto full;
	te->ev = *ev;
	te->ev.watch = w;
	te->ev.cpu = ev->task.cpu;
	if (lim) {
		te->ev.suppressed = lim->held;
		lim->held = 0;
	}
	tmon_watch_hold(w);
	llist_add(&te->node, &tmon_task_events);
	queue_work(system_wq, &tmon_event_work);
	return;
full:
	atomic_dec(&tmon_task_events_queued);
	if (lim)
		lim->held++;
held:
	atomic64_inc(&tmon_task_events_held[ev->kind - TMON_EVENT_THREAD_LATENCY]);
}

/* The exit of @w's last thread: its final record @rec. */
void tmon_event_task_exit(struct tmon_watch *w, const struct tmon_task_record *rec)
{
	struct tmon_event ev = {
		.kind = TMON_EVENT_EXIT,
		.task = *rec,
	};

	tmon_event_task(w, &ev, NULL);
}

/*
 * @w's sample @rec went @over, or back under, its @budget of @limit:
 * @value. From @w's sampler, which owns its rate limit.
 */
void tmon_event_budget(struct tmon_watch *w, const struct tmon_task_record *rec, u32 budget,
		       u64 limit, u64 value, bool over)
{
	struct tmon_event ev = {
		.kind = over ? TMON_EVENT_BUDGET_OVER : TMON_EVENT_BUDGET_UNDER,
		.threshold_ns = limit,
		.value = value,
		.budget = budget,
		.task = *rec,
	};

	tmon_event_task(w, &ev, &w->budget_events);
}

/*
 * An event of the module about @cpu, with @count (samples-dropped,
 * ring-lost: the count since load). A thread lost or back is told only
 * while the module is live, not for each CPU at load and unload.
 */
void tmon_event_module(u32 kind, unsigned int cpu, u64 count)
{
	struct tmon_event ev = {
		.kind = kind,
		.cpu = cpu,
		.value = count,
	};

	if ((kind == TMON_EVENT_THREAD_LOST || kind == TMON_EVENT_THREAD_BACK) &&
	    !READ_ONCE(tmon_params_live))
		return;
	/* /dev/tmon is there before the events: a reader is not stopped. */
	if (!smp_load_acquire(&tmon_events_taken))
		return;
	tmon_event_queue(raw_smp_processor_id(), &ev, ktime_get_ns());
}

/*
 * A wakeup's record against its CPU's thresholds, read once here (a
 * threshold that is off, TMON_THRESHOLD_OFF, is U64_MAX: nothing is over it).
 */
void tmon_events_latency(unsigned int cpu, const struct tmon_cpu_record *rec,
			 const struct tmon_cause *cause)
{
	u64 thread, irq;

	tmon_thresholds_get(cpu, &thread, &irq);
	if (rec->latency_ns <= thread && rec->irq_latency_ns <= irq)
		return;
	tmon_snapshot_take();
	if (rec->latency_ns > thread)
		tmon_event_latency(cpu, TMON_EVENT_THREAD_LATENCY, thread, rec, cause);
	if (rec->irq_latency_ns > irq)
		tmon_event_latency(cpu, TMON_EVENT_IRQ_LATENCY, irq, rec, cause);
}

/* Process context: number the event, trace it, and send it to who listens. */
static void tmon_event_send(const struct tmon_event *ev)
{
	u64 seq = atomic64_inc_return(&tmon_event_seq);
	struct sk_buff *msg;
	pid_t pid;

	atomic64_inc(&tmon_events_sent[ev->kind - TMON_EVENT_THREAD_LATENCY]);
	tmon_events_keep(seq, ev);
	trace_tmon_event(seq, ev);
	if (tmon_listeners_any())
		tmon_listeners_send(ev);
	if (!genl_has_listeners(&tmon_genl_family, &init_net, TMON_NLGRP_EVENTS))
		return;
	/* The group's listeners are admins in the initial pid namespace. */
	if (tmon_event_of_task(ev))
		pid = ev->watch->nr;
	else
		pid = tmon_event_of_wakeup(ev) && ev->cause.taken ? ev->cause.pid : -1;
	msg = tmon_event_msg(seq, ev, pid);
	/* No listener left meanwhile (-ESRCH) is not an error. */
	if (msg)
		genlmsg_multicast(&tmon_genl_family, msg, 0, TMON_NLGRP_EVENTS, GFP_KERNEL);
}

/* The processes' events taken off their list, oldest first. */
static struct llist_node *tmon_task_events_take(void)
{
	return llist_reverse_order(llist_del_all(&tmon_task_events));
}

static void tmon_task_event_free(struct tmon_task_event *te)
{
	tmon_watch_put(te->ev.watch);
	kfree(te);
	atomic_dec(&tmon_task_events_queued);
}

/*
 * The work item (never run twice at once): every CPU's queue, then the
 * processes' events, oldest first. Numbered as they go out, so the
 * numbers a listener sees only ever grow.
 */
static void tmon_events_drain(struct work_struct *work)
{
	struct tmon_task_event *te, *next;
	struct tmon_event ev;
	unsigned long flags;
	unsigned int cpu;
	bool got;

	for_each_possible_cpu(cpu) {
		struct tmon_event_queue *q = per_cpu_ptr(tmon_event_queues, cpu);

		do {
			raw_spin_lock_irqsave(&q->lock, flags);
			got = q->head != q->tail;
			if (got)
				ev = q->ev[q->tail++ % TMON_EVENT_QLEN];
			raw_spin_unlock_irqrestore(&q->lock, flags);
			if (got) {
				tmon_event_send(&ev);
				tmon_watch_put(ev.watch);
			}
		} while (got);
		cond_resched();
	}
	llist_for_each_entry_safe(te, next, tmon_task_events_take(), node) {
		tmon_event_send(&te->ev);
		tmon_task_event_free(te);
		cond_resched();
	}
}

/* The latest event's number (0: none yet). */
u64 tmon_events_last_seq(void)
{
	return atomic64_read(&tmon_event_seq);
}

/* Since load, events of @kind: numbered and sent, and held back. */
void tmon_events_counts(u32 kind, u64 *sent, u64 *suppressed)
{
	unsigned int i = kind - TMON_EVENT_THREAD_LATENCY, cpu;
	u64 held = atomic64_read(&tmon_task_events_held[i]);

	for_each_possible_cpu(cpu)
		held += READ_ONCE(per_cpu_ptr(tmon_event_queues, cpu)->held[i]);
	*sent = atomic64_read(&tmon_events_sent[i]);
	*suppressed = held;
}

/* The queues, before the family is registered (status counts with them). */
int tmon_events_init(void)
{
	unsigned int cpu;

	tmon_event_queues = alloc_percpu(struct tmon_event_queue);
	if (!tmon_event_queues)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(tmon_event_queues, cpu)->lock);
	INIT_WORK(&tmon_event_work, tmon_events_drain);
	return 0;
}

/*
 * After the family is registered, before the threads start; then the
 * exits of watched processes (task_exit.c), which queue events too.
 */
int tmon_events_start(void)
{
	int err;

	/* Pairs with tmon_event_module()'s look: the family is there. */
	smp_store_release(&tmon_events_taken, true);
	err = tmon_exits_init();
	if (err)
		WRITE_ONCE(tmon_events_taken, false);
	return err;
}

/*
 * After the threads stop, and with the exits no longer seen, nothing
 * queues any more: what is left unsent gives its references back.
 */
void tmon_events_stop(void)
{
	struct tmon_task_event *te, *next;
	struct tmon_event_queue *q;
	unsigned int cpu;

	tmon_exits_exit();
	WRITE_ONCE(tmon_events_taken, false);
	cancel_work_sync(&tmon_event_work);
	for_each_possible_cpu(cpu) {
		q = per_cpu_ptr(tmon_event_queues, cpu);
		for (; q->tail != q->head; q->tail++)
			tmon_watch_put(q->ev[q->tail % TMON_EVENT_QLEN].watch);
	}
	llist_for_each_entry_safe(te, next, tmon_task_events_take(), node)
		tmon_task_event_free(te);
	tmon_events_latest_exit();
}

/* After the family is gone: nothing reads the queues' totals any more. */
void tmon_events_exit(void)
{
	free_percpu(tmon_event_queues);
	tmon_event_queues = NULL;
}
