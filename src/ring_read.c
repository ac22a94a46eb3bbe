// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tmon for readers that do not map it: read() and poll(). Each open
 * file keeps its own position per ring, gets whole entries, and sees a
 * seq gap where it fell behind; those losses are added to ring_lost.
 * poll() is readable when some ring is ahead of the file's positions.
 * Task entries of processes the reader may not see come as
 * TMON_ENTRY_HIDDEN, the others with the pid in the reader's namespace
 * (access.c).
 */
#include <linux/atomic.h>
#include <linux/uaccess.h>

#include "tmon.h"
#include "ring.h"

static atomic64_t tmon_ring_lost_count = ATOMIC64_INIT(0);

u64 tmon_ring_lost(void)
{
	return atomic64_read(&tmon_ring_lost_count);
}

/* Copy entry @rf->pos[@cpu] to @out; false if the ring has nothing new. */
static bool tmon_ring_take(struct tmon_ring_file *rf, unsigned int cpu,
			   struct tmon_ring_entry *out)
{
	struct tmon_ring_header *h = tmon_ring(rf->area, cpu);
	struct tmon_ring_entry *e;
	u64 head, p;

	for (;;) {
		/* Pairs with the producer's barrier before it sets head. */
		head = smp_load_acquire(&h->head);
		p = rf->pos[cpu];
		if (p >= head)
			return false;
		if (head - p > tmon_ring_nr) {
			tmon_event_module(TMON_EVENT_RING_LOST, cpu,
					  atomic64_add_return(head - p - tmon_ring_nr,
							      &tmon_ring_lost_count));
			p = head - tmon_ring_nr;
		}
		e = tmon_ring_slot(h, p);
		if (READ_ONCE(e->seq) == p) {
			smp_rmb();	/* seq before payload: pairs with the commit */
			memcpy(out, e, sizeof(*out));
			smp_rmb();	/* payload before the re-check: pairs with begin */
			if (READ_ONCE(e->seq) == p) {
				out->seq = p;
				rf->pos[cpu] = p + 1;
				return true;
			}
		}
		/* Overwritten while we looked: that one is lost too. */
		tmon_event_module(TMON_EVENT_RING_LOST, cpu,
				  atomic64_inc_return(&tmon_ring_lost_count));
		rf->pos[cpu] = p + 1;
	}
}

/*
 * Make task entry @e fit for @c: the pid as @c sees it, or a hidden
 * entry. A record older than the watch of its pid number came from an
 * earlier process, which that watch cannot vouch for.
 */
static void tmon_ring_filter(const struct tmon_caller *c, struct tmon_ring_entry *e)
{
	struct tmon_watch *w;
	pid_t vnr = 0;

	w = tmon_watch_get(e->task.pid);
	if (w && e->task.ts_ns >= w->since_ns)
		vnr = tmon_watch_visible(c, w);
	tmon_watch_put(w);
	if (vnr) {
		e->task.pid = vnr;
	} else {
		e->type = TMON_ENTRY_HIDDEN;
		memset(&e->task, 0, sizeof(e->task));
	}
}

static bool tmon_ring_pending(struct tmon_ring_file *rf)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (READ_ONCE(tmon_ring(rf->area, cpu)->head) > rf->pos[cpu])
			return true;
	return false;
}

/* Whole entries only, from the rings in CPU order; blocks unless O_NONBLOCK. */
ssize_t tmon_ring_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct tmon_ring_file *rf = file->private_data;
	struct tmon_ring_entry e;
	struct tmon_caller caller;
	ssize_t done = 0;
	unsigned int cpu;
	bool all;
	int err;

	if (count < sizeof(e))
		return -EINVAL;
	tmon_caller_from_file(&caller, file);
	all = tmon_caller_sees_all(&caller);
	for (;;) {
		if (mutex_lock_interruptible(&rf->lock))
			return -ERESTARTSYS;
		for_each_possible_cpu(cpu) {
			while (count - done >= sizeof(e) && tmon_ring_take(rf, cpu, &e)) {
				if (e.type == TMON_ENTRY_TASK && !all)
					tmon_ring_filter(&caller, &e);
				if (copy_to_user(buf + done, &e, sizeof(e))) {
					/* Not delivered: it is read again next time. */
					rf->pos[cpu] = e.seq;
					mutex_unlock(&rf->lock);
					return done ? done : -EFAULT;
				}
				done += sizeof(e);
			}
		}
		mutex_unlock(&rf->lock);
		if (done)
			return done;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(tmon_ring_wait, tmon_ring_pending(rf));
		if (err)
			return err;
	}
}

__poll_t tmon_ring_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &tmon_ring_wait, wait);
	return tmon_ring_pending(file->private_data) ? EPOLLIN | EPOLLRDNORM : 0;
}
