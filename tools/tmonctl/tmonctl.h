/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmonctl internals: one header for the command files (one per concern),
 * the netlink client, the ring reader, the JSON writer and the parsers.
 */
#ifndef TMONCTL_H
#define TMONCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../src/tmon_abi.h"

/* TMONCTL_VERSION comes from the Makefile (debian/changelog's). */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC		UINT64_C(1000000000)
#define NSEC_PER_USEC		UINT64_C(1000)
#define TMON_STATE_DIR		"/var/lib/tmon"
#define TMON_STATE_FILE		TMON_STATE_DIR "/state"
/* What the module was loaded with, noted by restore --at-load. */
#define TMON_LOADED_FILE	"/run/tmon/loaded"
#define TMON_DEV		"/dev/tmon"
#define TMON_PARAMS_DIR		"/sys/module/tmon/parameters"
/* The longest -d of record and events: a month. */
#define DURATION_MAX_NS		(UINT64_C(31) * 24 * 3600 * NSEC_PER_SEC)

enum {
	EXIT_OK = 0,
	EXIT_ERR = 1,
	EXIT_USAGE = 2,
	EXIT_NOMOD = 3,
	EXIT_DEGRADED = 4,	/* status: the module is degraded */
};

/* commands.c: the one table of commands and options */
enum {			/* keys of the options that have no short form */
	OPT_HIST = 256,
	OPT_FORMAT,
	OPT_PROMETHEUS,
	OPT_AT_LOAD,
	OPT_EXEC,
	OPT_COUNT,
	OPT_MAX_CPU,		/* the budget options, in enum tmon_budget's order */
	OPT_MAX_RSS,
	OPT_MAX_MAJFLT,
	OPT_THREAD,		/* the thresholds' options, in their order */
	OPT_IRQ,
};

struct opt_spec {
	int key;		/* the short option's letter, or OPT_*; 0 ends a list */
	const char *name;	/* the long option */
	const char *value;	/* the value's name, NULL for a flag */
	const char *help;
	bool required;		/* the command needs it (a mode, not a choice) */
};

struct cmd_spec {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;	/* the operands, after the options */
	const char *help;
	const struct opt_spec *opts;
};

extern bool json_global;	/* -j/--json, before the command or after it */
const struct cmd_spec *cmd_find(const char *name);
int cmd_run(const struct cmd_spec *cmd, int argc, char **argv);
void help_all(FILE *f);
void help_cmd(FILE *f, const struct cmd_spec *cmd);
int cmd_getopt(int argc, char **argv);
int cmd_options_only(int argc, char **argv);
int cmd_operands(int *argc, char **argv);

/* util.c: errors, parsers, formatting */
extern bool json_errors;	/* errors as JSON objects on stdout (-j anywhere) */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int parse_decimal_ns(const char *s, uint64_t max_ns, uint64_t *ns);
int parse_seconds(const char *s, uint64_t *ns);
int parse_pid(const char *s, uint32_t *pid);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *val);
void fmt_seconds(char *buf, size_t len, uint64_t ns);
void fmt_usec(char *buf, size_t len, uint64_t ns);
void fmt_bytes(char *buf, size_t len, uint64_t bytes);
void csv_str(FILE *f, const char *s);
void prom_label(FILE *f, const char *s);
/* A comm as printable ASCII, \xHH for the rest: at most 4 bytes each. */
#define COMM_ESC_LEN	(TMON_COMM_LEN * 4 + 1)
const char *comm_escape(const char *comm, char out[COMM_ESC_LEN]);
int comm_unescape(const char *in, char *out);
bool is_option(const char *arg);
int getopt_error(const char *cmd, int opt, char **argv);
int pid_getopt_error(const char *cmd, int opt, char **argv);
int one_pid_operand(const char *cmd, int argc, char **argv, uint32_t *pid);
uint64_t now_ns(void);
#define WALL_LEN	40	/* "2026-12-04T23:37:01.123456789Z" and room */
uint64_t wall_clock_take(void);
void fmt_wall(char *buf, size_t len, uint64_t mono_ns);

/* json.c: one writer for every --json document and JSON line */
#define JSON_MAX_DEPTH		8

struct json {
	FILE *f;
	int depth;
	bool need_comma;
	char open[JSON_MAX_DEPTH];	/* '{' or '[' per open level */
	bool pretty;			/* indented, a member a line */
};

extern bool json_pretty;	/* -p/--pretty: json_init() makes them pretty */

void json_init(struct json *j, FILE *f);
void json_object(struct json *j, const char *key);
void json_array(struct json *j, const char *key);
void json_end(struct json *j);	/* closes the innermost; a newline at depth 0 */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_str(struct json *j, const char *key, const char *s);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
void json_escape(FILE *f, const char *s);

/* nl.c: the generic netlink family, through libmnl */
struct nlattr;
struct nlmsghdr;
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data);

int nl_open(void);
struct nlmsghdr *nl_request(uint8_t cmd, bool dump);
void nl_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v);
void nl_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v);
int nl_talk(struct nlmsghdr *nlh, nl_reply_cb cb, void *data);
const char *nl_strerror(int err);
bool nl_get_record(const struct nlattr *attr, void *rec, size_t size);
int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb);
int nl_listen(void);
int nl_fd(void);
int nl_recv(nl_reply_cb cb, void *data);

/* state.c: the module's state, shared by status, top, latency and export */
struct lat_stats {
	uint64_t count, min, max, sum, p50, p99;
};

/* The kinds of events and of budgets, by their enums (0 is none). */
#define NR_EVENT_KINDS	(TMON_EVENT_MAX + 1)
#define NR_BUDGETS	(TMON_BUDGET_MAX + 1)

/* A CPU's latency thresholds; all ones (the spec's) is off. */
enum { THRESHOLD_THREAD, THRESHOLD_IRQ, NR_THRESHOLDS };
#define THRESHOLD_OFF	UINT64_MAX

/* Latency buckets: as many bounds as the module reports, up to this. */
#define MAX_LAT_BOUNDS	64

struct cpu_state {
	uint32_t cpu, thread_pid;	/* 0: no pid in our pid namespace */
	uint64_t wakeups, missed;
	/* Since load, once the CPU has woken: thread latency by bucket. */
	unsigned int nr_buckets;	/* 0: none reported */
	uint64_t lat_buckets[MAX_LAT_BOUNDS + 1];
	uint64_t lat_sum_ns, run_ns;
	bool online;
	bool running;			/* the CPU has its thread */
	bool has_sched;			/* policy and prio were reported */
	uint32_t policy, prio;		/* the thread's, as the kernel holds them */
	uint64_t threshold_ns[NR_THRESHOLDS];	/* THRESHOLD_OFF: off */
	struct lat_stats lat;		/* thread latency, over the stored history */
	struct lat_stats irq_lat;	/* IRQ latency, the same records */
	uint64_t *lat_ns;		/* that history's latencies, sorted */
	uint64_t *irq_lat_ns;
	size_t nr_lat;
	uint64_t recent_missed;		/* expiries missed within that history */
	struct tmon_cpu_record last;	/* newest record, if nr_lat */
};

struct tmon_status {
	char version[32];
	uint32_t abi_version, history, max_tasks, nr_cpus, nr_tasks;
	uint64_t period_ns, samples, dropped, skipped, reclaimed, mem_bytes, ring_lost;
	unsigned int nr_bounds;		/* the latency buckets' upper bounds */
	uint64_t lat_bounds_ns[MAX_LAT_BOUNDS];
	unsigned int nr_possible;
	struct cpu_state *cpus;
	uint64_t event_seq;		/* the latest event's number */
	/* The parameters: every CPU's as last set at once (THRESHOLD_OFF: off). */
	uint64_t threshold_ns[NR_THRESHOLDS];
	struct {
		uint64_t sent, suppressed;
	} events[NR_EVENT_KINDS];	/* by enum tmon_event_kind, since load */
	struct event *latest;		/* the latest events ours to see, oldest first */
	unsigned int nr_latest;
};

struct task_state {
	uint32_t pid, nr_records;
	bool exited, has_record;
	struct tmon_task_record rec;
	uint64_t budget[NR_BUDGETS];	/* by enum tmon_budget; 0: none */
};

struct task_list {
	struct task_state *t;
	size_t n, cap;
};

int status_get(struct tmon_status *st, bool with_latency);
/* What is wrong with a module (status's health, doctor): a few words each. */
#define MAX_PROBLEMS	5
struct problems {
	unsigned int n;
	char text[MAX_PROBLEMS][96];
};

void status_problems(const struct tmon_status *st, struct problems *p);
void status_free(struct tmon_status *st);
const char *sched_policy_name(uint32_t policy);
const char *event_kind_name(uint32_t kind);
int tasks_get(struct task_list *tl);
void lat_compute(struct lat_stats *s, uint64_t *v, size_t n);
void json_lat_stats(struct json *j, const char *key, const struct lat_stats *l);
int need_module(void);
bool cpu_online(unsigned int cpu);

uint64_t hist_auto_bucket_ns(uint64_t max_ns);

/* settings.c */
int period_get(uint64_t *ns);
int period_set(uint64_t ns, uint64_t *now);

/* state_file.c */
void state_autosave(void);

/* rings.c: the /dev/tmon stream rings, mapped */
struct rings;
typedef int (*ring_entry_cb)(const struct tmon_ring_entry *e, void *data);

struct rings *rings_open(int *err);
int rings_drain(struct rings *r, ring_entry_cb cb, void *data);
uint64_t rings_lost(const struct rings *r);
void rings_close(struct rings *r);

/* sysfs.c */
void make_dirs(const char *file);
bool proc_comm(uint32_t pid, char *comm, size_t len);
int sysfs_read_str(const char *path, char *buf, size_t len);
int sysfs_read_u64(const char *path, uint64_t *val);
int sysfs_write_u64(const char *path, uint64_t val);

/* record.c: one record as CSV or a JSON line (false: not a type we know) */
void record_csv_header(FILE *f);
bool record_write(FILE *f, const struct tmon_ring_entry *e, bool json);

/* budget.c: the budgets of watched processes (watch, limits, events) */
struct budgets {
	uint64_t v[NR_BUDGETS];		/* by enum tmon_budget; 0: off */
	bool given[NR_BUDGETS];
	unsigned int n;			/* how many were given */
};

int parse_cpu_pct(const char *s, uint64_t *ns_per_sec);
int parse_size(const char *s, uint64_t *bytes);
int parse_rate(const char *s, uint64_t *per_sec);
const char *budget_name(uint32_t budget);
void fmt_budget(char *buf, size_t len, uint32_t budget, uint64_t v);
int budget_option(const char *cmd, int opt, const char *arg, bool off_ok, struct budgets *b);
void budgets_put(struct nlmsghdr *nlh, const struct budgets *b);
void budgets_parse(const struct nlattr **tb, uint64_t *v);
void json_budgets(struct json *j, const uint64_t *v);
void budgets_write(FILE *f, const uint64_t *v);
int budget_token(const char *tok, struct budgets *b);

/* thresholds.c: the CPUs' latency thresholds (thresholds, status) */
int parse_threshold(const char *s, uint64_t *ns);
void fmt_threshold(char *buf, size_t len, uint64_t ns);
void fmt_cpu_thresholds(char *buf, size_t len, const struct cpu_state *c);
void json_thresholds(struct json *j, const struct cpu_state *c);
void thresholds_write(FILE *f, const struct tmon_status *st, const uint32_t *cpu, bool json);
void thresholds_params_read(uint64_t *ns);

/* export.c: the task families, from the field table */
void export_task_families(FILE *f, const struct task_list *tl);

/* the commands */
int cmd_status(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_limits(int argc, char **argv);
int cmd_period(int argc, char **argv);
int cmd_thresholds(int argc, char **argv);
int cmd_latency(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_fields(int argc, char **argv);

#endif
