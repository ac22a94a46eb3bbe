// SPDX-License-Identifier: GPL-2.0
/*
 * Where the chunks of the task sample history (samples.c) come from and
 * go back to: a dedicated slab cache, charged to the memory cgroup a
 * watch was made from, with a mempool reserve on top for the watches of
 * the root cgroup, so sampling still works when the page allocator says
 * no; only when the reserve is empty too is a sample dropped, and
 * counted. And the spares: the emptied head chunk of a full history,
 * kept for its next tail, so that a history at its length takes no
 * memory from the allocator (a sampler giving pages back and taking
 * them again at the rate it samples grows the page allocator's per-CPU
 * lists, which vmstat_update drains later, irqs off, for as long as it
 * takes). Reclaim takes the spares first; unwatch and exit drop them.
 */
#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mempool.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "sample_chunk.h"
#include "tmon.h"

/* Reserve kept for sampling under memory pressure, in chunks. */
#define TMON_CHUNK_RESERVE	8

static struct kmem_cache *tmon_chunk_cache;
static mempool_t *tmon_chunk_pool;

static atomic64_t tmon_nr_chunks = ATOMIC64_INIT(0);	/* allocated, linked or not */
static atomic64_t tmon_dropped = ATOMIC64_INIT(0);
/* The watches' spares, by their lru, under tmon_samples_lock. */
static LIST_HEAD(tmon_spares);
static atomic64_t tmon_nr_spares = ATOMIC64_INIT(0);

/*
 * Test hook (debugfs fail_samples): the next N allocations from the
 * chunk cache fail as they would under memory pressure, so that every
 * kernel, not only one with fault injection, can show the mempool
 * reserve taking over and the drops being counted.
 */
static atomic_t tmon_fail_samples = ATOMIC_INIT(0);

atomic_t *tmon_samples_fail_knob(void)
{
	return &tmon_fail_samples;
}

static void *tmon_chunk_pool_alloc(gfp_t gfp, void *cache)
{
	if (atomic_dec_if_positive(&tmon_fail_samples) >= 0)
		return NULL;
	return mempool_alloc_slab(gfp, cache);
}

/*
 * Never sleep for memory: fall back to the reserve, then drop. A chunk
 * of a watch made from a memory cgroup (@memcg) is charged to it and
 * takes nothing from the reserve, which is everyone's: a group at its
 * limit loses its own samples (counted), no one else's.
 */
struct tmon_sample_chunk *tmon_chunk_alloc(struct mem_cgroup *memcg)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN;
	struct tmon_sample_chunk *c;
	struct mem_cgroup *old;

	if (memcg) {
		old = set_active_memcg(memcg);
		c = tmon_chunk_pool_alloc(gfp, tmon_chunk_cache);
		set_active_memcg(old);
	} else {
		c = mempool_alloc(tmon_chunk_pool, gfp);
	}
	if (!c) {
		tmon_event_module(TMON_EVENT_SAMPLES_DROPPED, raw_smp_processor_id(),
				  atomic64_inc_return(&tmon_dropped));
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	kref_init(&c->ref);
	INIT_LIST_HEAD(&c->node);
	INIT_LIST_HEAD(&c->lru);
	atomic64_inc(&tmon_nr_chunks);
	return c;
}

static void tmon_chunk_release(struct kref *ref)
{
	mempool_free(container_of(ref, struct tmon_sample_chunk, ref), tmon_chunk_pool);
	atomic64_dec(&tmon_nr_chunks);
}

void tmon_chunk_put(struct tmon_sample_chunk *c)
{
	if (c)
		kref_put(&c->ref, tmon_chunk_release);
}

/*
 * Under tmon_samples_lock: keep one chunk @dispose holds as @w's spare,
 * if @w has none and no reader holds the chunk (readers take references
 * under the lock).
 */
void tmon_chunk_keep_spare(struct tmon_watch *w, struct list_head *dispose)
{
	struct tmon_sample_chunk *c;

	if (w->spare)
		return;
	list_for_each_entry(c, dispose, lru) {
		if (kref_read(&c->ref) == 1) {
			list_move_tail(&c->lru, &tmon_spares);
			w->spare = c;
			atomic64_inc(&tmon_nr_spares);
			return;
		}
	}
}

/* Under tmon_samples_lock: @w's spare, out of the spares, or NULL. */
struct tmon_sample_chunk *tmon_chunk_take_spare(struct tmon_watch *w)
{
	struct tmon_sample_chunk *c = w->spare;

	if (c) {
		w->spare = NULL;
		atomic64_dec(&tmon_nr_spares);
		list_del_init(&c->lru);
		c->first = 0;
		c->nr = 0;
	}
	return c;
}

/* Under tmon_samples_lock: @w's spare goes to @dispose. */
void tmon_chunk_drop_spare(struct tmon_watch *w, struct list_head *dispose)
{
	struct tmon_sample_chunk *c = tmon_chunk_take_spare(w);

	if (c)
		list_add_tail(&c->lru, dispose);
}

/*
 * Under tmon_samples_lock, for reclaim: every spare begun before @cutoff
 * (its rec[0] is still the first record it held) goes to @dispose.
 * Returns how many went.
 */
unsigned long tmon_spares_reclaim(u64 cutoff, struct list_head *dispose)
{
	struct tmon_sample_chunk *c, *tmp;
	unsigned long n = 0;

	list_for_each_entry_safe(c, tmp, &tmon_spares, lru) {
		if (c->rec[0].ts_ns >= cutoff)
			continue;
		tmon_chunk_drop_spare(c->watch, dispose);
		n++;
	}
	return n;
}

u64 tmon_spares_nr(void)
{
	return atomic64_read(&tmon_nr_spares);
}

u64 tmon_samples_dropped(void)
{
	return atomic64_read(&tmon_dropped);
}

/* Sample memory: live chunks and the reserve, at the slab object size. */
u64 tmon_samples_mem_bytes(void)
{
	u64 objs = atomic64_read(&tmon_nr_chunks) + READ_ONCE(tmon_chunk_pool->curr_nr);

	return objs * kmem_cache_size(tmon_chunk_cache);
}

/* Bytes a stored record takes in a full chunk (sysfs sample_size). */
unsigned int tmon_sample_size(void)
{
	return DIV_ROUND_UP(kmem_cache_size(tmon_chunk_cache), TMON_CHUNK_RECORDS);
}

int tmon_samples_init(void)
{
	/* Accounted: charged to the memory cgroup a watch was made from. */
	tmon_chunk_cache = kmem_cache_create("tmon_sample_chunk", TMON_CHUNK_SIZE, 0,
					     SLAB_ACCOUNT, NULL);
	if (!tmon_chunk_cache)
		return -ENOMEM;

	tmon_chunk_pool = mempool_create(TMON_CHUNK_RESERVE, tmon_chunk_pool_alloc,
					 mempool_free_slab, tmon_chunk_cache);
	if (!tmon_chunk_pool) {
		kmem_cache_destroy(tmon_chunk_cache);
		return -ENOMEM;
	}
	return 0;
}

/* After every watch is released and every reader is gone. */
void tmon_samples_exit(void)
{
	WARN_ON_ONCE(!list_empty(&tmon_lru) || !list_empty(&tmon_spares));
	mempool_destroy(tmon_chunk_pool);
	kmem_cache_destroy(tmon_chunk_cache);
}
