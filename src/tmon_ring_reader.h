/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The reader side of the /dev/tmon rings, for user space: the protocol
 * of tmon_abi.h written once, used by tmonctl, the test helpers and the
 * benchmark helper. The module's own read() path (ring.c) follows the
 * same steps with the kernel's barriers.
 *
 * Barrier pairing with the producer (ring.c, tmon_ring_push()):
 *
 *   producer                        reader
 *   seq = BUSY                      head = load_acquire(head)     (A)
 *   wmb                 (1)         s1 = load_acquire(slot.seq)   (B)
 *   payload                         copy the payload
 *   wmb                 (2)         acquire fence                 (C)
 *   seq = n                         s2 = load(slot.seq)
 *   wmb                 (3)
 *   head = n + 1
 *
 * (A) pairs with (3): an entry below the head read has its seq written.
 * (B) pairs with (2): a reader that sees seq n sees entry n's payload.
 * (C) pairs with (1): if the producer began to rewrite the slot before
 * the copy ended, s2 is BUSY or a later seq, never n: a torn copy is
 * always detected, never delivered.
 */
#ifndef _TMON_RING_READER_H
#define _TMON_RING_READER_H

#include <stdbool.h>
#include <string.h>

#include "tmon_abi.h"

/* Ring @c of a mapping of all rings at @map. */
static inline const struct tmon_ring_header *
tmon_ring_at(const void *map, const struct tmon_ring_info *info, unsigned int c)
{
	return (const void *)((const char *)map + (size_t)c * info->ring_bytes);
}

/* Whether @h describes a ring this reader understands, within @info's bounds. */
static inline bool tmon_ring_valid(const struct tmon_ring_header *h,
				   const struct tmon_ring_info *info)
{
	return h->magic == TMON_RING_MAGIC && h->version == TMON_ABI_VERSION &&
	       h->entry_size == sizeof(struct tmon_ring_entry) && h->nr_entries &&
	       h->data_offset + h->nr_entries * h->entry_size <= info->ring_bytes;
}

/* Entries ever written to @h: those below it are readable or lost. (A) */
static inline __u64 tmon_ring_head(const struct tmon_ring_header *h)
{
	return __atomic_load_n(&h->head, __ATOMIC_ACQUIRE);
}

/*
 * Copy entry @p of @h into @out. True if the copy is entry @p, intact;
 * false if the producer overwrote it (or has not written it: @p must be
 * below the head the caller read).
 */
static inline bool tmon_ring_take(const struct tmon_ring_header *h, __u64 p,
				  struct tmon_ring_entry *out)
{
	const struct tmon_ring_entry *e = (const void *)((const char *)h + h->data_offset +
							 (p % h->nr_entries) * h->entry_size);

	if (__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) != p)		/* (B) */
		return false;
	memcpy(out, e, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);			/* (C) */
	return __atomic_load_n(&e->seq, __ATOMIC_RELAXED) == p;
}

#endif /* _TMON_RING_READER_H */
