// SPDX-License-Identifier: GPL-2.0
/*
 * The exit of a watched process, seen as it happens: a probe on the
 * scheduler's sched_process_exit tracepoint, which the last thread of a
 * thread group passes in do_exit(). Its figures are taken there, so the
 * CPU time since the last periodic sample is not lost, and stored as the
 * watch's final record, flagged exited: the history and an exit event
 * carry it at once, the rings and the tmon_task_sample tracepoint from
 * the watch's sampler at its next round (their one producer for a watch,
 * so that its records reach them in order). The memory
 * figures are the last sample's where the mm is gone by then (kernels
 * that trace the exit after exit_mm()). The sampler, finding the watch
 * exited, takes no more; without the tracepoint, exits are found by the
 * sampler at its next round, as before.
 */
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "tmon.h"

static struct tracepoint *tmon_exit_tp;

/* In the exiting task, process context: the last thread of @p's group. */
static void tmon_exit_seen(struct task_struct *p, bool group_dead)
{
	struct tmon_task_record last;
	struct tmon_watch *w;
	struct tmon_sample *s;

	if (!group_dead || !tmon_nr_tasks())
		return;
	w = tmon_watch_get(task_tgid_nr(p));
	if (!w)
		return;
	/* (the watch of an earlier process with the same number: not ours) */
	if (w->pid != task_tgid(p) || READ_ONCE(w->exited))
		goto out;
	s = tmon_sample_alloc(w->memcg);
	if (!s)
		goto out;
	s->rec.pid = w->nr;
	s->rec.ts_ns = ktime_get_ns();
	tmon_task_fill(p, &s->rec);
	if (!s->rec.vm_bytes && tmon_watch_last_record(w, &last)) {
		s->rec.vm_bytes = last.vm_bytes;
		s->rec.stack_bytes = last.stack_bytes;
		s->rec.data_bytes = last.data_bytes;
		s->rec.rss_bytes = last.rss_bytes;
	}
	tmon_sample_get(s);
	if (tmon_sample_add(w, s, true)) {
		WRITE_ONCE(w->exit_unsent, true);
		tmon_event_task_exit(w, &s->rec);
		tmon_tasks_reap_later();
	}
	tmon_sample_put(s);
out:
	tmon_watch_put(w);
}

TMON_EXIT_PROBE(tmon_exit_probe, tmon_exit_seen)

static void tmon_exit_tp_find(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		*(struct tracepoint **)priv = tp;
}

int tmon_exits_init(void)
{
	int err;

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

/* No probe runs once this returns. */
void tmon_exits_exit(void)
{
	if (!tmon_exit_tp)
		return;
	tracepoint_probe_unregister(tmon_exit_tp, (void *)tmon_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	tmon_exit_tp = NULL;
}
