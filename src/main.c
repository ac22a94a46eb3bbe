// SPDX-License-Identifier: GPL-2.0
/*
 * tmon: per-CPU monitoring threads woken by absolute hrtimers.
 *
 * Init is staged and unwound in reverse on error; exit mirrors it. The
 * threads start last, so every read-out exists before the first record,
 * and stop first, so nothing writes history that is being freed. The
 * watch list goes after the read-outs are removed (an open debugfs file
 * holds a module reference, so no reader is left by then). The events'
 * queues outlive the netlink family, whose status reads their totals.
 */
#include <linux/module.h>

#include "tmon.h"

/* Memory held for records: samples (and their reserve), histories, rings. */
u64 tmon_mem_bytes(void)
{
	return tmon_samples_mem_bytes() + tmon_history_mem_bytes() + tmon_ring_mem_bytes();
}

static int __init tmon_init(void)
{
	int err;

	err = tmon_params_validate();
	if (err)
		return err;

	tmon_history_init();
	tmon_tasks_init();
	err = tmon_samples_init();
	if (err)
		goto err_history;
	err = tmon_reclaim_init();
	if (err)
		goto err_samples;
	err = tmon_ring_init();
	if (err)
		goto err_reclaim;

	err = tmon_sysfs_init();
	if (err)
		goto err_ring;
	tmon_debugfs_init();

	err = tmon_events_init();
	if (err)
		goto err_debugfs;
	err = tmon_netlink_init();
	if (err)
		goto err_events;
	err = tmon_events_start();
	if (err)
		goto err_netlink;
	err = tmon_threads_start();
	if (err)
		goto err_events_started;

	tmon_params_set_live(true);
	pr_info("version %s, period %llu ns, %u threads\n",
		TMON_VERSION, tmon_period_ns(), tmon_threads_running());
	return 0;

err_events_started:
	tmon_events_stop();
err_netlink:
	tmon_netlink_exit();
err_events:
	tmon_events_exit();
err_debugfs:
	tmon_debugfs_exit();
	tmon_sysfs_exit();
err_ring:
	tmon_tasks_exit();
	tmon_ring_exit();
err_reclaim:
	tmon_reclaim_exit();
err_samples:
	tmon_samples_exit();
err_history:
	tmon_history_exit();
	return err;
}

static void __exit tmon_exit(void)
{
	tmon_params_set_live(false);
	tmon_threads_stop();
	tmon_events_stop();
	tmon_netlink_exit();
	tmon_events_exit();
	tmon_debugfs_exit();
	tmon_sysfs_exit();
	tmon_tasks_exit();
	tmon_ring_exit();
	tmon_reclaim_exit();
	tmon_samples_exit();
	tmon_history_exit();
}

module_init(tmon_init);
module_exit(tmon_exit);

MODULE_DESCRIPTION("Per-CPU wakeup latency and process monitor");
MODULE_AUTHOR("The tmon developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(TMON_VERSION);
