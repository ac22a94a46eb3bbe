// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer behind every --json document and every JSON line: keys
 * and nesting are tracked here so callers cannot produce a malformed
 * document, strings are escaped per RFC 8259.
 */
#include <inttypes.h>

#include "tmonctl.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma = false;
}

void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* A comma if needed, then "key": if in an object. */
static void json_key(struct json *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	if (key) {
		json_escape(j->f, key);
		fputc(':', j->f);
	}
	j->need_comma = true;
}

void json_object(struct json *j, const char *key)
{
	json_key(j, key);
	fputc('{', j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->open[j->depth++] = '{';
	j->need_comma = false;
}

void json_array(struct json *j, const char *key)
{
	json_key(j, key);
	fputc('[', j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->open[j->depth++] = '[';
	j->need_comma = false;
}

void json_end(struct json *j)
{
	if (!j->depth)
		return;
	fputc(j->open[--j->depth] == '{' ? '}' : ']', j->f);
	j->need_comma = j->depth > 0;
	if (!j->depth)
		fputc('\n', j->f);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_escape(j->f, s);
}

void json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	fputs(v ? "true" : "false", j->f);
}
