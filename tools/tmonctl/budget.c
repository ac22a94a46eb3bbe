// SPDX-License-Identifier: GPL-2.0
/*
 * The budgets of a watched process (enum tmon_budget): CPU time a second,
 * resident memory, major faults a second. Their options (watch, limits),
 * their attributes, their words and units, their JSON (limits, list) and
 * state file tokens; and `tmonctl limits`.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "tmonctl.h"

/* A thousand CPUs: beyond that a CPU budget is a typing error. */
#define CPU_PCT_MAX	100000
#define RATE_MAX	1000000
#define NUM_LEN		24
#define STR(x)		#x
#define XSTR(x)		STR(x)

static const struct budget_desc {
	const char *name;	/* as the spec names it; the option is --max-NAME */
	uint16_t attr;
	const char *key;	/* in limits' JSON */
	int (*parse)(const char *s, uint64_t *v);
	const char *what, *eg;	/* what a bad value is not, and good ones */
} budget_descs[NR_BUDGETS] = {
	[TMON_BUDGET_CPU] = { "cpu", TMON_A_BUDGET_CPU, "cpu_ns_per_sec", parse_cpu_pct,
			      "a share of one CPU up to " XSTR(CPU_PCT_MAX) "%",
			      "50%, 12.5%, 150%" },
	[TMON_BUDGET_RSS] = { "rss", TMON_A_BUDGET_RSS, "rss_bytes", parse_size,
			      "a size in bytes, K, M, G or T", "200M, 1G, 1048576" },
	[TMON_BUDGET_MAJFLT] = { "majflt", TMON_A_BUDGET_MAJFLT, "majflt_per_sec", parse_rate,
				 "a rate from 1 to " XSTR(RATE_MAX) " a second", "100, 100/s" },
};

/* The number that starts @s (of @chars) into @num; the rest, or NULL if too long. */
static const char *number_prefix(const char *s, const char *chars, char num[NUM_LEN])
{
	size_t n = strspn(s, chars);

	if (n >= NUM_LEN)
		return NULL;
	memcpy(num, s, n);
	num[n] = '\0';
	return s + n;
}

/*
 * A CPU budget as a percentage of one CPU, "50%", "50", "12.5%" or
 * "150%" (a process's threads may use several), to ns of CPU time a
 * second: the percentage times 10^7, exactly (finer is refused).
 */
int parse_cpu_pct(const char *s, uint64_t *ns_per_sec)
{
	char num[NUM_LEN];
	const char *rest = number_prefix(s, "0123456789.", num);
	uint64_t v;
	int err;

	if (!rest)
		return -ERANGE;
	if (*rest && strcmp(rest, "%"))
		return -EINVAL;
	/* The exact decimal parser of times: the percentage in billionths. */
	err = parse_decimal_ns(num, CPU_PCT_MAX * NSEC_PER_SEC, &v);
	if (err)
		return err;
	if (v % 100)
		return -EINVAL;
	if (!v)
		return -ERANGE;
	*ns_per_sec = v / 100;
	return 0;
}

/* A size: bytes, or K, M, G or T (1024-based), then iB if one likes ("200M", "1GiB"). */
int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	char num[NUM_LEN];
	const char *rest = number_prefix(s, "0123456789", num), *u;
	unsigned int shift = 0;
	uint64_t v;
	int err;

	if (!rest)
		return -ERANGE;
	if (*rest) {
		u = strchr(units, *rest);
		if (!u || (rest[1] && strcmp(rest + 1, "iB")))
			return -EINVAL;
		shift = 10 * (unsigned int)(u - units + 1);
	}
	err = parse_u64(num, 1, UINT64_MAX >> shift, &v);
	if (err)
		return err;
	*bytes = v << shift;
	return 0;
}

/* Events a second: "100" or "100/s". */
int parse_rate(const char *s, uint64_t *per_sec)
{
	char num[NUM_LEN];
	const char *rest = number_prefix(s, "0123456789", num);

	if (!rest)
		return -ERANGE;
	if (*rest && strcmp(rest, "/s"))
		return -EINVAL;
	return parse_u64(num, 1, RATE_MAX, per_sec);
}

const char *budget_name(uint32_t budget)
{
	static char other[24];

	if (budget && budget < NR_BUDGETS)
		return budget_descs[budget].name;
	snprintf(other, sizeof(other), "budget-%" PRIu32, budget);
	return other;
}

/*
 * A budget's limit or a measured value, for people: CPU as a percentage
 * of one CPU to a tenth (cut, not rounded: "50%", "73.4%"), a size as
 * list shows one ("200M"), a rate a second ("100/s").
 */
void fmt_budget(char *buf, size_t len, uint32_t budget, uint64_t v)
{
	const uint64_t per_pct = NSEC_PER_SEC / 100;

	if (budget == TMON_BUDGET_CPU && v % per_pct)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", v / per_pct,
			 v / (per_pct / 10) % 10);
	else if (budget == TMON_BUDGET_CPU)
		snprintf(buf, len, "%" PRIu64 "%%", v / per_pct);
	else if (budget == TMON_BUDGET_RSS)
		fmt_bytes(buf, len, v);
	else if (budget == TMON_BUDGET_MAJFLT)
		snprintf(buf, len, "%" PRIu64 "/s", v);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

/*
 * @opt and its @arg into @b if it is a --max-* option (with "off", 0, if
 * @off_ok): 0, or EXIT_USAGE after the line that names it. -1: another.
 */
int budget_option(const char *cmd, int opt, const char *arg, bool off_ok, struct budgets *b)
{
	const struct budget_desc *d;
	unsigned int k;

	if (opt < OPT_MAX_CPU || opt > OPT_MAX_MAJFLT)
		return -1;
	k = (unsigned int)(opt - OPT_MAX_CPU) + TMON_BUDGET_CPU;
	d = &budget_descs[k];
	if (off_ok && !strcmp(arg, "off"))
		b->v[k] = 0;
	else if (d->parse(arg, &b->v[k]))
		return usage_error(cmd, "--max-%s '%s' is not %s (%s%s)", d->name, arg, d->what,
				   d->eg, off_ok ? ", off" : "");
	b->given[k] = true;
	b->n++;
	return 0;
}

/* The budgets given, as the attributes of a WATCH or SET_BUDGET request. */
void budgets_put(struct nlmsghdr *nlh, const struct budgets *b)
{
	unsigned int k;

	for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++)
		if (b->given[k])
			nl_put_u64(nlh, budget_descs[k].attr, b->v[k]);
}

/* A LIST_TASKS reply's budgets: absent, none (0). */
void budgets_parse(const struct nlattr **tb, uint64_t *v)
{
	unsigned int k;

	for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++)
		v[k] = tb[budget_descs[k].attr] ? mnl_attr_get_u64(tb[budget_descs[k].attr]) : 0;
}

/* The budgets set in @v as the state file has them after a watch line's comm: " cpu=N rss=N". */
void budgets_write(FILE *f, const uint64_t *v)
{
	unsigned int k;

	for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++)
		if (v[k])
			fprintf(f, " %s=%" PRIu64, budget_descs[k].name, v[k]);
}

/*
 * One such token, "NAME=VALUE" in the budget's unit, into @b: 0, or
 * -EINVAL if it is not one or names a budget @b has already.
 */
int budget_token(const char *tok, struct budgets *b)
{
	const char *eq = strchr(tok, '=');
	unsigned int k;

	if (!eq)
		return -EINVAL;
	for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++)
		if (strlen(budget_descs[k].name) == (size_t)(eq - tok) &&
		    !strncmp(tok, budget_descs[k].name, (size_t)(eq - tok)))
			break;
	if (k == NR_BUDGETS || b->given[k] || parse_u64(eq + 1, 1, UINT64_MAX, &b->v[k]))
		return -EINVAL;
	b->given[k] = true;
	b->n++;
	return 0;
}

static int limits_args(int argc, char **argv, uint32_t *pid, struct budgets *b)
{
	int opt, err;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		err = budget_option("limits", opt, optarg, true, b);
		if (err < 0)
			return pid_getopt_error("limits", opt, argv);
		if (err)
			return err;
	}
	return one_pid_operand("limits", argc, argv, pid);
}

/*
 * A process's budgets as the member "budgets" (limits, list): each in
 * its unit (ns a second, bytes, faults a second), null when off.
 */
void json_budgets(struct json *j, const uint64_t *v)
{
	unsigned int k;

	json_object(j, "budgets");
	for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++) {
		if (v[k])
			json_u64(j, budget_descs[k].key, v[k]);
		else
			json_null(j, budget_descs[k].key);
	}
	json_end(j);
}

/* "pid 1234 make: cpu 50%, rss 200M, majflt off", or one JSON document. */
static void limits_print(const struct task_state *t, bool json)
{
	char esc[COMM_ESC_LEN], v[32];
	unsigned int k;
	struct json j;

	if (!json) {
		printf("pid %u %s:", t->pid, t->has_record ? comm_escape(t->rec.comm, esc) : "-");
		for (k = TMON_BUDGET_CPU; k < NR_BUDGETS; k++) {
			fmt_budget(v, sizeof(v), k, t->budget[k]);
			printf("%s %s %s", k > TMON_BUDGET_CPU ? "," : "", budget_descs[k].name,
			       t->budget[k] ? v : "off");
		}
		putchar('\n');
		return;
	}
	json_init(&j, stdout);
	json_object(&j, NULL);
	json_u64(&j, "pid", t->pid);
	json_str(&j, "comm", t->has_record ? t->rec.comm : "");
	json_budgets(&j, t->budget);
	json_end(&j);
}

/* limits PID [--max-* VALUE|off]...: set those given, then print them all. */
int cmd_limits(int argc, char **argv)
{
	struct task_list tl = { 0 };
	struct budgets b = { 0 };
	struct nlmsghdr *nlh;
	uint32_t pid;
	size_t i;
	int err;

	err = limits_args(argc, argv, &pid, &b);
	if (!err)
		err = nl_open();
	if (err)
		return err;
	if (b.n) {
		nlh = nl_request(TMON_CMD_SET_BUDGET, false);
		nl_put_u32(nlh, TMON_A_PID, pid);
		budgets_put(nlh, &b);
		err = nl_talk(nlh, NULL, NULL);
		if (err) {
			error("limits %u: %s", pid, nl_strerror(err));
			return EXIT_ERR;
		}
		/* The state file keeps the budgets too. */
		state_autosave();
	}
	/* What the module holds now, set here or not. */
	err = tasks_get(&tl);
	for (i = 0; !err && i < tl.n && tl.t[i].pid != pid; i++)
		;
	if (!err && i == tl.n) {
		error("limits %u: process not watched (tmonctl watch %u)", pid, pid);
		err = EXIT_ERR;
	}
	if (!err)
		limits_print(&tl.t[i], json_global);
	free(tl.t);
	return err;
}
