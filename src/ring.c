// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tmon: the per-CPU stream rings (layout and reader protocol in
 * tmon_abi.h). All rings share one vmalloc_user() area so that a single
 * remap_vmalloc_range() maps them; the mapping is read-only.
 *
 * The area exists only while the device is open: the first open
 * allocates it, the last release (a mapping holds its file) frees it, so
 * an unread tmon costs no ring memory, whatever ring_kb and the number of
 * possible CPUs. Meanwhile nothing is written. Rings made again start
 * empty, at seq 0: no reader sees two of them, since an open file holds
 * the area (and a mapping holds its file). Producers reach it under RCU.
 *
 * Each ring is written on its CPU only, by the CPU's thread (wakeup
 * records) and its sampler (task records), which take turns under a raw
 * lock no reader takes: producers never wait for a reader. Readers
 * are woken through an irq_work, so that a producer never takes the wait
 * queue's lock (a sleeping lock on PREEMPT_RT).
 *
 * The mapping shows every record as stored, global pids included, so
 * only an admin in the initial pid namespace may map it. read() and
 * poll() (ring_read.c) are the way for everyone else the device mode
 * lets in.
 */
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "tmon.h"
#include "ring.h"

static void __rcu *tmon_rings;		/* the area, while the device is open */
static DEFINE_MUTEX(tmon_rings_mutex);	/* commits and frees the area */
static unsigned int tmon_rings_users;	/* open files, under the mutex */
static size_t tmon_ring_bytes;
u64 tmon_ring_nr;			/* entries per ring */
DECLARE_WAIT_QUEUE_HEAD(tmon_ring_wait);

/* Each ring's: the CPU's thread and its sampler take turns. */
static DEFINE_PER_CPU(raw_spinlock_t, tmon_ring_lock);

static void tmon_ring_wake(struct irq_work *work)
{
	wake_up_interruptible(&tmon_ring_wait);
}

static DEFINE_IRQ_WORK(tmon_ring_wake_work, tmon_ring_wake);

/* The area's size: a ring per possible CPU (cpu ids below nr_cpu_ids). */
static size_t tmon_ring_area_bytes(void)
{
	return (size_t)nr_cpu_ids * tmon_ring_bytes;
}

struct tmon_ring_header *tmon_ring(void *area, unsigned int cpu)
{
	return area + (size_t)cpu * tmon_ring_bytes;
}

struct tmon_ring_entry *tmon_ring_slot(struct tmon_ring_header *h, u64 n)
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
	struct tmon_ring_header *h;
	struct tmon_ring_entry *e;
	void *area;
	u64 n;

	rcu_read_lock();
	area = rcu_dereference(tmon_rings);
	if (!area) {
		rcu_read_unlock();	/* nobody has the device open */
		return;
	}
	h = tmon_ring(area, cpu);
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
	rcu_read_unlock();
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

/* Under tmon_rings_mutex, for the first open file: allocate the area. */
static void *tmon_rings_commit(void)
{
	unsigned int cpu;
	void *area;

	area = vmalloc_user(tmon_ring_area_bytes());
	if (!area)
		return NULL;
	for_each_possible_cpu(cpu) {
		struct tmon_ring_header *h = tmon_ring(area, cpu);

		h->magic = TMON_RING_MAGIC;
		h->version = TMON_ABI_VERSION;
		h->cpu = cpu;
		h->entry_size = sizeof(struct tmon_ring_entry);
		h->nr_entries = tmon_ring_nr;
		h->ring_bytes = tmon_ring_bytes;
		h->data_offset = PAGE_SIZE;
	}
	rcu_assign_pointer(tmon_rings, area);
	return area;
}

/* Under tmon_rings_mutex, for the last release: free the area. */
static void tmon_rings_free(void *area)
{
	RCU_INIT_POINTER(tmon_rings, NULL);
	synchronize_rcu();	/* no producer is inside it any more */
	vfree(area);
}

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
	mutex_lock(&tmon_rings_mutex);
	rf->area = rcu_dereference_protected(tmon_rings, lockdep_is_held(&tmon_rings_mutex));
	if (!rf->area)
		rf->area = tmon_rings_commit();
	if (!rf->area) {
		mutex_unlock(&tmon_rings_mutex);
		kfree(rf->pos);
		kfree(rf);
		return -ENOMEM;
	}
	tmon_rings_users++;
	mutex_unlock(&tmon_rings_mutex);
	mutex_init(&rf->lock);
	/* A new reader starts at the oldest entry still held. */
	for_each_possible_cpu(cpu) {
		u64 head = READ_ONCE(tmon_ring(rf->area, cpu)->head);

		rf->pos[cpu] = head > tmon_ring_nr ? head - tmon_ring_nr : 0;
	}
	file->private_data = rf;
	return 0;
}

static int tmon_ring_release(struct inode *inode, struct file *file)
{
	struct tmon_ring_file *rf = file->private_data;

	mutex_lock(&tmon_rings_mutex);
	if (!--tmon_rings_users)
		tmon_rings_free(rf->area);
	mutex_unlock(&tmon_rings_mutex);
	mutex_destroy(&rf->lock);
	kfree(rf->pos);
	kfree(rf);
	return 0;
}

static int tmon_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct tmon_ring_file *rf = file->private_data;
	struct tmon_caller caller;

	tmon_caller_from_file(&caller, file);
	if (!tmon_caller_sees_all(&caller))
		return -EPERM;		/* read() filters; the mapping cannot */
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vm_flags_clear(vma, VM_MAYWRITE);
	/* Checks that the range lies within the rings. */
	return remap_vmalloc_range(vma, rf->area, vma->vm_pgoff);
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

	tmon_ring_bytes = PAGE_ALIGN((size_t)tmon_ring_kb() * 1024);
	tmon_ring_nr = (tmon_ring_bytes - PAGE_SIZE) / sizeof(struct tmon_ring_entry);
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(per_cpu_ptr(&tmon_ring_lock, cpu));
	return misc_register(&tmon_ring_dev);
}

void tmon_ring_exit(void)
{
	/* No file is open (each holds the module): the area is gone. */
	misc_deregister(&tmon_ring_dev);
	/* The producers are gone; a wakeup they queued may still run. */
	irq_work_sync(&tmon_ring_wake_work);
}

/* The area's size while the device is open, else 0. */
u64 tmon_ring_mem_bytes(void)
{
	return rcu_access_pointer(tmon_rings) ? tmon_ring_area_bytes() : 0;
}
