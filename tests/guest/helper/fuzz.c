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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <grp.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../../src/tmon_abi.h"
#include "rng.h"

#define PAR		"/sys/module/tmon/parameters/"
#define DBG		"/sys/kernel/debug/tmon/"
#define SYS		"/sys/kernel/tmon/"
#define PAGE		4096UL
#define NSEC		1000000000ULL
#define PID_LIMIT	4194304		/* PID_MAX_LIMIT on 64-bit */
#define SAFE_PERIOD_NS	2000000000ULL	/* accepted periods stay at or below */
#define FAST_PERIOD_NS	1000000ULL	/* accepted periods below are restored */
#define MAX_VIOLATIONS	20
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- generator ---- */

/* Iteration @iter of the run seeded by @seed: a stream of its own. */
static void rng_init(struct rng *r, uint64_t seed, uint64_t iter)
{
	r->s = seed;
	r->s = rnd(r) ^ ((iter + 1) * 0xd1b54a32d192ed03ULL);
}

static int chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* @a is an array or a compound literal: naming it twice has no side effect. */
#define PICK(r, a)	((a)[below((r), ARRAY_SIZE(a))])

/* ---- reporting ---- */

static const char *run_mode;
static unsigned long long run_seed;
static unsigned long run_iter;
static unsigned long violations;

static void __attribute__((format(printf, 1, 2))) violation(const char *fmt, ...)
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

static void show_input(const void *p, size_t len)
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

#define HIST_MAX	256

/* Outcomes: [0] accepted, [e] refused with errno e. */
struct hist {
	unsigned long n[HIST_MAX];
};

static void hist_add(struct hist *h, int err)
{
	h->n[err > 0 && err < HIST_MAX ? err : (err ? HIST_MAX - 1 : 0)]++;
}

static const char *ename(int e)
{
	static char buf[24];
	const char *s = strerrorname_np(e);

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* "ok 12 EINVAL 3 ..." */
static const char *hist_fmt(const struct hist *h, const char *okname)
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

static unsigned long long must_read(const char *path)
{
	char buf[64];

	if (read_text(path, buf, sizeof(buf)) <= 0) {
		printf("fuzz %s: cannot read %s\n", run_mode, path);
		exit(1);
	}
	return strtoull(buf, NULL, 10);
}

/* One write(2) of @s; 0 or the errno. */
static int write_text(const char *path, const char *s)
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
static void possible_cpus(unsigned int *ids, unsigned int *count)
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

static unsigned char watched_map[PID_LIMIT / 8];
static unsigned char ours_map[PID_LIMIT / 8];	/* watched by this unprivileged run */
static unsigned int nr_watched;
static unsigned int model_max_tasks;
static int unpriv;				/* running as fuzz_uid, no capabilities */
static uid_t fuzz_uid;

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
static unsigned int nr_ours(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < sizeof(ours_map); i++)
		n += (unsigned int)__builtin_popcount(ours_map[i]);
	return n;
}

static int is_watched(int64_t pid)
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
static void model_load(void)
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
 * Watch or unwatch of @pid answered @err (0 or an errno): check it
 * against the model and apply it. The module checks, in order: the
 * process exists (ESRCH), it is not watched yet (EEXIST), the list has
 * room (ENOSPC).
 */
static void model_watch(const char *via, int unwatch, int64_t pid, int err)
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
static int64_t pool[40];
static unsigned int npool;

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static void pool_init(void)
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

static int64_t gen_pid(struct rng *r)
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
static uint64_t gen_period(struct rng *r)
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

static int period_valid(uint64_t ns)
{
	return ns >= TMON_PERIOD_MIN_NS && ns <= TMON_PERIOD_MAX_NS;
}

/* ---- the kernel's parsers (lib/kstrtox.c, lib/string.c, lib/ctype.c) ---- */

static int k_isspace(unsigned char c)
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
static int k_strtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return k_strtoull_raw(s, base, res);
}

/* ---- fuzz nl ---- */

#define NL_BUF		2048
#define NL_ROOM		1024	/* attributes of one request */
#define NL_EXTRA	16

struct nl_state {
	int sock;
	uint16_t family;
	uint32_t portid;
	int cap_ack;
	uint64_t period, base_period;	/* the module's, as the model has it */
	unsigned int history;
	unsigned int nr_cpu_ids, nr_possible;
	int strict_flags;		/* genl_header_check() refuses stray flags */
	unsigned long msgs, dropped, noreq, answers, acks, do_replies, dumps, dump_msgs;
	unsigned long extra_acks, timeouts, defused, restores, cap_toggles, send_refused;
	struct hist out;		/* the requests' outcomes */
};

/* What the kernel will make of one request, worked out before sending. */
struct nl_expect {
	uint32_t seq, sentinel;
	uint8_t cmd;
	uint16_t flags, reserved;
	int processed;		/* netlink_rcv_skb() looks at it */
	int request;		/* ... and hands it to generic netlink */
	int has_genl;		/* nlmsg_len covers the genetlink header */
	int no_attrs;		/* ... and nothing else */
	int dump;
	/* the kernel's view of the top-level attributes, the last of a type */
	int pid_attr, cpu_attr, period_attr;	/* present, any length */
	int pid_ok, period_ok;		/* ... and the last one of the right size */
	uint32_t pid, cpu;
	uint64_t period;
	int cpu_ok;
	uint32_t extra[NL_EXTRA];	/* seqs of the acks for the trailing garbage */
	int nextra;
};

/* What came back. */
struct nl_reply {
	int err;		/* errno of an error reply, 0 none */
	int acked, done, sentinel;
	unsigned long replies;	/* data messages */
	uint64_t period;
	int have_last;		/* dump order */
	int64_t last_key;
	uint64_t last_seq;
	unsigned long nlisted;
};

static int nl_is_dump_cmd(unsigned int cmd)
{
	return cmd == TMON_CMD_LIST_TASKS || cmd == TMON_CMD_DUMP_TASKS ||
	       cmd == TMON_CMD_DUMP_CPUS;
}

static int nl_is_do_cmd(unsigned int cmd)
{
	return cmd >= TMON_CMD_GET_STATUS && cmd <= TMON_CMD_SET_PERIOD && !nl_is_dump_cmd(cmd);
}

/* genl_header_check(): only the flags the core gives a meaning to. */
static int nl_flags_clean(uint16_t flags)
{
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= (uint16_t)~NLM_F_DUMP;
	return !(flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
}

static size_t put_nla(unsigned char *p, size_t room, uint16_t type, const void *data, size_t dlen)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + dlen);
	struct nlattr a;

	if (total > room || NLA_HDRLEN + dlen > 0xffff)
		return 0;
	a.nla_len = (uint16_t)(NLA_HDRLEN + dlen);
	a.nla_type = type;
	memcpy(p, &a, sizeof(a));
	if (dlen)
		memcpy(p + NLA_HDRLEN, data, dlen);
	memset(p + NLA_HDRLEN + dlen, 0, total - NLA_HDRLEN - dlen);
	return total;
}

static uint32_t gen_cpu(struct rng *r, unsigned int nr_cpu_ids)
{
	static const uint32_t odd[] = { 4096, 8191, 8192, 0x7fffffff, 0x80000000, 0xffffffff };

	switch (below(r, 8)) {
	case 0 ... 4:
		return below(r, nr_cpu_ids);
	case 5:
		return nr_cpu_ids + below(r, 2);
	case 6:
		return PICK(r, odd);
	default:
		return (uint32_t)rnd(r);
	}
}

static size_t gen_attrs(struct rng *r, const struct nl_state *st, unsigned char *p, size_t room,
			int n, int depth);

/* One attribute, of any type and length, sometimes malformed. */
static size_t gen_attr(struct rng *r, const struct nl_state *st, unsigned char *p, size_t room,
		       int depth)
{
	static const uint16_t bad_len[] = { 0, 1, 2, 3, 5, 0x7fff, 0xffff };
	unsigned char data[160];
	size_t dlen, n, natural;
	uint16_t type, t;
	uint32_t u32;
	uint64_t u64;
	int nested = 0;

	switch (below(r, 20)) {
	case 0 ... 4:
		type = TMON_A_PID;
		break;
	case 5 ... 6:
		type = TMON_A_CPU;
		break;
	case 7 ... 8:
		type = TMON_A_PERIOD_NS;
		break;
	case 9:
		type = 0;
		break;
	case 10 ... 13:
		type = (uint16_t)below(r, TMON_A_MAX + 1);
		break;
	case 14 ... 16:
		type = (uint16_t)(TMON_A_MAX + 1 + below(r, 16));
		break;
	case 17:
		type = (uint16_t)rnd(r);
		break;
	default:
		type = (uint16_t)(1 + below(r, TMON_A_MAX));
	}
	for (n = 0; n < sizeof(data); n++)
		data[n] = (unsigned char)rnd(r);
	t = type & NLA_TYPE_MASK;
	switch (t) {
	case TMON_A_PID:
		u32 = (uint32_t)gen_pid(r);
		memcpy(data, &u32, 4);
		natural = 4;
		break;
	case TMON_A_CPU:
		u32 = gen_cpu(r, st->nr_cpu_ids);
		memcpy(data, &u32, 4);
		natural = 4;
		break;
	case TMON_A_PERIOD_NS:
		u64 = gen_period(r);
		memcpy(data, &u64, 8);
		natural = 8;
		break;
	case TMON_A_PAD:
		natural = 0;
		break;
	case TMON_A_STATE:
		natural = 1;
		break;
	case TMON_A_VERSION:
		natural = 1 + below(r, 12);
		data[natural - 1] = '\0';
		break;
	case TMON_A_TASK_RECORD:
		natural = sizeof(struct tmon_task_record);
		break;
	case TMON_A_CPU_RECORD:
		natural = sizeof(struct tmon_cpu_record);
		break;
	case TMON_A_NR_SAMPLES ... TMON_A_RING_LOST:
	case TMON_A_SAMPLES_SKIPPED:
	case TMON_A_WAKEUPS:
	case TMON_A_MISSED:
		natural = 8;
		break;
	default:
		natural = t <= TMON_A_MAX ? 4 : below(r, 40);
	}
	dlen = natural;
	if (chance(r, 20))
		dlen = below(r, 81);		/* a length the policy may not expect */
	if (depth < 2 && chance(r, 8)) {	/* nested garbage */
		nested = 1;
		if (chance(r, 80))
			type |= NLA_F_NESTED;
		dlen = gen_attrs(r, st, data, sizeof(data), (int)below(r, 4), depth + 1);
	} else if (chance(r, 2)) {
		type |= NLA_F_NESTED;
	}
	if (chance(r, 3))
		type |= NLA_F_NET_BYTEORDER;
	n = put_nla(p, room, type, data, dlen);
	if (n && !nested && chance(r, 4)) {
		struct nlattr a;

		memcpy(&a, p, sizeof(a));
		if (chance(r, 50))
			a.nla_len = PICK(r, bad_len);
		else
			a.nla_len = (uint16_t)(a.nla_len + 1 + below(r, 64));
		memcpy(p, &a, sizeof(a));
	}
	return n;
}

static size_t gen_attrs(struct rng *r, const struct nl_state *st, unsigned char *p, size_t room,
			int n, int depth)
{
	size_t off = 0;

	while (n-- > 0)
		off += gen_attr(r, st, p + off, room - off, depth);
	return off;
}

/* A request to the tmon family: any command, flags, attributes, framing. */
static void nl_gen(struct rng *r, const struct nl_state *st, unsigned char *buf, size_t *len,
		   struct nl_expect *x)
{
	static const uint16_t extra_flags[] = {
		NLM_F_ECHO, NLM_F_MULTI, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, 0x800, 0x1000,
		0x8000, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED,
	};
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, n;
	struct genlmsghdr g = { 0 };
	struct nlmsghdr h = { 0 };
	uint16_t flags = 0;
	uint32_t u32;
	uint64_t u64;
	uint8_t cmd;

	switch (below(r, 20)) {
	case 0:
		cmd = TMON_CMD_UNSPEC;
		break;
	case 1:
		cmd = (uint8_t)(TMON_CMD_MAX + 1 + below(r, 255 - TMON_CMD_MAX));
		break;
	default:
		cmd = (uint8_t)(1 + below(r, TMON_CMD_MAX));
	}
	if (chance(r, 96))
		flags |= NLM_F_REQUEST;
	if (chance(r, 50))
		flags |= NLM_F_ACK;
	if (chance(r, nl_is_dump_cmd(cmd) ? 80 : 10))
		flags |= NLM_F_DUMP;
	if (chance(r, 8))
		flags |= PICK(r, extra_flags);
	if (chance(r, 2))
		flags = (uint16_t)rnd(r);
	g.cmd = cmd;
	g.version = chance(r, 92) ? TMON_GENL_VERSION : (uint8_t)rnd(r);
	g.reserved = chance(r, 96) ? 0 : (uint16_t)rnd(r);

	memset(buf, 0, NL_BUF);
	/* The attributes the command wants, mostly: real paths get reached. */
	if (chance(r, 75)) {
		switch (cmd) {
		case TMON_CMD_WATCH:
		case TMON_CMD_UNWATCH:
			u32 = (uint32_t)gen_pid(r);
			off += put_nla(buf + off, NL_ROOM, TMON_A_PID, &u32, 4);
			break;
		case TMON_CMD_SET_PERIOD:
			u64 = gen_period(r);
			off += put_nla(buf + off, NL_ROOM, TMON_A_PERIOD_NS, &u64, 8);
			break;
		case TMON_CMD_LIST_TASKS:
		case TMON_CMD_DUMP_TASKS:
			if (chance(r, 40)) {
				u32 = (uint32_t)gen_pid(r);
				off += put_nla(buf + off, NL_ROOM, TMON_A_PID, &u32, 4);
			}
			break;
		case TMON_CMD_DUMP_CPUS:
			if (chance(r, 50)) {
				u32 = gen_cpu(r, st->nr_cpu_ids);
				off += put_nla(buf + off, NL_ROOM, TMON_A_CPU, &u32, 4);
			}
			break;
		}
	}
	if (chance(r, 40))
		off += gen_attrs(r, st, buf + off, NL_ROOM - (off - NLMSG_HDRLEN - GENL_HDRLEN),
				 1 + (int)below(r, 4), 0);
	h.nlmsg_len = (uint32_t)off;
	h.nlmsg_type = st->family;
	h.nlmsg_flags = flags;
	h.nlmsg_seq = x->seq;
	h.nlmsg_pid = chance(r, 95) ? 0 : (uint32_t)rnd(r);
	*len = off;
	/* Framing: garbage after the message, a wrong nlmsg_len, a short send. */
	if (chance(r, 4)) {
		n = 1 + below(r, 64);
		while (n--)
			buf[(*len)++] = (unsigned char)rnd(r);
	} else if (chance(r, 4)) {
		/* well-formed messages after this one: control, other types */
		for (n = 1 + below(r, 3); n; n--) {
			struct nlmsghdr t = {
				.nlmsg_len = NLMSG_HDRLEN + 4 * below(r, 5),
				.nlmsg_seq = (uint32_t)rnd(r),
			};

			t.nlmsg_type = (uint16_t)rnd(r);
			if (chance(r, 70))
				t.nlmsg_type = (uint16_t)below(r, NLMSG_MIN_TYPE);
			t.nlmsg_flags = (uint16_t)rnd(r);
			if (chance(r, 70))
				t.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;

			memcpy(buf + *len, &t, sizeof(t));
			for (*len += NLMSG_HDRLEN; *len % 4 || *len < off + t.nlmsg_len;)
				buf[(*len)++] = (unsigned char)rnd(r);
			off += t.nlmsg_len;
		}
		off = h.nlmsg_len;
	}
	if (chance(r, 6)) {
		switch (below(r, 8)) {
		case 0:
			h.nlmsg_len = below(r, (uint32_t)*len + 64);
			break;
		case 1:
			h.nlmsg_len = (uint32_t)off - 1 - below(r, 8);
			break;
		case 2:
			h.nlmsg_len = PICK(r, ((const uint32_t[]){ 0, 15, 16, 19, 20, 21 }));
			break;
		case 3:
			h.nlmsg_len = 0xffffffff;
			break;
		default:
			h.nlmsg_len = (uint32_t)off + 1 + below(r, 32);
		}
	}
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
	if (chance(r, 2))
		*len = below(r, (uint32_t)*len + 1);
	x->cmd = cmd;
	x->flags = flags;
	x->reserved = g.reserved;
}

/*
 * Work out what the kernel does with the buffer (netlink_rcv_skb(), then
 * generic netlink), and make it safe: a period that would be accepted and
 * is too long is pushed out of range, and a message in the trailing
 * garbage that the kernel would take as a request is turned into a
 * non-request (which only gets an ack, if it asks for one).
 */
static void nl_view(struct nl_state *st, unsigned char *buf, size_t len, struct nl_expect *x)
{
	struct nlmsghdr h, t;
	struct nlattr a;
	size_t off;
	long rem;
	uint16_t type;
	uint64_t v;

	if (len < NLMSG_HDRLEN)
		return;
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
		return;		/* dropped without a word */
	x->processed = 1;
	x->request = (h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= NLMSG_MIN_TYPE;
	x->has_genl = h.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
	x->no_attrs = h.nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN;
	x->dump = x->request && (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	/* nla_for_each_attr() over the request, as nla_parse() walks it. */
	off = NLMSG_HDRLEN + GENL_HDRLEN;
	rem = (long)h.nlmsg_len - (long)off;
	while (rem >= NLA_HDRLEN) {
		memcpy(&a, buf + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > rem)
			break;
		type = a.nla_type & NLA_TYPE_MASK;
		if (type == TMON_A_PID) {
			x->pid_attr = 1;
			x->pid_ok = a.nla_len == NLA_HDRLEN + 4;
			if (x->pid_ok)
				memcpy(&x->pid, buf + off + NLA_HDRLEN, 4);
		} else if (type == TMON_A_CPU) {
			x->cpu_attr = 1;
			x->cpu_ok = a.nla_len == NLA_HDRLEN + 4;
			if (x->cpu_ok)
				memcpy(&x->cpu, buf + off + NLA_HDRLEN, 4);
		} else if (type == TMON_A_PERIOD_NS) {
			x->period_attr = 1;
			x->period_ok = a.nla_len == NLA_HDRLEN + 8;
			if (x->period_ok) {
				memcpy(&v, buf + off + NLA_HDRLEN, 8);
				if (period_valid(v) && v > SAFE_PERIOD_NS) {
					buf[off + NLA_HDRLEN + 7] = 0xff;	/* out of range */
					memcpy(&v, buf + off + NLA_HDRLEN, 8);
					st->defused++;
				}
				x->period = v;
			}
		}
		rem -= NLA_ALIGN(a.nla_len);
		off += NLA_ALIGN(a.nla_len);
	}

	/* What follows the message in the same buffer. */
	off = NLMSG_ALIGN(h.nlmsg_len);
	while (len >= off + NLMSG_HDRLEN) {
		memcpy(&t, buf + off, sizeof(t));
		if (t.nlmsg_len < NLMSG_HDRLEN || t.nlmsg_len > len - off)
			break;
		if (t.nlmsg_type >= NLMSG_MIN_TYPE)
			t.nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
		if (t.nlmsg_seq == x->seq || t.nlmsg_seq == x->sentinel)
			t.nlmsg_seq ^= 0x80000000;
		if (t.nlmsg_flags & NLM_F_ACK) {
			if (x->nextra < NL_EXTRA)
				x->extra[x->nextra++] = t.nlmsg_seq;
			else
				t.nlmsg_flags &= (uint16_t)~NLM_F_ACK;
		}
		memcpy(buf + off, &t, sizeof(t));
		off += NLMSG_ALIGN(t.nlmsg_len);
	}
}

static int nl_open(struct nl_state *st)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 3 };
	socklen_t salen = sizeof(sa);
	int one = 1, size = 1 << 20;

	if (st->sock > 0)
		close(st->sock);
	st->sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (st->sock < 0 || bind(st->sock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(st->sock, (struct sockaddr *)&sa, &salen))
		return -errno;
	st->portid = sa.nl_pid;
	setsockopt(st->sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(st->sock, SOL_NETLINK, NETLINK_CAP_ACK, &st->cap_ack, sizeof(st->cap_ack));
	setsockopt(st->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(st->sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

/*
 * A plain request (family lookup, period changes of our own): send, then
 * take replies until the ack or error of @seq. Returns 0 or -errno; @cb
 * sees the data messages.
 */
static int nl_txn(struct nl_state *st, uint16_t type, uint8_t cmd, uint16_t flags,
		  uint16_t atype, const void *data, size_t dlen,
		  void (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	static uint32_t seq = 0x80000000;
	static unsigned char rb[65536];
	unsigned char buf[256];
	struct nlmsghdr h = { 0 }, *m;
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
	ssize_t n;
	int rem;

	memset(buf, 0, sizeof(buf));
	if (atype)
		len += put_nla(buf + len, sizeof(buf) - len, atype, data, dlen);
	h.nlmsg_len = (uint32_t)len;
	h.nlmsg_type = type;
	h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h.nlmsg_seq = ++seq;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
	if (send(st->sock, buf, len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(st->sock, rb, sizeof(rb), 0);
		if (n < 0)
			return -errno;
		rem = (int)n;
		for (m = (void *)rb; NLMSG_OK(m, rem); m = NLMSG_NEXT(m, rem)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(m))->error;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(m, arg);
		}
	}
}

static const struct nlattr *nla_next_attr(const struct nlattr *a)
{
	return (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
}

static void family_cb(const struct nlmsghdr *m, void *arg)
{
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(m) + GENL_HDRLEN);
	int rem = (int)m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = nla_next_attr(a))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(arg, (const char *)a + NLA_HDRLEN, 2);
}

static void period_cb(const struct nlmsghdr *m, void *arg)
{
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(m) + GENL_HDRLEN);
	int rem = (int)m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = nla_next_attr(a))
		if (a->nla_type == TMON_A_PERIOD_NS && a->nla_len == NLA_HDRLEN + 8)
			memcpy(arg, (const char *)a + NLA_HDRLEN, 8);
}

/* Put the period back to @ns with a request of our own. */
static void nl_set_period(struct nl_state *st, uint64_t ns)
{
	uint64_t got = 0;
	int err;

	err = nl_txn(st, st->family, TMON_CMD_SET_PERIOD, 0, TMON_A_PERIOD_NS, &ns, 8,
		     period_cb, &got);
	if (err || got != ns)
		violation("restoring the period to %llu: %s, reply %llu", (unsigned long long)ns,
			  err ? ename(-err) : "ok", (unsigned long long)got);
	else
		st->period = ns;
	st->restores++;
}

struct reply_attrs {
	const unsigned char *a[TMON_A_MAX + 1];	/* payloads, the last of a type */
	unsigned int len[TMON_A_MAX + 1];
	unsigned int count[TMON_A_MAX + 1];
};

static int reply_attr_size(unsigned int type)
{
	switch (type) {
	case TMON_A_VERSION:
		return -1;	/* a string */
	case TMON_A_CPU_STATUS:
		return -2;	/* nested */
	case TMON_A_PAD:
		return 0;
	case TMON_A_STATE:
	case TMON_A_THREAD_RUNNING:
		return 1;
	case TMON_A_TASK_RECORD:
		return sizeof(struct tmon_task_record);
	case TMON_A_CPU_RECORD:
		return sizeof(struct tmon_cpu_record);
	case TMON_A_PERIOD_NS:
	case TMON_A_NR_SAMPLES ... TMON_A_RING_LOST:
	case TMON_A_SAMPLES_SKIPPED:
	case TMON_A_WAKEUPS:
	case TMON_A_MISSED:
		return 8;
	default:
		return 4;
	}
}

static uint32_t ra_u32(const struct reply_attrs *ra, unsigned int type)
{
	uint32_t v = 0;

	if (ra->a[type] && ra->len[type] == 4)
		memcpy(&v, ra->a[type], 4);
	return v;
}

static uint8_t ra_u8(const struct reply_attrs *ra, unsigned int type)
{
	return ra->a[type] && ra->len[type] == 1 ? ra->a[type][0] : 0;
}

static uint64_t ra_u64(const struct reply_attrs *ra, unsigned int type)
{
	uint64_t v = 0;

	if (ra->a[type] && ra->len[type] == 8)
		memcpy(&v, ra->a[type], 8);
	return v;
}

/*
 * Attributes of a reply: well-formed, each a known type of its exact
 * size, filling the message exactly. Nested CPU status is checked here.
 */
static int parse_reply(const struct nl_state *st, const unsigned char *p, size_t len,
		       struct reply_attrs *ra, int nested)
{
	struct reply_attrs in;
	int64_t last_cpu = -1;
	unsigned int type, plen;
	struct nlattr a;
	size_t off = 0;
	int want;

	memset(ra, 0, sizeof(*ra));
	while (off < len) {
		if (len - off < NLA_HDRLEN)
			return violation("reply: %zu bytes after the last attribute",
					 len - off), -1;
		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len - off)
			return violation("reply: attribute length %u with %zu bytes left",
					 a.nla_len, len - off), -1;
		type = a.nla_type & NLA_TYPE_MASK;
		plen = a.nla_len - NLA_HDRLEN;
		if (type == 0 || type > TMON_A_MAX)
			return violation("reply: attribute type %u", type), -1;
		want = reply_attr_size(type);
		if ((want >= 0 && plen != (unsigned int)want) ||
		    (want == -1 && (!plen || p[off + a.nla_len - 1])))
			return violation("reply: attribute %u of %u bytes", type, plen), -1;
		if (want == -2) {
			if (nested || !(a.nla_type & NLA_F_NESTED))
				return violation("reply: bad nest of attribute %u", type), -1;
			if (parse_reply(st, p + off + NLA_HDRLEN, plen, &in, 1))
				return -1;
			if (in.count[TMON_A_CPU] != 1 || in.count[TMON_A_THREAD_PID] != 1 ||
			    in.count[TMON_A_WAKEUPS] != 1 || in.count[TMON_A_MISSED] != 1 ||
			    in.count[TMON_A_THREAD_RUNNING] != 1 ||
			    /* a thread's scheduling, read back, exactly when it has one */
			    in.count[TMON_A_SCHED_POLICY] != in.count[TMON_A_THREAD_RUNNING] *
			    ra_u8(&in, TMON_A_THREAD_RUNNING) ||
			    in.count[TMON_A_SCHED_PRIO] != in.count[TMON_A_SCHED_POLICY] ||
			    ra_u32(&in, TMON_A_SCHED_POLICY) > 1 ||
			    ra_u32(&in, TMON_A_SCHED_PRIO) > 99 ||
			    (int64_t)ra_u32(&in, TMON_A_CPU) <= last_cpu ||
			    ra_u32(&in, TMON_A_CPU) >= st->nr_cpu_ids)
				return violation("reply: bad CPU status (cpu %u after %lld)",
						 ra_u32(&in, TMON_A_CPU), (long long)last_cpu), -1;
			last_cpu = ra_u32(&in, TMON_A_CPU);
		} else if (nested && type != TMON_A_CPU && type != TMON_A_THREAD_PID &&
			   type != TMON_A_THREAD_RUNNING && type != TMON_A_WAKEUPS &&
			   type != TMON_A_SCHED_POLICY && type != TMON_A_SCHED_PRIO &&
			   type != TMON_A_MISSED && type != TMON_A_PAD) {
			return violation("reply: attribute %u inside a CPU status", type), -1;
		}
		ra->a[type] = p + off + NLA_HDRLEN;
		ra->len[type] = plen;
		ra->count[type]++;
		off += NLA_ALIGN(a.nla_len);
	}
	if (off != len)
		return violation("reply: attributes overrun the message"), -1;
	return 0;
}

/* A data message answering the request. */
static void nl_check_data(struct nl_state *st, const struct nl_expect *x, struct nl_reply *rep,
			  const struct nlmsghdr *m)
{
	static const unsigned int status_attrs[] = {
		TMON_A_VERSION, TMON_A_ABI_VERSION, TMON_A_PERIOD_NS, TMON_A_HISTORY,
		TMON_A_MAX_TASKS, TMON_A_NR_CPUS, TMON_A_NR_TASKS, TMON_A_NR_SAMPLES,
		TMON_A_SAMPLES_DROPPED, TMON_A_SAMPLES_RECLAIMED, TMON_A_MEM_BYTES,
		TMON_A_RING_LOST, TMON_A_SAMPLES_SKIPPED,
	};
	struct tmon_task_record tr;
	struct tmon_cpu_record cr;
	struct reply_attrs ra;
	struct genlmsghdr g;
	int64_t key = 0;
	uint64_t seq = 0;
	unsigned int i;

	if (!x->request || rep->err || rep->done || rep->acked) {
		violation("data message (cmd %u) where none belongs", x->cmd);
		return;
	}
	if (m->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		violation("data message of %u bytes", m->nlmsg_len);
		return;
	}
	memcpy(&g, NLMSG_DATA(m), sizeof(g));
	if (g.cmd != x->cmd || g.version != TMON_GENL_VERSION) {
		violation("reply cmd %u version %u to cmd %u", g.cmd, g.version, x->cmd);
		return;
	}
	if (!!(m->nlmsg_flags & NLM_F_MULTI) != x->dump) {
		violation("reply flags %#x to a %s", m->nlmsg_flags, x->dump ? "dump" : "do");
		return;
	}
	rep->replies++;
	if (!x->dump && rep->replies > 1) {
		violation("a second reply to a do request");
		return;
	}
	if (parse_reply(st, (const unsigned char *)NLMSG_DATA(m) + GENL_HDRLEN,
			m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), &ra, 0))
		return;

	switch (x->dump ? -1 : x->cmd) {
	case TMON_CMD_GET_STATUS:
		for (i = 0; i < ARRAY_SIZE(status_attrs); i++)
			if (ra.count[status_attrs[i]] != 1)
				violation("status: attribute %u appears %u times", status_attrs[i],
					  ra.count[status_attrs[i]]);
		if (ra.count[TMON_A_CPU_STATUS] != st->nr_possible)
			violation("status: %u CPU statuses, %u possible CPUs",
				  ra.count[TMON_A_CPU_STATUS], st->nr_possible);
		if (ra_u32(&ra, TMON_A_ABI_VERSION) != TMON_ABI_VERSION ||
		    ra_u64(&ra, TMON_A_PERIOD_NS) != st->period ||
		    ra_u32(&ra, TMON_A_HISTORY) != st->history ||
		    ra_u32(&ra, TMON_A_MAX_TASKS) != model_max_tasks ||
		    ra_u32(&ra, TMON_A_NR_TASKS) != nr_watched ||
		    ra_u32(&ra, TMON_A_NR_CPUS) > st->nr_possible)
			violation("status: abi %u period %llu history %u max_tasks %u nr_tasks %u nr_cpus %u; model: period %llu history %u max_tasks %u nr_tasks %u",
				  ra_u32(&ra, TMON_A_ABI_VERSION),
				  (unsigned long long)ra_u64(&ra, TMON_A_PERIOD_NS),
				  ra_u32(&ra, TMON_A_HISTORY), ra_u32(&ra, TMON_A_MAX_TASKS),
				  ra_u32(&ra, TMON_A_NR_TASKS), ra_u32(&ra, TMON_A_NR_CPUS),
				  (unsigned long long)st->period, st->history, model_max_tasks,
				  nr_watched);
		break;
	case TMON_CMD_GET_PERIOD:
	case TMON_CMD_SET_PERIOD:
		if (ra.count[TMON_A_PERIOD_NS] != 1)
			violation("period reply without TMON_A_PERIOD_NS");
		rep->period = ra_u64(&ra, TMON_A_PERIOD_NS);
		break;
	case TMON_CMD_WATCH:
	case TMON_CMD_UNWATCH:
		violation("a data reply to cmd %u", x->cmd);
		break;
	}
	if (!x->dump)
		return;

	st->dump_msgs++;
	switch (x->cmd) {
	case TMON_CMD_LIST_TASKS:
		if (ra.count[TMON_A_PID] != 1 || ra.count[TMON_A_STATE] != 1 ||
		    ra.count[TMON_A_NR_RECORDS] != 1 || ra.count[TMON_A_TASK_RECORD] > 1 ||
		    *ra.a[TMON_A_STATE] > TMON_STATE_EXITED) {
			violation("list: a malformed entry");
			break;
		}
		key = ra_u32(&ra, TMON_A_PID);
		if (ra.count[TMON_A_TASK_RECORD]) {
			memcpy(&tr, ra.a[TMON_A_TASK_RECORD], sizeof(tr));
			if (tr.pid != key)
				violation("list: pid %lld with a record of pid %u", (long long)key,
					  tr.pid);
		}
		if (!is_watched(key))
			violation("list: pid %lld is not watched", (long long)key);
		if (rep->have_last && key <= rep->last_key)
			violation("list: pid %lld after %lld", (long long)key,
				  (long long)rep->last_key);
		rep->nlisted++;
		seq = 0;
		break;
	case TMON_CMD_DUMP_TASKS:
		if (ra.count[TMON_A_TASK_RECORD] != 1 || ra.count[TMON_A_PID] ||
		    ra.count[TMON_A_CPU_RECORD]) {
			violation("dumptasks: a malformed message");
			break;
		}
		memcpy(&tr, ra.a[TMON_A_TASK_RECORD], sizeof(tr));
		key = tr.pid;
		seq = tr.seq;
		if (!is_watched(key))
			violation("dumptasks: pid %lld is not watched", (long long)key);
		if (x->pid_ok && !x->cpu_attr && tr.pid != x->pid)
			violation("dumptasks: pid %u in a dump of pid %u", tr.pid, x->pid);
		break;
	case TMON_CMD_DUMP_CPUS:
		if (ra.count[TMON_A_CPU_RECORD] != 1 || ra.count[TMON_A_TASK_RECORD]) {
			violation("dumpcpus: a malformed message");
			break;
		}
		memcpy(&cr, ra.a[TMON_A_CPU_RECORD], sizeof(cr));
		key = cr.cpu;
		seq = cr.seq;
		if (cr.cpu >= st->nr_cpu_ids)
			violation("dumpcpus: cpu %u", cr.cpu);
		if (x->cpu_ok && cr.cpu != x->cpu)
			violation("dumpcpus: cpu %u in a dump of cpu %u", cr.cpu, x->cpu);
		break;
	default:
		violation("dump messages for cmd %u", x->cmd);
		return;
	}
	if (x->cmd != TMON_CMD_LIST_TASKS && rep->have_last &&
	    (key < rep->last_key || (key == rep->last_key && seq <= rep->last_seq)))
		violation("dump cmd %u: (%lld, %llu) after (%lld, %llu)", x->cmd, (long long)key,
			  (unsigned long long)seq, (long long)rep->last_key,
			  (unsigned long long)rep->last_seq);
	rep->have_last = 1;
	rep->last_key = key;
	rep->last_seq = seq;
}

/* An NLMSG_ERROR: well-formed, with a sane extended ack. Returns the error. */
static int nl_check_error(const struct nlmsghdr *m, int *bad)
{
	const struct nlmsgerr *e = NLMSG_DATA(m);
	size_t off, end = m->nlmsg_len;
	struct nlattr a;

	*bad = 1;
	if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return violation("error message of %u bytes", m->nlmsg_len), 0;
	if (e->error > 0 || e->error <= -4096)
		return violation("error message with error %d", e->error), 0;
	if (e->msg.nlmsg_seq != m->nlmsg_seq)
		return violation("error message for seq %u echoes seq %u", m->nlmsg_seq,
				 e->msg.nlmsg_seq), 0;
	off = NLMSG_LENGTH(sizeof(*e));
	if (!(m->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len >= NLMSG_HDRLEN ?
		       NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN) : 0;
	if (off > end)
		return violation("error message shorter than its echo"), 0;
	if (m->nlmsg_flags & NLM_F_ACK_TLVS) {
		while (off + NLA_HDRLEN <= end) {
			memcpy(&a, (const char *)m + off, sizeof(a));
			if (a.nla_len < NLA_HDRLEN || a.nla_len > end - off)
				return violation("extended ack: attribute length %u", a.nla_len), 0;
			if (a.nla_type == NLMSGERR_ATTR_MSG &&
			    (a.nla_len == NLA_HDRLEN || ((const char *)m)[off + a.nla_len - 1]))
				return violation("extended ack: message not a string"), 0;
			off += NLA_ALIGN(a.nla_len);
		}
	}
	*bad = 0;
	return -e->error;
}

/* Send the request (and a sentinel after a do), take every answer. 0 or -1. */
static int nl_exchange(struct nl_state *st, const unsigned char *buf, size_t len,
		       struct nl_expect *x, struct nl_reply *rep)
{
	static unsigned char rb[65536];
	struct nlmsghdr s = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = x->sentinel,
	};
	const struct nlmsghdr *m;
	int rem, err, bad, i, main_done = 0;
	ssize_t n;
	uint32_t v;

	if (send(st->sock, buf, len, 0) < 0) {
		/* The socket layer may refuse a message shorter than a header. */
		if (len >= NLMSG_HDRLEN || x->processed) {
			violation("send of %zu bytes: %s", len, ename(errno));
			return -1;
		}
		st->send_refused++;
	}
	st->msgs++;
	if (!x->dump && send(st->sock, &s, sizeof(s), 0) < 0) {
		violation("send of the sentinel: %s", ename(errno));
		return -1;
	}
	for (;;) {
		if (x->dump ? main_done && !x->nextra : rep->sentinel)
			break;
		n = recv(st->sock, rb, sizeof(rb), MSG_TRUNC);
		if (n < 0) {
			if (errno == EAGAIN)
				st->timeouts++;
			violation("no answer (%s) to a %s of cmd %u flags %#x; %s", ename(errno),
				  x->dump ? "dump" : "request", x->cmd, x->flags,
				  x->dump ? "no NLMSG_DONE" : "not even the sentinel's ack");
			return -1;
		}
		if (n > (ssize_t)sizeof(rb)) {
			violation("a reply of %zd bytes", n);
			return -1;
		}
		rem = (int)n;
		for (m = (const void *)rb; NLMSG_OK(m, rem); m = NLMSG_NEXT(m, rem)) {
			if (m->nlmsg_pid != st->portid)
				violation("reply for port %u, we are %u", m->nlmsg_pid, st->portid);
			if (m->nlmsg_type == NLMSG_ERROR) {
				err = nl_check_error(m, &bad);
				if (bad)
					continue;
				if (m->nlmsg_seq == x->sentinel && !x->dump) {
					if (err)
						violation("the sentinel got %s", ename(err));
					rep->sentinel = 1;
					continue;
				}
				if (m->nlmsg_seq == x->seq && x->processed && !main_done) {
					if (err && !x->request)
						violation("%s for a non-request", ename(err));
					else if (err && rep->replies)
						violation("%s after %lu replies", ename(err),
							  rep->replies);
					else if (!err && (!(x->flags & NLM_F_ACK) || x->dump ||
							  rep->acked))
						violation("an ack nobody asked for");
					if (err) {
						rep->err = err;
						main_done = 1;
					} else {
						rep->acked = 1;
						st->acks++;
					}
					continue;
				}
				for (i = 0; i < x->nextra; i++)
					if (x->extra[i] == m->nlmsg_seq)
						break;
				if (i < x->nextra && !err) {
					x->extra[i] = x->extra[--x->nextra];
					st->extra_acks++;
					continue;
				}
				violation("error message %s for seq %u (request %u, sentinel %u)",
					  ename(err), m->nlmsg_seq, x->seq, x->sentinel);
			} else if (m->nlmsg_type == NLMSG_DONE) {
				if (!x->dump || m->nlmsg_seq != x->seq || main_done) {
					violation("NLMSG_DONE for seq %u out of place",
						  m->nlmsg_seq);
					continue;
				}
				if (m->nlmsg_len < NLMSG_LENGTH(sizeof(int))) {
					violation("NLMSG_DONE of %u bytes", m->nlmsg_len);
				} else {
					memcpy(&v, NLMSG_DATA(m), 4);
					if (v)
						violation("NLMSG_DONE carries %d", (int)v);
				}
				rep->done = 1;
				main_done = 1;
			} else if (m->nlmsg_type == st->family && m->nlmsg_seq == x->seq) {
				nl_check_data(st, x, rep, m);
			} else {
				violation("message type %u seq %u (request %u)", m->nlmsg_type,
					  m->nlmsg_seq, x->seq);
			}
		}
		if (rem)
			violation("%d bytes of a partial message in a reply", rem);
	}
	if (x->nextra)
		violation("%d acks missing for the messages after the request", x->nextra);
	return 0;
}

/* The outcome against what the kernel had to do; update the model. */
static void nl_judge(struct nl_state *st, const struct nl_expect *x, struct nl_reply *rep)
{
	int err = rep->err, known;

	if (!x->processed) {
		st->dropped++;
		if (rep->acked || rep->err || rep->replies)
			violation("an answer to a message the kernel must drop");
		return;
	}
	if (!x->request) {
		st->noreq++;
		if (rep->acked != !!(x->flags & NLM_F_ACK))
			violation("non-request: %s", rep->acked ? "acked unasked" : "no ack");
		return;
	}
	hist_add(&st->out, err);
	st->answers++;
	if (x->dump && !err)
		st->dumps++;
	if (!x->dump && !err && rep->replies)
		st->do_replies++;

	/* Refusals that do not depend on the state. */
	known = x->cmd >= TMON_CMD_GET_STATUS && x->cmd <= TMON_CMD_MAX &&
		(x->dump ? nl_is_dump_cmd(x->cmd) : nl_is_do_cmd(x->cmd));
	if (!x->has_genl || x->reserved || (st->strict_flags && !nl_flags_clean(x->flags))) {
		if (err != EINVAL)
			violation("request with a bad header (%s, reserved %#x, flags %#x): %s, not EINVAL",
				  x->has_genl ? "genl header" : "no genl header", x->reserved,
				  x->flags, err ? ename(err) : "accepted");
		return;
	}
	if (!known) {
		if (err != EOPNOTSUPP)
			violation("cmd %u as a %s: %s, not EOPNOTSUPP", x->cmd, x->dump ? "dump" : "do",
				  err ? ename(err) : "accepted");
		return;
	}
	/*
	 * The handler checks CAP_SYS_ADMIN itself, after the policy: a
	 * malformed request is EINVAL or ERANGE before it is EPERM.
	 */
	if (unpriv && x->cmd == TMON_CMD_SET_PERIOD) {
		if (err != EPERM && err != EINVAL && err != ERANGE)
			violation("setperiod by uid %u: %s, not EPERM", (unsigned int)fuzz_uid,
				  err ? ename(err) : "accepted");
		return;
	}
	if (err && err != EINVAL && err != ERANGE && err != ESRCH && err != EEXIST &&
	    err != ENOENT && err != ENOSPC && !(unpriv && err == EPERM)) {
		violation("cmd %u: unexpected %s", x->cmd, ename(err));
		return;
	}
	if (x->dump) {
		if (err && x->no_attrs)
			violation("dump cmd %u without attributes refused: %s", x->cmd, ename(err));
		if (!err && x->cpu_ok && x->cpu >= st->nr_cpu_ids)
			violation("dump cmd %u of cpu %u accepted (nr_cpu_ids %u)", x->cmd, x->cpu,
				  st->nr_cpu_ids);
		if (!err && !rep->done)
			violation("dump without NLMSG_DONE");
		/* A user sees the watches of its processes, no more than exist. */
		if (!err && x->cmd == TMON_CMD_LIST_TASKS && !x->pid_attr && !x->cpu_attr &&
		    (unpriv ? rep->nlisted > nr_watched || rep->nlisted < nr_ours() :
			      rep->nlisted != nr_watched))
			violation("list: %lu entries, %u watched", rep->nlisted, nr_watched);
		return;
	}
	if (!err && rep->acked != !!(x->flags & NLM_F_ACK))
		violation("cmd %u: %s", x->cmd, rep->acked ? "acked unasked" : "no ack");
	if (!err && rep->replies != (x->cmd != TMON_CMD_WATCH && x->cmd != TMON_CMD_UNWATCH))
		violation("cmd %u: %lu replies", x->cmd, rep->replies);

	switch (x->cmd) {
	case TMON_CMD_WATCH:
	case TMON_CMD_UNWATCH:
		if (err == EINVAL || err == ERANGE)
			break;		/* the policy refused it */
		if (!x->pid_ok) {
			violation("cmd %u without a valid TMON_A_PID: %s", x->cmd,
				  err ? ename(err) : "accepted");
			break;
		}
		model_watch("netlink", x->cmd == TMON_CMD_UNWATCH, (int32_t)x->pid, err);
		break;
	case TMON_CMD_GET_PERIOD:
		if (!err && rep->period != st->period)
			violation("getperiod %llu, model %llu", (unsigned long long)rep->period,
				  (unsigned long long)st->period);
		break;
	case TMON_CMD_SET_PERIOD:
		if (err)
			break;
		if (!x->period_ok || !period_valid(x->period) || rep->period != x->period)
			violation("setperiod accepted %s%llu, reply %llu",
				  x->period_ok ? "" : "(no valid attribute) ",
				  (unsigned long long)x->period, (unsigned long long)rep->period);
		st->period = rep->period;
		if (st->period < FAST_PERIOD_NS || st->period > SAFE_PERIOD_NS)
			nl_set_period(st, st->base_period);
		break;
	default:
		if (err && x->no_attrs)
			violation("cmd %u without attributes refused: %s", x->cmd, ename(err));
	}
}

static int fuzz_nl(unsigned long first, unsigned long n)
{
	static unsigned char buf[NL_BUF];
	struct nl_state st = { .sock = -1, .cap_ack = 1 };
	struct nl_expect x;
	struct nl_reply rep;
	unsigned long i, done = 0;
	uint16_t family = 0;
	struct rng r;
	size_t len;
	int err;

	possible_cpus(&st.nr_cpu_ids, &st.nr_possible);
	st.history = (unsigned int)must_read(PAR "history");
	model_load();
	pool_init();
	if (nl_open(&st)) {
		printf("fuzz nl: no netlink socket: %s\n", ename(errno));
		return 1;
	}
	err = nl_txn(&st, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME,
		     TMON_GENL_NAME, sizeof(TMON_GENL_NAME), family_cb, &family);
	if (err || !family) {
		printf("fuzz nl: family " TMON_GENL_NAME " not found: %s\n", ename(-err));
		return 1;
	}
	st.family = family;
	err = nl_txn(&st, family, TMON_CMD_GET_PERIOD, 0, 0, NULL, 0, period_cb, &st.period);
	if (err || st.period != must_read(SYS "period_ns")) {
		printf("fuzz nl: getperiod %llu (%s), period_ns %llu\n",
		       (unsigned long long)st.period, ename(-err), must_read(SYS "period_ns"));
		return 1;
	}
	st.base_period = st.period;
	/* Does this kernel refuse flags that mean nothing to generic netlink? */
	err = nl_txn(&st, family, TMON_CMD_GET_PERIOD, NLM_F_ATOMIC, 0, NULL, 0, NULL, NULL);
	if (err && err != -EINVAL) {
		printf("fuzz nl: getperiod with NLM_F_ATOMIC: %s\n", ename(-err));
		return 1;
	}
	st.strict_flags = err == -EINVAL;

	/* The model is read with privilege (debugfs), then the user drops it. */
	if (unpriv && (setgroups(0, NULL) || setresgid(fuzz_uid, fuzz_uid, fuzz_uid) ||
		       setresuid(fuzz_uid, fuzz_uid, fuzz_uid))) {
		printf("fuzz nl: cannot become uid %u: %s\n", (unsigned int)fuzz_uid, ename(errno));
		return 1;
	}
	if (unpriv)
		pool[0] = getpid();	/* unchanged, but now ours to watch */

	for (i = first; i < first + n && violations < MAX_VIOLATIONS; i++, done++) {
		unsigned long before = violations;

		run_iter = i;
		rng_init(&r, run_seed, i);
		if (chance(&r, 3)) {
			st.cap_ack = !st.cap_ack;
			setsockopt(st.sock, SOL_NETLINK, NETLINK_CAP_ACK, &st.cap_ack,
				   sizeof(st.cap_ack));
			st.cap_toggles++;
		}
		memset(&x, 0, sizeof(x));
		memset(&rep, 0, sizeof(rep));
		x.seq = (uint32_t)(i * 2 + 1) & 0x7fffffff;
		x.sentinel = x.seq + 1;
		nl_gen(&r, &st, buf, &len, &x);
		nl_view(&st, buf, len, &x);
		if (nl_exchange(&st, buf, len, &x, &rep) == 0)
			nl_judge(&st, &x, &rep);
		else if (nl_open(&st))	/* a fresh socket: no stale answers */
			break;
		if (violations != before)
			show_input(buf, len);
	}

	/* Leave the period as found, and look at the status once more. */
	run_iter = first + n;
	if (st.period != st.base_period)
		nl_set_period(&st, st.base_period);
	memset(&x, 0, sizeof(x));
	memset(&rep, 0, sizeof(rep));
	x.seq = 0x7ffffff0;
	x.sentinel = x.seq + 1;
	x.cmd = TMON_CMD_GET_STATUS;
	x.flags = NLM_F_REQUEST | NLM_F_ACK;
	{
		struct nlmsghdr h = {
			.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = st.family,
			.nlmsg_flags = x.flags, .nlmsg_seq = x.seq,
		};
		struct genlmsghdr g = { .cmd = TMON_CMD_GET_STATUS, .version = 1 };

		memcpy(buf, &h, sizeof(h));
		memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
		nl_view(&st, buf, h.nlmsg_len, &x);
		if (nl_exchange(&st, buf, h.nlmsg_len, &x, &rep) == 0 && rep.err)
			violation("final status: %s", ename(rep.err));
	}
	if (must_read(SYS "period_ns") != st.base_period)
		violation("period_ns %llu at the end, %llu at the start",
			  must_read(SYS "period_ns"), (unsigned long long)st.base_period);
	close(st.sock);

	printf("fuzz nl%s seed %llu n %lu: %s flags, sent %lu, dropped by framing %lu (send refused %lu), non-requests %lu, answered %lu (%s), acks %lu, do replies %lu, dumps %lu (%lu messages), trailing acks %lu, defused %lu, restored %lu, cap_ack toggles %lu, watched at end %u, timeouts %lu, violations %lu\n",
	       unpriv ? " (unprivileged)" : "", run_seed, done,
	       st.strict_flags ? "strict" : "lax", st.msgs, st.dropped, st.send_refused, st.noreq,
	       st.answers, hist_fmt(&st.out, "ok"),
	       st.acks, st.do_replies, st.dumps, st.dump_msgs, st.extra_acks, st.defused,
	       st.restores, st.cap_toggles, nr_watched, st.timeouts, violations);
	return violations ? 1 : 0;
}

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
	unsigned long long seq, last_seq = 0, lines = 0, limit, bytes = 0;
	unsigned int which = below(r, 4), listed = 0;
	long long key, last = -1;
	char line[1024];
	FILE *f;

	st->reads[which]++;
	if (must_read(SYS "period_ns") != st->log_sec * NSEC + st->log_nsec ||
	    must_read(SYS "nr_tasks") != nr_watched)
		violation("sysfs: period_ns %llu nr_tasks %llu, model %llu and %u",
			  must_read(SYS "period_ns"), must_read(SYS "nr_tasks"),
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

static int fuzz_files(unsigned long first, unsigned long n)
{
	static struct files_state st;
	unsigned long i, done = 0;
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
	if (must_read(SYS "nr_tasks") != nr_watched)
		violation("nr_tasks %llu at the end, model %u", must_read(SYS "nr_tasks"),
			  nr_watched);

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

/* ---- fuzz dev ---- */

#define DEV_FDS		4
#define DEV_MAPS	8
#define ENTRY		sizeof(struct tmon_ring_entry)

struct dev_fd {
	int fd;			/* -1: free */
	int rd, wr, nonblock;
	uint64_t *last;		/* per ring: last seq read, UINT64_MAX none */
};

struct dev_map {
	unsigned char *addr;	/* NULL: free */
	size_t len;
	off_t off;
	int prot;
};

struct dev_state {
	struct tmon_ring_info info;
	size_t total;		/* bytes of the whole mapping */
	unsigned int nr_cpu_ids;
	struct dev_fd f[DEV_FDS];
	struct dev_map m[DEV_MAPS];
	unsigned char *rbuf;	/* read buffer, larger than the rings */
	size_t rbuf_size;
	unsigned char *guard;	/* two pages, then an inaccessible one */
	unsigned char *hole;	/* inaccessible */
	struct hist ioctl_out, mmap_out, read_out, poll_out, seek_out, write_out, open_out;
	unsigned long ops, entries, pages, headers, kept, skipped, mprotects, mremaps;
};

enum ptr_kind { P_VALID, P_PARTIAL, P_BAD_USER, P_BAD };

/* A pointer to @need bytes: ours, partly ours, or nobody's. */
static void *gen_ptr(struct rng *r, struct dev_state *st, size_t need, enum ptr_kind *kind,
		     size_t *valid)
{
	static const uintptr_t kernel[] = {
		0xffff888000000000UL, 0xffffffff81000000UL, 0xfffffffffffff000UL,
		0x0000800000000000UL, 0x8000000000000000UL, 0xdead000000000000UL,
	};
	size_t k;

	switch (below(r, 10)) {
	case 0 ... 4:
		*kind = P_VALID;
		*valid = st->rbuf_size;
		return st->rbuf + (chance(r, 20) ? below(r, 8) : 0);
	case 5:
		*kind = P_BAD_USER;
		*valid = 0;
		return NULL;
	case 6:
		*kind = P_BAD_USER;
		*valid = 0;
		return chance(r, 50) ? (void *)(uintptr_t)(1 + below(r, 0xffff)) :
		       st->hole + below(r, 16 * PAGE);
	case 7:
		*kind = P_BAD;
		*valid = 0;
		return (void *)(PICK(r, kernel) + below(r, PAGE));
	default:
		k = 1 + below(r, need > 1 ? (uint32_t)(need - 1) : 1);
		if (k > 2 * PAGE)
			k = 2 * PAGE;
		*kind = k >= need ? P_VALID : P_PARTIAL;
		*valid = k;
		return st->guard + 2 * PAGE - k;
	}
}

static struct dev_fd *dev_pick_fd(struct rng *r, struct dev_state *st)
{
	unsigned int i, k = below(r, DEV_FDS);

	for (i = 0; i < DEV_FDS; i++)
		if (st->f[(k + i) % DEV_FDS].fd >= 0)
			return &st->f[(k + i) % DEV_FDS];
	return NULL;
}

static void dev_close(struct dev_state *st, struct dev_fd *f)
{
	close(f->fd);
	f->fd = -1;
	(void)st;
}

static void dev_open(struct rng *r, struct dev_state *st)
{
	static const int acc[] = { O_RDONLY, O_RDONLY, O_RDWR, O_WRONLY, O_ACCMODE };
	struct dev_fd *f = NULL;
	int flags, fd, expect = 0, i;

	for (i = 0; i < DEV_FDS && !f; i++)
		if (st->f[i].fd < 0)
			f = &st->f[i];
	if (!f) {
		f = &st->f[below(r, DEV_FDS)];
		dev_close(st, f);
	}
	flags = PICK(r, acc) | O_CLOEXEC;
	if (chance(r, 50))
		flags |= O_NONBLOCK;
	if (chance(r, 5))
		flags |= O_APPEND;
	if (chance(r, 5))
		flags |= O_TRUNC;
	if (chance(r, 5))
		flags |= O_SYNC;
	if (chance(r, 4)) {
		flags |= O_DIRECT;
		expect = EINVAL;
	}
	if (chance(r, 3)) {
		flags |= O_DIRECTORY;
		expect = ENOTDIR;
	}
	fd = open("/dev/tmon", flags);
	hist_add(&st->open_out, fd < 0 ? errno : 0);
	if (fd < 0 ? errno != expect && !(expect && errno == EINVAL) : expect != 0)
		violation("open(/dev/tmon, %#x): %s", flags, fd < 0 ? ename(errno) : "opened");
	if (fd < 0)
		return;
	f->fd = fd;
	f->rd = (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
	f->wr = (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
	f->nonblock = !!(flags & O_NONBLOCK);
	memset(f->last, 0xff, st->info.nr_rings * sizeof(uint64_t));
}

/* Entries returned by read(): whole, well-formed, in order per ring. */
static void dev_check_entries(struct dev_state *st, struct dev_fd *f, const unsigned char *buf,
			      size_t n)
{
	struct tmon_ring_entry e;
	int64_t ring = -1;
	size_t i;

	for (i = 0; i + ENTRY <= n; i += ENTRY) {
		memcpy(&e, buf + i, ENTRY);
		st->entries++;
		if (e.ring >= st->info.nr_rings ||
		    (e.type != TMON_ENTRY_CPU && e.type != TMON_ENTRY_TASK) ||
		    (e.type == TMON_ENTRY_CPU && e.cpu.cpu != e.ring) ||
		    (e.type == TMON_ENTRY_TASK && !e.task.pid)) {
			violation("read: bad entry: ring %u type %u seq %llu", e.ring, e.type,
				  (unsigned long long)e.seq);
			return;
		}
		if ((int64_t)e.ring < ring)
			violation("read: ring %u after ring %lld in one read", e.ring,
				  (long long)ring);
		if (f->last[e.ring] != UINT64_MAX && e.seq <= f->last[e.ring])
			violation("read: ring %u seq %llu after %llu", e.ring,
				  (unsigned long long)e.seq, (unsigned long long)f->last[e.ring]);
		f->last[e.ring] = e.seq;
		ring = e.ring;
	}
}

static void dev_read(struct rng *r, struct dev_state *st, struct dev_fd *f)
{
	static const size_t odd[] = { SIZE_MAX, (size_t)SSIZE_MAX + 1, (size_t)INT_MAX + 1 };
	struct pollfd p = { .fd = f->fd, .events = POLLIN };
	enum ptr_kind kind;
	size_t count, valid;
	int err, use_pread = chance(r, 20);
	off_t pos = chance(r, 20) ? -(off_t)below(r, 100) - 1 : (off_t)rnd(r) >> 1;
	unsigned char *buf;
	ssize_t n;

	buf = gen_ptr(r, st, ENTRY * 4, &kind, &valid);
	switch (below(r, 10)) {
	case 0:
		count = 0;
		break;
	case 1:
		count = 1 + below(r, ENTRY - 1);
		break;
	case 2:
		count = ENTRY;
		break;
	case 3:
		count = ENTRY + 1 + below(r, ENTRY - 1);
		break;
	case 4:
		count = ENTRY * (2 + below(r, 8));
		break;
	case 5:
		count = kind == P_VALID ? st->rbuf_size - 8 : PICK(r, odd);
		break;
	default:
		count = ENTRY * below(r, 64) + below(r, ENTRY);
	}
	if (kind == P_VALID && count > valid - 8)
		count = valid >= 8 + ENTRY ? valid - 8 : valid;
	/* Never block: a blocking file is read only when poll() says so. */
	if (!f->nonblock && f->rd && count >= ENTRY &&
	    (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))) {
		st->skipped++;
		return;
	}
	n = use_pread ? pread(f->fd, buf, count, pos) : read(f->fd, buf, count);
	err = n < 0 ? errno : 0;
	hist_add(&st->read_out, err);
	if (!f->rd) {
		/* ksys_pread64() refuses a negative offset before anything */
		if (err != EBADF && !(err == EINVAL && use_pread && pos < 0))
			violation("read of a file not open for reading: %s",
				  err ? ename(err) : "accepted");
		return;
	}
	if (n >= 0) {
		if (n == 0 || n % (ssize_t)ENTRY || (size_t)n > count ||
		    (kind != P_VALID && (size_t)n > valid))
			violation("read(%zu) into %s returned %zd", count,
				  kind == P_VALID ? "a buffer" : "a partial buffer", n);
		else
			dev_check_entries(st, f, buf, (size_t)n);
		return;
	}
	if (err == EINVAL && (count < ENTRY || (use_pread && pos < 0) || count > (size_t)SSIZE_MAX))
		return;
	if (err == EFAULT && kind != P_VALID)
		return;
	if (err == EAGAIN && f->nonblock && count >= ENTRY)
		return;
	violation("%s(%zu bytes, %s buffer, %s file): %s", use_pread ? "pread" : "read", count,
		  kind == P_VALID ? "valid" : kind == P_PARTIAL ? "partial" : "bad",
		  f->nonblock ? "nonblocking" : "blocking", ename(err));
}

static void dev_ioctl(struct rng *r, struct dev_state *st, struct dev_fd *f)
{
	static const unsigned char vfs_types[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94 };
	struct tmon_ring_info got;
	enum ptr_kind kind;
	unsigned long cmd;
	size_t valid;
	unsigned int i;
	void *arg;
	int ret, err;

	switch (below(r, 4)) {
	case 0 ... 1:
		cmd = TMON_IOC_INFO;
		break;
	case 2:
		cmd = _IOC(below(r, 4), TMON_IOC_MAGIC, chance(r, 50) ? below(r, 4) : below(r, 256),
			   PICK(r, ((const unsigned int[]){ 0, 8, 15, 16, 17, 24, 0x3fff })));
		break;
	default:
		cmd = (uint32_t)rnd(r);
		/* Leave the VFS's own ioctls (FIONBIO, FIFREEZE, ...) alone. */
		for (i = 0; i < ARRAY_SIZE(vfs_types); i++)
			if (_IOC_TYPE(cmd) == vfs_types[i])
				cmd = (cmd & ~(0xffUL << _IOC_TYPESHIFT)) |
				      (0xb6UL << _IOC_TYPESHIFT);
	}
	arg = gen_ptr(r, st, sizeof(got), &kind, &valid);
	if (kind == P_VALID)
		memset(arg, 0xa5, sizeof(got));
	ret = ioctl(f->fd, cmd, arg);
	err = ret < 0 ? errno : 0;
	hist_add(&st->ioctl_out, err);
	if (cmd != TMON_IOC_INFO) {
		if (err != ENOTTY)
			violation("ioctl %#lx: %s, not ENOTTY", cmd, err ? ename(err) : "accepted");
		return;
	}
	if (kind == P_VALID) {
		memcpy(&got, arg, sizeof(got));
		if (err || memcmp(&got, &st->info, sizeof(got)))
			violation("TMON_IOC_INFO: %s, version %u rings %u bytes %llu",
				  err ? ename(err) : "ok", got.version, got.nr_rings,
				  (unsigned long long)got.ring_bytes);
	} else if (err != EFAULT) {
		violation("TMON_IOC_INFO to a bad pointer: %s", err ? ename(err) : "accepted");
	}
}

static void dev_unmap(struct dev_state *st, struct dev_map *m)
{
	if (munmap(m->addr, m->len))
		violation("munmap: %s", ename(errno));
	m->addr = NULL;
	(void)st;
}

/* Read every page of a mapping; ring headers must be what they say. */
static void dev_touch(struct dev_state *st, struct dev_map *m)
{
	struct tmon_ring_header h;
	size_t k, len = (m->len + PAGE - 1) & ~(PAGE - 1);
	volatile unsigned char sink;
	unsigned long long at;

	for (k = 0; k < len; k += PAGE) {
		sink = m->addr[k];
		(void)sink;
		st->pages++;
		at = (unsigned long long)m->off + k;
		if (at % st->info.ring_bytes)
			continue;
		memcpy(&h, m->addr + k, sizeof(h));
		st->headers++;
		if (h.magic != TMON_RING_MAGIC || h.version != TMON_ABI_VERSION ||
		    h.cpu != at / st->info.ring_bytes || h.entry_size != ENTRY ||
		    h.ring_bytes != st->info.ring_bytes || h.data_offset != PAGE ||
		    h.nr_entries != (st->info.ring_bytes - PAGE) / ENTRY)
			violation("ring header at %llu: magic %#x version %u cpu %u entry %u nr %llu bytes %llu data %llu",
				  at, h.magic, h.version, h.cpu, h.entry_size,
				  (unsigned long long)h.nr_entries,
				  (unsigned long long)h.ring_bytes,
				  (unsigned long long)h.data_offset);
	}
}

static void dev_mmap(struct rng *r, struct dev_state *st, struct dev_fd *f)
{
	static const int prots[] = {
		PROT_READ, PROT_READ, PROT_READ, PROT_NONE, PROT_READ | PROT_EXEC,
		PROT_READ | PROT_WRITE, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	static const int bases[] = {
		MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_PRIVATE, MAP_PRIVATE,
		MAP_SHARED_VALIDATE, 0,
	};
	static const int extras[] = {
		MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED, MAP_32BIT, MAP_NONBLOCK, MAP_SYNC,
		MAP_HUGETLB, 0x8000000,
	};
	size_t pages = st->total / PAGE, len, end;
	struct dev_map *m = NULL;
	int prot, flags, extra = 0, err, plain, i;
	void *hint = NULL, *p;
	off_t off;

	switch (below(r, 10)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = st->total;
		break;
	case 2:
		len = st->total + PAGE * (1 + below(r, 2));
		break;
	case 3:
		len = st->info.ring_bytes;
		break;
	case 4:
		len = 1 + below(r, (uint32_t)st->total + 2 * PAGE);
		break;
	case 5:
		len = chance(r, 50) ? 1ULL << 40 : SIZE_MAX - PAGE / 2;
		break;
	default:
		len = PAGE * (1 + below(r, (uint32_t)pages + 1));
	}
	switch (below(r, 10)) {
	case 0 ... 2:
		off = 0;
		break;
	case 3 ... 4:
		off = (off_t)(st->info.ring_bytes * below(r, st->info.nr_rings + 1));
		break;
	case 5:
		off = 1 + below(r, PAGE - 1);
		break;
	case 6:
		off = chance(r, 50) ? (off_t)1 << 52 : -(off_t)PAGE;
		break;
	case 7:
		off = (off_t)st->total;
		break;
	default:
		off = (off_t)(PAGE * below(r, (uint32_t)pages + 3));
	}
	prot = PICK(r, prots);
	flags = PICK(r, bases);
	if (chance(r, 15)) {
		extra = PICK(r, extras);
		flags |= extra;
	}
	if (chance(r, 5))
		hint = (void *)(uintptr_t)(0x200000000000UL + PAGE * below(r, 1 << 20));

	p = mmap(hint, len, prot, flags, f->fd, off);
	err = p == MAP_FAILED ? errno : 0;
	hist_add(&st->mmap_out, err);
	end = SIZE_MAX;
	if (off >= 0 && len <= st->total)
		end = (size_t)off + ((len + PAGE - 1) & ~(PAGE - 1));
	plain = (flags & ~MAP_POPULATE) == MAP_SHARED || (flags & ~MAP_POPULATE) == MAP_PRIVATE;
	plain = plain && (prot == PROT_READ || prot == PROT_NONE) && !hint;
	if (!err) {
		if (!len || off < 0 || off % PAGE || end > st->total || !f->rd ||
		    (prot & PROT_WRITE) ||
		    !((flags & MAP_TYPE) == MAP_SHARED || (flags & MAP_TYPE) == MAP_PRIVATE ||
		      (flags & MAP_TYPE) == MAP_SHARED_VALIDATE)) {
			violation("mmap(len %zu, prot %#x, flags %#x, off %lld) of %zu bytes succeeded (file %s)",
				  len, prot, flags, (long long)off, st->total,
				  f->rd ? "readable" : "not readable");
			munmap(p, len);
			return;
		}
	} else {
		if (plain && len && off >= 0 && !(off % PAGE) && end <= st->total && f->rd)
			violation("mmap(len %zu, prot %#x, flags %#x, off %lld) of %zu bytes: %s",
				  len, prot, flags, (long long)off, st->total, ename(err));
		return;
	}

	for (i = 0; i < DEV_MAPS && !m; i++)
		if (!st->m[i].addr)
			m = &st->m[i];
	if (!m) {
		m = &st->m[below(r, DEV_MAPS)];
		dev_unmap(st, m);
	}
	m->addr = p;
	m->len = len;
	m->off = off;
	m->prot = prot;
	if (prot & PROT_READ)
		dev_touch(st, m);
	st->mprotects++;
	if (!mprotect(p, len, PROT_READ | PROT_WRITE))
		violation("mprotect of the mapping to writable succeeded");
	if (chance(r, 10)) {
		st->mremaps++;
		p = mremap(m->addr, len, len + PAGE, MREMAP_MAYMOVE);
		if (p != MAP_FAILED) {
			violation("mremap of the mapping from %zu to %zu bytes succeeded", len,
				  len + PAGE);
			m->addr = p;
			m->len = len + PAGE;
		}
	}
	if (chance(r, 50))
		dev_unmap(st, m);
	else
		st->kept++;
}

static void dev_iter(struct rng *r, struct dev_state *st)
{
	struct pollfd p;
	struct dev_fd *f;
	unsigned int k;
	off_t ret;
	int whence, err, fl;
	ssize_t n;

	f = dev_pick_fd(r, st);
	if (!f) {
		dev_open(r, st);
		return;
	}
	st->ops++;
	k = below(r, 100);
	if (k < 25) {
		dev_ioctl(r, st, f);
	} else if (k < 50) {
		dev_mmap(r, st, f);
	} else if (k < 72) {
		dev_read(r, st, f);
	} else if (k < 82) {
		p.fd = f->fd;
		p.events = (short)(chance(r, 50) ? POLLIN : rnd(r));
		p.revents = 0;
		n = poll(&p, 1, chance(r, 90) ? 0 : 1 + (int)below(r, 5));
		hist_add(&st->poll_out, n < 0 ? errno : 0);
		if (n < 0 || (n && (p.revents & ~(p.events & (POLLIN | POLLRDNORM)))))
			violation("poll(events %#x): %zd, revents %#x", (unsigned short)p.events, n,
				  (unsigned short)p.revents);
	} else if (k < 87) {
		whence = chance(r, 80) ? (int)below(r, 5) : (int)below(r, 100);
		ret = lseek(f->fd, (off_t)rnd(r), whence);
		err = ret < 0 ? errno : 0;
		hist_add(&st->seek_out, err);
		if (whence <= SEEK_HOLE ? ret != 0 : err != EINVAL)
			violation("lseek(whence %d): %lld (%s)", whence, (long long)ret,
				  ename(err));
	} else if (k < 90) {
		n = write(f->fd, st->rbuf, below(r, 3 * ENTRY));
		err = n < 0 ? errno : 0;
		hist_add(&st->write_out, err);
		if (err != (f->wr ? EINVAL : EBADF))
			violation("write: %s", err ? ename(err) : "accepted");
	} else if (k < 93) {
		fl = fcntl(f->fd, F_GETFL);
		f->nonblock = !f->nonblock;
		if (fcntl(f->fd, F_SETFL, f->nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK))
			violation("fcntl F_SETFL: %s", ename(errno));
	} else if (k < 97) {
		dev_open(r, st);
	} else if (k < 99) {
		dev_close(st, f);
	} else {
		for (k = 0; k < DEV_MAPS; k++)
			if (st->m[k].addr)
				dev_unmap(st, &st->m[k]);
	}
}

static int fuzz_dev(unsigned long first, unsigned long n)
{
	static struct dev_state st;
	unsigned long i, done = 0;
	unsigned int nposs, k;
	struct rng r;
	int fd;

	possible_cpus(&st.nr_cpu_ids, &nposs);
	fd = open("/dev/tmon", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TMON_IOC_INFO, &st.info)) {
		printf("fuzz dev: /dev/tmon: %s\n", ename(errno));
		return 1;
	}
	close(fd);
	st.total = (size_t)st.info.nr_rings * st.info.ring_bytes;
	if (st.info.version != TMON_ABI_VERSION || st.info.nr_rings != st.nr_cpu_ids ||
	    st.info.ring_bytes != ((must_read(PAR "ring_kb") * 1024 + PAGE - 1) & ~(PAGE - 1))) {
		printf("fuzz dev: info: version %u rings %u (nr_cpu_ids %u) ring_bytes %llu (ring_kb %llu)\n",
		       st.info.version, st.info.nr_rings, st.nr_cpu_ids,
		       (unsigned long long)st.info.ring_bytes, must_read(PAR "ring_kb"));
		return 1;
	}
	st.rbuf_size = 2 * st.total + (1 << 20);
	st.rbuf = mmap(NULL, st.rbuf_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	st.guard = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.hole = mmap(NULL, 16 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st.rbuf == MAP_FAILED || st.guard == MAP_FAILED || st.hole == MAP_FAILED ||
	    mprotect(st.guard + 2 * PAGE, PAGE, PROT_NONE)) {
		printf("fuzz dev: no memory\n");
		return 1;
	}
	for (k = 0; k < DEV_FDS; k++) {
		st.f[k].fd = -1;
		st.f[k].last = calloc(st.info.nr_rings, sizeof(uint64_t));
	}

	for (i = first; i < first + n && violations < MAX_VIOLATIONS; i++, done++) {
		run_iter = i;
		rng_init(&r, run_seed, i);
		dev_iter(&r, &st);
	}

	run_iter = first + n;
	for (k = 0; k < DEV_MAPS; k++)
		if (st.m[k].addr)
			dev_unmap(&st, &st.m[k]);
	for (k = 0; k < DEV_FDS; k++)
		if (st.f[k].fd >= 0)
			dev_close(&st, &st.f[k]);
	printf("fuzz dev seed %llu n %lu: rings %u x %llu bytes; operations %lu: ioctl (%s), mmap (%s), read (%s), poll (%s), lseek (%s), write (%s), open (%s); entries read %lu, reads skipped (would block) %lu, pages touched %lu, ring headers checked %lu, mappings kept %lu, mprotect refused %lu, mremap tried %lu, violations %lu\n",
	       run_seed, done, st.info.nr_rings, (unsigned long long)st.info.ring_bytes, st.ops,
	       hist_fmt(&st.ioctl_out, "ok"), hist_fmt(&st.mmap_out, "ok"),
	       hist_fmt(&st.read_out, "ok"), hist_fmt(&st.poll_out, "ok"),
	       hist_fmt(&st.seek_out, "ok"), hist_fmt(&st.write_out, "ok"),
	       hist_fmt(&st.open_out, "ok"), st.entries, st.skipped, st.pages, st.headers,
	       st.kept, st.mprotects, st.mremaps, violations);
	return violations ? 1 : 0;
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
