// SPDX-License-Identifier: GPL-2.0
/*
 * The parameters of how the threads run: their scheduling policy and
 * priority, whether the CPUs' expiries are staggered, and how often the
 * watched processes are sampled. Validated as in params.c; a new value
 * applies to the running threads at once.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "params.h"
#include "tmon.h"

static int policy = SCHED_FIFO;
static unsigned int prio = 1;
static unsigned int sample_every = 1;
static bool stagger;

int tmon_sched_policy(void)
{
	return READ_ONCE(policy);
}

unsigned int tmon_sched_prio(void)
{
	return READ_ONCE(prio);
}

unsigned int tmon_sample_every(void)
{
	return READ_ONCE(sample_every);
}

bool tmon_stagger(void)
{
	return READ_ONCE(stagger);
}

/*
 * The threads' scheduling: stored first, then applied to every running
 * thread; a CPU coming online meanwhile reads the new value.
 */
static const char * const tmon_policy_names[] = {
	[SCHED_NORMAL] = "other",
	[SCHED_FIFO] = "fifo",
};

static int policy_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(tmon_policy_names, val);

	if (i < 0) {
		tmon_param_err("policy=%*pE rejected: must be fifo or other\n",
			       tmon_val_len(val), val);
		return -EINVAL;
	}
	WRITE_ONCE(policy, i);
	if (tmon_params_live)
		tmon_threads_apply_sched();
	return 0;
}

static int policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", tmon_policy_names[READ_ONCE(policy)]);
}

static const struct kernel_param_ops policy_ops = {
	.set = policy_set,
	.get = policy_get,
};

static int prio_set(const char *val, const struct kernel_param *kp)
{
	int err = tmon_param_set_uint(val, kp, 1, MAX_RT_PRIO - 1);

	if (!err && tmon_params_live)
		tmon_threads_apply_sched();
	return err;
}

static const struct kernel_param_ops prio_ops = {
	.set = prio_set,
	.get = param_get_uint,
};

static int sample_every_set(const char *val, const struct kernel_param *kp)
{
	return tmon_param_set_uint(val, kp, 1, TMON_SAMPLE_EVERY_MAX);
}

static const struct kernel_param_ops sample_every_ops = {
	.set = sample_every_set,
	.get = param_get_uint,
};

module_param_cb(policy, &policy_ops, &policy, 0644);
MODULE_PARM_DESC(policy, "Scheduling policy of the threads, fifo or other (default fifo)");
module_param_cb(prio, &prio_ops, &prio, 0644);
MODULE_PARM_DESC(prio, "Real-time priority of the threads under fifo, 1..99 (default 1)");

static int stagger_set(const char *val, const struct kernel_param *kp)
{
	int err = param_set_bool(val, kp);

	if (err)
		tmon_param_err("stagger=%*pE rejected: must be a boolean\n",
			       tmon_val_len(val), val);
	else if (tmon_params_live)
		tmon_threads_apply_grid();
	return err;
}

static const struct kernel_param_ops stagger_ops = {
	.set = stagger_set,
	.get = param_get_bool,
};

module_param_cb(stagger, &stagger_ops, &stagger, 0644);
MODULE_PARM_DESC(stagger, "Spread the CPUs' expiries over the period's gap between ticks instead of releasing them together (default N)");
module_param_cb(sample_every, &sample_every_ops, &sample_every, 0644);
MODULE_PARM_DESC(sample_every, "Sample the watched processes every N-th period, 1..1000 (default 1)");
