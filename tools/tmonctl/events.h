/* SPDX-License-Identifier: GPL-2.0 */
/* One event of the module's events, as tmonctl events reads and shows it. */
#ifndef TMONCTL_EVENTS_H
#define TMONCTL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tmonctl.h"

/* What the CPU took between the timer's callback and the thread running. */
enum { CAUSE_IRQS, CAUSE_SOFTIRQS, NR_CAUSE_COUNTS };

struct event {
	uint64_t seq, suppressed, threshold_ns;
	uint32_t kind, cpu;
	bool has_cpu;			/* false: a kind this tool does not know, without one */
	bool has_cause;			/* left out when not ours to see */
	uint32_t cause_pid, cause_policy, cause_prio;
	/* The CPU's interrupts and softirqs before the thread ran: even without the cause. */
	uint64_t cause_count[NR_CAUSE_COUNTS];
	bool has_cause_count[NR_CAUSE_COUNTS];
	char comm[COMM_ESC_LEN];	/* the cause's, escaped */
	char raw_comm[TMON_COMM_LEN];	/* as it came, NUL-terminated: for JSON */
	struct tmon_cpu_record rec;	/* a latency's */
	uint32_t pid;			/* an exit's or a budget's: the process */
	struct tmon_task_record task;	/* and its final record, or the sample */
	uint32_t budget;		/* a budget's: enum tmon_budget */
	uint64_t limit, value;		/* in the budget's unit */
	uint64_t count;			/* a loss's (samples dropped, ring lost): since load */
};

struct nlattr;
bool event_parse(const struct nlattr **tb, struct event *ev);
void event_text(FILE *f, const struct event *ev);
void event_json(FILE *f, const struct event *ev);
struct json;
void event_json_object(struct json *j, const struct event *ev);
void event_env(const struct event *ev);

#endif
