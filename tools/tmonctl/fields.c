// SPDX-License-Identifier: GPL-2.0
/*
 * The record fields, written once (see fields.h), and the code that
 * prints a record by them.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "fields.h"
#include "tmonctl.h"

#define FIELD(rec, member, unit_, help_, ...) {				\
	.name = #member,							\
	.offset = offsetof(struct rec, member),				\
	.size = sizeof(((struct rec *)0)->member),				\
	.unit = unit_, .help = help_, __VA_ARGS__				\
}

static const struct field cpu_field_list[] = {
	FIELD(tmon_cpu_record, cpu, UNIT_ID, "The CPU the thread serves"),
	FIELD(tmon_cpu_record, seq, UNIT_ID, "The CPU's wakeup number, from 0"),
	FIELD(tmon_cpu_record, expected_ns, UNIT_TIME,
	      "The timer expiry this wakeup serves"),
	FIELD(tmon_cpu_record, latency_ns, UNIT_NS,
	      "Thread latency: the thread running minus expected_ns, in full"),
	FIELD(tmon_cpu_record, irq_latency_ns, UNIT_NS,
	      "IRQ latency: the timer callback minus expected_ns"),
	FIELD(tmon_cpu_record, missed, UNIT_COUNT,
	      "Later expiries folded into this wakeup (periods not served on time)"),
	FIELD(tmon_cpu_record, run_ns, UNIT_NS, "Time the thread spent on the record"),
	FIELD(tmon_cpu_record, nvcsw, UNIT_COUNT, "The thread's voluntary context switches"),
	FIELD(tmon_cpu_record, nivcsw, UNIT_COUNT, "The thread's involuntary context switches"),
	FIELD(tmon_cpu_record, user_ns, UNIT_NS,
	      "CPU time in user mode (nice included) since the previous record"),
	FIELD(tmon_cpu_record, system_ns, UNIT_NS, "CPU time in the kernel, the same way"),
	FIELD(tmon_cpu_record, idle_ns, UNIT_NS, "Idle time, the same way"),
	FIELD(tmon_cpu_record, iowait_ns, UNIT_NS, "Idle time waiting for I/O, the same way"),
	FIELD(tmon_cpu_record, irq_ns, UNIT_NS, "Time in hard interrupts, the same way"),
	FIELD(tmon_cpu_record, softirq_ns, UNIT_NS, "Time in soft interrupts, the same way"),
};

static const struct field task_field_list[] = {
	FIELD(tmon_task_record, pid, UNIT_ID, "The process (thread group) id"),
	FIELD(tmon_task_record, comm, UNIT_TEXT, "The process's name"),
	FIELD(tmon_task_record, seq, UNIT_ID, "The process's sample number, from 0"),
	FIELD(tmon_task_record, ts_ns, UNIT_TIME, "When the sample was taken"),
	FIELD(tmon_task_record, cpu, UNIT_ID, "The CPU the process last ran on"),
	FIELD(tmon_task_record, utime_ns, UNIT_NS, "CPU time in user mode, all threads",
	      .prom = PROM_TASK_CPU, .prom_label = "mode=\"user\""),
	FIELD(tmon_task_record, stime_ns, UNIT_NS, "CPU time in the kernel, all threads",
	      .prom = PROM_TASK_CPU, .prom_label = "mode=\"system\""),
	FIELD(tmon_task_record, vm_bytes, UNIT_BYTES, "Virtual memory size (total_vm)",
	      .prom = PROM_TASK_VM),
	FIELD(tmon_task_record, stack_bytes, UNIT_BYTES, "Stack mappings (stack_vm)",
	      .prom = PROM_TASK_STACK),
	FIELD(tmon_task_record, data_bytes, UNIT_BYTES, "Data mappings (data_vm)",
	      .prom = PROM_TASK_DATA),
	FIELD(tmon_task_record, rss_bytes, UNIT_BYTES, "Resident memory: file, anon and shmem",
	      .prom = PROM_TASK_RSS),
	FIELD(tmon_task_record, minflt, UNIT_COUNT, "Minor page faults, all threads",
	      .prom = PROM_TASK_FAULTS, .prom_label = "type=\"minor\""),
	FIELD(tmon_task_record, majflt, UNIT_COUNT, "Major page faults, all threads",
	      .prom = PROM_TASK_FAULTS, .prom_label = "type=\"major\""),
	FIELD(tmon_task_record, nvcsw, UNIT_COUNT, "Voluntary context switches, all threads",
	      .prom = PROM_TASK_CSW, .prom_label = "type=\"voluntary\""),
	FIELD(tmon_task_record, nivcsw, UNIT_COUNT, "Involuntary context switches, all threads",
	      .prom = PROM_TASK_CSW, .prom_label = "type=\"involuntary\""),
	{ .name = "exited", .offset = offsetof(struct tmon_task_record, flags),
	  .size = sizeof(((struct tmon_task_record *)0)->flags), .unit = UNIT_FLAG,
	  .flag = TMON_TASK_EXITED, .help = "The process had exited when it was sampled",
	  .prom = PROM_TASK_EXITED },
	FIELD(tmon_task_record, reserved, UNIT_PAD, "Zero"),
};

const struct field_table cpu_fields = {
	"cpu", cpu_field_list, ARRAY_SIZE(cpu_field_list), sizeof(struct tmon_cpu_record),
};

const struct field_table task_fields = {
	"task", task_field_list, ARRAY_SIZE(task_field_list), sizeof(struct tmon_task_record),
};

/* Counters end in _total, units are seconds and bytes (Prometheus naming). */
const struct prom_family_desc prom_families[PROM_NR] = {
	[PROM_TASK_CPU] = { "tmon_task_cpu_seconds_total", "counter",
			    "CPU time of the watched process, all threads, by mode." },
	[PROM_TASK_RSS] = { "tmon_task_resident_memory_bytes", "gauge",
			    "Resident memory of the watched process." },
	[PROM_TASK_VM] = { "tmon_task_virtual_memory_bytes", "gauge",
			   "Virtual memory size (total_vm) of the watched process." },
	[PROM_TASK_STACK] = { "tmon_task_stack_memory_bytes", "gauge",
			      "Stack mappings (stack_vm) of the watched process." },
	[PROM_TASK_DATA] = { "tmon_task_data_memory_bytes", "gauge",
			     "Data mappings (data_vm) of the watched process." },
	[PROM_TASK_FAULTS] = { "tmon_task_page_faults_total", "counter",
			       "Page faults of the watched process, by type." },
	[PROM_TASK_CSW] = { "tmon_task_context_switches_total", "counter",
			    "Context switches of the watched process, by type." },
	[PROM_TASK_EXITED] = { "tmon_task_exited", "gauge",
			       "1 if the watched process has exited (its last sample is kept)." },
};

const struct field *field_find(const struct field_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->f[i].name, name))
			return &t->f[i];
	return NULL;
}

uint64_t field_u64(const struct field *f, const void *rec)
{
	const unsigned char *p = (const unsigned char *)rec + f->offset;
	uint64_t v64;
	uint32_t v32;

	switch (f->size) {
	case sizeof(v32):
		memcpy(&v32, p, sizeof(v32));
		return f->unit == UNIT_FLAG ? !!(v32 & f->flag) : v32;
	case sizeof(v64):
		memcpy(&v64, p, sizeof(v64));
		return f->unit == UNIT_FLAG ? !!(v64 & f->flag) : v64;
	}
	return 0;
}

/* A name field's bytes, NUL-terminated whatever the record holds. */
static const char *field_str(const struct field *f, const void *rec, char *buf, size_t len)
{
	size_t n = f->size < len - 1 ? f->size : len - 1;

	memcpy(buf, (const char *)rec + f->offset, n);
	buf[n] = '\0';
	return buf;
}

void fields_json(struct json *j, const struct field_table *t, const void *rec)
{
	char s[64];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct field *f = &t->f[i];

		if (f->unit == UNIT_PAD)
			continue;
		if (f->unit == UNIT_TEXT)
			json_str(j, f->name, field_str(f, rec, s, sizeof(s)));
		else if (f->unit == UNIT_FLAG)
			json_bool(j, f->name, field_u64(f, rec));
		else
			json_u64(j, f->name, field_u64(f, rec));
	}
}

void field_csv(FILE *out, const struct field *f, const void *rec)
{
	char s[64];

	if (f->unit == UNIT_TEXT)
		csv_str(out, field_str(f, rec, s, sizeof(s)));
	else if (f->unit != UNIT_PAD)
		fprintf(out, "%" PRIu64, field_u64(f, rec));
}

void field_text(char *buf, size_t len, const struct field *f, const void *rec)
{
	char s[64], esc[COMM_ESC_LEN];
	uint64_t v = field_u64(f, rec);

	switch (f->unit) {
	case UNIT_TIME:
	case UNIT_NS:
		fmt_seconds(buf, len, v);
		break;
	case UNIT_BYTES:
		fmt_bytes(buf, len, v);
		break;
	case UNIT_TEXT:
		snprintf(buf, len, "%s", comm_escape(field_str(f, rec, s, TMON_COMM_LEN), esc));
		break;
	case UNIT_FLAG:
		snprintf(buf, len, "%s", v ? "yes" : "no");
		break;
	default:
		snprintf(buf, len, "%" PRIu64, v);
	}
}

/* "utime_ns" -> "UTIME(s)", "rss_bytes" -> "RSS", "minflt" -> "MINFLT". */
static const char *derived_head(const struct field *f, char *buf, size_t len)
{
	static const char * const suffix[] = { "_ns", "_bytes" };
	size_t i, n = strlen(f->name);

	for (i = 0; i < ARRAY_SIZE(suffix); i++) {
		size_t k = strlen(suffix[i]);

		if (n > k && !strcmp(f->name + n - k, suffix[i]))
			n -= k;
	}
	for (i = 0; i < n && i < len - 4; i++)
		buf[i] = (char)toupper((unsigned char)f->name[i]);
	snprintf(buf + i, len - i, "%s", f->unit == UNIT_NS || f->unit == UNIT_TIME ? "(s)" : "");
	return buf;
}

static const struct view_col list_cols[] = {
	{ "cpu", NULL, 4 }, { "utime_ns", "USER(s)", 10 }, { "stime_ns", "SYS(s)", 10 },
	{ "rss_bytes", NULL, 7 }, { "vm_bytes", "VIRT", 7 },
};

static const struct view_col show_cols[] = {
	{ "seq", NULL, 7 }, { "ts_ns", "TIME(s)", 12 }, { "cpu", NULL, 3 },
	{ "utime_ns", "USER(s)", 10 }, { "stime_ns", "SYS(s)", 10 }, { "rss_bytes", NULL, 7 },
	{ "minflt", NULL, 8 }, { "majflt", NULL, 6 }, { "nvcsw", NULL, 8 },
	{ "nivcsw", NULL, 7 },
};

/* (top's own columns before these: CPU use, faults and switches are sums over fields) */
static const struct view_col top_cols[] = {
	{ "rss_bytes", NULL, 8 }, { "vm_bytes", "VIRT", 8 },
};

const struct text_view text_views[NR_TEXT_VIEWS] = {
	[VIEW_LIST] = { "list", &task_fields, list_cols, ARRAY_SIZE(list_cols) },
	[VIEW_SHOW] = { "show", &task_fields, show_cols, ARRAY_SIZE(show_cols) },
	[VIEW_TOP] = { "top", &task_fields, top_cols, ARRAY_SIZE(top_cols) },
};

void view_header(FILE *out, const char *prefix, const struct text_view *v)
{
	char head[32];
	size_t i;

	fputs(prefix, out);
	for (i = 0; i < v->n; i++) {
		const struct view_col *c = &v->cols[i];
		const struct field *f = field_find(v->t, c->name);
		const char *h = c->head;

		if (!h)
			h = f ? derived_head(f, head, sizeof(head)) : c->name;
		fprintf(out, "%s%*s", i || *prefix ? " " : "", c->width, h);
	}
	fputc('\n', out);
}

void view_row(FILE *out, const char *prefix, const struct text_view *v, const void *rec)
{
	char cell[COMM_ESC_LEN];
	size_t i;

	fputs(prefix, out);
	for (i = 0; i < v->n; i++) {
		const struct field *f = field_find(v->t, v->cols[i].name);

		if (f && rec)
			field_text(cell, sizeof(cell), f, rec);
		else
			snprintf(cell, sizeof(cell), "-");
		fprintf(out, "%s%*s", i || *prefix ? " " : "", v->cols[i].width, cell);
	}
	fputc('\n', out);
}

/*
 * `tmonctl fields`: what each column of record, show and list means, and
 * the Prometheus metric a task field is exported as.
 */
int cmd_fields(int argc, char **argv)
{
	static const char * const units[] = {
		[UNIT_ID] = "id", [UNIT_COUNT] = "count", [UNIT_TIME] = "time", [UNIT_NS] = "ns",
		[UNIT_BYTES] = "bytes", [UNIT_TEXT] = "text", [UNIT_FLAG] = "bool",
	};
	const struct field_table *t[] = { &cpu_fields, &task_fields };
	size_t i, k;

	if (cmd_operands(&argc, argv))
		return EXIT_USAGE;
	if (argc > 1)
		return usage_error("fields", "unexpected argument '%s'", argv[1]);
	printf("%-5s %-15s %-6s %s\n", "TYPE", "FIELD", "UNIT", "DESCRIPTION");
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		for (k = 0; k < t[i]->n; k++) {
			const struct field *f = &t[i]->f[k];

			if (f->unit == UNIT_PAD)
				continue;
			printf("%-5s %-15s %-6s %s", t[i]->type, f->name, units[f->unit], f->help);
			if (f->prom)
				printf("; metric %s%s%s%s", prom_families[f->prom].name,
				       f->prom_label ? "{" : "", f->prom_label ? f->prom_label : "",
				       f->prom_label ? "}" : "");
			putchar('\n');
		}
	}
	return EXIT_OK;
}
