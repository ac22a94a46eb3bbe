/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by ring.c (the rings and the device) and ring_read.c (read, poll). */
#ifndef TMON_RING_H
#define TMON_RING_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/wait.h>

#include "tmon_abi.h"

/* An open file: the rings it holds, and a read() reader's position in each. */
struct tmon_ring_file {
	void *area;
	struct mutex lock;	/* readers sharing the file take turns */
	u64 *pos;
};

extern u64 tmon_ring_nr;
extern struct wait_queue_head tmon_ring_wait;

struct tmon_ring_header *tmon_ring(void *area, unsigned int cpu);
struct tmon_ring_entry *tmon_ring_slot(struct tmon_ring_header *h, u64 n);
ssize_t tmon_ring_read(struct file *file, char __user *buf, size_t count, loff_t *ppos);
__poll_t tmon_ring_poll(struct file *file, poll_table *wait);

#endif
