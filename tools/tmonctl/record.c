// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl record`: stream the records from the mapped rings to CSV or
 * JSON lines, from now until -d seconds have passed or a signal, then say
 * how many were recorded and how many were lost.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

#include "tmonctl.h"

#define RECORD_MAX_NS	(UINT64_C(31) * 24 * 3600 * NSEC_PER_SEC)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char * const csv_columns[] = {
	"type", "ring", "entry", "seq", "ts_ns", "cpu", "latency_ns", "run_ns", "missed",
	"user_ns", "system_ns", "idle_ns", "iowait_ns", "irq_ns", "softirq_ns", "pid", "comm",
	"utime_ns", "stime_ns", "vm_bytes", "stack_bytes", "data_bytes", "rss_bytes", "minflt",
	"majflt", "nvcsw", "nivcsw", "irq_latency_ns",
};

static void csv_header(FILE *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(csv_columns); i++)
		fprintf(f, "%s%s", i ? "," : "", csv_columns[i]);
	fputc('\n', f);
}

/* Each value after a comma; NULL values print empty fields. */
static void csv_u64s(FILE *f, const unsigned long long *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v)
			fprintf(f, ",%llu", v[i]);
		else
			fputc(',', f);
	}
}

struct recorder {
	FILE *out;
	bool json;
	uint64_t count;
};

/*
 * One row of csv_columns: CPU rows leave pid..majflt empty, task rows
 * latency_ns..softirq_ns and irq_latency_ns.
 */
static void record_csv(FILE *f, const struct tmon_ring_entry *e)
{
	const struct tmon_cpu_record *c = &e->cpu;
	const struct tmon_task_record *t = &e->task;
	char comm[TMON_COMM_LEN];

	if (e->type == TMON_ENTRY_CPU) {
		const unsigned long long head[] = { e->seq, c->seq, c->expected_ns, c->cpu,
						    c->latency_ns, c->run_ns, c->missed, c->user_ns,
						    c->system_ns, c->idle_ns, c->iowait_ns,
						    c->irq_ns, c->softirq_ns };
		const unsigned long long tail[] = { c->nvcsw, c->nivcsw };

		fprintf(f, "cpu,%u", e->ring);
		csv_u64s(f, head, ARRAY_SIZE(head));
		csv_u64s(f, NULL, 10);
		csv_u64s(f, tail, ARRAY_SIZE(tail));
		fprintf(f, ",%llu", (unsigned long long)c->irq_latency_ns);
	} else {
		const unsigned long long head[] = { e->seq, t->seq, t->ts_ns, t->cpu };
		const unsigned long long tail[] = { t->utime_ns, t->stime_ns, t->vm_bytes,
						    t->stack_bytes, t->data_bytes, t->rss_bytes,
						    t->minflt, t->majflt, t->nvcsw, t->nivcsw };

		memcpy(comm, t->comm, sizeof(comm));
		comm[sizeof(comm) - 1] = '\0';
		fprintf(f, "task,%u", e->ring);
		csv_u64s(f, head, ARRAY_SIZE(head));
		csv_u64s(f, NULL, 9);
		fprintf(f, ",%u,", t->pid);
		csv_str(f, comm);
		csv_u64s(f, tail, ARRAY_SIZE(tail));
		fputc(',', f);
	}
	fputc('\n', f);
}

static void record_json(FILE *f, const struct tmon_ring_entry *e)
{
	const struct tmon_cpu_record *c = &e->cpu;
	const struct tmon_task_record *t = &e->task;
	char comm[TMON_COMM_LEN];
	struct json j;

	json_init(&j, f);
	json_object(&j, NULL);
	json_str(&j, "type", e->type == TMON_ENTRY_CPU ? "cpu" : "task");
	json_u64(&j, "ring", e->ring);
	json_u64(&j, "entry", e->seq);
	if (e->type == TMON_ENTRY_CPU) {
		json_u64(&j, "cpu", c->cpu);
		json_u64(&j, "seq", c->seq);
		json_u64(&j, "expected_ns", c->expected_ns);
		json_u64(&j, "latency_ns", c->latency_ns);
		json_u64(&j, "irq_latency_ns", c->irq_latency_ns);
		json_u64(&j, "run_ns", c->run_ns);
		json_u64(&j, "missed", c->missed);
		json_u64(&j, "nvcsw", c->nvcsw);
		json_u64(&j, "nivcsw", c->nivcsw);
		json_u64(&j, "user_ns", c->user_ns);
		json_u64(&j, "system_ns", c->system_ns);
		json_u64(&j, "idle_ns", c->idle_ns);
		json_u64(&j, "iowait_ns", c->iowait_ns);
		json_u64(&j, "irq_ns", c->irq_ns);
		json_u64(&j, "softirq_ns", c->softirq_ns);
	} else {
		memcpy(comm, t->comm, sizeof(comm));
		comm[sizeof(comm) - 1] = '\0';
		json_u64(&j, "pid", t->pid);
		json_str(&j, "comm", comm);
		json_u64(&j, "seq", t->seq);
		json_u64(&j, "ts_ns", t->ts_ns);
		json_u64(&j, "cpu", t->cpu);
		json_u64(&j, "utime_ns", t->utime_ns);
		json_u64(&j, "stime_ns", t->stime_ns);
		json_u64(&j, "vm_bytes", t->vm_bytes);
		json_u64(&j, "stack_bytes", t->stack_bytes);
		json_u64(&j, "data_bytes", t->data_bytes);
		json_u64(&j, "rss_bytes", t->rss_bytes);
		json_u64(&j, "minflt", t->minflt);
		json_u64(&j, "majflt", t->majflt);
		json_u64(&j, "nvcsw", t->nvcsw);
		json_u64(&j, "nivcsw", t->nivcsw);
		json_bool(&j, "exited", t->flags & TMON_TASK_EXITED);
	}
	json_end(&j);
}

static int record_entry(const struct tmon_ring_entry *e, void *data)
{
	struct recorder *rec = data;

	if (e->type != TMON_ENTRY_CPU && e->type != TMON_ENTRY_TASK)
		return 0;	/* a newer module's type: not ours to print */
	if (rec->json)
		record_json(rec->out, e);
	else
		record_csv(rec->out, e);
	rec->count++;
	return ferror(rec->out) ? -EIO : 0;
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "duration", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct recorder rec = { .out = stdout };
	const char *file = NULL;
	uint64_t duration = 0, period, deadline, wait_ns;
	struct sigaction sa;
	struct rings *r;
	int opt, err;

	while ((opt = getopt_long(argc, argv, ":o:d:", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			file = optarg;
			if (!*file)
				return usage_error("record", "-o needs a file name");
			break;
		case 'f':
			if (!strcmp(optarg, "json"))
				rec.json = true;
			else if (strcmp(optarg, "csv"))
				return usage_error("record", "--format '%s' is not csv or json",
						   optarg);
			break;
		case 'd':
			if (parse_decimal_ns(optarg, RECORD_MAX_NS, &duration) || !duration)
				return usage_error("record", "-d '%s' is not a duration in seconds",
						   optarg);
			break;
		default:
			return getopt_error("record", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("record", "unexpected argument '%s'", argv[optind]);
	err = nl_open();
	if (err)
		return err;
	r = rings_open(&err);
	if (!r) {
		error("record: cannot map /dev/tmon: %s", strerror(-err));
		return EXIT_ERR;
	}
	if (file) {
		rec.out = fopen(file, "we");
		if (!rec.out) {
			error("record: cannot create %s: %s", file, strerror(errno));
			rings_close(r);
			return EXIT_ERR;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!rec.json)
		csv_header(rec.out);

	/*
	 * The producers never wait for us: look often enough that a ring
	 * (thousands of entries) cannot wrap between two looks.
	 */
	if (period_get(&period))
		period = 0;
	wait_ns = period && period < 100000000 ? period : 100000000;
	if (wait_ns < 5000000)
		wait_ns = 5000000;
	deadline = duration ? now_ns() + duration : UINT64_MAX;
	err = 0;
	while (!stop && !err) {
		uint64_t now = now_ns();

		err = rings_drain(r, record_entry, &rec);
		/* Whole records reach a file or pipe as they come: tail -f works. */
		if (!err && fflush(rec.out))
			err = -errno;
		if (now >= deadline)
			break;
		if (deadline - now < wait_ns)
			wait_ns = deadline - now;
		poll(NULL, 0, (int)(wait_ns / 1000000));
	}
	if (!err)
		err = rings_drain(r, record_entry, &rec);
	if (fflush(rec.out) || ferror(rec.out))
		err = -EIO;
	if (file && fclose(rec.out))
		err = -errno;
	fprintf(stderr, "%" PRIu64 " records, %" PRIu64 " lost\n", rec.count, rings_lost(r));
	rings_close(r);
	if (err) {
		error("record: cannot write %s: %s", file ? file : "the output", strerror(-err));
		return EXIT_ERR;
	}
	return EXIT_OK;
}
