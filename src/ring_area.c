// SPDX-License-Identifier: GPL-2.0
/*
 * The stream rings' memory (ring.c has the rings). All rings share one
 * vmalloc_user() area, so that a single remap_vmalloc_range() maps them.
 *
 * The area exists while the device is open: made by the first open,
 * freed by the last release (a mapping holds its file open), so an idle
 * tmon holds no ring memory however many CPUs the machine may have.
 * Producers find it under their ring's lock, a raw spinlock and so an RCU
 * read-side section: the last release unpublishes it and waits for them
 * before freeing it. A reader never sees it change while its file is open.
 * Each open of the area starts every ring at seq 0.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/vmalloc.h>

#include "ring.h"
#include "tmon.h"

void *tmon_rings;			/* while tmon_ring_users */
static unsigned int tmon_ring_users;	/* open files, under tmon_ring_users_lock */
static DEFINE_MUTEX(tmon_ring_users_lock);
size_t tmon_ring_bytes;
u64 tmon_ring_nr;			/* entries per ring */

/* Sizes from ring_kb, set at load. */
void tmon_ring_area_init(void)
{
	tmon_ring_bytes = PAGE_ALIGN((size_t)tmon_ring_kb() * 1024);
	tmon_ring_nr = (tmon_ring_bytes - PAGE_SIZE) / sizeof(struct tmon_ring_entry);
}

/* The rings' area, empty, each ring's header filled in; or NULL. */
static void *tmon_rings_alloc(void)
{
	struct tmon_ring_header *h;
	unsigned int cpu;
	void *rings;

	rings = vmalloc_user((size_t)nr_cpu_ids * tmon_ring_bytes);
	if (!rings)
		return NULL;
	for_each_possible_cpu(cpu) {
		h = tmon_ring_of(rings, cpu);
		h->magic = TMON_RING_MAGIC;
		h->version = TMON_ABI_VERSION;
		h->cpu = cpu;
		h->entry_size = sizeof(struct tmon_ring_entry);
		h->nr_entries = tmon_ring_nr;
		h->ring_bytes = tmon_ring_bytes;
		h->data_offset = PAGE_SIZE;
	}
	return rings;
}

/* A file opens: the first makes the area (published filled in). */
int tmon_rings_get(void)
{
	void *rings;

	mutex_lock(&tmon_ring_users_lock);
	if (!tmon_ring_users) {
		rings = tmon_rings_alloc();
		if (!rings) {
			mutex_unlock(&tmon_ring_users_lock);
			return -ENOMEM;
		}
		/* Pairs with the producers' READ_ONCE: headers before the pointer. */
		smp_store_release(&tmon_rings, rings);
	}
	tmon_ring_users++;
	mutex_unlock(&tmon_ring_users_lock);
	return 0;
}

/* A file is released: the last frees the area, once no producer is in it. */
void tmon_rings_put(void)
{
	void *rings = NULL;

	mutex_lock(&tmon_ring_users_lock);
	if (!--tmon_ring_users) {
		rings = tmon_rings;
		WRITE_ONCE(tmon_rings, NULL);
		synchronize_rcu();
	}
	mutex_unlock(&tmon_ring_users_lock);
	vfree(rings);
}

/* The rings' memory: all of it while the device is open, none otherwise. */
u64 tmon_ring_mem_bytes(void)
{
	return READ_ONCE(tmon_rings) ? (u64)nr_cpu_ids * tmon_ring_bytes : 0;
}
