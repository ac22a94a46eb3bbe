// SPDX-License-Identifier: GPL-2.0
/* Do not edit: made from netlink/tmon.yaml by netlink/gen.py. */
#include "netlink_gen.h"

/* Not const: before 6.2 a policy holds a non-const pointer to it. */
static struct netlink_range_validation tmon_a_period_ns_range = {
	.min = TMON_PERIOD_MIN_NS,
	.max = TMON_PERIOD_MAX_NS,
};

/* A command without request attributes refuses any. */
static const struct nla_policy tmon_reject_all_nl_policy[TMON_A_PAD + 1] = {
	[TMON_A_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy tmon_watch_nl_policy[TMON_A_BUDGET_MAJFLT + 1] = {
	[TMON_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TMON_A_BUDGET_CPU] = { .type = NLA_U64 },
	[TMON_A_BUDGET_RSS] = { .type = NLA_U64 },
	[TMON_A_BUDGET_MAJFLT] = { .type = NLA_U64 },
};

static const struct nla_policy tmon_unwatch_nl_policy[TMON_A_PID + 1] = {
	[TMON_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy tmon_dump_cpus_nl_policy[TMON_A_CPU + 1] = {
	[TMON_A_CPU] = { .type = NLA_U32 },
};

static const struct nla_policy tmon_set_period_nl_policy[TMON_A_PERIOD_NS + 1] = {
	[TMON_A_PERIOD_NS] = NLA_POLICY_FULL_RANGE(NLA_U64, &tmon_a_period_ns_range),
};

static const struct nla_policy tmon_set_thresholds_nl_policy[TMON_A_IRQ_THRESHOLD_NS + 1] = {
	[TMON_A_CPU] = { .type = NLA_U32 },
	[TMON_A_THREAD_THRESHOLD_NS] = { .type = NLA_U64 },
	[TMON_A_IRQ_THRESHOLD_NS] = { .type = NLA_U64 },
};

/* Every group is an admin's, as every privilege of the family. */
const struct genl_multicast_group tmon_nl_mcgrps[1] = {
	[TMON_NLGRP_EVENTS] = {
		.name	= TMON_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_SYS_ADMIN,
	},
};

const struct genl_ops tmon_nl_ops[11] = {
	{
		.cmd		= TMON_CMD_GET_STATUS,
		.doit		= tmon_nl_get_status_doit,
		.policy		= tmon_reject_all_nl_policy,
		.maxattr	= TMON_A_PAD,
	},
	{
		.cmd		= TMON_CMD_WATCH,
		.doit		= tmon_nl_watch_doit,
		.policy		= tmon_watch_nl_policy,
		.maxattr	= TMON_A_BUDGET_MAJFLT,
	},
	{
		.cmd		= TMON_CMD_UNWATCH,
		.doit		= tmon_nl_unwatch_doit,
		.policy		= tmon_unwatch_nl_policy,
		.maxattr	= TMON_A_PID,
	},
	{
		.cmd		= TMON_CMD_LIST_TASKS,
		.start		= tmon_nl_list_tasks_start,
		.dumpit		= tmon_nl_list_tasks_dumpit,
		.done		= tmon_nl_dump_done,
		.policy		= tmon_reject_all_nl_policy,
		.maxattr	= TMON_A_PAD,
	},
	{
		.cmd		= TMON_CMD_DUMP_TASKS,
		.start		= tmon_nl_dump_tasks_start,
		.dumpit		= tmon_nl_dump_tasks_dumpit,
		.done		= tmon_nl_dump_done,
		.policy		= tmon_unwatch_nl_policy,
		.maxattr	= TMON_A_PID,
	},
	{
		.cmd		= TMON_CMD_DUMP_CPUS,
		.start		= tmon_nl_dump_cpus_start,
		.dumpit		= tmon_nl_dump_cpus_dumpit,
		.policy		= tmon_dump_cpus_nl_policy,
		.maxattr	= TMON_A_CPU,
	},
	{
		.cmd		= TMON_CMD_GET_PERIOD,
		.doit		= tmon_nl_get_period_doit,
		.policy		= tmon_reject_all_nl_policy,
		.maxattr	= TMON_A_PAD,
	},
	{
		.cmd		= TMON_CMD_SET_PERIOD,
		.doit		= tmon_nl_set_period_doit,
		.policy		= tmon_set_period_nl_policy,
		.maxattr	= TMON_A_PERIOD_NS,
	},
	{
		.cmd		= TMON_CMD_SUBSCRIBE_EVENTS,
		.doit		= tmon_nl_subscribe_events_doit,
		.policy		= tmon_reject_all_nl_policy,
		.maxattr	= TMON_A_PAD,
	},
	{
		.cmd		= TMON_CMD_SET_BUDGET,
		.doit		= tmon_nl_set_budget_doit,
		.policy		= tmon_watch_nl_policy,
		.maxattr	= TMON_A_BUDGET_MAJFLT,
	},
	{
		.cmd		= TMON_CMD_SET_THRESHOLDS,
		.doit		= tmon_nl_set_thresholds_doit,
		.policy		= tmon_set_thresholds_nl_policy,
		.maxattr	= TMON_A_IRQ_THRESHOLD_NS,
	},
};
