// SPDX-License-Identifier: GPL-2.0
/*
 * The budgets of a watched process (tmon.yaml's budget-cpu, budget-rss,
 * budget-majflt): each sample its sampler stores is checked against
 * them, and going over one, or coming back under it, is an event
 * (events.c). The rates (CPU time, major faults, each a second) are
 * taken between two consecutive samples of the process, so the first
 * sample after watching only starts them; a sample that could not be
 * stored (samples_dropped) is not checked. A budget removed while the
 * process was over it ends without an event.
 *
 * Only the sampler serving the process's share runs this (two, briefly,
 * across a hotplug event: a crossing may then be told twice or not at
 * all, as a sample may be taken twice or skipped).
 */
#include <linux/bitops.h>
#include <linux/math64.h>

#include "tmon.h"

/* @now - @then a second over @dt ns (a counter that stepped back: 0). */
static u64 tmon_rate(u64 now, u64 then, u64 dt)
{
	return now > then ? mul_u64_u64_div_u64(now - then, NSEC_PER_SEC, dt) : 0;
}

void tmon_budget_check(struct tmon_watch *w, const struct tmon_task_record *rec)
{
	u64 cpu = rec->utime_ns + rec->stime_ns, value[TMON_NR_BUDGETS], limit;
	bool rates = w->budget_ts_ns && rec->ts_ns > w->budget_ts_ns;
	unsigned int i;
	bool over;

	if (rates) {
		value[TMON_BUDGET_CPU - 1] = tmon_rate(cpu, w->budget_cpu_ns,
						       rec->ts_ns - w->budget_ts_ns);
		value[TMON_BUDGET_MAJFLT - 1] = tmon_rate(rec->majflt, w->budget_majflt,
							  rec->ts_ns - w->budget_ts_ns);
	}
	value[TMON_BUDGET_RSS - 1] = rec->rss_bytes;
	w->budget_ts_ns = rec->ts_ns;
	w->budget_cpu_ns = cpu;
	w->budget_majflt = rec->majflt;

	for (i = 0; i < TMON_NR_BUDGETS; i++) {
		limit = READ_ONCE(w->budgets.limit[i]);
		if (!limit) {
			__clear_bit(i, &w->budget_over);
			continue;
		}
		if (!rates && i != TMON_BUDGET_RSS - 1)
			continue;
		over = value[i] > limit;
		if (over == test_bit(i, &w->budget_over))
			continue;
		__change_bit(i, &w->budget_over);
		tmon_event_budget(w, rec, i + 1, limit, value[i], over);
	}
}

struct tmon_budget_change {
	const struct tmon_budgets *b;
	unsigned long given;		/* by index: those to set */
};

static void tmon_budgets_set_fn(struct tmon_watch *w, const void *arg)
{
	const struct tmon_budget_change *ch = arg;
	unsigned int i;

	for_each_set_bit(i, &ch->given, TMON_NR_BUDGETS)
		WRITE_ONCE(w->budgets.limit[i], ch->b->limit[i]);
}

/*
 * Set the budgets of @nr's watch that @given has bits for (by index) to
 * @b's; errors as tmon_watch_change()'s. The sampler reads them as they
 * change: a sample is checked against the old or the new.
 */
int tmon_watch_set_budgets(const struct tmon_caller *c, pid_t nr, const struct tmon_budgets *b,
			   unsigned long given)
{
	struct tmon_budget_change ch = { .b = b, .given = given };

	return tmon_watch_change(c, nr, tmon_budgets_set_fn, &ch);
}
