// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl restore`: the state file (state_file.c) applied, settings then
 * processes; and the module load hook's restore --at-load, which keeps
 * the settings tmon.conf changed since the save.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>

#include "tmonctl.h"
#include "state_file.h"

/* Setting @k's parameter, written only if it differs (so an unprivileged restore works). */
static int param_restore(unsigned int k, uint64_t want)
{
	char path[128], buf[32];
	uint64_t cur;
	int err;

	snprintf(path, sizeof(path), "%s/%s", TMON_PARAMS_DIR, settings[k].name);
	if (!setting_param_read(k, &cur) && cur == want)
		return 0;
	/* (all ones is off, as the parameter takes it too) */
	err = sysfs_write_u64(path, want);
	setting_fmt(k, want, buf, sizeof(buf));
	if (err)
		error("restore: cannot set %s to %s: %s", settings[k].name, buf, strerror(-err));
	return err;
}

static void report_gone(uint32_t pid, const char *comm)
{
	char esc[COMM_ESC_LEN];

	error("restore: pid %u (%s) no longer exists: skipped", pid, comm_escape(comm, esc));
}

/*
 * Watch the process again, with its budgets, if it still runs under its
 * comm (any name if none was saved): 1 if it is watched (already watched:
 * with the budgets it has), 0 if it is skipped (gone or another
 * program), -1 on error.
 */
static int watch_restore(const struct saved_watch *w)
{
	char comm[64], esc[COMM_ESC_LEN], esc2[COMM_ESC_LEN];
	const char *saved_comm = w->comm;
	uint32_t pid = w->pid;
	struct nlmsghdr *nlh;
	int err;

	if (!proc_comm(pid, comm, sizeof(comm))) {
		report_gone(pid, saved_comm);
		return 0;
	}
	if (saved_comm[0] && strcmp(comm, saved_comm)) {
		error("restore: pid %u is now '%s', not '%s': skipped", pid,
		      comm_escape(comm, esc), comm_escape(saved_comm, esc2));
		return 0;
	}
	nlh = nl_request(TMON_CMD_WATCH, false);
	nl_put_u32(nlh, TMON_A_PID, pid);
	budgets_put(nlh, &w->budgets);
	err = nl_talk(nlh, NULL, NULL);
	if (err == -ESRCH) {
		report_gone(pid, saved_comm);
		return 0;
	}
	if (err && err != -EEXIST) {
		error("restore: watch %u: %s", pid, nl_strerror(err));
		return -1;
	}
	return 1;
}

/*
 * The load hook's first step, before the state is even read: note in
 * TMON_LOADED_FILE what the module was loaded with (@loaded), for the
 * next save.
 */
static int load_note(uint64_t *loaded)
{
	struct tmon_status st;
	FILE *f;
	int err;

	err = status_get(&st, false);
	if (err)
		return err;
	settings_of(&st, loaded);
	status_free(&st);
	make_dirs(TMON_LOADED_FILE);
	f = fopen(TMON_LOADED_FILE, "we");
	if (f)
		settings_write(f, "", loaded);
	if (!f || fclose(f)) {
		error("restore: cannot write %s: %s", TMON_LOADED_FILE, strerror(errno));
		return EXIT_ERR;
	}
	return EXIT_OK;
}

/*
 * Drop from @s each saved setting changed from a value this load no
 * longer gives (tmon.conf edited since the save): the load's stands.
 */
static void keep_loaded(struct state *s, const uint64_t *loaded)
{
	char now[32], saved[32];
	unsigned int k;

	for (k = 0; k < NR_SETTINGS; k++) {
		if (!s->has_set[k] || !s->has_loaded[k] || s->loaded[k] == loaded[k])
			continue;
		setting_fmt(k, loaded[k], now, sizeof(now));
		setting_fmt(k, s->set[k], saved, sizeof(saved));
		printf("%s %s as loaded, not the saved %s: tmon.conf changed\n",
		       settings[k].name, now, saved);
		s->has_set[k] = false;
		/* The CPUs set alone were set against the old value. */
		if (k >= SET_THREAD_THRESHOLD && s->nr_thr) {
			printf("the thresholds of %zu CPUs set alone are not restored either\n",
			       s->nr_thr);
			s->nr_thr = 0;
		}
	}
}

/* The settings @s holds: EXIT_OK, or EXIT_ERR after a line per failure. */
static int settings_restore(const struct state *s)
{
	int err, rc = EXIT_OK;
	unsigned int k;
	uint64_t now;

	if (s->has_set[SET_PERIOD]) {
		err = period_get(&now);
		if (!err && now != s->set[SET_PERIOD])
			err = period_set(s->set[SET_PERIOD], &now);
		if (err) {
			error("restore: cannot set the period: %s", nl_strerror(err));
			rc = EXIT_ERR;
		}
	}
	/* The parameters, then the CPUs whose thresholds were set alone. */
	for (k = SET_HISTORY; k < NR_SETTINGS; k++)
		if (s->has_set[k] && param_restore(k, s->set[k]))
			rc = EXIT_ERR;
	if (thresholds_restore(s))
		rc = EXIT_ERR;
	return rc;
}

int cmd_restore(int argc, char **argv)
{
	struct state s = { 0 };
	unsigned int watched = 0, skipped = 0;
	const char *file = TMON_STATE_FILE;
	uint64_t loaded[NR_SETTINGS];
	bool at_load = false;
	size_t i;
	int opt, err, rc = EXIT_OK;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case OPT_AT_LOAD:
			at_load = true;
			break;
		default:
			return getopt_error("restore", opt, argv);
		}
	}
	if (optind + 1 < argc)
		return usage_error("restore", "unexpected argument '%s'", argv[optind + 1]);
	if (optind < argc)
		file = argv[optind];
	if (!*file)
		return usage_error("restore", "empty file name");
	err = at_load ? load_note(loaded) : EXIT_OK;
	if (!err)
		err = state_read(file, &s, at_load);
	/* Nothing saved yet: the hook has only the load to note. */
	if (err == -ENOENT)
		return EXIT_OK;
	if (!err)
		err = nl_open();
	if (err) {
		state_free(&s);
		return err;
	}
	if (at_load)
		keep_loaded(&s, loaded);
	rc = settings_restore(&s);
	for (i = 0; i < s.nr_watch; i++) {
		err = watch_restore(&s.watch[i]);
		if (err > 0)
			watched++;
		else if (err == 0)
			skipped++;
		else
			rc = EXIT_ERR;
	}
	printf("restored from %s: %u processes watched, %u skipped\n", file, watched, skipped);
	state_free(&s);
	return rc;
}
