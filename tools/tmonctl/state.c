// SPDX-License-Identifier: GPL-2.0
/*
 * The module's state as one structure, read over netlink: its status, the
 * per-CPU threads, the latency over the stored wakeup history, the watch
 * list. status, top, latency and export read it here.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "tmonctl.h"

int need_module(void)
{
	return nl_open();
}

/* CPU @cpu is online: /sys/devices/system/cpu/cpuN/online, absent for the boot CPU. */
bool cpu_online(unsigned int cpu)
{
	char path[64];
	uint64_t v;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	return sysfs_read_u64(path, &v) ? true : v == 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v. p99 is the nearest-rank percentile, as cyclictest and rtla. */
void lat_compute(struct lat_stats *s, uint64_t *v, size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_u64);
	s->count = n;
	s->min = v[0];
	s->max = v[n - 1];
	for (i = 0; i < n; i++)
		s->sum += v[i];
	s->p50 = v[(n * 50 + 99) / 100 - 1];
	s->p99 = v[(n * 99 + 99) / 100 - 1];
}

/* Absent attributes read as 0: an older module may not send them all. */
static uint32_t attr_u32(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u32(attr) : 0;
}

static uint64_t attr_u64(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

/* Where a cpu-status nest's u64 attribute @type goes, but a bucket; NULL: none. */
static uint64_t *cpu_status_u64(struct cpu_state *c, uint16_t type)
{
	switch (type) {
	case TMON_A_WAKEUPS:
		return &c->wakeups;
	case TMON_A_MISSED:
		return &c->missed;
	case TMON_A_LATENCY_SUM_NS:
		return &c->lat_sum_ns;
	case TMON_A_RUN_NS:
		return &c->run_ns;
	case TMON_A_THREAD_THRESHOLD_NS:
		return &c->threshold_ns[THRESHOLD_THREAD];
	case TMON_A_IRQ_THRESHOLD_NS:
		return &c->threshold_ns[THRESHOLD_IRQ];
	}
	return NULL;
}

/* One TMON_A_CPU_STATUS nest into @c; -EPROTO if an attribute is malformed. */
static int cpu_status_parse(const struct nlattr *attr, struct cpu_state *c)
{
	const struct nlattr *nest;
	uint64_t *u64;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return -EPROTO;
	/* A threshold that is off is not sent. */
	c->threshold_ns[THRESHOLD_THREAD] = THRESHOLD_OFF;
	c->threshold_ns[THRESHOLD_IRQ] = THRESHOLD_OFF;
	mnl_attr_for_each_nested(nest, attr) {
		u64 = NULL;
		switch (mnl_attr_get_type(nest)) {
		case TMON_A_CPU:
		case TMON_A_THREAD_PID:
			if (mnl_attr_validate(nest, MNL_TYPE_U32) < 0)
				return -EPROTO;
			if (mnl_attr_get_type(nest) == TMON_A_CPU)
				c->cpu = mnl_attr_get_u32(nest);
			else
				c->thread_pid = mnl_attr_get_u32(nest);
			break;
		case TMON_A_SCHED_POLICY:
		case TMON_A_SCHED_PRIO:
			if (mnl_attr_validate(nest, MNL_TYPE_U32) < 0)
				return -EPROTO;
			c->has_sched = true;
			if (mnl_attr_get_type(nest) == TMON_A_SCHED_POLICY)
				c->policy = mnl_attr_get_u32(nest);
			else
				c->prio = mnl_attr_get_u32(nest);
			break;
		case TMON_A_THREAD_RUNNING:
			if (mnl_attr_validate(nest, MNL_TYPE_U8) < 0)
				return -EPROTO;
			c->running = mnl_attr_get_u8(nest);
			break;
		case TMON_A_LATENCY_BUCKET:
			if (c->nr_buckets == ARRAY_SIZE(c->lat_buckets))
				return -EPROTO;
			u64 = &c->lat_buckets[c->nr_buckets++];
			break;
		default:
			u64 = cpu_status_u64(c, mnl_attr_get_type(nest));
		}
		if (u64) {
			if (mnl_attr_validate(nest, MNL_TYPE_U64) < 0)
				return -EPROTO;
			*u64 = mnl_attr_get_u64(nest);
		}
	}
	c->online = cpu_online(c->cpu);
	return 0;
}

/* One TMON_A_EVENT_STATS nest: a kind's counters. */
static int event_stats_parse(const struct nlattr *attr, struct tmon_status *st)
{
	uint64_t sent = 0, suppressed = 0;
	const struct nlattr *nest;
	uint32_t kind = 0;

	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return -EPROTO;
	mnl_attr_for_each_nested(nest, attr) {
		switch (mnl_attr_get_type(nest)) {
		case TMON_A_EVENT_KIND:
			if (mnl_attr_validate(nest, MNL_TYPE_U32) < 0)
				return -EPROTO;
			kind = mnl_attr_get_u32(nest);
			break;
		case TMON_A_EVENT_COUNT:
		case TMON_A_EVENT_SUPPRESSED:
			if (mnl_attr_validate(nest, MNL_TYPE_U64) < 0)
				return -EPROTO;
			if (mnl_attr_get_type(nest) == TMON_A_EVENT_COUNT)
				sent = mnl_attr_get_u64(nest);
			else
				suppressed = mnl_attr_get_u64(nest);
			break;
		}
	}
	/* A kind this tool does not know is left out. */
	if (kind >= TMON_EVENT_THREAD_LATENCY && kind < ARRAY_SIZE(st->events)) {
		st->events[kind].sent = sent;
		st->events[kind].suppressed = suppressed;
	}
	return 0;
}

/* The latest events (TMON_A_EVENT_LATEST nests); one of a kind unknown here is kept. */
static int status_latest_parse(const struct nlmsghdr *nlh, struct tmon_status *st)
{
	const struct nlattr *attr;
	unsigned int n = 0;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		n += mnl_attr_get_type(attr) == TMON_A_EVENT_LATEST;
	if (!n)
		return 0;
	st->latest = calloc(n, sizeof(*st->latest));
	if (!st->latest)
		return -ENOMEM;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *tb[TMON_A_MAX + 1] = { NULL };

		if (mnl_attr_get_type(attr) != TMON_A_EVENT_LATEST)
			continue;
		if (nl_parse_nested(attr, tb) || !event_parse(tb, &st->latest[st->nr_latest]))
			return -EPROTO;
		st->nr_latest++;
	}
	return 0;
}

static int status_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	struct tmon_status *st = data;
	const struct nlattr *attr;
	unsigned int n = 0;

	if (!tb[TMON_A_VERSION] || !tb[TMON_A_PERIOD_NS] || !tb[TMON_A_NR_CPUS])
		return -EPROTO;
	snprintf(st->version, sizeof(st->version), "%s", mnl_attr_get_str(tb[TMON_A_VERSION]));
	st->abi_version = attr_u32(tb[TMON_A_ABI_VERSION]);
	st->history = attr_u32(tb[TMON_A_HISTORY]);
	st->max_tasks = attr_u32(tb[TMON_A_MAX_TASKS]);
	st->nr_cpus = attr_u32(tb[TMON_A_NR_CPUS]);
	st->nr_tasks = attr_u32(tb[TMON_A_NR_TASKS]);
	st->period_ns = attr_u64(tb[TMON_A_PERIOD_NS]);
	st->samples = attr_u64(tb[TMON_A_NR_SAMPLES]);
	st->dropped = attr_u64(tb[TMON_A_SAMPLES_DROPPED]);
	st->skipped = attr_u64(tb[TMON_A_SAMPLES_SKIPPED]);
	st->reclaimed = attr_u64(tb[TMON_A_SAMPLES_RECLAIMED]);
	st->mem_bytes = attr_u64(tb[TMON_A_MEM_BYTES]);
	st->ring_lost = attr_u64(tb[TMON_A_RING_LOST]);
	st->event_seq = attr_u64(tb[TMON_A_EVENT_SEQ]);
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		n += mnl_attr_get_type(attr) == TMON_A_CPU_STATUS;
		if (mnl_attr_get_type(attr) == TMON_A_EVENT_STATS && event_stats_parse(attr, st))
			return -EPROTO;
		if (mnl_attr_get_type(attr) != TMON_A_LATENCY_BOUND_NS)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0 || st->nr_bounds == MAX_LAT_BOUNDS)
			return -EPROTO;
		st->lat_bounds_ns[st->nr_bounds++] = mnl_attr_get_u64(attr);
	}
	if (status_latest_parse(nlh, st))
		return -EPROTO;
	st->cpus = calloc(n ? n : 1, sizeof(*st->cpus));
	if (!st->cpus)
		return -ENOMEM;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != TMON_A_CPU_STATUS)
			continue;
		if (cpu_status_parse(attr, &st->cpus[st->nr_possible]))
			return -EPROTO;
		/* One bucket per bound and one above them, or none. */
		if (st->cpus[st->nr_possible].nr_buckets &&
		    st->cpus[st->nr_possible].nr_buckets != st->nr_bounds + 1)
			return -EPROTO;
		st->nr_possible++;
	}
	return 0;
}

static struct cpu_state *cpu_find(struct tmon_status *st, uint32_t cpu)
{
	unsigned int i;

	for (i = 0; i < st->nr_possible; i++)
		if (st->cpus[i].cpu == cpu)
			return &st->cpus[i];
	return NULL;
}

static int cpu_record_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	struct tmon_cpu_record rec;
	struct cpu_state *c;

	(void)nlh;
	if (!nl_get_record(tb[TMON_A_CPU_RECORD], &rec, sizeof(rec)))
		return 0;
	c = cpu_find(data, rec.cpu);
	if (!c)
		return 0;
	if (c->nr_lat % 1024 == 0) {
		uint64_t *v = realloc(c->lat_ns, (c->nr_lat + 1024) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->lat_ns = v;
		v = realloc(c->irq_lat_ns, (c->nr_lat + 1024) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->irq_lat_ns = v;
	}
	c->irq_lat_ns[c->nr_lat] = rec.irq_latency_ns;
	c->lat_ns[c->nr_lat++] = rec.latency_ns;
	c->recent_missed += rec.missed;
	c->last = rec;
	return 0;
}

/* 0, or an exit status after one error line. */
int status_get(struct tmon_status *st, bool with_latency)
{
	struct nlmsghdr *nlh;
	unsigned int i;
	int err;

	memset(st, 0, sizeof(*st));
	err = nl_open();
	if (err)
		return err;
	err = nl_talk(nl_request(TMON_CMD_GET_STATUS, false), status_cb, st);
	thresholds_params_read(st->threshold_ns);
	if (!err && with_latency) {
		nlh = nl_request(TMON_CMD_DUMP_CPUS, true);
		err = nl_talk(nlh, cpu_record_cb, st);
		for (i = 0; !err && i < st->nr_possible; i++) {
			lat_compute(&st->cpus[i].lat, st->cpus[i].lat_ns, st->cpus[i].nr_lat);
			lat_compute(&st->cpus[i].irq_lat, st->cpus[i].irq_lat_ns,
				    st->cpus[i].nr_lat);
		}
	}
	if (err) {
		error("cannot read the module's status: %s", nl_strerror(err));
		status_free(st);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

void status_free(struct tmon_status *st)
{
	unsigned int i;

	for (i = 0; st->cpus && i < st->nr_possible; i++) {
		free(st->cpus[i].lat_ns);
		free(st->cpus[i].irq_lat_ns);
	}
	free(st->cpus);
	free(st->latest);
	st->cpus = NULL;
}

static int task_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	struct task_list *tl = data;
	struct task_state *t;

	(void)nlh;
	if (!tb[TMON_A_PID])
		return -EPROTO;
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 64;

		t = realloc(tl->t, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		tl->t = t;
		tl->cap = cap;
	}
	t = &tl->t[tl->n++];
	memset(t, 0, sizeof(*t));
	t->pid = mnl_attr_get_u32(tb[TMON_A_PID]);
	t->exited = tb[TMON_A_STATE] && mnl_attr_get_u8(tb[TMON_A_STATE]) == TMON_STATE_EXITED;
	if (tb[TMON_A_NR_RECORDS])
		t->nr_records = mnl_attr_get_u32(tb[TMON_A_NR_RECORDS]);
	t->has_record = nl_get_record(tb[TMON_A_TASK_RECORD], &t->rec, sizeof(t->rec));
	t->rec.comm[TMON_COMM_LEN - 1] = '\0';
	budgets_parse(tb, t->budget);
	return 0;
}

/* The watch list, by pid, each with its newest record. 0 or an exit status. */
int tasks_get(struct task_list *tl)
{
	int err;

	tl->n = 0;
	err = nl_open();
	if (err)
		return err;
	err = nl_talk(nl_request(TMON_CMD_LIST_TASKS, true), task_cb, tl);
	if (err) {
		error("cannot list the watched tasks: %s", nl_strerror(err));
		return EXIT_ERR;
	}
	return EXIT_OK;
}

/* The scheduler's name for a policy (SCHED_* of sched(7)), as tmon's parameter spells it. */
