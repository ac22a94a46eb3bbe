// SPDX-License-Identifier: GPL-2.0
/* tmon-helper fuzz: the debugfs, sysfs and parameter files (see fuzz.c). */
#define _GNU_SOURCE
#include "fuzz.h"

/* ---- fuzz files ---- */

enum ftype { F_TASKS, F_LOG_SEC, F_LOG_NSEC, F_HISTORY, F_MAX_TASKS, F_RO };

struct target {
	char path[160];
	enum ftype type;
	unsigned long tries;
	struct hist out;
};

struct files_state {
	struct target t[40];
	unsigned int nt, nro;
	/* the parameters, as the model has them */
	unsigned long long log_sec, log_nsec, history, max_tasks;
	unsigned long long base_sec, base_nsec, base_history, base_max_tasks;
	unsigned long long history_max;	/* the largest history of the run */
	unsigned int nr_cpu_ids;
	unsigned long writes, accepted, zero, defused, restores, readbacks, ro_writes;
	unsigned long reads[4], lines;
	struct hist out, ro_out;
};

static void add_target(struct files_state *st, const char *path, enum ftype type)
{
	if (st->nt >= ARRAY_SIZE(st->t))
		return;
	snprintf(st->t[st->nt].path, sizeof(st->t[0].path), "%s", path);
	st->t[st->nt].type = type;
	st->nt++;
	if (type == F_RO)
		st->nro++;
}

static const char *const junk_tokens[] = {
	" ", "\t", "\n", "\r", "\v", "\f", "\xa0", "+", "-", "--", "+-", "0x", "0X", "0", "00",
	".", ",", "e", "x", "\n\n", "99999999999999999999999", "18446744073709551615",
	"18446744073709551616", "4294967295", "4294967296", "2147483647", "2147483648",
	"-2147483648", "0xffffffffffffffff", "0x10000000000000000", "3600", "3601",
	"1000000000", "999999999", "100000", "99999", "65536", "65537", "1", "-1",
};

/* No letters that could spell a line the kernel log check looks for. */
static const char safe_chars[] = "0123456789abcdefABCDEFxX +-.,:;_/=#@!%&*()[]{}<>?~^|'\"`$\\";

static void append(char *out, size_t *len, size_t max, const char *s, size_t n)
{
	if (n > max - *len)
		n = max - *len;
	memcpy(out + *len, s, n);
	*len += n;
}

static void append_str(char *out, size_t *len, size_t max, const char *s)
{
	append(out, len, max, s, strlen(s));
}

static void append_number(struct rng *r, char *out, size_t *len, size_t max, uint64_t v)
{
	char tmp[80];
	int n;

	switch (below(r, 12)) {
	case 0:
		n = snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)v);
		break;
	case 1:
		n = snprintf(tmp, sizeof(tmp), "0X%llX", (unsigned long long)v);
		break;
	case 2:
		n = snprintf(tmp, sizeof(tmp), "0%llo", (unsigned long long)v);
		break;
	case 3:
		n = snprintf(tmp, sizeof(tmp), "%0*llu", 2 + (int)below(r, 24),
			     (unsigned long long)v);
		break;
	case 4:
		n = snprintf(tmp, sizeof(tmp), "%llu%u", (unsigned long long)v, below(r, 10));
		break;
	default:
		n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	}
	append(out, len, max, tmp, (size_t)n);
}

static uint64_t gen_value(struct rng *r, enum ftype t)
{
	static const uint64_t sec[] = { 0, 1, 2, 3599, 3600, 3601, 4294967295ULL, 4294967296ULL };
	static const uint64_t nsec[] = {
		0, 1, 99999, 100000, 100001, 999999, 1000000, 20000000, 999999999, 1000000000,
		4294967296ULL,
	};
	static const uint64_t count[] = {
		0, 1, 2, 32, 64, 4096, 65535, 65536, 65537, 4294967295ULL, 4294967296ULL,
	};
	int64_t pid;

	switch (t) {
	case F_TASKS:
		pid = gen_pid(r);
		return (uint64_t)(pid < 0 ? -pid : pid);
	case F_LOG_SEC:
		return chance(r, 50) ? PICK(r, sec) : below(r, 3);
	case F_LOG_NSEC:
		return chance(r, 50) ? PICK(r, nsec) : FAST_PERIOD_NS + below(r, 500000000);
	default:
		return chance(r, 50) ? PICK(r, count) : below(r, 70000);
	}
}

/* Text for a file: mostly near-valid, else a soup of tokens and bytes. */
static size_t gen_text(struct rng *r, char *out, size_t max, enum ftype t)
{
	static const char *const signs[] = { "+", "-", "--", "+-", "-+" };
	static const char *const ws[] = { " ", "\t", "\n", "\xa0", "\v", "\r", "  " };
	size_t len = 0, want;
	unsigned int k;
	char c;

	if (chance(r, 65)) {
		if (chance(r, 10))
			append_str(out, &len, max, PICK(r, ws));
		if (t == F_TASKS && chance(r, 35))
			append(out, &len, max, "-", 1);
		else if (chance(r, 8))
			append_str(out, &len, max, PICK(r, signs));
		append_number(r, out, &len, max, gen_value(r, t));
		switch (below(r, 12)) {
		case 0 ... 3:
			append(out, &len, max, "\n", 1);
			break;
		case 4:
			append(out, &len, max, " ", 1);
			break;
		case 5:
			append(out, &len, max, "\n\n", 2);
			break;
		case 6:
			append(out, &len, max, "\t\n", 2);
			break;
		case 7:
			append(out, &len, max, "\0", 1);
			append_str(out, &len, max, PICK(r, junk_tokens));
			break;
		case 8:
			append_str(out, &len, max, PICK(r, junk_tokens));
			break;
		case 9:
			append(out, &len, max, "\n", 1);
			append(out, &len, max, &safe_chars[below(r, sizeof(safe_chars) - 1)], 1);
			break;
		}
		return len;
	}
	if (chance(r, 60))
		want = below(r, 25);
	else
		want = chance(r, 75) ? below(r, 81) : below(r, (uint32_t)max + 1);
	while (len < want) {
		switch (below(r, 10)) {
		case 0 ... 2:
			append_str(out, &len, want, PICK(r, junk_tokens));
			break;
		case 3 ... 4:
			for (k = 1 + below(r, 30); k && len < want; k--) {
				c = (char)('0' + below(r, 10));
				append(out, &len, want, &c, 1);
			}
			break;
		case 5:
			append(out, &len, want, "\0", 1);
			break;
		case 6:
			c = (char)rnd(r);
			if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
				c ^= (char)0x80;
			append(out, &len, want, &c, 1);
			break;
		case 7:
			append(out, &len, want, &safe_chars[below(r, sizeof(safe_chars) - 1)], 1);
			break;
		case 8:
			append_number(r, out, &len, want, gen_value(r, t));
			break;
		default:
			append_str(out, &len, want, PICK(r, ws));
		}
	}
	return len;
}

/* debugfs tasks: what tmon_tasks_write() makes of @len bytes. */
static int tasks_predict(const char *text, size_t len, int64_t *pid, int *unwatch)
{
	unsigned long long v;
	char buf[24], *p;
	size_t n;

	if (len >= sizeof(buf))
		return EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* strim() */
	n = strlen(buf);
	while (n && k_isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	for (p = buf; k_isspace((unsigned char)*p); p++)
		;
	*unwatch = *p == '-';
	if (*unwatch)
		p++;
	if (*p < '0' || *p > '9')
		return EINVAL;
	/* kstrtoint(p, 10) of a digit string */
	if (k_strtoull(p, 10, &v) || v > INT_MAX || v == 0)
		return EINVAL;
	*pid = (int64_t)v;
	return 0;
}

/* A parameter's set(): 0 and the new value, or EINVAL. */
static int param_predict(const struct files_state *st, enum ftype t, const char *s,
			 unsigned long long *v)
{
	unsigned long long x;

	if (k_strtoull(s, 0, &x))
		return EINVAL;
	switch (t) {
	case F_LOG_SEC:
		if (x > TMON_PERIOD_MAX_NS / NSEC || !period_valid(x * NSEC + st->log_nsec))
			return EINVAL;
		break;
	case F_LOG_NSEC:
		if (x >= NSEC || !period_valid(st->log_sec * NSEC + x))
			return EINVAL;
		break;
	default:
		if (x < 1 || x > 65536)
			return EINVAL;
	}
	*v = x;
	return 0;
}

static unsigned long long *param_slot(struct files_state *st, enum ftype t)
{
	switch (t) {
	case F_LOG_SEC:
		return &st->log_sec;
	case F_LOG_NSEC:
		return &st->log_nsec;
	case F_HISTORY:
		return &st->history;
	default:
		return &st->max_tasks;
	}
}

static const char *const param_names[] = {
	[F_LOG_SEC] = "log_sec", [F_LOG_NSEC] = "log_nsec", [F_HISTORY] = "history",
	[F_MAX_TASKS] = "max_tasks",
};

/* The parameter files and period_ns agree with the model. */
static void files_readback(struct files_state *st, enum ftype t)
{
	char path[128];

	snprintf(path, sizeof(path), PAR "%s", param_names[t]);
	if (must_read(path) != *param_slot(st, t))
		violation("%s reads %llu, model %llu", param_names[t], must_read(path),
			  *param_slot(st, t));
	if ((t == F_LOG_SEC || t == F_LOG_NSEC) &&
	    must_read(SYS "period_ns") != st->log_sec * NSEC + st->log_nsec)
		violation("period_ns %llu, log_sec %llu log_nsec %llu", must_read(SYS "period_ns"),
			  st->log_sec, st->log_nsec);
	st->readbacks++;
}

/* Set a parameter with a plain write of our own. */
static void files_set(struct files_state *st, enum ftype t, unsigned long long v)
{
	char path[128], val[32];
	int err;

	snprintf(path, sizeof(path), PAR "%s", param_names[t]);
	snprintf(val, sizeof(val), "%llu\n", v);
	err = write_text(path, val);
	if (err)
		violation("restoring %s=%llu: %s", param_names[t], v, ename(err));
	else
		*param_slot(st, t) = v;
	if (t == F_MAX_TASKS)
		model_max_tasks = (unsigned int)st->max_tasks;
	files_readback(st, t);
}

/* Back to the period the run started with, each step a valid period. */
static void files_restore_period(struct files_state *st)
{
	if (period_valid(st->base_sec * NSEC + st->log_nsec)) {
		files_set(st, F_LOG_SEC, st->base_sec);
		files_set(st, F_LOG_NSEC, st->base_nsec);
	} else {
		files_set(st, F_LOG_NSEC, st->base_nsec);
		files_set(st, F_LOG_SEC, st->base_sec);
	}
	st->restores++;
}

/*
 * Read one of the module's files whole and check it: debugfs cpus (per
 * CPU, records in seq order, no more than a ring holds), watched and
 * tasks (the watch list), the sysfs values and samples.
 */
static void files_read(struct files_state *st, struct rng *r)
{
	static const char *const paths[] = {
		DBG "cpus", DBG "watched", DBG "tasks", SYS "samples",
	};
	unsigned long long seq, last_seq = 0, lines = 0, limit, bytes = 0, nr_tasks;
	unsigned int which = below(r, 4), listed = 0;
	long long key, last = -1;
	char line[1024];
	FILE *f;

	st->reads[which]++;
	nr_tasks = must_read(SYS "nr_tasks");
	model_reap(nr_tasks);
	if (must_read(SYS "period_ns") != st->log_sec * NSEC + st->log_nsec ||
	    nr_tasks != nr_watched)
		violation("sysfs: period_ns %llu nr_tasks %llu, model %llu and %u",
			  must_read(SYS "period_ns"), nr_tasks,
			  st->log_sec * NSEC + st->log_nsec, nr_watched);
	limit = which == 0 ? st->nr_cpu_ids * (st->history_max + 1) :
		which == 2 ? (nr_watched + 1) * (st->history_max + 1) : 100000;
	f = fopen(paths[which], "r");
	if (!f) {
		violation("%s: %s", paths[which], ename(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		bytes += strlen(line);
		if (++lines > limit) {
			violation("%s: more than %llu lines", paths[which], limit);
			break;
		}
		switch (which) {
		case 0:
			if (sscanf(line, "cpu %lld seq %llu expected ", &key, &seq) != 2 ||
			    key < 0 || key >= st->nr_cpu_ids || key < last ||
			    (key == last && seq <= last_seq)) {
				violation("cpus: line %llu \"%.60s\" after cpu %lld seq %llu",
					  lines, line, last, last_seq);
				goto out;
			}
			last_seq = seq;
			break;
		case 1:
			if (sscanf(line, "pid %lld comm ", &key) != 1 || !is_watched(key) ||
			    key <= last) {
				violation("watched: line \"%.60s\" after pid %lld", line, last);
				goto out;
			}
			listed++;
			break;
		default:
			if (sscanf(line, "pid %lld ", &key) != 1 || !is_watched(key) ||
			    (which == 2 && key < last)) {
				violation("%s: line \"%.60s\" (after pid %lld)", paths[which], line,
					  last);
				goto out;
			}
		}
		last = key;
	}
	if (which == 1)
		model_reap(listed);
	if (which == 1 && listed != nr_watched)
		violation("watched: %u lines, %u watched", listed, nr_watched);
	if (which == 3 && bytes > PAGE)
		violation("samples: %llu bytes", bytes);
out:
	st->lines += lines;
	fclose(f);
}

static void files_iter(struct files_state *st, struct rng *r)
{
	char text[320], vis[320];
	unsigned long long v = 0;
	struct target *t;
	int expect, err, fd, unwatch = 0;
	unsigned long before = violations;
	int64_t pid = 0;
	unsigned int k;
	size_t len;
	ssize_t n;

	k = below(r, 100);
	if (k < 35)
		t = &st->t[0];
	else if (k < 75)
		t = &st->t[1 + (k - 35) / 10];
	else
		t = &st->t[st->nt - st->nro + below(r, st->nro)];
	len = gen_text(r, text, 300, t->type);
	memcpy(vis, text, len);
	vis[len] = '\0';	/* what a sysfs store sees: up to the first NUL */

	expect = -1;		/* unknown: the state decides */
	if (t->type == F_TASKS) {
		expect = tasks_predict(text, len, &pid, &unwatch);
		if (!expect)
			expect = -1;
	} else if (t->type != F_RO) {
		expect = len ? param_predict(st, t->type, vis, &v) : 0;
		if (len && !expect && (t->type == F_LOG_SEC || t->type == F_LOG_NSEC) &&
		    (t->type == F_LOG_SEC ? v * NSEC + st->log_nsec :
					    st->log_sec * NSEC + v) > SAFE_PERIOD_NS) {
			memmove(text + 1, text, len++);
			text[0] = 'x';
			memcpy(vis, text, len);
			vis[len] = '\0';
			expect = EINVAL;
			st->defused++;
		}
	}

	t->tries++;
	st->writes++;
	fd = open(t->path, O_WRONLY);
	if (fd < 0) {
		err = errno;
		n = -1;
	} else {
		n = write(fd, text, len);
		err = n < 0 ? errno : 0;
		close(fd);
	}
	hist_add(&t->out, err);
	hist_add(&st->out, err);
	if (!err && n != (ssize_t)len && !(n == 0 && t->type != F_TASKS && t->type != F_RO))
		violation("%s: write of %zu bytes returned %zd", t->path, len, n);

	switch (t->type) {
	case F_RO:
		st->ro_writes++;
		hist_add(&st->ro_out, err);
		if (!err)
			violation("%s: a write to a read-only file returned %zd", t->path, n);
		break;
	case F_TASKS:
		if (expect == EINVAL) {
			if (err != EINVAL)
				violation("tasks: malformed command: %s, not EINVAL",
					  err ? ename(err) : "accepted");
		} else if (err == EINVAL) {
			violation("tasks: %s %lld refused with EINVAL", unwatch ? "unwatch" : "watch",
				  (long long)pid);
		} else {
			model_watch("debugfs tasks", unwatch, pid, err);
		}
		if (!err)
			st->accepted++;
		break;
	default:
		if (!len) {
			if (err || n)
				violation("%s: an empty write: %s", t->path, err ? ename(err) : "accepted");
			st->zero++;
			break;
		}
		if (expect != err) {
			violation("%s: %s, expected %s", t->path, err ? ename(err) : "accepted",
				  expect ? ename(expect) : "acceptance");
			break;
		}
		if (err)
			break;
		st->accepted++;
		*param_slot(st, t->type) = v;
		if (t->type == F_MAX_TASKS)
			model_max_tasks = (unsigned int)v;
		if (t->type == F_HISTORY && v > st->history_max)
			st->history_max = v;
		files_readback(st, t->type);
		if ((t->type == F_LOG_SEC || t->type == F_LOG_NSEC) &&
		    st->log_sec * NSEC + st->log_nsec < FAST_PERIOD_NS)
			files_restore_period(st);
	}
	if (violations != before) {
		printf("  file %s\n", t->path);
		show_input(text, len);
	}
	/* Now and then, read the files back whole. */
	if (chance(r, 6))
		files_read(st, r);
}

int fuzz_files(unsigned long first, unsigned long n)
{
	static struct files_state st;
	unsigned long i, done = 0;
	unsigned long long nr_tasks;
	char path[160], line[4096];
	struct dirent *d;
	unsigned int k;
	struct rng r;
	size_t len;
	DIR *dir;

	add_target(&st, DBG "tasks", F_TASKS);
	add_target(&st, PAR "log_sec", F_LOG_SEC);
	add_target(&st, PAR "log_nsec", F_LOG_NSEC);
	add_target(&st, PAR "history", F_HISTORY);
	add_target(&st, PAR "max_tasks", F_MAX_TASKS);
	add_target(&st, PAR "ring_kb", F_RO);
	add_target(&st, DBG "cpus", F_RO);
	add_target(&st, DBG "watched", F_RO);
	dir = opendir(SYS);
	while (dir && (d = readdir(dir)))
		if (d->d_name[0] != '.') {
			snprintf(path, sizeof(path), SYS "%.100s", d->d_name);
			add_target(&st, path, F_RO);
		}
	if (dir)
		closedir(dir);
	st.log_sec = must_read(PAR "log_sec");
	st.log_nsec = must_read(PAR "log_nsec");
	st.history = must_read(PAR "history");
	st.max_tasks = must_read(PAR "max_tasks");
	st.base_sec = st.log_sec;
	st.base_nsec = st.log_nsec;
	st.base_history = st.history;
	st.base_max_tasks = st.max_tasks;
	st.history_max = st.history;
	possible_cpus(&st.nr_cpu_ids, &k);
	model_load();
	pool_init();

	for (i = first; i < first + n && violations < MAX_VIOLATIONS; i++, done++) {
		run_iter = i;
		rng_init(&r, run_seed, i);
		files_iter(&st, &r);
	}

	run_iter = first + n;
	if (st.log_sec != st.base_sec || st.log_nsec != st.base_nsec)
		files_restore_period(&st);
	if (st.history != st.base_history)
		files_set(&st, F_HISTORY, st.base_history);
	if (st.max_tasks != st.base_max_tasks)
		files_set(&st, F_MAX_TASKS, st.base_max_tasks);
	nr_tasks = must_read(SYS "nr_tasks");
	model_reap(nr_tasks);
	if (nr_tasks != nr_watched)
		violation("nr_tasks %llu at the end, model %u", nr_tasks, nr_watched);

	line[0] = '\0';
	len = 0;
	for (k = 0; k < st.nt && len < sizeof(line) - 200; k++)
		if (st.t[k].type != F_RO)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %lu (%s)",
						len ? ", " : "", strrchr(st.t[k].path, '/') + 1,
						st.t[k].tries, hist_fmt(&st.t[k].out, "ok"));
	printf("fuzz files seed %llu n %lu: writes %lu, accepted %lu (empty %lu); %s, %u read-only files %lu (%s); defused %lu, restored %lu, read back %lu; reads checked: cpus %lu, watched %lu, tasks %lu, samples %lu (%lu lines); watched at end %u, violations %lu\n",
	       run_seed, done, st.writes, st.accepted, st.zero, line, st.nro, st.ro_writes,
	       hist_fmt(&st.ro_out, "ok"), st.defused, st.restores, st.readbacks, st.reads[0],
	       st.reads[1], st.reads[2], st.reads[3], st.lines, nr_watched, violations);
	return violations ? 1 : 0;
}
