// SPDX-License-Identifier: GPL-2.0
/*
 * One screen of `tmonctl top`: per CPU the wakeups since the previous
 * screen, their latency and the CPU's time split, from the CPU records
 * that are new; then the watched processes by CPU use between their
 * latest two samples.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fields.h"
#include "top.h"

static int cpu_interval_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	struct top *t = data;
	struct tmon_cpu_record r;
	struct cpu_interval *ci;

	(void)nlh;
	if (!nl_get_record(tb[TMON_A_CPU_RECORD], &r, sizeof(r)) || r.cpu >= t->nr_cpu)
		return 0;
	ci = &t->cpu[r.cpu];
	if (ci->seen && r.seq <= ci->last_seq)
		return 0;
	ci->last_seq = r.seq;
	ci->seen = true;
	if (!t->frame)
		return 0;	/* the first screen only learns where the history ends */
	ci->iv.records++;
	ci->iv.lat_sum += r.latency_ns;
	if (r.latency_ns > ci->iv.lat_max)
		ci->iv.lat_max = r.latency_ns;
	ci->iv.user += r.user_ns;
	ci->iv.system += r.system_ns;
	ci->iv.idle += r.idle_ns;
	ci->iv.iowait += r.iowait_ns;
	ci->iv.irq += r.irq_ns + r.softirq_ns;
	return 0;
}

static const struct tmon_task_record *prev_record(const struct top *t, uint32_t pid)
{
	size_t lo = 0, hi = t->prev.n;

	/* The list comes sorted by pid. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->prev.t[mid].pid == pid)
			return t->prev.t[mid].has_record ? &t->prev.t[mid].rec : NULL;
		if (t->prev.t[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* CPU use in per mille of one CPU between two samples; -1 if unknown. */
static int task_permille(const struct tmon_task_record *a, const struct tmon_task_record *b)
{
	uint64_t dt, dc;

	if (!a || b->ts_ns <= a->ts_ns || b->utime_ns + b->stime_ns < a->utime_ns + a->stime_ns)
		return -1;
	dt = b->ts_ns - a->ts_ns;
	dc = b->utime_ns + b->stime_ns - a->utime_ns - a->stime_ns;
	return (int)(dc * 1000 / dt);
}

struct task_row {
	const struct task_state *t;
	int permille;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct task_row *x = a, *y = b;

	if (x->permille != y->permille)
		return x->permille < y->permille ? 1 : -1;
	return x->t->pid < y->t->pid ? -1 : 1;
}

static void pct(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	if (!whole)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", 100.0 * (double)part / (double)whole);
}

/* The CPUs' new records since the previous screen, and the watch list. */
static int top_read(struct top *t, const struct tmon_status *st)
{
	unsigned int i;
	int err;

	if (!t->cpu) {
		t->nr_cpu = st->nr_possible;
		t->cpu = calloc(t->nr_cpu, sizeof(*t->cpu));
		t->prev_wakeups = calloc(t->nr_cpu, sizeof(*t->prev_wakeups));
		if (!t->cpu || !t->prev_wakeups) {
			error("top: out of memory");
			return EXIT_ERR;
		}
	}
	for (i = 0; i < t->nr_cpu; i++)
		memset(&t->cpu[i].iv, 0, sizeof(t->cpu[i].iv));
	err = nl_talk(nl_request(TMON_CMD_DUMP_CPUS, true), cpu_interval_cb, t);
	if (!err)
		err = tasks_get(&t->cur);
	if (err < 0)
		error("top: cannot read the CPU records: %s", nl_strerror(err));
	return err ? EXIT_ERR : EXIT_OK;
}

static void top_header(FILE *f, const struct tmon_status *st)
{
	char now[16], period[16], mem[16];
	time_t wall = time(NULL);

	strftime(now, sizeof(now), "%H:%M:%S", localtime(&wall));
	fmt_seconds(period, sizeof(period), st->period_ns);
	fmt_bytes(mem, sizeof(mem), st->mem_bytes);
	fprintf(f, "tmon %s  %s  period %s s  threads %u  tasks %u  memory %s\n", st->version,
		now, period, st->nr_cpus, st->nr_tasks, mem);
	fprintf(f, "samples %" PRIu64 " stored, %" PRIu64 " dropped, %" PRIu64
		" reclaimed; ring lost %" PRIu64 "\n\n", st->samples, st->dropped, st->reclaimed,
		st->ring_lost);
}

/* One line per CPU: its wakeup rate, latency and time split; the lines written. */
static unsigned int top_cpus(struct top *t, FILE *f, const struct tmon_status *st,
			     uint64_t elapsed)
{
	char avg[16], max[16], rate[16], p[5][16];
	unsigned int i, lines = 1;

	fprintf(f, "%-4s %-8s %8s %9s %9s %6s %6s %6s %6s %6s\n", "CPU", "THREAD", "WAKE/s",
		"AVG(us)", "MAX(us)", "USR%", "SYS%", "IRQ%", "IOW%", "IDLE%");
	for (i = 0; i < st->nr_possible && i < t->nr_cpu; i++, lines++) {
		const struct cpu_state *cs = &st->cpus[i];
		const struct cpu_counts *iv = &t->cpu[i].iv;
		uint64_t total = iv->user + iv->system + iv->idle + iv->iowait + iv->irq;

		if (elapsed && cs->wakeups >= t->prev_wakeups[i])
			snprintf(rate, sizeof(rate), "%.1f", 1e9 / (double)elapsed *
				 (double)(cs->wakeups - t->prev_wakeups[i]));
		else
			snprintf(rate, sizeof(rate), "-");
		t->prev_wakeups[i] = cs->wakeups;
		snprintf(avg, sizeof(avg), "-");
		snprintf(max, sizeof(max), "-");
		if (iv->records) {
			fmt_usec(avg, sizeof(avg), iv->lat_sum / iv->records);
			fmt_usec(max, sizeof(max), iv->lat_max);
		}
		pct(p[0], sizeof(p[0]), iv->user, total);
		pct(p[1], sizeof(p[1]), iv->system, total);
		pct(p[2], sizeof(p[2]), iv->irq, total);
		pct(p[3], sizeof(p[3]), iv->iowait, total);
		pct(p[4], sizeof(p[4]), iv->idle, total);
		fprintf(f, "%-4u %-8s %8s %9s %9s %6s %6s %6s %6s %6s\n", cs->cpu,
			cs->running ? "running" : cs->online ? "MISSING" : "offline", rate, avg,
			max, p[0], p[1], p[2], p[3], p[4]);
	}
	return lines;
}

/* The watched processes by CPU use since the previous screen, while @room lines last. */
static int top_tasks(struct top *t, FILE *f, unsigned int room)
{
	const struct text_view *v = &text_views[VIEW_TOP];
	char prefix[128], cpu[16], esc[COMM_ESC_LEN];
	struct task_row *row;
	size_t k;

	snprintf(prefix, sizeof(prefix), "\n%7s %-16s %-7s %6s %10s %9s", "PID", "COMM", "STATE",
		 "CPU%", "FAULTS", "CSW");
	view_header(f, prefix, v);
	row = calloc(t->cur.n ? t->cur.n : 1, sizeof(*row));
	if (!row) {
		error("top: out of memory");
		return EXIT_ERR;
	}
	for (k = 0; k < t->cur.n; k++) {
		row[k].t = &t->cur.t[k];
		row[k].permille = t->cur.t[k].has_record ?
			task_permille(prev_record(t, t->cur.t[k].pid), &t->cur.t[k].rec) : -1;
	}
	qsort(row, t->cur.n, sizeof(*row), cmp_rows);
	for (k = 0; k < t->cur.n && k + 2 < room; k++) {
		const struct task_state *ts = row[k].t;
		const char *state = ts->exited ? "exited" : "running";

		if (!ts->has_record) {
			fprintf(f, "%7u %-16s %-7s\n", ts->pid, "-", state);
			continue;
		}
		snprintf(cpu, sizeof(cpu), "-");
		if (row[k].permille >= 0)
			snprintf(cpu, sizeof(cpu), "%d.%d", row[k].permille / 10,
				 row[k].permille % 10);
		snprintf(prefix, sizeof(prefix), "%7u %-16s %-7s %6s %10llu %9llu", ts->pid,
			 comm_escape(ts->rec.comm, esc), state, cpu,
			 ts->rec.minflt + ts->rec.majflt, ts->rec.nvcsw + ts->rec.nivcsw);
		view_row(f, prefix, v, &ts->rec);
	}
	free(row);
	return EXIT_OK;
}

/* One screen into @f, at most @rows lines. */
int top_frame(struct top *t, FILE *f, unsigned int rows)
{
	uint64_t ns = now_ns(), elapsed = t->frame ? ns - t->prev_ns : 0;
	struct task_list tmp;
	struct tmon_status st;
	unsigned int lines;
	int err;

	err = status_get(&st, false);
	if (err)
		return err;
	err = top_read(t, &st);
	if (!err) {
		top_header(f, &st);
		lines = 3 + top_cpus(t, f, &st, elapsed);
		err = top_tasks(t, f, rows > lines ? rows - lines : 0);
	}
	status_free(&st);
	if (err)
		return err;
	/* This screen's records are the next one's "previous". */
	tmp = t->prev;
	t->prev = t->cur;
	t->cur = tmp;
	t->prev_ns = ns;
	t->frame++;
	return EXIT_OK;
}
