// SPDX-License-Identifier: GPL-2.0
/*
 * An event as a message of the family (TMON_CMD_EVENT), as tmon.yaml's
 * event operation has it: the group's copy and each subscriber's are
 * made here, each with its own sequence number and pid; and the same
 * attributes in a status reply's event-latest nests.
 */
#include <linux/sched.h>
#include <net/genetlink.h>

#include "netlink_gen.h"
#include "tmon.h"

/* A process's event: its pid as the listener sees it, in its record too. */
static int tmon_event_fill_task(struct sk_buff *msg, const struct tmon_event *ev, pid_t pid)
{
	struct tmon_task_record rec = ev->task;

	rec.pid = pid;
	if (nla_put_u32(msg, TMON_A_CPU, rec.cpu) ||
	    nla_put_u32(msg, TMON_A_PID, pid) ||
	    nla_put(msg, TMON_A_TASK_RECORD, sizeof(rec), &rec))
		return -EMSGSIZE;
	if (ev->kind == TMON_EVENT_EXIT)
		return 0;
	if (nla_put_u32(msg, TMON_A_BUDGET, ev->budget) ||
	    nla_put_u64_64bit(msg, TMON_A_BUDGET_LIMIT, ev->threshold_ns, TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_BUDGET_VALUE, ev->value, TMON_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The module's: the CPU, and the count since load of what was lost. */
static int tmon_event_fill_module(struct sk_buff *msg, const struct tmon_event *ev)
{
	if (nla_put_u32(msg, TMON_A_CPU, ev->cpu))
		return -EMSGSIZE;
	if (ev->kind == TMON_EVENT_SAMPLES_DROPPED &&
	    nla_put_u64_64bit(msg, TMON_A_SAMPLES_DROPPED, ev->value, TMON_A_PAD))
		return -EMSGSIZE;
	if (ev->kind == TMON_EVENT_RING_LOST &&
	    nla_put_u64_64bit(msg, TMON_A_RING_LOST, ev->value, TMON_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* An upper bound of what tmon_event_fill() puts: each kind's attributes together. */
size_t tmon_event_fill_size(void)
{
	return 7 * nla_total_size_64bit(sizeof(u64)) + 7 * nla_total_size(sizeof(u32)) +
	       nla_total_size(TASK_COMM_LEN) + nla_total_size(sizeof(struct tmon_cpu_record)) +
	       nla_total_size(sizeof(struct tmon_task_record));
}

/* @ev's attributes, numbered @seq, with @pid as tmon_event_msg() has it. */
int tmon_event_fill(struct sk_buff *msg, u64 seq, const struct tmon_event *ev, pid_t pid)
{
	if (nla_put_u64_64bit(msg, TMON_A_EVENT_SEQ, seq, TMON_A_PAD) ||
	    nla_put_u32(msg, TMON_A_EVENT_KIND, ev->kind) ||
	    nla_put_u64_64bit(msg, TMON_A_EVENT_SUPPRESSED, ev->suppressed, TMON_A_PAD))
		return -EMSGSIZE;
	if (tmon_event_of_task(ev))
		return tmon_event_fill_task(msg, ev, pid);
	if (!tmon_event_of_wakeup(ev))
		return tmon_event_fill_module(msg, ev);
	if (nla_put_u32(msg, TMON_A_CPU, ev->rec.cpu) ||
	    nla_put_u64_64bit(msg, TMON_A_THRESHOLD_NS, ev->threshold_ns, TMON_A_PAD) ||
	    nla_put(msg, TMON_A_CPU_RECORD, sizeof(ev->rec), &ev->rec))
		return -EMSGSIZE;
	/* The CPU's counts in the window are everyone's; the task, maybe not. */
	if (ev->cause.taken &&
	    (nla_put_u64_64bit(msg, TMON_A_CAUSE_IRQS, ev->cause.irqs, TMON_A_PAD) ||
	     nla_put_u64_64bit(msg, TMON_A_CAUSE_SOFTIRQS, ev->cause.softirqs, TMON_A_PAD)))
		return -EMSGSIZE;
	/* The cause, unless it is left out (@pid negative) or was not taken. */
	if (pid < 0 || !ev->cause.taken)
		return 0;
	if (nla_put_u32(msg, TMON_A_CAUSE_PID, pid) ||
	    nla_put_string(msg, TMON_A_CAUSE_COMM, ev->cause.comm) ||
	    nla_put_u32(msg, TMON_A_CAUSE_POLICY, ev->cause.policy) ||
	    nla_put_u32(msg, TMON_A_CAUSE_PRIO, ev->cause.prio))
		return -EMSGSIZE;
	return 0;
}

/*
 * The message of @ev, numbered @seq, with @pid for the process's pid (an
 * event of a process) or the cause's (negative: the cause left out);
 * NULL if it cannot be made.
 */
struct sk_buff *tmon_event_msg(u64 seq, const struct tmon_event *ev, pid_t pid)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	hdr = genlmsg_put(msg, 0, 0, &tmon_genl_family, 0, TMON_CMD_EVENT);
	if (!hdr || tmon_event_fill(msg, seq, ev, pid)) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}
