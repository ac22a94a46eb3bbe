/* SPDX-License-Identifier: GPL-2.0 */
/* The state file of save and restore (state_file.c), for restore.c and the unit tests. */
#ifndef TMONCTL_STATE_FILE_H
#define TMONCTL_STATE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tmonctl.h"

enum { SET_PERIOD, SET_HISTORY, SET_MAX_TASKS, NR_SETTINGS };

struct setting_desc {
	const char *name;
	uint64_t min, max;
};

extern const struct setting_desc settings[NR_SETTINGS];

struct state {
	uint64_t set[NR_SETTINGS];	/* the settings saved */
	uint64_t loaded[NR_SETTINGS];	/* what the module had been loaded with */
	bool has_set[NR_SETTINGS], has_loaded[NR_SETTINGS];
	struct saved_watch {
		uint32_t pid;
		char comm[TMON_COMM_LEN];	/* "": any */
		struct budgets budgets;		/* those saved, for the WATCH request */
	} *watch;
	size_t nr_watch;
};

void make_dirs(const char *file);
bool proc_comm(uint32_t pid, char *comm, size_t len);
void settings_of(const struct tmon_status *st, uint64_t *v);
void settings_write(FILE *f, const char *prefix, const uint64_t *v);
int setting_index(const char *name);
unsigned int state_write(FILE *f, const struct tmon_status *st, const struct task_list *tl);
int state_read(const char *file, struct state *s, bool missing_ok);

#endif
