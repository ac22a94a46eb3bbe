// SPDX-License-Identifier: GPL-2.0
/*
 * The trace of what led to a late wakeup. Armed (parameter trace_snapshot
 * set), the first wakeup over a threshold keeps the kernel's tracing ring
 * as it is at that moment: a snapshot of the ring buffer, which tracing
 * goes on writing past (read it in /sys/kernel/tracing/snapshot, or with
 * trace-cmd extract -s); on a kernel without snapshots (no
 * CONFIG_TRACER_SNAPSHOT), tracing is turned off instead, as timerlat's
 * stop_tracing_us does. The thread takes it right after its record, which
 * the tmon_wakeup event has put in the ring; then the option is disarmed,
 * so a later event does not replace what was kept.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "params.h"
#include "tmon.h"

static int snapshot_armed;

/* On the thread, at a crossing: keep the trace once. */
void tmon_snapshot_take(void)
{
	if (!READ_ONCE(snapshot_armed) || !xchg(&snapshot_armed, 0))
		return;
	if (IS_ENABLED(CONFIG_TRACER_SNAPSHOT))
		tracing_snapshot();
	else
		tracing_off();
}

/*
 * Arming allocates the snapshot buffer, where the kernel has one (it may
 * sleep, and it takes a first snapshot: what it holds until an event).
 */
static int snapshot_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on)) {
		tmon_param_err("trace_snapshot=%*pE rejected: must be a boolean\n",
			       tmon_val_len(val), val);
		return -EINVAL;
	}
	if (on && IS_ENABLED(CONFIG_TRACER_SNAPSHOT))
		tracing_snapshot_alloc();
	WRITE_ONCE(snapshot_armed, on);
	return 0;
}

static int snapshot_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", READ_ONCE(snapshot_armed) ? 'Y' : 'N');
}

static const struct kernel_param_ops snapshot_ops = {
	.set = snapshot_set,
	.get = snapshot_get,
};

module_param_cb(trace_snapshot, &snapshot_ops, NULL, 0644);
MODULE_PARM_DESC(trace_snapshot,
		 "At the next wakeup over a threshold, keep the tracing ring (a snapshot, or tracing off), then disarm (default N)");
