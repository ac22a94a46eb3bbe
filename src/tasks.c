// SPDX-License-Identifier: GPL-2.0
/*
 * The watch list: processes watched by pid, in an xarray keyed by the
 * global pid number. An entry holds a reference to the struct pid, never
 * to the task, so an exited process is seen as such (get_pid_task()
 * returns NULL) and a recycled pid number is a different struct pid.
 *
 * Entries are reference counted: the xarray holds one, a sampler or
 * reader that found the entry under RCU holds another while it works.
 * Watch, unwatch and reaping are serialized by tmon_watch_mutex, which
 * also guards the per-user counts.
 *
 * Nobody exhausts the list for others: a non-admin user holds at most
 * max_user_tasks watches, and non-admins together leave an eighth of
 * max_tasks to admins. An exited process's watch is reaped
 * exited_keep_sec after its exit was seen, and watching a process whose
 * pid number a gone one had replaces the stale entry.
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
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/math64.h>
#include <linux/memcontrol.h>
#include <linux/sched/cputime.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "tmon.h"
#include "trace.h"

static DEFINE_XARRAY(tmon_watches);
static DEFINE_MUTEX(tmon_watch_mutex);
static atomic_t tmon_nr_watched = ATOMIC_INIT(0);
static DEFINE_XARRAY(tmon_user_watches);	/* uid -> count, as xa values */

/* One CPU's share of the watch list; see above. */
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

static void tmon_reap_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tmon_reap_work, tmon_reap_fn);

unsigned int tmon_nr_tasks(void)
{
	return atomic_read(&tmon_nr_watched);
}

static void tmon_watch_free_rcu(struct rcu_head *rcu)
{
	struct tmon_watch *w = container_of(rcu, struct tmon_watch, rcu);

	mem_cgroup_put(w->memcg);
	put_cred(w->cred);
	put_pid(w->pid);
	kfree(w);
}

void tmon_watch_put(struct tmon_watch *w)
{
	if (w && refcount_dec_and_test(&w->users))
		call_rcu(&w->rcu, tmon_watch_free_rcu);
}

/* The first entry with pid >= *@nr, referenced; *@nr is set to its pid. */
struct tmon_watch *tmon_watch_next(unsigned long *nr)
{
	struct tmon_watch *w;

	rcu_read_lock();
	for (;;) {
		w = xa_find(&tmon_watches, nr, ULONG_MAX, XA_PRESENT);
		if (!w || refcount_inc_not_zero(&w->users))
			break;
		(*nr)++;	/* being removed: skip it */
	}
	rcu_read_unlock();
	return w;
}

/* The entry of global pid number @gnr, referenced, or NULL. */
struct tmon_watch *tmon_watch_get(pid_t gnr)
{
	struct tmon_watch *w;

	rcu_read_lock();
	w = xa_load(&tmon_watches, gnr);
	if (w && !refcount_inc_not_zero(&w->users))
		w = NULL;
	rcu_read_unlock();
	return w;
}

/* The entry @c calls @nr, referenced; see tmon_watch_find(). */
static struct tmon_watch *tmon_watch_lookup(const struct tmon_caller *c, pid_t nr)
{
	struct tmon_watch *w = NULL;
	unsigned long i = 0;
	struct pid *pid;

	if (nr <= 0)
		return NULL;
	rcu_read_lock();
	pid = find_pid_ns(nr, c->ns);
	if (pid) {
		w = xa_load(&tmon_watches, pid_nr(pid));
		if (w && (w->pid != pid || !refcount_inc_not_zero(&w->users)))
			w = NULL;
	}
	rcu_read_unlock();
	if (w)
		return w;
	while ((w = tmon_watch_next(&i))) {
		if (pid_nr_ns(w->pid, c->ns) == nr)
			return w;
		tmon_watch_put(w);
		i++;
	}
	return NULL;
}

/*
 * The entry @c calls @nr, referenced, or NULL, also when @c may not see
 * it: for @c it is not there. A live process is found through its pid;
 * an exited one, whose number may be free again in the namespace, by the
 * number its struct pid still records there.
 */
struct tmon_watch *tmon_watch_find(const struct tmon_caller *c, pid_t nr)
{
	struct tmon_watch *w = tmon_watch_lookup(c, nr);

	if (w && !tmon_watch_visible(c, w)) {
		tmon_watch_put(w);
		w = NULL;
	}
	return w;
}

/*
 * Fill @set with the watches @c may see, keyed by global pid, each
 * referenced: a filter that can be consulted under a spinlock. Free it
 * with tmon_watches_visible_free(), also after an error.
 */
int tmon_watches_visible(const struct tmon_caller *c, struct xarray *set)
{
	unsigned long nr = 0;
	struct tmon_watch *w;
	int err = 0;

	while (!err && (w = tmon_watch_next(&nr))) {
		if (tmon_watch_visible(c, w))
			err = xa_err(xa_store(set, nr, w, GFP_KERNEL));
		else
			tmon_watch_put(w);
		if (err)
			tmon_watch_put(w);
		nr++;
		cond_resched();
	}
	return err;
}

void tmon_watches_visible_free(struct xarray *set)
{
	struct tmon_watch *w;
	unsigned long nr;

	xa_for_each(set, nr, w)
		tmon_watch_put(w);
	xa_destroy(set);
}

/* Under tmon_watch_mutex: watches held by @uid, exited ones included. */
static unsigned int tmon_user_count(kuid_t uid)
{
	void *v = xa_load(&tmon_user_watches, from_kuid(&init_user_ns, uid));

	return v ? xa_to_value(v) : 0;
}

static int tmon_user_count_set(kuid_t uid, unsigned int n)
{
	unsigned long key = from_kuid(&init_user_ns, uid);

	if (!n) {
		xa_erase(&tmon_user_watches, key);
		return 0;
	}
	return xa_err(xa_store(&tmon_user_watches, key, xa_mk_value(n), GFP_KERNEL));
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

/* Under tmon_watch_mutex. */
static void tmon_watch_remove(struct tmon_watch *w)
{
	struct tmon_share *sh = tmon_share_of(w->share);

	xa_erase(&sh->watches, w->nr);
	atomic_dec(&sh->nr);
	xa_erase(&tmon_watches, w->nr);
	atomic_dec(&tmon_nr_watched);
	/* Lowering a count that exists allocates nothing: it cannot fail. */
	tmon_user_count_set(w->owner, tmon_user_count(w->owner) - 1);
	tmon_samples_release_watch(w);
	tmon_watch_put(w);		/* the list's reference */
}

/*
 * Under tmon_watch_mutex: add @w for @c, after the limits. An entry of
 * the same pid number whose process is another (it exited, the number
 * was reused) is stale: @w replaces it.
 */
static int tmon_watch_insert(const struct tmon_caller *c, struct tmon_watch *w)
{
	struct tmon_watch *old = xa_load(&tmon_watches, w->nr);
	unsigned int total = tmon_nr_tasks() - !!old, mine;
	unsigned int max = tmon_max_tasks();
	struct tmon_share *sh;
	int err;

	if (old && old->pid == w->pid)
		return -EEXIST;
	mine = tmon_user_count(w->owner) - (old && uid_eq(old->owner, w->owner));
	if (total >= max)
		return -ENOSPC;
	if (!c->admin && (mine >= tmon_max_user_tasks() || total >= max - DIV_ROUND_UP(max, 8)))
		return -EDQUOT;
	if (old)
		tmon_watch_remove(old);
	err = tmon_user_count_set(w->owner, tmon_user_count(w->owner) + 1);
	if (err)
		return err;
	w->share = tmon_share_pick();
	sh = tmon_share_of(w->share);
	err = xa_insert(&sh->watches, w->nr, w, GFP_KERNEL);
	if (err)
		goto err_count;
	err = xa_insert(&tmon_watches, w->nr, w, GFP_KERNEL);
	if (err)
		goto err_share;
	atomic_inc(&sh->nr);
	atomic_inc(&tmon_nr_watched);
	return 0;

err_share:
	xa_erase(&sh->watches, w->nr);
err_count:
	tmon_user_count_set(w->owner, tmon_user_count(w->owner) - 1);
	return err;
}

/*
 * Reap the watches of processes that exited exited_keep_sec ago or more;
 * come back for the next one. Queued when an exit is seen.
 */
static void tmon_reap_fn(struct work_struct *work)
{
	u64 keep = tmon_exited_keep_ns(), now = ktime_get_ns(), next = U64_MAX, t;
	struct tmon_watch *w;
	unsigned long nr;

	mutex_lock(&tmon_watch_mutex);
	xa_for_each(&tmon_watches, nr, w) {
		if (!READ_ONCE(w->exited))
			continue;
		t = READ_ONCE(w->exited_ns) + keep;
		if (t <= now)
			tmon_watch_remove(w);
		else
			next = min(next, t);
		cond_resched();
	}
	mutex_unlock(&tmon_watch_mutex);
	if (next != U64_MAX)
		queue_delayed_work(system_wq, &tmon_reap_work, nsecs_to_jiffies(next - now) + 1);
}

/*
 * The memory cgroup of the task asking for a watch, referenced, whose
 * samples it is charged; NULL for the root cgroup, whose watches are
 * not charged and may use the shared reserve.
 */
static struct mem_cgroup *tmon_watcher_memcg(void)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg = get_mem_cgroup_from_mm(current->mm);

	if (memcg && !memcg->css.parent) {
		mem_cgroup_put(memcg);
		memcg = NULL;
	}
	return memcg;
#else
	return NULL;
#endif
}

/*
 * Watch process @nr, in @c's pid namespace. A non-admin may watch a
 * process it may see whose real uid is its own. Errors: -ESRCH no such
 * process (or @nr is a thread, not a process), -EPERM, -EEXIST already
 * watched, -ENOSPC the list holds max_tasks, -EDQUOT a non-admin's share
 * is used up (max_user_tasks, or the admins' reserve), -ENOMEM.
 */
int tmon_watch_pid(const struct tmon_caller *c, pid_t nr)
{
	struct task_struct *task;
	struct tmon_watch *w;
	struct pid *pid;
	int err = 0;

	if (nr <= 0)
		return -ESRCH;
	rcu_read_lock();
	pid = get_pid(find_pid_ns(nr, c->ns));
	rcu_read_unlock();
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (!task) {
		put_pid(pid);
		return -ESRCH;
	}
	/* No more than kill(2) tells: that the process exists. */
	if (!c->admin && (!uid_eq(task_uid(task), c->cred->uid) ||
			  !tmon_task_may_read(task)))
		err = -EPERM;
	w = err ? NULL : kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		put_task_struct(task);
		put_pid(pid);
		return err ? err : -ENOMEM;
	}
	w->pid = pid;
	w->nr = pid_nr(pid);
	w->owner = c->cred->uid;
	w->cred = get_task_cred(task);
	w->memcg = tmon_watcher_memcg();
	w->since_ns = ktime_get_ns();
	put_task_struct(task);
	refcount_set(&w->users, 1);
	INIT_LIST_HEAD(&w->samples);

	mutex_lock(&tmon_watch_mutex);
	err = tmon_watch_insert(c, w);
	mutex_unlock(&tmon_watch_mutex);
	if (err) {
		mem_cgroup_put(w->memcg);
		put_cred(w->cred);
		put_pid(pid);
		kfree(w);
	}
	return err;
}

/*
 * Stop watching @nr (in @c's pid namespace). -ENOENT when it is not
 * watched or @c may not see it, -EPERM without admin when someone else
 * watched it.
 */
int tmon_unwatch_pid(const struct tmon_caller *c, pid_t nr)
{
	struct tmon_watch *w, *found;
	int err = 0;

	found = tmon_watch_find(c, nr);
	if (!found)
		return -ENOENT;

	mutex_lock(&tmon_watch_mutex);
	w = xa_load(&tmon_watches, found->nr);
	if (w != found)
		err = -ENOENT;		/* removed meanwhile */
	else if (!c->admin && !uid_eq(w->owner, c->cred->uid))
		err = -EPERM;
	else
		tmon_watch_remove(w);
	mutex_unlock(&tmon_watch_mutex);
	tmon_watch_put(found);
	return err;
}

/*
 * Run time @rt split in the ratio of the ticks @ut and @st, as
 * cputime_adjust() does for /proc: ticks are sampled (and lost on a busy
 * or emulated machine), run time is exact.
 */
static void tmon_cputime_split(u64 ut, u64 st, u64 rt, u64 *utime, u64 *stime)
{
	if (ut && st)
		st = mul_u64_u64_div_u64(st, rt, st + ut);
	else if (st)
		st = rt;	/* no user ticks: all system */
	*stime += st;	/* (no system ticks: all user) */
	*utime += rt - st;
}

/*
 * Memory and counters of the whole thread group, live and dead threads.
 * They move while we read them, with no lock we could take: each is a
 * word its owner updates, and one READ_ONCE() load of it gives the old
 * value or the new one, as /proc/PID/stat gets. It also tells KCSAN the
 * race is meant. CPU time is what /proc/PID/stat shows: each thread's
 * exact run time split by its ticks (task_cputime_adjusted()), and the
 * dead threads' likewise.
 */
static void tmon_task_fill(struct task_struct *task, struct tmon_task_record *rec)
{
	struct signal_struct *sig = task->signal;
	struct task_struct *t;
	struct mm_struct *mm;
	u64 ut, st;

	rec->cpu = task_cpu(task);
	get_task_comm(rec->comm, task);

	rcu_read_lock();
	tmon_cputime_split(READ_ONCE(sig->utime), READ_ONCE(sig->stime),
			   READ_ONCE(sig->sum_sched_runtime), &rec->utime_ns, &rec->stime_ns);
	rec->minflt = READ_ONCE(sig->min_flt);
	rec->majflt = READ_ONCE(sig->maj_flt);
	rec->nvcsw = READ_ONCE(sig->nvcsw);
	rec->nivcsw = READ_ONCE(sig->nivcsw);
	for_each_thread(task, t) {
		task_cputime_adjusted(t, &ut, &st);
		rec->utime_ns += ut;
		rec->stime_ns += st;
		rec->minflt += READ_ONCE(t->min_flt);
		rec->majflt += READ_ONCE(t->maj_flt);
		rec->nvcsw += READ_ONCE(t->nvcsw);
		rec->nivcsw += READ_ONCE(t->nivcsw);
	}
	rcu_read_unlock();

	/* A reference of our own: a kthread never borrows another's mm. */
	mm = get_task_mm(task);
	if (mm) {
		rec->vm_bytes = (u64)READ_ONCE(mm->total_vm) << PAGE_SHIFT;
		rec->stack_bytes = (u64)READ_ONCE(mm->stack_vm) << PAGE_SHIFT;
		rec->data_bytes = (u64)READ_ONCE(mm->data_vm) << PAGE_SHIFT;
		rec->rss_bytes = (u64)get_mm_rss_sum(mm) << PAGE_SHIFT;
		mmput(mm);
	}
}

static void tmon_task_sample(struct tmon_watch *w, unsigned int cpu)
{
	struct tmon_task_record last;
	struct task_struct *task;
	struct tmon_sample *s;

	if (READ_ONCE(w->exited))
		return;
	task = get_pid_task(w->pid, PIDTYPE_TGID);
	if (!task) {
		/* Gone: its last record stays, flagged, and goes out again so. */
		if (tmon_samples_mark_exited(w, &last)) {
			trace_tmon_task_sample(&last);
			tmon_ring_push_task(cpu, &last);
		}
		/* (a no-op while the reaper is queued: it comes back itself) */
		queue_delayed_work(system_wq, &tmon_reap_work,
				   nsecs_to_jiffies(tmon_exited_keep_ns()) + 1);
		return;
	}
	s = tmon_sample_alloc(w->memcg);
	if (s) {
		s->rec.pid = w->nr;
		s->rec.ts_ns = ktime_get_ns();
		tmon_task_fill(task, &s->rec);
	}
	put_task_struct(task);
	if (!s)
		return;
	/* Streams carry the seq the history gives it: publish after adding. */
	tmon_sample_get(s);
	if (tmon_sample_add(w, s)) {
		trace_tmon_task_sample(&s->rec);
		tmon_ring_push_task(cpu, &s->rec);
	}
	tmon_sample_put(s);
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

void tmon_tasks_init(void)
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

void tmon_tasks_exit(void)
{
	struct tmon_watch *w;
	unsigned int cpu;
	unsigned long nr;

	/* The threads that queue it are gone: it stays cancelled. */
	cancel_delayed_work_sync(&tmon_reap_work);
	mutex_lock(&tmon_watch_mutex);
	xa_for_each(&tmon_watches, nr, w) {
		tmon_watch_remove(w);
		cond_resched();
	}
	mutex_unlock(&tmon_watch_mutex);
	xa_destroy(&tmon_watches);
	xa_destroy(&tmon_user_watches);
	for_each_possible_cpu(cpu)
		xa_destroy(&tmon_share_of(cpu)->watches);
	/* Entries are freed by RCU callbacks, which live in this module. */
	rcu_barrier();
}
