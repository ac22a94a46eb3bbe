// SPDX-License-Identifier: GPL-2.0
/*
 * The latency thresholds, per CPU: the wakeups of a CPU whose thread or
 * IRQ latency is over its threshold are events (events.c). The
 * parameters thread_threshold_ns and irq_threshold_ns set every CPU's;
 * the family's set-thresholds command (an admin's) sets one CPU's or
 * every CPU's. A threshold is a latency in ns up to the longest period,
 * or off; 0 is a threshold like any other: every wakeup that was late at
 * all is over it.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink_gen.h"
#include "params.h"
#include "tmon.h"

struct tmon_thresholds {
	u64 ns[TMON_NR_THRESHOLDS];
};

static DEFINE_PER_CPU(struct tmon_thresholds, tmon_cpu_thresholds) = {
	.ns = { TMON_THRESHOLD_OFF, TMON_THRESHOLD_OFF },
};

/*
 * What every CPU's was last set to at once, by the parameter or by
 * set-thresholds without a CPU: the parameters read back the thresholds
 * in force wherever no CPU's was set alone since.
 */
static u64 tmon_threshold_params[TMON_NR_THRESHOLDS] = {
	[TMON_THRESHOLD_THREAD] = TMON_THRESHOLD_OFF,
	[TMON_THRESHOLD_IRQ] = TMON_THRESHOLD_OFF,
};

/* Whether @cpu has a threshold: its timer takes the cause of a late wakeup. */
bool tmon_thresholds_armed(unsigned int cpu)
{
	const struct tmon_thresholds *t = per_cpu_ptr(&tmon_cpu_thresholds, cpu);

	return READ_ONCE(t->ns[TMON_THRESHOLD_THREAD]) != TMON_THRESHOLD_OFF ||
	       READ_ONCE(t->ns[TMON_THRESHOLD_IRQ]) != TMON_THRESHOLD_OFF;
}

void tmon_thresholds_get(unsigned int cpu, u64 *thread, u64 *irq)
{
	const struct tmon_thresholds *t = per_cpu_ptr(&tmon_cpu_thresholds, cpu);

	*thread = READ_ONCE(t->ns[TMON_THRESHOLD_THREAD]);
	*irq = READ_ONCE(t->ns[TMON_THRESHOLD_IRQ]);
}

/* Whether @ns is a threshold: at most the longest period, or off. */
bool tmon_threshold_valid(u64 ns)
{
	return ns <= TMON_PERIOD_MAX_NS || ns == TMON_THRESHOLD_OFF;
}

/* Setters take turns: two settings of every CPU do not end up interleaved. */
static DEFINE_MUTEX(tmon_thresholds_lock);

/* Set threshold @which (enum tmon_threshold) of @cpu, or of every CPU (-1), to @ns. */
void tmon_thresholds_set(int cpu, unsigned int which, u64 ns)
{
	unsigned int c;

	mutex_lock(&tmon_thresholds_lock);
	if (cpu >= 0) {
		WRITE_ONCE(per_cpu_ptr(&tmon_cpu_thresholds, cpu)->ns[which], ns);
	} else {
		WRITE_ONCE(tmon_threshold_params[which], ns);
		for_each_possible_cpu(c)
			WRITE_ONCE(per_cpu_ptr(&tmon_cpu_thresholds, c)->ns[which], ns);
	}
	mutex_unlock(&tmon_thresholds_lock);
}

static int threshold_set(const char *val, const struct kernel_param *kp)
{
	unsigned int which = (u64 *)kp->arg - tmon_threshold_params;
	u64 v;

	if (sysfs_streq(val, "off")) {
		v = TMON_THRESHOLD_OFF;
	} else if (kstrtou64(val, 0, &v) || !tmon_threshold_valid(v)) {
		tmon_param_err("%s=%*pE rejected: must be off or a latency of at most %llu ns\n",
			       kp->name, tmon_val_len(val), val, TMON_PERIOD_MAX_NS);
		return -EINVAL;
	}
	tmon_thresholds_set(-1, which, v);
	return 0;
}

static int threshold_get(char *buf, const struct kernel_param *kp)
{
	u64 v = READ_ONCE(*(u64 *)kp->arg);

	if (v == TMON_THRESHOLD_OFF)
		return sysfs_emit(buf, "off\n");
	return sysfs_emit(buf, "%llu\n", v);
}

static const struct kernel_param_ops threshold_ops = {
	.set = threshold_set,
	.get = threshold_get,
};

module_param_cb(thread_threshold_ns, &threshold_ops,
		&tmon_threshold_params[TMON_THRESHOLD_THREAD], 0644);
MODULE_PARM_DESC(thread_threshold_ns,
		 "Send an event for a wakeup whose thread latency is over this, in ns, or off (default off); sets every CPU's");
module_param_cb(irq_threshold_ns, &threshold_ops,
		&tmon_threshold_params[TMON_THRESHOLD_IRQ], 0644);
MODULE_PARM_DESC(irq_threshold_ns,
		 "Send an event for a wakeup whose IRQ latency is over this, in ns, or off (default off); sets every CPU's");

/* set-thresholds (an admin's): cpu's, or every CPU's, those given. */
int tmon_nl_set_thresholds_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const int attr[TMON_NR_THRESHOLDS] = {
		[TMON_THRESHOLD_THREAD] = TMON_A_THREAD_THRESHOLD_NS,
		[TMON_THRESHOLD_IRQ] = TMON_A_IRQ_THRESHOLD_NS,
	};
	struct nlattr *a, *cpu_attr = info->attrs[TMON_A_CPU];
	unsigned int i, given = 0;
	int cpu = -1;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG_MOD(info->extack, "changing thresholds needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (cpu_attr) {
		cpu = nla_get_u32(cpu_attr);
		if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu)) {
			NL_SET_ERR_MSG_ATTR(info->extack, cpu_attr, "no such CPU");
			return -EINVAL;
		}
	}
	/* All checked before any is set: a refused request changes nothing. */
	for (i = 0; i < TMON_NR_THRESHOLDS; i++) {
		a = info->attrs[attr[i]];
		if (!a)
			continue;
		if (!tmon_threshold_valid(nla_get_u64(a))) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "a threshold is at most the longest period (3600 s), or all ones: off");
			return -EINVAL;
		}
		given++;
	}
	if (!given) {
		NL_SET_ERR_MSG_MOD(info->extack, "no threshold given (thread-, irq-threshold-ns)");
		return -EINVAL;
	}
	for (i = 0; i < TMON_NR_THRESHOLDS; i++)
		if (info->attrs[attr[i]])
			tmon_thresholds_set(cpu, i, nla_get_u64(info->attrs[attr[i]]));
	return 0;
}
