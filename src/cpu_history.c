// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU wakeup history: a ring of the last `history` records per CPU.
 * The CPU's thread is the only writer; readers copy single records out
 * under the per-CPU lock and format them without it. The lock is raw, so
 * the thread never sleeps on it, even on PREEMPT_RT, and it covers one
 * record's copy at a time. Record seq numbers
 * are per-CPU and never reused, so a reader resumes by seq and skips what
 * was overwritten in between.
 *
 * Beside the ring, totals since load that each record adds to (thread
 * latency by bucket, its sum, the thread's run time): the counters a
 * Prometheus histogram needs, which a ring that forgets cannot give.
 */
#include <linux/cpumask.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tmon.h"

static DEFINE_PER_CPU(struct tmon_cpu, tmon_cpus);

/* 1-2-5 steps from 1 us to 1 s: a wakeup's lateness spans all of them. */
const u64 tmon_lat_bounds_ns[TMON_LAT_BOUNDS] = {
	1 * NSEC_PER_USEC, 2 * NSEC_PER_USEC, 5 * NSEC_PER_USEC,
	10 * NSEC_PER_USEC, 20 * NSEC_PER_USEC, 50 * NSEC_PER_USEC,
	100 * NSEC_PER_USEC, 200 * NSEC_PER_USEC, 500 * NSEC_PER_USEC,
	1 * NSEC_PER_MSEC, 2 * NSEC_PER_MSEC, 5 * NSEC_PER_MSEC,
	10 * NSEC_PER_MSEC, 20 * NSEC_PER_MSEC, 50 * NSEC_PER_MSEC,
	100 * NSEC_PER_MSEC, 200 * NSEC_PER_MSEC, 500 * NSEC_PER_MSEC,
	NSEC_PER_SEC,
};

/* The bucket of @ns: the first bound it does not exceed, else the last. */
static unsigned int tmon_lat_bucket(u64 ns)
{
	unsigned int i;

	for (i = 0; i < TMON_LAT_BOUNDS; i++)
		if (ns <= tmon_lat_bounds_ns[i])
			break;
	return i;
}

struct tmon_cpu *tmon_cpu_state(unsigned int cpu)
{
	return per_cpu_ptr(&tmon_cpus, cpu);
}

void tmon_history_init(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct tmon_cpu *tc = tmon_cpu_state(cpu);

		memset(tc, 0, sizeof(*tc));
		tc->cpu = cpu;
		raw_spin_lock_init(&tc->lock);
	}
}

void tmon_history_exit(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct tmon_cpu *tc = tmon_cpu_state(cpu);

		kvfree(tc->ring);
		tc->ring = NULL;
		tc->cap = 0;
		tc->nr = 0;
	}
}

/*
 * Resize the ring to @cap, keeping the newest records. Runs in the CPU's
 * thread, the only writer, so the allocation and the copy happen outside
 * the lock; readers see the old ring until the swap.
 * A larger ring holds only the records kept until new ones fill it: the
 * other slots were never written.
 */
static void tmon_history_resize(struct tmon_cpu *tc, unsigned int cap)
{
	struct tmon_cpu_record *ring, *old;
	unsigned int nr;
	u64 seq;

	ring = kvmalloc_array(cap, sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return;		/* keep the old ring; retried next wakeup */

	nr = min(tc->nr, cap);
	for (seq = tc->head - nr; seq < tc->head; seq++)
		ring[seq % cap] = tc->ring[seq % tc->cap];
	raw_spin_lock(&tc->lock);
	old = tc->ring;
	tc->ring = ring;
	/* Read locklessly by tmon_history_mem_bytes(). */
	WRITE_ONCE(tc->cap, cap);
	tc->nr = nr;
	raw_spin_unlock(&tc->lock);
	kvfree(old);
}

/*
 * Give the ring the length the parameter asks for. Called by the thread
 * at each wakeup (a new history length), and before the CPU's thread
 * exists (load, CPU online), when nobody else writes the ring: a large
 * history (65536 records: 7 MiB of vmalloc) took 32 ms to allocate in a
 * traced -icount boot, which the first wakeup paid for as lateness and
 * 32 missed expiries when the thread did it.
 */
void tmon_history_fit(struct tmon_cpu *tc)
{
	unsigned int want = tmon_history_len();

	if (want != tc->cap)
		tmon_history_resize(tc, want);
}

void tmon_history_store(struct tmon_cpu *tc, struct tmon_cpu_record *rec)
{
	unsigned int bucket = tmon_lat_bucket(rec->latency_ns);

	tmon_history_fit(tc);

	raw_spin_lock(&tc->lock);
	/* Without a ring (its allocation failed), a gap in seq shows the loss. */
	rec->seq = tc->head++;
	if (likely(tc->ring)) {
		tc->ring[rec->seq % tc->cap] = *rec;
		if (tc->nr < tc->cap)
			tc->nr++;
	}
	tc->totals.lat_buckets[bucket]++;
	tc->totals.lat_sum_ns += rec->latency_ns;
	tc->totals.run_ns += rec->run_ns;
	raw_spin_unlock(&tc->lock);
}

/* Bytes held by the per-CPU rings. */
u64 tmon_history_mem_bytes(void)
{
	unsigned int cpu;
	u64 bytes = 0;

	for_each_possible_cpu(cpu)
		bytes += (u64)READ_ONCE(tmon_cpu_state(cpu)->cap) * sizeof(struct tmon_cpu_record);
	return bytes;
}

/*
 * @cpu's wakeups so far (the seq of its next record) and, with @totals,
 * its totals since load, taken together: the buckets add up to the
 * wakeups returned.
 */
u64 tmon_history_head(unsigned int cpu, struct tmon_cpu_totals *totals)
{
	struct tmon_cpu *tc = tmon_cpu_state(cpu);
	u64 head;

	raw_spin_lock(&tc->lock);
	if (totals)
		*totals = tc->totals;
	head = tc->head;
	raw_spin_unlock(&tc->lock);
	return head;
}

/*
 * Copy the oldest record of @cpu with seq >= @seq and < @end into @out.
 * Returns false when there is none.
 */
bool tmon_history_copy(unsigned int cpu, u64 seq, u64 end,
		       struct tmon_cpu_record *out)
{
	struct tmon_cpu *tc = tmon_cpu_state(cpu);
	bool found = false;
	u64 oldest;

	raw_spin_lock(&tc->lock);
	oldest = tc->head - tc->nr;
	seq = max(seq, oldest);
	if (seq < min(end, tc->head)) {
		*out = tc->ring[seq % tc->cap];
		found = true;
	}
	raw_spin_unlock(&tc->lock);
	return found;
}
