/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences live. Kbuild force-includes
 * this file; the rest of tmon is written against the newest API and tests
 * no version. Features are probed in Kbuild (COMPAT_HAVE_*) where stable
 * kernels may have backported them; version ranges are used only where a
 * probe cannot tell.
 */
#ifndef _TMON_COMPAT_H
#define _TMON_COMPAT_H

#include <linux/version.h>
#include <linux/hrtimer.h>

/* 6.13 added hrtimer_setup(); 6.15 removed hrtimer_init(). */
#ifndef COMPAT_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.7 replaced register_shrinker()/unregister_shrinker() on a caller's
 * struct with shrinker_alloc()/shrinker_register()/shrinker_free(). The
 * new API on older kernels; only the name's format string is kept.
 */
#ifndef COMPAT_HAVE_SHRINKER_ALLOC
#include <linux/shrinker.h>
#include <linux/slab.h>

struct compat_shrinker {
	struct shrinker shrinker;
	const char *name;
	bool registered;
};

static inline struct shrinker *shrinker_alloc(unsigned int flags, const char *name)
{
	struct compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);

	if (!cs)
		return NULL;
	cs->shrinker.flags = flags;
	cs->shrinker.seeks = DEFAULT_SEEKS;
	cs->name = name;
	return &cs->shrinker;
}

static inline void shrinker_register(struct shrinker *shrinker)
{
	struct compat_shrinker *cs = container_of(shrinker, struct compat_shrinker, shrinker);

	/* Only fails for lack of memory: the shrinker then never runs. */
	cs->registered = !register_shrinker(shrinker, "%s", cs->name);
}

static inline void shrinker_free(struct shrinker *shrinker)
{
	struct compat_shrinker *cs;

	if (!shrinker)
		return;
	cs = container_of(shrinker, struct compat_shrinker, shrinker);
	if (cs->registered)
		unregister_shrinker(shrinker);
	kfree(cs);
}
#endif

/* 6.3 made vma->vm_flags read-only behind vm_flags_*() helpers. */
#ifndef COMPAT_HAVE_VM_FLAGS_SET
#include <linux/mm.h>

static inline void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

/* 6.2 moved a dump's parsed attributes into genl_dumpit_info.info. */
#include <net/genetlink.h>

static inline struct nlattr **tmon_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef COMPAT_HAVE_GENL_DUMPIT_INFO_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * The exact resident set, as /proc/PID/status shows it: 6.2 made the mm's
 * counters per-CPU (get_mm_rss() reads them approximately), 7.x added
 * get_mm_rss_sum(). Before 6.2 get_mm_rss() is what /proc reads.
 */
#ifndef COMPAT_HAVE_GET_MM_RSS_SUM
#include <linux/mm.h>

static inline unsigned long get_mm_rss_sum(struct mm_struct *mm)
{
#ifdef COMPAT_HAVE_GET_MM_COUNTER_SUM
	return get_mm_counter_sum(mm, MM_FILEPAGES) + get_mm_counter_sum(mm, MM_ANONPAGES) +
	       get_mm_counter_sum(mm, MM_SHMEMPAGES);
#else
	return get_mm_rss(mm);
#endif
}
#endif

/*
 * The dumpable part of __ptrace_may_access(): a task that is not
 * dumpable by its owner needs CAP_SYS_PTRACE over its user namespace.
 * 7.2 moved dumpability and that namespace from the mm to the task's
 * exec_state (RCU).
 */
#include <linux/capability.h>
#include <linux/sched.h>
#ifdef COMPAT_HAVE_TASK_EXEC_STATE
#include <linux/sched/exec_state.h>

static inline bool tmon_task_dump_readable(struct task_struct *task)
{
	const struct task_exec_state *es;
	bool ok;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	ok = !es || es->dumpable == TASK_DUMPABLE_OWNER ||
	     ns_capable_noaudit(es->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	return ok;
}
#else
#include <linux/sched/coredump.h>
#include <linux/sched/task.h>
#include <linux/mm_types.h>

static inline bool tmon_task_dump_readable(struct task_struct *task)
{
	struct mm_struct *mm;
	bool ok = true;

	task_lock(task);
	mm = task->mm;
	if (mm && get_dumpable(mm) != SUID_DUMP_USER)
		ok = ns_capable_noaudit(mm->user_ns, CAP_SYS_PTRACE);
	task_unlock(task);
	return ok;
}
#endif

/*
 * The sched_process_exit tracepoint's probe: 6.16 passes group_dead (true
 * for a thread group's last thread). Before, the tracepoint comes after
 * do_exit() dropped signal->live, so the last thread finds it at 0.
 * TMON_EXIT_PROBE(probe, fn) defines @probe calling fn(task, group_dead).
 */
#ifdef COMPAT_HAVE_EXIT_GROUP_DEAD
#define TMON_EXIT_PROBE(probe, fn)						\
	static void probe(void *data, struct task_struct *p, bool group_dead)	\
	{									\
		fn(p, group_dead);						\
	}
#else
#define TMON_EXIT_PROBE(probe, fn)						\
	static void probe(void *data, struct task_struct *p)			\
	{									\
		fn(p, !atomic_read(&p->signal->live));				\
	}
#endif

#endif /* _TMON_COMPAT_H */
