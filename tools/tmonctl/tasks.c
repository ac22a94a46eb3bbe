// SPDX-License-Identifier: GPL-2.0
/* The watch list: watch, unwatch, list, and one task's history (show). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "tmonctl.h"

/*
 * watch PID... [--max-* VALUE]... and unwatch PID...: each pid is tried,
 * every failure named; watch's budgets go with each pid.
 */
int cmd_watch(int argc, char **argv)
{
	const char *cmd = argv[0];
	bool watch = !strcmp(cmd, "watch");
	struct budgets b = { 0 };
	uint32_t *pids;
	int i, opt, err, rc = EXIT_OK;
	bool changed = false;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		err = budget_option(cmd, opt, optarg, false, &b);
		if (err < 0)
			return pid_getopt_error(cmd, opt, argv);
		if (err)
			return err;
	}
	if (optind >= argc)
		return usage_error(cmd, "no PID given");
	pids = calloc((size_t)argc, sizeof(*pids));
	if (!pids) {
		error("%s: out of memory", cmd);
		return EXIT_ERR;
	}
	/* All arguments are checked before anything changes. */
	for (i = optind; i < argc; i++) {
		if (parse_pid(argv[i], &pids[i])) {
			free(pids);
			return usage_error(cmd, "'%s' is not a process id", argv[i]);
		}
	}
	err = nl_open();
	for (i = optind; !err && i < argc; i++) {
		struct nlmsghdr *nlh = nl_request(watch ? TMON_CMD_WATCH : TMON_CMD_UNWATCH, false);

		nl_put_u32(nlh, TMON_A_PID, pids[i]);
		budgets_put(nlh, &b);
		err = nl_talk(nlh, NULL, NULL);
		if (err) {
			error("%s %u: %s", cmd, pids[i], nl_strerror(err));
			rc = EXIT_ERR;
			err = 0;
		} else {
			changed = true;
		}
	}
	free(pids);
	if (changed)
		state_autosave();
	return err ? err : rc;
}

int cmd_list(int argc, char **argv)
{
	struct task_list tl = { 0 };
	char prefix[128], esc[COMM_ESC_LEN];
	struct json j;
	size_t i;
	int err;

	err = cmd_options_only(argc, argv);
	if (!err)
		err = tasks_get(&tl);
	if (err) {
		free(tl.t);
		return err;
	}
	json_init(&j, stdout);
	if (json_global) {
		/* "tasks" is a count, as in status; the list is "watched". */
		json_object(&j, NULL);
		json_u64(&j, "tasks", tl.n);
		json_array(&j, "watched");
	} else {
		snprintf(prefix, sizeof(prefix), "%7s %-16s %-7s %7s", "PID", "COMM", "STATE",
			 "RECORDS");
		view_header(stdout, prefix, &text_views[VIEW_LIST]);
	}
	for (i = 0; i < tl.n; i++) {
		const struct task_state *t = &tl.t[i];
		const char *state = t->exited ? "exited" : "running";

		if (json_global) {
			json_object(&j, NULL);
			json_u64(&j, "pid", t->pid);
			json_str(&j, "state", state);
			json_u64(&j, "records", t->nr_records);
			if (t->has_record) {
				json_str(&j, "comm", t->rec.comm);
				json_object(&j, "last");
				fields_json(&j, &task_fields, &t->rec);
				json_end(&j);
			}
			json_budgets(&j, t->budget);
			json_end(&j);
			continue;
		}
		snprintf(prefix, sizeof(prefix), "%7u %-16s %-7s %7u", t->pid,
			 t->has_record ? comm_escape(t->rec.comm, esc) : "-", state,
			 t->nr_records);
		view_row(stdout, prefix, &text_views[VIEW_LIST], t->has_record ? &t->rec : NULL);
	}
	if (json_global) {
		json_end(&j);
		json_end(&j);
	}
	free(tl.t);
	return EXIT_OK;
}

/* The newest @keep records of one task, in a ring, oldest first. */
struct history {
	struct tmon_task_record *r;
	size_t keep, n;
	bool wall;		/* --wall: each record's time on the wall clock */
};

static int history_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	struct history *h = data;
	struct tmon_task_record rec;

	(void)nlh;
	if (!nl_get_record(tb[TMON_A_TASK_RECORD], &rec, sizeof(rec)))
		return 0;
	rec.comm[TMON_COMM_LEN - 1] = '\0';
	h->r[h->n++ % h->keep] = rec;
	return 0;
}

static int watched(uint32_t pid, bool *yes, bool *exited)
{
	struct task_list tl = { 0 };
	size_t i;
	int err;

	*yes = false;
	err = tasks_get(&tl);
	for (i = 0; !err && i < tl.n; i++) {
		if (tl.t[i].pid == pid) {
			*yes = true;
			*exited = tl.t[i].exited;
		}
	}
	free(tl.t);
	return err;
}

static int show_args(int argc, char **argv, uint32_t *pid, struct history *h)
{
	uint64_t n = TMON_HISTORY_MAX;
	int opt;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_u64(optarg, 1, TMON_HISTORY_MAX, &n))
				return usage_error("show", "-n '%s' is not a count from 1 to %u",
						   optarg, TMON_HISTORY_MAX);
			break;
		case 'w':
			h->wall = true;
			break;
		default:
			return pid_getopt_error("show", opt, argv);
		}
	}
	h->keep = (size_t)n;
	return one_pid_operand("show", argc, argv, pid);
}

/* The history @h holds, oldest first, as text or one JSON document. */
static void show_print(uint32_t pid, bool exited, const struct history *h, bool json)
{
	size_t i, count = h->n < h->keep ? h->n : h->keep;
	size_t first = h->n < h->keep ? 0 : h->n % h->keep;
	char esc[COMM_ESC_LEN], when[WALL_LEN];
	struct json j;

	json_init(&j, stdout);
	if (json) {
		json_object(&j, NULL);
		json_u64(&j, "pid", pid);
		json_str(&j, "state", exited ? "exited" : "running");
		json_str(&j, "comm", count ? h->r[first].comm : "");
		/* "records" is a count, as in list and status. */
		json_u64(&j, "records", count);
		json_array(&j, "entries");
	} else {
		printf("pid %u %s (%s), %zu records\n", pid,
		       count ? comm_escape(h->r[first].comm, esc) : "-",
		       exited ? "exited" : "running", count);
		snprintf(when, sizeof(when), "%-30s", "WALL (UTC)");
		view_header(stdout, h->wall ? when : "", &text_views[VIEW_SHOW]);
	}
	for (i = 0; i < count; i++) {
		const struct tmon_task_record *r = &h->r[(first + i) % h->keep];

		if (h->wall)
			fmt_wall(when, sizeof(when), r->ts_ns);
		if (json) {
			json_object(&j, NULL);
			fields_json(&j, &task_fields, r);
			if (h->wall)
				json_str(&j, "wall", when);
			json_end(&j);
		} else {
			view_row(stdout, h->wall ? when : "", &text_views[VIEW_SHOW], r);
		}
	}
	if (json) {
		json_end(&j);
		json_end(&j);
	}
}

int cmd_show(int argc, char **argv)
{
	struct history h = { 0 };
	bool is_watched, exited = false;
	struct nlmsghdr *nlh;
	uint32_t pid;
	int err;

	err = show_args(argc, argv, &pid, &h);
	if (!err)
		err = watched(pid, &is_watched, &exited);
	if (err)
		return err;
	if (!is_watched) {
		error("show %u: process not watched (tmonctl watch %u)", pid, pid);
		return EXIT_ERR;
	}
	h.r = calloc(h.keep, sizeof(*h.r));
	if (!h.r) {
		error("show: out of memory");
		return EXIT_ERR;
	}
	nlh = nl_request(TMON_CMD_DUMP_TASKS, true);
	nl_put_u32(nlh, TMON_A_PID, pid);
	err = nl_talk(nlh, history_cb, &h);
	if (err)
		error("show %u: %s", pid, nl_strerror(err));
	else
		show_print(pid, exited, &h, json_global);
	free(h.r);
	return err ? EXIT_ERR : EXIT_OK;
}
