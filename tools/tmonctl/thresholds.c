// SPDX-License-Identifier: GPL-2.0
/*
 * The CPUs' latency thresholds: a wakeup whose thread or IRQ latency is
 * over its CPU's threshold is an event. `tmonctl thresholds` shows them
 * (from the status) and sets them (SET_THRESHOLDS, one CPU's or every
 * CPU's); status shows them too.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "state_file.h"
#include "tmonctl.h"

/* Their JSON keys are the parameters' names (the state file's settings). */
static const struct threshold_desc {
	const char *name;	/* the option is --NAME */
	uint16_t attr;
} threshold_descs[NR_THRESHOLDS] = {
	[THRESHOLD_THREAD] = { "thread", TMON_A_THREAD_THRESHOLD_NS },
	[THRESHOLD_IRQ] = { "irq", TMON_A_IRQ_THRESHOLD_NS },
};

static const char *threshold_param(unsigned int k)
{
	return settings[SET_THREAD_THRESHOLD + k].name;
}

/*
 * A threshold: "off", or a time as tmonctl takes every time (seconds, or
 * a unit: "200us", "5ms", "0.0002", "0"), at most the longest period, as
 * the module takes it.
 */
int parse_threshold(const char *s, uint64_t *ns)
{
	if (!strcmp(s, "off")) {
		*ns = THRESHOLD_OFF;
		return 0;
	}
	return parse_decimal_ns(s, TMON_PERIOD_MAX_NS, ns);
}

/* "off", or in us to the ns, no trailing zeros ("200us", "0.15us"): it parses back. */
void fmt_threshold(char *buf, size_t len, uint64_t ns)
{
	uint64_t frac = ns % NSEC_PER_USEC;
	int digits = 3;

	if (ns == THRESHOLD_OFF) {
		snprintf(buf, len, "off");
		return;
	}
	for (; frac && frac % 10 == 0; frac /= 10)
		digits--;
	if (frac)
		snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "us", ns / NSEC_PER_USEC, digits, frac);
	else
		snprintf(buf, len, "%" PRIu64 "us", ns / NSEC_PER_USEC);
}

/* A CPU's thresholds, thread's then IRQ's, as status's column has them: "200us/off". */
void fmt_cpu_thresholds(char *buf, size_t len, const struct cpu_state *c)
{
	char v[NR_THRESHOLDS][32];
	unsigned int k;

	for (k = 0; k < NR_THRESHOLDS; k++)
		fmt_threshold(v[k], sizeof(v[k]), c->threshold_ns[k]);
	snprintf(buf, len, "%s/%s", v[THRESHOLD_THREAD], v[THRESHOLD_IRQ]);
}

/* A CPU's thresholds as members of its object (thresholds, status): ns, null when off. */
void json_thresholds(struct json *j, const struct cpu_state *c)
{
	unsigned int k;

	for (k = 0; k < NR_THRESHOLDS; k++) {
		if (c->threshold_ns[k] == THRESHOLD_OFF)
			json_null(j, threshold_param(k));
		else
			json_u64(j, threshold_param(k), c->threshold_ns[k]);
	}
}

/*
 * The parameters (thread_threshold_ns, irq_threshold_ns): every CPU's
 * as last set at once. Off where unreadable.
 */
void thresholds_params_read(uint64_t *ns)
{
	unsigned int k;

	for (k = 0; k < NR_THRESHOLDS; k++)
		if (setting_param_read(SET_THREAD_THRESHOLD + k, &ns[k]))
			ns[k] = THRESHOLD_OFF;
}

struct thresholds_req {
	bool has_cpu;		/* -c: that CPU's only */
	uint32_t cpu;
	uint64_t ns[NR_THRESHOLDS];
	bool given[NR_THRESHOLDS];
	unsigned int n;		/* how many were given */
};

static int thresholds_args(int argc, char **argv, struct thresholds_req *r)
{
	static const char what[] = "a latency up to 1h, or off (200us, 5ms, 0.0002, 0, off)";
	unsigned int k;
	uint64_t v;
	int opt;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		if (opt == 'c') {
			if (parse_u64(optarg, 0, UINT32_MAX, &v))
				return usage_error("thresholds", "-c '%s' is not a CPU number",
						   optarg);
			r->has_cpu = true;
			r->cpu = (uint32_t)v;
			continue;
		}
		if (opt != OPT_THREAD && opt != OPT_IRQ)
			return getopt_error("thresholds", opt, argv);
		k = (unsigned int)(opt - OPT_THREAD);
		if (parse_threshold(optarg, &r->ns[k]))
			return usage_error("thresholds", "--%s '%s' is not %s",
					   threshold_descs[k].name, optarg, what);
		r->n += !r->given[k];
		r->given[k] = true;
	}
	if (optind < argc)
		return usage_error("thresholds", "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

/* SET_THRESHOLDS: those given, of -c's CPU or of every CPU. 0 or -errno. */
static int thresholds_set(const struct thresholds_req *r)
{
	struct nlmsghdr *nlh = nl_request(TMON_CMD_SET_THRESHOLDS, false);
	unsigned int k;

	if (r->has_cpu)
		nl_put_u32(nlh, TMON_A_CPU, r->cpu);
	for (k = 0; k < NR_THRESHOLDS; k++)
		if (r->given[k])
			nl_put_u64(nlh, threshold_descs[k].attr, r->ns[k]);
	return nl_talk(nlh, NULL, NULL);
}

/*
 * State file: "thresholds CPU THREAD IRQ" (ns or off) for each CPU whose
 * thresholds are not the parameters' (set alone), after the settings
 * that restore the parameters.
 */
void thresholds_state_write(FILE *f, const struct tmon_status *st)
{
	const struct cpu_state *c;
	char v[NR_THRESHOLDS][32];
	unsigned int i, k;

	for (i = 0; i < st->nr_possible; i++) {
		c = &st->cpus[i];
		if (!memcmp(c->threshold_ns, st->threshold_ns, sizeof(c->threshold_ns)))
			continue;
		for (k = 0; k < NR_THRESHOLDS; k++)
			setting_fmt(SET_THREAD_THRESHOLD + k, c->threshold_ns[k], v[k],
				    sizeof(v[k]));
		fprintf(f, "thresholds %" PRIu32 " %s %s\n", c->cpu, v[THRESHOLD_THREAD],
			v[THRESHOLD_IRQ]);
	}
}

/* Such a line into @s: 0, -EINVAL if it is not one, -ENOMEM. */
int thresholds_state_line(struct state *s, const char *line)
{
	char key[16], v[NR_THRESHOLDS][32], more;
	struct saved_thresholds *t;
	unsigned int k;
	uint64_t cpu;

	if (sscanf(line, "%15s %" SCNu64 " %31s %31s %c", key, &cpu, v[0], v[1], &more) != 4 ||
	    strcmp(key, "thresholds") || cpu > UINT32_MAX || s->nr_thr >= 65536)
		return -EINVAL;
	t = realloc(s->thr, (s->nr_thr + 1) * sizeof(*s->thr));
	if (!t)
		return -ENOMEM;
	s->thr = t;
	t += s->nr_thr;
	for (k = 0; k < NR_THRESHOLDS; k++)
		if (setting_parse(SET_THREAD_THRESHOLD + k, v[k], &t->ns[k]))
			return -EINVAL;
	t->cpu = (uint32_t)cpu;
	s->nr_thr++;
	return 0;
}

/* The thresholds of CPU @cpu in @st, or NULL if it has no such CPU. */
static const uint64_t *cpu_thresholds(const struct tmon_status *st, uint32_t cpu)
{
	unsigned int i;

	for (i = 0; i < st->nr_possible; i++)
		if (st->cpus[i].cpu == cpu)
			return st->cpus[i].threshold_ns;
	return NULL;
}

/*
 * Each CPU's saved thresholds, after the parameters; only those that
 * differ are sent (so an unprivileged restore works): EXIT_OK or EXIT_ERR.
 */
int thresholds_restore(const struct state *s)
{
	struct thresholds_req r = { .has_cpu = true, .given = { true, true } };
	int err, rc = EXIT_OK;
	struct tmon_status st;
	const uint64_t *now;
	size_t i;

	if (!s->nr_thr)
		return EXIT_OK;
	if (status_get(&st, false))
		return EXIT_ERR;
	for (i = 0; i < s->nr_thr; i++) {
		r.cpu = s->thr[i].cpu;
		memcpy(r.ns, s->thr[i].ns, sizeof(r.ns));
		now = cpu_thresholds(&st, r.cpu);
		if (now && !memcmp(now, r.ns, sizeof(r.ns)))
			continue;
		err = thresholds_set(&r);
		if (err) {
			error("restore: cannot set CPU %" PRIu32 "'s thresholds: %s", r.cpu,
			      nl_strerror(err));
			rc = EXIT_ERR;
		}
	}
	status_free(&st);
	return rc;
}

/*
 * The thresholds of every CPU in @st, or of CPU *@cpu only: a line a CPU,
 * "cpu 0: thread 200us, irq off", or one JSON document.
 */
void thresholds_write(FILE *f, const struct tmon_status *st, const uint32_t *cpu, bool json)
{
	unsigned int i, k;
	struct json j;
	char v[32];

	json_init(&j, f);
	if (json) {
		json_object(&j, NULL);
		json_array(&j, "cpus");
	}
	for (i = 0; i < st->nr_possible; i++) {
		const struct cpu_state *c = &st->cpus[i];

		if (cpu && c->cpu != *cpu)
			continue;
		if (json) {
			json_object(&j, NULL);
			json_u64(&j, "cpu", c->cpu);
			json_thresholds(&j, c);
			json_end(&j);
			continue;
		}
		fprintf(f, "cpu %" PRIu32 ":", c->cpu);
		for (k = 0; k < NR_THRESHOLDS; k++) {
			fmt_threshold(v, sizeof(v), c->threshold_ns[k]);
			fprintf(f, "%s %s %s", k ? "," : "", threshold_descs[k].name, v);
		}
		fputc('\n', f);
	}
	if (json) {
		json_end(&j);
		json_end(&j);
	}
}

/* thresholds [-c CPU] [--thread LATENCY|off] [--irq LATENCY|off]: set those given, then print. */
int cmd_thresholds(int argc, char **argv)
{
	struct thresholds_req r = { 0 };
	struct tmon_status st;
	int err;

	err = thresholds_args(argc, argv, &r);
	if (!err)
		err = nl_open();
	if (err)
		return err;
	if (r.n) {
		err = thresholds_set(&r);
		if (err) {
			error("thresholds: cannot set the thresholds: %s", nl_strerror(err));
			return EXIT_ERR;
		}
		state_autosave();
	}
	/* What the module holds now, set here or not. */
	err = status_get(&st, false);
	if (err)
		return err;
	if (r.has_cpu && !cpu_thresholds(&st, r.cpu)) {
		error("thresholds: there is no CPU %" PRIu32, r.cpu);
		err = EXIT_ERR;
	} else {
		thresholds_write(stdout, &st, r.has_cpu ? &r.cpu : NULL, json_global);
		if (fflush(stdout) || ferror(stdout)) {
			error("thresholds: cannot write the output");
			err = EXIT_ERR;
		}
	}
	status_free(&st);
	return err;
}
