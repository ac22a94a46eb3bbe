/* SPDX-License-Identifier: GPL-2.0 */
/* `tmonctl top`: what one screen shows (top_frame.c) and the loop that shows it (top.c). */
#ifndef TMONCTL_TOP_H
#define TMONCTL_TOP_H

#include "tmonctl.h"

/* What one CPU did since the previous screen, from its new records. */
struct cpu_counts {
	uint64_t records, lat_sum, lat_max;
	uint64_t user, system, idle, iowait, irq;
};

struct cpu_interval {
	uint64_t last_seq;
	bool seen;
	struct cpu_counts iv;
};

struct top {
	struct cpu_interval *cpu;
	unsigned int nr_cpu;
	uint64_t *prev_wakeups;
	struct task_list prev, cur;
	uint64_t prev_ns;
	unsigned int frame;
};

int top_frame(struct top *t, FILE *f, unsigned int rows);

#endif
