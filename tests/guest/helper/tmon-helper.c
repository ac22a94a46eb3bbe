// SPDX-License-Identifier: GPL-2.0
/*
 * Static helper for the in-VM tests (busybox has no equivalent):
 *   tmon-helper spin                 burn CPU until killed
 *   tmon-helper mem MIB              wait for a line on stdin, then
 *                                    map and touch MIB MiB in 4 KiB pages
 *                                    (no THP, so one fault per page),
 *                                    print "done", sleep until killed
 *   tmon-helper write FILE STRING    one write(2) of STRING; prints OK or
 *                                    the errno name, exits 0 / 1
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *errname(int e)
{
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
	default: return strerror(e);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "spin")) {
		volatile unsigned long n = 0;

		for (;;)
			n++;
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
	fprintf(stderr, "usage: tmon-helper spin | mem MIB | write FILE STRING\n");
	return 2;
}
