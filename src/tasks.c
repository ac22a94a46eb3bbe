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
 * pid number a gone one had replaces the stale entry. Each watch is
 * also in one CPU's share, which task_sampler.c samples.
 */
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/memcontrol.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "tmon.h"

static DEFINE_XARRAY(tmon_watches);
static DEFINE_MUTEX(tmon_watch_mutex);
static atomic_t tmon_nr_watched = ATOMIC_INIT(0);
static DEFINE_XARRAY(tmon_user_watches);	/* uid -> count, as xa values */

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

/* Another reference on @w, for one who holds one already. */
void tmon_watch_hold(struct tmon_watch *w)
{
	refcount_inc(&w->users);
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

/* Under tmon_watch_mutex. */
static void tmon_watch_remove(struct tmon_watch *w)
{
	tmon_share_del(w);
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
	err = tmon_share_add(w);
	if (err)
		goto err_count;
	err = xa_insert(&tmon_watches, w->nr, w, GFP_KERNEL);
	if (err)
		goto err_share;
	atomic_inc(&tmon_nr_watched);
	return 0;

err_share:
	tmon_share_del(w);
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
int tmon_watch_pid(const struct tmon_caller *c, pid_t nr, const struct tmon_budgets *b)
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
	if (b)
		w->budgets = *b;
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
 * Call @fn on @nr's watch (in @c's pid namespace), with @arg, under
 * tmon_watch_mutex. -ENOENT when it is not watched or @c may not see it,
 * -EPERM without admin when someone else watched it.
 */
int tmon_watch_change(const struct tmon_caller *c, pid_t nr,
		      void (*fn)(struct tmon_watch *w, const void *arg), const void *arg)
{
	struct tmon_watch *found;
	int err = 0;

	found = tmon_watch_find(c, nr);
	if (!found)
		return -ENOENT;

	mutex_lock(&tmon_watch_mutex);
	if (xa_load(&tmon_watches, found->nr) != found)
		err = -ENOENT;		/* removed meanwhile */
	else if (!c->admin && !uid_eq(found->owner, c->cred->uid))
		err = -EPERM;
	else
		fn(found, arg);
	mutex_unlock(&tmon_watch_mutex);
	tmon_watch_put(found);
	return err;
}

static void tmon_watch_remove_fn(struct tmon_watch *w, const void *arg)
{
	tmon_watch_remove(w);
}

/* Stop watching @nr; errors as tmon_watch_change()'s. */
int tmon_unwatch_pid(const struct tmon_caller *c, pid_t nr)
{
	return tmon_watch_change(c, nr, tmon_watch_remove_fn, NULL);
}

/* Called when an exit is seen: reap its watch once kept long enough. */
void tmon_tasks_reap_later(void)
{
	/* (a no-op while the reaper is queued: it comes back itself) */
	queue_delayed_work(system_wq, &tmon_reap_work,
			   nsecs_to_jiffies(tmon_exited_keep_ns()) + 1);
}

void tmon_tasks_init(void)
{
	tmon_shares_init();
}

void tmon_tasks_exit(void)
{
	struct tmon_watch *w;
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
	tmon_shares_exit();
	/* Entries are freed by RCU callbacks, which live in this module. */
	rcu_barrier();
}
