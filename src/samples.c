// SPDX-License-Identifier: GPL-2.0
/*
 * Task sample history. A watch's records are stored in chunks, runs of
 * TMON_CHUNK_RECORDS consecutive records of that watch in one object of
 * a dedicated slab cache (sample_chunk.c), so a stored record costs
 * little more than its payload (one object per record cost half as much
 * again in list heads, a reference count and slab rounding).
 *
 * A chunk holds records [first, nr) of its watch, with seqs seq0 + index:
 * records are appended at the tail chunk's end and trimmed from the head
 * chunk's start, and a chunk goes when its last record does. Chunks are
 * reference counted: a reader copies a record under tmon_samples_lock and
 * keeps a reference on its chunk as its place (struct tmon_sample_pos), so
 * the next read starts there instead of at the watch's oldest record.
 *
 * A full history gives a chunk back for each it takes: the emptied head
 * chunk is kept as the watch's spare and becomes its next tail.
 *
 * tmon_samples_lock guards every watch's chunk list, count and spare, the
 * global age list of chunks (tmon_lru, oldest first, what the shrinker
 * walks), the list of spares (tmon_spares) and every chunk's first, nr
 * and linked. A chunk leaves both lists together, under the lock; its
 * memory goes when the last reference is dropped.
 */
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "sample_chunk.h"
#include "tmon.h"

DEFINE_SPINLOCK(tmon_samples_lock);
LIST_HEAD(tmon_lru);

static atomic64_t tmon_nr_linked = ATOMIC64_INIT(0);	/* records in some history */
/* Those of them in a watch's tail chunk, which reclaim leaves. */
static atomic64_t tmon_nr_in_tails = ATOMIC64_INIT(0);
static atomic64_t tmon_reclaimed = ATOMIC64_INIT(0);

static unsigned int tmon_chunk_held(const struct tmon_sample_chunk *c)
{
	return c->nr - c->first;
}

static bool tmon_chunk_is_tail(const struct tmon_sample_chunk *c)
{
	return list_is_last(&c->node, &c->watch->samples);
}

/* Under tmon_samples_lock: @n of @c's oldest records leave the history. */
static void tmon_chunk_trim(struct tmon_sample_chunk *c, unsigned int n,
			    struct list_head *dispose)
{
	struct tmon_watch *w = c->watch;

	if (tmon_chunk_is_tail(c))
		atomic64_sub(n, &tmon_nr_in_tails);
	c->first += n;
	/* nr_samples is read without the lock (status, dumps). */
	WRITE_ONCE(w->nr_samples, w->nr_samples - n);
	atomic64_sub(n, &tmon_nr_linked);
	if (c->first < c->nr)
		return;
	list_del(&c->node);
	list_move_tail(&c->lru, dispose);
	c->linked = false;
}

static void tmon_chunks_dispose(struct list_head *dispose)
{
	struct tmon_sample_chunk *c, *tmp;

	list_for_each_entry_safe(c, tmp, dispose, lru) {
		list_del_init(&c->lru);
		tmon_chunk_put(c);
		/* Unwatch, unload and reclaim free whole histories at once. */
		cond_resched();
	}
}

/* Under tmon_samples_lock: @w's tail chunk, if it has room. */
static struct tmon_sample_chunk *tmon_chunk_room(struct tmon_watch *w)
{
	struct tmon_sample_chunk *c;

	if (list_empty(&w->samples))
		return NULL;
	c = list_last_entry(&w->samples, struct tmon_sample_chunk, node);
	return c->nr < TMON_CHUNK_RECORDS ? c : NULL;
}

/* Under tmon_samples_lock: @c becomes @w's tail, its first record next_seq. */
static void tmon_chunk_link(struct tmon_watch *w, struct tmon_sample_chunk *c)
{
	if (!list_empty(&w->samples))	/* the old tail's records may go now */
		atomic64_sub(tmon_chunk_held(list_last_entry(&w->samples,
							     struct tmon_sample_chunk, node)),
			     &tmon_nr_in_tails);
	c->watch = w;
	c->seq0 = w->next_seq;
	c->linked = true;
	list_add_tail(&c->node, &w->samples);
	list_add_tail(&c->lru, &tmon_lru);
}

/*
 * Store a copy of @rec in @w's history, give it (and @rec) the watch's
 * next seq, and trim the watch to `history` records, oldest first. A
 * watch already unwatched, or whose exit is recorded, takes nothing:
 * false; so does a record for which no chunk could be had (counted).
 * @exit: @rec is the record of the exit itself (flagged so), the last the
 * watch takes. Called by the watch's sampler and once at its exit.
 */
bool tmon_sample_add(struct tmon_watch *w, struct tmon_task_record *rec, bool exit)
{
	struct tmon_sample_chunk *c = NULL, *spare = NULL;
	unsigned int keep = tmon_history_len();
	LIST_HEAD(dispose);
	bool stored = false;

	spin_lock(&tmon_samples_lock);
	while (!w->dead && !w->exited && !(c = tmon_chunk_room(w))) {
		if (!spare)
			spare = tmon_chunk_take_spare(w);
		if (spare) {
			tmon_chunk_link(w, spare);
			spare = NULL;
			continue;
		}
		/* Allocated outside the lock, which readers and reclaim share. */
		spin_unlock(&tmon_samples_lock);
		spare = tmon_chunk_alloc(w->memcg);
		if (!spare)
			return false;
		spin_lock(&tmon_samples_lock);
	}
	if (!w->dead && !w->exited) {
		if (exit) {
			rec->flags |= TMON_TASK_EXITED;
			WRITE_ONCE(w->exited_ns, ktime_get_ns());
			WRITE_ONCE(w->exited, true);
		}
		rec->seq = w->next_seq++;
		c->rec[c->nr++] = *rec;
		atomic64_inc(&tmon_nr_in_tails);
		WRITE_ONCE(w->nr_samples, w->nr_samples + 1);
		atomic64_inc(&tmon_nr_linked);
		while (w->nr_samples > keep) {
			c = list_first_entry(&w->samples, struct tmon_sample_chunk, node);
			tmon_chunk_trim(c, min(tmon_chunk_held(c), w->nr_samples - keep),
					&dispose);
		}
		/* An exit is the last record: no next tail. */
		if (exit)
			tmon_chunk_drop_spare(w, &dispose);
		else
			tmon_chunk_keep_spare(w, &dispose);
		stored = true;
	}
	spin_unlock(&tmon_samples_lock);
	tmon_chunks_dispose(&dispose);
	tmon_chunk_put(spare);
	return stored;
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
	LIST_HEAD(dispose);

	spin_lock(&tmon_samples_lock);
	if (!w->exited) {
		tmon_chunk_drop_spare(w, &dispose);
		WRITE_ONCE(w->exited_ns, ktime_get_ns());
		WRITE_ONCE(w->exited, true);
		last = tmon_watch_newest(w);
		if (last) {
			last->flags |= TMON_TASK_EXITED;
			*out = *last;
			found = true;
		}
	}
	spin_unlock(&tmon_samples_lock);
	tmon_chunks_dispose(&dispose);
	return found;
}

/* Mark @w dead and free its history (references held by readers stay). */
void tmon_samples_release_watch(struct tmon_watch *w)
{
	struct tmon_sample_chunk *c;
	LIST_HEAD(dispose);

	spin_lock(&tmon_samples_lock);
	w->dead = true;
	while (!list_empty(&w->samples)) {
		c = list_first_entry(&w->samples, struct tmon_sample_chunk, node);
		tmon_chunk_trim(c, tmon_chunk_held(c), &dispose);
	}
	tmon_chunk_drop_spare(w, &dispose);
	spin_unlock(&tmon_samples_lock);
	tmon_chunks_dispose(&dispose);
}

u64 tmon_samples_stored(void)
{
	return atomic64_read(&tmon_nr_linked);
}

u64 tmon_samples_reclaimed(void)
{
	return atomic64_read(&tmon_reclaimed);
}

/*
 * Reclaim (sample_reclaim.c): free up to about @nr records in whole
 * chunks begun before @cutoff, the oldest first, after every spare begun
 * before it (a spare counts as the records it can hold). Everything but
 * each watch's tail chunk (its newest records) can go; the tail stays so
 * an exited task keeps its last record, and is moved behind the others,
 * so a few hundred of them at the head of the age list cannot stop a scan
 * from reaching what it may free. Returns what went, in records.
 */
unsigned long tmon_samples_reclaim(unsigned long nr, u64 cutoff)
{
	struct tmon_sample_chunk *c, *tmp, *kept = NULL;
	unsigned long freed = 0, spares = 0;
	LIST_HEAD(dispose);

	spin_lock(&tmon_samples_lock);
	spares = tmon_spares_reclaim(cutoff, &dispose) * TMON_CHUNK_RECORDS;
	list_for_each_entry_safe(c, tmp, &tmon_lru, lru) {
		/* Back at the first tail moved: nothing more to free. */
		if (freed >= nr || c == kept || c->rec[0].ts_ns >= cutoff)
			break;
		if (tmon_chunk_is_tail(c)) {
			list_move_tail(&c->lru, &tmon_lru);
			if (!kept)
				kept = c;
			continue;
		}
		freed += tmon_chunk_held(c);
		tmon_chunk_trim(c, tmon_chunk_held(c), &dispose);
	}
	spin_unlock(&tmon_samples_lock);
	tmon_chunks_dispose(&dispose);
	atomic64_add(freed, &tmon_reclaimed);
	return freed + spares;
}

/*
 * Records the reclaim could free: all but those in tail chunks, and the
 * room of the spares.
 */
unsigned long tmon_samples_reclaimable(void)
{
	s64 n = atomic64_read(&tmon_nr_linked) - atomic64_read(&tmon_nr_in_tails);

	return max_t(s64, n, 0) + tmon_spares_nr() * TMON_CHUNK_RECORDS;
}

