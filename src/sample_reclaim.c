// SPDX-License-Identifier: GPL-2.0
/*
 * The shrinker of the task samples: it gives back, the oldest first, what
 * tmon_samples_reclaim() may free (everything but each watch's newest).
 *
 * One reclaim frees what was there when it began, not what sampling adds
 * while it runs: drop_slab() repeats its rounds while they free much (ours
 * or any other cache's), and where a round is slower than sampling
 * refills the histories (the debug kernel) each would free them all
 * again, for minutes. A reclaim is the rounds of one task with no pause
 * of a second between them, within one drop_caches write (the DROP_SLAB
 * event counts writes), and at most a minute long. Reclaim under memory
 * pressure (kswapd, direct reclaim: PF_MEMALLOC) is not one: there each
 * round frees everything older than itself, as the allocator needs.
 * Rounds start at count_objects().
 */
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "tmon.h"

#define TMON_RECLAIM_PAUSE_NS	NSEC_PER_SEC
#define TMON_RECLAIM_WAVE_NS	(60 * NSEC_PER_SEC)

static struct shrinker *tmon_shrinker;

/* The reclaim under way; shrinkers of several reclaimers run at once. */
static DEFINE_SPINLOCK(tmon_reclaim_lock);
static const void *tmon_reclaimer;	/* compared, never dereferenced */
static unsigned long tmon_reclaim_drops;	/* DROP_SLAB events when it began */
static u64 tmon_reclaim_start;		/* samples taken before may go */
static u64 tmon_reclaim_last;		/* its latest call */

/* drop_caches writes that dropped slab, so far (counted when they end). */
static unsigned long tmon_drop_slab_writes(void)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += per_cpu(vm_event_states, cpu).event[DROP_SLAB];
	return n;
}

static unsigned long tmon_shrink_count(struct shrinker *sh, struct shrink_control *sc)
{
	unsigned long n = tmon_samples_reclaimable();
	/* kswapd and direct reclaim: memory is short, each round takes all. */
	bool pressure = current->flags & PF_MEMALLOC;
	unsigned long drops = tmon_drop_slab_writes();
	u64 now = ktime_get_ns();

	spin_lock(&tmon_reclaim_lock);
	if (pressure || tmon_reclaimer != current || drops != tmon_reclaim_drops ||
	    now - tmon_reclaim_last > TMON_RECLAIM_PAUSE_NS ||
	    now - tmon_reclaim_start > TMON_RECLAIM_WAVE_NS) {
		tmon_reclaimer = pressure ? NULL : current;
		tmon_reclaim_drops = drops;
		tmon_reclaim_start = now;
	}
	tmon_reclaim_last = now;
	spin_unlock(&tmon_reclaim_lock);
	return n ? n : SHRINK_EMPTY;
}

static unsigned long tmon_shrink_scan(struct shrinker *sh, struct shrink_control *sc)
{
	unsigned long freed;
	u64 cutoff;

	spin_lock(&tmon_reclaim_lock);
	cutoff = tmon_reclaim_start;
	tmon_reclaim_last = ktime_get_ns();
	spin_unlock(&tmon_reclaim_lock);

	freed = tmon_samples_reclaim(sc->nr_to_scan, cutoff);

	/* Freeing takes long on a slow kernel: the pause counts from here. */
	spin_lock(&tmon_reclaim_lock);
	tmon_reclaim_last = ktime_get_ns();
	spin_unlock(&tmon_reclaim_lock);
	return freed ? freed : SHRINK_STOP;
}

/* After tmon_samples_init(): the shrinker may run at once. */
int tmon_reclaim_init(void)
{
	tmon_shrinker = shrinker_alloc(0, "tmon-samples");
	if (!tmon_shrinker)
		return -ENOMEM;
	tmon_shrinker->count_objects = tmon_shrink_count;
	tmon_shrinker->scan_objects = tmon_shrink_scan;
	shrinker_register(tmon_shrinker);
	return 0;
}

/* Before tmon_samples_exit(): no scan runs once this returns. */
void tmon_reclaim_exit(void)
{
	shrinker_free(tmon_shrinker);
	tmon_shrinker = NULL;
}
