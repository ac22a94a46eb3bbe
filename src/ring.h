/* SPDX-License-Identifier: GPL-2.0 */
/* The stream rings' shared area (ring_area.c), for ring.c. */
#ifndef TMON_RING_H
#define TMON_RING_H

#include <linux/types.h>

#include "tmon_abi.h"

extern void *tmon_rings;	/* NULL while the device is not open */
extern size_t tmon_ring_bytes;
extern u64 tmon_ring_nr;

void tmon_ring_area_init(void);
int tmon_rings_get(void);
void tmon_rings_put(void);

static inline struct tmon_ring_header *tmon_ring_of(void *rings, unsigned int cpu)
{
	return rings + (size_t)cpu * tmon_ring_bytes;
}

#endif /* TMON_RING_H */
