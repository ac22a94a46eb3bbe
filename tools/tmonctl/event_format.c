// SPDX-License-Identifier: GPL-2.0
/*
 * An event of the module's, from its attributes to what tmonctl events
 * shows of it: a line, a JSON line, or --exec's environment. A latency
 * event has its CPU's record, the cause and the interrupts and softirqs
 * the CPU took before the thread ran; an exit, the process's final
 * record; a budget's, the process's sample that crossed it, the budget,
 * its limit and the value measured; a CPU's thread lost or back, the CPU;
 * a loss (samples dropped, ring entries lost), the CPU and the count
 * since load. A kind this tool does not know shows what every event has.
 */
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "fields.h"

/* What an event carries beside its number, kind and suppressed count. */
enum event_shape {
	EV_OTHER,	/* a kind this tool does not know: the CPU, if it came */
	EV_WAKEUP,	/* the CPU's record, the threshold, the cause */
	EV_EXIT,	/* the process and its final record */
	EV_BUDGET,	/* the process, its sample, the budget, limit and value */
	EV_CPU,		/* the CPU; a loss's count too, if count_attr */
};

/* The one table of the kinds: their names (status and export list them), their shapes. */
static const struct event_desc {
	const char *name;	/* as the spec writes it */
	enum event_shape shape;
	uint16_t count_attr;	/* a loss's count since load: its attribute, */
	const char *count_text;	/* its key in the line, */
	const char *count_json;	/* in JSON, */
	const char *count_env;	/* and its --exec variable */
} event_descs[NR_EVENT_KINDS] = {
	[TMON_EVENT_THREAD_LATENCY] = { "thread-latency", EV_WAKEUP },
	[TMON_EVENT_IRQ_LATENCY] = { "irq-latency", EV_WAKEUP },
	[TMON_EVENT_EXIT] = { "exit", EV_EXIT },
	[TMON_EVENT_BUDGET_OVER] = { "budget-over", EV_BUDGET },
	[TMON_EVENT_BUDGET_UNDER] = { "budget-under", EV_BUDGET },
	[TMON_EVENT_THREAD_LOST] = { "thread-lost", EV_CPU },
	[TMON_EVENT_THREAD_BACK] = { "thread-back", EV_CPU },
	[TMON_EVENT_SAMPLES_DROPPED] = { "samples-dropped", EV_CPU, TMON_A_SAMPLES_DROPPED,
					 "dropped", "samples_dropped",
					 "TMON_EVENT_SAMPLES_DROPPED" },
	[TMON_EVENT_RING_LOST] = { "ring-lost", EV_CPU, TMON_A_RING_LOST, "lost", "ring_lost",
				   "TMON_EVENT_RING_LOST" },
};

/* A latency event's counts of the window: "-" in the line, null in JSON, unset in --exec's. */
static const struct cause_count_desc {
	uint16_t attr;
	const char *text, *json, *env;
} cause_count_descs[NR_CAUSE_COUNTS] = {
	[CAUSE_IRQS] = { TMON_A_CAUSE_IRQS, "irqs", "cause_irqs", "TMON_EVENT_CAUSE_IRQS" },
	[CAUSE_SOFTIRQS] = { TMON_A_CAUSE_SOFTIRQS, "softirqs", "cause_softirqs",
			     "TMON_EVENT_CAUSE_SOFTIRQS" },
};

static const struct event_desc *event_desc(uint32_t kind)
{
	static const struct event_desc other = { .shape = EV_OTHER };

	if (kind < ARRAY_SIZE(event_descs) && event_descs[kind].name)
		return &event_descs[kind];
	return &other;
}

const char *event_kind_name(uint32_t kind)
{
	static char other[24];

	if (event_desc(kind)->name)
		return event_desc(kind)->name;
	snprintf(other, sizeof(other), "kind-%" PRIu32, kind);
	return other;
}

/* An event of a watched process, with its pid and a record of it. */
static bool event_of_task(uint32_t kind)
{
	return event_desc(kind)->shape == EV_EXIT || event_desc(kind)->shape == EV_BUDGET;
}

static uint64_t attr_u64(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

static uint32_t attr_u32(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u32(attr) : 0;
}

/* An exit's or a budget's attributes: false without the ones it must have. */
static bool event_parse_task(const struct nlattr **tb, struct event *ev)
{
	if (!tb[TMON_A_PID] || !nl_get_record(tb[TMON_A_TASK_RECORD], &ev->task, sizeof(ev->task)))
		return false;
	ev->pid = attr_u32(tb[TMON_A_PID]);
	if (!ev->has_cpu)
		ev->cpu = ev->task.cpu;
	ev->has_cpu = true;
	ev->task.comm[sizeof(ev->task.comm) - 1] = '\0';
	memcpy(ev->raw_comm, ev->task.comm, sizeof(ev->raw_comm));
	comm_escape(ev->raw_comm, ev->comm);
	if (ev->kind == TMON_EVENT_EXIT)
		return true;
	ev->budget = attr_u32(tb[TMON_A_BUDGET]);
	ev->limit = attr_u64(tb[TMON_A_BUDGET_LIMIT]);
	ev->value = attr_u64(tb[TMON_A_BUDGET_VALUE]);
	return tb[TMON_A_BUDGET] && tb[TMON_A_BUDGET_LIMIT] && tb[TMON_A_BUDGET_VALUE];
}

/* A latency event's attributes: its record is a must. */
static bool event_parse_wakeup(const struct nlattr **tb, struct event *ev)
{
	const char *comm;
	unsigned int k;

	if (!nl_get_record(tb[TMON_A_CPU_RECORD], &ev->rec, sizeof(ev->rec)))
		return false;
	if (!ev->has_cpu)
		ev->cpu = ev->rec.cpu;
	ev->has_cpu = true;
	ev->threshold_ns = attr_u64(tb[TMON_A_THRESHOLD_NS]);
	ev->has_cause = tb[TMON_A_CAUSE_PID];
	ev->cause_pid = attr_u32(tb[TMON_A_CAUSE_PID]);
	ev->cause_policy = attr_u32(tb[TMON_A_CAUSE_POLICY]);
	ev->cause_prio = attr_u32(tb[TMON_A_CAUSE_PRIO]);
	comm = tb[TMON_A_CAUSE_COMM] ? mnl_attr_get_str(tb[TMON_A_CAUSE_COMM]) : "";
	memset(ev->raw_comm, 0, sizeof(ev->raw_comm));
	memcpy(ev->raw_comm, comm, strnlen(comm, sizeof(ev->raw_comm) - 1));
	comm_escape(ev->raw_comm, ev->comm);
	for (k = 0; k < NR_CAUSE_COUNTS; k++) {
		ev->has_cause_count[k] = tb[cause_count_descs[k].attr];
		ev->cause_count[k] = attr_u64(tb[cause_count_descs[k].attr]);
	}
	return true;
}

/* An event's attributes (validated by nl.c): false without the ones its kind must have. */
bool event_parse(const struct nlattr **tb, struct event *ev)
{
	const struct event_desc *d;

	if (!tb[TMON_A_EVENT_SEQ] || !tb[TMON_A_EVENT_KIND])
		return false;
	ev->seq = attr_u64(tb[TMON_A_EVENT_SEQ]);
	ev->kind = attr_u32(tb[TMON_A_EVENT_KIND]);
	ev->suppressed = attr_u64(tb[TMON_A_EVENT_SUPPRESSED]);
	ev->has_cpu = tb[TMON_A_CPU];
	ev->cpu = attr_u32(tb[TMON_A_CPU]);
	d = event_desc(ev->kind);
	switch (d->shape) {
	case EV_WAKEUP:
		return event_parse_wakeup(tb, ev);
	case EV_EXIT:
	case EV_BUDGET:
		return event_parse_task(tb, ev);
	case EV_CPU:
		ev->count = d->count_attr ? attr_u64(tb[d->count_attr]) : 0;
		return ev->has_cpu && (!d->count_attr || tb[d->count_attr]);
	default:
		return true;
	}
}

/*
 * "18 exit pid=1234 comm=make cpu=1 utime=1.200s stime=0.030s ...", and
 * a budget's: "19 budget-over pid=1234 comm=make cpu=1 budget=cpu
 * limit=50% value=73.4% utime=...", in the units of limits.
 */
static void event_task_text(FILE *f, const struct event *ev)
{
	char ut[32], st[32], rss[16], limit[32], value[32];

	fprintf(f, "%" PRIu64 " %s pid=%" PRIu32 " comm=%s cpu=%" PRIu32, ev->seq,
		event_kind_name(ev->kind), ev->pid, ev->comm, ev->cpu);
	if (ev->kind != TMON_EVENT_EXIT) {
		fmt_budget(limit, sizeof(limit), ev->budget, ev->limit);
		fmt_budget(value, sizeof(value), ev->budget, ev->value);
		fprintf(f, " budget=%s limit=%s value=%s", budget_name(ev->budget), limit, value);
	}
	fmt_seconds(ut, sizeof(ut), ev->task.utime_ns);
	fmt_seconds(st, sizeof(st), ev->task.stime_ns);
	fmt_bytes(rss, sizeof(rss), ev->task.rss_bytes);
	fprintf(f, " utime=%ss stime=%ss rss=%s majflt=%" PRIu64 " suppressed=%" PRIu64 "\n",
		ut, st, rss, (uint64_t)ev->task.majflt, ev->suppressed);
}

/* "17 thread-latency cpu=3 latency=152.3us irq_latency=4.5us ..." */
static void event_wakeup_text(FILE *f, const struct event *ev)
{
	char lat[32], irq[32], thr[32];
	unsigned int k;

	fmt_usec(lat, sizeof(lat), ev->rec.latency_ns);
	fmt_usec(irq, sizeof(irq), ev->rec.irq_latency_ns);
	fmt_usec(thr, sizeof(thr), ev->threshold_ns);
	fprintf(f, "%" PRIu64 " %s cpu=%" PRIu32 " latency=%sus irq_latency=%sus threshold=%sus",
		ev->seq, event_kind_name(ev->kind), ev->cpu, lat, irq, thr);
	fprintf(f, " missed=%" PRIu32, ev->rec.missed);
	if (ev->has_cause)
		fprintf(f, " cause=%" PRIu32 "/%s policy=%s prio=%" PRIu32, ev->cause_pid, ev->comm,
			sched_policy_name(ev->cause_policy), ev->cause_prio);
	else
		fputs(" cause=- policy=- prio=-", f);
	for (k = 0; k < NR_CAUSE_COUNTS; k++) {
		if (ev->has_cause_count[k])
			fprintf(f, " %s=%" PRIu64, cause_count_descs[k].text, ev->cause_count[k]);
		else
			fprintf(f, " %s=-", cause_count_descs[k].text);
	}
	fprintf(f, " suppressed=%" PRIu64 "\n", ev->suppressed);
}

/* "12 thread-lost cpu=3 suppressed=0", "13 samples-dropped cpu=1 dropped=16160 ..." */
void event_text(FILE *f, const struct event *ev)
{
	const struct event_desc *d = event_desc(ev->kind);

	if (d->shape == EV_WAKEUP) {
		event_wakeup_text(f, ev);
		return;
	}
	if (event_of_task(ev->kind)) {
		event_task_text(f, ev);
		return;
	}
	fprintf(f, "%" PRIu64 " %s", ev->seq, event_kind_name(ev->kind));
	if (ev->has_cpu)
		fprintf(f, " cpu=%" PRIu32, ev->cpu);
	if (d->count_attr)
		fprintf(f, " %s=%" PRIu64, d->count_text, ev->count);
	fprintf(f, " suppressed=%" PRIu64 "\n", ev->suppressed);
}

/* The process and its (final) record, as list and show have it. */
static void event_task_json(struct json *j, const struct event *ev)
{
	json_u64(j, "pid", ev->pid);
	json_str(j, "comm", ev->raw_comm);
	if (ev->kind != TMON_EVENT_EXIT) {
		json_str(j, "budget", budget_name(ev->budget));
		json_u64(j, "limit", ev->limit);
		json_u64(j, "value", ev->value);
	}
	json_object(j, "record");
	fields_json(j, &task_fields, &ev->task);
	json_end(j);
}

static void event_wakeup_json(struct json *j, const struct event *ev)
{
	unsigned int k;

	json_u64(j, "threshold_ns", ev->threshold_ns);
	json_u64(j, "latency_ns", ev->rec.latency_ns);
	json_u64(j, "irq_latency_ns", ev->rec.irq_latency_ns);
	json_u64(j, "expected_ns", ev->rec.expected_ns);
	json_u64(j, "record_seq", ev->rec.seq);
	json_u64(j, "missed", ev->rec.missed);
	if (ev->has_cause) {
		json_object(j, "cause");
		json_u64(j, "pid", ev->cause_pid);
		json_str(j, "comm", ev->raw_comm);
		json_str(j, "policy", sched_policy_name(ev->cause_policy));
		json_u64(j, "prio", ev->cause_prio);
		json_end(j);
	} else {
		json_null(j, "cause");
	}
	for (k = 0; k < NR_CAUSE_COUNTS; k++) {
		if (ev->has_cause_count[k])
			json_u64(j, cause_count_descs[k].json, ev->cause_count[k]);
		else
			json_null(j, cause_count_descs[k].json);
	}
}

/* @ev as an object of @j (an element of an array, or the document). */
void event_json_object(struct json *j, const struct event *ev)
{
	const struct event_desc *d = event_desc(ev->kind);

	json_object(j, NULL);
	json_u64(j, "seq", ev->seq);
	json_str(j, "kind", event_kind_name(ev->kind));
	if (ev->has_cpu)
		json_u64(j, "cpu", ev->cpu);
	if (d->shape == EV_WAKEUP)
		event_wakeup_json(j, ev);
	else if (event_of_task(ev->kind))
		event_task_json(j, ev);
	else if (d->count_attr)
		json_u64(j, d->count_json, ev->count);
	json_u64(j, "suppressed", ev->suppressed);
	json_end(j);
}

void event_json(FILE *f, const struct event *ev)
{
	struct json j;

	json_init(&j, f);
	j.pretty = false;	/* JSON lines: one event a line */
	event_json_object(&j, ev);
}

static void setenv_u64(const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	setenv(name, buf, 1);
}

/*
 * No TMON_EVENT_* of tmonctl's own environment: a variable that does not
 * belong to this kind of event (or to none) is unset, not stale.
 */
static void event_env_clear(void)
{
	char name[64];
	size_t i, n;

	for (i = 0; environ[i]; ) {
		n = strcspn(environ[i], "=");
		if (strncmp(environ[i], "TMON_EVENT_", 11) || n >= sizeof(name)) {
			i++;
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)n, environ[i]);
		unsetenv(name);
		i = 0;	/* (unsetenv() moved the others) */
	}
}

/* A process's event: the process and its figures; a budget's too. */
static void event_task_env(const struct event *ev)
{
	setenv_u64("TMON_EVENT_PID", ev->pid);
	setenv("TMON_EVENT_COMM", ev->comm, 1);
	setenv_u64("TMON_EVENT_UTIME_NS", ev->task.utime_ns);
	setenv_u64("TMON_EVENT_STIME_NS", ev->task.stime_ns);
	setenv_u64("TMON_EVENT_RSS_BYTES", ev->task.rss_bytes);
	if (ev->kind == TMON_EVENT_EXIT)
		return;
	setenv("TMON_EVENT_BUDGET", budget_name(ev->budget), 1);
	setenv_u64("TMON_EVENT_LIMIT", ev->limit);
	setenv_u64("TMON_EVENT_VALUE", ev->value);
}

static void event_wakeup_env(const struct event *ev)
{
	unsigned int k;

	setenv_u64("TMON_EVENT_LATENCY_NS", ev->rec.latency_ns);
	setenv_u64("TMON_EVENT_IRQ_LATENCY_NS", ev->rec.irq_latency_ns);
	setenv_u64("TMON_EVENT_EXPECTED_NS", ev->rec.expected_ns);
	setenv_u64("TMON_EVENT_RECORD_SEQ", ev->rec.seq);
	setenv_u64("TMON_EVENT_THRESHOLD_NS", ev->threshold_ns);
	setenv_u64("TMON_EVENT_MISSED", ev->rec.missed);
	for (k = 0; k < NR_CAUSE_COUNTS; k++)
		if (ev->has_cause_count[k])
			setenv_u64(cause_count_descs[k].env, ev->cause_count[k]);
	if (!ev->has_cause)
		return;
	setenv_u64("TMON_EVENT_CAUSE_PID", ev->cause_pid);
	setenv_u64("TMON_EVENT_CAUSE_PRIO", ev->cause_prio);
	setenv("TMON_EVENT_CAUSE_COMM", ev->comm, 1);
	setenv("TMON_EVENT_CAUSE_POLICY", sched_policy_name(ev->cause_policy), 1);
}

/* In the child: the event as TMON_EVENT_* variables, named as its JSON keys. */
void event_env(const struct event *ev)
{
	const struct event_desc *d = event_desc(ev->kind);

	event_env_clear();
	setenv_u64("TMON_EVENT_SEQ", ev->seq);
	setenv("TMON_EVENT_KIND", event_kind_name(ev->kind), 1);
	if (ev->has_cpu)
		setenv_u64("TMON_EVENT_CPU", ev->cpu);
	setenv_u64("TMON_EVENT_SUPPRESSED", ev->suppressed);
	if (d->shape == EV_WAKEUP)
		event_wakeup_env(ev);
	else if (event_of_task(ev->kind))
		event_task_env(ev);
	else if (d->count_attr)
		setenv_u64(d->count_env, ev->count);
}
