/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit: made from netlink/tmon.yaml by netlink/gen.py. */
/*
 * The netlink family as user space checks it: every attribute's type and
 * payload size, every command's request and reply attributes.
 */
#ifndef _TMON_GENL_MODEL_H
#define _TMON_GENL_MODEL_H

#include "../../src/tmon_abi.h"

enum tmon_genl_kind {
	TMON_GENL_NONE,
	TMON_GENL_PAD,
	TMON_GENL_U8,
	TMON_GENL_U32,
	TMON_GENL_U64,
	TMON_GENL_STRING,
	TMON_GENL_NEST,
	TMON_GENL_BINARY,
};

struct tmon_genl_attr {
	const char *name;
	enum tmon_genl_kind kind;
	unsigned int len;	/* payload bytes; 0: any (string, nest) */
	int multi;		/* may appear more than once (multi-attr) */
};

#define B(a) (1ULL << (a))
_Static_assert(TMON_A_MAX < 64, "attribute masks are 64 bits");

static const struct tmon_genl_attr tmon_genl_attrs[TMON_A_MAX + 1] = {
	[TMON_A_PAD] = {
		"pad", TMON_GENL_PAD, 0, 0 },
	[TMON_A_VERSION] = {
		"version", TMON_GENL_STRING, 0, 0 },
	[TMON_A_ABI_VERSION] = {
		"abi-version", TMON_GENL_U32, 4, 0 },
	[TMON_A_PERIOD_NS] = {
		"period-ns", TMON_GENL_U64, 8, 0 },
	[TMON_A_HISTORY] = {
		"history", TMON_GENL_U32, 4, 0 },
	[TMON_A_MAX_TASKS] = {
		"max-tasks", TMON_GENL_U32, 4, 0 },
	[TMON_A_NR_CPUS] = {
		"nr-cpus", TMON_GENL_U32, 4, 0 },
	[TMON_A_NR_TASKS] = {
		"nr-tasks", TMON_GENL_U32, 4, 0 },
	[TMON_A_NR_SAMPLES] = {
		"nr-samples", TMON_GENL_U64, 8, 0 },
	[TMON_A_SAMPLES_DROPPED] = {
		"samples-dropped", TMON_GENL_U64, 8, 0 },
	[TMON_A_SAMPLES_RECLAIMED] = {
		"samples-reclaimed", TMON_GENL_U64, 8, 0 },
	[TMON_A_MEM_BYTES] = {
		"mem-bytes", TMON_GENL_U64, 8, 0 },
	[TMON_A_RING_LOST] = {
		"ring-lost", TMON_GENL_U64, 8, 0 },
	[TMON_A_CPU_STATUS] = {
		"cpu-status", TMON_GENL_NEST, 0, 1 },
	[TMON_A_CPU] = {
		"cpu", TMON_GENL_U32, 4, 0 },
	[TMON_A_THREAD_PID] = {
		"thread-pid", TMON_GENL_U32, 4, 0 },
	[TMON_A_WAKEUPS] = {
		"wakeups", TMON_GENL_U64, 8, 0 },
	[TMON_A_MISSED] = {
		"missed", TMON_GENL_U64, 8, 0 },
	[TMON_A_PID] = {
		"pid", TMON_GENL_U32, 4, 0 },
	[TMON_A_STATE] = {
		"state", TMON_GENL_U8, 1, 0 },
	[TMON_A_NR_RECORDS] = {
		"nr-records", TMON_GENL_U32, 4, 0 },
	[TMON_A_TASK_RECORD] = {
		"task-record", TMON_GENL_BINARY, sizeof(struct tmon_task_record), 0 },
	[TMON_A_CPU_RECORD] = {
		"cpu-record", TMON_GENL_BINARY, sizeof(struct tmon_cpu_record), 0 },
	[TMON_A_THREAD_RUNNING] = {
		"thread-running", TMON_GENL_U8, 1, 0 },
	[TMON_A_SCHED_POLICY] = {
		"sched-policy", TMON_GENL_U32, 4, 0 },
	[TMON_A_SCHED_PRIO] = {
		"sched-prio", TMON_GENL_U32, 4, 0 },
	[TMON_A_SAMPLES_SKIPPED] = {
		"samples-skipped", TMON_GENL_U64, 8, 0 },
	[TMON_A_LATENCY_BOUND_NS] = {
		"latency-bound-ns", TMON_GENL_U64, 8, 1 },
	[TMON_A_LATENCY_BUCKET] = {
		"latency-bucket", TMON_GENL_U64, 8, 1 },
	[TMON_A_LATENCY_SUM_NS] = {
		"latency-sum-ns", TMON_GENL_U64, 8, 0 },
	[TMON_A_RUN_NS] = {
		"run-ns", TMON_GENL_U64, 8, 0 },
	[TMON_A_EVENT_SEQ] = {
		"event-seq", TMON_GENL_U64, 8, 0 },
	[TMON_A_EVENT_KIND] = {
		"event-kind", TMON_GENL_U32, 4, 0 },
	[TMON_A_EVENT_SUPPRESSED] = {
		"event-suppressed", TMON_GENL_U64, 8, 0 },
	[TMON_A_THRESHOLD_NS] = {
		"threshold-ns", TMON_GENL_U64, 8, 0 },
	[TMON_A_CAUSE_PID] = {
		"cause-pid", TMON_GENL_U32, 4, 0 },
	[TMON_A_CAUSE_COMM] = {
		"cause-comm", TMON_GENL_STRING, 0, 0 },
	[TMON_A_CAUSE_POLICY] = {
		"cause-policy", TMON_GENL_U32, 4, 0 },
	[TMON_A_CAUSE_PRIO] = {
		"cause-prio", TMON_GENL_U32, 4, 0 },
	[TMON_A_CAUSE_IRQS] = {
		"cause-irqs", TMON_GENL_U64, 8, 0 },
	[TMON_A_CAUSE_SOFTIRQS] = {
		"cause-softirqs", TMON_GENL_U64, 8, 0 },
	[TMON_A_EVENT_COUNT] = {
		"event-count", TMON_GENL_U64, 8, 0 },
	[TMON_A_EVENT_STATS] = {
		"event-stats", TMON_GENL_NEST, 0, 1 },
	[TMON_A_THREAD_THRESHOLD_NS] = {
		"thread-threshold-ns", TMON_GENL_U64, 8, 0 },
	[TMON_A_IRQ_THRESHOLD_NS] = {
		"irq-threshold-ns", TMON_GENL_U64, 8, 0 },
	[TMON_A_BUDGET_CPU] = {
		"budget-cpu", TMON_GENL_U64, 8, 0 },
	[TMON_A_BUDGET_RSS] = {
		"budget-rss", TMON_GENL_U64, 8, 0 },
	[TMON_A_BUDGET_MAJFLT] = {
		"budget-majflt", TMON_GENL_U64, 8, 0 },
	[TMON_A_BUDGET] = {
		"budget", TMON_GENL_U32, 4, 0 },
	[TMON_A_BUDGET_LIMIT] = {
		"budget-limit", TMON_GENL_U64, 8, 0 },
	[TMON_A_BUDGET_VALUE] = {
		"budget-value", TMON_GENL_U64, 8, 0 },
	[TMON_A_EVENT_LATEST] = {
		"event-latest", TMON_GENL_NEST, 0, 1 },
};

/* The attributes of a cpu-status nest. */
static const unsigned long long tmon_genl_cpu_status_attrs =
	B(TMON_A_CPU) | B(TMON_A_THREAD_PID) | B(TMON_A_THREAD_RUNNING) |
	B(TMON_A_WAKEUPS) | B(TMON_A_MISSED) | B(TMON_A_SCHED_POLICY) |
	B(TMON_A_SCHED_PRIO) | B(TMON_A_LATENCY_BUCKET) | B(TMON_A_LATENCY_SUM_NS) |
	B(TMON_A_RUN_NS) | B(TMON_A_THREAD_THRESHOLD_NS) | B(TMON_A_IRQ_THRESHOLD_NS);

/* The attributes of a event-stats nest. */
static const unsigned long long tmon_genl_event_stats_attrs =
	B(TMON_A_EVENT_KIND) | B(TMON_A_EVENT_COUNT) | B(TMON_A_EVENT_SUPPRESSED);

/* The attributes of a event-latest nest. */
static const unsigned long long tmon_genl_event_latest_attrs =
	B(TMON_A_EVENT_SEQ) | B(TMON_A_EVENT_KIND) | B(TMON_A_EVENT_SUPPRESSED) |
	B(TMON_A_CPU) | B(TMON_A_THRESHOLD_NS) | B(TMON_A_CPU_RECORD) |
	B(TMON_A_CAUSE_PID) | B(TMON_A_CAUSE_COMM) | B(TMON_A_CAUSE_POLICY) |
	B(TMON_A_CAUSE_PRIO) | B(TMON_A_CAUSE_IRQS) | B(TMON_A_CAUSE_SOFTIRQS) |
	B(TMON_A_PID) | B(TMON_A_TASK_RECORD) | B(TMON_A_BUDGET) |
	B(TMON_A_BUDGET_LIMIT) | B(TMON_A_BUDGET_VALUE) | B(TMON_A_SAMPLES_DROPPED) |
	B(TMON_A_RING_LOST);

struct tmon_genl_cmd {
	const char *name;
	int dump;
	unsigned long long request, reply;	/* attribute masks */
};

static const struct tmon_genl_cmd tmon_genl_cmds[TMON_CMD_MAX + 1] = {
	[TMON_CMD_GET_STATUS] = { "get-status", 0,
		0,
		B(TMON_A_VERSION) | B(TMON_A_ABI_VERSION) | B(TMON_A_PERIOD_NS) |
		B(TMON_A_HISTORY) | B(TMON_A_MAX_TASKS) | B(TMON_A_NR_CPUS) |
		B(TMON_A_NR_TASKS) | B(TMON_A_NR_SAMPLES) | B(TMON_A_SAMPLES_DROPPED) |
		B(TMON_A_SAMPLES_SKIPPED) | B(TMON_A_SAMPLES_RECLAIMED) |
		B(TMON_A_MEM_BYTES) | B(TMON_A_RING_LOST) | B(TMON_A_LATENCY_BOUND_NS) |
		B(TMON_A_CPU_STATUS) | B(TMON_A_EVENT_SEQ) | B(TMON_A_EVENT_STATS) |
		B(TMON_A_EVENT_LATEST) },
	[TMON_CMD_WATCH] = { "watch", 0,
		B(TMON_A_PID) | B(TMON_A_BUDGET_CPU) | B(TMON_A_BUDGET_RSS) |
		B(TMON_A_BUDGET_MAJFLT),
		0 },
	[TMON_CMD_UNWATCH] = { "unwatch", 0,
		B(TMON_A_PID),
		0 },
	[TMON_CMD_LIST_TASKS] = { "list-tasks", 1,
		0,
		B(TMON_A_PID) | B(TMON_A_STATE) | B(TMON_A_NR_RECORDS) |
		B(TMON_A_TASK_RECORD) | B(TMON_A_BUDGET_CPU) | B(TMON_A_BUDGET_RSS) |
		B(TMON_A_BUDGET_MAJFLT) },
	[TMON_CMD_DUMP_TASKS] = { "dump-tasks", 1,
		B(TMON_A_PID),
		B(TMON_A_TASK_RECORD) },
	[TMON_CMD_DUMP_CPUS] = { "dump-cpus", 1,
		B(TMON_A_CPU),
		B(TMON_A_CPU_RECORD) },
	[TMON_CMD_GET_PERIOD] = { "get-period", 0,
		0,
		B(TMON_A_PERIOD_NS) },
	[TMON_CMD_SET_PERIOD] = { "set-period", 0,
		B(TMON_A_PERIOD_NS),
		B(TMON_A_PERIOD_NS) },
	[TMON_CMD_SUBSCRIBE_EVENTS] = { "subscribe-events", 0,
		0,
		0 },
	[TMON_CMD_EVENT] = { "event", 0,
		0,
		B(TMON_A_EVENT_SEQ) | B(TMON_A_EVENT_KIND) | B(TMON_A_EVENT_SUPPRESSED) |
		B(TMON_A_CPU) | B(TMON_A_THRESHOLD_NS) | B(TMON_A_CPU_RECORD) |
		B(TMON_A_CAUSE_PID) | B(TMON_A_CAUSE_COMM) | B(TMON_A_CAUSE_POLICY) |
		B(TMON_A_CAUSE_PRIO) | B(TMON_A_CAUSE_IRQS) | B(TMON_A_CAUSE_SOFTIRQS) |
		B(TMON_A_PID) | B(TMON_A_TASK_RECORD) | B(TMON_A_BUDGET) |
		B(TMON_A_BUDGET_LIMIT) | B(TMON_A_BUDGET_VALUE) |
		B(TMON_A_SAMPLES_DROPPED) | B(TMON_A_RING_LOST) },
	[TMON_CMD_SET_BUDGET] = { "set-budget", 0,
		B(TMON_A_PID) | B(TMON_A_BUDGET_CPU) | B(TMON_A_BUDGET_RSS) |
		B(TMON_A_BUDGET_MAJFLT),
		0 },
	[TMON_CMD_SET_THRESHOLDS] = { "set-thresholds", 0,
		B(TMON_A_CPU) | B(TMON_A_THREAD_THRESHOLD_NS) | B(TMON_A_IRQ_THRESHOLD_NS),
		0 },
};

#undef B

#endif /* _TMON_GENL_MODEL_H */
