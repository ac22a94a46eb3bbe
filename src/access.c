// SPDX-License-Identifier: GPL-2.0
/*
 * Who may see and change what: tmon shows nobody more than /proc would.
 *
 * An admin holds CAP_SYS_ADMIN in the initial user namespace, checked on
 * the netlink sender and its socket, or on the credentials a file was
 * opened with. Anyone else sees a watched process only when
 * ptrace_may_access(PTRACE_MODE_READ_FSCREDS) holds for it (the rule
 * behind hidepid= and /proc/PID/stat's sensitive fields), whatever the
 * mount options of any /proc. An exited process is judged by the
 * credentials it had when it was watched, as __ptrace_may_access() would
 * have judged them.
 *
 * Pids go out and come in as numbers in the caller's pid namespace, as
 * taskstats does; a process with no pid there is not shown at all.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/xarray.h>
#include <net/netlink.h>

#include "tmon.h"

void tmon_caller_init(struct tmon_caller *c, bool admin)
{
	c->ns = task_active_pid_ns(current);
	c->cred = current_cred();
	c->admin = admin;
}

/*
 * The opener's credentials decide; the pid namespace is the current
 * task's, which a reader refreshes at each read.
 */
void tmon_caller_from_file(struct tmon_caller *c, const struct file *file)
{
	tmon_caller_init(c, file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN));
	c->cred = file->f_cred;
}

void tmon_caller_from_skb(struct tmon_caller *c, const struct sk_buff *skb)
{
	tmon_caller_init(c, netlink_capable(skb, CAP_SYS_ADMIN));
}

/*
 * The credential part of __ptrace_may_access(PTRACE_MODE_READ_FSCREDS):
 * the caller's fsuid and fsgid are all of the target's ids, or the
 * caller has CAP_SYS_PTRACE over the target's user namespace.
 */
static bool tmon_cred_may_read(const struct cred *tcred)
{
	const struct cred *cred = current_cred();

	if (uid_eq(cred->fsuid, tcred->euid) && uid_eq(cred->fsuid, tcred->suid) &&
	    uid_eq(cred->fsuid, tcred->uid) && gid_eq(cred->fsgid, tcred->egid) &&
	    gid_eq(cred->fsgid, tcred->sgid) && gid_eq(cred->fsgid, tcred->gid))
		return true;
	return ns_capable_noaudit(tcred->user_ns, CAP_SYS_PTRACE);
}

/*
 * ptrace_may_access(@task, PTRACE_MODE_READ_FSCREDS), which modules
 * cannot call (it is not exported), as far as they can follow it: the
 * same thread group, the credentials, and a non-dumpable mm needing
 * CAP_SYS_PTRACE over its user namespace. The LSM hook is left out.
 */
bool tmon_task_may_read(struct task_struct *task)
{
	bool ok;

	if (same_thread_group(task, current))
		return true;
	rcu_read_lock();
	ok = tmon_cred_may_read(__task_cred(task));
	rcu_read_unlock();
	return ok && tmon_task_dump_readable(task);
}

/*
 * The process of @pid as @c sees it, or 0 when @c may not see it (no pid
 * in @c's namespace, or not readable). A process that is gone is judged
 * by @cred, the credentials it had when it was watched.
 */
pid_t tmon_process_visible(const struct tmon_caller *c, struct pid *pid, const struct cred *cred)
{
	struct task_struct *task;
	pid_t vnr;
	bool ok;

	vnr = pid_nr_ns(pid, c->ns);
	if (!vnr || c->admin)
		return vnr;
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (task) {
		ok = tmon_task_may_read(task);
		put_task_struct(task);
	} else {
		ok = tmon_cred_may_read(cred);
	}
	return ok ? vnr : 0;
}

/* @w's process as @c sees it (tmon_process_visible()). */
pid_t tmon_watch_visible(const struct tmon_caller *c, struct tmon_watch *w)
{
	return tmon_process_visible(c, w->pid, w->cred);
}

/* Admins in the initial pid namespace see everything as it is stored. */
bool tmon_caller_sees_all(const struct tmon_caller *c)
{
	return c->admin && c->ns == &init_pid_ns;
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
