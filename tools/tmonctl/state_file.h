/* SPDX-License-Identifier: GPL-2.0 */
/* The state file of save and restore (state_file.c), for restore.c and the unit tests. */
#ifndef TMONCTL_STATE_FILE_H
#define TMONCTL_STATE_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tmonctl.h"

enum {
	SET_PERIOD, SET_HISTORY, SET_MAX_TASKS,
	SET_THREAD_THRESHOLD, SET_IRQ_THRESHOLD,	/* in enum's order of thresholds */
	NR_SETTINGS
};

struct setting_desc {
	const char *name;	/* the module parameter's */
	uint64_t min, max;
	bool off;		/* "off" (THRESHOLD_OFF) too */
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
	/* CPUs whose thresholds are not the parameters' (set alone). */
	struct saved_thresholds {
		uint32_t cpu;
		uint64_t ns[NR_THRESHOLDS];
	} *thr;
	size_t nr_thr;
};

void settings_of(const struct tmon_status *st, uint64_t *v);
void settings_write(FILE *f, const char *prefix, const uint64_t *v);
int setting_index(const char *name);
int setting_parse(unsigned int k, const char *tok, uint64_t *v);
int setting_param_read(unsigned int k, uint64_t *v);
void setting_fmt(unsigned int k, uint64_t v, char *buf, size_t len);
void state_free(struct state *s);
unsigned int state_write(FILE *f, const struct tmon_status *st, const struct task_list *tl);
int state_read(const char *file, struct state *s, bool missing_ok);

/* thresholds.c: the CPUs whose thresholds were set alone */
void thresholds_state_write(FILE *f, const struct tmon_status *st);
int thresholds_state_line(struct state *s, const char *line);
int thresholds_restore(const struct state *s);

#endif
