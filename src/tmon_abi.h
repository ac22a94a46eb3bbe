/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tmon user-space ABI, shared by the module and tmonctl.
 *
 * Every structure here has fixed-width fields, natural alignment and no
 * implicit padding, so the same bytes mean the same thing to a 32-bit
 * reader. TMON_ABI_VERSION changes whenever a layout or meaning changes.
 */
#ifndef _TMON_ABI_H
#define _TMON_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define TMON_ABI_VERSION	2

/* Period bounds, in ns: 100 us to one hour. */
#define TMON_PERIOD_MIN_NS	100000ULL
#define TMON_PERIOD_MAX_NS	3600000000000ULL
/* Records kept per CPU and per watched task. */
#define TMON_HISTORY_MAX	65536U
/* Upper bound of max_tasks, the watch list limit. */
#define TMON_MAX_TASKS_LIMIT	65536U
/* Upper bound of sample_every (watched processes every N-th period). */
#define TMON_SAMPLE_EVERY_MAX	1000U
/* Bounds of ring_kb, the size of one CPU's stream ring. */
#define TMON_RING_KB_MIN	8U
#define TMON_RING_KB_MAX	65536U

#define TMON_COMM_LEN		16

/* tmon_task_record.flags */
/*
 * The process has exited; this is its last record. The streams (rings,
 * tracepoint) carry it twice: as sampled, then flagged, with one seq.
 */
#define TMON_TASK_EXITED	0x1

/*
 * The records (struct tmon_cpu_record, struct tmon_task_record) and the
 * generic netlink family are made from netlink/tmon.yaml.
 */
#include "tmon_genl.h"

/*
 * /dev/tmon stream rings.
 *
 * One ring per possible CPU, each ring_bytes long (ring_kb KiB rounded up
 * to pages), back to back in CPU order in one read-only mapping:
 * ring c starts at offset c * ring_bytes. TMON_IOC_INFO tells how many
 * rings there are and how long each is. A ring is a header page and then
 * nr_entries fixed-size entries.
 *
 * Each ring has a single producer, its CPU's thread, and never waits for
 * readers: entry n lives in slot n % nr_entries and overwrites entry
 * n - nr_entries. The rings exist only while /dev/tmon is open: the
 * first open makes them, empty, the last close frees them, and head is
 * the number of entries written since they were made. A reader keeps its
 * own position p per ring: entries below head - nr_entries are lost, and
 * it knows exactly how many. To read entry p: read head
 * (then a read barrier), read the slot's seq, copy the entry, read
 * barrier, read seq again; the copy is good only if both seq reads are p
 * (the producer sets seq to TMON_SEQ_BUSY while it rewrites a slot).
 */
#define TMON_RING_MAGIC		0x746d6f6eU	/* "tmon" */
#define TMON_SEQ_BUSY		(~0ULL)

enum tmon_entry_type {
	TMON_ENTRY_CPU = 1,	/* struct tmon_cpu_record */
	TMON_ENTRY_TASK = 2,	/* struct tmon_task_record */
	/*
	 * read() only: a task entry this reader may not see, seq and ring
	 * set, payload zeroed, so that a seq gap still means loss.
	 */
	TMON_ENTRY_HIDDEN = 3,
};

struct tmon_ring_header {
	__u32 magic;
	__u32 version;		/* TMON_ABI_VERSION */
	__u32 cpu;
	__u32 entry_size;	/* sizeof(struct tmon_ring_entry) */
	__u64 nr_entries;
	__u64 ring_bytes;	/* this ring, header included */
	__u64 data_offset;	/* first entry, from the ring's start */
	__u64 head;		/* entries written since the rings were made */
};

struct tmon_ring_entry {
	__u64 seq;		/* the entry's position; TMON_SEQ_BUSY while written */
	__u32 type;		/* enum tmon_entry_type */
	__u32 ring;		/* the ring (CPU) it was written to */
	union {
		struct tmon_cpu_record cpu;
		struct tmon_task_record task;
	};
};

struct tmon_ring_info {
	__u32 version;		/* TMON_ABI_VERSION */
	__u32 nr_rings;		/* possible CPUs: ring c is CPU c */
	__u64 ring_bytes;
};

#define TMON_IOC_MAGIC		0xb7
/* The mapping's geometry. */
#define TMON_IOC_INFO		_IOR(TMON_IOC_MAGIC, 1, struct tmon_ring_info)

#endif /* _TMON_ABI_H */
