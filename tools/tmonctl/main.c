// SPDX-License-Identifier: GPL-2.0
/*
 * tmonctl: control and read the tmon kernel module.
 *
 * A command table with prefix matching (as bpftool does); each command
 * parses its own arguments. Errors are one line on stderr; exit codes:
 * 0 success, 1 error, 2 usage, 3 module not loaded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmonctl.h"
#include "../../src/tmon_abi.h"

#define TMONCTL_VERSION "0.1.0"
#define PARAMS "module/tmon/parameters"
#define NSEC_PER_SEC UINT64_C(1000000000)

void error(const char *fmt, ...)
{
	va_list ap;

	fputs("tmonctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Decimal seconds ("2", "0.25", "1.000000001") to ns, exactly: no
 * floating point, at most nine fractional digits.
 */
int parse_seconds(const char *s, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0;
	const char *p = s;

	if (!*p)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (uint64_t)(*p - '0');
		if (sec > TMON_PERIOD_MAX_NS / NSEC_PER_SEC)
			return -ERANGE;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++digits > 9)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (!digits)
			return -EINVAL;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (*p || p == s)
		return -EINVAL;
	*ns = sec * NSEC_PER_SEC + frac;
	return 0;
}

static int need_module(void)
{
	if (tmon_loaded())
		return 0;
	error("the tmon module is not loaded: run 'modprobe tmon'");
	return EXIT_NOMOD;
}

static int cmd_status(int argc, char **argv)
{
	uint64_t period, cpus;
	char version[64];
	int err;

	(void)argv;
	if (argc > 1) {
		error("status: unexpected argument '%s'", argv[1]);
		return EXIT_USAGE;
	}
	err = need_module();
	if (err)
		return err;
	if (sysfs_read_str("kernel/tmon", "version", version, sizeof(version)) ||
	    sysfs_read_u64("kernel/tmon", "period_ns", &period) ||
	    sysfs_read_u64("kernel/tmon", "nr_cpus", &cpus)) {
		error("status: cannot read %s/kernel/tmon: %s", sysfs_root(), strerror(errno));
		return EXIT_ERR;
	}
	printf("version  %s\n", version);
	printf("period   %" PRIu64 ".%09" PRIu64 " s\n",
	       period / NSEC_PER_SEC, period % NSEC_PER_SEC);
	printf("threads  %" PRIu64 "\n", cpus);
	return EXIT_OK;
}

/*
 * The period is two parameters; each write is checked against the other,
 * so order the writes so that every intermediate period is valid.
 */
static bool period_ok(uint64_t sec, uint64_t nsec)
{
	uint64_t p = sec * NSEC_PER_SEC + nsec;

	return p >= TMON_PERIOD_MIN_NS && p <= TMON_PERIOD_MAX_NS;
}

static int set_period(uint64_t ns)
{
	uint64_t sec = ns / NSEC_PER_SEC, nsec = ns % NSEC_PER_SEC, cur_sec, cur_nsec;
	int err;

	err = sysfs_read_u64(PARAMS, "log_sec", &cur_sec);
	if (!err)
		err = sysfs_read_u64(PARAMS, "log_nsec", &cur_nsec);
	if (err)
		return err;
	if (period_ok(cur_sec, nsec)) {
		err = sysfs_write_u64(PARAMS, "log_nsec", nsec);
		return err ? err : sysfs_write_u64(PARAMS, "log_sec", sec);
	}
	if (!period_ok(sec, cur_nsec)) {
		/* e.g. 3600.0 -> 0.5: pass through 1.0 */
		err = sysfs_write_u64(PARAMS, "log_nsec", 0);
		if (!err)
			err = sysfs_write_u64(PARAMS, "log_sec", 1);
		if (err)
			return err;
	}
	err = sysfs_write_u64(PARAMS, "log_sec", sec);
	return err ? err : sysfs_write_u64(PARAMS, "log_nsec", nsec);
}

static int cmd_period(int argc, char **argv)
{
	uint64_t ns;
	int err;

	if (argc > 2) {
		error("period: unexpected argument '%s'", argv[2]);
		return EXIT_USAGE;
	}
	if (argc == 2) {
		err = parse_seconds(argv[1], &ns);
		if (err || !period_ok(0, ns)) {
			error("period: '%s' is not a period from 0.0001 to 3600 seconds", argv[1]);
			return EXIT_USAGE;
		}
	}
	err = need_module();
	if (err)
		return err;
	if (argc == 2) {
		err = set_period(ns);
		if (err) {
			error("period: cannot set %s s: %s", argv[1], strerror(-err));
			return EXIT_ERR;
		}
	}
	err = sysfs_read_u64("kernel/tmon", "period_ns", &ns);
	if (err) {
		error("period: cannot read period_ns: %s", strerror(-err));
		return EXIT_ERR;
	}
	printf("%" PRIu64 ".%09" PRIu64 "\n", ns / NSEC_PER_SEC, ns % NSEC_PER_SEC);
	return EXIT_OK;
}

static void print_help(FILE *f)
{
	fputs("Usage: tmonctl COMMAND [ARGS]\n"
	      "       tmonctl --help | --version\n"
	      "\n"
	      "Commands:\n"
	      "  status            module version, period and threads\n"
	      "  period [SECONDS]  print or set the period (decimal seconds, e.g. 0.25)\n"
	      "\n"
	      "Exit status: 0 success, 1 error, 2 usage, 3 module not loaded.\n", f);
}

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "status", cmd_status },
	{ "period", cmd_period },
};

int main(int argc, char **argv)
{
	const struct cmd *found = NULL;
	size_t i, len;

	if (argc < 2) {
		error("no command given (try 'tmonctl --help')");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("tmonctl %s (abi %d)\n", TMONCTL_VERSION, TMON_ABI_VERSION);
		return EXIT_OK;
	}
	/* A unique prefix selects a command ("st" for status). */
	len = strlen(argv[1]);
	for (i = 0; len && i < ARRAY_SIZE(cmds); i++) {
		if (strncmp(cmds[i].name, argv[1], len))
			continue;
		if (found) {
			error("'%s' is ambiguous", argv[1]);
			return EXIT_USAGE;
		}
		found = &cmds[i];
	}
	if (!found) {
		error("unknown command '%s' (try 'tmonctl --help')", argv[1]);
		return EXIT_USAGE;
	}
	return found->fn(argc - 1, argv + 1);
}
