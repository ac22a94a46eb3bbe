// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the period and the limits (params_sched.c has those
 * of how the threads run). The period is log_sec + log_nsec, from 100 us
 * to one hour. Every write is validated before it is stored: a bad value fails
 * with -EINVAL and leaves the old one in place.
 *
 * At load time parameters arrive one by one in command-line order, so the
 * combined period can only be checked once all of them are set; init does
 * that through tmon_params_validate(). Once live, each write is checked
 * against the other half of the period (sysfs writers are serialized by
 * the module's kernel_param_lock).
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "params.h"
#include "tmon.h"

static unsigned int log_sec = 1;
static unsigned long log_nsec;
static unsigned int history = 1024;
static unsigned int max_tasks = 4096;
static unsigned int ring_kb = 1024;
static unsigned int max_user_tasks = 64;
static unsigned int exited_keep_sec = 30;
static atomic64_t tmon_period = ATOMIC64_INIT(NSEC_PER_SEC);
bool tmon_params_live;

u64 tmon_period_ns(void)
{
	return atomic64_read(&tmon_period);
}

unsigned int tmon_history_len(void)
{
	return READ_ONCE(history);
}

unsigned int tmon_max_tasks(void)
{
	return READ_ONCE(max_tasks);
}

unsigned int tmon_ring_kb(void)
{
	return ring_kb;
}

unsigned int tmon_max_user_tasks(void)
{
	return READ_ONCE(max_user_tasks);
}

u64 tmon_exited_keep_ns(void)
{
	return (u64)READ_ONCE(exited_keep_sec) * NSEC_PER_SEC;
}

static u64 tmon_period_of(unsigned int sec, unsigned long nsec)
{
	return (u64)sec * NSEC_PER_SEC + nsec;
}

/*
 * A refused value is logged, escaped and cut short: at load time every
 * time (the admin needs the line), at run time rate limited, since the
 * files are written by users and tools.
 */
static DEFINE_RATELIMIT_STATE(tmon_param_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

__printf(1, 2) void tmon_param_err(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (tmon_params_live && !__ratelimit(&tmon_param_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%pV", &vaf);
	va_end(args);
}

/* Length of @val to show: at most 32 bytes, without echo's newline. */
int tmon_val_len(const char *val)
{
	size_t len = strnlen(val, 32);

	if (len && val[len - 1] == '\n')
		len--;
	return len;
}

static bool tmon_period_valid(u64 period)
{
	return period >= TMON_PERIOD_MIN_NS && period <= TMON_PERIOD_MAX_NS;
}

static int tmon_period_check(const char *name, const char *val,
			     unsigned int sec, unsigned long nsec)
{
	u64 period = tmon_period_of(sec, nsec);

	if (!tmon_period_valid(period)) {
		tmon_param_err("%s=%*pE rejected: period %llu ns is outside %llu..%llu ns\n",
			       name, tmon_val_len(val), val, period, TMON_PERIOD_MIN_NS,
			       TMON_PERIOD_MAX_NS);
		return -EINVAL;
	}
	return 0;
}

static int log_sec_set(const char *val, const struct kernel_param *kp)
{
	unsigned int sec;
	int err;

	err = kstrtouint(val, 0, &sec);
	if (err || sec > TMON_PERIOD_MAX_NS / NSEC_PER_SEC) {
		tmon_param_err("log_sec=%*pE rejected: not a number of seconds up to %llu\n",
			       tmon_val_len(val), val, TMON_PERIOD_MAX_NS / NSEC_PER_SEC);
		return -EINVAL;
	}
	if (tmon_params_live) {
		err = tmon_period_check("log_sec", val, sec, log_nsec);
		if (err)
			return err;
		atomic64_set(&tmon_period, tmon_period_of(sec, log_nsec));
		tmon_threads_apply_grid();
	}
	*(unsigned int *)kp->arg = sec;
	return 0;
}

static int log_nsec_set(const char *val, const struct kernel_param *kp)
{
	unsigned long nsec;
	int err;

	err = kstrtoul(val, 0, &nsec);
	if (err || nsec >= NSEC_PER_SEC) {
		tmon_param_err("log_nsec=%*pE rejected: must be a number below 1000000000\n",
			       tmon_val_len(val), val);
		return -EINVAL;
	}
	if (tmon_params_live) {
		err = tmon_period_check("log_nsec", val, log_sec, nsec);
		if (err)
			return err;
		atomic64_set(&tmon_period, tmon_period_of(log_sec, nsec));
		tmon_threads_apply_grid();
	}
	*(unsigned long *)kp->arg = nsec;
	return 0;
}

/* An unsigned parameter within [@min, @max], read locklessly elsewhere. */
int tmon_param_set_uint(const char *val, const struct kernel_param *kp,
			unsigned int min, unsigned int max)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < min || v > max) {
		tmon_param_err("%s=%*pE rejected: must be %u..%u\n", kp->name,
			       tmon_val_len(val), val, min, max);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int history_set(const char *val, const struct kernel_param *kp)
{
	return tmon_param_set_uint(val, kp, 1, TMON_HISTORY_MAX);
}

/* Lowering it keeps watched tasks; only new watches see the limit. */
static int max_tasks_set(const char *val, const struct kernel_param *kp)
{
	return tmon_param_set_uint(val, kp, 1, TMON_MAX_TASKS_LIMIT);
}

/*
 * Read-only once loaded (0444): the rings are sized at init. A ring is a
 * header page and whole pages of entries: at least one page of them,
 * which on 64 KiB-page kernels is more than TMON_RING_KB_MIN.
 */
static int ring_kb_set(const char *val, const struct kernel_param *kp)
{
	unsigned int min = max_t(unsigned int, TMON_RING_KB_MIN, 2 * PAGE_SIZE / 1024);

	return tmon_param_set_uint(val, kp, min, TMON_RING_KB_MAX);
}

static const struct kernel_param_ops log_sec_ops = {
	.set = log_sec_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops log_nsec_ops = {
	.set = log_nsec_set,
	.get = param_get_ulong,
};

static const struct kernel_param_ops history_ops = {
	.set = history_set,
	.get = param_get_uint,
};

module_param_cb(log_sec, &log_sec_ops, &log_sec, 0644);
MODULE_PARM_DESC(log_sec, "Sampling period, whole seconds (default 1)");
module_param_cb(log_nsec, &log_nsec_ops, &log_nsec, 0644);
MODULE_PARM_DESC(log_nsec, "Sampling period, nanoseconds part, < 1000000000 (default 0)");
module_param_cb(history, &history_ops, &history, 0644);
MODULE_PARM_DESC(history, "Records kept per CPU and per watched task, 1..65536 (default 1024)");

static const struct kernel_param_ops max_tasks_ops = {
	.set = max_tasks_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops ring_kb_ops = {
	.set = ring_kb_set,
	.get = param_get_uint,
};

/* Watches of one non-admin user, exited ones until they are reaped. */
static int max_user_tasks_set(const char *val, const struct kernel_param *kp)
{
	return tmon_param_set_uint(val, kp, 0, TMON_MAX_TASKS_LIMIT);
}

static const struct kernel_param_ops max_user_tasks_ops = {
	.set = max_user_tasks_set,
	.get = param_get_uint,
};

/* How long an exited process's watch and last record stay. */
static int exited_keep_sec_set(const char *val, const struct kernel_param *kp)
{
	return tmon_param_set_uint(val, kp, 1, 60);
}

static const struct kernel_param_ops exited_keep_sec_ops = {
	.set = exited_keep_sec_set,
	.get = param_get_uint,
};

module_param_cb(max_user_tasks, &max_user_tasks_ops, &max_user_tasks, 0644);
MODULE_PARM_DESC(max_user_tasks, "Watches one non-admin user may hold, 0..65536 (default 64)");
module_param_cb(exited_keep_sec, &exited_keep_sec_ops, &exited_keep_sec, 0644);
MODULE_PARM_DESC(exited_keep_sec, "Seconds an exited process stays watched, 1..60 (default 30)");
module_param_cb(ring_kb, &ring_kb_ops, &ring_kb, 0444);
MODULE_PARM_DESC(ring_kb, "Size of each CPU's stream ring in KiB, 8..65536 (default 1024)");
module_param_cb(max_tasks, &max_tasks_ops, &max_tasks, 0644);
MODULE_PARM_DESC(max_tasks, "Limit of the watch list, 1..65536 (default 4096)");

/* Called from init, before any thread runs: check the combined period. */
int tmon_params_validate(void)
{
	u64 period;
	int err = 0;

	kernel_param_lock(THIS_MODULE);
	period = tmon_period_of(log_sec, log_nsec);
	if (!tmon_period_valid(period)) {
		pr_err("log_sec=%u log_nsec=%lu rejected: period %llu ns is outside %llu..%llu ns\n",
		       log_sec, log_nsec, period, TMON_PERIOD_MIN_NS, TMON_PERIOD_MAX_NS);
		err = -EINVAL;
	} else {
		atomic64_set(&tmon_period, period);
	}
	kernel_param_unlock(THIS_MODULE);
	return err;
}

/* Set both halves of the period at once (netlink); @ns is in range. */
int tmon_set_period(u64 ns)
{
	u32 nsec;

	if (!tmon_period_valid(ns))
		return -EINVAL;
	kernel_param_lock(THIS_MODULE);
	log_sec = div_u64_rem(ns, NSEC_PER_SEC, &nsec);
	log_nsec = nsec;
	atomic64_set(&tmon_period, ns);
	if (tmon_params_live)
		tmon_threads_apply_grid();
	kernel_param_unlock(THIS_MODULE);
	return 0;
}

void tmon_params_set_live(bool live)
{
	kernel_param_lock(THIS_MODULE);
	tmon_params_live = live;
	kernel_param_unlock(THIS_MODULE);
}
