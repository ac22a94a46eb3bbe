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

#include "events.h"
#include "tmonctl.h"

/* Room for the events that queue while --exec's command runs. */
#define EVENTS_RCVBUF	(4 * 1024 * 1024)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct listener {
	bool json;
	const char *exec;	/* NULL: none */
	uint64_t duration;	/* 0: until a signal */
	uint64_t count;		/* 0: no limit */
	uint64_t seen, lost, overruns, last_seq;
	sigset_t orig_mask;	/* without SIGINT and SIGTERM blocked: --exec's */
	int err;		/* an output error, -errno */
};

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
