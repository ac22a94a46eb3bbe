/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzers of fuzz.c share: the generator, reporting, the files
 * and the system, the model of the watch list, the inputs and the
 * kernel's parsers. One target a file: fuzz-nl.c, fuzz-files.c,
 * fuzz-dev.c.
 */
#ifndef TMON_HELPER_FUZZ_H
#define TMON_HELPER_FUZZ_H

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
static inline void rng_init(struct rng *r, uint64_t seed, uint64_t iter)
{
	r->s = seed;
	r->s = rnd(r) ^ ((iter + 1) * 0xd1b54a32d192ed03ULL);
}

static inline int chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* @a is an array or a compound literal: naming it twice has no side effect. */
#define PICK(r, a)	((a)[below((r), ARRAY_SIZE(a))])

#define HIST_MAX	256

/* Outcomes: [0] accepted, [e] refused with errno e. */
struct hist {
	unsigned long n[HIST_MAX];
};

extern const char *run_mode;
extern unsigned long long run_seed;
extern unsigned long run_iter;
extern unsigned long violations;
extern unsigned char watched_map[PID_LIMIT / 8];
extern unsigned char ours_map[PID_LIMIT / 8];
extern unsigned int nr_watched;
extern unsigned int model_max_tasks;
extern int unpriv;
extern uid_t fuzz_uid;
extern int64_t pool[40];
extern unsigned int npool;

void __attribute__((format(printf, 1, 2))) violation(const char *fmt, ...);
void show_input(const void *p, size_t len);
void hist_add(struct hist *h, int err);
const char *ename(int e);
const char *hist_fmt(const struct hist *h, const char *okname);
unsigned long long must_read(const char *path);
int write_text(const char *path, const char *s);
void possible_cpus(unsigned int *ids, unsigned int *count);
unsigned int nr_ours(void);
int is_watched(int64_t pid);
void model_load(void);
void model_reap(unsigned long long nr_tasks);
void model_watch(const char *via, int unwatch, int64_t pid, int err);
void pool_init(void);
int64_t gen_pid(struct rng *r);
uint64_t gen_period(struct rng *r);
int period_valid(uint64_t ns);
int k_isspace(unsigned char c);
int k_strtoull(const char *s, unsigned int base, unsigned long long *res);

int fuzz_nl(unsigned long first, unsigned long n);
int fuzz_files(unsigned long first, unsigned long n);
int fuzz_dev(unsigned long first, unsigned long n);

#endif
