// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs interface, /sys/kernel/debug/tmon/:
 *   cpus     per-CPU wakeup history, oldest first, one line per record
 *   tasks    task sample history, by pid, oldest first; written to watch
 *            and unwatch (debugfs_tasks.c)
 *   watched  the watch list: pid, comm, state, samples held
 *   fail_samples  test hook: the next N sample allocations fail
 *
 * cpus:
 * The iterator keeps its own cursor (CPU, seq) in the seq_file's private
 * data and copies one record at a time out of the ring, so no lock is held
 * while formatting and the output may be any size. seq_file re-asks for
 * the record at *pos after a full buffer; the cursor stays on it until
 * next() moves on. Each CPU is read up to the head seen at the reader's
 * first record of it, so a read always ends and shows every CPU that has
 * records; records overwritten while the reader was elsewhere are
 * skipped, never torn. A CPU whose records were all overwritten before
 * any of them reached the reader is taken again from its oldest.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tmon.h"

static struct dentry *tmon_debugfs_dir;

struct tmon_cpus_iter {
	loff_t pos;		/* position of the record in @rec */
	int cpu;		/* -1 before the first record */
	u64 seq;		/* seq of @rec */
	u64 end;		/* head of @cpu at its first record, or U64_MAX */
	bool shown;		/* a record of @cpu has reached the reader */
	struct tmon_cpu_record rec;
};

/* Move the cursor to the first record at or after (cpu, seq). */
static bool tmon_cpus_iter_fill(struct tmon_cpus_iter *it)
{
	while (it->cpu < (int)nr_cpu_ids) {
		if (it->cpu >= 0 && tmon_history_copy(it->cpu, it->seq, it->end, &it->rec)) {
			it->seq = it->rec.seq;
			/*
			 * Bound the walk of this CPU after its first record:
			 * a head taken before it could be overtaken by a
			 * whole history while the reader waits, and the CPU
			 * would show no record at all.
			 */
			if (it->end == U64_MAX)
				it->end = max(tmon_history_head(it->cpu, NULL), it->seq + 1);
			return true;
		}
		/*
		 * The first record, fetched when a read() ended, was
		 * overwritten with all the rest before the next read():
		 * start this CPU again from what it holds now.
		 */
		if (it->cpu >= 0 && !it->shown && it->end != U64_MAX) {
			it->seq = 0;
			it->end = U64_MAX;
			continue;
		}
		it->cpu = cpumask_next(it->cpu, cpu_possible_mask);
		if (it->cpu >= (int)nr_cpu_ids)
			break;
		it->seq = 0;
		it->end = U64_MAX;
		it->shown = false;
	}
	return false;
}

/* Step past the record in @it: seq_file moves on only from a shown one. */
static void tmon_cpus_iter_advance(struct tmon_cpus_iter *it)
{
	it->shown = true;
	it->seq++;
	it->pos++;
}

static void *tmon_cpus_start(struct seq_file *m, loff_t *pos)
{
	struct tmon_cpus_iter *it = m->private;

	if (*pos == 0 || *pos != it->pos) {
		/* A fresh read or a seek: walk from the start. */
		it->cpu = -1;
		it->pos = 0;
		if (!tmon_cpus_iter_fill(it))
			return NULL;
		while (it->pos < *pos) {
			tmon_cpus_iter_advance(it);
			if (!tmon_cpus_iter_fill(it))
				return NULL;
		}
		return it;
	}
	return tmon_cpus_iter_fill(it) ? it : NULL;
}

static void *tmon_cpus_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tmon_cpus_iter *it = v;

	/*
	 * One read() formats up to the reader's buffer, thousands of
	 * records; without preemption (PREEMPT_VOLUNTARY) that held the CPU
	 * for milliseconds against tmon's own thread.
	 */
	cond_resched();
	tmon_cpus_iter_advance(it);
	*pos = it->pos;
	return tmon_cpus_iter_fill(it) ? it : NULL;
}

static void tmon_cpus_stop(struct seq_file *m, void *v)
{
}

static int tmon_cpus_show(struct seq_file *m, void *v)
{
	const struct tmon_cpu_record *r = &((struct tmon_cpus_iter *)v)->rec;

	seq_printf(m, "cpu %u seq %llu expected %llu latency %llu run %llu nvcsw %llu nivcsw %llu user %llu system %llu idle %llu iowait %llu irq %llu softirq %llu irq_latency %llu missed %u\n",
		   r->cpu, r->seq, r->expected_ns, r->latency_ns, r->run_ns,
		   r->nvcsw, r->nivcsw, r->user_ns, r->system_ns, r->idle_ns,
		   r->iowait_ns, r->irq_ns, r->softirq_ns, r->irq_latency_ns, r->missed);
	return 0;
}

static const struct seq_operations tmon_cpus_seq_ops = {
	.start = tmon_cpus_start,
	.next = tmon_cpus_next,
	.stop = tmon_cpus_stop,
	.show = tmon_cpus_show,
};

static int tmon_cpus_open(struct inode *inode, struct file *file)
{
	struct tmon_cpus_iter *it;

	it = __seq_open_private(file, &tmon_cpus_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->cpu = -1;
	return 0;
}

static const struct file_operations tmon_cpus_fops = {
	.owner = THIS_MODULE,
	.open = tmon_cpus_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* comm may hold spaces; keep the line one token per field. */
void tmon_seq_comm(struct seq_file *m, const char *comm)
{
	char c[TMON_COMM_LEN];
	int i;

	for (i = 0; i < TMON_COMM_LEN - 1 && comm[i]; i++)
		c[i] = (comm[i] > ' ' && comm[i] < 0x7f) ? comm[i] : '_';
	c[i] = '\0';
	seq_puts(m, i ? c : "-");
}

/*
 * watched: one line per entry the reader may see, "pid P comm C state S
 * samples N", pids in the reader's namespace.
 */
struct tmon_watched_iter {
	unsigned long nr;	/* global pid of the entry shown */
	pid_t vnr;
	struct tmon_caller caller;
};

/* The first entry at or after it->nr that the reader may see. */
static struct tmon_watch *tmon_watched_seek(struct tmon_watched_iter *it)
{
	struct tmon_watch *w;

	while ((w = tmon_watch_next(&it->nr))) {
		it->vnr = tmon_watch_visible(&it->caller, w);
		if (it->vnr)
			return w;
		tmon_watch_put(w);
		it->nr++;
	}
	return NULL;
}

static void *tmon_watched_start(struct seq_file *m, loff_t *pos)
{
	struct tmon_watched_iter *it = m->private;
	struct tmon_watch *w;
	loff_t i;

	/* Small and rarely read: walk from the first entry each time. */
	it->caller.ns = task_active_pid_ns(current);
	it->nr = 0;
	for (i = 0; (w = tmon_watched_seek(it)); i++, it->nr++) {
		if (i == *pos)
			return w;
		tmon_watch_put(w);
	}
	return NULL;
}

static void *tmon_watched_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tmon_watched_iter *it = m->private;

	tmon_watch_put(v);
	(*pos)++;
	it->nr++;
	return tmon_watched_seek(it);
}

static void tmon_watched_stop(struct seq_file *m, void *v)
{
	tmon_watch_put(v);
}

static int tmon_watched_show(struct seq_file *m, void *v)
{
	struct tmon_watched_iter *it = m->private;
	struct tmon_watch *w = v;
	struct tmon_sample_pos pos = {};
	char comm[TMON_COMM_LEN] = "";

	if (tmon_sample_read(w, &pos, 0, U64_MAX))
		memcpy(comm, pos.rec.comm, sizeof(comm));
	tmon_sample_pos_put(&pos);
	seq_printf(m, "pid %d comm ", it->vnr);
	tmon_seq_comm(m, comm);
	seq_printf(m, " state %s samples %u share %u\n",
		   READ_ONCE(w->exited) ? "exited" : "running", READ_ONCE(w->nr_samples), w->share);
	return 0;
}

static const struct seq_operations tmon_watched_seq_ops = {
	.start = tmon_watched_start,
	.next = tmon_watched_next,
	.stop = tmon_watched_stop,
	.show = tmon_watched_show,
};

static int tmon_watched_open(struct inode *inode, struct file *file)
{
	struct tmon_watched_iter *it;

	it = __seq_open_private(file, &tmon_watched_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	tmon_caller_from_file(&it->caller, file);
	return 0;
}

static const struct file_operations tmon_watched_fops = {
	.owner = THIS_MODULE,
	.open = tmon_watched_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

/* debugfs is optional: its failures are not errors (see debugfs.h). */
void tmon_debugfs_init(void)
{
	tmon_debugfs_dir = debugfs_create_dir("tmon", NULL);
	debugfs_create_file("cpus", 0444, tmon_debugfs_dir, NULL, &tmon_cpus_fops);
	debugfs_create_file("tasks", 0600, tmon_debugfs_dir, NULL, &tmon_tasks_fops);
	debugfs_create_file("watched", 0444, tmon_debugfs_dir, NULL, &tmon_watched_fops);
	/* Test hook: this many sample allocations fail (see samples.c). */
	debugfs_create_atomic_t("fail_samples", 0600, tmon_debugfs_dir, tmon_samples_fail_knob());
}

void tmon_debugfs_exit(void)
{
	debugfs_remove_recursive(tmon_debugfs_dir);
	tmon_debugfs_dir = NULL;
}
