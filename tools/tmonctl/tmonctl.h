/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TMONCTL_H
#define TMONCTL_H

#include <stdbool.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	EXIT_OK = 0,
	EXIT_ERR = 1,
	EXIT_USAGE = 2,
	EXIT_NOMOD = 3,
};

void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_seconds(const char *s, uint64_t *ns);

/* sysfs.c */
const char *sysfs_root(void);
bool tmon_loaded(void);
int sysfs_read_u64(const char *dir, const char *name, uint64_t *val);
int sysfs_read_str(const char *dir, const char *name, char *buf, size_t len);
int sysfs_write_u64(const char *dir, const char *name, uint64_t val);

#endif
