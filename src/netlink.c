// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "tmon": status, watch/unwatch, budgets and the period
 * here, the lists and dumps of the records in netlink_dump.c. The
 * protocol, each command's policy and the ops table are made from
 * netlink/tmon.yaml (tmon_genl.h, netlink_gen.c); a policy lets through
 * only its command's attributes, so a handler finds no other in
 * info->attrs.
 *
 * Requests run in parallel (parallel_ops): none relies on genl_mutex, so
 * readers do not queue behind one another or behind a long dump. What
 * each command shares is under its own lock, the one its sysfs, debugfs
 * or parameter twin takes as well:
 * - get-status, get-period, the dumps: counters and per-CPU records read
 *   under their locks, watches and chunks of records by reference;
 * - watch, unwatch, set-budget: tmon_watch_mutex (tasks.c);
 * - set-period: the module's kernel_param_lock (params.c);
 * - set-thresholds: tmon_thresholds_lock (thresholds.c);
 * - subscribe-events: tmon_listeners_lock (event_listeners.c).
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

/* @n u64 values, one @type attribute each, in order. */
static int tmon_put_u64s(struct sk_buff *msg, int type, const u64 *v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(msg, type, v[i], TMON_A_PAD))
			return -EMSGSIZE;
	return 0;
}

static int tmon_put_cpu_status(struct sk_buff *msg, unsigned int cpu,
			       struct pid_namespace *ns)
{
	struct tmon_cpu_status st;
	struct nlattr *nest;
	u64 thread, irq;

	tmon_cpu_status(cpu, ns, &st);
	nest = nla_nest_start(msg, TMON_A_CPU_STATUS);
	if (!nest ||
	    nla_put_u32(msg, TMON_A_CPU, cpu) ||
	    nla_put_u32(msg, TMON_A_THREAD_PID, st.thread_pid) ||
	    nla_put_u8(msg, TMON_A_THREAD_RUNNING, st.running) ||
	    nla_put_u64_64bit(msg, TMON_A_WAKEUPS, st.wakeups, TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_MISSED, st.missed, TMON_A_PAD))
		return -EMSGSIZE;
	/* A CPU that never woke has nothing to count: its nest stays small. */
	if (st.wakeups &&
	    (tmon_put_u64s(msg, TMON_A_LATENCY_BUCKET, st.totals.lat_buckets, TMON_LAT_BUCKETS) ||
	     nla_put_u64_64bit(msg, TMON_A_LATENCY_SUM_NS, st.totals.lat_sum_ns, TMON_A_PAD) ||
	     nla_put_u64_64bit(msg, TMON_A_RUN_NS, st.totals.run_ns, TMON_A_PAD)))
		return -EMSGSIZE;
	if (st.running &&
	    (nla_put_u32(msg, TMON_A_SCHED_POLICY, st.policy) ||
	     nla_put_u32(msg, TMON_A_SCHED_PRIO, st.prio)))
		return -EMSGSIZE;
	tmon_thresholds_get(cpu, &thread, &irq);
	if ((thread != TMON_THRESHOLD_OFF &&
	     nla_put_u64_64bit(msg, TMON_A_THREAD_THRESHOLD_NS, thread, TMON_A_PAD)) ||
	    (irq != TMON_THRESHOLD_OFF &&
	     nla_put_u64_64bit(msg, TMON_A_IRQ_THRESHOLD_NS, irq, TMON_A_PAD)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Each event kind's counters since load, a nest each. */
static int tmon_put_event_stats(struct sk_buff *msg)
{
	struct nlattr *nest;
	u32 kind, end = TMON_EVENT_THREAD_LATENCY + TMON_EVENT_KINDS;
	u64 sent, held;

	if (nla_put_u64_64bit(msg, TMON_A_EVENT_SEQ, tmon_events_last_seq(), TMON_A_PAD))
		return -EMSGSIZE;
	for (kind = TMON_EVENT_THREAD_LATENCY; kind < end; kind++) {
		tmon_events_counts(kind, &sent, &held);
		nest = nla_nest_start(msg, TMON_A_EVENT_STATS);
		if (!nest || nla_put_u32(msg, TMON_A_EVENT_KIND, kind) ||
		    nla_put_u64_64bit(msg, TMON_A_EVENT_COUNT, sent, TMON_A_PAD) ||
		    nla_put_u64_64bit(msg, TMON_A_EVENT_SUPPRESSED, held, TMON_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

/* The status reply's size: one nest per possible CPU makes it grow. */
static size_t tmon_status_size(void)
{
	size_t cpu = nla_total_size(0) + 4 * nla_total_size(sizeof(u32)) +
		     nla_total_size(sizeof(u8)) +
		     (6 + TMON_LAT_BUCKETS) * nla_total_size_64bit(sizeof(u64));

	size_t event = nla_total_size(0) + nla_total_size(sizeof(u32)) +
		       2 * nla_total_size_64bit(sizeof(u64));

	return nla_total_size(sizeof(TMON_VERSION)) + 5 * nla_total_size(sizeof(u32)) +
	       (9 + TMON_LAT_BOUNDS) * nla_total_size_64bit(sizeof(u64)) +
	       TMON_EVENT_KINDS * event +
	       TMON_EVENTS_LATEST * nla_total_size(tmon_event_fill_size()) +
	       num_possible_cpus() * cpu;
}

int tmon_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tmon_caller who;
	struct sk_buff *msg;
	unsigned int cpu;
	void *hdr;
	int err = -EMSGSIZE;

	tmon_caller_from_skb(&who, skb);
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
	    nla_put_u64_64bit(msg, TMON_A_RING_LOST, tmon_ring_lost(), TMON_A_PAD) ||
	    tmon_put_u64s(msg, TMON_A_LATENCY_BOUND_NS, tmon_lat_bounds_ns, TMON_LAT_BOUNDS) ||
	    tmon_put_event_stats(msg) || tmon_events_put_latest(msg, &who))
		goto err;
	/* Threads come and go with hotplug: hold it still while we look. */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		err = tmon_put_cpu_status(msg, cpu, who.ns);
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

/* The budget attributes of a request: their values in @b, which were given in the result. */
static unsigned long tmon_budgets_from_attrs(struct nlattr **attrs, struct tmon_budgets *b)
{
	unsigned long given = 0;
	unsigned int i;

	for (i = 0; i < TMON_NR_BUDGETS; i++) {
		struct nlattr *a = attrs[TMON_BUDGET_ATTR(i)];

		b->limit[i] = a ? nla_get_u64(a) : 0;
		if (a)
			__set_bit(i, &given);
	}
	return given;
}

enum tmon_watch_op { TMON_OP_WATCH, TMON_OP_UNWATCH, TMON_OP_SET_BUDGET };

static int tmon_nl_watch_change(struct sk_buff *skb, struct genl_info *info,
				enum tmon_watch_op op)
{
	struct nlattr *attr = info->attrs[TMON_A_PID];
	struct tmon_caller caller;
	struct tmon_budgets b = {};
	unsigned long given;
	int err;

	if (!attr) {
		NL_SET_ERR_MSG_MOD(info->extack, "TMON_A_PID is required");
		return -EINVAL;
	}
	/* info->attrs is as long as the command's policy: unwatch's stops at pid. */
	given = op == TMON_OP_UNWATCH ? 0 : tmon_budgets_from_attrs(info->attrs, &b);
	if (op == TMON_OP_SET_BUDGET && !given) {
		NL_SET_ERR_MSG_MOD(info->extack, "no budget given (budget-cpu, -rss, -majflt)");
		return -EINVAL;
	}
	tmon_caller_from_skb(&caller, skb);
	switch (op) {
	case TMON_OP_WATCH:
		err = tmon_watch_pid(&caller, nla_get_u32(attr), &b);
		break;
	case TMON_OP_UNWATCH:
		err = tmon_unwatch_pid(&caller, nla_get_u32(attr));
		break;
	default:
		err = tmon_watch_set_budgets(&caller, nla_get_u32(attr), &b, given);
	}
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
		if (op == TMON_OP_WATCH)
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
	return tmon_nl_watch_change(skb, info, TMON_OP_WATCH);
}

int tmon_nl_unwatch_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tmon_nl_watch_change(skb, info, TMON_OP_UNWATCH);
}

int tmon_nl_set_budget_doit(struct sk_buff *skb, struct genl_info *info)
{
	return tmon_nl_watch_change(skb, info, TMON_OP_SET_BUDGET);
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

struct genl_family tmon_genl_family __ro_after_init = {
	.name = TMON_GENL_NAME,
	.version = TMON_GENL_VERSION,
	.maxattr = TMON_A_MAX,
	.module = THIS_MODULE,
	.parallel_ops = true,
	.ops = tmon_nl_ops,
	.n_ops = ARRAY_SIZE(tmon_nl_ops),
	.mcgrps = tmon_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tmon_nl_mcgrps),
};

/* The subscribers' list first: it hears of their sockets' release. */
int tmon_netlink_init(void)
{
	int err;

	err = tmon_listeners_init();
	if (err)
		return err;
	err = genl_register_family(&tmon_genl_family);
	if (err)
		tmon_listeners_exit();
	return err;
}

void tmon_netlink_exit(void)
{
	genl_unregister_family(&tmon_genl_family);
	tmon_listeners_exit();
}
