// SPDX-License-Identifier: GPL-2.0
/*
 * The period: `tmonctl period`, and the calls save and restore use.
 */
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "tmonctl.h"

static int period_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	(void)nlh;
	if (!tb[TMON_A_PERIOD_NS])
		return -EPROTO;
	*(uint64_t *)data = mnl_attr_get_u64(tb[TMON_A_PERIOD_NS]);
	return 0;
}

int period_get(uint64_t *ns)
{
	return nl_talk(nl_request(TMON_CMD_GET_PERIOD, false), period_cb, ns);
}

/* Both halves (log_sec, log_nsec) change at once, in the kernel. */
int period_set(uint64_t ns, uint64_t *now)
{
	struct nlmsghdr *nlh = nl_request(TMON_CMD_SET_PERIOD, false);

	nl_put_u64(nlh, TMON_A_PERIOD_NS, ns);
	return nl_talk(nlh, period_cb, now);
}

int cmd_period(int argc, char **argv)
{
	uint64_t ns = 0, now = 0;
	int err;

	err = cmd_operands(&argc, argv);
	if (err)
		return err;
	if (argc > 2)
		return usage_error("period", "unexpected argument '%s'", argv[2]);
	if (argc == 2 && parse_seconds(argv[1], &ns))
		return usage_error("period", "'%s' is not a period from 100us to 1h (0.25, 250ms)",
				   argv[1]);
	err = nl_open();
	if (err)
		return err;
	if (argc == 2)
		err = period_set(ns, &now);
	else
		err = period_get(&now);
	if (err) {
		error("period: cannot %s the period: %s", argc == 2 ? "set" : "read",
		      nl_strerror(err));
		return EXIT_ERR;
	}
	if (argc == 2)
		state_autosave();
	printf("%" PRIu64 ".%09" PRIu64 "\n", now / NSEC_PER_SEC, now % NSEC_PER_SEC);
	return EXIT_OK;
}
