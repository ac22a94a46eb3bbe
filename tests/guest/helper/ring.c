// SPDX-License-Identifier: GPL-2.0
/*
 * tmon-helper ring SUBCOMMAND: readers of /dev/tmon's per-CPU rings, by
 * mmap (through src/tmon_ring_reader.h) and by read(), each a function
 * of the table at the end:
 *   follow SECONDS      poll + mmap reader: every entry in sequence;
 *                       prints counts, exits 1 on a gap or a torn entry
 *   pause SECONDS       take positions, sleep: only the overflow is
 *                       gone, the rest intact
 *   readpause SECONDS   a read() reader that sleeps: its seq gaps must
 *                       equal ring_lost's growth
 *   stream SECONDS [STOP]
 *                       mmap reader that may fall behind: every entry
 *                       missed was overwritten
 *   readfollow STOP     read() until STOP exists and the file is
 *                       drained: its seq gaps must equal ring_lost's
 *                       growth
 *   efault              a read() into a bad buffer loses no entry
 *                       (production frozen)
 *   compare             read() and mmap give the same entries
 *                       (production must be frozen)
 *   poll MS             ms until poll() reports new entries
 *   badmap              write and out-of-range mappings fail
 *   hold                map the rings and sleep until killed
 *   reopen MS           the only opener: take the heads, close, wait MS,
 *                       open again: the rings are new (nothing written
 *                       while closed) and read() has no loss
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helper.h"
#include "../../../src/tmon_ring_reader.h"

static uint64_t pos[4096];

static struct tmon_ring_info info;
static const char *rings;

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

/*
 * take() for a reader that may be lapped: 1 if the entry at @p was read
 * intact. Otherwise the writer must have overwritten it, so the head is
 * now a ring's length past it (counted in @torn); if not, the ring
 * failed to hold an entry it claims (counted in @bad and reported).
 */
static int take_or_judge(unsigned int c, uint64_t p, uint64_t *torn, uint64_t *bad)
{
	struct tmon_ring_entry e;
	uint64_t h;

	if (take(c, p, &e) && e.seq == p)
		return 1;
	h = head_of(c);
	if (h - p >= ring(c)->nr_entries) {
		(*torn)++;
		return 0;
	}
	if (!(*bad)++)
		printf("ring %u: entry %llu not held, head only %llu\n", c,
		       (unsigned long long)p, (unsigned long long)h);
	return 0;
}

static int open_rings(int flags)
{
	int fd = open("/dev/tmon", flags);

	if (fd < 0 || ioctl(fd, TMON_IOC_INFO, &info)) {
		perror("/dev/tmon");
		exit(1);
	}
	rings = mmap(NULL, info.nr_rings * info.ring_bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (rings == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	for (unsigned int c = 0; c < info.nr_rings; c++)
		if (!tmon_ring_valid(ring(c), &info)) {
			fprintf(stderr, "ring %u: bad header\n", c);
			exit(1);
		}
	return fd;
}

static uint64_t read_u64(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%llu", &v) != 1)
		exit(printf("cannot read %s\n", path) ? 1 : 1);
	fclose(f);
	return v;
}

static int ring_follow(char **argv)
{
	struct tmon_ring_entry e;
	unsigned int c;
	int fd;
	double end = now_s() + atof(argv[1]);
	uint64_t n = 0, ncpu = 0, ntask = 0, lost = 0;
	struct pollfd pfd;

	fd = open_rings(O_RDONLY);
	for (c = 0; c < info.nr_rings; c++)
		pos[c] = head_of(c);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (now_s() < end) {
		for (c = 0; c < info.nr_rings; c++) {
			for (; pos[c] < head_of(c); pos[c]++) {
				if (!take(c, pos[c], &e) || e.seq != pos[c]) {
					if (!lost++)
						printf("ring %u: entry %llu lost or torn (head %llu)\n",
						       c, (unsigned long long)pos[c],
						       (unsigned long long)head_of(c));
					continue;
				}
				n++;
				if (e.type == TMON_ENTRY_CPU && e.cpu.cpu == c)
					ncpu++;
				else if (e.type == TMON_ENTRY_TASK)
					ntask++;
				else
					return printf("ring %u: bad entry type %u\n", c, e.type), 1;
			}
		}
		poll(&pfd, 1, 200);
		if (pfd.revents & POLLIN) {
			/* poll() follows the file's read() position: drain it. */
			char buf[64 * sizeof(e)];

			fcntl(fd, F_SETFL, O_NONBLOCK);
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		}
	}
	/* What this reader saw, counted: a loss fails it. */
	printf("entries %llu cpu %llu task %llu lost %llu\n", (unsigned long long)n,
	       (unsigned long long)ncpu, (unsigned long long)ntask,
	       (unsigned long long)lost);
	return lost ? 1 : 0;
}

/*
 * An mmap reader that may fall behind: it jumps to the oldest
 * entry still held and counts what it skipped (overflow). An
 * entry it cannot take must have been overwritten: the head,
 * read again after the failed take, is a ring's length past
 * it. Anything else is an entry the ring lost by itself.
 */
static int ring_stream(char **argv)
{
	unsigned int c;
	double end = now_s() + atof(argv[1]);
	uint64_t got = 0, overflow = 0, torn = 0, bad = 0, h;

	open_rings(O_RDONLY);
	for (c = 0; c < info.nr_rings; c++)
		pos[c] = head_of(c);
	while (now_s() < end && (!argv[2] || access(argv[2], F_OK))) {
		for (c = 0; c < info.nr_rings; c++) {
			h = head_of(c);
			if (h - pos[c] > ring(c)->nr_entries) {
				overflow += h - pos[c] - ring(c)->nr_entries;
				pos[c] = h - ring(c)->nr_entries;
			}
			for (; pos[c] < h; pos[c]++)
				got += take_or_judge(c, pos[c], &torn, &bad);
		}
		usleep(1000);
	}
	printf("stream got %llu overflow %llu torn %llu unexplained %llu\n",
	       (unsigned long long)got, (unsigned long long)overflow,
	       (unsigned long long)torn, (unsigned long long)bad);
	return !bad && got > 0 ? 0 : 1;
}

/*
 * A read() reader that reads until STOPFILE exists and the
 * file is drained (the test stops production first): its seq
 * gaps must equal ring_lost's growth.
 */
static int ring_readfollow(char **argv)
{
	struct tmon_ring_entry e;
	unsigned int c;
	int fd;
	uint64_t next[4096] = { 0 }, lost = 0, n = 0, lost0, lost1;
	struct pollfd pfd;
	ssize_t r;

	open_rings(O_RDONLY);
	/*
	 * The file starts each ring at its oldest entry at open(). Taken
	 * from the mapping with no entry written meanwhile, that is known
	 * exactly: entries overwritten before the first read() are then
	 * gaps here as they are in ring_lost (a slow reader can reach the
	 * last ring after the floor has wrapped it).
	 */
	for (fd = -1; fd < 0;) {
		int same = 1;

		lost0 = read_u64("/sys/kernel/tmon/ring_lost");
		for (c = 0; c < info.nr_rings; c++)
			next[c] = head_of(c);
		fd = open("/dev/tmon", O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			return perror("/dev/tmon"), 1;
		for (c = 0; c < info.nr_rings; c++)
			same &= head_of(c) == next[c];
		if (!same) {
			close(fd);
			fd = -1;
		}
	}
	for (c = 0; c < info.nr_rings; c++)
		next[c] = next[c] > ring(c)->nr_entries ? next[c] - ring(c)->nr_entries : 0;
	for (;;) {
		r = read(fd, &e, sizeof(e));
		if (r == sizeof(e)) {
			if (e.ring >= info.nr_rings)
				return printf("entry for ring %u\n", e.ring), 1;
			if (e.seq < next[e.ring])
				return printf("ring %u seq %llu went back\n", e.ring,
					      (unsigned long long)e.seq), 1;
			lost += e.seq - next[e.ring];
			next[e.ring] = e.seq + 1;
			n++;
			continue;
		}
		if (r < 0 && errno != EAGAIN)
			return perror("read"), 1;
		if (!access(argv[1], F_OK))
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		poll(&pfd, 1, 100);
	}
	lost1 = read_u64("/sys/kernel/tmon/ring_lost");
	printf("readfollow read %llu lost %llu ring_lost +%llu\n", (unsigned long long)n,
	       (unsigned long long)lost, (unsigned long long)(lost1 - lost0));
	return lost1 - lost0 == lost && n > 0 ? 0 : 1;
}

/*
 * An mmap reader that sleeps past the ring size: exactly what
 * overflowed its capacity is gone, every entry still held is
 * read back intact unless the writer has meanwhile lapped it,
 * and the ring held its whole capacity.
 */
static int ring_pause(char **argv)
{
	unsigned int c;
	uint64_t got = 0, overflow = 0, torn = 0, bad = 0, h, start, cap = 0;

	open_rings(O_RDONLY);
	for (c = 0; c < info.nr_rings; c++)
		pos[c] = head_of(c);
	usleep((useconds_t)(atof(argv[1]) * 1e6));
	for (c = 0; c < info.nr_rings; c++) {
		h = head_of(c);
		start = pos[c];
		if (h - start > ring(c)->nr_entries) {
			overflow += h - start - ring(c)->nr_entries;
			pos[c] = h - ring(c)->nr_entries;
			cap += ring(c)->nr_entries;
		}
		for (; pos[c] < h; pos[c]++)
			got += take_or_judge(c, pos[c], &torn, &bad);
	}
	printf("got %llu overflow %llu torn %llu unexplained %llu capacity %llu\n",
	       (unsigned long long)got, (unsigned long long)overflow,
	       (unsigned long long)torn, (unsigned long long)bad,
	       (unsigned long long)ring(0)->nr_entries);
	/* Torn entries are the few the writer passed while we read. */
	return !bad && overflow > 0 && got + torn >= cap ? 0 : 1;
}

/*
 * A read() reader that pauses: counts the seq gaps it sees,
 * which must equal what ring_lost grew by.
 */
static int ring_readpause(char **argv)
{
	struct tmon_ring_entry e;
	unsigned int c;
	int fd;
	uint64_t start[4096], lost = 0, n = 0, lost0, lost1;
	unsigned int tries;

	open_rings(O_RDONLY);
	/* Open only when no entry is produced across open(): then
	 * the file starts exactly at the oldest entry held. */
	for (tries = 0;; tries++) {
		for (c = 0; c < info.nr_rings; c++)
			pos[c] = head_of(c);
		fd = open("/dev/tmon", O_RDONLY | O_NONBLOCK);
		for (c = 0; c < info.nr_rings && head_of(c) == pos[c]; c++)
			;
		if (c == info.nr_rings)
			break;
		close(fd);
		if (tries > 1000)
			return printf("could not open between two entries\n"), 1;
	}
	for (c = 0; c < info.nr_rings; c++)
		start[c] = pos[c] > ring(c)->nr_entries ? pos[c] - ring(c)->nr_entries : 0;
	lost0 = read_u64("/sys/kernel/tmon/ring_lost");
	usleep((useconds_t)(atof(argv[1]) * 1e6));
	while (read(fd, &e, sizeof(e)) == sizeof(e)) {
		if (e.ring >= info.nr_rings || e.seq < start[e.ring])
			return printf("entry for ring %u seq %llu out of place\n", e.ring,
				      (unsigned long long)e.seq), 1;
		lost += e.seq - start[e.ring];
		start[e.ring] = e.seq + 1;
		n++;
	}
	lost1 = read_u64("/sys/kernel/tmon/ring_lost");
	printf("read %llu lost %llu ring_lost +%llu\n", (unsigned long long)n,
	       (unsigned long long)lost, (unsigned long long)(lost1 - lost0));
	return lost1 - lost0 == lost ? 0 : 1;
}

/*
 * A read() into a bad buffer delivers nothing and loses
 * nothing: afterwards the file gives every entry a fresh
 * file gives (production must be frozen).
 */
static int ring_efault(char **argv)
{
	struct tmon_ring_entry e;
	static struct tmon_ring_entry big[65536];
	ssize_t n0, n1, n2;
	char *pg;
	int fd, fd2;

	(void)argv;
	open_rings(O_RDONLY);
	fd = open("/dev/tmon", O_RDONLY | O_NONBLOCK);
	/* Room for one entry, then a page that cannot be written. */
	pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pg == MAP_FAILED || mprotect(pg + 4096, 4096, PROT_READ))
		return perror("mmap"), 1;
	if (read(fd, pg + 4096, sizeof(e)) != -1 || errno != EFAULT)
		return printf("read into a read-only page: not EFAULT\n"), 1;
	n0 = read(fd, pg + 4096 - sizeof(e) - 8, 2 * sizeof(e));
	if (n0 != (ssize_t)sizeof(e))
		return printf("read across into the read-only page: %zd\n", n0), 1;
	n1 = read(fd, big, sizeof(big));
	fd2 = open("/dev/tmon", O_RDONLY | O_NONBLOCK);
	n2 = read(fd2, big, sizeof(big));
	n1 = n1 / (ssize_t)sizeof(e) + 1;
	n2 /= (ssize_t)sizeof(e);
	printf("after EFAULT %zd entries (1 + the rest), a fresh file %zd\n", n1, n2);
	return n1 == n2 ? 0 : 1;
}

static int ring_compare(char **argv)
{
	struct tmon_ring_entry e;
	unsigned int c;
	int fd;
	struct tmon_ring_entry r;
	uint64_t n = 0, h;
	ssize_t len;

	(void)argv;
	fd = open_rings(O_RDONLY | O_NONBLOCK);
	for (c = 0; c < info.nr_rings; c++) {
		h = head_of(c);
		pos[c] = h > ring(c)->nr_entries ? h - ring(c)->nr_entries : 0;
		for (; pos[c] < h; pos[c]++) {
			len = read(fd, &r, sizeof(r));
			if (len != sizeof(r) || !take(c, pos[c], &e) || memcmp(&r, &e, sizeof(r))) {
				printf("ring %u entry %llu: read() and mmap differ (read %zd)\n", c,
				       (unsigned long long)pos[c], len);
				return 1;
			}
			n++;
		}
	}
	if (read(fd, &r, sizeof(r)) != -1 || errno != EAGAIN)
		return printf("read() has more entries than the mapping\n"), 1;
	if (read(fd, &r, 8) != -1 || errno != EINVAL)
		return printf("a short read() did not fail with EINVAL\n"), 1;
	printf("compared %llu entries\n", (unsigned long long)n);
	return 0;
}

static int ring_poll(char **argv)
{
	struct pollfd pfd = { .events = POLLIN };
	struct tmon_ring_entry e;
	char buf[64 * sizeof(e)];
	double t0;

	pfd.fd = open_rings(O_RDONLY | O_NONBLOCK);
	while (read(pfd.fd, buf, sizeof(buf)) > 0)
		;
	t0 = now_s();
	if (poll(&pfd, 1, atoi(argv[1])) != 1)
		return printf("poll: nothing within %s ms\n", argv[1]), 1;
	printf("poll: %d ms\n", (int)((now_s() - t0) * 1000));
	return 0;
}

static int ring_badmap(char **argv)
{
	int fd;
	size_t total;
	void *p;

	(void)argv;
	fd = open_rings(O_RDONLY);
	total = info.nr_rings * info.ring_bytes;
	if (mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) != MAP_FAILED)
		return printf("writable shared mapping accepted\n"), 1;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || !mprotect(p, 4096, PROT_READ | PROT_WRITE))
		return printf("mprotect to writable accepted\n"), 1;
	if (mmap(NULL, total + 4096, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED)
		return printf("mapping beyond the rings accepted\n"), 1;
	if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, total) != MAP_FAILED)
		return printf("offset beyond the rings accepted\n"), 1;
	if (ioctl(fd, _IO(TMON_IOC_MAGIC, 99)) != -1 || errno != ENOTTY)
		return printf("unknown ioctl not ENOTTY\n"), 1;
	printf("ok: rings %u x %llu bytes\n", info.nr_rings, (unsigned long long)info.ring_bytes);
	return 0;
}

static int ring_hold(char **argv)
{
	int fd2 = open_rings(O_RDONLY);

	(void)argv;
	close(fd2);	/* the mapping alone keeps the device busy */
	printf("holding\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static int ring_reopen(char **argv)
{
	uint64_t before[4096], lost0, lost1, n = 0;
	struct tmon_ring_entry e;
	unsigned int c;
	int fd;

	fd = open_rings(O_RDONLY);
	for (c = 0; c < info.nr_rings; c++)
		before[c] = head_of(c);
	munmap((void *)rings, info.nr_rings * info.ring_bytes);
	close(fd);
	usleep((useconds_t)atoi(argv[1]) * 1000);
	lost0 = read_u64("/sys/kernel/tmon/ring_lost");
	fd = open_rings(O_RDONLY | O_NONBLOCK);
	for (c = 0; c < info.nr_rings; c++)
		printf("ring %u before %llu head %llu\n", c, (unsigned long long)before[c],
		       (unsigned long long)head_of(c));
	while (read(fd, &e, sizeof(e)) == sizeof(e))
		n++;
	lost1 = read_u64("/sys/kernel/tmon/ring_lost");
	printf("read %llu ring_lost +%llu\n", (unsigned long long)n,
	       (unsigned long long)(lost1 - lost0));
	return lost1 == lost0 ? 0 : 1;
}

static const struct ring_cmd {
	const char *name;
	int min_args, max_args;		/* after the name */
	int (*fn)(char **argv);	/* argv[0]: the name; NULL-terminated */
	const char *usage;
} ring_cmds[] = {
	{ "follow", 1, 1, ring_follow, "SECONDS" },
	{ "stream", 1, 2, ring_stream, "SECONDS [STOPFILE]" },
	{ "readfollow", 1, 1, ring_readfollow, "STOPFILE" },
	{ "pause", 1, 1, ring_pause, "SECONDS" },
	{ "readpause", 1, 1, ring_readpause, "SECONDS" },
	{ "efault", 0, 0, ring_efault, "" },
	{ "compare", 0, 0, ring_compare, "" },
	{ "poll", 1, 1, ring_poll, "MS" },
	{ "badmap", 0, 0, ring_badmap, "" },
	{ "hold", 0, 0, ring_hold, "" },
	{ "reopen", 1, 1, ring_reopen, "MS" },
};

int ring_main(int argc, char **argv)
{
	const struct ring_cmd *cmd;
	size_t i;

	for (i = 0; i < sizeof(ring_cmds) / sizeof(ring_cmds[0]); i++) {
		cmd = &ring_cmds[i];
		if (argc >= 1 && !strcmp(argv[0], cmd->name) &&
		    argc - 1 >= cmd->min_args && argc - 1 <= cmd->max_args)
			return cmd->fn(argv);
	}
	fprintf(stderr, "usage: tmon-helper ring");
	for (i = 0; i < sizeof(ring_cmds) / sizeof(ring_cmds[0]); i++)
		fprintf(stderr, "%s %s%s%s", i ? " |" : "", ring_cmds[i].name,
			*ring_cmds[i].usage ? " " : "", ring_cmds[i].usage);
	fprintf(stderr, "\n");
	return 2;
}
