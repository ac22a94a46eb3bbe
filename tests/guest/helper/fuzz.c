// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded, bounded fuzzers of every user input of the module, for
 * t-95-fuzz.sh:
 *
 *   tmon-helper fuzz nl [-u UID] SEED N [FIRST]
 *                                          generic netlink requests (as
 *                                          user UID: the permission rules)
 *   tmon-helper fuzz files SEED N [FIRST]  writes to the debugfs, sysfs
 *                                          and parameter files, and reads
 *                                          of them checked whole
 *   tmon-helper fuzz dev SEED N [FIRST]    ioctl, mmap, read, pread, poll,
 *                                          lseek, write, open, close and
 *                                          fcntl on /dev/tmon
 *
 * Iteration I (FIRST .. FIRST + N - 1, FIRST 0 by default) draws its input
 * from its own generator, seeded by SEED and I, so the same seed gives the
 * same inputs and a seed and an iteration name one input exactly (the
 * state it meets is that of the iterations before it, so reproduce with
 * the whole run).
 *
 * Every answer is checked against the protocol (tmon_abi.h) and against a
 * model of the module's state kept as the run goes: the watch list, the
 * period, the parameters, the parse rules of the files (the kernel's
 * kstrto*() and strim()) and the mapping's layout. A disagreement is a
 * violation: printed as "VIOLATION fuzz MODE seed S iter I: ..." with the
 * input, and the exit status is 1. So is a missing netlink reply (3 s
 * receive timeout) or a crash of the helper ("CRASH ..."). The last line
 * is the run's summary.
 *
 * This file has what the targets share (fuzz.h declares it) and the
 * entry point; each target is a file: fuzz-nl.c, fuzz-files.c,
 * fuzz-dev.c.
 *
 * Periods: a CPU takes a new period at its next wakeup and sleeps that
 * long, so a run that had set an hour would stop every CPU for an hour.
 * Accepted periods therefore stay at or below SAFE_PERIOD_NS: a request
 * or write that would set more is made invalid before it is sent
 * ("defused"); the upper bound is probed from above. An accepted period
 * under FAST_PERIOD_NS is put back at once ("restored"), so that 100 us
 * wakeups do not swamp an emulated machine. Each run leaves the period,
 * history and max_tasks as it found them.
 */
#define _GNU_SOURCE
#include <signal.h>

#include "fuzz.h"

/* ---- reporting ---- */

const char *run_mode;
unsigned long long run_seed;
unsigned long run_iter;
unsigned long violations;

void __attribute__((format(printf, 1, 2))) violation(const char *fmt, ...)
{
	va_list ap;

	printf("VIOLATION fuzz %s seed %llu iter %lu: ", run_mode, run_seed, run_iter);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	violations++;
}

void show_input(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	printf("  input, %zu bytes:", len);
	for (i = 0; i < len && i < 512; i++)
		printf("%s%02x", i % 32 ? " " : "\n   ", b[i]);
	printf("\n");
	fflush(stdout);
}

static void on_crash(int sig)
{
	char msg[128];
	int n;

	n = snprintf(msg, sizeof(msg), "CRASH fuzz %s seed %llu iter %lu: signal %d\n",
		     run_mode, run_seed, run_iter, sig);
	if (n > 0 && write(1, msg, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}


void hist_add(struct hist *h, int err)
{
	h->n[err > 0 && err < HIST_MAX ? err : (err ? HIST_MAX - 1 : 0)]++;
}

const char *ename(int e)
{
	static char buf[24];
	const char *s = strerrorname_np(e);

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* "ok 12 EINVAL 3 ..." */
const char *hist_fmt(const struct hist *h, const char *okname)
{
	static char out[8][1024];
	static int which;
	char *o = out[which++ % 8];
	size_t len = 0;
	int e;

	o[0] = '\0';
	for (e = 0; e < HIST_MAX && len < 900; e++) {
		if (!h->n[e])
			continue;
		len += (size_t)snprintf(o + len, 1024 - len, "%s%s %lu", len ? " " : "",
					e ? ename(e) : okname, h->n[e]);
	}
	return len ? o : "none";
}

/* ---- files and the system ---- */

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

unsigned long long must_read(const char *path)
{
	char buf[64];

	if (read_text(path, buf, sizeof(buf)) <= 0) {
		printf("fuzz %s: cannot read %s\n", run_mode, path);
		exit(1);
	}
	return strtoull(buf, NULL, 10);
}

/* One write(2) of @s; 0 or the errno. */
int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* nr_cpu_ids and the number of possible CPUs, from "0-3,5". */
void possible_cpus(unsigned int *ids, unsigned int *count)
{
	char buf[256], *p;
	unsigned long a, b;

	*ids = *count = 0;
	if (read_text("/sys/devices/system/cpu/possible", buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; *p >= '0' && *p <= '9';) {
		a = strtoul(p, &p, 10);
		b = a;
		if (*p == '-')
			b = strtoul(p + 1, &p, 10);
		*count += (unsigned int)(b - a + 1);
		*ids = (unsigned int)b + 1;
		if (*p == ',')
			p++;
	}
}

/* ---- the model of the watch list ---- */

unsigned char watched_map[PID_LIMIT / 8];
unsigned char ours_map[PID_LIMIT / 8];	/* watched by this unprivileged run */
unsigned int nr_watched;
unsigned int model_max_tasks;
int unpriv;				/* running as fuzz_uid, no capabilities */
uid_t fuzz_uid;

static int bit(const unsigned char *map, int64_t pid)
{
	return pid > 0 && pid < PID_LIMIT && (map[pid / 8] >> (pid % 8)) & 1;
}

static void set_bit_to(unsigned char *map, int64_t pid, int on)
{
	if (pid > 0 && pid < PID_LIMIT && bit(map, pid) != on)
		map[pid / 8] ^= (unsigned char)(1 << (pid % 8));
}

/* Watches this unprivileged run made and still has. */
unsigned int nr_ours(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(ours_map); i++)
		n += (unsigned int)__builtin_popcount(ours_map[i]);
	return n;
}

int is_watched(int64_t pid)
{
	return bit(watched_map, pid);
}

static void set_watched(int64_t pid, int on)
{
	if (pid <= 0 || pid >= PID_LIMIT || is_watched(pid) == on)
		return;
	set_bit_to(watched_map, pid, on);
	if (on)
		nr_watched++;
	else
		nr_watched--;
}

/* The real uid of process @pid, -1 if it has none (gone, or not a process). */
static long real_uid(int64_t pid)
{
	char path[64], buf[2048], *p;

	if (pid <= 0 || pid >= PID_LIMIT)
		return -1;
	snprintf(path, sizeof(path), "/proc/%lld/status", (long long)pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strstr(buf, "\nUid:");
	return p ? strtol(p + 5, NULL, 10) : -1;
}

/* The list as debugfs shows it; it must agree with nr_tasks. */
void model_load(void)
{
	FILE *f = fopen(DBG "watched", "r");
	char line[256];
	long pid;

	memset(watched_map, 0, sizeof(watched_map));
	nr_watched = 0;
	if (!f) {
		printf("fuzz %s: cannot read " DBG "watched\n", run_mode);
		exit(1);
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "pid %ld", &pid) == 1)
			set_watched(pid, 1);
	fclose(f);
	model_max_tasks = (unsigned int)must_read(PAR "max_tasks");
	if (must_read(SYS "nr_tasks") != nr_watched)
		violation("nr_tasks %llu but the watched file lists %u", must_read(SYS "nr_tasks"),
			  nr_watched);
}

/*
 * The module reaps an exited process's watch exited_keep_sec after the
 * exit (src/tasks.c), by itself: when it holds @nr_tasks watches, fewer
 * than the model, drop from the model the watches whose process is gone
 * and which the module no longer lists (debugfs; an unprivileged run,
 * which cannot read it, drops gone ones up to the difference). A watch
 * of a live process that went missing stays a violation.
 */
void model_reap(unsigned long long nr_tasks)
{
	static unsigned char listed[PID_LIMIT / 8];
	char line[256];
	int64_t pid;
	int can_list;
	long p;
	FILE *f;

	if (nr_tasks >= nr_watched)
		return;
	memset(listed, 0, sizeof(listed));
	f = fopen(DBG "watched", "r");
	can_list = f != NULL;
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "pid %ld", &p) == 1)
				set_bit_to(listed, p, 1);
		fclose(f);
	}
	for (pid = 1; pid < PID_LIMIT && nr_watched > nr_tasks; pid++) {
		if (!is_watched(pid) || (can_list && bit(listed, pid)))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		set_watched(pid, 0);
		set_bit_to(ours_map, pid, 0);
	}
}

/*
 * Watch or unwatch of @pid answered @err (0 or an errno): check it
 * against the model and apply it. The module checks, in order: the
 * process exists (ESRCH), it is not watched yet (EEXIST), the list has
 * room (ENOSPC).
 */
void model_watch(const char *via, int unwatch, int64_t pid, int err)
{
	int w = is_watched(pid), ours = bit(ours_map, pid);
	long uid;

	if (unwatch) {
		if (err == 0 && !w)
			violation("%s: unwatch %lld succeeded but it was not watched", via,
				  (long long)pid);
		else if (err == 0 && unpriv && !ours)
			violation("%s: uid %u unwatched %lld, watched by another user", via,
				  (unsigned int)fuzz_uid, (long long)pid);
		else if (err == ENOENT && w && !(unpriv && real_uid(pid) != (long)fuzz_uid))
			/* (a watch the caller may not see is not there for it) */
			violation("%s: unwatch %lld: ENOENT but it is watched", via,
				  (long long)pid);
		else if (err == EPERM && (!unpriv || !w || ours))
			violation("%s: unwatch %lld: EPERM (%s, %s)", via, (long long)pid,
				  w ? "watched" : "not watched", ours ? "by us" : "not by us");
		else if (err && err != ENOENT && err != EPERM)
			violation("%s: unwatch %lld: unexpected %s", via, (long long)pid,
				  ename(err));
		if (!err) {
			set_watched(pid, 0);
			set_bit_to(ours_map, pid, 0);
		}
		return;
	}
	/* Without privilege only one's own processes, checked before the list. */
	if (unpriv && (err == 0 || err == EEXIST || err == ENOSPC || err == EPERM)) {
		uid = real_uid(pid);
		if (err != EPERM && uid != (long)fuzz_uid)
			violation("%s: uid %u: watch %lld (real uid %ld): %s, not EPERM", via,
				  (unsigned int)fuzz_uid, (long long)pid, uid, err ? ename(err) : "accepted");
		if (err == EPERM && uid == (long)fuzz_uid)
			violation("%s: uid %u: watch of its own process %lld: EPERM", via,
				  (unsigned int)fuzz_uid, (long long)pid);
		if (err == EPERM)
			return;
	}
	switch (err) {
	case 0:
		if (w)
			violation("%s: watch %lld succeeded but it was watched already", via,
				  (long long)pid);
		else if (nr_watched >= model_max_tasks)
			violation("%s: watch %lld succeeded with %u watched, max_tasks %u", via,
				  (long long)pid, nr_watched, model_max_tasks);
		else if (pid <= 0 || pid >= PID_LIMIT)
			violation("%s: watch of impossible pid %lld succeeded", via,
				  (long long)pid);
		set_watched(pid, 1);
		if (unpriv)
			set_bit_to(ours_map, pid, 1);
		break;
	case EEXIST:
		if (!w)
			violation("%s: watch %lld: EEXIST but it is not watched", via,
				  (long long)pid);
		break;
	case ENOSPC:
		if (w || nr_watched < model_max_tasks)
			violation("%s: watch %lld: ENOSPC with %u watched, max_tasks %u%s", via,
				  (long long)pid, nr_watched, model_max_tasks,
				  w ? ", and it is watched" : "");
		break;
	case ESRCH:
		if (pid == getpid() || pid == getppid() || pid == 1)
			violation("%s: watch %lld: ESRCH for a live process", via, (long long)pid);
		break;
	case EDQUOT:
		/* A user's share: its quota, or all but the admins' reserve. */
		if (!unpriv || w)
			violation("%s: watch %lld: EDQUOT (%s)", via, (long long)pid,
				  unpriv ? "it is watched" : "as admin");
		break;
	default:
		violation("%s: watch %lld: unexpected %s", via, (long long)pid, ename(err));
	}
}

/* ---- inputs ---- */

/* Pids worth trying: ours, our parent's, 1, 2, and some of /proc. */
int64_t pool[40];
unsigned int npool;

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

void pool_init(void)
{
	static long all[8192];
	unsigned int n = 0, i;
	struct dirent *d;
	DIR *dir;

	npool = 0;
	pool[npool++] = getpid();
	pool[npool++] = getppid();
	pool[npool++] = 1;
	pool[npool++] = 2;
	dir = opendir("/proc");
	while (dir && (d = readdir(dir)) && n < ARRAY_SIZE(all))
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			all[n++] = atol(d->d_name);
	if (dir)
		closedir(dir);
	qsort(all, n, sizeof(all[0]), cmp_long);
	/* The oldest (kernel threads) and the newest (the test's processes). */
	for (i = 0; i < n && npool < 16; i++)
		if (all[i] > 2 && all[i] != getpid() && all[i] != getppid())
			pool[npool++] = all[i];
	for (i = n; i > 0 && npool < ARRAY_SIZE(pool); i--)
		if (all[i - 1] > pool[15] && all[i - 1] != getpid() && all[i - 1] != getppid())
			pool[npool++] = all[i - 1];
}

int64_t gen_pid(struct rng *r)
{
	static const int64_t odd[] = {
		0, -1, 4194303, 4194304, 99999, 32767, 32768, 2147483647LL, 2147483648LL,
		4294967295LL, 4294967296LL, 99999999999LL,
	};

	switch (below(r, 10)) {
	case 0 ... 5:
		return pool[below(r, npool)];
	case 6:
		return pool[below(r, 4)];
	case 7:
		return PICK(r, odd);
	case 8:
		return below(r, 40000);
	default:
		return (int64_t)(rnd(r) & 0xffffffff);
	}
}

/*
 * Period values: the edges of the range and some in it, never one in
 * (SAFE_PERIOD_NS, TMON_PERIOD_MAX_NS] (see the top of the file).
 */
uint64_t gen_period(struct rng *r)
{
	switch (below(r, 14)) {
	case 0:
		return 0;
	case 1:
		return TMON_PERIOD_MIN_NS - 1;
	case 2:
		return TMON_PERIOD_MIN_NS;
	case 3:
		return TMON_PERIOD_MIN_NS + 1;
	case 4:
		return TMON_PERIOD_MAX_NS + 1;
	case 5:
		return TMON_PERIOD_MAX_NS + 1 + below(r, 1000000000);
	case 6:
		return UINT64_MAX;
	case 7:
		return 1ULL << 63;
	case 8:
		return rnd(r) | (1ULL << 60);
	case 9:
		return NSEC;
	case 10:
		return SAFE_PERIOD_NS;
	default:
		return FAST_PERIOD_NS + rnd(r) % (200000000ULL - FAST_PERIOD_NS);
	}
}

int period_valid(uint64_t ns)
{
	return ns >= TMON_PERIOD_MIN_NS && ns <= TMON_PERIOD_MAX_NS;
}

/* ---- the kernel's parsers (lib/kstrtox.c, lib/string.c, lib/ctype.c) ---- */

int k_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
}

static int k_isxdigit(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* _kstrtoull() */
static int k_strtoull_raw(const char *s, unsigned int base, unsigned long long *res)
{
	unsigned long long v = 0;
	unsigned int n = 0, c, lc, val;
	int overflow = 0;

	if (base == 0) {
		if (s[0] == '0')
			base = ((s[1] | 0x20) == 'x' && k_isxdigit((unsigned char)s[2])) ? 16 : 8;
		else
			base = 10;
	}
	if (base == 16 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	for (;; s++, n++) {
		c = (unsigned char)*s;
		lc = c | 0x20;
		if (c >= '0' && c <= '9')
			val = c - '0';
		else if (lc >= 'a' && lc <= 'f')
			val = lc - 'a' + 10;
		else
			break;
		if (val >= base)
			break;
		if (v > (ULLONG_MAX - val) / base)
			overflow = 1;
		v = v * base + val;
	}
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

/* kstrtoull() */
int k_strtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return k_strtoull_raw(s, base, res);
}

int fuzz_main(int argc, char **argv)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_handler = on_crash };
	unsigned long n, first = 0;
	unsigned int i;

	run_mode = argc ? argv[0] : "";
	if (argc >= 3 && !strcmp(run_mode, "nl") && !strcmp(argv[1], "-u")) {
		unpriv = 1;
		fuzz_uid = (uid_t)strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "fuzz: nl [-u UID] | files | dev, then SEED N [FIRST]\n");
		return 2;
	}
	run_seed = strtoull(argv[1], NULL, 0);
	n = strtoul(argv[2], NULL, 0);
	if (argc == 4)
		first = strtoul(argv[3], NULL, 0);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	if (!strcmp(run_mode, "nl"))
		return fuzz_nl(first, n);
	if (!strcmp(run_mode, "files"))
		return fuzz_files(first, n);
	if (!strcmp(run_mode, "dev"))
		return fuzz_dev(first, n);
	fprintf(stderr, "fuzz: unknown target %s (nl, files, dev)\n", run_mode);
	return 2;
}
