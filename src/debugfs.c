// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs read-out: /sys/kernel/debug/tmon/cpus, the per-CPU wakeup
 * history, oldest first, one line per record.
 *
 * The iterator keeps its own cursor (CPU, seq) in the seq_file's private
 * data and copies one record at a time out of the ring, so no lock is held
 * while formatting and the output may be any size. seq_file re-asks for
 * the record at *pos after a full buffer; the cursor stays on it until
 * next() moves on. Each CPU is read up to the head seen when the reader
 * reached it, so a read always ends, and records overwritten while the
 * reader was elsewhere are skipped, never torn.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include "tmon.h"

static struct dentry *tmon_debugfs_dir;

struct tmon_cpus_iter {
	loff_t pos;		/* position of the record in @rec */
	int cpu;		/* -1 before the first record */
	u64 seq;		/* seq of @rec */
	u64 end;		/* head of @cpu when the reader reached it */
	struct tmon_cpu_record rec;
};

/* Move the cursor to the first record at or after (cpu, seq). */
static bool tmon_cpus_iter_fill(struct tmon_cpus_iter *it)
{
	while (it->cpu < (int)nr_cpu_ids) {
		if (it->cpu >= 0 && tmon_history_copy(it->cpu, it->seq, it->end, &it->rec)) {
			it->seq = it->rec.seq;
			return true;
		}
		it->cpu = cpumask_next(it->cpu, cpu_possible_mask);
		if (it->cpu >= (int)nr_cpu_ids)
			break;
		it->seq = 0;
		it->end = tmon_history_head(it->cpu);
	}
	return false;
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
			it->seq++;
			it->pos++;
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

	it->seq++;
	it->pos++;
	*pos = it->pos;
	return tmon_cpus_iter_fill(it) ? it : NULL;
}

static void tmon_cpus_stop(struct seq_file *m, void *v)
{
}

static int tmon_cpus_show(struct seq_file *m, void *v)
{
	const struct tmon_cpu_record *r = &((struct tmon_cpus_iter *)v)->rec;

	seq_printf(m, "cpu %u seq %llu expected %llu latency %llu run %llu nvcsw %llu nivcsw %llu user %llu system %llu idle %llu iowait %llu irq %llu softirq %llu\n",
		   r->cpu, r->seq, r->expected_ns, r->latency_ns, r->run_ns,
		   r->nvcsw, r->nivcsw, r->user_ns, r->system_ns, r->idle_ns,
		   r->iowait_ns, r->irq_ns, r->softirq_ns);
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

/* debugfs is optional: its failures are not errors (see debugfs.h). */
void tmon_debugfs_init(void)
{
	tmon_debugfs_dir = debugfs_create_dir("tmon", NULL);
	debugfs_create_file("cpus", 0444, tmon_debugfs_dir, NULL, &tmon_cpus_fops);
}

void tmon_debugfs_exit(void)
{
	debugfs_remove_recursive(tmon_debugfs_dir);
	tmon_debugfs_dir = NULL;
}
