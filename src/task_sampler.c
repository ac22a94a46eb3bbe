// SPDX-License-Identifier: GPL-2.0
/*
 * The samplers' side of the watch list (tasks.c): shares and rounds.
 *
 * Sampling is spread over the per-CPU samplers by shares: a watch is
 * given, when it is made, to the share of the online CPU that has the
 * fewest, and stays there. A CPU's sampler samples its own share, and the
 * share of an offline CPU whose next online CPU it is; across a hotplug
 * event a task may be sampled twice or skipped for one period. With
 * sample_every M, a share is sampled in rounds of M wakeups, in pid
 * order from a cursor, a fraction 1/M of it at each: every process once
 * a round, and no wakeup does more than its fraction unless the sampler
 * has fallen behind and catches up.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/xarray.h>

#include "tmon.h"
#include "trace.h"

/* One CPU's share of the watch list. */
struct tmon_share {
	struct xarray watches;		/* global pid -> watch, under the list's reference */
	atomic_t nr;
	/* Owned by the sampler serving the share (two, briefly, across hotplug). */
	unsigned long cursor;		/* the pid to sample next in this round */
	u64 round;			/* the round: period index / sample_every */
	unsigned int done;		/* sampled in this round */
	unsigned int last_n;		/* its size then */
	unsigned int server;		/* the CPU whose periods count the rounds */
	bool started;
};

static DEFINE_PER_CPU(struct tmon_share, tmon_shares);
/* Samples of whole rounds a late sampler passed over: loss, counted. */
static atomic64_t tmon_skipped = ATOMIC64_INIT(0);

u64 tmon_samples_skipped(void)
{
	return atomic64_read(&tmon_skipped);
}

static struct tmon_share *tmon_share_of(unsigned int cpu)
{
	return per_cpu_ptr(&tmon_shares, cpu);
}

/*
 * Under tmon_watch_mutex: the online CPU whose share is smallest. The
 * online mask may change meanwhile; an offline CPU's share is sampled by
 * another, so any answer is safe.
 */
static unsigned int tmon_share_pick(void)
{
	unsigned int cpu, best = raw_smp_processor_id(), n, least = UINT_MAX;

	for_each_online_cpu(cpu) {
		n = atomic_read(&tmon_share_of(cpu)->nr);
		if (n < least) {
			least = n;
			best = cpu;
		}
	}
	return best;
}

/* Under tmon_watch_mutex: put @w in the smallest share. */
int tmon_share_add(struct tmon_watch *w)
{
	struct tmon_share *sh;
	int err;

	w->share = tmon_share_pick();
	sh = tmon_share_of(w->share);
	err = xa_insert(&sh->watches, w->nr, w, GFP_KERNEL);
	if (!err)
		atomic_inc(&sh->nr);
	return err;
}

/* Under tmon_watch_mutex: take @w out of its share. */
void tmon_share_del(struct tmon_watch *w)
{
	struct tmon_share *sh = tmon_share_of(w->share);

	xa_erase(&sh->watches, w->nr);
	atomic_dec(&sh->nr);
}

static void tmon_task_sample(struct tmon_watch *w, unsigned int cpu)
{
	struct tmon_task_record last, rec = {};
	struct task_struct *task;

	/* Its exit is being recorded (task_exit.c): the record will be the last. */
	if (test_bit(0, &w->exit_taken) && !READ_ONCE(w->exited))
		return;
	if (READ_ONCE(w->exited)) {
		/* An exit recorded as it happened (task_exit.c), out to the streams. */
		if (READ_ONCE(w->exit_unsent) && tmon_watch_last_record(w, &last)) {
			WRITE_ONCE(w->exit_unsent, false);
			trace_tmon_task_sample(&last);
			tmon_ring_push_task(cpu, &last);
		}
		return;
	}
	task = get_pid_task(w->pid, PIDTYPE_TGID);
	if (!task) {
		/* Gone: its last record stays, flagged, and goes out again so. */
		if (tmon_samples_mark_exited(w, &last)) {
			trace_tmon_task_sample(&last);
			tmon_ring_push_task(cpu, &last);
		}
		tmon_tasks_reap_later();
		return;
	}
	rec.pid = w->nr;
	rec.ts_ns = ktime_get_ns();
	tmon_task_fill(task, &rec);
	put_task_struct(task);
	/* Streams carry the seq the history gives it: publish after adding. */
	if (tmon_sample_add(w, &rec, false)) {
		trace_tmon_task_sample(&rec);
		tmon_ring_push_task(cpu, &rec);
		tmon_budget_check(w, &rec);
	}
}

/* The first watch of @sh with pid >= *@nr, referenced; *@nr is set to its pid. */
static struct tmon_watch *tmon_share_next(struct tmon_share *sh, unsigned long *nr)
{
	struct tmon_watch *w;

	rcu_read_lock();
	for (;;) {
		w = xa_find(&sh->watches, nr, ULONG_MAX, XA_PRESENT);
		if (!w || refcount_inc_not_zero(&w->users))
			break;
		(*nr)++;	/* being removed: skip it */
	}
	rcu_read_unlock();
	return w;
}

/* Sample @sh from its cursor, at most @quota watches; false at its end. */
static bool tmon_share_walk(struct tmon_share *sh, unsigned int cpu, unsigned int quota)
{
	struct tmon_watch *w;

	for (; quota; quota--) {
		w = tmon_share_next(sh, &sh->cursor);
		if (!w)
			return false;
		tmon_task_sample(w, cpu);
		tmon_watch_put(w);
		sh->cursor++;
		sh->done++;
		cond_resched();
	}
	return true;
}

/*
 * A round is sample_every (M) wakeups. By its wakeup k (from 0) the first
 * (k + 1)/M of a share of @n is sampled, in pid order, taken in batches
 * of TMON_SAMPLE_BATCH: a sampler woken for a handful of processes would
 * cost more in switches than in sampling.
 */
#define TMON_SAMPLE_BATCH	32U

static unsigned int tmon_share_target(unsigned int n, u32 k, unsigned int m)
{
	u64 t = DIV_ROUND_UP_ULL((u64)n * (k + 1), m);

	return min_t(u64, n, round_up(t, TMON_SAMPLE_BATCH));
}

/*
 * Whether the wakeup that brought @cpu's served periods to @seq has
 * sampling to do: a round begins (a sampler serving an
 * offline CPU's share catches up with it then), or its own share's
 * target moves.
 */
bool tmon_tasks_due(unsigned int cpu, u64 seq)
{
	unsigned int m = tmon_sample_every();
	unsigned int n = atomic_read(&tmon_share_of(cpu)->nr);
	u32 k = do_div(seq, m);

	return !k || tmon_share_target(n, k, m) != tmon_share_target(n, k - 1, m);
}

/*
 * Bring @sh up to period @seq. A sampler that ran late
 * (its requests coalesce) catches up: it first finishes the round it
 * was in.
 */
static void tmon_share_sample(struct tmon_share *sh, unsigned int cpu, u64 seq)
{
	unsigned int m = tmon_sample_every();
	unsigned int n;
	u32 k = do_div(seq, m);		/* seq is now the round */

	n = atomic_read(&sh->nr);
	/* Another CPU's count (a share adopted, or given back): start afresh. */
	if (sh->server != cpu) {
		sh->server = cpu;
		sh->started = false;
	}
	if (!sh->started || seq != sh->round) {
		/* Finish the round it was in; the ones between are lost. */
		if (sh->started) {
			tmon_share_walk(sh, cpu, UINT_MAX);
			if (seq > sh->round + 1)
				atomic64_add((seq - sh->round - 1) * min(sh->last_n, n),
					     &tmon_skipped);
		}
		sh->started = true;
		sh->round = seq;
		sh->cursor = 0;
		sh->done = 0;
	}
	sh->last_n = n;
	n = tmon_share_target(n, k, m);
	if (n > sh->done)
		tmon_share_walk(sh, cpu, n - sh->done);
}

/* Whether @cpu's thread serves @other's share: @other is offline and @cpu is next online. */
static bool tmon_serves(unsigned int cpu, unsigned int other)
{
	unsigned int next;

	if (cpu_online(other))
		return false;
	next = cpumask_next(other, cpu_online_mask);
	if (next >= nr_cpu_ids)
		next = cpumask_first(cpu_online_mask);
	return next == cpu;
}

/* Called by the sampler of @cpu, up to period @seq: sample its shares. */
void tmon_tasks_sample(unsigned int cpu, u64 seq)
{
	unsigned int other;

	if (!tmon_nr_tasks())
		return;
	tmon_share_sample(tmon_share_of(cpu), cpu, seq);
	for_each_possible_cpu(other)
		if (other != cpu && atomic_read(&tmon_share_of(other)->nr) &&
		    tmon_serves(cpu, other))
			tmon_share_sample(tmon_share_of(other), cpu, seq);
}

void tmon_shares_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct tmon_share *sh = tmon_share_of(cpu);

		xa_init(&sh->watches);
		atomic_set(&sh->nr, 0);
		sh->cursor = 0;
		sh->round = 0;
		sh->done = 0;
		sh->last_n = 0;
		sh->started = false;
	}
}

/* The watches are gone from every share by now. */
void tmon_shares_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		xa_destroy(&tmon_share_of(cpu)->watches);
}
