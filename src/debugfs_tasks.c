// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs tmon/tasks (debugfs.c): the stored task samples, read; watch
 * and unwatch, written.
 *
 * Reading takes the cpus file's cursor scheme over (pid, sample). The
 * cursor holds a reference on its sample, so it survives trimming, the
 * shrinker and unwatch; when it was unlinked meanwhile, the walk resumes
 * from its watch's next seq, or from the next pid. Each watch is read up
 * to the seq it had at the reader's first sample of it. Watches the
 * reader may not see are passed over; pids are shown in the reader's pid
 * namespace.
 */
#include <linux/fs.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "tmon.h"

struct tmon_tasks_iter {
	loff_t pos;		/* position of @at */
	unsigned long nr;	/* global pid of @at's watch */
	pid_t vnr;		/* the same pid as the reader sees it */
	u64 end;		/* that watch's next seq at its first sample */
	bool found;		/* @at holds the record at @pos */
	struct tmon_sample_pos at;
	struct tmon_caller caller;
};

/*
 * From watch @it->nr on, the first sample with seq >= @seq into @it->at:
 * @seq applies to @it->nr itself only (a resumed walk); later watches
 * start at 0.
 */
static bool tmon_tasks_seek(struct tmon_tasks_iter *it, u64 seq)
{
	unsigned long want = it->nr;
	struct tmon_watch *w;
	bool found;

	while ((w = tmon_watch_next(&it->nr))) {
		if (it->nr != want || seq == 0) {
			seq = 0;
			it->end = U64_MAX;
		}
		it->vnr = tmon_watch_visible(&it->caller, w);
		found = it->vnr && tmon_sample_read(w, &it->at, seq, it->end);
		/* Bounded after the first sample, as the cpus walk is. */
		if (found && it->end == U64_MAX)
			it->end = max(it->at.next_seq, it->at.rec.seq + 1);
		tmon_watch_put(w);
		if (found)
			return true;
		want = ++it->nr;
		seq = 0;
	}
	tmon_sample_pos_put(&it->at);
	return false;
}

/* The record after @it->at: the same watch's next, or the next watch's first. */
static void tmon_tasks_advance(struct tmon_tasks_iter *it)
{
	it->found = tmon_tasks_seek(it, it->at.rec.seq + 1);
	it->pos++;
}

static void *tmon_tasks_start(struct seq_file *m, loff_t *pos)
{
	struct tmon_tasks_iter *it = m->private;

	/* Pids in the namespace of whoever reads now. */
	it->caller.ns = task_active_pid_ns(current);

	if (*pos == 0 || *pos != it->pos) {
		it->nr = 0;
		it->pos = 0;
		it->found = tmon_tasks_seek(it, 0);
		while (it->found && it->pos < *pos)
			tmon_tasks_advance(it);
	}
	return it->found ? &it->at : NULL;
}

static void *tmon_tasks_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tmon_tasks_iter *it = m->private;

	tmon_tasks_advance(it);
	*pos = it->pos;
	return it->found ? &it->at : NULL;
}

static void tmon_tasks_stop(struct seq_file *m, void *v)
{
}

static int tmon_tasks_show(struct seq_file *m, void *v)
{
	const struct tmon_task_record *r = &((struct tmon_sample_pos *)v)->rec;
	struct tmon_tasks_iter *it = m->private;

	seq_printf(m, "pid %d comm ", it->vnr);
	tmon_seq_comm(m, r->comm);
	seq_printf(m, " ts %llu usr %llu sys %llu vm %llu stack %llu data %llu rss %llu minflt %llu majflt %llu nvcsw %llu nivcsw %llu cpu %u\n",
		   r->ts_ns, r->utime_ns, r->stime_ns, r->vm_bytes, r->stack_bytes,
		   r->data_bytes, r->rss_bytes, r->minflt, r->majflt, r->nvcsw,
		   r->nivcsw, r->cpu);
	return 0;
}

static const struct seq_operations tmon_tasks_seq_ops = {
	.start = tmon_tasks_start,
	.next = tmon_tasks_next,
	.stop = tmon_tasks_stop,
	.show = tmon_tasks_show,
};

/*
 * Every open mode gets the seq_file: lseek() and read() reach it through
 * the file operations whatever the mode (a write-only open then lseek,
 * as Python's open(path, "w") does, must find it there).
 */
static int tmon_tasks_open(struct inode *inode, struct file *file)
{
	struct tmon_tasks_iter *it;

	it = __seq_open_private(file, &tmon_tasks_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	tmon_caller_from_file(&it->caller, file);
	return 0;
}

static int tmon_tasks_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	tmon_sample_pos_put(&((struct tmon_tasks_iter *)m->private)->at);
	return seq_release_private(inode, file);
}

/*
 * One command per write:
 *   P    watch process P
 *   -P   stop watching P
 * P is a decimal pid > 0 in the writer's pid namespace; surrounding white
 * space is ignored. Who may do what is decided by the credentials the
 * file was opened with, not the writer's. Errors:
 * EINVAL malformed or longer than a command can be, ESRCH no such
 * process, EEXIST already watched, ENOENT not watched, ENOSPC the list
 * holds max_tasks, EDQUOT the opener's share of it is used up.
 */
static ssize_t tmon_tasks_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct tmon_caller caller;
	char buf[24], *p;
	bool unwatch;
	int pid, err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = strim(buf);
	unwatch = *p == '-';
	if (unwatch)
		p++;
	/* kstrtoint() would take a second sign. */
	if (*p < '0' || *p > '9')
		return -EINVAL;
	err = kstrtoint(p, 10, &pid);
	if (err || pid <= 0)
		return -EINVAL;

	tmon_caller_from_file(&caller, file);
	err = unwatch ? tmon_unwatch_pid(&caller, pid) : tmon_watch_pid(&caller, pid, NULL);
	return err ? err : count;
}

const struct file_operations tmon_tasks_fops = {
	.owner = THIS_MODULE,
	.open = tmon_tasks_open,
	.read = seq_read,
	.write = tmon_tasks_write,
	.llseek = seq_lseek,
	.release = tmon_tasks_release,
};

