/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit: made from netlink/tmon.yaml by netlink/gen.py. */
#ifndef _TMON_NETLINK_GEN_H
#define _TMON_NETLINK_GEN_H

#include <net/genetlink.h>

#include "tmon_abi.h"

extern const struct genl_ops tmon_nl_ops[11];

enum tmon_nl_mcgrp {
	TMON_NLGRP_EVENTS,
};

extern const struct genl_multicast_group tmon_nl_mcgrps[1];

int tmon_nl_get_status_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_watch_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_unwatch_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_list_tasks_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tmon_nl_list_tasks_start(struct netlink_callback *cb);
int tmon_nl_dump_done(struct netlink_callback *cb);
int tmon_nl_dump_tasks_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tmon_nl_dump_tasks_start(struct netlink_callback *cb);
int tmon_nl_dump_cpus_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tmon_nl_dump_cpus_start(struct netlink_callback *cb);
int tmon_nl_get_period_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_set_period_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_subscribe_events_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_set_budget_doit(struct sk_buff *skb, struct genl_info *info);
int tmon_nl_set_thresholds_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _TMON_NETLINK_GEN_H */
