// SPDX-License-Identifier: GPL-2.0
/*
 * A task record's figures, read from the process: the one place that
 * knows where each field of struct tmon_task_record comes from.
 */
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/cputime.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

#include "tmon.h"

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
/*
 * The figures that need no sleeping lock (the CPU, times and counters),
 * so that they can be taken in atomic context too: at an exit.
 */
void tmon_task_fill_times(struct task_struct *task, struct tmon_task_record *rec)
{
	struct signal_struct *sig = task->signal;
	struct task_struct *t;
	u64 ut, st;

	rec->cpu = task_cpu(task);
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
}

void tmon_task_fill(struct task_struct *task, struct tmon_task_record *rec)
{
	struct mm_struct *mm;

	get_task_comm(rec->comm, task);
	tmon_task_fill_times(task, rec);

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
