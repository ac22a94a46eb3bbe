// SPDX-License-Identifier: GPL-2.0
/*
 * tmonctl: control and read the tmon kernel module.
 *
 * A command table with prefix matching (as bpftool does); each command
 * parses its own arguments, all of them before it changes anything.
 * Errors are one line on stderr; exit codes: 0 success, 1 error,
 * 2 usage, 3 module not loaded.
 */
#include <getopt.h>
#include <string.h>

#include "tmonctl.h"

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args, *help;
} cmds[] = {
	{ "status", cmd_status, "[--json]", "health, threads, latency, counters" },
	{ "watch", cmd_watch, "PID...", "add processes to the watch list" },
	{ "unwatch", cmd_watch, "PID...", "remove processes from the watch list" },
	{ "list", cmd_list, "[--json]", "watched processes, latest samples" },
	{ "show", cmd_show, "PID [-n N] [--json]", "one process's stored history" },
	{ "period", cmd_period, "[SECONDS]", "print or set the period (e.g. 0.25)" },
	{ "latency", cmd_latency, "[--hist [-b US]] [--json]", "per-CPU wakeup latency" },
	{ "top", cmd_top, "[-d SECONDS] [-n ITERATIONS]", "live view; -n ends it" },
	{ "record", cmd_record, "[-o FILE] [--format csv|json] [-d SECONDS]",
	  "stream records from the rings" },
	{ "fields", cmd_fields, "", "what the fields of the records mean" },
	{ "export", cmd_export, "--prometheus", "metrics in Prometheus text format" },
	{ "save", cmd_save, "[FILE]", "save watch list and settings to FILE" },
	{ "restore", cmd_restore, "[FILE]", "restore them from FILE" },
};

#define HELP_INDENT "                                          "

static void print_help(FILE *f)
{
	size_t i;

	fputs("Usage: tmonctl COMMAND [ARGS]\n"
	      "       tmonctl --help | --version\n\nCommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		int n = fprintf(f, "  %s %s", cmds[i].name, cmds[i].args);

		/* The help text in a column, or under a long synopsis. */
		fprintf(f, "%*s%s\n", n < 40 ? 42 - n : 0, n < 40 ? "" : "\n" HELP_INDENT,
			cmds[i].help);
	}
	fputs("\nA unique prefix of a command is enough (st = status).\n"
	      "Exit status: 0 success, 1 error, 2 usage, 3 module not loaded.\n"
	      "See tmonctl(1) and tmon(4).\n", f);
}

int main(int argc, char **argv)
{
	const struct cmd *found = NULL;
	size_t i, len;

	if (argc < 2) {
		error("no command given (try 'tmonctl --help')");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tmonctl %s (abi %d)\n", TMONCTL_VERSION, TMON_ABI_VERSION);
		return EXIT_OK;
	}
	len = strlen(argv[1]);
	for (i = 0; len && i < ARRAY_SIZE(cmds); i++) {
		if (strncmp(cmds[i].name, argv[1], len))
			continue;
		if (len == strlen(cmds[i].name)) {	/* exact beats prefix */
			found = &cmds[i];
			break;
		}
		if (found) {
			error("'%s' is ambiguous: %s or %s? (try 'tmonctl --help')", argv[1],
			      found->name, cmds[i].name);
			return EXIT_USAGE;
		}
		found = &cmds[i];
	}
	if (!found) {
		error("unknown command '%s' (try 'tmonctl --help')", argv[1]);
		return EXIT_USAGE;
	}
	/* Each command sees itself as argv[0], its full name. */
	argv[1] = (char *)found->name;
	opterr = 0;
	return found->fn(argc - 1, argv + 1);
}
