// SPDX-License-Identifier: GPL-2.0
/*
 * tmonctl's parsers and formatters, linked against its objects: exact
 * period parsing, sizes, CSV and Prometheus escaping, the JSON writer,
 * percentiles and the histogram's bucket choice. One PASS/FAIL line per
 * check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/tmonctl/tmonctl.h"

static int failures;

static void expect_str(const char *name, const char *got, const char *want)
{
	if (strcmp(got, want)) {
		printf("FAIL unit/tmonctl-format/%s  (got '%s', wanted '%s')\n", name, got, want);
		failures++;
	} else {
		printf("PASS unit/tmonctl-format/%s\n", name);
	}
}

static void expect_u64(const char *name, uint64_t got, uint64_t want)
{
	char g[32], w[32];

	snprintf(g, sizeof(g), "%llu", (unsigned long long)got);
	snprintf(w, sizeof(w), "%llu", (unsigned long long)want);
	expect_str(name, g, w);
}

/* Run @fn on a memory stream and return what it wrote (static). */
static const char *capture(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void do_csv(FILE *f, const void *s)
{
	csv_str(f, s);
}

static void do_prom(FILE *f, const void *s)
{
	prom_label(f, s);
}

static void do_json(FILE *f, const void *arg)
{
	struct json j;

	(void)arg;
	json_init(&j, f);
	json_object(&j, NULL);
	json_str(&j, "version", "0.1.0");
	json_u64(&j, "period_ns", UINT64_C(18446744073709551615));
	json_array(&j, "cpus");
	json_object(&j, NULL);
	json_u64(&j, "cpu", 0);
	json_object(&j, "latency_ns");
	json_u64(&j, "min", 1);
	json_end(&j);
	json_end(&j);
	json_object(&j, NULL);
	json_bool(&j, "online", false);
	json_null(&j, "cause");
	json_end(&j);
	json_end(&j);
	json_array(&j, "empty");
	json_end(&j);
	json_str(&j, "comm", "a\"b\\c\n\x01");
	json_end(&j);
}

static void do_json_str(FILE *f, const void *s)
{
	json_escape(f, s);
}

/* Process names are any bytes: escaped for terminals and the state file. */
static void check_comms(void)
{
	static const struct {
		const char *comm, *esc, *json;
	} c[] = {
		{ "sleep", "sleep", "\"sleep\"" },
		{ "x\nmax_tasks 1", "x\\x0amax_tasks\\x201", "\"x\\nmax_tasks 1\"" },
		{ "\x1b[2Jgone", "\\x1b[2Jgone", "\"\\u001b[2Jgone\"" },
		{ "a\\b", "a\\x5cb", "\"a\\\\b\"" },
		{ "caf\xc3\xa9", "caf\\xc3\\xa9", "\"caf\xc3\xa9\"" },
		{ "bad\xff\xc3(\xed\xa0\x80", "bad\\xff\\xc3(\\xed\\xa0\\x80",
		  "\"bad\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf0\x9f\x98\x80!", "\\xf0\\x9f\\x98\\x80!", "\"\xf0\x9f\x98\x80!\"" },
	};
	char esc[COMM_ESC_LEN], back[TMON_COMM_LEN], name[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		snprintf(name, sizeof(name), "comm_escape-%u", i);
		expect_str(name, comm_escape(c[i].comm, esc), c[i].esc);
		snprintf(name, sizeof(name), "comm_unescape-%u", i);
		expect_str(name, comm_unescape(esc, back) ? "(refused)" : back, c[i].comm);
		snprintf(name, sizeof(name), "json_escape-%u", i);
		expect_str(name, capture(do_json_str, c[i].comm), c[i].json);
	}
	expect_u64("comm_unescape-refuses-bad", (comm_unescape("a\\x0", back) == -1) +
		   (comm_unescape("a\\x00", back) == -1) + (comm_unescape("\\", back) == -1) +
		   (comm_unescape("0123456789abcdefg", back) == -1), 4);
}

int main(void)
{
	static const struct {
		const char *in;
		int err;
		uint64_t ns;
	} periods[] = {
		{ "1", 0, 1000000000 }, { "0.25", 0, 250000000 }, { "0.0001", 0, 100000 },
		{ "3600", 0, 3600000000000ULL }, { "1.000000001", 0, 1000000001 },
		{ "2.5", 0, 2500000000ULL }, { "0.1", 0, 100000000 },
		{ "0.00009", -ERANGE, 0 }, { "3600.000000001", -ERANGE, 0 }, { "0", -ERANGE, 0 },
		{ "1.0000000001", -EINVAL, 0 }, { ".", -EINVAL, 0 }, { "1.", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { "1e3", -EINVAL, 0 }, { "-1", -EINVAL, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		/* Units: bare numbers are seconds. */
		{ "250ms", 0, 250000000 }, { "1m", 0, 60000000000ULL }, { "1h", 0, 3600000000000ULL },
		{ "1.5m", 0, 90000000000ULL }, { "100us", 0, 100000 }, { "0.1ms", 0, 100000 },
		{ "100000ns", 0, 100000 }, { "2s", 0, 2000000000 }, { "0.0000001h", 0, 360000 },
		{ "99us", -ERANGE, 0 }, { "2h", -ERANGE, 0 }, { "60.000000001m", -ERANGE, 0 },
		{ "1.5ns", -EINVAL, 0 }, { "1.0005us", -EINVAL, 0 }, { "1 s", -EINVAL, 0 },
		{ "1sec", -EINVAL, 0 }, { "1S", -EINVAL, 0 }, { "ms", -EINVAL, 0 }, { "1.ms", -EINVAL, 0 },
		{ "1d", -EINVAL, 0 },
	};
	uint64_t v[200], ns;
	struct lat_stats s;
	char buf[64];
	unsigned int i;
	uint32_t pid;

	for (i = 0; i < ARRAY_SIZE(periods); i++) {
		int err = parse_seconds(periods[i].in, &ns);

		snprintf(buf, sizeof(buf), "parse_seconds('%s')", periods[i].in);
		if (err != periods[i].err || (!err && ns != periods[i].ns)) {
			printf("FAIL unit/tmonctl-format/%s  (err %d ns %llu)\n", buf, err,
			       (unsigned long long)ns);
			failures++;
		} else {
			printf("PASS unit/tmonctl-format/%s\n", buf);
		}
	}
	expect_u64("parse_pid(4194304)", !parse_pid("4194304", &pid) && pid == 4194304, 1);
	expect_u64("parse_pid(4194305)", parse_pid("4194305", &pid) == -ERANGE, 1);
	expect_u64("parse_u64(max)", !parse_u64("18446744073709551615", 0, UINT64_MAX, &ns) &&
		   ns == UINT64_MAX, 1);
	expect_u64("parse_u64(max+1)", parse_u64("18446744073709551616", 0, UINT64_MAX, &ns) < 0, 1);

	fmt_bytes(buf, sizeof(buf), 512);
	expect_str("fmt_bytes(512)", buf, "512B");
	fmt_bytes(buf, sizeof(buf), 812 * 1024);
	expect_str("fmt_bytes(812K)", buf, "812K");
	fmt_bytes(buf, sizeof(buf), 64ULL << 20);
	expect_str("fmt_bytes(64M)", buf, "64.0M");
	fmt_bytes(buf, sizeof(buf), 3ULL << 29);
	expect_str("fmt_bytes(1.5G)", buf, "1.5G");
	fmt_usec(buf, sizeof(buf), 123456);
	expect_str("fmt_usec", buf, "123.4");
	fmt_seconds(buf, sizeof(buf), 1234567890);
	expect_str("fmt_seconds", buf, "1.234");

	expect_str("csv-plain", capture(do_csv, "sleep"), "sleep");
	expect_str("csv-comma", capture(do_csv, "a,b"), "\"a,b\"");
	expect_str("csv-quote", capture(do_csv, "say \"hi\""), "\"say \"\"hi\"\"\"");
	expect_str("prom-label", capture(do_prom, "a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
	expect_str("json-writer", capture(do_json, NULL),
		   "{\"version\":\"0.1.0\",\"period_ns\":18446744073709551615,\"cpus\":"
		   "[{\"cpu\":0,\"latency_ns\":{\"min\":1}},{\"online\":false,\"cause\":null}],"
		   "\"empty\":[],\"comm\":\"a\\\"b\\\\c\\n\\u0001\"}\n");
	/* -p: the same document, a member a line, two spaces a level. */
	json_pretty = true;
	expect_str("json-writer-pretty", capture(do_json, NULL),
		   "{\n  \"version\": \"0.1.0\",\n  \"period_ns\": 18446744073709551615,\n"
		   "  \"cpus\": [\n    {\n      \"cpu\": 0,\n      \"latency_ns\": {\n"
		   "        \"min\": 1\n      }\n    },\n    {\n      \"online\": false,\n"
		   "      \"cause\": null\n    }\n"
		   "  ],\n  \"empty\": [],\n  \"comm\": \"a\\\"b\\\\c\\n\\u0001\"\n}\n");
	json_pretty = false;

	/* Nearest rank: 1..200 -> p50 100, p99 198. */
	for (i = 0; i < 200; i++)
		v[i] = 200 - i;
	lat_compute(&s, v, 200);
	expect_u64("lat-min", s.min, 1);
	expect_u64("lat-max", s.max, 200);
	expect_u64("lat-p50", s.p50, 100);
	expect_u64("lat-p99", s.p99, 198);
	expect_u64("lat-sum", s.sum, 20100);
	lat_compute(&s, v, 1);
	expect_u64("lat-one-p99", s.p99, v[0]);
	lat_compute(&s, v, 0);
	expect_u64("lat-empty", s.count, 0);

	expect_u64("bucket(19us)", hist_auto_bucket_ns(19000), 1000);
	expect_u64("bucket(20us)", hist_auto_bucket_ns(20000), 2000);
	expect_u64("bucket(450us)", hist_auto_bucket_ns(450000), 50000);
	expect_u64("bucket(1.2ms)", hist_auto_bucket_ns(1200000), 100000);
	expect_u64("bucket(0)", hist_auto_bucket_ns(0), 1000);
	check_comms();
	return failures != 0;
}
