// SPDX-License-Identifier: GPL-2.0
/*
 * The dumps of the family "tmon" (netlink.c): the watch list, the stored
 * task records and the CPUs' wakeup records. A dump keeps its cursor in
 * cb->args and resumes from it, so a dump of any size works across as
 * many messages as it needs; it holds references across messages, never
 * locks. A process's records go only to a caller who may see it, with its
 * pid in the caller's pid namespace (access.c).
 */
#include <linux/cpumask.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink_gen.h"
#include "tmon.h"

static void *tmon_dump_put(struct sk_buff *skb, struct netlink_callback *cb)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &tmon_genl_family, NLM_F_MULTI,
			   ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd);
}

/*
 * Dump cursors in cb->args. POS is the CPU or the global pid of the watch
 * being dumped; FILTER is one more than the CPU or global pid a dump is
 * limited to (0: none); for a task dump, SEQ is the seq of the next record
 * to send, CUR a reference on the chunk of records it is in (its place,
 * released by .done) and END the seq its watch had when the dump reached
 * it, so a dump ends however fast records come.
 */
enum { TMON_CB_POS, TMON_CB_SEQ, TMON_CB_FILTER, TMON_CB_ADMIN, TMON_CB_CUR, TMON_CB_END };

/* The caller of a dump: admin as the request's sender was. */
static void tmon_dump_caller(struct netlink_callback *cb, struct tmon_caller *c)
{
	tmon_caller_init(c, cb->args[TMON_CB_ADMIN]);
}

/* .start of the list: who asks. */
int tmon_nl_list_tasks_start(struct netlink_callback *cb)
{
	struct tmon_caller caller;

	tmon_caller_from_skb(&caller, cb->skb);
	cb->args[TMON_CB_ADMIN] = caller.admin;
	return 0;
}

/* .start of a task dump: who asks, and the process it may be limited to. */
int tmon_nl_dump_tasks_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = tmon_genl_dump_attrs(cb);
	struct nlattr *pid = attrs ? attrs[TMON_A_PID] : NULL;
	struct tmon_caller caller;
	struct tmon_watch *w;

	tmon_caller_from_skb(&caller, cb->skb);
	cb->args[TMON_CB_ADMIN] = caller.admin;
	if (pid) {
		/* A pid nobody watches (or the caller may not see): nothing. */
		w = tmon_watch_find(&caller, nla_get_u32(pid));
		cb->args[TMON_CB_POS] = w ? w->nr : 0;
		cb->args[TMON_CB_FILTER] = w ? w->nr + 1 : 1;
		tmon_watch_put(w);
	}
	return 0;
}

/* .start of a CPU dump: the CPU it may be limited to. */
int tmon_nl_dump_cpus_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = tmon_genl_dump_attrs(cb);
	struct nlattr *cpu = attrs ? attrs[TMON_A_CPU] : NULL;

	if (!cpu)
		return 0;
	if (nla_get_u32(cpu) >= nr_cpu_ids) {
		NL_SET_ERR_MSG_ATTR(cb->extack, cpu, "no such CPU");
		return -EINVAL;
	}
	cb->args[TMON_CB_FILTER] = nla_get_u32(cpu) + 1;
	cb->args[TMON_CB_POS] = nla_get_u32(cpu);
	return 0;
}

/* .done: the reference a task dump may still hold; its watch's cursor. */
int tmon_nl_dump_done(struct netlink_callback *cb)
{
	tmon_chunk_put((struct tmon_sample_chunk *)cb->args[TMON_CB_CUR]);
	cb->args[TMON_CB_CUR] = 0;
	cb->args[TMON_CB_SEQ] = 0;
	cb->args[TMON_CB_END] = 0;
	return 0;
}

/* Whether the dump is limited to a CPU or watch other than @pos. */
static bool tmon_dump_filtered_out(struct netlink_callback *cb, unsigned long pos)
{
	return cb->args[TMON_CB_FILTER] && pos + 1 != cb->args[TMON_CB_FILTER];
}

/* The budgets @w has, one attribute each. */
static int tmon_put_budgets(struct sk_buff *skb, struct tmon_watch *w)
{
	unsigned int i;
	u64 limit;

	for (i = 0; i < TMON_NR_BUDGETS; i++) {
		limit = READ_ONCE(w->budgets.limit[i]);
		if (limit && nla_put_u64_64bit(skb, TMON_BUDGET_ATTR(i), limit, TMON_A_PAD))
			return -EMSGSIZE;
	}
	return 0;
}

int tmon_nl_list_tasks_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long nr = cb->args[TMON_CB_POS];
	struct tmon_task_record last;
	struct tmon_caller caller;
	struct tmon_watch *w;
	bool have_last;
	pid_t vnr;
	void *hdr;

	tmon_dump_caller(cb, &caller);
	for (; (w = tmon_watch_next(&nr)); tmon_watch_put(w), nr++) {
		vnr = tmon_watch_visible(&caller, w);
		if (!vnr)
			continue;
		have_last = tmon_watch_last_record(w, &last);
		last.pid = vnr;
		hdr = tmon_dump_put(skb, cb);
		if (!hdr ||
		    nla_put_u32(skb, TMON_A_PID, vnr) ||
		    nla_put_u8(skb, TMON_A_STATE,
			       READ_ONCE(w->exited) ? TMON_STATE_EXITED : TMON_STATE_RUNNING) ||
		    nla_put_u32(skb, TMON_A_NR_RECORDS, READ_ONCE(w->nr_samples)) ||
		    (have_last && nla_put(skb, TMON_A_TASK_RECORD, sizeof(last), &last)) ||
		    tmon_put_budgets(skb, w)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			tmon_watch_put(w);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[TMON_CB_POS] = nr;
	return skb->len;
}

static int tmon_dump_task_record(struct sk_buff *skb, struct netlink_callback *cb,
				 const struct tmon_task_record *rec, pid_t vnr)
{
	struct tmon_task_record *out;
	struct nlattr *attr;
	void *hdr;

	hdr = tmon_dump_put(skb, cb);
	if (!hdr)
		return -EMSGSIZE;
	attr = nla_reserve(skb, TMON_A_TASK_RECORD, sizeof(*rec));
	if (!attr) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	out = nla_data(attr);
	*out = *rec;
	out->pid = vnr;
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Send @w's records from the cursor on; -EMSGSIZE with the cursor left on
 * the record that did not fit. Each step costs O(1): the cursor's chunk
 * is where the next read starts, not the watch's oldest record.
 */
static int tmon_dump_watch(struct sk_buff *skb, struct netlink_callback *cb,
			   struct tmon_watch *w, pid_t vnr)
{
	struct tmon_sample_pos pos = {
		.chunk = (struct tmon_sample_chunk *)cb->args[TMON_CB_CUR],
	};
	u64 seq = cb->args[TMON_CB_SEQ];
	int err = 0;

	if (!pos.chunk && !seq)
		cb->args[TMON_CB_END] = tmon_watch_next_seq(w);
	while (tmon_sample_read(w, &pos, seq, cb->args[TMON_CB_END])) {
		err = tmon_dump_task_record(skb, cb, &pos.rec, vnr);
		if (err)
			break;
		seq = pos.rec.seq + 1;
	}
	/* Stopped on the record that did not fit, or at the end: none held. */
	cb->args[TMON_CB_CUR] = (long)pos.chunk;
	cb->args[TMON_CB_SEQ] = err ? pos.rec.seq : 0;
	return err;
}

int tmon_nl_dump_tasks_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long nr = cb->args[TMON_CB_POS];
	struct tmon_caller caller;
	struct tmon_watch *w;
	int err = 0;
	pid_t vnr;

	tmon_dump_caller(cb, &caller);
	while (!err && (w = tmon_watch_next(&nr))) {
		if (tmon_dump_filtered_out(cb, nr)) {
			tmon_watch_put(w);
			break;
		}
		if (nr != cb->args[TMON_CB_POS]) {
			/* A new watch (the last one went away): from its oldest. */
			tmon_nl_dump_done(cb);
			cb->args[TMON_CB_POS] = nr;
		}
		vnr = tmon_watch_visible(&caller, w);
		err = vnr ? tmon_dump_watch(skb, cb, w, vnr) : 0;
		tmon_watch_put(w);
		if (!err)
			cb->args[TMON_CB_POS] = ++nr;
	}
	return skb->len;
}

int tmon_nl_dump_cpus_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long cpu = cb->args[TMON_CB_POS];
	u64 seq = cb->args[TMON_CB_SEQ];
	struct tmon_cpu_record rec;
	void *hdr;

	for (; cpu < nr_cpu_ids; cpu++, seq = 0) {
		if (tmon_dump_filtered_out(cb, cpu))
			break;
		if (!cpu_possible(cpu))
			continue;
		while (tmon_history_copy(cpu, seq, U64_MAX, &rec)) {
			hdr = tmon_dump_put(skb, cb);
			if (!hdr)
				goto full;
			if (nla_put(skb, TMON_A_CPU_RECORD, sizeof(rec), &rec)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
			seq = rec.seq + 1;
		}
	}
full:
	cb->args[TMON_CB_POS] = cpu;
	cb->args[TMON_CB_SEQ] = seq;
	return skb->len;
}
