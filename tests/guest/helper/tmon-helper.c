// SPDX-License-Identifier: GPL-2.0
/*
 * Static helper for the in-VM tests (busybox has no equivalent):
 *   tmon-helper now                  CLOCK_MONOTONIC in seconds, the
 *                                    clock of the module's timers
 *   tmon-helper spin                 burn CPU until killed
 *   tmon-helper spinnice NICE        the same at nice NICE
 *   tmon-helper burn MS              wait for a line on stdin, then use
 *                                    MS ms of CPU time and exit
 *   tmon-helper fifospin PRIO MS N GAP
 *                                    N times: spin MS ms under SCHED_FIFO
 *                                    at PRIO, then sleep GAP ms
 *   tmon-helper mem MIB              wait for a line on stdin, then
 *                                    map and touch MIB MiB in 4 KiB pages
 *                                    (no THP, so one fault per page),
 *                                    print "done", sleep until killed
 *   tmon-helper hog                  commands on stdin, one a line, each
 *                                    begun with "start CMD T" and answered
 *                                    "ok CMD T" (T: now, seconds):
 *                                    "mem MIB" maps and touches MIB MiB
 *                                    (unmapping the last), "free" unmaps
 *                                    it, "cpu MS" uses MS ms of CPU time,
 *                                    "majflt N FILE" reads every page of
 *                                    FILE N times, each a major fault
 *   tmon-helper fusefile DIR MIB     a FUSE file DIR/f of MIB MiB, served
 *                                    until DIR is unmounted (fuse.c)
 *   tmon-helper write FILE STRING    one write(2) of STRING; prints OK or
 *                                    the errno name, exits 0 / 1
 *   tmon-helper slowread FILE BYTES MS
 *                                    copy FILE to stdout in reads of BYTES,
 *                                    MS milliseconds apart
 *   tmon-helper ring ...             readers of /dev/tmon's rings (ring.c)
 *   tmon-helper asuser UID CMD...    run CMD with all uids/gids = UID
 *   tmon-helper nl ...               generic netlink client (nl.c)
 *   tmon-helper fuzz nl [-u UID] | files | dev, then SEED N [FIRST]
 *                                    seeded fuzzer of the netlink family
 *                                    (as UID: its permissions), the files
 *                                    or /dev/tmon (fuzz.c); one summary
 *                                    line, exits 1 on a violation
 *   tmon-helper stress ...           drivers of the stress tests
 *                                    (stress.c)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper.h"

static void *spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
	return NULL;
}

/* N bursts of MS ms of SCHED_FIFO at PRIO, GAP ms apart: a CPU held. */
static int fifospin(int prio, double ms, int n, double gap)
{
	struct sched_param sp = { .sched_priority = prio };
	struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)(gap * 1e6) };
	double end;

	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return perror("sched_setscheduler"), 1;
	while (n-- > 0) {
		for (end = now_s() + ms / 1e3; now_s() < end;)
			;
		nanosleep(&ts, NULL);
	}
	return 0;
}

const char *errname(int e)
{
	static char other[32];

	switch (e) {
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case ENOSPC: return "ENOSPC";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case ERANGE: return "ERANGE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case EBADF: return "EBADF";
	case EDQUOT: return "EDQUOT";
	case ESPIPE: return "ESPIPE";
	}
	snprintf(other, sizeof(other), "errno%d", e);
	return other;
}

/*
 * Every page of @path read @passes times, each read a major fault: the
 * page is dropped from the page cache before it (unmapped, then
 * POSIX_FADV_DONTNEED) and read back on its own (MADV_RANDOM: no
 * readahead to bring its neighbours in).
 */
static int majflt(const char *path, int passes)
{
	volatile char sum = 0;
	struct stat st;
	size_t i;
	char *p;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return perror(path), -1;
	while (passes-- > 0) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return perror("mmap"), -1;
		madvise(p, st.st_size, MADV_RANDOM);
		for (i = 0; i < (size_t)st.st_size; i += 4096)
			sum += p[i];
		munmap(p, st.st_size);
	}
	close(fd);
	return 0;
}

/* tmon-helper hog: see the top. */
static int hog(void)
{
	char line[64], path[64], *word, *p = MAP_FAILED;
	struct timespec cpu, t0;
	size_t len = 0, i;
	int passes;
	double ms;

	while (fgets(line, sizeof(line), stdin)) {
		word = strndup(line, strcspn(line, " \n"));
		printf("start %s %.6f\n", word, now_s());
		fflush(stdout);
		if (p != MAP_FAILED && (!strncmp(line, "mem ", 4) || !strcmp(line, "free\n"))) {
			munmap(p, len);
			p = MAP_FAILED;
		}
		if (!strncmp(line, "mem ", 4)) {
			len = (size_t)atoi(line + 4) << 20;
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				return perror("mmap"), 1;
			for (i = 0; i < len; i += 4096)
				p[i] = 1;
		} else if (sscanf(line, "cpu %lf", &ms) == 1) {
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
			do
				clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
			while ((cpu.tv_sec - t0.tv_sec) * 1000.0 + (cpu.tv_nsec - t0.tv_nsec) / 1e6 < ms);
		} else if (sscanf(line, "majflt %d %63s", &passes, path) == 2) {
			if (majflt(path, passes))
				return 1;
		} else if (strcmp(line, "free\n")) {
			return printf("hog: what is %s", line), 1;
		}
		printf("ok %s %.6f\n", word, now_s());
		fflush(stdout);
		free(word);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "now"))
		return printf("%.6f\n", now_s()) < 0;
	if (argc == 2 && !strcmp(argv[1], "spin"))
		spin(NULL);
	/* N threads spinning, after touching 4 MiB (minor faults). */
	if (argc == 3 && !strcmp(argv[1], "spin")) {
		int i, n = atoi(argv[2]);
		char *p = malloc(4 << 20);
		pthread_t t;

		for (i = 0; p && i < 4 << 20; i += 4096)
			p[i] = 1;
		for (i = 1; i < n; i++)
			if (pthread_create(&t, NULL, spin, NULL))
				return 1;
		spin(NULL);
	}
	/* One thread spinning at nice NICE (busybox has no nice(1)). */
	if (argc == 3 && !strcmp(argv[1], "burn")) {
		struct timespec cpu;
		char line[16];

		if (!fgets(line, sizeof(line), stdin))
			return 1;
		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		while (cpu.tv_sec * 1000.0 + cpu.tv_nsec / 1e6 < atof(argv[2]));
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "fifospin"))
		return fifospin(atoi(argv[2]), atof(argv[3]), atoi(argv[4]), atof(argv[5]));
	if (argc == 3 && !strcmp(argv[1], "spinnice")) {
		if (setpriority(PRIO_PROCESS, 0, atoi(argv[2])))
			return perror("setpriority"), 1;
		spin(NULL);
	}
	if (argc == 3 && !strcmp(argv[1], "mem")) {
		size_t len = (size_t)atoi(argv[2]) << 20, i;
		char line[16], *p;

		if (!fgets(line, sizeof(line), stdin))
			return 1;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		madvise(p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i += 4096)
			p[i] = 1;
		printf("done\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc == 2 && !strcmp(argv[1], "hog"))
		return hog();
	if (argc == 4 && !strcmp(argv[1], "write")) {
		int fd = open(argv[2], O_WRONLY);
		ssize_t n;

		if (fd < 0) {
			printf("open: %s\n", errname(errno));
			return 1;
		}
		n = write(fd, argv[3], strlen(argv[3]));
		if (n < 0) {
			printf("%s\n", errname(errno));
			return 1;
		}
		printf("OK\n");
		return 0;
	}
	/* A reader slower than the history it reads turns over. */
	if (argc == 5 && !strcmp(argv[1], "slowread")) {
		size_t len = (size_t)atoi(argv[3]);
		struct timespec gap = { atoi(argv[4]) / 1000, atoi(argv[4]) % 1000 * 1000000L };
		int fd = open(argv[2], O_RDONLY);
		char *buf = malloc(len ? len : 1);
		ssize_t n;

		if (fd < 0 || !buf || !len)
			return perror(argv[2]), 1;
		while ((n = read(fd, buf, len)) > 0) {
			if (fwrite(buf, 1, n, stdout) != (size_t)n)
				return 1;
			nanosleep(&gap, NULL);
		}
		return n < 0 ? perror("read"), 1 : fflush(stdout) != 0;
	}
	/* A process called NAME (any bytes) that sleeps until killed. */
	if (argc == 3 && !strcmp(argv[1], "named")) {
		if (prctl(PR_SET_NAME, argv[2], 0, 0, 0))
			return perror("PR_SET_NAME"), 1;
		for (;;)
			pause();
	}
	/* Every use a write-only open allows, and those it refuses. */
	if (argc == 3 && !strcmp(argv[1], "wronly")) {
		int fd = open(argv[2], O_WRONLY);
		char c;

		if (fd < 0)
			return printf("open: %s\n", errname(errno)), 1;
		printf("lseek set %s\n", lseek(fd, 0, SEEK_SET) < 0 ? errname(errno) : "OK");
		printf("lseek cur %s\n", lseek(fd, 1, SEEK_CUR) < 0 ? errname(errno) : "OK");
		printf("lseek end %s\n", lseek(fd, 0, SEEK_END) < 0 ? errname(errno) : "OK");
		printf("read %s\n", read(fd, &c, 1) < 0 ? errname(errno) : "OK");
		close(fd);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "ring"))
		return ring_main(argc - 2, argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "asuser")) {
		uid_t uid = (uid_t)atoi(argv[2]);

		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			return perror("setresuid"), 1;
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if (argc >= 3 && !strcmp(argv[1], "nl"))
		return nl_main(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "fuzz"))
		return fuzz_main(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "stress"))
		return stress_main(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "fusefile"))
		return fuse_main(argc - 2, argv + 2);
	fprintf(stderr, "usage: tmon-helper spin | mem MIB | write FILE STRING | ring ... | nl ... | fuzz ... | stress ... | fusefile DIR MIB\n");
	return 2;
}
