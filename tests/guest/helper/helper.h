/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of tmon-helper share: their entry points and two helpers. */
#ifndef TMON_HELPER_H
#define TMON_HELPER_H

#include <time.h>

int nl_main(int argc, char **argv);
int fuzz_main(int argc, char **argv);
int stress_main(int argc, char **argv);
int ring_main(int argc, char **argv);
int fuse_main(int argc, char **argv);

/* The errno names the tests expect, or the number (tmon-helper.c). */
const char *errname(int e);

/* CLOCK_MONOTONIC in seconds: the clock of the module's timers. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
