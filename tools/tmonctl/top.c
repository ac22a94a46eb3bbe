// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl top`: a live view. Each screen shows what happened since the
 * previous one: per CPU the wakeups, their latency and the CPU's time
 * split, then the watched processes by CPU use. On a terminal it redraws
 * in place and q quits; otherwise (or with -n) it prints screens one
 * after another, as top -b does.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tmonctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* What one CPU did since the previous screen, from its new records. */
struct cpu_interval {
	uint64_t last_seq;
	bool seen;
	struct {
		uint64_t records, lat_sum, lat_max;
		uint64_t user, system, idle, iowait, irq;
	} iv;
};

struct top {
	struct cpu_interval *cpu;
	unsigned int nr_cpu;
	uint64_t *prev_wakeups;
	struct task_list prev, cur;
	uint64_t prev_ns;
	unsigned int frame;
};

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

/* One screen into @f, at most @rows lines. */
static int top_frame(struct top *t, FILE *f, unsigned int rows)
{
	struct tmon_status st;
	struct task_row *row;
	char a[16], b[16], c[16], d[16], e[16], now[16], esc[COMM_ESC_LEN];
	uint64_t ns = now_ns(), elapsed = t->frame ? ns - t->prev_ns : 0;
	unsigned int i, lines;
	time_t wall = time(NULL);
	size_t k;
	int err;

	err = status_get(&st, false);
	if (err)
		return err;
	if (!t->cpu) {
		t->nr_cpu = st.nr_possible;
		t->cpu = calloc(t->nr_cpu, sizeof(*t->cpu));
		t->prev_wakeups = calloc(t->nr_cpu, sizeof(*t->prev_wakeups));
		if (!t->cpu || !t->prev_wakeups) {
			status_free(&st);
			error("top: out of memory");
			return EXIT_ERR;
		}
	}
	for (i = 0; i < t->nr_cpu; i++) {
		struct cpu_interval *ci = &t->cpu[i];

		memset(&ci->iv, 0, sizeof(ci->iv));
	}
	err = nl_talk(nl_request(TMON_CMD_DUMP_CPUS, true), cpu_interval_cb, t);
	if (!err)
		err = tasks_get(&t->cur);
	if (err) {
		if (err < 0)
			error("top: cannot read the CPU records: %s", nl_strerror(err));
		status_free(&st);
		return EXIT_ERR;
	}
	strftime(now, sizeof(now), "%H:%M:%S", localtime(&wall));
	fmt_seconds(a, sizeof(a), st.period_ns);
	fmt_bytes(b, sizeof(b), st.mem_bytes);
	fprintf(f, "tmon %s  %s  period %s s  threads %u  tasks %u  memory %s\n", st.version,
		now, a, st.nr_cpus, st.nr_tasks, b);
	fprintf(f, "samples %" PRIu64 " stored, %" PRIu64 " dropped, %" PRIu64
		" reclaimed; ring lost %" PRIu64 "\n\n", st.samples, st.dropped, st.reclaimed,
		st.ring_lost);
	fprintf(f, "%-4s %-8s %8s %9s %9s %6s %6s %6s %6s %6s\n", "CPU", "THREAD", "WAKE/s",
		"AVG(us)", "MAX(us)", "USR%", "SYS%", "IRQ%", "IOW%", "IDLE%");
	lines = 4;
	for (i = 0; i < st.nr_possible && i < t->nr_cpu; i++) {
		const struct cpu_state *cs = &st.cpus[i];
		struct cpu_interval *ci = &t->cpu[i];
		uint64_t total = ci->iv.user + ci->iv.system + ci->iv.idle + ci->iv.iowait +
				 ci->iv.irq;
		const char *state;
		char rate[16];

		if (elapsed && cs->wakeups >= t->prev_wakeups[i])
			snprintf(rate, sizeof(rate), "%.1f", 1e9 / (double)elapsed *
				 (double)(cs->wakeups - t->prev_wakeups[i]));
		else
			snprintf(rate, sizeof(rate), "-");
		t->prev_wakeups[i] = cs->wakeups;
		if (ci->iv.records) {
			fmt_usec(a, sizeof(a), ci->iv.lat_sum / ci->iv.records);
			fmt_usec(b, sizeof(b), ci->iv.lat_max);
		} else {
			snprintf(a, sizeof(a), "-");
			snprintf(b, sizeof(b), "-");
		}
		state = cs->running ? "running" : cs->online ? "MISSING" : "offline";
		fprintf(f, "%-4u %-8s %8s %9s %9s", cs->cpu, state, rate, a, b);
		pct(a, sizeof(a), ci->iv.user, total);
		pct(b, sizeof(b), ci->iv.system, total);
		pct(c, sizeof(c), ci->iv.irq, total);
		pct(d, sizeof(d), ci->iv.iowait, total);
		pct(e, sizeof(e), ci->iv.idle, total);
		fprintf(f, " %6s %6s %6s %6s %6s\n", a, b, c, d, e);
		lines++;
	}
	fprintf(f, "\n%7s %-16s %-7s %6s %8s %8s %10s %9s\n", "PID", "COMM", "STATE", "CPU%",
		"RSS", "VIRT", "MINFLT", "CSW");
	lines += 2;
	row = calloc(t->cur.n ? t->cur.n : 1, sizeof(*row));
	if (!row) {
		status_free(&st);
		error("top: out of memory");
		return EXIT_ERR;
	}
	for (k = 0; k < t->cur.n; k++) {
		row[k].t = &t->cur.t[k];
		row[k].permille = t->cur.t[k].has_record ?
			task_permille(prev_record(t, t->cur.t[k].pid), &t->cur.t[k].rec) : -1;
	}
	qsort(row, t->cur.n, sizeof(*row), cmp_rows);
	for (k = 0; k < t->cur.n && lines < rows; k++, lines++) {
		const struct task_state *ts = row[k].t;

		if (!ts->has_record) {
			fprintf(f, "%7u %-16s %-7s\n", ts->pid, "-",
				ts->exited ? "exited" : "running");
			continue;
		}
		if (row[k].permille >= 0)
			snprintf(a, sizeof(a), "%d.%d", row[k].permille / 10, row[k].permille % 10);
		else
			snprintf(a, sizeof(a), "-");
		fmt_bytes(b, sizeof(b), ts->rec.rss_bytes);
		fmt_bytes(c, sizeof(c), ts->rec.vm_bytes);
		fprintf(f, "%7u %-16s %-7s %6s %8s %8s %10llu %9llu\n", ts->pid,
			comm_escape(ts->rec.comm, esc), ts->exited ? "exited" : "running", a, b, c,
			ts->rec.minflt + ts->rec.majflt, ts->rec.nvcsw + ts->rec.nivcsw);
	}
	free(row);
	status_free(&st);
	/* This screen's records are the next one's "previous". */
	{
		struct task_list tmp = t->prev;

		t->prev = t->cur;
		t->cur = tmp;
	}
	t->prev_ns = ns;
	t->frame++;
	return EXIT_OK;
}

/* Write @text, each line cut to @cols and cleared to its end. */
static void screen_put(const char *text, unsigned int cols)
{
	const char *p = text, *nl;

	fputs("\033[H", stdout);
	for (; *p; p = nl + 1) {
		size_t len;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		fwrite(p, 1, len < cols ? len : cols, stdout);
		fputs("\033[K\r\n", stdout);
		if (!*nl)
			break;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t delay = NSEC_PER_SEC, iterations = 0;
	bool tty = isatty(STDOUT_FILENO), keys = tty && isatty(STDIN_FILENO);
	struct termios saved, raw;
	struct top t = { 0 };
	struct sigaction sa;
	struct winsize ws;
	char *text = NULL;
	size_t len;
	int opt, err = 0;
	FILE *f;

	while ((opt = getopt_long(argc, argv, ":d:n:", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_decimal_ns(optarg, 3600 * NSEC_PER_SEC, &delay) ||
			    delay < NSEC_PER_SEC / 10)
				return usage_error("top",
						   "-d '%s' is not a delay from 0.1 to 3600 seconds",
						   optarg);
			break;
		case 'n':
			if (parse_u64(optarg, 1, 1000000, &iterations))
				return usage_error("top",
						   "-n '%s' is not a count from 1 to 1000000",
						   optarg);
			break;
		default:
			return getopt_error("top", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("top", "unexpected argument '%s'", argv[optind]);
	err = nl_open();
	if (err)
		return err;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (keys && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	} else {
		keys = false;
	}
	if (tty)
		fputs("\033[?25l\033[H\033[2J", stdout);	/* hide the cursor, clear */

	/*
	 * The first screen has no rates yet (they need two looks) but is
	 * shown at once; each later one covers the time since the previous.
	 */
	while (!err && !stop) {
		unsigned int rows = 24, cols = 80;
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		uint64_t until;
		char key;

		if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
			rows = ws.ws_row - 1;
			cols = ws.ws_col;
		}
		free(text);
		text = NULL;
		f = open_memstream(&text, &len);
		if (!f) {
			error("top: out of memory");
			err = EXIT_ERR;
			break;
		}
		err = top_frame(&t, f, tty ? rows : ~0U);
		fclose(f);
		if (err)
			break;
		if (tty) {
			screen_put(text, cols);
		} else {
			fputs(text, stdout);
			putchar('\n');
			fflush(stdout);
		}
		if (iterations && t.frame >= iterations)
			break;
		/* Sleep until the next screen, or a key. */
		until = now_ns() + delay;
		while (!stop) {
			uint64_t now = now_ns();

			if (now >= until)
				break;
			if (poll(&pfd, keys, (int)((until - now) / 1000000) + 1) > 0 &&
			    read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q'))
				stop = 1;
		}
	}
	if (tty)
		fputs("\033[?25h\n", stdout);	/* the cursor back, below the screen */
	if (keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	free(text);
	free(t.cpu);
	free(t.prev_wakeups);
	free(t.prev.t);
	free(t.cur.t);
	return err;
}
