// SPDX-License-Identifier: GPL-2.0
/* `tmonctl status`: the screen that says whether monitoring is healthy. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "state_file.h"
#include "tmonctl.h"

const char *sched_policy_name(uint32_t policy)
{
	static const char * const names[] = { "other", "fifo", "rr", "batch", NULL, "idle",
					      "deadline", "ext" };

	return policy < ARRAY_SIZE(names) && names[policy] ? names[policy] : "unknown";
}

/* One latency's summary as the object @key: status and latency write the same. */
void json_lat_stats(struct json *j, const char *key, const struct lat_stats *l)
{
	json_object(j, key);
	json_u64(j, "min", l->min);
	json_u64(j, "avg", l->count ? l->sum / l->count : 0);
	json_u64(j, "p50", l->p50);
	json_u64(j, "p99", l->p99);
	json_u64(j, "max", l->max);
	json_end(j);
}

/*
 * What is wrong, if anything. Missed expiries count while they are in the
 * stored history, so that one late wakeup long ago does not mark the
 * module degraded for good; the losses count since load.
 */
void status_problems(const struct tmon_status *st, struct problems *p)
{
	uint64_t missed = 0, recent = 0;
	unsigned int i, nothread = 0;
	size_t records = 0;

	for (i = 0; i < st->nr_possible; i++) {
		nothread += st->cpus[i].online && !st->cpus[i].running;
		missed += st->cpus[i].missed;
		recent += st->cpus[i].recent_missed;
		records += st->cpus[i].nr_lat;
	}
	p->n = 0;
#define ADD(...) snprintf(p->text[p->n++], sizeof(p->text[0]), __VA_ARGS__)
	if (nothread)
		ADD("%u online CPU(s) without a thread", nothread);
	if (recent)
		ADD("%" PRIu64 " missed wakeups in the last %zu records (%" PRIu64 " in all)",
		    recent, records, missed);
	if (st->dropped)
		ADD("%" PRIu64 " samples dropped", st->dropped);
	if (st->skipped)
		ADD("%" PRIu64 " samples skipped by a late sampler", st->skipped);
	if (st->ring_lost)
		ADD("%" PRIu64 " ring records lost by readers", st->ring_lost);
#undef ADD
}

/* The events since load and the thresholds in force (null: off). */
static void status_events_json(struct json *j, const struct tmon_status *st)
{
	unsigned int i;

	json_object(j, "events");
	json_u64(j, "seq", st->event_seq);
	for (i = 0; i < NR_THRESHOLDS; i++) {
		const char *name = settings[SET_THREAD_THRESHOLD + i].name;

		if (st->threshold_ns[i] == THRESHOLD_OFF)
			json_null(j, name);
		else
			json_u64(j, name, st->threshold_ns[i]);
	}
	json_array(j, "kinds");
	for (i = TMON_EVENT_THREAD_LATENCY; i < ARRAY_SIZE(st->events); i++) {
		json_object(j, NULL);
		json_str(j, "kind", event_kind_name(i));
		json_u64(j, "sent", st->events[i].sent);
		json_u64(j, "suppressed", st->events[i].suppressed);
		json_end(j);
	}
	json_end(j);
	json_array(j, "latest");
	for (i = 0; i < st->nr_latest; i++)
		event_json_object(j, &st->latest[i]);
	json_end(j);
	json_end(j);
}

static void status_events_text(const struct tmon_status *st)
{
	char thr[NR_THRESHOLDS][32], us[24];
	uint64_t held = 0;
	unsigned int i;

	for (i = 0; i < NR_THRESHOLDS; i++) {
		snprintf(thr[i], sizeof(thr[i]), "off");
		if (st->threshold_ns[i] != THRESHOLD_OFF) {
			fmt_usec(us, sizeof(us), st->threshold_ns[i]);
			snprintf(thr[i], sizeof(thr[i]), "%sus", us);
		}
	}
	printf("events    %" PRIu64 " sent:", st->event_seq);
	for (i = TMON_EVENT_THREAD_LATENCY; i < ARRAY_SIZE(st->events); i++) {
		printf(" %s %" PRIu64, event_kind_name(i), st->events[i].sent);
		held += st->events[i].suppressed;
	}
	printf("; %" PRIu64 " held back; thresholds: thread %s, IRQ %s\n", held, thr[0], thr[1]);
	for (i = 0; i < st->nr_latest; i++) {
		fputs(i ? "          " : "latest    ", stdout);
		event_text(stdout, &st->latest[i]);
	}
}

static void status_json(const struct tmon_status *st, const struct problems *p)
{
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_str(&j, "version", st->version);
	json_str(&j, "health", p->n ? "degraded" : "healthy");
	json_array(&j, "problems");
	for (i = 0; i < p->n; i++)
		json_str(&j, NULL, p->text[i]);
	json_end(&j);
	json_u64(&j, "abi_version", st->abi_version);
	json_u64(&j, "period_ns", st->period_ns);
	json_u64(&j, "history", st->history);
	json_u64(&j, "max_tasks", st->max_tasks);
	json_u64(&j, "nr_cpus", st->nr_cpus);
	json_array(&j, "cpus");
	for (i = 0; i < st->nr_possible; i++) {
		const struct cpu_state *c = &st->cpus[i];

		json_object(&j, NULL);
		json_u64(&j, "cpu", c->cpu);
		json_bool(&j, "online", c->online);
		json_u64(&j, "thread_pid", c->thread_pid);
		json_bool(&j, "thread_running", c->running);
		json_u64(&j, "wakeups", c->wakeups);
		json_u64(&j, "missed", c->missed);
		json_u64(&j, "records", c->lat.count);
		json_lat_stats(&j, "latency_ns", &c->lat);
		json_lat_stats(&j, "irq_latency_ns", &c->irq_lat);
		if (c->has_sched) {
			json_str(&j, "policy", sched_policy_name(c->policy));
			json_u64(&j, "prio", c->prio);
		}
		json_thresholds(&j, c);
		json_end(&j);
	}
	json_end(&j);
	json_u64(&j, "tasks", st->nr_tasks);
	json_u64(&j, "samples", st->samples);
	json_u64(&j, "dropped", st->dropped);
	json_u64(&j, "skipped", st->skipped);
	json_u64(&j, "reclaimed", st->reclaimed);
	json_u64(&j, "mem_bytes", st->mem_bytes);
	json_u64(&j, "ring_lost", st->ring_lost);
	status_events_json(&j, st);
	json_end(&j);
}

static void status_text(const struct tmon_status *st, const struct problems *p)
{
	char per[32], mem[16], a[16], b[16], c[16], d[16];
	unsigned int i;

	snprintf(per, sizeof(per), "%" PRIu64 ".%09" PRIu64 " s", st->period_ns / NSEC_PER_SEC,
		 st->period_ns % NSEC_PER_SEC);
	printf("tmon %s (abi %u): %s\n", st->version, st->abi_version,
	       p->n ? "DEGRADED" : "healthy");
	for (i = 0; i < p->n; i++)
		printf("%s%s", i ? "; " : "  ", p->text[i]);
	if (p->n)
		putchar('\n');
	printf("period    %s   history %u per CPU and task   max_tasks %u\n",
	       per, st->history, st->max_tasks);
	/* SCHED last: scripts take it as the last word. */
	printf("\n%-4s %-8s %7s %10s %7s %9s %9s %9s %9s %13s %s\n", "CPU", "THREAD", "PID",
	       "WAKEUPS", "MISSED", "MIN(us)", "AVG(us)", "P99(us)", "MAX(us)", "THRESHOLDS",
	       "SCHED");
	for (i = 0; i < st->nr_possible; i++) {
		const struct cpu_state *cs = &st->cpus[i];
		const char *state = cs->running ? "running" : cs->online ? "MISSING" : "offline";
		char sched[24] = "-", thr[64];

		if (cs->has_sched && cs->policy == SCHED_FIFO)
			snprintf(sched, sizeof(sched), "fifo:%u", cs->prio);
		else if (cs->has_sched)
			snprintf(sched, sizeof(sched), "%s", sched_policy_name(cs->policy));

		fmt_usec(a, sizeof(a), cs->lat.min);
		fmt_usec(b, sizeof(b), cs->lat.count ? cs->lat.sum / cs->lat.count : 0);
		fmt_usec(c, sizeof(c), cs->lat.p99);
		fmt_usec(d, sizeof(d), cs->lat.max);
		fmt_cpu_thresholds(thr, sizeof(thr), cs);
		printf("%-4u %-8s %7u %10" PRIu64 " %7" PRIu64 " %9s %9s %9s %9s %13s %s\n",
		       cs->cpu, state, cs->thread_pid, cs->wakeups, cs->missed,
		       cs->lat.count ? a : "-", cs->lat.count ? b : "-",
		       cs->lat.count ? c : "-", cs->lat.count ? d : "-", thr, sched);
	}
	fmt_bytes(mem, sizeof(mem), st->mem_bytes);
	printf("\ntasks     %u watched\n", st->nr_tasks);
	printf("samples   %" PRIu64 " stored, %" PRIu64 " dropped, %" PRIu64 " skipped, %" PRIu64
	       " reclaimed\n", st->samples, st->dropped, st->skipped, st->reclaimed);
	printf("memory    %s (%" PRIu64 " bytes)\n", mem, st->mem_bytes);
	printf("rings     %" PRIu64 " records lost by readers\n", st->ring_lost);
	status_events_text(st);
}

int cmd_status(int argc, char **argv)
{
	struct tmon_status st;
	struct problems p;
	int err;

	err = cmd_options_only(argc, argv);
	if (err)
		return err;
	err = status_get(&st, true);
	if (err)
		return err;
	status_problems(&st, &p);
	if (json_global)
		status_json(&st, &p);
	else
		status_text(&st, &p);
	status_free(&st);
	if (fflush(stdout) || ferror(stdout)) {
		error("status: cannot write the output");
		return EXIT_ERR;
	}
	/* Scripts and monitors tell a degraded module by the exit status. */
	return p.n ? EXIT_DEGRADED : EXIT_OK;
}
