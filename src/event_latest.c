// SPDX-License-Identifier: GPL-2.0
/*
 * The latest events sent, kept for tmonctl status: the work item that
 * sends them (events.c) keeps a copy of each, a process's with what
 * access.c judges it by (its struct pid, the credentials it was watched
 * with; not the watch, which a pid number that comes back replaces), and
 * a status reply has those the caller may be told of, as its own event
 * messages would have them.
 */
#include <linux/cred.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "netlink_gen.h"
#include "tmon.h"

struct tmon_latest {
	u64 seq;
	struct tmon_event ev;		/* its watch NULL */
	struct pid *pid;		/* a process's: referenced; else NULL */
	const struct cred *cred;	/* likewise */
};

static DEFINE_MUTEX(tmon_latest_lock);
static struct tmon_latest tmon_latest[TMON_EVENTS_LATEST];
static u64 tmon_latest_n;		/* kept since load: the newest is n - 1 */

static void tmon_latest_clear(struct tmon_latest *l)
{
	put_pid(l->pid);
	put_cred(l->cred);
	memset(l, 0, sizeof(*l));
}

/* Process context: @ev, numbered @seq, in place of the oldest. */
void tmon_events_keep(u64 seq, const struct tmon_event *ev)
{
	struct tmon_latest *l;

	mutex_lock(&tmon_latest_lock);
	l = &tmon_latest[tmon_latest_n++ % TMON_EVENTS_LATEST];
	tmon_latest_clear(l);
	l->seq = seq;
	l->ev = *ev;
	l->ev.watch = NULL;
	if (ev->watch) {
		l->pid = get_pid(ev->watch->pid);
		l->cred = get_cred(ev->watch->cred);
	}
	mutex_unlock(&tmon_latest_lock);
}

/* Those @who may be told of, oldest first, a TMON_A_EVENT_LATEST nest each. */
int tmon_events_put_latest(struct sk_buff *msg, const struct tmon_caller *who)
{
	struct tmon_latest *l;
	struct nlattr *nest;
	int err = 0;
	pid_t pid;
	u64 n, k;

	mutex_lock(&tmon_latest_lock);
	n = min_t(u64, tmon_latest_n, TMON_EVENTS_LATEST);
	for (k = tmon_latest_n - n; k != tmon_latest_n; k++) {
		l = &tmon_latest[k % TMON_EVENTS_LATEST];
		if (!tmon_event_visible_of(who, &l->ev, l->pid, l->cred, &pid))
			continue;
		nest = nla_nest_start(msg, TMON_A_EVENT_LATEST);
		if (!nest || tmon_event_fill(msg, l->seq, &l->ev, pid)) {
			err = -EMSGSIZE;
			break;
		}
		nla_nest_end(msg, nest);
	}
	mutex_unlock(&tmon_latest_lock);
	return err;
}

/* Their references given back (status may still ask: the family goes after). */
void tmon_events_latest_exit(void)
{
	unsigned int i;

	mutex_lock(&tmon_latest_lock);
	for (i = 0; i < TMON_EVENTS_LATEST; i++)
		tmon_latest_clear(&tmon_latest[i]);
	tmon_latest_n = 0;
	mutex_unlock(&tmon_latest_lock);
}
