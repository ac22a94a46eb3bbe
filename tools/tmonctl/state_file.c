// SPDX-License-Identifier: GPL-2.0
/*
 * The state file, and `tmonctl save` (restore.c reads it back): the watch
 * list and the settings, so that they survive a module reload.
 *
 * The state file is text, one setting or watched process per line:
 *	period_ns 250000000
 *	history 1024
 *	max_tasks 4096
 *	loaded_period_ns 1000000000
 *	watch 1234 sshd
 *	watch 1240 make cpu=500000000 rss=209715200
 * The comm is kept so that restore can tell a recycled pid from the
 * process that was watched. A watch line's third token is always its
 * comm, escaped (no space in it) or "-" for none, so a name holding "="
 * is never read as one of the budgets that may follow it (in the
 * module's units, those set only); a line without them has none.
 *
 * Where the packages made TMON_STATE_DIR, tmonctl's own changes are
 * saved there as they are made (state_autosave), and at shutdown
 * tmon-state.service saves the rest.
 *
 * The module's load hook (udev: restore --at-load) notes the settings
 * the module was loaded with (tmon.conf's) in TMON_LOADED_FILE, and save
 * writes them beside the current ones as loaded_*. At the next load, a
 * saved setting is put back only if the load gave the same value as the
 * one it was changed from: an administrator who edited tmon.conf since
 * gets tmon.conf's value, not the older run-time one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmonctl.h"
#include "state_file.h"

static int file_arg(const char *cmd, int argc, char **argv, const char **file)
{
	int err = cmd_operands(&argc, argv);

	if (err)
		return err;
	if (argc > 2)
		return usage_error(cmd, "unexpected argument '%s'", argv[2]);
	if (argc == 2)
		*file = argv[1];
	if (!**file)
		return usage_error(cmd, "empty file name");
	return EXIT_OK;
}

/* The settings a state file holds, in the order it writes them. */
const struct setting_desc settings[NR_SETTINGS] = {
	[SET_PERIOD] = { "period_ns", TMON_PERIOD_MIN_NS, TMON_PERIOD_MAX_NS },
	[SET_HISTORY] = { "history", 1, TMON_HISTORY_MAX },
	[SET_MAX_TASKS] = { "max_tasks", 1, TMON_MAX_TASKS_LIMIT },
	[SET_THREAD_THRESHOLD] = { "thread_threshold_ns", 0, TMON_PERIOD_MAX_NS, true },
	[SET_IRQ_THRESHOLD] = { "irq_threshold_ns", 0, TMON_PERIOD_MAX_NS, true },
};

/* The module's settings, from its status, in the table's order. */
void settings_of(const struct tmon_status *st, uint64_t *v)
{
	v[SET_PERIOD] = st->period_ns;
	v[SET_HISTORY] = st->history;
	v[SET_MAX_TASKS] = st->max_tasks;
	v[SET_THREAD_THRESHOLD] = st->threshold_ns[THRESHOLD_THREAD];
	v[SET_IRQ_THRESHOLD] = st->threshold_ns[THRESHOLD_IRQ];
}

/* Setting @k's value @tok, in its range, into @v: 0 or -EINVAL. */
int setting_parse(unsigned int k, const char *tok, uint64_t *v)
{
	if (settings[k].off && !strcmp(tok, "off")) {
		*v = THRESHOLD_OFF;
		return 0;
	}
	return parse_u64(tok, settings[k].min, settings[k].max, v) ? -EINVAL : 0;
}

/* Setting @k's module parameter, as setting_parse() takes it: 0 or -errno. */
int setting_param_read(unsigned int k, uint64_t *v)
{
	char path[128], buf[32];
	int err;

	snprintf(path, sizeof(path), "%s/%s", TMON_PARAMS_DIR, settings[k].name);
	err = sysfs_read_str(path, buf, sizeof(buf));
	return err ? err : setting_parse(k, buf, v);
}

/* Setting @k's value @v as the state file and the parameter have it. */
void setting_fmt(unsigned int k, uint64_t v, char *buf, size_t len)
{
	if (settings[k].off && v == THRESHOLD_OFF)
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "%" PRIu64, v);
}

/* "NAME VALUE" lines of the settings in @v. */
void settings_write(FILE *f, const char *prefix, const uint64_t *v)
{
	unsigned int k;
	char val[32];

	for (k = 0; k < NR_SETTINGS; k++) {
		setting_fmt(k, v[k], val, sizeof(val));
		fprintf(f, "%s%s %s\n", prefix, settings[k].name, val);
	}
}

/* The setting NAME is, or -1. */
int setting_index(const char *name)
{
	unsigned int k;

	for (k = 0; k < NR_SETTINGS; k++)
		if (!strcmp(name, settings[k].name))
			return k;
	return -1;
}

/*
 * The settings the module was loaded with, as the load hook noted them:
 * true if TMON_LOADED_FILE holds all of them.
 */
static bool loaded_read(uint64_t *v)
{
	char name[32], val[32];
	unsigned int got = 0;
	uint64_t x;
	FILE *f;
	int k;

	f = fopen(TMON_LOADED_FILE, "re");
	if (!f)
		return false;
	while (fscanf(f, "%31s %31s", name, val) == 2) {
		k = setting_index(name);
		if (k >= 0 && !setting_parse(k, val, &x)) {
			v[k] = x;
			got |= 1U << k;
		}
	}
	fclose(f);
	return got == (1U << NR_SETTINGS) - 1;
}

/* The state into @f: the settings, then each live watched process, its name and budgets. */
unsigned int state_write(FILE *f, const struct tmon_status *st, const struct task_list *tl)
{
	char comm[TMON_COMM_LEN + 1], esc[COMM_ESC_LEN];
	uint64_t now[NR_SETTINGS], loaded[NR_SETTINGS];
	unsigned int saved = 0;
	size_t i;

	fprintf(f, "# tmon state, written by tmonctl save; read by tmonctl restore\n");
	settings_of(st, now);
	settings_write(f, "", now);
	if (loaded_read(loaded))
		settings_write(f, "loaded_", loaded);
	thresholds_state_write(f, st);
	for (i = 0; i < tl->n; i++) {
		if (tl->t[i].exited)
			continue;	/* gone: nothing to watch again */
		/* Not sampled yet: its name from /proc, so restore can check it. */
		if (!tl->t[i].has_record && !proc_comm(tl->t[i].pid, comm, sizeof(comm)))
			continue;
		/* One token whatever the name holds: no line of it is a command. */
		comm_escape(tl->t[i].has_record ? tl->t[i].rec.comm : comm, esc);
		/* (a name "-" is not "no name") */
		fprintf(f, "watch %u %s", tl->t[i].pid,
			!esc[0] ? "-" : strcmp(esc, "-") ? esc : "\\x2d");
		budgets_write(f, tl->t[i].budget);
		fputc('\n', f);
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

/* The module's state as it is now into @file: 0, or an exit status. */
static int state_save_now(const char *file, unsigned int *saved)
{
	struct task_list tl = { 0 };
	struct tmon_status st;
	int err;

	err = status_get(&st, false);
	if (err)
		return err;
	err = tasks_get(&tl);
	if (!err)
		err = state_save(file, &st, &tl, saved);
	free(tl.t);
	status_free(&st);
	return err;
}

int cmd_save(int argc, char **argv)
{
	const char *file = TMON_STATE_FILE;
	unsigned int saved = 0;
	int err;

	err = file_arg("save", argc, argv, &file);
	if (!err)
		err = state_save_now(file, &saved);
	if (!err)
		printf("saved the settings, thresholds and %u watched processes to %s\n", saved,
		       file);
	return err;
}

/*
 * After a change tmonctl made (watch, unwatch, period): the default
 * state follows it where the packages made its directory and the caller
 * may write, so that a reload of the module finds it. Quiet otherwise;
 * a save that fails says so, and the change stands.
 */
void state_autosave(void)
{
	unsigned int saved;

	if (!access(TMON_STATE_DIR, W_OK))
		state_save_now(TMON_STATE_FILE, &saved);
}

/* "NAME VALUE" or "loaded_NAME VALUE", a setting in its range, into @s: 0 or -EINVAL. */
static int setting_line(struct state *s, const char *line)
{
	char key[32], val[32], more;
	const char *k;
	uint64_t v;
	int i;

	if (sscanf(line, "%31s %31s %c", key, val, &more) != 2)
		return -EINVAL;
	k = strncmp(key, "loaded_", 7) ? key : key + 7;
	i = setting_index(k);
	if (i < 0 || setting_parse(i, val, &v))
		return -EINVAL;
	if (k == key) {
		s->set[i] = v;
		s->has_set[i] = true;
	} else {
		s->loaded[i] = v;
		s->has_loaded[i] = true;
	}
	return 0;
}

#define TOKEN_LEN	64

/* The budget tokens from @p on into @b: NULL, or the first that is not one, in @tok. */
static const char *budget_tokens(const char *p, struct budgets *b, char tok[TOKEN_LEN])
{
	size_t n;

	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			return NULL;
		n = strcspn(p, " \t");
		snprintf(tok, TOKEN_LEN, "%.*s", (int)n, p);
		if (n >= TOKEN_LEN || budget_token(tok, b))
			return tok;
		p += n;
	}
}

/*
 * "watch PID [COMM [BUDGET=VALUE]...]" into @s: 0, -EINVAL if it is not
 * such a line, -EBADMSG if a budget is not one (@tok), -ENOMEM.
 */
static int watch_line(struct state *s, const char *line, char tok[TOKEN_LEN])
{
	char key[32], comm[64], name[TMON_COMM_LEN];
	struct saved_watch *w;
	struct budgets b = { 0 };
	uint64_t pid;
	int n, end = 0;

	comm[0] = '\0';
	n = sscanf(line, "%31s %" SCNu64 " %63s%n", key, &pid, comm, &end);
	if (n < 2 || strcmp(key, "watch") || pid < 1 || pid > 4194304 ||
	    s->nr_watch >= TMON_MAX_TASKS_LIMIT ||
	    (n == 3 && strcmp(comm, "-") && comm_unescape(comm, name)))
		return -EINVAL;
	if (n == 3 && budget_tokens(line + end, &b, tok))
		return -EBADMSG;
	w = realloc(s->watch, (s->nr_watch + 1) * sizeof(*s->watch));
	if (!w)
		return -ENOMEM;
	s->watch = w;
	w += s->nr_watch++;
	w->pid = (uint32_t)pid;
	snprintf(w->comm, sizeof(w->comm), "%s", n == 3 && strcmp(comm, "-") ? name : "");
	w->budgets = b;
	return 0;
}

void state_free(struct state *s)
{
	free(s->watch);
	free(s->thr);
	s->watch = NULL;
	s->thr = NULL;
}

/*
 * Read and check the whole file before anything changes. A missing file
 * is -ENOENT when @missing_ok, without a word.
 */
int state_read(const char *file, struct state *s, bool missing_ok)
{
	char line[256], tok[TOKEN_LEN];
	unsigned int lineno = 0;
	FILE *f;
	int err;

	f = fopen(file, "re");
	if (!f && errno == ENOENT && missing_ok)
		return -ENOENT;
	if (!f) {
		error("restore: cannot open %s: %s", file, strerror(errno));
		return EXIT_ERR;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		err = setting_line(s, line);
		if (err)
			err = thresholds_state_line(s, line);
		if (err == -EINVAL)
			err = watch_line(s, line, tok);
		if (!err)
			continue;
		if (err == -ENOMEM)
			error("restore: out of memory");
		else if (err == -EBADMSG)
			error("restore: %s:%u: '%s' is not a budget (%s): '%.60s'", file, lineno,
			      tok, "cpu=N, rss=N or majflt=N, N from 1, each once", line);
		else
			error("restore: %s:%u: not a tmon state line: '%.60s'", file, lineno, line);
		fclose(f);
		return EXIT_ERR;
	}
	fclose(f);
	return EXIT_OK;
}
