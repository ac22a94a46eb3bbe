// SPDX-License-Identifier: GPL-2.0
/*
 * The exit of a watched process, seen as it happens: a probe on the
 * scheduler's sched_process_exit tracepoint, which the last thread of a
 * thread group passes in do_exit(). Probes run with preemption off, so
 * the probe only takes what needs no sleeping lock, the CPU time and the
 * counters (so the time since the last periodic sample is not lost), into
 * the watch, and leaves the rest to a work item: the final record, the
 * memory figures of the last sample (the mm is gone, or not ours to take
 * here), flagged exited, stored in the history and sent as an exit event;
 * the rings and the tmon_task_sample tracepoint get it from the watch's
 * sampler at its next round, their one producer for a watch, so that its
 * records reach them in order. Without the tracepoint, or if the record
 * cannot be had, the sampler finds the exit at its next round as before.
 */
#include <linux/llist.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "tmon.h"

static struct tracepoint *tmon_exit_tp;
static LLIST_HEAD(tmon_exits_taken);
static struct work_struct tmon_exit_work;

/* Atomic, in the exiting task: the last thread of @p's group. */
static void tmon_exit_seen(struct task_struct *p, bool group_dead)
{
	struct tmon_task_record *rec;
	struct tmon_watch *w;

	if (!group_dead || !tmon_nr_tasks())
		return;
	w = tmon_watch_get(task_tgid_nr(p));
	if (!w)
		return;
	/* (the watch of an earlier process with the same number: not ours) */
	if (w->pid != task_tgid(p) || READ_ONCE(w->exited) || test_and_set_bit(0, &w->exit_taken)) {
		tmon_watch_put(w);
		return;
	}
	rec = &w->exit_rec;
	memset(rec, 0, sizeof(*rec));
	rec->pid = w->nr;
	rec->ts_ns = ktime_get_ns();
	memcpy(rec->comm, p->comm, sizeof(rec->comm));
	rec->comm[sizeof(rec->comm) - 1] = '\0';
	tmon_task_fill_times(p, rec);
	/* The reference goes with it to the work item. */
	llist_add(&w->exit_node, &tmon_exits_taken);
	queue_work(system_wq, &tmon_exit_work);
}

TMON_EXIT_PROBE(tmon_exit_probe, tmon_exit_seen)

/* Process context: @w's exit figures as its final record. */
static void tmon_exit_store(struct tmon_watch *w)
{
	struct tmon_task_record last, rec = w->exit_rec;

	if (tmon_watch_last_record(w, &last)) {
		rec.vm_bytes = last.vm_bytes;
		rec.stack_bytes = last.stack_bytes;
		rec.data_bytes = last.data_bytes;
		rec.rss_bytes = last.rss_bytes;
	}
	if (tmon_sample_add(w, &rec, true)) {
		WRITE_ONCE(w->exit_unsent, true);
		tmon_event_task_exit(w, &rec);
		tmon_tasks_reap_later();
	}
}

static void tmon_exits_store(struct work_struct *work)
{
	struct llist_node *taken = llist_del_all(&tmon_exits_taken);
	struct tmon_watch *w, *next;

	llist_for_each_entry_safe(w, next, taken, exit_node) {
		tmon_exit_store(w);
		/* Stored or not: the sampler may now find the exit itself. */
		clear_bit(0, &w->exit_taken);
		tmon_watch_put(w);
	}
}

static void tmon_exit_tp_find(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		*(struct tracepoint **)priv = tp;
}

int tmon_exits_init(void)
{
	int err;

	INIT_WORK(&tmon_exit_work, tmon_exits_store);
	for_each_kernel_tracepoint(tmon_exit_tp_find, &tmon_exit_tp);
	if (!tmon_exit_tp) {
		pr_warn("no sched_process_exit tracepoint: exits are seen at the next sample\n");
		return 0;
	}
	err = tracepoint_probe_register(tmon_exit_tp, (void *)tmon_exit_probe, NULL);
	if (err)
		tmon_exit_tp = NULL;
	return err;
}

/* No probe runs once this returns, and what they took is stored. */
void tmon_exits_exit(void)
{
	if (!tmon_exit_tp)
		return;
	tracepoint_probe_unregister(tmon_exit_tp, (void *)tmon_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	tmon_exit_tp = NULL;
	flush_work(&tmon_exit_work);
}
