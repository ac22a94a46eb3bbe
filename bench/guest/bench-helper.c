// SPDX-License-Identifier: GPL-2.0
/*
 * Static helper for the in-VM benchmarks (bench/guest/b-*.sh):
 *   bench-helper sleepers N PIDFILE  N processes that pause(); their pids
 *                                    go to PIDFILE, then "ready" on stdout;
 *                                    SIGTERM kills them all
 *   bench-helper watch PIDFILE [un]  watch (or unwatch) every pid of
 *                                    PIDFILE through netlink
 *   bench-helper procread HZ ROUNDS PIDFILE
 *                                    the least a /proc sampler does: read
 *                                    /proc/P/stat and /proc/P/status of
 *                                    every pid HZ times a second, ROUNDS
 *                                    times; prints its own CPU time
 *   bench-helper ringscan S          copy every entry the (frozen) rings
 *                                    hold, again and again, for S seconds
 *   bench-helper ringslow MS S       mmap reader that sleeps MS ms between
 *                                    passes (0: poll()); counts read/lost
 *   bench-helper nldump S cpus|tasks netlink dumps back to back for S s
 *   bench-helper watches             the watch list (LIST_TASKS): how many,
 *                                    their record counts and newest seqs
 *                                    (min, max, sum: the sum's growth is
 *                                    the samples stored meanwhile)
 *   bench-helper status              each CPU's wakeups and missed expiries
 *                                    (GET_STATUS), and CLOCK_MONOTONIC
 *                                    when the reply came: a window's
 *                                    counts without reading the history
 *   bench-helper textread S FILE     read FILE whole, again and again, for
 *                                    S seconds; counts its lines
 *   bench-helper burn MILLIONS CPU   fixed CPU-bound work pinned to CPU;
 *                                    prints its wall time in ns
 *   bench-helper sizes               the ABI record sizes
 *   bench-helper cputime CMD...      run CMD; on stderr, the CPU time it
 *                                    used (getrusage: user + system, whose
 *                                    sum is the scheduler's exact run time)
 * Results are one line of "key value" pairs on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/tmon_ring_reader.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	perror(what);
	exit(1);
}

static unsigned int read_pids(const char *file, pid_t **out)
{
	unsigned int n = 0, cap = 1024;
	pid_t *p = malloc(cap * sizeof(*p));
	FILE *f = fopen(file, "r");
	int v;

	if (!f || !p)
		die(file);
	while (fscanf(f, "%d", &v) == 1) {
		if (n == cap) {
			cap *= 2;
			p = realloc(p, cap * sizeof(*p));
			if (!p)
				die("realloc");
		}
		p[n++] = v;
	}
	fclose(f);
	*out = p;
	return n;
}

/* sleepers: CLONE_VM children share one address space, so 10000 of them
 * cost kernel stacks and task structs but no page tables. */
static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static int sleepers_main(unsigned int n, const char *file)
{
	const size_t stk = 16384;
	char *stacks = mmap(NULL, n * stk, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	pid_t *pids = calloc(n, sizeof(*pids));
	FILE *f = fopen(file, "w");
	unsigned int i;

	if (stacks == MAP_FAILED || !pids || !f)
		die("sleepers");
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	for (i = 0; i < n; i++) {
		pids[i] = clone(sleeper, stacks + (i + 1) * stk, CLONE_VM | SIGCHLD, NULL);
		if (pids[i] < 0) {
			fprintf(stderr, "clone %u: %s\n", i, strerror(errno));
			n = i;
			break;
		}
		fprintf(f, "%d\n", pids[i]);
	}
	fclose(f);
	printf("ready %u\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return 0;
}

/* Generic netlink, the few requests the benchmarks need. */
static int nl_sock, nl_family;
static unsigned int nl_seq = 1;
/* If set, nl_txn() hands it every top-level attribute of the replies. */
static void (*nl_attr_fn)(const struct nlattr *a);

struct nlreq {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static void nl_init(struct nlreq *r, int fam, int cmd, int flags)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = fam;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->n.nlmsg_seq = nl_seq++;
	r->g.cmd = cmd;
	r->g.version = TMON_GENL_VERSION;
}

static void nl_put(struct nlreq *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)&r->n + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send @r, read replies up to the ack or NLMSG_DONE. Counts the record
 * attributes in @records and returns 0 or -errno. */
static int nl_txn(struct nlreq *r, unsigned long *records)
{
	static char buf[1 << 17];
	struct nlmsghdr *h;
	ssize_t len;

	if (send(nl_sock, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(nl_sock, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct nlattr *a;
			int rem;

			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len))) {
				if (nl_family == 0 && a->nla_type == CTRL_ATTR_FAMILY_ID)
					nl_family = *(uint16_t *)((char *)a + NLA_HDRLEN);
				if (records && (a->nla_type == TMON_A_TASK_RECORD ||
						a->nla_type == TMON_A_CPU_RECORD))
					(*records)++;
				if (nl_attr_fn)
					nl_attr_fn(a);
			}
		}
	}
}

static void nl_open(void)
{
	int one = 1, rcv = 1 << 20;
	struct nlreq r;

	nl_sock = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (nl_sock < 0)
		die("socket");
	setsockopt(nl_sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl_sock, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	nl_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	r.g.version = 1;
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, TMON_GENL_NAME, sizeof(TMON_GENL_NAME));
	if (nl_txn(&r, NULL) || !nl_family) {
		fprintf(stderr, "family tmon not found\n");
		exit(1);
	}
}

static int watch_main(const char *file, int unwatch)
{
	unsigned int n, i, ok = 0, fail = 0;
	struct nlreq r;
	pid_t *pids;
	double t0;

	n = read_pids(file, &pids);
	nl_open();
	t0 = now_s();
	for (i = 0; i < n; i++) {
		uint32_t pid = (uint32_t)pids[i];

		nl_init(&r, nl_family, unwatch ? TMON_CMD_UNWATCH : TMON_CMD_WATCH, 0);
		nl_put(&r, TMON_A_PID, &pid, sizeof(pid));
		if (nl_txn(&r, NULL))
			fail++;
		else
			ok++;
	}
	printf("ok %u failed %u seconds %.6f\n", ok, fail, now_s() - t0);
	return fail ? 1 : 0;
}

static int nldump_main(double secs, int tasks)
{
	unsigned long records = 0, dumps = 0;
	double t0, end;
	struct nlreq r;
	int err;

	nl_open();
	t0 = now_s();
	end = t0 + secs;
	do {
		nl_init(&r, nl_family, tasks ? TMON_CMD_DUMP_TASKS : TMON_CMD_DUMP_CPUS, NLM_F_DUMP);
		err = nl_txn(&r, &records);
		if (err)
			return fprintf(stderr, "dump: %s\n", strerror(-err)), 1;
		dumps++;
	} while (now_s() < end);
	printf("records %lu dumps %lu seconds %.6f\n", records, dumps, now_s() - t0);
	return 0;
}

/* watches: every watch's record count and newest record's seq. */
static unsigned long long w_n, w_rmin = ~0ULL, w_rmax, w_smin = ~0ULL, w_smax, w_ssum, w_last;

static void watches_attr(const struct nlattr *a)
{
	const void *v = (const char *)a + NLA_HDRLEN;
	unsigned long long x;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case TMON_A_PID:
		w_n++;
		break;
	case TMON_A_NR_RECORDS:
		x = *(const uint32_t *)v;
		w_rmin = x < w_rmin ? x : w_rmin;
		w_rmax = x > w_rmax ? x : w_rmax;
		break;
	case TMON_A_TASK_RECORD:
		if (a->nla_len - NLA_HDRLEN != sizeof(struct tmon_task_record))
			break;
		x = ((const struct tmon_task_record *)v)->seq;
		w_last++;
		w_smin = x < w_smin ? x : w_smin;
		w_smax = x > w_smax ? x : w_smax;
		w_ssum += x;
		break;
	}
}

static int watches_main(void)
{
	struct nlreq r;
	int err;

	nl_open();
	nl_attr_fn = watches_attr;
	nl_init(&r, nl_family, TMON_CMD_LIST_TASKS, NLM_F_DUMP);
	err = nl_txn(&r, NULL);
	if (err)
		return fprintf(stderr, "list: %s\n", strerror(-err)), 1;
	if (!w_n)
		w_rmin = w_smin = 0;
	printf("watches %llu records_min %llu records_max %llu seq_min %llu seq_max %llu seq_sum %llu "
	       "without_record %llu\n", w_n, w_rmin, w_rmax, w_smin, w_smax, w_ssum, w_n - w_last);
	return 0;
}

/*
 * status: not tmon-helper nl status and tmon-helper now, which the
 * benchmark initramfs has too. At each end of b7's window that took two
 * more processes, larger ones and a pipe, and at 100 us under -icount
 * the window then held 42 to 45 missed expiries on a CPU in each of two
 * runs, where this one small process left none: the harness's own
 * process creation disturbed what it measured.
 */
/* One TMON_A_CPU_STATUS nest: "cpu C wakeups W missed M". */
static void status_cpu(const struct nlattr *nest)
{
	unsigned long long wakeups = 0, missed = 0;
	const struct nlattr *a = (const void *)((const char *)nest + NLA_HDRLEN);
	int rem = nest->nla_len - NLA_HDRLEN;
	unsigned int cpu = ~0U;

	if ((nest->nla_type & NLA_TYPE_MASK) != TMON_A_CPU_STATUS)
		return;
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const void *v = (const char *)a + NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case TMON_A_CPU:
			memcpy(&cpu, v, sizeof(cpu));
			break;
		case TMON_A_WAKEUPS:
			memcpy(&wakeups, v, sizeof(wakeups));
			break;
		case TMON_A_MISSED:
			memcpy(&missed, v, sizeof(missed));
			break;
		}
	}
	printf("cpu %u wakeups %llu missed %llu\n", cpu, wakeups, missed);
}

static int status_main(void)
{
	struct timespec ts;
	struct nlreq r;
	int err;

	nl_open();
	nl_attr_fn = status_cpu;
	nl_init(&r, nl_family, TMON_CMD_GET_STATUS, 0);
	err = nl_txn(&r, NULL);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (err)
		return fprintf(stderr, "status: %s\n", strerror(-err)), 1;
	printf("mono_ns %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return 0;
}

/* The CPU time this process has run, from schedstat (ns, not ticks). */
static unsigned long long self_cpu_ns(void)
{
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/schedstat", "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static int slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int procread_main(int hz, unsigned long nrounds, const char *file)
{
	unsigned long long c0 = self_cpu_ns(), sink = 0;
	unsigned long rounds = 0, missing = 0;
	struct timespec next;
	char path[64], buf[4096];
	unsigned int n, i;
	double t0 = now_s();
	pid_t *pids;

	n = read_pids(file, &pids);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (rounds < nrounds) {
		for (i = 0; i < n; i++) {
			unsigned long ut, st, minflt, majflt, vcsw = 0, ivcsw = 0;
			char *p;

			snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
			if (slurp(path, buf, sizeof(buf))) {
				missing++;
				continue;
			}
			p = strrchr(buf, ')');
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lu %*u %lu %*u %lu %lu",
					&minflt, &majflt, &ut, &st) == 4)
				sink += ut + st + minflt + majflt;
			snprintf(path, sizeof(path), "/proc/%d/status", pids[i]);
			if (slurp(path, buf, sizeof(buf)))
				continue;
			p = strstr(buf, "voluntary_ctxt_switches:");
			if (p)
				vcsw = strtoul(p + 24, &p, 10);
			p = p ? strstr(p, "nonvoluntary_ctxt_switches:") : NULL;
			if (p)
				ivcsw = strtoul(p + 27, NULL, 10);
			p = strstr(buf, "VmRSS:");
			sink += vcsw + ivcsw + (p ? strtoul(p + 6, NULL, 10) : 0);
		}
		rounds++;
		next.tv_nsec += 1000000000L / hz;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	printf("rounds %lu cpu_ns %llu seconds %.6f pids %u missing %lu sink %llu\n", rounds,
	       self_cpu_ns() - c0, now_s() - t0, n, missing, sink & 1);
	return 0;
}

/* The rings, read as tmon_ring_reader.h says. */
static struct tmon_ring_info info;
static const char *rings;
static int ring_fd;

static const struct tmon_ring_header *ring(unsigned int c)
{
	return tmon_ring_at(rings, &info, c);
}

static uint64_t head_of(unsigned int c)
{
	return tmon_ring_head(ring(c));
}

/* 1 copied, 0 lost (overwritten): tmon_ring_reader.h. */
static int take(unsigned int c, uint64_t p, struct tmon_ring_entry *out)
{
	return tmon_ring_take(ring(c), p, out);
}

static void open_rings(void)
{
	ring_fd = open("/dev/tmon", O_RDONLY);
	if (ring_fd < 0 || ioctl(ring_fd, TMON_IOC_INFO, &info))
		die("/dev/tmon");
	rings = mmap(NULL, info.nr_rings * info.ring_bytes, PROT_READ, MAP_SHARED, ring_fd, 0);
	if (rings == MAP_FAILED)
		die("mmap");
	for (unsigned int c = 0; c < info.nr_rings; c++)
		if (!tmon_ring_valid(ring(c), &info))
			die("bad ring header");
}

static int ringscan_main(double secs)
{
	unsigned long long n = 0, bad = 0, passes = 0;
	struct tmon_ring_entry e;
	double t0, end;
	uint64_t h, p;
	unsigned int c;

	open_rings();
	t0 = now_s();
	end = t0 + secs;
	do {
		for (c = 0; c < info.nr_rings; c++) {
			h = head_of(c);
			for (p = h > ring(c)->nr_entries ? h - ring(c)->nr_entries : 0; p < h; p++) {
				if (take(c, p, &e))
					n++;
				else
					bad++;
			}
		}
		passes++;
	} while (now_s() < end);
	printf("records %llu torn %llu passes %llu seconds %.6f\n", n, bad, passes, now_s() - t0);
	return 0;
}

static int ringslow_main(int ms, double secs)
{
	static uint64_t pos[4096];
	unsigned long long got = 0, lost = 0, produced = 0;
	struct tmon_ring_entry e;
	struct pollfd pfd;
	char buf[64 * sizeof(e)];
	uint64_t h;
	unsigned int c;
	double end;

	open_rings();
	for (c = 0; c < info.nr_rings; c++)
		pos[c] = head_of(c);
	pfd.fd = ring_fd;
	pfd.events = POLLIN;
	fcntl(ring_fd, F_SETFL, O_NONBLOCK);
	end = now_s() + secs;
	while (now_s() < end) {
		if (ms > 0) {
			usleep((useconds_t)ms * 1000);
		} else {
			/* poll() follows the file's read() position: drain it. */
			while (read(ring_fd, buf, sizeof(buf)) > 0)
				;
			poll(&pfd, 1, 100);
		}
		for (c = 0; c < info.nr_rings; c++) {
			h = head_of(c);
			produced += h - pos[c];
			if (h - pos[c] > ring(c)->nr_entries) {
				lost += h - pos[c] - ring(c)->nr_entries;
				pos[c] = h - ring(c)->nr_entries;
			}
			for (; pos[c] < h; pos[c]++) {
				if (take(c, pos[c], &e))
					got++;
				else
					lost++;	/* overwritten while we copied it */
			}
		}
	}
	printf("produced %llu read %llu lost %llu capacity %llu\n", produced, got, lost,
	       (unsigned long long)ring(0)->nr_entries);
	return 0;
}

static int textread_main(double secs, const char *file)
{
	static char buf[1 << 16];
	unsigned long long lines = 0, bytes = 0, reads = 0;
	double t0 = now_s(), end = t0 + secs;
	ssize_t n, i;
	int fd;

	do {
		fd = open(file, O_RDONLY);
		if (fd < 0)
			die(file);
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			bytes += n;
			for (i = 0; i < n; i++)
				lines += buf[i] == '\n';
		}
		close(fd);
		reads++;
	} while (now_s() < end);
	printf("records %llu bytes %llu reads %llu seconds %.6f\n", lines, bytes, reads, now_s() - t0);
	return 0;
}

static int burn_main(unsigned long millions, int cpu)
{
	uint64_t x = 88172645463325252ULL, acc = 0;
	unsigned long i;
	cpu_set_t set;
	double t0;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	t0 = now_s();
	for (i = 0; i < millions * 1000000UL; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x % 1000003;
	}
	printf("ns %.0f cpu %d check %llu\n", (now_s() - t0) * 1e9, cpu,
	       (unsigned long long)(acc & 0xff));
	return 0;
}

static int cputime_main(char **argv)
{
	struct rusage ru;
	double t0 = now_s();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		die(argv[0]);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		die("wait4");
	fprintf(stderr, "cpu_ns %lld wall_ns %.0f status %d\n",
		(long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
		(long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL,
		(now_s() - t0) * 1e9, status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sleepers"))
		return sleepers_main((unsigned int)atoi(argv[2]), argv[3]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "watch"))
		return watch_main(argv[2], argc == 4);
	if (argc == 5 && !strcmp(argv[1], "procread"))
		return procread_main(atoi(argv[2]), strtoul(argv[3], NULL, 10), argv[4]);
	if (argc == 3 && !strcmp(argv[1], "ringscan"))
		return ringscan_main(atof(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "ringslow"))
		return ringslow_main(atoi(argv[2]), atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "nldump"))
		return nldump_main(atof(argv[2]), !strcmp(argv[3], "tasks"));
	if (argc == 2 && !strcmp(argv[1], "status"))
		return status_main();
	if (argc == 2 && !strcmp(argv[1], "watches"))
		return watches_main();
	if (argc == 4 && !strcmp(argv[1], "textread"))
		return textread_main(atof(argv[2]), argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "cputime"))
		return cputime_main(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "sizes"))
		return printf("task_record %zu cpu_record %zu ring_entry %zu\n",
			      sizeof(struct tmon_task_record), sizeof(struct tmon_cpu_record),
			      sizeof(struct tmon_ring_entry)) < 0;
	if (argc == 4 && !strcmp(argv[1], "burn"))
		return burn_main(strtoul(argv[2], NULL, 10), atoi(argv[3]));
	fprintf(stderr, "usage: bench-helper sleepers N FILE | watch FILE [un] | procread HZ ROUNDS FILE |\n"
		"       ringscan S | ringslow MS S | nldump S cpus|tasks | watches | status |\n"
		"       textread S FILE | burn MILLIONS CPU | sizes | cputime CMD...\n");
	return 2;
}
