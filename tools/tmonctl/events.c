// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl events`: subscribe a socket to the module's events (any user
 * may: each event comes as its owner may see it) and print a line, or a
 * JSON line, per event as it comes, optionally running a command for
 * each, until --count events, -d seconds or a signal. Events the socket
 * could not take show as a gap in their numbers: said on stderr, then on.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tmonctl.h"

/* Room for the events that queue while --exec's command runs. */
#define EVENTS_RCVBUF	(4 * 1024 * 1024)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct event {
	uint64_t seq, suppressed, threshold_ns;
	uint32_t kind, cpu;
	bool has_cause;			/* left out when not ours to see */
	uint32_t cause_pid, cause_policy, cause_prio;
	char comm[COMM_ESC_LEN];	/* the cause's, escaped */
	const char *raw_comm;		/* as it came: for JSON */
	struct tmon_cpu_record rec;
};

struct listener {
	bool json;
	const char *exec;	/* NULL: none */
	uint64_t duration;	/* 0: until a signal */
	uint64_t count;		/* 0: no limit */
	uint64_t seen, lost, overruns, last_seq;
	sigset_t orig_mask;	/* without SIGINT and SIGTERM blocked: --exec's */
	int err;		/* an output error, -errno */
};

/* enum tmon_event_kind's names, as the spec writes them. */
const char *event_kind_name(uint32_t kind)
{
	static const char * const names[] = { NULL, "thread-latency", "irq-latency" };
	static char other[24];

	if (kind < ARRAY_SIZE(names) && names[kind])
		return names[kind];
	snprintf(other, sizeof(other), "kind-%" PRIu32, kind);
	return other;
}

static uint64_t attr_u64(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u64(attr) : 0;
}

static uint32_t attr_u32(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u32(attr) : 0;
}

/* An event's attributes (validated by nl.c): false without the ones it must have. */
static bool event_parse(const struct nlattr **tb, struct event *ev)
{
	char comm[TMON_COMM_LEN];

	if (!tb[TMON_A_EVENT_SEQ] || !tb[TMON_A_EVENT_KIND] ||
	    !nl_get_record(tb[TMON_A_CPU_RECORD], &ev->rec, sizeof(ev->rec)))
		return false;
	ev->seq = attr_u64(tb[TMON_A_EVENT_SEQ]);
	ev->kind = attr_u32(tb[TMON_A_EVENT_KIND]);
	ev->cpu = tb[TMON_A_CPU] ? attr_u32(tb[TMON_A_CPU]) : ev->rec.cpu;
	ev->suppressed = attr_u64(tb[TMON_A_EVENT_SUPPRESSED]);
	ev->threshold_ns = attr_u64(tb[TMON_A_THRESHOLD_NS]);
	ev->has_cause = tb[TMON_A_CAUSE_PID];
	ev->cause_pid = attr_u32(tb[TMON_A_CAUSE_PID]);
	ev->cause_policy = attr_u32(tb[TMON_A_CAUSE_POLICY]);
	ev->cause_prio = attr_u32(tb[TMON_A_CAUSE_PRIO]);
	ev->raw_comm = tb[TMON_A_CAUSE_COMM] ? mnl_attr_get_str(tb[TMON_A_CAUSE_COMM]) : "";
	snprintf(comm, sizeof(comm), "%s", ev->raw_comm);
	comm_escape(comm, ev->comm);
	return true;
}

/* "17 thread-latency cpu=3 latency=152.3us irq_latency=4.5us ..." */
static void event_text(FILE *f, const struct event *ev)
{
	char lat[32], irq[32], thr[32];

	fmt_usec(lat, sizeof(lat), ev->rec.latency_ns);
	fmt_usec(irq, sizeof(irq), ev->rec.irq_latency_ns);
	fmt_usec(thr, sizeof(thr), ev->threshold_ns);
	fprintf(f, "%" PRIu64 " %s cpu=%" PRIu32 " latency=%sus irq_latency=%sus threshold=%sus",
		ev->seq, event_kind_name(ev->kind), ev->cpu, lat, irq, thr);
	fprintf(f, " missed=%" PRIu32, ev->rec.missed);
	if (ev->has_cause)
		fprintf(f, " cause=%" PRIu32 "/%s policy=%s prio=%" PRIu32, ev->cause_pid, ev->comm,
			sched_policy_name(ev->cause_policy), ev->cause_prio);
	else
		fputs(" cause=- policy=- prio=-", f);
	fprintf(f, " suppressed=%" PRIu64 "\n", ev->suppressed);
}

static void event_json(FILE *f, const struct event *ev)
{
	struct json j;

	json_init(&j, f);
	j.pretty = false;	/* JSON lines: one event a line */
	json_object(&j, NULL);
	json_u64(&j, "seq", ev->seq);
	json_str(&j, "kind", event_kind_name(ev->kind));
	json_u64(&j, "cpu", ev->cpu);
	json_u64(&j, "threshold_ns", ev->threshold_ns);
	json_u64(&j, "latency_ns", ev->rec.latency_ns);
	json_u64(&j, "irq_latency_ns", ev->rec.irq_latency_ns);
	json_u64(&j, "expected_ns", ev->rec.expected_ns);
	json_u64(&j, "record_seq", ev->rec.seq);
	json_u64(&j, "missed", ev->rec.missed);
	if (ev->has_cause) {
		json_object(&j, "cause");
		json_u64(&j, "pid", ev->cause_pid);
		json_str(&j, "comm", ev->raw_comm);
		json_str(&j, "policy", sched_policy_name(ev->cause_policy));
		json_u64(&j, "prio", ev->cause_prio);
		json_end(&j);
	} else {
		json_null(&j, "cause");
	}
	json_u64(&j, "suppressed", ev->suppressed);
	json_end(&j);
}

/* In the child: the event as TMON_EVENT_* variables. */
static void event_env(const struct event *ev)
{
	const struct {
		const char *name;
		uint64_t v;
		bool set;
	} nums[] = {
		{ "TMON_EVENT_SEQ", ev->seq, true },
		{ "TMON_EVENT_CPU", ev->cpu, true },
		{ "TMON_EVENT_LATENCY_NS", ev->rec.latency_ns, true },
		{ "TMON_EVENT_IRQ_LATENCY_NS", ev->rec.irq_latency_ns, true },
		{ "TMON_EVENT_EXPECTED_NS", ev->rec.expected_ns, true },
		{ "TMON_EVENT_RECORD_SEQ", ev->rec.seq, true },
		{ "TMON_EVENT_THRESHOLD_NS", ev->threshold_ns, true },
		{ "TMON_EVENT_MISSED", ev->rec.missed, true },
		{ "TMON_EVENT_SUPPRESSED", ev->suppressed, true },
		{ "TMON_EVENT_CAUSE_PID", ev->cause_pid, ev->has_cause },
		{ "TMON_EVENT_CAUSE_PRIO", ev->cause_prio, ev->has_cause },
	};
	char v[24];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		snprintf(v, sizeof(v), "%" PRIu64, nums[i].v);
		if (nums[i].set)
			setenv(nums[i].name, v, 1);
		else
			unsetenv(nums[i].name);
	}
	setenv("TMON_EVENT_KIND", event_kind_name(ev->kind), 1);
	if (ev->has_cause) {
		setenv("TMON_EVENT_CAUSE_COMM", ev->comm, 1);
		setenv("TMON_EVENT_CAUSE_POLICY", sched_policy_name(ev->cause_policy), 1);
	} else {
		unsetenv("TMON_EVENT_CAUSE_COMM");
		unsetenv("TMON_EVENT_CAUSE_POLICY");
	}
}

/* --exec: CMD through /bin/sh -c, waited for; a failure is a line, not the end. */
static void event_exec(struct listener *l, const struct event *ev)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "tmonctl: events: event %" PRIu64
			": cannot run the --exec command: fork: %s\n", ev->seq, strerror(errno));
		return;
	}
	if (!pid) {
		event_env(ev);
		sigprocmask(SIG_SETMASK, &l->orig_mask, NULL);
		execl("/bin/sh", "sh", "-c", l->exec, (char *)NULL);
		fprintf(stderr, "tmonctl: events: cannot run /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "tmonctl: events: event %" PRIu64
			": the --exec command exited with status %d\n", ev->seq,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "tmonctl: events: event %" PRIu64
			": the --exec command was killed by signal %d (%s)\n", ev->seq,
			WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/* One message of the family: an event, or not ours to show. */
static int event_cb(const struct nlmsghdr *nlh, const struct nlattr **tb, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct listener *l = data;
	struct event ev;

	if (g->cmd != TMON_CMD_EVENT || (l->count && l->seen >= l->count))
		return 0;
	if (!event_parse(tb, &ev))
		return -EPROTO;
	/* A gap in the numbers: events this socket could not take. */
	if (l->seen && ev.seq > l->last_seq + 1) {
		fprintf(stderr, "tmonctl: events: lost %" PRIu64 " events (seq %" PRIu64 "..%"
			PRIu64 ")\n", ev.seq - l->last_seq - 1, l->last_seq + 1, ev.seq - 1);
		l->lost += ev.seq - l->last_seq - 1;
	}
	l->last_seq = ev.seq;
	l->seen++;
	if (l->json)
		event_json(stdout, &ev);
	else
		event_text(stdout, &ev);
	/* A line reaches a pipe at once: a reader sees the event as it comes. */
	errno = 0;
	if (fflush(stdout) || ferror(stdout)) {
		l->err = errno ? -errno : -EIO;
		return l->err;
	}
	if (l->exec)
		event_exec(l, &ev);
	return 0;
}

static int events_args(int argc, char **argv, struct listener *l)
{
	int opt;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case OPT_EXEC:
			l->exec = optarg;
			if (!*l->exec)
				return usage_error("events", "--exec needs a command");
			break;
		case 'd':
			if (parse_decimal_ns(optarg, DURATION_MAX_NS, &l->duration) || !l->duration)
				return usage_error("events",
						   "-d '%s' is not a duration (2, 0.5, 250ms, 1m)",
						   optarg);
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, 1, 1000000, &l->count))
				return usage_error("events",
						   "--count '%s' is not a count, 1 to 1000000",
						   optarg);
			break;
		default:
			return getopt_error("events", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("events", "unexpected argument '%s'", argv[optind]);
	l->json = json_global;	/* -j, before the command or after it */
	return EXIT_OK;
}

/*
 * Subscribe the socket; events that come before the kernel's answer are
 * shown as the others. 0, or an exit status after one error line.
 */
static int events_subscribe(struct listener *l)
{
	int fd = nl_fd(), size = EVENTS_RCVBUF;
	int err;

	/* Past rmem_max where we may (CAP_NET_ADMIN); else as far as it goes. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* Not --exec's to inherit. */
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	err = nl_listen();
	if (err) {
		error("events: cannot listen to nlctrl: %s", strerror(-err));
		return EXIT_ERR;
	}
	err = nl_talk(nl_request(TMON_CMD_SUBSCRIBE_EVENTS, false), event_cb, l);
	if (err) {
		if (l->err)
			error("events: cannot write the output: %s", strerror(-l->err));
		else
			error("events: cannot subscribe to the events: %s", nl_strerror(err));
		return EXIT_ERR;
	}
	/* From now on poll() says when to read. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return EXIT_OK;
}

/* Wait for the socket until @deadline, and read what it brings: 0 or an exit status. */
static int events_step(struct listener *l, uint64_t deadline)
{
	struct pollfd pfd = { .fd = nl_fd(), .events = POLLIN };
	struct timespec ts, *tp = NULL;
	uint64_t now = now_ns(), left = now < deadline ? deadline - now : 0;
	int err;

	if (deadline != UINT64_MAX) {
		ts.tv_sec = (time_t)(left / NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % NSEC_PER_SEC);
		tp = &ts;
	}
	/* Signals come in only here: none is missed between a check and the wait. */
	if (ppoll(&pfd, 1, tp, &l->orig_mask) < 0) {
		if (errno == EINTR)
			return EXIT_OK;
		error("events: cannot wait for events: %s", strerror(errno));
		return EXIT_ERR;
	}
	err = nl_recv(event_cb, l);
	if (err == -ENOBUFS) {
		fprintf(stderr, "tmonctl: events: the socket overran: events were lost\n");
		l->overruns++;
	} else if (err == -EIDRM) {
		error("events: the tmon module was unloaded");
		return EXIT_NOMOD;
	} else if (l->err) {
		error("events: cannot write the output: %s", strerror(-l->err));
		return EXIT_ERR;
	} else if (err && err != -EAGAIN && err != -EINTR) {
		error("events: cannot read an event: %s", nl_strerror(err));
		return EXIT_ERR;
	}
	return EXIT_OK;
}

int cmd_events(int argc, char **argv)
{
	struct listener l = { 0 };
	struct sigaction sa;
	uint64_t deadline;
	sigset_t block;
	int ret;

	ret = events_args(argc, argv, &l);
	if (!ret)
		ret = nl_open();
	if (ret)
		return ret;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Blocked but in ppoll(): a signal ends the wait, never a write. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &l.orig_mask);
	deadline = l.duration ? now_ns() + l.duration : UINT64_MAX;
	ret = events_subscribe(&l);
	while (!ret && !stop && (!l.count || l.seen < l.count) && now_ns() < deadline)
		ret = events_step(&l, deadline);
	if (l.lost || l.overruns)
		fprintf(stderr, "tmonctl: events: %" PRIu64 " events, %" PRIu64 " lost, %" PRIu64
			" socket overruns\n", l.seen, l.lost, l.overruns);
	return ret;
}
