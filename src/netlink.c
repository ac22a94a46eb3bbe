// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "tmon": status, watch/unwatch, lists and dumps
 * of the records, and the period. The protocol, each command's policy and
 * the ops table are made from netlink/tmon.yaml (tmon_genl.h,
 * netlink_gen.c); a policy lets through only its command's attributes, so
 * a handler finds no other in info->attrs. Handlers are serialized by the genetlink core (no
 * parallel_ops); dumps keep their cursor in cb->args and resume from it,
 * so a dump of any size works across as many messages as it needs.
 *
 * Access (access.c): the admin test is made on the request's sender and
 * socket; records of a process go only to a caller who may see it, with
 * its pid in the caller's pid namespace, which is also the one pids in
 * requests are read in.
 */
#include <linux/cpu.h>
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink_gen.h"
#include "tmon.h"

static struct genl_family tmon_genl_family;

static void *tmon_reply_put(struct sk_buff **msg, struct genl_info *info, u8 cmd)
{
	void *hdr;

	*msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!*msg)
		return NULL;
	hdr = genlmsg_put_reply(*msg, info, &tmon_genl_family, 0, cmd);
	if (!hdr) {
		nlmsg_free(*msg);
		*msg = NULL;
	}
	return hdr;
}

static int tmon_put_cpu_status(struct sk_buff *msg, unsigned int cpu,
			       struct pid_namespace *ns)
{
	struct tmon_cpu_status st;
	struct nlattr *nest;

	tmon_cpu_status(cpu, ns, &st);
	nest = nla_nest_start(msg, TMON_A_CPU_STATUS);
	if (!nest ||
	    nla_put_u32(msg, TMON_A_CPU, cpu) ||
	    nla_put_u32(msg, TMON_A_THREAD_PID, st.thread_pid) ||
	    nla_put_u8(msg, TMON_A_THREAD_RUNNING, st.running) ||
	    nla_put_u64_64bit(msg, TMON_A_WAKEUPS, st.wakeups, TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_MISSED, st.missed, TMON_A_PAD))
		return -EMSGSIZE;
	if (st.running &&
	    (nla_put_u32(msg, TMON_A_SCHED_POLICY, st.policy) ||
	     nla_put_u32(msg, TMON_A_SCHED_PRIO, st.prio)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The status reply's size: one nest per possible CPU makes it grow. */
static size_t tmon_status_size(void)
{
	size_t cpu = nla_total_size(0) + 4 * nla_total_size(sizeof(u32)) +
		     nla_total_size(sizeof(u8)) + 2 * nla_total_size_64bit(sizeof(u64));

	return nla_total_size(sizeof(TMON_VERSION)) + 5 * nla_total_size(sizeof(u32)) +
	       8 * nla_total_size_64bit(sizeof(u64)) + num_possible_cpus() * cpu;
}

int tmon_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct sk_buff *msg;
	unsigned int cpu;
	void *hdr;
	int err = -EMSGSIZE;

	msg = genlmsg_new(tmon_status_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tmon_genl_family, 0, TMON_CMD_GET_STATUS);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if (nla_put_string(msg, TMON_A_VERSION, TMON_VERSION) ||
	    nla_put_u32(msg, TMON_A_ABI_VERSION, TMON_ABI_VERSION) ||
	    nla_put_u64_64bit(msg, TMON_A_PERIOD_NS, tmon_period_ns(), TMON_A_PAD) ||
	    nla_put_u32(msg, TMON_A_HISTORY, tmon_history_len()) ||
	    nla_put_u32(msg, TMON_A_MAX_TASKS, tmon_max_tasks()) ||
	    nla_put_u32(msg, TMON_A_NR_CPUS, tmon_threads_running()) ||
	    nla_put_u32(msg, TMON_A_NR_TASKS, tmon_nr_tasks()) ||
	    nla_put_u64_64bit(msg, TMON_A_NR_SAMPLES, tmon_samples_stored(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_SAMPLES_DROPPED, tmon_samples_dropped(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_SAMPLES_SKIPPED, tmon_samples_skipped(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_SAMPLES_RECLAIMED, tmon_samples_reclaimed(),
			      TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_MEM_BYTES, tmon_mem_bytes(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_RING_LOST, tmon_ring_lost(), TMON_A_PAD))
		goto err;
	/* Threads come and go with hotplug: hold it still while we look. */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		err = tmon_put_cpu_status(msg, cpu, ns);
		if (err)
			break;
	}
	cpus_read_unlock();
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	/* tmon_status_size() is wrong: a bug, not the caller's fault. */
	nlmsg_free(msg);
	NL_SET_ERR_MSG_MOD(info->extack, "status does not fit in its message");
	return -EMSGSIZE;
}

static int tmon_nl_watch_change(struct sk_buff *skb, struct genl_info *info, bool watch)
{
	struct nlattr *attr = info->attrs[TMON_A_PID];
	struct tmon_caller caller;
	int err;

	if (!attr) {
		NL_SET_ERR_MSG_MOD(info->extack, "TMON_A_PID is required");
		return -EINVAL;
	}
	tmon_caller_from_skb(&caller, skb);
	err = watch ? tmon_watch_pid(&caller, nla_get_u32(attr)) :
		      tmon_unwatch_pid(&caller, nla_get_u32(attr));
	switch (err) {
	case 0:
		break;
	case -ESRCH:
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no such process");
		break;
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "process already watched");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "process not watched");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_MOD(info->extack, "watch list full (max_tasks)");
		break;
	case -EDQUOT:
		NL_SET_ERR_MSG_MOD(info->extack,
				   "your share of the watch list is used (max_user_tasks, admin reserve)");
		break;
	case -EPERM:
		if (watch)
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "not a process of yours: CAP_SYS_ADMIN needed");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "watched by another user: CAP_SYS_ADMIN needed");
		break;
	default:
		NL_SET_ERR_MSG_MOD(info->extack, "watch list change failed");
	}
	return err;
}

int tmon_nl_watch_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tmon_nl_watch_change(skb, info, true);
}

int tmon_nl_unwatch_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tmon_nl_watch_change(skb, info, false);
}

int tmon_nl_get_period_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	hdr = tmon_reply_put(&msg, info, info->genlhdr->cmd);
	if (!hdr)
		return -ENOMEM;
	if (nla_put_u64_64bit(msg, TMON_A_PERIOD_NS, tmon_period_ns(), TMON_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int tmon_nl_set_period_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	/* CAP_SYS_ADMIN, not GENL_ADMIN_PERM's CAP_NET_ADMIN. */
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_MOD(info->extack, "changing the period needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (!info->attrs[TMON_A_PERIOD_NS]) {
		NL_SET_ERR_MSG_MOD(info->extack, "TMON_A_PERIOD_NS is required");
		return -EINVAL;
	}
	/* The policy checked the range. */
	err = tmon_set_period(nla_get_u64(info->attrs[TMON_A_PERIOD_NS]));
	if (err) {
		NL_SET_ERR_MSG_MOD(info->extack, "period refused");
		return err;
	}
	return tmon_nl_get_period_doit(skb, info);
}

static void *tmon_dump_put(struct sk_buff *skb, struct netlink_callback *cb)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &tmon_genl_family, NLM_F_MULTI,
			   ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd);
}

/*
 * Dump cursors in cb->args. POS is the CPU or the global pid of the watch
 * being dumped; FILTER is one more than the CPU or global pid a dump is
 * limited to (0: none); for a task dump, CUR holds a reference on the
 * next record to send (released by .done) and END the seq its watch had
 * when the dump reached it, so a dump ends however fast records come.
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

/* .done: the reference a task dump may still hold. */
int tmon_nl_dump_done(struct netlink_callback *cb)
{
	tmon_sample_put((struct tmon_sample *)cb->args[TMON_CB_CUR]);
	cb->args[TMON_CB_CUR] = 0;
	return 0;
}

/* Whether the dump is limited to a CPU or watch other than @pos. */
static bool tmon_dump_filtered_out(struct netlink_callback *cb, unsigned long pos)
{
	return cb->args[TMON_CB_FILTER] && pos + 1 != cb->args[TMON_CB_FILTER];
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
		    (have_last && nla_put(skb, TMON_A_TASK_RECORD, sizeof(last), &last))) {
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
 * the record that did not fit. Each step costs O(1): the cursor is a
 * referenced record, not a seq looked up from the oldest.
 */
static int tmon_dump_watch(struct sk_buff *skb, struct netlink_callback *cb,
			   struct tmon_watch *w, pid_t vnr)
{
	struct tmon_sample *s = (struct tmon_sample *)cb->args[TMON_CB_CUR], *n;
	int err;

	if (!s) {
		cb->args[TMON_CB_END] = tmon_watch_next_seq(w);
		s = tmon_sample_first(w, 0, cb->args[TMON_CB_END]);
	}
	while (s) {
		err = tmon_dump_task_record(skb, cb, &s->rec, vnr);
		if (err) {
			cb->args[TMON_CB_CUR] = (long)s;
			return err;
		}
		n = tmon_sample_next(s, cb->args[TMON_CB_END]);
		if (IS_ERR(n))		/* unlinked meanwhile: its successor */
			n = tmon_sample_first(w, s->rec.seq + 1, cb->args[TMON_CB_END]);
		tmon_sample_put(s);
		s = n;
	}
	cb->args[TMON_CB_CUR] = 0;
	return 0;
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

static struct genl_family tmon_genl_family __ro_after_init = {
	.name = TMON_GENL_NAME,
	.version = TMON_GENL_VERSION,
	.maxattr = TMON_A_MAX,
	.module = THIS_MODULE,
	.ops = tmon_nl_ops,
	.n_ops = ARRAY_SIZE(tmon_nl_ops),
};

int tmon_netlink_init(void)
{
	return genl_register_family(&tmon_genl_family);
}

void tmon_netlink_exit(void)
{
	genl_unregister_family(&tmon_genl_family);
}
