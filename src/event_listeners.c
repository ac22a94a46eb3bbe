// SPDX-License-Identifier: GPL-2.0
/*
 * Subscribed sockets: the events as their owners may see them. A
 * multicast message is the same for every listener, so the events group
 * is an admin's and speaks the initial pid namespace; any user can
 * instead subscribe a socket (SUBSCRIBE_EVENTS), and each event is then
 * sent to it by unicast, built for the subscriber: its pids in the
 * subscriber's pid namespace, and the cause left out when the subscriber
 * may not see that process (access.c's rule, judged with the
 * subscriber's credentials). A socket is dropped when it is closed
 * (NETLINK_URELEASE) or found gone; an event it had no room for is lost
 * to it alone and shows as a gap in its sequence numbers.
 */
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "netlink_gen.h"
#include "tmon.h"

#define TMON_LISTENERS_MAX	64
#define TMON_LISTENERS_PER_USER	4

struct tmon_listener {
	struct list_head node;
	u32 portid;
	struct tmon_caller who;		/* holds a reference on ns and cred */
	u64 seq;			/* the last event sent to it (or lost on the way) */
};

static LIST_HEAD(tmon_listeners);
static DEFINE_MUTEX(tmon_listeners_lock);
static unsigned int tmon_nr_listeners;

static void tmon_listener_free(struct tmon_listener *l)
{
	list_del(&l->node);
	tmon_nr_listeners--;
	put_pid_ns(l->who.ns);
	put_cred(l->who.cred);
	kfree(l);
}

static struct tmon_listener *tmon_listener_find(u32 portid)
{
	struct tmon_listener *l;

	list_for_each_entry(l, &tmon_listeners, node)
		if (l->portid == portid)
			return l;
	return NULL;
}

/* Sockets of @uid's that are not an admin's. */
static unsigned int tmon_listeners_of(kuid_t uid)
{
	struct tmon_listener *l;
	unsigned int n = 0;

	list_for_each_entry(l, &tmon_listeners, node)
		if (!l->who.admin && uid_eq(l->who.cred->uid, uid))
			n++;
	return n;
}

int tmon_nl_subscribe_events_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tmon_listener *l;
	struct tmon_caller c;
	int err = 0;

	tmon_caller_from_skb(&c, skb);
	mutex_lock(&tmon_listeners_lock);
	if (tmon_listener_find(info->snd_portid))
		goto out;
	if (tmon_nr_listeners >= TMON_LISTENERS_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack, "64 sockets are subscribed already");
		err = -ENOSPC;
		goto out;
	}
	if (!c.admin && tmon_listeners_of(c.cred->uid) >= TMON_LISTENERS_PER_USER) {
		NL_SET_ERR_MSG_MOD(info->extack, "this user has 4 sockets subscribed already");
		err = -EDQUOT;
		goto out;
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l) {
		err = -ENOMEM;
		goto out;
	}
	l->portid = info->snd_portid;
	l->who = c;
	get_pid_ns(c.ns);
	get_cred(c.cred);
	list_add_tail(&l->node, &tmon_listeners);
	tmon_nr_listeners++;
out:
	mutex_unlock(&tmon_listeners_lock);
	return err;
}

/*
 * The cause as @who may see it: its pid in @who's namespace, or none
 * (-1: it has no pid there, or is not @who's to see, or is gone and @who
 * is not an admin of the initial namespace). The idle task (pid 0) is no
 * process: everyone sees it. With @who's credentials as the current ones.
 */
static pid_t tmon_cause_visible(const struct tmon_caller *who, pid_t gnr)
{
	struct task_struct *task;
	struct pid *pid;
	pid_t vnr = 0;
	bool ok;

	if (!gnr)
		return 0;
	rcu_read_lock();
	pid = find_pid_ns(gnr, &init_pid_ns);
	task = pid ? pid_task(pid, PIDTYPE_PID) : NULL;
	if (task) {
		vnr = pid_nr_ns(pid, who->ns);
		get_task_struct(task);
	}
	rcu_read_unlock();
	/* Gone since (a short-lived task): its number is all there is. */
	if (!task)
		return tmon_caller_sees_all(who) ? gnr : -1;
	ok = who->admin || (vnr && tmon_task_may_read(task));
	put_task_struct(task);
	return vnr && ok ? vnr : -1;
}

/*
 * Whether @who may be told of @ev, and the pid its message has for @who
 * (tmon_event_msg()'s @pid): a process's event only if @who may see the
 * process, @proc with the credentials @cred it was watched with; a
 * wakeup's always, its cause only if @who may see that; the module's
 * always.
 */
bool tmon_event_visible_of(const struct tmon_caller *who, const struct tmon_event *ev,
			   struct pid *proc, const struct cred *cred, pid_t *pid)
{
	bool task = tmon_event_of_task(ev);
	const struct cred *old;

	if (!task && !(tmon_event_of_wakeup(ev) && ev->cause.taken)) {
		*pid = tmon_event_of_wakeup(ev) ? -1 : 0;
		return true;
	}
	/* access.c judges the current credentials: @who's, here. */
	old = override_creds(who->cred);
	if (task)
		*pid = tmon_process_visible(who, proc, cred);
	else
		*pid = tmon_cause_visible(who, ev->cause.pid);
	revert_creds(old);
	return !task || *pid;
}

/* Whether @who may be told of @ev, a process's by its watch. */
static bool tmon_event_visible(const struct tmon_caller *who, const struct tmon_event *ev,
			       pid_t *pid)
{
	struct tmon_watch *w = ev->watch;

	return tmon_event_visible_of(who, ev, w ? w->pid : NULL, w ? w->cred : NULL, pid);
}

/*
 * Process context: @ev to every subscribed socket whose owner may see it,
 * each numbered in the socket's own sequence (a gap: an event lost to it).
 */
void tmon_listeners_send(const struct tmon_event *ev)
{
	struct tmon_listener *l, *tmp;
	struct sk_buff *msg;
	pid_t pid;
	int err;

	mutex_lock(&tmon_listeners_lock);
	list_for_each_entry_safe(l, tmp, &tmon_listeners, node) {
		if (!tmon_event_visible(&l->who, ev, &pid))
			continue;
		msg = tmon_event_msg(++l->seq, ev, pid);
		if (!msg)
			continue;
		err = genlmsg_unicast(&init_net, msg, l->portid);
		/* Closed without our hearing of it (never so far): forget it. */
		if (err == -ECONNREFUSED)
			tmon_listener_free(l);
	}
	mutex_unlock(&tmon_listeners_lock);
}

bool tmon_listeners_any(void)
{
	return READ_ONCE(tmon_nr_listeners);
}

static int tmon_listener_release(struct notifier_block *nb, unsigned long state, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct tmon_listener *l;

	/* Every netlink socket's release comes here: most are not ours. */
	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net) || !tmon_listeners_any())
		return NOTIFY_DONE;
	mutex_lock(&tmon_listeners_lock);
	l = tmon_listener_find(n->portid);
	if (l)
		tmon_listener_free(l);
	mutex_unlock(&tmon_listeners_lock);
	return NOTIFY_DONE;
}

static struct notifier_block tmon_listener_nb = {
	.notifier_call = tmon_listener_release,
};

int tmon_listeners_init(void)
{
	return netlink_register_notifier(&tmon_listener_nb);
}

/* After the family is gone: no new subscriber, and the events are sent. */
void tmon_listeners_exit(void)
{
	struct tmon_listener *l, *tmp;

	netlink_unregister_notifier(&tmon_listener_nb);
	mutex_lock(&tmon_listeners_lock);
	list_for_each_entry_safe(l, tmp, &tmon_listeners, node)
		tmon_listener_free(l);
	mutex_unlock(&tmon_listeners_lock);
}
