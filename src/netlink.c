// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "tmon": status, watch/unwatch, lists and dumps
 * of the records, and the period. The protocol is documented in
 * tmon_abi.h. Handlers are serialized by the genetlink core (no
 * parallel_ops); dumps keep their cursor in cb->args and resume from it,
 * so a dump of any size works across as many messages as it needs.
 */
#include <linux/cpu.h>
#include <linux/cred.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "tmon.h"

/* Not const: before 6.2 the policy holds a non-const pointer to it. */
static struct netlink_range_validation tmon_period_range = {
	.min = TMON_PERIOD_MIN_NS,
	.max = TMON_PERIOD_MAX_NS,
};

static const struct nla_policy tmon_policy[TMON_A_MAX + 1] = {
	[TMON_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TMON_A_CPU] = { .type = NLA_U32 },
	[TMON_A_PERIOD_NS] = NLA_POLICY_FULL_RANGE(NLA_U64, &tmon_period_range),
};

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

static int tmon_put_cpu_status(struct sk_buff *msg, unsigned int cpu)
{
	struct tmon_cpu_status st;
	struct nlattr *nest;

	tmon_cpu_status(cpu, &st);
	nest = nla_nest_start(msg, TMON_A_CPU_STATUS);
	if (!nest ||
	    nla_put_u32(msg, TMON_A_CPU, cpu) ||
	    nla_put_u32(msg, TMON_A_THREAD_PID, st.thread_pid) ||
	    nla_put_u64_64bit(msg, TMON_A_WAKEUPS, st.wakeups, TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_MISSED, st.missed, TMON_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int tmon_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	unsigned int cpu;
	void *hdr;
	int err = -EMSGSIZE;

	hdr = tmon_reply_put(&msg, info, TMON_CMD_GET_STATUS);
	if (!hdr)
		return -ENOMEM;
	if (nla_put_string(msg, TMON_A_VERSION, TMON_VERSION) ||
	    nla_put_u32(msg, TMON_A_ABI_VERSION, TMON_ABI_VERSION) ||
	    nla_put_u64_64bit(msg, TMON_A_PERIOD_NS, tmon_period_ns(), TMON_A_PAD) ||
	    nla_put_u32(msg, TMON_A_HISTORY, tmon_history_len()) ||
	    nla_put_u32(msg, TMON_A_MAX_TASKS, tmon_max_tasks()) ||
	    nla_put_u32(msg, TMON_A_NR_CPUS, tmon_threads_running()) ||
	    nla_put_u32(msg, TMON_A_NR_TASKS, tmon_nr_tasks()) ||
	    nla_put_u64_64bit(msg, TMON_A_NR_SAMPLES, tmon_samples_stored(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_SAMPLES_DROPPED, tmon_samples_dropped(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_SAMPLES_RECLAIMED, tmon_samples_reclaimed(),
			      TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_MEM_BYTES, tmon_mem_bytes(), TMON_A_PAD) ||
	    nla_put_u64_64bit(msg, TMON_A_RING_LOST, tmon_ring_lost(), TMON_A_PAD))
		goto err;
	/* Threads come and go with hotplug: hold it still while we look. */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		err = tmon_put_cpu_status(msg, cpu);
		if (err)
			break;
	}
	cpus_read_unlock();
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	NL_SET_ERR_MSG_MOD(info->extack, "status does not fit in one message");
	return -EMSGSIZE;
}

static int tmon_nl_watch(struct sk_buff *skb, struct genl_info *info)
{
	bool watch = info->genlhdr->cmd == TMON_CMD_WATCH;
	struct nlattr *attr = info->attrs[TMON_A_PID];
	bool admin = netlink_capable(skb, CAP_SYS_ADMIN);
	int err;

	if (!attr) {
		NL_SET_ERR_MSG_MOD(info->extack, "TMON_A_PID is required");
		return -EINVAL;
	}
	err = watch ? tmon_watch_pid(nla_get_u32(attr), admin) :
		      tmon_unwatch_pid(nla_get_u32(attr), admin);
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
	case -EPERM:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "not your process: CAP_SYS_ADMIN needed");
		break;
	default:
		NL_SET_ERR_MSG_MOD(info->extack, "watch list change failed");
	}
	return err;
}

static int tmon_nl_period(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (info->genlhdr->cmd == TMON_CMD_SET_PERIOD) {
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
	}
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

static void *tmon_dump_put(struct sk_buff *skb, struct netlink_callback *cb)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &tmon_genl_family, NLM_F_MULTI,
			   ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd);
}

/* Dump cursors in cb->args. */
enum { TMON_CB_POS, TMON_CB_SEQ, TMON_CB_FILTER, TMON_CB_HAS_FILTER };

/* .start: remember an optional pid or CPU filter. */
static int tmon_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = tmon_genl_dump_attrs(cb);
	struct nlattr *pid = attrs ? attrs[TMON_A_PID] : NULL;
	struct nlattr *cpu = attrs ? attrs[TMON_A_CPU] : NULL;

	if (cpu) {
		if (nla_get_u32(cpu) >= nr_cpu_ids) {
			NL_SET_ERR_MSG_ATTR(cb->extack, cpu, "no such CPU");
			return -EINVAL;
		}
		cb->args[TMON_CB_FILTER] = nla_get_u32(cpu);
		cb->args[TMON_CB_POS] = nla_get_u32(cpu);
		cb->args[TMON_CB_HAS_FILTER] = 1;
	} else if (pid) {
		cb->args[TMON_CB_FILTER] = nla_get_u32(pid);
		cb->args[TMON_CB_POS] = nla_get_u32(pid);
		cb->args[TMON_CB_HAS_FILTER] = 1;
	}
	return 0;
}

static int tmon_nl_list_tasks(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long nr = cb->args[TMON_CB_POS];
	struct tmon_task_record last;
	struct tmon_watch *w;
	bool have_last;
	void *hdr;

	while ((w = tmon_watch_next(&nr))) {
		have_last = tmon_watch_last_record(w, &last);
		hdr = tmon_dump_put(skb, cb);
		if (!hdr ||
		    nla_put_u32(skb, TMON_A_PID, w->nr) ||
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
		tmon_watch_put(w);
		nr++;
	}
	cb->args[TMON_CB_POS] = nr;
	return skb->len;
}

struct tmon_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

/* Called under the sample lock: no sleeping, just fill the skb. */
static int tmon_dump_task_record(void *arg, const struct tmon_task_record *rec)
{
	struct tmon_dump_ctx *ctx = arg;
	void *hdr = tmon_dump_put(ctx->skb, ctx->cb);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put(ctx->skb, TMON_A_TASK_RECORD, sizeof(*rec), rec)) {
		genlmsg_cancel(ctx->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(ctx->skb, hdr);
	return 0;
}

static int tmon_nl_dump_tasks(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tmon_dump_ctx ctx = { .skb = skb, .cb = cb };
	unsigned long nr = cb->args[TMON_CB_POS];
	u64 seq = cb->args[TMON_CB_SEQ];
	struct tmon_watch *w;
	int err = 0;

	while (!err && (w = tmon_watch_next(&nr))) {
		if (cb->args[TMON_CB_HAS_FILTER] && nr != cb->args[TMON_CB_FILTER]) {
			tmon_watch_put(w);
			break;
		}
		if (nr != cb->args[TMON_CB_POS])
			seq = 0;	/* a new watch: from its oldest record */
		err = tmon_samples_walk(w, &seq, tmon_dump_task_record, &ctx);
		tmon_watch_put(w);
		cb->args[TMON_CB_POS] = nr;
		cb->args[TMON_CB_SEQ] = seq;
		if (!err) {
			nr++;
			seq = 0;
			cb->args[TMON_CB_POS] = nr;
			cb->args[TMON_CB_SEQ] = 0;
		}
	}
	return skb->len;
}

static int tmon_nl_dump_cpus(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long cpu = cb->args[TMON_CB_POS];
	u64 seq = cb->args[TMON_CB_SEQ];
	struct tmon_cpu_record rec;
	void *hdr;

	for (; cpu < nr_cpu_ids; cpu++, seq = 0) {
		if (cb->args[TMON_CB_HAS_FILTER] && cpu != cb->args[TMON_CB_FILTER])
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

static const struct genl_ops tmon_genl_ops[] = {
	{
		.cmd = TMON_CMD_GET_STATUS,
		.doit = tmon_nl_get_status,
	}, {
		.cmd = TMON_CMD_WATCH,
		.doit = tmon_nl_watch,
	}, {
		.cmd = TMON_CMD_UNWATCH,
		.doit = tmon_nl_watch,
	}, {
		.cmd = TMON_CMD_LIST_TASKS,
		.start = tmon_dump_start,
		.dumpit = tmon_nl_list_tasks,
	}, {
		.cmd = TMON_CMD_DUMP_TASKS,
		.start = tmon_dump_start,
		.dumpit = tmon_nl_dump_tasks,
	}, {
		.cmd = TMON_CMD_DUMP_CPUS,
		.start = tmon_dump_start,
		.dumpit = tmon_nl_dump_cpus,
	}, {
		.cmd = TMON_CMD_GET_PERIOD,
		.doit = tmon_nl_period,
	}, {
		.cmd = TMON_CMD_SET_PERIOD,
		.doit = tmon_nl_period,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family tmon_genl_family __ro_after_init = {
	.name = TMON_GENL_NAME,
	.version = TMON_GENL_VERSION,
	.maxattr = TMON_A_MAX,
	.policy = tmon_policy,
	.module = THIS_MODULE,
	.ops = tmon_genl_ops,
	.n_ops = ARRAY_SIZE(tmon_genl_ops),
};

int tmon_netlink_init(void)
{
	return genl_register_family(&tmon_genl_family);
}

void tmon_netlink_exit(void)
{
	genl_unregister_family(&tmon_genl_family);
}
