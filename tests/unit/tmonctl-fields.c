// SPDX-License-Identifier: GPL-2.0
/*
 * Every member of struct tmon_cpu_record and tmon_task_record reaches
 * every output of tmonctl, linked against its objects:
 *   - each byte of both records belongs to exactly one field of
 *     tools/tmonctl/fields.c (a new member no line names fails here);
 *   - a record whose fields all hold different values comes out of
 *     `record` as CSV (in the field's column) and as a JSON line, of
 *     list/show's JSON, and (task counters, times, sizes and flags) of
 *     `export --prometheus`, each value where its field's name says.
 * And each column of the text views is a field of its table.
 * tmonctl(1)'s FIELDS section is compared with `tmonctl fields` by
 * tests/check.sh. One PASS/FAIL line per check.
 */
#include <stdlib.h>
#include <string.h>

#include "../../tools/tmonctl/fields.h"
#include "../../tools/tmonctl/tmonctl.h"

static int failures;

static void result(bool ok, const char *name, const char *why)
{
	if (ok) {
		printf("PASS unit/tmonctl-fields/%s\n", name);
	} else {
		printf("FAIL unit/tmonctl-fields/%s  (%s)\n", name, why);
		failures++;
	}
}

/* Each byte of the record in one field; the first byte that is not, named. */
static void check_coverage(const struct field_table *t)
{
	unsigned char owner[512] = { 0 };
	char why[160] = "";
	size_t i, b;

	for (i = 0; i < t->n && !*why; i++) {
		const struct field *f = &t->f[i];

		for (b = f->offset; b < (size_t)f->offset + f->size && !*why; b++) {
			if (b >= t->size || b >= sizeof(owner))
				snprintf(why, sizeof(why), "field %s ends past the record", f->name);
			else if (owner[b] && f->unit != UNIT_FLAG)
				snprintf(why, sizeof(why), "byte %zu in two fields", b);
			else
				owner[b] = 1;
		}
	}
	for (b = 0; b < t->size && !*why; b++)
		if (!owner[b])
			snprintf(why, sizeof(why),
				 "byte %zu of struct tmon_%s_record is in no field of tools/tmonctl/fields.c",
				 b, t->type);
	result(!*why, t->type, why);
}

static void set_flag(unsigned char *p, uint32_t flag)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	v |= flag;
	memcpy(p, &v, sizeof(v));
}

/* Field i of @t gets 1000003 * (i + 1); comm "c0mm"; flags set. */
static void fill(const struct field_table *t, void *rec)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct field *f = &t->f[i];
		unsigned char *p = (unsigned char *)rec + f->offset;
		uint64_t v64 = UINT64_C(1000003) * (i + 1);
		uint32_t v32 = (uint32_t)v64;

		if (f->unit == UNIT_PAD)
			memset(p, 0, f->size);
		else if (f->unit == UNIT_TEXT)
			snprintf((char *)p, f->size, "c0mm");
		else if (f->unit == UNIT_FLAG)
			set_flag(p, f->flag);
		else if (f->size == sizeof(v32))
			memcpy(p, &v32, sizeof(v32));
		else
			memcpy(p, &v64, sizeof(v64));
	}
}

static const char *expected(const struct field *f, const void *rec, bool json)
{
	static char buf[64];

	if (f->unit == UNIT_TEXT)
		snprintf(buf, sizeof(buf), json ? "\"c0mm\"" : "c0mm");
	else if (f->unit == UNIT_FLAG && json)
		snprintf(buf, sizeof(buf), "%s", field_u64(f, rec) ? "true" : "false");
	else
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)field_u64(f, rec));
	return buf;
}

/* The @n-th comma-separated cell of @line (no quoting: the values have none). */
static const char *cell(const char *line, size_t n, char *buf, size_t len)
{
	const char *e;

	while (n-- && line)
		line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
	if (!line)
		return "";
	e = line + strcspn(line, ",\n");
	snprintf(buf, len, "%.*s", (int)(e - line), line);
	return buf;
}

static long column(const char *header, const char *name)
{
	char buf[64];
	long n;

	for (n = 0; *cell(header, (size_t)n, buf, sizeof(buf)); n++)
		if (!strcmp(buf, name))
			return n;
	return -1;
}

static char *capture_record(const struct tmon_ring_entry *e, bool json, bool header)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (header)
		record_csv_header(f);
	else
		record_write(f, e, json);
	fclose(f);
	return buf;
}

static void check_record(const struct field_table *t, const struct tmon_ring_entry *e,
			 const void *rec)
{
	char *header = capture_record(e, false, true), *row = capture_record(e, false, false);
	char *line = capture_record(e, true, false), why[256] = "", want[96], got[64];
	struct json j;
	char *obj = NULL;
	size_t i, len;
	FILE *f = open_memstream(&obj, &len);

	json_init(&j, f);
	json_object(&j, NULL);
	fields_json(&j, t, rec);
	json_end(&j);
	fclose(f);
	for (i = 0; i < t->n && !*why; i++) {
		const struct field *fd = &t->f[i];
		long c = column(header, fd->name);

		if (fd->unit == UNIT_PAD)
			continue;
		if (c < 0 || strcmp(cell(row, (size_t)c, got, sizeof(got)), expected(fd, rec, false)))
			snprintf(why, sizeof(why), "record CSV: %s is '%s' (column %ld), not %s",
				 fd->name, c < 0 ? "" : got, c, expected(fd, rec, false));
		snprintf(want, sizeof(want), "\"%s\":%s", fd->name, expected(fd, rec, true));
		if (!*why && !strstr(line, want))
			snprintf(why, sizeof(why), "record JSON lacks %s", want);
		if (!*why && !strstr(obj, want))
			snprintf(why, sizeof(why), "list/show JSON lacks %s", want);
	}
	result(!*why, t == &cpu_fields ? "cpu-outputs" : "task-outputs", why);
	free(header);
	free(row);
	free(line);
	free(obj);
}

/* Counts, times, sizes and flags of a process are metrics; names and ids are labels. */
static void check_export(const struct tmon_task_record *rec)
{
	struct task_state ts = { .pid = rec->pid, .has_record = true, .exited = true,
				 .rec = *rec };
	struct task_list tl = { .t = &ts, .n = 1, .cap = 1 };
	char *out = NULL, why[256] = "", want[64];
	size_t i, len;
	FILE *f = open_memstream(&out, &len);

	export_task_families(f, &tl);
	fclose(f);
	for (i = 0; i < task_fields.n && !*why; i++) {
		const struct field *fd = &task_fields.f[i];
		uint64_t v = field_u64(fd, rec);

		if (fd->unit == UNIT_ID || fd->unit == UNIT_TIME || fd->unit == UNIT_TEXT ||
		    fd->unit == UNIT_PAD)
			continue;
		if (fd->prom == PROM_NONE) {
			snprintf(why, sizeof(why), "%s is in no Prometheus family", fd->name);
			break;
		}
		if (fd->unit == UNIT_NS)
			snprintf(want, sizeof(want), "} %llu.%09llu\n",
				 (unsigned long long)(v / NSEC_PER_SEC),
				 (unsigned long long)(v % NSEC_PER_SEC));
		else
			snprintf(want, sizeof(want), "} %llu\n", (unsigned long long)v);
		if (!strstr(out, prom_families[fd->prom].name) || !strstr(out, want))
			snprintf(why, sizeof(why), "export lacks %s's value%s", fd->name, want);
	}
	result(!*why, "task-export", why);
	free(out);
}

/* Every column of each text view (list, show, top) names a field of its table. */
static void check_views(void)
{
	char name[32], why[160];
	size_t i, k;

	for (i = 0; i < NR_TEXT_VIEWS; i++) {
		const struct text_view *v = &text_views[i];

		*why = 0;
		for (k = 0; k < v->n && !*why; k++)
			if (!field_find(v->t, v->cols[k].name))
				snprintf(why, sizeof(why), "column %s is no %s field", v->cols[k].name,
					 v->t->type);
		snprintf(name, sizeof(name), "view-%s", v->name ? v->name : "unnamed");
		result(v->name && v->n && !*why, name, *why ? why : "no name or no columns");
	}
}

int main(void)
{
	struct tmon_ring_entry cpu = { .type = TMON_ENTRY_CPU, .ring = 1, .seq = 7 };
	struct tmon_ring_entry task = { .type = TMON_ENTRY_TASK, .ring = 1, .seq = 8 };

	check_coverage(&cpu_fields);
	check_coverage(&task_fields);
	fill(&cpu_fields, &cpu.cpu);
	fill(&task_fields, &task.task);
	check_record(&cpu_fields, &cpu, &cpu.cpu);
	check_record(&task_fields, &task, &task.task);
	check_export(&task.task);
	check_views();
	return failures ? 1 : 0;
}
