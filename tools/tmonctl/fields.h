/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fields of the records tmonctl prints, one table per record type.
 * Every view takes its fields from here: record (CSV and JSON), show and
 * list (JSON: every field; text: the columns a view names), top (its
 * sizes), export (the Prometheus families), `tmonctl fields` and the
 * FIELDS section of tmonctl(1), which `make man` writes from that command.
 *
 * A new member of struct tmon_cpu_record or tmon_task_record needs one
 * line here; the unit test (tests/unit/tmonctl-fields.c) fails until
 * every byte of both records belongs to a field.
 */
#ifndef TMONCTL_FIELDS_H
#define TMONCTL_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json;

enum field_unit {
	UNIT_ID,	/* a number that names something: pid, cpu, seq */
	UNIT_COUNT,	/* events since something started */
	UNIT_TIME,	/* a CLOCK_MONOTONIC time in ns (text views: seconds) */
	UNIT_NS,	/* a duration in nanoseconds (text views: seconds) */
	UNIT_BYTES,	/* bytes (text views: 1024-based K, M, G) */
	UNIT_TEXT,	/* a NUL-terminated name */
	UNIT_FLAG,	/* one bit (.flag) of a flags word: true or false */
	UNIT_PAD,	/* reserved bytes: in no view */
};

/* The Prometheus families task fields belong to (export --prometheus). */
enum prom_family {
	PROM_NONE,
	PROM_TASK_CPU,
	PROM_TASK_RSS,
	PROM_TASK_VM,
	PROM_TASK_STACK,
	PROM_TASK_DATA,
	PROM_TASK_FAULTS,
	PROM_TASK_CSW,
	PROM_TASK_EXITED,
	PROM_NR,
};

struct prom_family_desc {
	const char *name, *type, *help;
};

struct field {
	const char *name;	/* CSV column, JSON key, text column's source */
	uint16_t offset, size;	/* within the record */
	enum field_unit unit;
	uint32_t flag;		/* UNIT_FLAG: the bit */
	const char *help;	/* tmonctl fields, tmonctl(1) */
	enum prom_family prom;	/* PROM_NONE: not exported */
	const char *prom_label;	/* the sample's own label in its family, or NULL */
};

struct field_table {
	const char *type;	/* "cpu", "task": the CSV type column */
	const struct field *f;
	size_t n;
	size_t size;		/* of the record */
};

extern const struct field_table cpu_fields, task_fields;
extern const struct prom_family_desc prom_families[PROM_NR];

const struct field *field_find(const struct field_table *t, const char *name);
uint64_t field_u64(const struct field *f, const void *rec);
/* Every field of @rec as "name": value pairs of the open JSON object. */
void fields_json(struct json *j, const struct field_table *t, const void *rec);
/* One field as a CSV cell (no separator). */
void field_csv(FILE *f, const struct field *fd, const void *rec);
/* One field as text: seconds, 1024-based bytes, escaped names. */
void field_text(char *buf, size_t len, const struct field *fd, const void *rec);

/*
 * A text view: the fields it shows, in order, with their widths, after
 * columns of its own (a prefix: pid, state, figures derived from several
 * fields); the same view's JSON has every field. The unit test checks
 * that every column names a field of the view's table.
 */
struct view_col {
	const char *name;
	const char *head;	/* NULL: the name in capitals, less its unit */
	int width;		/* negative: left-aligned */
};

struct text_view {
	const char *name;	/* the command that shows it */
	const struct field_table *t;
	const struct view_col *cols;
	size_t n;
};

enum { VIEW_LIST, VIEW_SHOW, VIEW_TOP, NR_TEXT_VIEWS };
extern const struct text_view text_views[NR_TEXT_VIEWS];

/* A line of view @v into @out after @prefix; rec NULL: "-" cells. */
void view_header(FILE *out, const char *prefix, const struct text_view *v);
void view_row(FILE *out, const char *prefix, const struct text_view *v, const void *rec);

int cmd_fields(int argc, char **argv);

#endif
