// SPDX-License-Identifier: GPL-2.0
/*
 * Settings: the period, and save/restore of the watch list and the
 * settings, so that they survive a module reload.
 *
 * The state file is text, one setting or watched process per line:
 *	period_ns 250000000
 *	history 1024
 *	max_tasks 4096
 *	watch 1234 sshd
 * The comm is kept so that restore can tell a recycled pid from the
 * process that was watched.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
static int period_set(uint64_t ns, uint64_t *now)
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
	printf("%" PRIu64 ".%09" PRIu64 "\n", now / NSEC_PER_SEC, now % NSEC_PER_SEC);
	return EXIT_OK;
}

static int file_arg(const char *cmd, int argc, char **argv, const char **file)
{
	int err = cmd_operands(&argc, argv);

	if (err)
		return err;
	if (argc > 2)
		return usage_error(cmd, "unexpected argument '%s'", argv[2]);
	*file = argc == 2 ? argv[1] : TMON_STATE_FILE;
	if (!**file)
		return usage_error(cmd, "empty file name");
	return EXIT_OK;
}

/* mkdir -p of the file's directory, for the default /var/lib/tmon. */
static void make_dirs(const char *file)
{
	char dir[4096], *p;

	snprintf(dir, sizeof(dir), "%s", file);
	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
}

/* The comm of a live process; false if there is none. */
static bool proc_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	/* Only the newline the kernel ends it with: a name may hold others. */
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	return true;
}

/* The state into @f: the settings, then each live watched process and its name. */
static unsigned int state_write(FILE *f, const struct tmon_status *st,
				const struct task_list *tl)
{
	char comm[TMON_COMM_LEN + 1], esc[COMM_ESC_LEN];
	unsigned int saved = 0;
	size_t i;

	fprintf(f, "# tmon state, written by tmonctl save; read by tmonctl restore\n");
	fprintf(f, "period_ns %" PRIu64 "\nhistory %u\nmax_tasks %u\n", st->period_ns,
		st->history, st->max_tasks);
	for (i = 0; i < tl->n; i++) {
		if (tl->t[i].exited)
			continue;	/* gone: nothing to watch again */
		/* Not sampled yet: its name from /proc, so restore can check it. */
		if (!tl->t[i].has_record && !proc_comm(tl->t[i].pid, comm, sizeof(comm)))
			continue;
		/* One token whatever the name holds: no line of it is a command. */
		comm_escape(tl->t[i].has_record ? tl->t[i].rec.comm : comm, esc);
		fprintf(f, "watch %u %s\n", tl->t[i].pid, esc[0] ? esc : "-");
		saved++;
	}
	return saved;
}

/* Written beside and renamed: a crash never leaves half a state. */
static int state_save(const char *file, const struct tmon_status *st,
		      const struct task_list *tl, unsigned int *saved)
{
	char tmp[4200];
	FILE *f;
	int fd;

	make_dirs(file);
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file);
	fd = mkstemp(tmp);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		error("save: cannot create %s: %s", tmp, strerror(errno));
		return EXIT_ERR;
	}
	fchmod(fd, 0644);
	*saved = state_write(f, st, tl);
	if (fflush(f) || fsync(fd) || ferror(f)) {
		error("save: cannot write %s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return EXIT_ERR;
	}
	fclose(f);
	if (rename(tmp, file)) {
		error("save: cannot rename %s to %s: %s", tmp, file, strerror(errno));
		unlink(tmp);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

int cmd_save(int argc, char **argv)
{
	struct task_list tl = { 0 };
	struct tmon_status st;
	unsigned int saved = 0;
	const char *file;
	int err;

	err = file_arg("save", argc, argv, &file);
	if (err)
		return err;
	err = status_get(&st, false);
	if (err)
		return err;
	err = tasks_get(&tl);
	if (!err)
		err = state_save(file, &st, &tl, &saved);
	if (!err)
		printf("saved period, limits and %u watched processes to %s\n", saved, file);
	free(tl.t);
	status_free(&st);
	return err;
}

struct state {
	uint64_t period_ns, history, max_tasks;
	bool has_period, has_history, has_max_tasks;
	struct {
		uint32_t pid;
		char comm[TMON_COMM_LEN];
	} *watch;
	size_t nr_watch;
};

/* Read and check the whole file before anything changes. */
static int state_read(const char *file, struct state *s)
{
	char line[256], key[32], comm[64], name[TMON_COMM_LEN];
	unsigned int lineno = 0;
	uint64_t v;
	FILE *f;
	int n;

	f = fopen(file, "re");
	if (!f) {
		error("restore: cannot open %s: %s", file, strerror(errno));
		return EXIT_ERR;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		comm[0] = '\0';
		n = sscanf(line, "%31s %" SCNu64 " %63s", key, &v, comm);
		if (n >= 2 && !strcmp(key, "period_ns") && v >= TMON_PERIOD_MIN_NS &&
		    v <= TMON_PERIOD_MAX_NS) {
			s->period_ns = v;
			s->has_period = true;
		} else if (n >= 2 && !strcmp(key, "history") && v >= 1 && v <= TMON_HISTORY_MAX) {
			s->history = v;
			s->has_history = true;
		} else if (n >= 2 && !strcmp(key, "max_tasks") && v >= 1 &&
			   v <= TMON_MAX_TASKS_LIMIT) {
			s->max_tasks = v;
			s->has_max_tasks = true;
		} else if (n >= 2 && !strcmp(key, "watch") && v >= 1 && v <= 4194304 &&
			   s->nr_watch < TMON_MAX_TASKS_LIMIT &&
			   (n == 2 || !strcmp(comm, "-") || !comm_unescape(comm, name))) {
			void *w = realloc(s->watch, (s->nr_watch + 1) * sizeof(*s->watch));

			if (!w) {
				fclose(f);
				error("restore: out of memory");
				return EXIT_ERR;
			}
			s->watch = w;
			s->watch[s->nr_watch].pid = (uint32_t)v;
			snprintf(s->watch[s->nr_watch].comm, TMON_COMM_LEN, "%s",
				 n == 3 && strcmp(comm, "-") ? name : "");
			s->nr_watch++;
		} else {
			fclose(f);
			error("restore: %s:%u: not a tmon state line: '%.60s'", file, lineno, line);
			return EXIT_ERR;
		}
	}
	fclose(f);
	return EXIT_OK;
}

/* A parameter, written only if it differs (so an unprivileged restore works). */
static int param_restore(const char *name, uint64_t want)
{
	char path[128];
	uint64_t cur;
	int err;

	snprintf(path, sizeof(path), "%s/%s", TMON_PARAMS_DIR, name);
	if (!sysfs_read_u64(path, &cur) && cur == want)
		return 0;
	err = sysfs_write_u64(path, want);
	if (err)
		error("restore: cannot set %s to %" PRIu64 ": %s", name, want, strerror(-err));
	return err;
}

static void report_gone(uint32_t pid, const char *comm)
{
	char esc[COMM_ESC_LEN];

	error("restore: pid %u (%s) no longer exists: skipped", pid, comm_escape(comm, esc));
}

/*
 * Watch @pid again if it still runs under @comm (any name if empty): 1 if
 * it is watched, 0 if it is skipped (gone or another program), -1 on error.
 */
static int watch_restore(uint32_t pid, const char *saved_comm)
{
	char comm[64], esc[COMM_ESC_LEN], esc2[COMM_ESC_LEN];
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

int cmd_restore(int argc, char **argv)
{
	struct state s = { 0 };
	unsigned int watched = 0, skipped = 0;
	const char *file;
	uint64_t now;
	size_t i;
	int err, rc = EXIT_OK;

	err = file_arg("restore", argc, argv, &file);
	if (!err)
		err = state_read(file, &s);
	if (!err)
		err = nl_open();
	if (err) {
		free(s.watch);
		return err;
	}
	if (s.has_period) {
		err = period_get(&now);
		if (!err && now != s.period_ns)
			err = period_set(s.period_ns, &now);
		if (err) {
			error("restore: cannot set the period: %s", nl_strerror(err));
			rc = EXIT_ERR;
		}
	}
	if (s.has_history && param_restore("history", s.history))
		rc = EXIT_ERR;
	if (s.has_max_tasks && param_restore("max_tasks", s.max_tasks))
		rc = EXIT_ERR;
	for (i = 0; i < s.nr_watch; i++) {
		err = watch_restore(s.watch[i].pid, s.watch[i].comm);
		if (err > 0)
			watched++;
		else if (err == 0)
			skipped++;
		else
			rc = EXIT_ERR;
	}
	printf("restored from %s: %u processes watched, %u skipped\n", file, watched, skipped);
	free(s.watch);
	return rc;
}
