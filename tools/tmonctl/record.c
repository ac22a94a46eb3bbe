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
#include <sys/utsname.h>
#include <unistd.h>

#include "fields.h"
#include "tmonctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * The CSV columns: type, ring, entry, then every CPU field and every task
 * field a CPU record does not have, in their tables' order. A row fills
 * the columns of its own record type and leaves the others empty. The
 * columns are worked out once: a row is written for every record, tens
 * of thousands a second.
 */
#define CSV_MAX_COLUMNS	64

static struct {
	size_t n;
	const char *name[CSV_MAX_COLUMNS];
	const struct field *cell[2][CSV_MAX_COLUMNS];	/* per table: NULL leaves it empty */
} csv;

static const struct field_table *const csv_tables[2] = { &cpu_fields, &task_fields };

static void csv_columns(void)
{
	size_t i, j, k;

	if (csv.n)
		return;
	for (i = 0; i < ARRAY_SIZE(csv_tables); i++) {
		for (j = 0; j < csv_tables[i]->n && csv.n < CSV_MAX_COLUMNS; j++) {
			const struct field *f = &csv_tables[i]->f[j];

			if (f->unit == UNIT_PAD || (i && field_find(&cpu_fields, f->name)))
				continue;
			csv.name[csv.n++] = f->name;
		}
	}
	for (i = 0; i < ARRAY_SIZE(csv_tables); i++)
		for (k = 0; k < csv.n; k++)
			csv.cell[i][k] = field_find(csv_tables[i], csv.name[k]);
}

/*
 * What a recording needs to be read later and elsewhere: the period, the
 * machine and the kernel, and when it started, on the wall clock and on
 * CLOCK_MONOTONIC, the clock of the records' times.
 */
struct record_start {
	uint64_t period_ns;
	struct utsname uts;
	uint64_t mono_ns;	/* CLOCK_MONOTONIC, when wall_clock_take() ran */
	bool wall_column;	/* --wall: each record's time on the wall clock */
};

static struct record_start start;

/* The time a record is about: a wakeup's expiry, a sample's taking. */
static uint64_t record_time(const struct tmon_ring_entry *e)
{
	return e->type == TMON_ENTRY_CPU ? e->cpu.expected_ns : e->task.ts_ns;
}

static void record_start_take(uint64_t period_ns, bool wall_column)
{
	start.period_ns = period_ns;
	start.wall_column = wall_column;
	if (uname(&start.uts))
		memset(&start.uts, 0, sizeof(start.uts));
	start.mono_ns = wall_clock_take();
}

/*
 * The first line: in CSV a comment, "# tmon record: period_ns=... ...", in
 * JSON lines an object of type "header".
 */
static void record_header(FILE *f, bool json)
{
	uint64_t mono = start.mono_ns;
	char when[WALL_LEN];
	struct json j;

	fmt_wall(when, sizeof(when), mono);
	if (!json) {
		fprintf(f, "# tmon record: period_ns=%" PRIu64 " kernel=%s host=%s",
			start.period_ns, start.uts.release, start.uts.nodename);
		fprintf(f, " start=%s start_ns=%" PRIu64 "\n", when, mono);
		return;
	}
	json_init(&j, f);
	j.pretty = false;
	json_object(&j, NULL);
	json_str(&j, "type", "header");
	json_u64(&j, "period_ns", start.period_ns);
	json_str(&j, "kernel", start.uts.release);
	json_str(&j, "host", start.uts.nodename);
	json_str(&j, "start", when);
	json_u64(&j, "start_ns", mono);
	json_end(&j);
}

void record_csv_header(FILE *f)
{
	size_t k;

	csv_columns();
	fputs("type,ring,entry", f);
	for (k = 0; k < csv.n; k++)
		fprintf(f, ",%s", csv.name[k]);
	if (start.wall_column)
		fputs(",wall", f);
	fputc('\n', f);
}

static void record_csv(FILE *f, const struct tmon_ring_entry *e)
{
	unsigned int i = e->type == TMON_ENTRY_CPU ? 0 : 1;
	const void *rec = i ? (const void *)&e->task : &e->cpu;
	size_t k;

	csv_columns();
	fprintf(f, "%s,%u,%llu", csv_tables[i]->type, e->ring, (unsigned long long)e->seq);
	for (k = 0; k < csv.n; k++) {
		fputc(',', f);
		if (csv.cell[i][k])
			field_csv(f, csv.cell[i][k], rec);
	}
	if (start.wall_column) {
		char when[WALL_LEN];

		fmt_wall(when, sizeof(when), record_time(e));
		fprintf(f, ",%s", when);
	}
	fputc('\n', f);
}

static void record_json(FILE *f, const struct tmon_ring_entry *e)
{
	const struct field_table *t = e->type == TMON_ENTRY_CPU ? &cpu_fields : &task_fields;
	struct json j;

	json_init(&j, f);
	j.pretty = false;	/* JSON lines: one record a line */
	json_object(&j, NULL);
	json_str(&j, "type", t->type);
	json_u64(&j, "ring", e->ring);
	json_u64(&j, "entry", e->seq);
	fields_json(&j, t, e->type == TMON_ENTRY_CPU ? (const void *)&e->cpu : &e->task);
	if (start.wall_column) {
		char when[WALL_LEN];

		fmt_wall(when, sizeof(when), record_time(e));
		json_str(&j, "wall", when);
	}
	json_end(&j);
}

/* One record as a CSV row or a JSON line; records of unknown types are not ours. */
bool record_write(FILE *f, const struct tmon_ring_entry *e, bool json)
{
	if (e->type != TMON_ENTRY_CPU && e->type != TMON_ENTRY_TASK)
		return false;
	if (json)
		record_json(f, e);
	else
		record_csv(f, e);
	return true;
}

struct recorder {
	FILE *out;
	bool json;
	uint64_t count;
};

static int record_entry(const struct tmon_ring_entry *e, void *data)
{
	struct recorder *rec = data;

	if (record_write(rec->out, e, rec->json))
		rec->count++;
	return ferror(rec->out) ? -EIO : 0;
}

struct record_opts {
	const char *file;	/* NULL: standard output */
	bool json, wall;
	uint64_t duration;	/* 0: until a signal */
};

static int record_args(int argc, char **argv, struct record_opts *o)
{
	int opt;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case 'o':
			o->file = optarg;
			if (!*o->file)
				return usage_error("record", "-o needs a file name");
			break;
		case 'w':
			o->wall = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "json"))
				o->json = true;
			else if (strcmp(optarg, "csv"))
				return usage_error("record", "--format '%s' is not csv or json",
						   optarg);
			break;
		case 'd':
			if (parse_decimal_ns(optarg, DURATION_MAX_NS, &o->duration) || !o->duration)
				return usage_error("record",
						   "-d '%s' is not a duration (2, 0.5, 250ms, 1m)",
						   optarg);
			break;
		default:
			return getopt_error("record", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("record", "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

/* Drain the rings into @rec until @duration has passed or a signal; -errno. */
static int record_loop(struct rings *r, struct recorder *rec, uint64_t duration)
{
	uint64_t period, deadline, wait_ns;
	int err = 0;

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
	while (!stop && !err) {
		uint64_t now = now_ns();

		err = rings_drain(r, record_entry, rec);
		/* Whole records reach a file or pipe as they come: tail -f works. */
		if (!err && fflush(rec->out))
			err = -errno;
		if (now >= deadline)
			break;
		if (deadline - now < wait_ns)
			wait_ns = deadline - now;
		poll(NULL, 0, (int)(wait_ns / 1000000));
	}
	if (!err)
		err = rings_drain(r, record_entry, rec);
	if (fflush(rec->out) || ferror(rec->out))
		err = -EIO;
	return err;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o = { 0 };
	struct recorder rec = { .out = stdout };
	struct sigaction sa;
	struct rings *r;
	uint64_t period;
	int err;

	err = record_args(argc, argv, &o);
	if (!err)
		err = nl_open();
	if (err)
		return err;
	r = rings_open(&err);
	if (!r) {
		error("record: cannot read %s: %s", TMON_DEV, strerror(-err));
		return EXIT_ERR;
	}
	if (o.file) {
		rec.out = fopen(o.file, "we");
		if (!rec.out) {
			error("record: cannot create %s: %s", o.file, strerror(errno));
			rings_close(r);
			return EXIT_ERR;
		}
	}
	rec.json = o.json;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* (the rings are read from where they were when opened: now) */
	if (period_get(&period))
		period = 0;
	record_start_take(period, o.wall);
	record_header(rec.out, rec.json);
	if (!rec.json)
		record_csv_header(rec.out);
	err = record_loop(r, &rec, o.duration);
	if (o.file && fclose(rec.out) && !err)
		err = -errno;
	fprintf(stderr, "%" PRIu64 " records, %" PRIu64 " lost\n", rec.count, rings_lost(r));
	rings_close(r);
	if (err) {
		error("record: cannot write %s: %s", o.file ? o.file : "the output",
		      strerror(-err));
		return EXIT_ERR;
	}
	return EXIT_OK;
}
