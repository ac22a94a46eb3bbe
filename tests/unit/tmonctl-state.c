// SPDX-License-Identifier: GPL-2.0
/*
 * The state file of save and restore, linked against tmonctl's objects:
 * what save writes, restore reads back (names of any bytes, the budgets);
 * a file of the version before budgets still reads; a budget that is not
 * one is refused; thresholds, the parameters' and those of CPUs set alone. One PASS/FAIL line per check.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/tmonctl/state_file.h"

static int failures;
static char path[] = "/tmp/tmonctl-state-XXXXXX";

static void result(bool ok, const char *name, const char *why)
{
	if (ok) {
		printf("PASS unit/tmonctl-state/%s\n", name);
	} else {
		printf("FAIL unit/tmonctl-state/%s  (%s)\n", name, why);
		failures++;
	}
}

/* What the reader said on stderr, the last time. */
static char said[512];

/* @text as the state file, read by restore's reader: its return value. */
static int read_text(const char *text, struct state *s)
{
	FILE *f = fopen(path, "w"), *err = tmpfile();
	int fd2 = dup(2), ret;
	size_t n;

	fputs(text, f);
	fclose(f);
	state_free(s);
	memset(s, 0, sizeof(*s));
	fflush(stderr);
	dup2(fileno(err), 2);
	ret = state_read(path, s, false);
	fflush(stderr);
	dup2(fd2, 2);
	close(fd2);
	rewind(err);
	n = fread(said, 1, sizeof(said) - 1, err);
	said[n] = '\0';
	fclose(err);
	return ret;
}

static bool same_budgets(const struct budgets *b, uint64_t cpu, uint64_t rss, uint64_t majflt)
{
	const uint64_t want[NR_BUDGETS] = {
		[TMON_BUDGET_CPU] = cpu, [TMON_BUDGET_RSS] = rss, [TMON_BUDGET_MAJFLT] = majflt,
	};
	unsigned int k;

	for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++)
		if (b->v[k] != want[k] || b->given[k] != !!want[k])
			return false;
	return true;
}

/* save's lines, read back: each name whole, each budget where it was. */
static void check_round_trip(void)
{
	static const char * const comms[] = {
		"sshd", "a=b cpu=5", "cpu=500000000", "-", "x\nwatch 9 y", "tab\there\\",
	};
	struct tmon_task_record none = { 0 };
	struct task_state t[ARRAY_SIZE(comms)];
	struct task_list tl = { .t = t, .n = ARRAY_SIZE(comms) };
	struct tmon_status st = { .period_ns = 250000000, .history = 1024, .max_tasks = 4096 };
	struct state s = { 0 };
	char name[64], *text = NULL;
	size_t len, i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(comms); i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].pid = 100 + (uint32_t)i;
		t[i].has_record = true;
		t[i].rec = none;
		snprintf(t[i].rec.comm, sizeof(t[i].rec.comm), "%s", comms[i]);
		/* Every other one with budgets: none, all, some. */
		t[i].budget[TMON_BUDGET_CPU] = i % 2 ? 500000000 * i : 0;
		t[i].budget[TMON_BUDGET_RSS] = i % 2 ? UINT64_MAX : 0;
		t[i].budget[TMON_BUDGET_MAJFLT] = i == 3 ? 100 : 0;
	}
	f = open_memstream(&text, &len);
	state_write(f, &st, &tl);
	fclose(f);
	result(strstr(text, "\nwatch 100 sshd\n") && strstr(text, "\nwatch 103 \\x2d cpu=1500000000 "
		"rss=18446744073709551615 majflt=100\n"), "save-lines", text);
	result(read_text(text, &s) == EXIT_OK && s.nr_watch == ARRAY_SIZE(comms), "save-read", text);
	for (i = 0; i < s.nr_watch; i++) {
		snprintf(name, sizeof(name), "save-read-%zu", i);
		result(s.watch[i].pid == t[i].pid && !strcmp(s.watch[i].comm, comms[i]) &&
		       same_budgets(&s.watch[i].budgets, t[i].budget[TMON_BUDGET_CPU],
				    t[i].budget[TMON_BUDGET_RSS], t[i].budget[TMON_BUDGET_MAJFLT]),
		       name, s.watch[i].comm);
	}
	result(s.has_set[SET_PERIOD] && s.set[SET_PERIOD] == 250000000, "save-read-period", text);
	state_free(&s);
	free(text);
}

/*
 * The thresholds: the parameters as settings ("off" for off), and a line
 * for each CPU whose thresholds are not the parameters', read back.
 */
static void check_thresholds(void)
{
	struct cpu_state cpus[3] = {
		{ .cpu = 0, .threshold_ns = { 200000, THRESHOLD_OFF } },
		{ .cpu = 1, .threshold_ns = { 5000, THRESHOLD_OFF } },
		{ .cpu = 2, .threshold_ns = { 200000, 0 } },
	};
	struct tmon_status st = {
		.period_ns = 1000000, .history = 8, .max_tasks = 10, .nr_possible = 3, .cpus = cpus,
		.threshold_ns = { 200000, THRESHOLD_OFF },
	};
	struct task_list tl = { 0 };
	struct state s = { 0 };
	char *text = NULL;
	size_t len;
	FILE *f;

	f = open_memstream(&text, &len);
	state_write(f, &st, &tl);
	fclose(f);
	result(strstr(text, "\nthread_threshold_ns 200000\nirq_threshold_ns off\n") &&
	       strstr(text, "\nthresholds 1 5000 off\n") && strstr(text, "\nthresholds 2 200000 0\n") &&
	       !strstr(text, "thresholds 0 "), "thresholds-lines", text);
	result(read_text(text, &s) == EXIT_OK && s.has_set[SET_THREAD_THRESHOLD] &&
	       s.set[SET_THREAD_THRESHOLD] == 200000 && s.has_set[SET_IRQ_THRESHOLD] &&
	       s.set[SET_IRQ_THRESHOLD] == THRESHOLD_OFF && s.nr_thr == 2 &&
	       s.thr[0].cpu == 1 && s.thr[0].ns[THRESHOLD_THREAD] == 5000 &&
	       s.thr[0].ns[THRESHOLD_IRQ] == THRESHOLD_OFF && s.thr[1].cpu == 2 &&
	       s.thr[1].ns[THRESHOLD_THREAD] == 200000 && s.thr[1].ns[THRESHOLD_IRQ] == 0,
	       "thresholds-read", text);
	state_free(&s);
	free(text);
}

/* Files written by hand or by the version before budgets; and bad budgets. */
static void check_read(void)
{
	static const struct {
		const char *name, *text;
		const char *error;	/* what the error line says; NULL: read */
	} c[] = {
		{ "old-format", "# tmon state\nperiod_ns 250000000\nwatch 1234 sshd\nwatch 7\n", NULL },
		{ "no-name", "watch 7 - rss=4096\n", NULL },
		{ "spaces", "watch 7 make   cpu=1\t majflt=2 \n", NULL },
		{ "zero", "period_ns 250000000\nwatch 7 make cpu=0\n", ":2: 'cpu=0' is not a budget" },
		{ "twice", "watch 7 make cpu=1 cpu=2\n", ":1: 'cpu=2' is not a budget" },
		{ "unknown", "watch 7 make frob=1\n", "'frob=1' is not" },
		{ "upper", "watch 7 make CPU=1\n", "'CPU=1' is not" },
		{ "no-value", "watch 7 make rss=\n", "'rss=' is not" },
		{ "no-name-before", "watch 7 make =5\n", "'=5' is not" },
		{ "suffix", "watch 7 make rss=200M\n", "'rss=200M' is not" },
		{ "negative", "watch 7 make rss=-1\n", "'rss=-1' is not" },
		{ "too-big", "watch 7 make rss=18446744073709551616\n", "'rss=18446744073709551616'" },
		{ "word", "watch 7 make rss=1 more\n", "'more' is not a budget" },
		{ "long", "watch 7 make cpu=000000000000000000000000000000000000000000000000000000"
			  "00000000000000000001\n", "is not a budget" },
		{ "setting-extra", "period_ns 250000000 cpu=1\n", ":1: not a tmon state line" },
		{ "bad-name", "watch 7 a\\x0 cpu=1\n", ":1: not a tmon state line" },
		{ "thresholds", "irq_threshold_ns 0\nthresholds 3 off 3600000000000\n", NULL },
		{ "threshold-over", "thresholds 3 off 3600000000001\n", ":1: not a tmon state line" },
		{ "threshold-one", "thresholds 3 off\n", ":1: not a tmon state line" },
		{ "threshold-word", "thread_threshold_ns of\n", ":1: not a tmon state line" },
		{ "threshold-unit", "thresholds 3 200us off\n", ":1: not a tmon state line" },
	};
	struct state s = { 0 };
	char name[64];
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		err = read_text(c[i].text, &s);
		snprintf(name, sizeof(name), "read-%s", c[i].name);
		if (c[i].error)
			result(err == EXIT_ERR && !s.nr_watch && strstr(said, c[i].error), name, said);
		else
			result(err == EXIT_OK && !said[0], name, said);
	}
	read_text(c[0].text, &s);
	result(s.nr_watch == 2 && !strcmp(s.watch[0].comm, "sshd") && !s.watch[0].budgets.n &&
	       !s.watch[1].comm[0] && !s.watch[1].budgets.n, "read-old-format-no-budgets", "");
	read_text(c[2].text, &s);
	result(s.nr_watch == 1 && same_budgets(&s.watch[0].budgets, 1, 0, 2), "read-spaces-budgets",
	       "");
	state_free(&s);
}

int main(void)
{
	int fd = mkstemp(path);

	if (fd < 0) {
		printf("FAIL unit/tmonctl-state  (mkstemp)\n");
		return 1;
	}
	close(fd);
	check_round_trip();
	check_read();
	check_thresholds();
	unlink(path);
	return failures != 0;
}
