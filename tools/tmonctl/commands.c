// SPDX-License-Identifier: GPL-2.0
/*
 * The one table of tmonctl's commands and their options. It drives the
 * option parser every command uses (cmd_getopt), `tmonctl --help`,
 * `tmonctl help CMD` and `CMD --help`; the bash completion reads the
 * latter, and a unit test holds tmonctl(1)'s option lists to it.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tmonctl.h"

#define OPT_JSON	{ .key = 'j', .name = "json", .help = "print one JSON document" }
#define OPT_PRETTY	{ .key = 'p', .name = "pretty", .help = "the same, indented (implies -j)" }

static const struct opt_spec status_opts[] = { OPT_JSON, OPT_PRETTY, { .key = 0 } };

static const struct opt_spec list_opts[] = { OPT_JSON, OPT_PRETTY, { .key = 0 } };

static const struct opt_spec doctor_opts[] = { OPT_JSON, OPT_PRETTY, { .key = 0 } };

static const struct opt_spec show_opts[] = {
	{ .key = 'n', .name = "count", .value = "COUNT",
	  .help = "only the newest COUNT records, 1 to 65536" },
	{ .key = 'w', .name = "wall",
	  .help = "add each record's time on the wall clock (UTC)" },
	OPT_JSON,
	OPT_PRETTY,
	{ .key = 0 },
};

static const struct opt_spec latency_opts[] = {
	{ .key = OPT_HIST, .name = "hist",
	  .help = "print a histogram of the stored latencies" },
	{ .key = 'b', .name = "bucket", .value = "US",
	  .help = "histogram bucket width, 1 to 1000000 us" },
	OPT_JSON,
	OPT_PRETTY,
	{ .key = 0 },
};

static const struct opt_spec top_opts[] = {
	{ .key = 'd', .name = "delay", .value = "SECONDS",
	  .help = "time between screens, 100ms to 1h (default 1)" },
	{ .key = 'n', .name = "iterations", .value = "COUNT",
	  .help = "stop after COUNT screens, 1 to 1000000" },
	{ .key = 0 },
};

static const struct opt_spec record_opts[] = {
	{ .key = 'o', .name = "output", .value = "FILE",
	  .help = "write the records to FILE, not standard output" },
	{ .key = OPT_FORMAT, .name = "format", .value = "csv|json",
	  .help = "CSV with a header line (default), or JSON lines" },
	{ .key = 'd', .name = "duration", .value = "SECONDS",
	  .help = "stop after SECONDS (default: at SIGINT, SIGTERM)" },
	{ .key = 'w', .name = "wall",
	  .help = "add each record's time on the wall clock (UTC)" },
	{ .key = 0 },
};

static const struct opt_spec events_opts[] = {
	{ .key = 'j', .name = "json", .help = "JSON lines: one object per event" },
	{ .key = OPT_EXEC, .name = "exec", .value = "CMD",
	  .help = "run CMD with sh -c for each event (TMON_EVENT_*)" },
	{ .key = 'd', .name = "duration", .value = "SECONDS",
	  .help = "stop after SECONDS (default: at SIGINT, SIGTERM)" },
	{ .key = OPT_COUNT, .name = "count", .value = "COUNT",
	  .help = "stop after COUNT events, 1 to 1000000" },
	{ .key = 0 },
};

static const struct opt_spec export_opts[] = {
	{ .key = OPT_PROMETHEUS, .name = "prometheus",
	  .help = "Prometheus text exposition format", .required = true },
	{ .key = 'o', .name = "output", .value = "FILE",
	  .help = "write FILE whole (a new file renamed over it)" },
	{ .key = 0 },
};

static const struct opt_spec restore_opts[] = {
	{ .key = OPT_AT_LOAD, .name = "at-load",
	  .help = "the module load hook's restore (tmon(4))" },
	{ .key = 0 },
};

static const struct opt_spec watch_opts[] = {
	{ .key = OPT_MAX_CPU, .name = "max-cpu", .value = "PCT",
	  .help = "a CPU budget, in % of one CPU (50%, 150%)" },
	{ .key = OPT_MAX_RSS, .name = "max-rss", .value = "SIZE",
	  .help = "a resident memory budget (200M, 1G)" },
	{ .key = OPT_MAX_MAJFLT, .name = "max-majflt", .value = "RATE",
	  .help = "a budget of major faults a second (100/s)" },
	{ .key = 0 },
};

/* limits' options set a budget; "off" removes it. */
static const struct opt_spec limits_opts[] = {
	{ .key = OPT_MAX_CPU, .name = "max-cpu", .value = "PCT",
	  .help = "set the CPU budget (% of one CPU), or off" },
	{ .key = OPT_MAX_RSS, .name = "max-rss", .value = "SIZE",
	  .help = "set the resident memory budget, or off" },
	{ .key = OPT_MAX_MAJFLT, .name = "max-majflt", .value = "RATE",
	  .help = "set the major faults a second budget, or off" },
	OPT_JSON,
	OPT_PRETTY,
	{ .key = 0 },
};

/* No --thread or --irq: show the thresholds; with them, set them, then show. */
static const struct opt_spec thresholds_opts[] = {
	{ .key = 'c', .name = "cpu", .value = "CPU",
	  .help = "only this CPU's (default: every CPU's)" },
	{ .key = OPT_THREAD, .name = "thread", .value = "LATENCY",
	  .help = "set the thread latency threshold (200us), or off" },
	{ .key = OPT_IRQ, .name = "irq", .value = "LATENCY",
	  .help = "set the IRQ latency threshold (20us), or off" },
	OPT_JSON,
	OPT_PRETTY,
	{ .key = 0 },
};

static const struct opt_spec no_opts[] = { { .key = 0 } };

static const struct cmd_spec cmds[] = {
	{ "status", cmd_status, "", "health, threads, latency, counters", status_opts },
	{ "watch", cmd_watch, "PID...", "add processes to the watch list", watch_opts },
	{ "unwatch", cmd_watch, "PID...", "remove processes from the watch list", no_opts },
	{ "list", cmd_list, "", "watched processes, latest samples", list_opts },
	{ "show", cmd_show, "PID", "one process's stored history", show_opts },
	{ "limits", cmd_limits, "PID", "show or set a process's budgets", limits_opts },
	{ "period", cmd_period, "[SECONDS]", "print or set the period (0.25, 250ms)", no_opts },
	{ "thresholds", cmd_thresholds, "", "show or set the latency thresholds", thresholds_opts },
	{ "latency", cmd_latency, "", "per-CPU wakeup latency", latency_opts },
	{ "top", cmd_top, "", "live view; -n ends it", top_opts },
	{ "record", cmd_record, "", "stream records from the rings", record_opts },
	{ "events", cmd_events, "", "follow the latency threshold events", events_opts },
	{ "fields", cmd_fields, "", "what the fields of the records mean", no_opts },
	{ "export", cmd_export, "", "metrics in Prometheus text format", export_opts },
	{ "save", cmd_save, "[FILE]", "save watch list and settings to FILE", no_opts },
	{ "restore", cmd_restore, "[FILE]", "restore them from FILE", restore_opts },
	{ "doctor", cmd_doctor, "", "why tmon fails here, what to do", doctor_opts },
};

/* Every command also takes this one. */
static const struct opt_spec help_opt = {
	.key = 'h', .name = "help", .help = "print this help and exit",
};

bool json_global;
static const struct cmd_spec *running;

/*
 * The command named @name or by a unique prefix of it (st = status; an
 * exact name wins). NULL after a usage error naming the problem.
 */
const struct cmd_spec *cmd_find(const char *name)
{
	const struct cmd_spec *found = NULL;
	size_t i, len = strlen(name);

	for (i = 0; len && i < ARRAY_SIZE(cmds); i++) {
		if (strncmp(cmds[i].name, name, len))
			continue;
		if (len == strlen(cmds[i].name))
			return &cmds[i];
		if (found) {
			error("'%s' is ambiguous: %s or %s? (try 'tmonctl --help')", name,
			      found->name, cmds[i].name);
			return NULL;
		}
		found = &cmds[i];
	}
	if (!found)
		error("unknown command '%s' (try 'tmonctl --help')", name);
	return found;
}

int cmd_run(const struct cmd_spec *cmd, int argc, char **argv)
{
	running = cmd;
	/* Each command sees itself as argv[0], its full name. */
	argv[0] = (char *)cmd->name;
	optind = 0;
	opterr = 0;
	return cmd->fn(argc, argv);
}

/* "-o FILE", "--hist": an option as a synopsis shows it. */
static int opt_synopsis(char *buf, size_t len, const struct opt_spec *o)
{
	if (o->key < 256)
		return snprintf(buf, len, "-%c%s%s", o->key, o->value ? " " : "",
				o->value ? o->value : "");
	return snprintf(buf, len, "--%s%s%s", o->name, o->value ? " " : "",
			o->value ? o->value : "");
}

/*
 * "status [-j]", "record [-o FILE] [--format csv|json] [-d SECONDS]": its
 * length; or, written from column @col, folded before an option that
 * would go past column 79, under the operands.
 */
static int cmd_synopsis(FILE *f, const struct cmd_spec *c, int col)
{
	int n, end, indent = col + (int)strlen(c->name);
	const struct opt_spec *o;
	char buf[64];

	n = fprintf(f, "%s", c->name);
	if (*c->args)
		n += fprintf(f, " %s", c->args);
	end = col + n;
	for (o = c->opts; o->key; o++) {
		int len = opt_synopsis(buf, sizeof(buf), o) + (o->required ? 1 : 3);

		if (col && end + len > 79) {
			fprintf(f, "\n%*s", indent, "");
			end = indent;
		}
		end += fprintf(f, o->required ? " %s" : " [%s]", buf);
		n += len;
	}
	return n;
}

#define HELP_COLUMN	42

void help_all(FILE *f)
{
	size_t i;

	fputs("Usage: tmonctl [-j|--json] [-p|--pretty] COMMAND [OPTIONS] [ARGS]\n"
	      "       tmonctl help [COMMAND] | --help | --version\n\nCommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		int n = fputs("  ", f) > 0 ? 2 + cmd_synopsis(f, &cmds[i], 0) : 0;

		/* The help text in a column, or under a long synopsis. */
		if (n < HELP_COLUMN - 2)
			fprintf(f, "%*s%s\n", HELP_COLUMN - n, "", cmds[i].help);
		else
			fprintf(f, "\n%*s%s\n", HELP_COLUMN, "", cmds[i].help);
	}
	fputs("\nA unique prefix of a command is enough (st = status).\n"
	      "-j, -p before the command: JSON output, as the command's own -j, -p.\n"
	      "Times are seconds (0.25) or carry a unit: ns, us, ms, s, m, h (250ms).\n"
	      "'tmonctl help COMMAND' or 'tmonctl COMMAND --help': its options.\n"
	      "Exit status: 0 success, 1 error, 2 usage, 3 module not loaded,\n"
	      "4 degraded (status).\n"
	      "See tmonctl(1) and tmon(4).\n", f);
}

static void help_opt_line(FILE *f, const struct opt_spec *o)
{
	int n;

	if (o->key < 256)
		n = fprintf(f, "  -%c, --%s", o->key, o->name);
	else
		n = fprintf(f, "      --%s", o->name);
	if (o->value)
		n += fprintf(f, " %s", o->value);
	if (n < 28)
		fprintf(f, "%*s%s\n", 28 - n, "", o->help);
	else
		fprintf(f, "\n%*s%s\n", 28, "", o->help);
}

/* One command's synopsis and every option, long and short. */
void help_cmd(FILE *f, const struct cmd_spec *c)
{
	const struct opt_spec *o;

	fputs("Usage: tmonctl ", f);
	cmd_synopsis(f, c, (int)strlen("Usage: tmonctl "));
	fprintf(f, "\n%c%s.\n\nOptions:\n", toupper((unsigned char)c->help[0]), c->help + 1);
	for (o = c->opts; o->key; o++)
		help_opt_line(f, o);
	help_opt_line(f, &help_opt);
	fputs("\nSee tmonctl(1).\n", f);
}

/*
 * getopt_long() over the running command's options, -h/--help included:
 * that prints the command's help and exits. -j and -p, for the commands
 * that take them, set json_global (and json_pretty) here, as before the
 * command. Returns the other options as getopt_long() does (optstring
 * ":", so '?' for an unknown option, ':' for a missing value).
 */
int cmd_getopt(int argc, char **argv)
{
	static struct option longopts[16];
	static char shortopts[40];
	const struct opt_spec *o;
	size_t n = 0, s = 0;
	int opt;

	if (!shortopts[0]) {
		shortopts[s++] = ':';
		for (o = running->opts; ; o++) {
			const struct opt_spec *p = o->key ? o : &help_opt;

			longopts[n++] = (struct option){ p->name,
				p->value ? required_argument : no_argument, NULL, p->key };
			if (p->key < 256) {
				shortopts[s++] = (char)p->key;
				if (p->value)
					shortopts[s++] = ':';
			}
			if (!o->key)
				break;
		}
	}
	for (;;) {
		opt = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (opt == 'h') {
			help_cmd(stdout, running);
			exit(fflush(stdout) ? EXIT_ERR : EXIT_OK);
		}
		if (opt != 'j' && opt != 'p')
			return opt;
		json_global = true;
		json_pretty |= opt == 'p';
	}
}

/* A command whose only options are the table's -j and -p: no operands. */
int cmd_options_only(int argc, char **argv)
{
	int opt = cmd_getopt(argc, argv);

	if (opt != -1)
		return getopt_error(argv[0], opt, argv);
	if (optind < argc)
		return usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

/*
 * A command without options of its own: -h/--help anywhere, "--" before
 * operands that start with '-'. The operands end up in argv[1..*argc - 1].
 * Not getopt: "-1" is an operand refused by the command's own parser
 * ("not a process id"), not an unknown option.
 */
int cmd_operands(int *argc, char **argv)
{
	int i, n = 1;
	bool options = true;

	for (i = 1; i < *argc; i++) {
		if (options && !strcmp(argv[i], "--")) {
			options = false;
			continue;
		}
		if (options && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
			help_cmd(stdout, running);
			exit(fflush(stdout) ? EXIT_ERR : EXIT_OK);
		}
		if (options && is_option(argv[i]))
			return usage_error(argv[0], "unknown option '%s'", argv[i]);
		argv[n++] = argv[i];
	}
	*argc = n;
	return EXIT_OK;
}
