// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the task sample history (samples.c): records are copied out
 * under tmon_samples_lock, and a reader's place is a referenced chunk.
 */
#include <linux/kernel.h>
#include <linux/pid.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "sample_chunk.h"
#include "tmon.h"

/*
 * Under tmon_samples_lock: the first of @w's chunks holding a record with
 * seq >= @seq. The search starts at @hint when that is still @w's and not
 * past @seq, so a reader going forward costs O(1) a record, not a walk
 * from the oldest.
 */
static struct tmon_sample_chunk *tmon_chunk_find(struct tmon_watch *w,
						 struct tmon_sample_chunk *c, u64 seq)
{
	if (!c || !c->linked || c->watch != w || seq < c->seq0 + c->first) {
		if (list_empty(&w->samples))
			return NULL;
		c = list_first_entry(&w->samples, struct tmon_sample_chunk, node);
	}
	list_for_each_entry_from(c, &w->samples, node)
		if (seq < c->seq0 + c->nr)
			return c;
	return NULL;
}

/*
 * Copy @w's oldest record with seq in [@seq, @end) to @pos->rec, and make
 * its chunk @pos's place; false if there is none (@pos then holds none).
 * @pos->next_seq is @w's next seq at the same moment.
 */
bool tmon_sample_read(struct tmon_watch *w, struct tmon_sample_pos *pos, u64 seq, u64 end)
{
	struct tmon_sample_chunk *c, *old = pos->chunk;
	unsigned int i;

	spin_lock(&tmon_samples_lock);
	pos->next_seq = w->next_seq;
	c = tmon_chunk_find(w, old, seq);
	if (c) {
		i = max_t(u64, seq, c->seq0 + c->first) - c->seq0;
		if (c->seq0 + i < end)
			pos->rec = c->rec[i];
		else
			c = NULL;
	}
	if (c && c != old)
		kref_get(&c->ref);
	spin_unlock(&tmon_samples_lock);
	if (c != old)
		tmon_chunk_put(old);
	pos->chunk = c;
	return c;
}

void tmon_sample_pos_put(struct tmon_sample_pos *pos)
{
	tmon_chunk_put(pos->chunk);
	pos->chunk = NULL;
}

/* Copy @w's newest record; false if it has none. */
bool tmon_watch_last_record(struct tmon_watch *w, struct tmon_task_record *out)
{
	struct tmon_task_record *last;

	spin_lock(&tmon_samples_lock);
	last = tmon_watch_newest(w);
	if (last)
		*out = *last;
	spin_unlock(&tmon_samples_lock);
	return last;
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
 * The newest samples first (by chunk, then record), "pid P usr U sys S"
 * lines, within PAGE_SIZE; only those of the watches in @visible (see
 * tmon_watches_visible()), unless @c sees all. Pids as @c sees them.
 */
ssize_t tmon_samples_show_recent(char *buf, const struct tmon_caller *c,
				 struct xarray *visible)
{
	bool all = tmon_caller_sees_all(c);
	struct tmon_sample_chunk *ch;
	struct tmon_task_record *r;
	ssize_t len = 0;
	int i, n = 0;
	pid_t nr;

	spin_lock(&tmon_samples_lock);
	list_for_each_entry_reverse(ch, &tmon_lru, lru) {
		if (all)
			nr = ch->watch->nr;
		else if (xa_load(visible, ch->watch->nr) == ch->watch)
			nr = pid_nr_ns(ch->watch->pid, c->ns);
		else
			continue;
		for (i = ch->nr - 1; i >= ch->first; i--) {
			r = &ch->rec[i];
			n = snprintf(buf + len, PAGE_SIZE - len, "pid %u usr %llu sys %llu\n",
				     nr, r->utime_ns, r->stime_ns);
			if (n >= PAGE_SIZE - len)
				goto full;	/* whole lines only */
			len += n;
		}
	}
full:
	spin_unlock(&tmon_samples_lock);
	return len;
}
