// SPDX-License-Identifier: GPL-2.0
/*
 * The latest events sent, kept for tmonctl status: the work item that
 * sends them (events.c) keeps a copy of each, a process's with a
 * reference on its watch, and a status reply has those the caller may
 * be told of, as its own event messages would have them.
 */
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "netlink_gen.h"
#include "tmon.h"

static DEFINE_MUTEX(tmon_latest_lock);
static struct tmon_event tmon_latest[TMON_EVENTS_LATEST];
static u64 tmon_latest_seq[TMON_EVENTS_LATEST];
static u64 tmon_latest_n;		/* kept since load: the newest is n - 1 */

/* Process context: @ev, numbered @seq, in place of the oldest. */
void tmon_events_keep(u64 seq, const struct tmon_event *ev)
{
	unsigned int i;

	mutex_lock(&tmon_latest_lock);
	i = tmon_latest_n++ % TMON_EVENTS_LATEST;
	tmon_watch_put(tmon_latest[i].watch);
	tmon_latest[i] = *ev;
	tmon_latest_seq[i] = seq;
	if (ev->watch)
		tmon_watch_hold(ev->watch);
	mutex_unlock(&tmon_latest_lock);
}

/* Those @who may be told of, oldest first, a TMON_A_EVENT_LATEST nest each. */
int tmon_events_put_latest(struct sk_buff *msg, const struct tmon_caller *who)
{
	struct nlattr *nest;
	u64 n, k;
	unsigned int i;
	int err = 0;
	pid_t pid;

	mutex_lock(&tmon_latest_lock);
	n = min_t(u64, tmon_latest_n, TMON_EVENTS_LATEST);
	for (k = tmon_latest_n - n; k != tmon_latest_n; k++) {
		i = k % TMON_EVENTS_LATEST;
		if (!tmon_event_visible(who, &tmon_latest[i], &pid))
			continue;
		nest = nla_nest_start(msg, TMON_A_EVENT_LATEST);
		if (!nest || tmon_event_fill(msg, tmon_latest_seq[i], &tmon_latest[i], pid)) {
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
		tmon_watch_put(tmon_latest[i].watch);
	memset(tmon_latest, 0, sizeof(tmon_latest));
	tmon_latest_n = 0;
	mutex_unlock(&tmon_latest_lock);
}
