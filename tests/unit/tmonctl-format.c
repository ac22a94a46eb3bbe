// SPDX-License-Identifier: GPL-2.0
/*
 * tmonctl's parsers and formatters, linked against its objects: exact
 * period parsing, sizes, CSV and Prometheus escaping, the JSON writer,
 * percentiles and the histogram's bucket choice, the budgets' values and
 * the events' attributes, lines, JSON lines and --exec environment, the
 * latency thresholds' values and lines. One PASS/FAIL line per check.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/tmonctl/events.h"

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

static void do_json_budgets(FILE *f, const void *v)
{
	struct json j;

	json_init(&j, f);
	json_object(&j, NULL);
	json_budgets(&j, v);
	json_end(&j);
}

/* The budget options' values: exact, and refused rather than guessed. */
static void check_budget_parsers(void)
{
	static const struct {
		int (*parse)(const char *s, uint64_t *v);
		const char *fn, *in;
		int err;
		uint64_t v;
	} c[] = {
#define P(fn, in, err, v) { fn, #fn, in, err, v }
		P(parse_cpu_pct, "50%", 0, 500000000), P(parse_cpu_pct, "50", 0, 500000000),
		P(parse_cpu_pct, "12.5%", 0, 125000000), P(parse_cpu_pct, "150%", 0, 1500000000),
		P(parse_cpu_pct, "100000%", 0, 1000000000000ULL),
		P(parse_cpu_pct, "0.0000001", 0, 1), P(parse_cpu_pct, "33.3333333%", 0, 333333333),
		P(parse_cpu_pct, "0", -ERANGE, 0), P(parse_cpu_pct, "0.0%", -ERANGE, 0),
		P(parse_cpu_pct, "100000.1", -ERANGE, 0), P(parse_cpu_pct, "100001%", -ERANGE, 0),
		P(parse_cpu_pct, "0.00000001", -EINVAL, 0), P(parse_cpu_pct, "-5", -EINVAL, 0),
		P(parse_cpu_pct, "", -EINVAL, 0), P(parse_cpu_pct, "%", -EINVAL, 0),
		P(parse_cpu_pct, "50%%", -EINVAL, 0), P(parse_cpu_pct, "50 %", -EINVAL, 0),
		P(parse_cpu_pct, "50ms", -EINVAL, 0), P(parse_cpu_pct, "1e3", -EINVAL, 0),
		P(parse_cpu_pct, ".5", -EINVAL, 0), P(parse_cpu_pct, "5.", -EINVAL, 0),
		P(parse_cpu_pct, "off", -EINVAL, 0), P(parse_cpu_pct, "0x10", -EINVAL, 0),
		P(parse_cpu_pct, "99999999999999999999999999", -ERANGE, 0),
		P(parse_size, "4096", 0, 4096), P(parse_size, "200M", 0, 200ULL << 20),
		P(parse_size, "1G", 0, 1ULL << 30), P(parse_size, "1GiB", 0, 1ULL << 30),
		P(parse_size, "3K", 0, 3072), P(parse_size, "2T", 0, 2ULL << 40),
		P(parse_size, "16777215T", 0, 16777215ULL << 40),
		P(parse_size, "16777216T", -ERANGE, 0), P(parse_size, "0", -ERANGE, 0),
		P(parse_size, "0M", -ERANGE, 0), P(parse_size, "1.5G", -EINVAL, 0),
		P(parse_size, "200MB", -EINVAL, 0), P(parse_size, "200k", -EINVAL, 0),
		P(parse_size, "1P", -EINVAL, 0), P(parse_size, "M", -EINVAL, 0),
		P(parse_size, "", -EINVAL, 0), P(parse_size, "-1", -EINVAL, 0),
		P(parse_size, "200 M", -EINVAL, 0), P(parse_size, "1Gi", -EINVAL, 0),
		P(parse_rate, "100", 0, 100), P(parse_rate, "100/s", 0, 100),
		P(parse_rate, "1000000", 0, 1000000), P(parse_rate, "1000001", -ERANGE, 0),
		P(parse_rate, "0", -ERANGE, 0), P(parse_rate, "/s", -EINVAL, 0),
		P(parse_rate, "1.5", -EINVAL, 0), P(parse_rate, "100/m", -EINVAL, 0),
		P(parse_rate, "", -EINVAL, 0), P(parse_rate, "-1", -EINVAL, 0),
#undef P
	};
	static const struct {
		uint32_t budget;
		uint64_t v;
		const char *text;
	} f[] = {
		{ TMON_BUDGET_CPU, 500000000, "50%" }, { TMON_BUDGET_CPU, 1500000000, "150%" },
		{ TMON_BUDGET_CPU, 125000000, "12.5%" }, { TMON_BUDGET_CPU, 734999999, "73.4%" },
		{ TMON_BUDGET_CPU, 1, "0.0%" }, { TMON_BUDGET_RSS, 200ULL << 20, "200M" },
		{ TMON_BUDGET_RSS, 3ULL << 29, "1.5G" }, { TMON_BUDGET_MAJFLT, 100, "100/s" },
		{ 9, 7, "7" },
	};
	static const uint64_t budgets[NR_BUDGETS] = {
		[TMON_BUDGET_CPU] = 500000000, [TMON_BUDGET_MAJFLT] = 100,
	};
	char name[80], buf[32];
	unsigned int i;
	uint64_t v = 0;
	int err;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		err = c[i].parse(c[i].in, &v);
		snprintf(name, sizeof(name), "%s('%s')", c[i].fn, c[i].in);
		if (err != c[i].err || (!err && v != c[i].v)) {
			printf("FAIL unit/tmonctl-format/%s  (err %d, %llu)\n", name, err,
			       (unsigned long long)v);
			failures++;
		} else {
			printf("PASS unit/tmonctl-format/%s\n", name);
		}
	}
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		fmt_budget(buf, sizeof(buf), f[i].budget, f[i].v);
		snprintf(name, sizeof(name), "fmt_budget(%s,%llu)", budget_name(f[i].budget),
			 (unsigned long long)f[i].v);
		expect_str(name, buf, f[i].text);
	}
	/* limits' and list's object: each in its unit, null when off. */
	expect_str("json_budgets", capture(do_json_budgets, budgets),
		   "{\"budgets\":{\"cpu_ns_per_sec\":500000000,\"rss_bytes\":null,"
		   "\"majflt_per_sec\":100}}\n");
	expect_str("budget_name(rss)", budget_name(TMON_BUDGET_RSS), "rss");
	expect_str("budget_name(majflt)", budget_name(TMON_BUDGET_MAJFLT), "majflt");
}

/* Every kind has its name (status and export list them all from one table). */
static void check_event_kinds(void)
{
	char name[48];
	uint32_t k;

	for (k = TMON_EVENT_THREAD_LATENCY; k < NR_EVENT_KINDS; k++) {
		snprintf(name, sizeof(name), "event_kind_name(%u)-named", k);
		expect_u64(name, strncmp(event_kind_name(k), "kind-", 5) != 0, 1);
	}
	expect_str("event_kind_name(budget-over)", event_kind_name(TMON_EVENT_BUDGET_OVER),
		   "budget-over");
	expect_str("event_kind_name(budget-under)", event_kind_name(TMON_EVENT_BUDGET_UNDER),
		   "budget-under");
	expect_str("event_kind_name(thread-lost)", event_kind_name(TMON_EVENT_THREAD_LOST),
		   "thread-lost");
	expect_str("event_kind_name(thread-back)", event_kind_name(TMON_EVENT_THREAD_BACK),
		   "thread-back");
	expect_str("event_kind_name(samples-dropped)",
		   event_kind_name(TMON_EVENT_SAMPLES_DROPPED), "samples-dropped");
	expect_str("event_kind_name(ring-lost)", event_kind_name(TMON_EVENT_RING_LOST),
		   "ring-lost");
	snprintf(name, sizeof(name), "kind-%u", NR_EVENT_KINDS);
	expect_str("event_kind_name(unknown)", event_kind_name(NR_EVENT_KINDS), name);
}

/* An --exec variable: "(unset)" rather than NULL. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v ? v : "(unset)";
}

static void do_event_text(FILE *f, const void *ev)
{
	event_text(f, ev);
}

static void do_event_json(FILE *f, const void *ev)
{
	event_json(f, ev);
}

/* A budget event as a line, a JSON line and --exec's variables; an exit beside it. */
static void check_budget_event(void)
{
	struct event ev = {
		.seq = 19, .kind = TMON_EVENT_BUDGET_OVER, .cpu = 1, .has_cpu = true, .pid = 1234,
		.budget = TMON_BUDGET_CPU, .limit = 1500000000, .value = 1734000000,
		.task = { .pid = 1234, .comm = "make", .cpu = 1, .utime_ns = 4210000000ULL,
			  .stime_ns = 300000000, .rss_bytes = 150ULL << 20, .majflt = 2 },
	};
	const char *json, *head = "{\"seq\":19,\"kind\":\"budget-over\",\"cpu\":1,\"pid\":1234,"
		"\"comm\":\"make\",\"budget\":\"cpu\",\"limit\":1500000000,\"value\":1734000000,"
		"\"record\":{\"pid\":1234,";

	strcpy(ev.comm, "make");
	strcpy(ev.raw_comm, "make");
	expect_str("event-budget-text", capture(do_event_text, &ev),
		   "19 budget-over pid=1234 comm=make cpu=1 budget=cpu limit=150% value=173.4%"
		   " utime=4.210s stime=0.300s rss=150M majflt=2 suppressed=0\n");
	json = capture(do_event_json, &ev);
	expect_u64("event-budget-json-head", !strncmp(json, head, strlen(head)), 1);
	expect_u64("event-budget-json-tail", !!strstr(json, "},\"suppressed\":0}\n"), 1);
	ev.kind = TMON_EVENT_BUDGET_UNDER;
	ev.budget = TMON_BUDGET_RSS;
	ev.limit = 200ULL << 20;
	ev.value = 150ULL << 20;
	expect_str("event-budget-under-text", capture(do_event_text, &ev),
		   "19 budget-under pid=1234 comm=make cpu=1 budget=rss limit=200M value=150M"
		   " utime=4.210s stime=0.300s rss=150M majflt=2 suppressed=0\n");
	setenv("TMON_EVENT_LATENCY_NS", "stale", 1);
	setenv("TMON_EVENT_OTHER", "stale", 1);
	event_env(&ev);
	expect_str("event-budget-env-kind", env("TMON_EVENT_KIND"), "budget-under");
	expect_str("event-budget-env-budget", env("TMON_EVENT_BUDGET"), "rss");
	expect_str("event-budget-env-limit", env("TMON_EVENT_LIMIT"), "209715200");
	expect_str("event-budget-env-value", env("TMON_EVENT_VALUE"), "157286400");
	expect_str("event-budget-env-pid", env("TMON_EVENT_PID"), "1234");
	expect_u64("event-budget-env-no-stale", !getenv("TMON_EVENT_LATENCY_NS") &&
		   !getenv("TMON_EVENT_OTHER"), 1);
	ev.kind = TMON_EVENT_EXIT;
	expect_str("event-exit-text", capture(do_event_text, &ev),
		   "19 exit pid=1234 comm=make cpu=1 utime=4.210s stime=0.300s rss=150M majflt=2"
		   " suppressed=0\n");
	expect_u64("event-exit-json-no-budget", !strstr(capture(do_event_json, &ev), "budget"), 1);
	event_env(&ev);
	expect_u64("event-exit-env-no-budget", !getenv("TMON_EVENT_BUDGET") &&
		   !getenv("TMON_EVENT_LIMIT") && getenv("TMON_EVENT_RSS_BYTES"), 1);
}

/*
 * An event of the module's own as it comes: seq, kind, suppressed, then
 * the CPU (@cpu >= 0) and a count (@attr) if given; parsed as events
 * reads it. false if event_parse() refused it.
 */
static bool event_from(struct event *ev, uint64_t seq, uint32_t kind, uint64_t suppressed,
		       int cpu, uint16_t attr, uint64_t count)
{
	const struct nlattr *tb[TMON_A_MAX + 1] = { NULL };
	uint64_t buf[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *a;

	mnl_attr_put_u64(nlh, TMON_A_EVENT_SEQ, seq);
	mnl_attr_put_u32(nlh, TMON_A_EVENT_KIND, kind);
	mnl_attr_put_u64(nlh, TMON_A_EVENT_SUPPRESSED, suppressed);
	if (cpu >= 0)
		mnl_attr_put_u32(nlh, TMON_A_CPU, (uint32_t)cpu);
	if (attr)
		mnl_attr_put_u64(nlh, attr, count);
	mnl_attr_for_each(a, nlh, 0)
		tb[mnl_attr_get_type(a)] = a;
	memset(ev, 0, sizeof(*ev));
	return event_parse(tb, ev);
}

/*
 * A CPU's thread lost or back, samples dropped, ring entries lost, and a
 * kind this tool does not know: parsed, then as a line, a JSON line and
 * --exec's variables.
 */
static void check_module_events(void)
{
	static const struct {
		uint32_t kind;
		int cpu;
		uint64_t suppressed;
		uint16_t attr;
		uint64_t count;
		const char *text, *json, *var, *value;
	} c[] = {
		{ TMON_EVENT_THREAD_LOST, 3, 0, 0, 0, "12 thread-lost cpu=3 suppressed=0\n",
		  "{\"seq\":12,\"kind\":\"thread-lost\",\"cpu\":3,\"suppressed\":0}\n",
		  "TMON_EVENT_CPU", "3" },
		{ TMON_EVENT_THREAD_BACK, 3, 0, 0, 0, "13 thread-back cpu=3 suppressed=0\n",
		  "{\"seq\":13,\"kind\":\"thread-back\",\"cpu\":3,\"suppressed\":0}\n",
		  "TMON_EVENT_SUPPRESSED", "0" },
		{ TMON_EVENT_SAMPLES_DROPPED, 1, 4, TMON_A_SAMPLES_DROPPED, 16160,
		  "14 samples-dropped cpu=1 dropped=16160 suppressed=4\n",
		  "{\"seq\":14,\"kind\":\"samples-dropped\",\"cpu\":1,\"samples_dropped\":16160,"
		  "\"suppressed\":4}\n", "TMON_EVENT_SAMPLES_DROPPED", "16160" },
		{ TMON_EVENT_RING_LOST, 0, 0, TMON_A_RING_LOST, UINT64_MAX,
		  "15 ring-lost cpu=0 lost=18446744073709551615 suppressed=0\n",
		  "{\"seq\":15,\"kind\":\"ring-lost\",\"cpu\":0,"
		  "\"ring_lost\":18446744073709551615,\"suppressed\":0}\n",
		  "TMON_EVENT_RING_LOST", "18446744073709551615" },
		/* A later module's kind: what every event has, and nothing stale. */
		{ 99, 2, 1, TMON_A_RING_LOST, 5, "16 kind-99 cpu=2 suppressed=1\n",
		  "{\"seq\":16,\"kind\":\"kind-99\",\"cpu\":2,\"suppressed\":1}\n",
		  "TMON_EVENT_RING_LOST", "(unset)" },
		{ 0, -1, 0, 0, 0, "17 kind-0 suppressed=0\n",
		  "{\"seq\":17,\"kind\":\"kind-0\",\"suppressed\":0}\n", "TMON_EVENT_CPU",
		  "(unset)" },
	};
	char name[64];
	struct event ev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		snprintf(name, sizeof(name), "event-%s-parse", event_kind_name(c[i].kind));
		expect_u64(name, event_from(&ev, 12 + i, c[i].kind, c[i].suppressed, c[i].cpu,
					    c[i].attr, c[i].count), 1);
		snprintf(name, sizeof(name), "event-%s-text", event_kind_name(c[i].kind));
		expect_str(name, capture(do_event_text, &ev), c[i].text);
		snprintf(name, sizeof(name), "event-%s-json", event_kind_name(c[i].kind));
		expect_str(name, capture(do_event_json, &ev), c[i].json);
		setenv("TMON_EVENT_CPU", "stale", 1);
		setenv("TMON_EVENT_LATENCY_NS", "stale", 1);
		event_env(&ev);
		snprintf(name, sizeof(name), "event-%s-env", event_kind_name(c[i].kind));
		expect_str(name, env(c[i].var), c[i].value);
		snprintf(name, sizeof(name), "event-%s-env-kind", event_kind_name(c[i].kind));
		expect_u64(name, !strcmp(env("TMON_EVENT_KIND"), event_kind_name(c[i].kind)) &&
			   !getenv("TMON_EVENT_LATENCY_NS") && !getenv("TMON_EVENT_PID"), 1);
	}
	/* What the kind must have: the CPU; a loss's count. */
	expect_u64("event-thread-lost-needs-cpu",
		   event_from(&ev, 1, TMON_EVENT_THREAD_LOST, 0, -1, 0, 0), 0);
	expect_u64("event-samples-dropped-needs-count",
		   event_from(&ev, 1, TMON_EVENT_SAMPLES_DROPPED, 0, 1, 0, 0), 0);
	expect_u64("event-ring-lost-needs-its-count",
		   event_from(&ev, 1, TMON_EVENT_RING_LOST, 0, 1, TMON_A_SAMPLES_DROPPED, 1), 0);
	expect_u64("event-exit-needs-record", event_from(&ev, 1, TMON_EVENT_EXIT, 0, 1, 0, 0), 0);
}

/*
 * A latency event as it comes: its record; the cause (@cause) and the
 * CPU's counts of the window (@counts), each if given. Parsed as events
 * reads it; false if event_parse() refused it.
 */
static bool wakeup_from(struct event *ev, bool cause, bool counts)
{
	const struct nlattr *tb[TMON_A_MAX + 1] = { NULL };
	struct tmon_cpu_record rec = {
		.cpu = 3, .seq = 812, .expected_ns = 81102000000ULL, .latency_ns = 152345,
		.irq_latency_ns = 4567,
	};
	static uint64_t buf[128];	/* (the JSON's comm is read from it) */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *a;

	mnl_attr_put_u64(nlh, TMON_A_EVENT_SEQ, 17);
	mnl_attr_put_u32(nlh, TMON_A_EVENT_KIND, TMON_EVENT_THREAD_LATENCY);
	mnl_attr_put_u64(nlh, TMON_A_EVENT_SUPPRESSED, 0);
	mnl_attr_put_u32(nlh, TMON_A_CPU, 3);
	mnl_attr_put_u64(nlh, TMON_A_THRESHOLD_NS, 100000);
	mnl_attr_put(nlh, TMON_A_CPU_RECORD, sizeof(rec), &rec);
	if (counts) {
		mnl_attr_put_u64(nlh, TMON_A_CAUSE_IRQS, 3);
		mnl_attr_put_u64(nlh, TMON_A_CAUSE_SOFTIRQS, 1);
	}
	if (cause) {
		mnl_attr_put_u32(nlh, TMON_A_CAUSE_PID, 1234);
		mnl_attr_put_strz(nlh, TMON_A_CAUSE_COMM, "stress");
		mnl_attr_put_u32(nlh, TMON_A_CAUSE_POLICY, 1);
		mnl_attr_put_u32(nlh, TMON_A_CAUSE_PRIO, 50);
	}
	mnl_attr_for_each(a, nlh, 0)
		tb[mnl_attr_get_type(a)] = a;
	memset(ev, 0, sizeof(*ev));
	return event_parse(tb, ev);
}

/*
 * A latency event's cause and the interrupts and softirqs its CPU took:
 * the counts come with the cause, or without it (a cause the listener
 * may not see), or not at all (none was taken).
 */
static void check_wakeup_events(void)
{
	static const struct {
		const char *name;
		bool cause, counts;
		const char *text, *json, *irqs, *softirqs;
	} c[] = {
		{ "cause", true, true,
		  "cause=1234/stress policy=fifo prio=50 irqs=3 softirqs=1 suppressed=0\n",
		  "\"cause\":{\"pid\":1234,\"comm\":\"stress\",\"policy\":\"fifo\",\"prio\":50},"
		  "\"cause_irqs\":3,\"cause_softirqs\":1,\"suppressed\":0}\n", "3", "1" },
		{ "hidden-cause", false, true,
		  "cause=- policy=- prio=- irqs=3 softirqs=1 suppressed=0\n",
		  "\"cause\":null,\"cause_irqs\":3,\"cause_softirqs\":1,\"suppressed\":0}\n",
		  "3", "1" },
		{ "no-cause", false, false,
		  "cause=- policy=- prio=- irqs=- softirqs=- suppressed=0\n",
		  "\"cause\":null,\"cause_irqs\":null,\"cause_softirqs\":null,\"suppressed\":0}\n",
		  "(unset)", "(unset)" },
	};
	const char *head = "17 thread-latency cpu=3 latency=152.3us irq_latency=4.5us "
		"threshold=100.0us missed=0 ";
	const char *jhead = "{\"seq\":17,\"kind\":\"thread-latency\",\"cpu\":3,"
		"\"threshold_ns\":100000,\"latency_ns\":152345,\"irq_latency_ns\":4567,"
		"\"expected_ns\":81102000000,\"record_seq\":812,\"missed\":0,";
	char name[64], want[512];
	struct event ev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		snprintf(name, sizeof(name), "event-wakeup-%s-parse", c[i].name);
		expect_u64(name, wakeup_from(&ev, c[i].cause, c[i].counts), 1);
		snprintf(name, sizeof(name), "event-wakeup-%s-text", c[i].name);
		snprintf(want, sizeof(want), "%s%s", head, c[i].text);
		expect_str(name, capture(do_event_text, &ev), want);
		snprintf(name, sizeof(name), "event-wakeup-%s-json", c[i].name);
		snprintf(want, sizeof(want), "%s%s", jhead, c[i].json);
		expect_str(name, capture(do_event_json, &ev), want);
		setenv("TMON_EVENT_CAUSE_IRQS", "stale", 1);
		setenv("TMON_EVENT_CAUSE_SOFTIRQS", "stale", 1);
		event_env(&ev);
		snprintf(name, sizeof(name), "event-wakeup-%s-env-irqs", c[i].name);
		expect_str(name, env("TMON_EVENT_CAUSE_IRQS"), c[i].irqs);
		snprintf(name, sizeof(name), "event-wakeup-%s-env-softirqs", c[i].name);
		expect_str(name, env("TMON_EVENT_CAUSE_SOFTIRQS"), c[i].softirqs);
		snprintf(name, sizeof(name), "event-wakeup-%s-env-cause", c[i].name);
		expect_str(name, env("TMON_EVENT_CAUSE_COMM"), c[i].cause ? "stress" : "(unset)");
	}
	expect_str("event-wakeup-env-latency", env("TMON_EVENT_LATENCY_NS"), "152345");
}

static void do_thresholds_text(FILE *f, const void *st)
{
	thresholds_write(f, st, NULL, false);
}

static void do_thresholds_json(FILE *f, const void *st)
{
	thresholds_write(f, st, NULL, true);
}

static void do_thresholds_cpu2(FILE *f, const void *st)
{
	static const uint32_t cpu = 2;

	thresholds_write(f, st, &cpu, false);
}

static void do_thresholds_cpu2_json(FILE *f, const void *st)
{
	static const uint32_t cpu = 2;

	thresholds_write(f, st, &cpu, true);
}

/* The thresholds' values: a time as tmonctl takes every time, up to 1 h, or off. */
static void check_thresholds(void)
{
	static const struct {
		const char *in;
		int err;
		uint64_t ns;
	} p[] = {
		{ "200us", 0, 200000 }, { "5ms", 0, 5000000 }, { "0.0002", 0, 200000 },
		{ "0", 0, 0 }, { "0us", 0, 0 }, { "1ns", 0, 1 }, { "0.15us", 0, 150 },
		{ "1.5ms", 0, 1500000 }, { "3600", 0, 3600000000000ULL }, { "1h", 0, 3600000000000ULL },
		{ "60m", 0, 3600000000000ULL }, { "off", 0, UINT64_MAX },
		{ "3601", -ERANGE, 0 }, { "3600.000000001", -ERANGE, 0 }, { "2h", -ERANGE, 0 },
		{ "18446744073709551615", -ERANGE, 0 }, { "-1", -EINVAL, 0 }, { "-0", -EINVAL, 0 },
		{ "", -EINVAL, 0 }, { "OFF", -EINVAL, 0 }, { "on", -EINVAL, 0 },
		{ "200 us", -EINVAL, 0 }, { "200usec", -EINVAL, 0 }, { "1.5ns", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 }, { ".5", -EINVAL, 0 }, { "0x10", -EINVAL, 0 },
		{ "us", -EINVAL, 0 },
	};
	static const struct {
		uint64_t ns;
		const char *text;
	} f[] = {
		{ 200000, "200us" }, { 0, "0us" }, { 1, "0.001us" }, { 150, "0.15us" },
		{ 1500, "1.5us" }, { 5000000, "5000us" }, { 123456789, "123456.789us" },
		{ 3600000000000ULL, "3600000000us" }, { UINT64_MAX, "off" },
	};
	struct cpu_state cpus[3] = {
		{ .cpu = 0, .threshold_ns = { 200000, UINT64_MAX } },
		{ .cpu = 1, .threshold_ns = { UINT64_MAX, UINT64_MAX } },
		{ .cpu = 2, .threshold_ns = { 0, 20500 } },
	};
	struct tmon_status st = { .nr_possible = 3, .cpus = cpus };
	char name[64], buf[64];
	unsigned int i;
	uint64_t ns = 0, back;
	int err;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		err = parse_threshold(p[i].in, &ns);
		snprintf(name, sizeof(name), "parse_threshold('%s')", p[i].in);
		if (err != p[i].err || (!err && ns != p[i].ns)) {
			printf("FAIL unit/tmonctl-format/%s  (err %d, %llu)\n", name, err,
			       (unsigned long long)ns);
			failures++;
		} else {
			printf("PASS unit/tmonctl-format/%s\n", name);
		}
	}
	/* What the line shows parses back to the same threshold. */
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		fmt_threshold(buf, sizeof(buf), f[i].ns);
		snprintf(name, sizeof(name), "fmt_threshold(%llu)", (unsigned long long)f[i].ns);
		expect_str(name, buf, f[i].text);
		snprintf(name, sizeof(name), "fmt_threshold(%llu)-parses-back",
			 (unsigned long long)f[i].ns);
		expect_u64(name, !parse_threshold(buf, &back) && back == f[i].ns, 1);
	}
	fmt_cpu_thresholds(buf, sizeof(buf), &cpus[0]);
	expect_str("fmt_cpu_thresholds", buf, "200us/off");
	fmt_cpu_thresholds(buf, sizeof(buf), &cpus[2]);
	expect_str("fmt_cpu_thresholds-both", buf, "0us/20.5us");
	expect_str("thresholds-text", capture(do_thresholds_text, &st),
		   "cpu 0: thread 200us, irq off\ncpu 1: thread off, irq off\n"
		   "cpu 2: thread 0us, irq 20.5us\n");
	expect_str("thresholds-json", capture(do_thresholds_json, &st),
		   "{\"cpus\":[{\"cpu\":0,\"thread_threshold_ns\":200000,\"irq_threshold_ns\":null},"
		   "{\"cpu\":1,\"thread_threshold_ns\":null,\"irq_threshold_ns\":null},"
		   "{\"cpu\":2,\"thread_threshold_ns\":0,\"irq_threshold_ns\":20500}]}\n");
	expect_str("thresholds-cpu-text", capture(do_thresholds_cpu2, &st),
		   "cpu 2: thread 0us, irq 20.5us\n");
	expect_str("thresholds-cpu-json", capture(do_thresholds_cpu2_json, &st),
		   "{\"cpus\":[{\"cpu\":2,\"thread_threshold_ns\":0,\"irq_threshold_ns\":20500}]}\n");
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
	check_budget_parsers();
	check_event_kinds();
	check_budget_event();
	check_module_events();
	check_wakeup_events();
	check_thresholds();
	return failures != 0;
}
