// SPDX-License-Identifier: GPL-2.0
/*
 * tmonctl: control and read the tmon kernel module.
 *
 * Global options, then a command from the table in commands.c (a unique
 * prefix is enough, as bpftool takes); each command parses its own
 * arguments, all of them before it changes anything.
 * Errors are one line on stderr; exit codes: 0 success, 1 error,
 * 2 usage, 3 module not loaded.
 */
#include <string.h>

#include "tmonctl.h"

/* 1 for -j/--json, 2 for -p/--pretty (JSON, pretty-printed), else 0. */
static int json_option(const char *arg)
{
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json"))
		return 1;
	if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty"))
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd_spec *cmd;
	int i;

	/* In JSON mode even the errors of parsing are JSON: look ahead. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		json_errors |= json_option(argv[i]) != 0;
	/* Global options, before the command (as ip and bpftool take them). */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		int json = json_option(argv[i]);

		if (json) {
			json_global = true;
			json_pretty |= json == 2;
			continue;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			help_all(stdout);
			return fflush(stdout) ? EXIT_ERR : EXIT_OK;
		}
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("tmonctl %s (abi %d)\n", TMONCTL_VERSION, TMON_ABI_VERSION);
			return fflush(stdout) ? EXIT_ERR : EXIT_OK;
		}
		error("unknown option '%s' (try 'tmonctl --help')", argv[i]);
		return EXIT_USAGE;
	}
	if (i == argc) {
		error("no command given (try 'tmonctl --help')");
		return EXIT_USAGE;
	}
	/* help [COMMAND]: the same text as --help and COMMAND --help. */
	if (!strcmp(argv[i], "help")) {
		if (i + 2 < argc) {
			error("help: unexpected argument '%s' (try 'tmonctl --help')", argv[i + 2]);
			return EXIT_USAGE;
		}
		if (i + 1 == argc) {
			help_all(stdout);
		} else {
			cmd = cmd_find(argv[i + 1]);
			if (!cmd)
				return EXIT_USAGE;
			help_cmd(stdout, cmd);
		}
		return fflush(stdout) ? EXIT_ERR : EXIT_OK;
	}
	cmd = cmd_find(argv[i]);
	if (!cmd)
		return EXIT_USAGE;
	return cmd_run(cmd, argc - i, argv + i);
}
