// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer behind every --json document and every JSON line: keys
 * and nesting are tracked here so callers cannot produce a malformed
 * document, strings are escaped per RFC 8259.
 */
#include <inttypes.h>

#include "tmonctl.h"

bool json_pretty;

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma = false;
	j->pretty = json_pretty;
}

/* Pretty: each member on a line of its own, two spaces a level. */
static void json_newline(struct json *j, int depth)
{
	if (j->pretty)
		fprintf(j->f, "\n%*s", 2 * depth, "");
}

/*
 * Length of the well-formed UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 if there is none.
 */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	if (*p == 0xe0)
		lo = 0xa0;
	else if (*p == 0xed)
		hi = 0x9f;
	else if (*p == 0xf0)
		lo = 0x90;
	else if (*p == 0xf4)
		hi = 0x8f;
	for (i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (p[i] < lo || p[i] > hi)
			return 0;
	return n;
}

/*
 * A JSON string of any bytes (process names are whatever a process
 * chose): well-formed UTF-8 as it is, any other byte as U+FFFD, so
 * the document is always valid UTF-8.
 */
void json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	for (; *p; p++) {
		if (*p >= 0x80) {
			n = utf8_len(p);
			if (n) {
				fwrite(p, 1, n, f);
				p += n - 1;
			} else {
				fputs("\\ufffd", f);
			}
			continue;
		}
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
	if (j->depth)
		json_newline(j, j->depth);
	if (key) {
		json_escape(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
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
	/* (need_comma: the container has members; {} and [] stay as they are) */
	if (j->need_comma)
		json_newline(j, j->depth - 1);
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

void json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}
