// SPDX-License-Identifier: GPL-2.0
/*
 * Task sample history. Samples come from a dedicated slab cache with a
 * mempool reserve on top, so sampling still works when the page allocator
 * says no; only when the reserve is empty too is a sample dropped, and
 * counted. Samples are reference counted: readers take a reference under
 * tmon_samples_lock and format without it.
 *
 * tmon_samples_lock guards every watch's sample list, the global age list
 * (tmon_lru, oldest first, what the shrinker walks) and sample->linked.
 * A sample leaves both lists together, under the lock; its memory goes
 * when the last reference is dropped.
 */
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mempool.h>
#include <linux/sched/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "tmon.h"

/* Reserve kept for sampling under memory pressure. */
#define TMON_SAMPLE_RESERVE	256

static struct kmem_cache *tmon_sample_cache;
static mempool_t *tmon_sample_pool;

static DEFINE_SPINLOCK(tmon_samples_lock);
static LIST_HEAD(tmon_lru);

static atomic64_t tmon_nr_samples = ATOMIC64_INIT(0);	/* allocated, linked or not */
static atomic64_t tmon_nr_linked = ATOMIC64_INIT(0);	/* in some history */
static atomic64_t tmon_dropped = ATOMIC64_INIT(0);
static atomic64_t tmon_reclaimed = ATOMIC64_INIT(0);

/*
 * Test hook (debugfs fail_samples): the next N allocations from the
 * sample cache fail as they would under memory pressure, so that every
 * kernel, not only one with fault injection, can show the mempool
 * reserve taking over and the drops being counted.
 */
static atomic_t tmon_fail_samples = ATOMIC_INIT(0);

atomic_t *tmon_samples_fail_knob(void)
{
	return &tmon_fail_samples;
}

static void *tmon_sample_pool_alloc(gfp_t gfp, void *cache)
{
	if (atomic_dec_if_positive(&tmon_fail_samples) >= 0)
		return NULL;
	return mempool_alloc_slab(gfp, cache);
}

/*
 * Never sleep for memory: fall back to the reserve, then drop. A sample
 * of a watch made from a memory cgroup (@memcg) is charged to it and
 * takes nothing from the reserve, which is everyone's: a group at its
 * limit loses its own samples (counted), no one else's.
 */
struct tmon_sample *tmon_sample_alloc(struct mem_cgroup *memcg)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN;
	struct mem_cgroup *old;
	struct tmon_sample *s;

	if (memcg) {
		old = set_active_memcg(memcg);
		s = tmon_sample_pool_alloc(gfp, tmon_sample_cache);
		set_active_memcg(old);
	} else {
		s = mempool_alloc(tmon_sample_pool, gfp);
	}
	if (!s) {
		tmon_event_module(TMON_EVENT_SAMPLES_DROPPED, raw_smp_processor_id(),
				  atomic64_inc_return(&tmon_dropped));
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	kref_init(&s->ref);
	INIT_LIST_HEAD(&s->node);
	INIT_LIST_HEAD(&s->lru);
	atomic64_inc(&tmon_nr_samples);
	return s;
}

static void tmon_sample_release(struct kref *ref)
{
	struct tmon_sample *s = container_of(ref, struct tmon_sample, ref);

	mempool_free(s, tmon_sample_pool);
	atomic64_dec(&tmon_nr_samples);
}

void tmon_sample_get(struct tmon_sample *s)
{
	kref_get(&s->ref);
}

void tmon_sample_put(struct tmon_sample *s)
{
	if (s)
		kref_put(&s->ref, tmon_sample_release);
}

/* Under tmon_samples_lock: take @s out of both lists onto @dispose. */
static void tmon_sample_unlink(struct tmon_sample *s, struct list_head *dispose)
{
	list_del(&s->node);
	list_move_tail(&s->lru, dispose);
	s->linked = false;
	/* nr_samples and exited are read without the lock (status, dumps). */
	WRITE_ONCE(s->watch->nr_samples, s->watch->nr_samples - 1);
	atomic64_dec(&tmon_nr_linked);
}

static void tmon_samples_dispose(struct list_head *dispose)
{
	struct tmon_sample *s, *tmp;

	list_for_each_entry_safe(s, tmp, dispose, lru) {
		list_del_init(&s->lru);
		tmon_sample_put(s);
		/* Unwatch, unload and reclaim free whole histories at once. */
		cond_resched();
	}
}

/*
 * Append @s (the caller's reference passes to the history), give it the
 * watch's next seq, and trim the watch to `history` samples, oldest
 * first. A watch already unwatched, or whose exit is recorded, takes
 * nothing: false. @exit: @s is the record of the exit itself (flagged so),
 * the last the watch takes.
 */
bool tmon_sample_add(struct tmon_watch *w, struct tmon_sample *s, bool exit)
{
	unsigned int keep = tmon_history_len();
	LIST_HEAD(dispose);

	spin_lock(&tmon_samples_lock);
	if (w->dead || w->exited) {
		spin_unlock(&tmon_samples_lock);
		tmon_sample_put(s);
		return false;
	}
	if (exit) {
		s->rec.flags |= TMON_TASK_EXITED;
		WRITE_ONCE(w->exited_ns, ktime_get_ns());
		WRITE_ONCE(w->exited, true);
	}
	s->rec.seq = w->next_seq++;
	s->watch = w;
	s->linked = true;
	list_add_tail(&s->node, &w->samples);
	list_add_tail(&s->lru, &tmon_lru);
	WRITE_ONCE(w->nr_samples, w->nr_samples + 1);
	atomic64_inc(&tmon_nr_linked);
	while (w->nr_samples > keep)
		tmon_sample_unlink(list_first_entry(&w->samples, struct tmon_sample, node),
				   &dispose);
	spin_unlock(&tmon_samples_lock);
	tmon_samples_dispose(&dispose);
	return true;
}

/*
 * @w's process has exited: flag its newest sample; it takes no more.
 * The first caller gets a copy of the flagged record in @out, for the
 * streams; false if there is none (or another caller had it).
 */
bool tmon_samples_mark_exited(struct tmon_watch *w, struct tmon_task_record *out)
{
	struct tmon_task_record *last;
	bool found = false;

	spin_lock(&tmon_samples_lock);
	if (!w->exited) {
		WRITE_ONCE(w->exited_ns, ktime_get_ns());
		WRITE_ONCE(w->exited, true);
		if (!list_empty(&w->samples)) {
			last = &list_last_entry(&w->samples, struct tmon_sample, node)->rec;
			last->flags |= TMON_TASK_EXITED;
			*out = *last;
			found = true;
		}
	}
	spin_unlock(&tmon_samples_lock);
	return found;
}

/* Mark @w dead and free its history (references held by readers stay). */
void tmon_samples_release_watch(struct tmon_watch *w)
{
	LIST_HEAD(dispose);

	spin_lock(&tmon_samples_lock);
	w->dead = true;
	while (!list_empty(&w->samples))
		tmon_sample_unlink(list_first_entry(&w->samples, struct tmon_sample, node),
				   &dispose);
	spin_unlock(&tmon_samples_lock);
	tmon_samples_dispose(&dispose);
}

/* @w's oldest sample with seq in [@seq, @end), referenced; or NULL. */
struct tmon_sample *tmon_sample_first(struct tmon_watch *w, u64 seq, u64 end)
{
	struct tmon_sample *s, *found = NULL;

	spin_lock(&tmon_samples_lock);
	list_for_each_entry(s, &w->samples, node) {
		if (s->rec.seq >= end)
			break;
		if (s->rec.seq >= seq) {
			tmon_sample_get(s);
			found = s;
			break;
		}
	}
	spin_unlock(&tmon_samples_lock);
	return found;
}

/*
 * The sample after @cur in its watch's history, if @cur is still linked
 * and has one below @end. Returns ERR_PTR(-ENOENT) when @cur was unlinked
 * meanwhile: the caller looks the watch up again.
 */
struct tmon_sample *tmon_sample_next(struct tmon_sample *cur, u64 end)
{
	struct tmon_sample *n = NULL;

	spin_lock(&tmon_samples_lock);
	if (!cur->linked) {
		n = ERR_PTR(-ENOENT);
	} else if (!list_is_last(&cur->node, &cur->watch->samples)) {
		n = list_next_entry(cur, node);
		if (n->rec.seq < end)
			tmon_sample_get(n);
		else
			n = NULL;
	}
	spin_unlock(&tmon_samples_lock);
	return n;
}

/* Copy @w's newest record; false if it has none. */
bool tmon_watch_last_record(struct tmon_watch *w, struct tmon_task_record *out)
{
	bool found = false;

	spin_lock(&tmon_samples_lock);
	if (!list_empty(&w->samples)) {
		*out = list_last_entry(&w->samples, struct tmon_sample, node)->rec;
		found = true;
	}
	spin_unlock(&tmon_samples_lock);
	return found;
}

u64 tmon_watch_next_seq(struct tmon_watch *w)
{
	u64 seq;

	spin_lock(&tmon_samples_lock);
	seq = w->next_seq;
	spin_unlock(&tmon_samples_lock);
	return seq;
}

/*
 * The newest samples first, "pid P usr U sys S" lines, within PAGE_SIZE;
 * only those of the watches in @visible (see tmon_watches_visible()),
 * unless @c sees all. Pids as @c sees them.
 */
ssize_t tmon_samples_show_recent(char *buf, const struct tmon_caller *c,
				 struct xarray *visible)
{
	bool all = tmon_caller_sees_all(c);
	struct tmon_sample *s;
	ssize_t len = 0;
	pid_t nr;
	int n;

	spin_lock(&tmon_samples_lock);
	list_for_each_entry_reverse(s, &tmon_lru, lru) {
		if (all)
			nr = s->rec.pid;
		else if (xa_load(visible, s->watch->nr) == s->watch)
			nr = pid_nr_ns(s->watch->pid, c->ns);
		else
			continue;
		n = snprintf(buf + len, PAGE_SIZE - len, "pid %u usr %llu sys %llu\n",
			     nr, s->rec.utime_ns, s->rec.stime_ns);
		if (n >= PAGE_SIZE - len)
			break;	/* whole lines only */
		len += n;
	}
	spin_unlock(&tmon_samples_lock);
	return len;
}

u64 tmon_samples_stored(void)
{
	return atomic64_read(&tmon_nr_linked);
}

u64 tmon_samples_dropped(void)
{
	return atomic64_read(&tmon_dropped);
}

u64 tmon_samples_reclaimed(void)
{
	return atomic64_read(&tmon_reclaimed);
}

/* Sample memory: live samples and the reserve, at the slab object size. */
u64 tmon_samples_mem_bytes(void)
{
	u64 objs = atomic64_read(&tmon_nr_samples) + READ_ONCE(tmon_sample_pool->curr_nr);

	return objs * kmem_cache_size(tmon_sample_cache);
}

unsigned int tmon_sample_obj_size(void)
{
	return kmem_cache_size(tmon_sample_cache);
}

/*
 * Reclaim (sample_reclaim.c): free up to @nr samples taken before @cutoff,
 * the oldest first. Everything but each watch's newest sample can go; the
 * newest stays so an exited task keeps its last record, and is moved
 * behind the others, so a few hundred of them at the head of the age list
 * cannot stop a scan from reaching what it may free.
 */
unsigned long tmon_samples_reclaim(unsigned long nr, u64 cutoff)
{
	struct tmon_sample *s, *tmp, *kept = NULL;
	unsigned long freed = 0;
	LIST_HEAD(dispose);

	spin_lock(&tmon_samples_lock);
	list_for_each_entry_safe(s, tmp, &tmon_lru, lru) {
		/* Back at the first newest one moved: nothing more to free. */
		if (freed >= nr || s == kept || s->rec.ts_ns >= cutoff)
			break;
		if (list_is_last(&s->node, &s->watch->samples)) {
			list_move_tail(&s->lru, &tmon_lru);
			if (!kept)
				kept = s;
			continue;
		}
		tmon_sample_unlink(s, &dispose);
		freed++;
	}
	spin_unlock(&tmon_samples_lock);
	tmon_samples_dispose(&dispose);
	atomic64_add(freed, &tmon_reclaimed);
	return freed;
}

/* Samples the reclaim could free: all but each watch's newest. */
unsigned long tmon_samples_reclaimable(void)
{
	s64 n = atomic64_read(&tmon_nr_linked) - tmon_nr_tasks();

	return n > 0 ? n : 0;
}

int tmon_samples_init(void)
{
	/* Accounted: charged to the memory cgroup a watch was made from. */
	tmon_sample_cache = KMEM_CACHE(tmon_sample, SLAB_ACCOUNT);
	if (!tmon_sample_cache)
		return -ENOMEM;

	tmon_sample_pool = mempool_create(TMON_SAMPLE_RESERVE, tmon_sample_pool_alloc,
					  mempool_free_slab, tmon_sample_cache);
	if (!tmon_sample_pool) {
		kmem_cache_destroy(tmon_sample_cache);
		return -ENOMEM;
	}
	return 0;
}

/* After every watch is released and every reader is gone. */
void tmon_samples_exit(void)
{
	WARN_ON_ONCE(!list_empty(&tmon_lru));
	mempool_destroy(tmon_sample_pool);
	kmem_cache_destroy(tmon_sample_cache);
}
