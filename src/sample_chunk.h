/* SPDX-License-Identifier: GPL-2.0 */
/* The chunks a watch's records are stored in; see samples.c. */
#ifndef TMON_SAMPLE_CHUNK_H
#define TMON_SAMPLE_CHUNK_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>

#include "tmon.h"

struct tmon_sample_chunk {
	struct kref ref;
	bool linked;
	u16 first;			/* its oldest record still stored */
	u16 nr;				/* records written */
	struct list_head node;		/* in watch->samples, oldest first */
	struct list_head lru;		/* in the global age list */
	struct tmon_watch *watch;	/* valid while linked, or its spare */
	u64 seq0;			/* seq of rec[0] */
	struct tmon_task_record rec[];
};

/*
 * A chunk object fills a page: 31 records of 128 B, 130 B each with the
 * header. A watch's first and last chunks are part-used, about one chunk
 * in all: 6 % more at the default history of 1024 (9 % with 2 KiB chunks).
 */
#define TMON_CHUNK_RECORDS						\
	((4096 - sizeof(struct tmon_sample_chunk)) / sizeof(struct tmon_task_record))
#define TMON_CHUNK_SIZE		(sizeof(struct tmon_sample_chunk) +			\
				 TMON_CHUNK_RECORDS * sizeof(struct tmon_task_record))

extern spinlock_t tmon_samples_lock;
extern struct list_head tmon_lru;

/* sample_chunk.c */
struct tmon_sample_chunk *tmon_chunk_alloc(struct mem_cgroup *memcg);
void tmon_chunk_keep_spare(struct tmon_watch *w, struct list_head *dispose);
struct tmon_sample_chunk *tmon_chunk_take_spare(struct tmon_watch *w);
void tmon_chunk_drop_spare(struct tmon_watch *w, struct list_head *dispose);
unsigned long tmon_spares_reclaim(u64 cutoff, struct list_head *dispose);
u64 tmon_spares_nr(void);

/* Under tmon_samples_lock: @w's newest record, or NULL. */
static inline struct tmon_task_record *tmon_watch_newest(struct tmon_watch *w)
{
	struct tmon_sample_chunk *c;

	if (list_empty(&w->samples))
		return NULL;
	c = list_last_entry(&w->samples, struct tmon_sample_chunk, node);
	return &c->rec[c->nr - 1];
}

#endif /* TMON_SAMPLE_CHUNK_H */
