// SPDX-License-Identifier: GPL-2.0
/*
 * Errors, argument parsers and number formatting. Parsers are exact
 * (integers only, no floating point) and reject anything they do not
 * fully understand: a bad argument must never turn into a different
 * request.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tmonctl.h"

bool json_errors;

/*
 * An error: one line on stderr, "tmonctl: ", @prefix, the message and
 * @suffix; in JSON mode {"error": "..."} on stdout instead, as bpftool
 * does, for the scripts that read the output.
 */
static void report(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char *msg, *line;
	struct json j;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (json_errors && msg && asprintf(&line, "%s%s%s", prefix, msg, suffix) >= 0) {
		json_init(&j, stdout);
		j.pretty = false;	/* one line, whatever -p says */
		json_object(&j, NULL);
		json_str(&j, "error", line);
		json_end(&j);
		fflush(stdout);
		free(line);
	} else {
		fprintf(stderr, "tmonctl: %s%s%s\n", prefix, msg ? msg : fmt, suffix);
	}
	free(msg);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", "", fmt, ap);
	va_end(ap);
}

/* One line naming the command and what is wrong; exit status 2. */
int usage_error(const char *cmd, const char *fmt, ...)
{
	char prefix[64], suffix[96];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s: ", cmd);
	snprintf(suffix, sizeof(suffix), " (try 'tmonctl %s --help')", cmd);
	va_start(ap, fmt);
	report(prefix, suffix, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

/* The wall clock and CLOCK_MONOTONIC, read together once: their offset. */
static struct timespec wall0, mono0;

/* Take the two clocks now (fmt_wall() uses them); CLOCK_MONOTONIC in ns. */
uint64_t wall_clock_take(void)
{
	clock_gettime(CLOCK_REALTIME, &wall0);
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	return (uint64_t)mono0.tv_sec * NSEC_PER_SEC + (uint64_t)mono0.tv_nsec;
}

/*
 * A time on CLOCK_MONOTONIC, the clock of the records, on the wall clock
 * in UTC: "2026-12-04T23:37:01.123456789Z", by the offset of the two
 * clocks when wall_clock_take() ran (or now, if it has not).
 */
void fmt_wall(char *buf, size_t len, uint64_t mono_ns)
{
	int64_t d, ns;
	time_t sec;
	struct tm tm;
	size_t n;

	if (!wall0.tv_sec)
		wall_clock_take();
	d = (int64_t)(mono_ns - ((uint64_t)mono0.tv_sec * NSEC_PER_SEC + (uint64_t)mono0.tv_nsec));
	ns = (int64_t)wall0.tv_sec * (int64_t)NSEC_PER_SEC + wall0.tv_nsec + d;
	sec = (time_t)(ns / (int64_t)NSEC_PER_SEC);
	n = gmtime_r(&sec, &tm) ? strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) : 0;
	if (!n) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf + n, len - n, ".%09" PRId64 "Z", ns % (int64_t)NSEC_PER_SEC);
}

/* "-x" or "--xyz", but not "-" (stdin) nor "-5" (a number, refused later). */
bool is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] && !(arg[1] >= '0' && arg[1] <= '9');
}

/* After getopt_long() returned '?' or ':' (opterr is 0, optstring starts with ':'). */
int getopt_error(const char *cmd, int opt, char **argv)
{
	if (opt == ':')
		return usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
	return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

/*
 * getopt_error() of a command whose operands are pids: to getopt "-1" is
 * an option, but what was meant is a pid, and it is refused as one.
 */
int pid_getopt_error(const char *cmd, int opt, char **argv)
{
	const char *word = argv[optind - 1];

	if (opt != '?' || optopt < '0' || optopt > '9')
		return getopt_error(cmd, opt, argv);
	/* (on the '1' of "-12" getopt has not moved past the word yet) */
	if (word[0] != '-' || !isdigit((unsigned char)word[1]))
		word = argv[optind];
	return usage_error(cmd, "'%s' is not a process id", word);
}

/* @cmd's one PID operand, after its options: EXIT_OK, or the usage error. */
int one_pid_operand(const char *cmd, int argc, char **argv, uint32_t *pid)
{
	if (optind >= argc)
		return usage_error(cmd, "no PID given");
	if (parse_pid(argv[optind], pid))
		return usage_error(cmd, "'%s' is not a process id", argv[optind]);
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	return EXIT_OK;
}

/*
 * A duration to ns, at most @max_ns: a decimal number (digits, an optional
 * point and at most nine fractional digits) and a unit, ns, us, ms, s, m
 * or h; without a unit, seconds ("2", "0.25", "250ms", "1.5m", "2h"). A
 * value that is not a whole number of ns is refused, not rounded.
 */
int parse_decimal_ns(const char *s, uint64_t max_ns, uint64_t *ns)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", NSEC_PER_SEC },
		{ "m", 60 * NSEC_PER_SEC }, { "h", 3600 * NSEC_PER_SEC },
	};
	uint64_t whole = 0, frac = 0, unit = NSEC_PER_SEC, v;
	const char *p = s;
	int digits = 0;
	size_t i;

	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > max_ns)
			return -ERANGE;
	}
	if (p == s)
		return -EINVAL;
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
	if (*p) {
		for (i = 0; i < ARRAY_SIZE(units) && strcmp(p, units[i].name); i++)
			;
		if (i == ARRAY_SIZE(units))
			return -EINVAL;
		unit = units[i].ns;
	}
	/* frac is in billionths of the unit: a whole number of ns, or no. */
	if (unit % NSEC_PER_SEC && frac * unit % NSEC_PER_SEC)
		return -EINVAL;
	if (unit % NSEC_PER_SEC)
		frac = frac * unit / NSEC_PER_SEC;
	else
		frac *= unit / NSEC_PER_SEC;	/* (frac * unit would overflow) */
	if (whole > max_ns / unit)
		return -ERANGE;
	v = whole * unit + frac;
	if (v > max_ns)
		return -ERANGE;
	*ns = v;
	return 0;
}

/* A period: TMON_PERIOD_MIN_NS..TMON_PERIOD_MAX_NS. */
int parse_seconds(const char *s, uint64_t *ns)
{
	int err = parse_decimal_ns(s, TMON_PERIOD_MAX_NS, ns);

	if (!err && *ns < TMON_PERIOD_MIN_NS)
		err = -ERANGE;
	return err;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

/* A pid: 1 to 2^22 (PID_MAX_LIMIT on 64-bit). */
int parse_pid(const char *s, uint32_t *pid)
{
	uint64_t v;
	int err = parse_u64(s, 1, 4194304, &v);

	if (!err)
		*pid = (uint32_t)v;
	return err;
}

void fmt_seconds(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, ns / NSEC_PER_SEC,
		 ns % NSEC_PER_SEC / 1000000);
}

void fmt_usec(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%" PRIu64 ".%01" PRIu64, ns / NSEC_PER_USEC,
		 ns % NSEC_PER_USEC / 100);
}

/* 1024-based, as top and ps show memory: "812K", "64.0M", "1.50G". */
void fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGTP";
	uint64_t v = bytes, scale = 1024;
	unsigned int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 "B", bytes);
		return;
	}
	while (v >= 1024 * 1024 && u < sizeof(units) - 2) {
		v /= 1024;
		scale *= 1024;
		u++;
	}
	if (bytes / scale >= 100)
		snprintf(buf, len, "%" PRIu64 "%c", bytes / scale, units[u]);
	else
		snprintf(buf, len, "%.1f%c", (double)bytes / (double)scale, units[u]);
}

/* RFC 4180: quoted only when it has to be. */
void csv_str(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * A process name is data, never markup: as one token of printable ASCII,
 * every byte outside '!'..'~', and the backslash, as \xHH. What goes
 * to a terminal or into the state file goes through here.
 */
const char *comm_escape(const char *comm, char out[COMM_ESC_LEN])
{
	const unsigned char *p = (const unsigned char *)comm;
	char *o = out;
	size_t i;

	for (i = 0; i < TMON_COMM_LEN && p[i]; i++) {
		if (p[i] > ' ' && p[i] < 0x7f && p[i] != '\\')
			*o++ = (char)p[i];
		else
			o += sprintf(o, "\\x%02x", p[i]);
	}
	*o = '\0';
	return out;
}

/* The reverse, into @out (TMON_COMM_LEN); -1 if @in is not of that form. */
int comm_unescape(const char *in, char *out)
{
	unsigned int v;
	size_t n = 0;

	for (; *in; in++) {
		if (n + 1 >= TMON_COMM_LEN)
			return -1;
		if (*in != '\\') {
			out[n++] = *in;
			continue;
		}
		if (in[1] != 'x' || !isxdigit((unsigned char)in[2]) ||
		    !isxdigit((unsigned char)in[3]) || sscanf(in + 2, "%2x", &v) != 1 || !v)
			return -1;
		out[n++] = (char)v;
		in += 3;
	}
	out[n] = '\0';
	return 0;
}

/* A Prometheus label value: backslash, double quote and newline escaped. */
void prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}
