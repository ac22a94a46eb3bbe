// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tmon: the per-CPU stream rings (layout and reader protocol in
 * tmon_abi.h). All rings share one vmalloc_user() area so that a single
 * remap_vmalloc_range() maps them; the mapping is read-only.
 *
 * Each ring is written on its CPU only, by the CPU's thread (wakeup
 * records) and its sampler (task records), which take turns under a raw
 * lock no reader takes: producers never wait for a reader. Readers
 * are woken through an irq_work, so that a producer never takes the wait
 * queue's lock (a sleeping lock on PREEMPT_RT). read() serves readers that do not map: each open
 * file keeps its own position per ring, gets whole entries, and sees a
 * seq gap where it fell behind; those losses are added to ring_lost.
 * poll() is readable when some ring is ahead of the file's positions.
 *
 * The mapping shows every record as stored, global pids included, so
 * only an admin in the initial pid namespace may map it. read() is the
 * way for everyone else the device mode lets in: task entries of
 * processes the reader may not see come as TMON_ENTRY_HIDDEN, the others
 * with the pid in the reader's namespace (access.c).
 */
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "tmon.h"

static void *tmon_rings;
static size_t tmon_ring_bytes;
static u64 tmon_ring_nr;		/* entries per ring */
static DECLARE_WAIT_QUEUE_HEAD(tmon_ring_wait);
static DEFINE_PER_CPU(raw_spinlock_t, tmon_ring_lock);

static void tmon_ring_wake(struct irq_work *work)
{
	wake_up_interruptible(&tmon_ring_wait);
}

static DEFINE_IRQ_WORK(tmon_ring_wake_work, tmon_ring_wake);
static atomic64_t tmon_ring_lost_count = ATOMIC64_INIT(0);

u64 tmon_ring_lost(void)
{
	return atomic64_read(&tmon_ring_lost_count);
}

static struct tmon_ring_header *tmon_ring(unsigned int cpu)
{
	return tmon_rings + (size_t)cpu * tmon_ring_bytes;
}

static struct tmon_ring_entry *tmon_ring_slot(struct tmon_ring_header *h, u64 n)
{
	return (void *)h + PAGE_SIZE + (n % tmon_ring_nr) * sizeof(struct tmon_ring_entry);
}

/*
 * Producer side: claim the next slot, fill it, publish it, under the
 * ring's lock (the CPU's thread and its sampler take turns).
 */
static void tmon_ring_push(unsigned int cpu, u32 type, const void *rec)
{
	raw_spinlock_t *lock = per_cpu_ptr(&tmon_ring_lock, cpu);
	struct tmon_ring_header *h = tmon_ring(cpu);
	struct tmon_ring_entry *e;
	u64 n;

	raw_spin_lock(lock);
	n = h->head;
	e = tmon_ring_slot(h, n);
	/* The barriers (1) to (3) of tmon_ring_reader.h, which pairs them. */
	WRITE_ONCE(e->seq, TMON_SEQ_BUSY);
	smp_wmb();		/* readers see BUSY before the new payload */
	e->type = type;
	e->ring = cpu;
	if (type == TMON_ENTRY_CPU)
		memcpy(&e->cpu, rec, sizeof(e->cpu));
	else
		memcpy(&e->task, rec, sizeof(e->task));
	smp_wmb();		/* payload before its seq */
	WRITE_ONCE(e->seq, n);
	smp_wmb();		/* the entry before the head that announces it */
	WRITE_ONCE(h->head, n + 1);
	raw_spin_unlock(lock);
	if (wq_has_sleeper(&tmon_ring_wait))
		irq_work_queue(&tmon_ring_wake_work);
}

void tmon_ring_push_cpu(unsigned int cpu, const struct tmon_cpu_record *rec)
{
	tmon_ring_push(cpu, TMON_ENTRY_CPU, rec);
}

void tmon_ring_push_task(unsigned int cpu, const struct tmon_task_record *rec)
{
	tmon_ring_push(cpu, TMON_ENTRY_TASK, rec);
}

/* An open file's read positions, one per ring, indexed by CPU. */
/* A read() reader's position in each ring. */
struct tmon_ring_file {
	struct mutex lock;	/* readers sharing the file take turns */
	u64 *pos;
};

static int tmon_ring_open(struct inode *inode, struct file *file)
{
	struct tmon_ring_file *rf;
	unsigned int cpu;

	rf = kzalloc(sizeof(*rf), GFP_KERNEL);
	if (!rf)
		return -ENOMEM;
	rf->pos = kcalloc(nr_cpu_ids, sizeof(*rf->pos), GFP_KERNEL);
	if (!rf->pos) {
		kfree(rf);
		return -ENOMEM;
	}
	mutex_init(&rf->lock);
	/* A new reader starts at the oldest entry still held. */
	for_each_possible_cpu(cpu) {
		u64 head = READ_ONCE(tmon_ring(cpu)->head);

		rf->pos[cpu] = head > tmon_ring_nr ? head - tmon_ring_nr : 0;
	}
	file->private_data = rf;
	return 0;
}

static int tmon_ring_release(struct inode *inode, struct file *file)
{
	struct tmon_ring_file *rf = file->private_data;

	mutex_destroy(&rf->lock);
	kfree(rf->pos);
	kfree(rf);
	return 0;
}

/* Copy entry @rf->pos[@cpu] to @out; false if the ring has nothing new. */
static bool tmon_ring_take(struct tmon_ring_file *rf, unsigned int cpu,
			   struct tmon_ring_entry *out)
{
	struct tmon_ring_header *h = tmon_ring(cpu);
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
		if (READ_ONCE(tmon_ring(cpu)->head) > rf->pos[cpu])
			return true;
	return false;
}

/* Whole entries only, from the rings in CPU order; blocks unless O_NONBLOCK. */
static ssize_t tmon_ring_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
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

static __poll_t tmon_ring_poll(struct file *file, poll_table *wait)
{
	poll_wait(file, &tmon_ring_wait, wait);
	return tmon_ring_pending(file->private_data) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int tmon_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct tmon_caller caller;

	tmon_caller_from_file(&caller, file);
	if (!tmon_caller_sees_all(&caller))
		return -EPERM;		/* read() filters; the mapping cannot */
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vm_flags_clear(vma, VM_MAYWRITE);
	/* Checks that the range lies within the rings. */
	return remap_vmalloc_range(vma, tmon_rings, vma->vm_pgoff);
}

static long tmon_ring_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct tmon_ring_info info = {
		.version = TMON_ABI_VERSION,
		.nr_rings = nr_cpu_ids,
		.ring_bytes = tmon_ring_bytes,
	};

	if (cmd != TMON_IOC_INFO)
		return -ENOTTY;
	return copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static const struct file_operations tmon_ring_fops = {
	.owner = THIS_MODULE,
	.open = tmon_ring_open,
	.release = tmon_ring_release,
	.read = tmon_ring_read,
	.poll = tmon_ring_poll,
	.mmap = tmon_ring_mmap,
	.unlocked_ioctl = tmon_ring_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice tmon_ring_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tmon",
	.fops = &tmon_ring_fops,
	.mode = 0600,
};

int tmon_ring_init(void)
{
	unsigned int cpu;
	int err;

	tmon_ring_bytes = PAGE_ALIGN((size_t)tmon_ring_kb() * 1024);
	tmon_ring_nr = (tmon_ring_bytes - PAGE_SIZE) / sizeof(struct tmon_ring_entry);
	tmon_rings = vmalloc_user((size_t)nr_cpu_ids * tmon_ring_bytes);
	if (!tmon_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct tmon_ring_header *h = tmon_ring(cpu);

		raw_spin_lock_init(per_cpu_ptr(&tmon_ring_lock, cpu));
		h->magic = TMON_RING_MAGIC;
		h->version = TMON_ABI_VERSION;
		h->cpu = cpu;
		h->entry_size = sizeof(struct tmon_ring_entry);
		h->nr_entries = tmon_ring_nr;
		h->ring_bytes = tmon_ring_bytes;
		h->data_offset = PAGE_SIZE;
	}
	err = misc_register(&tmon_ring_dev);
	if (err)
		vfree(tmon_rings);
	return err;
}

void tmon_ring_exit(void)
{
	misc_deregister(&tmon_ring_dev);
	/* The producers are gone; a wakeup they queued may still run. */
	irq_work_sync(&tmon_ring_wake_work);
	vfree(tmon_rings);
}

u64 tmon_ring_mem_bytes(void)
{
	return (u64)nr_cpu_ids * tmon_ring_bytes;
}
