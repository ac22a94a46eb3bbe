// SPDX-License-Identifier: GPL-2.0
/*
 * Raw generic netlink client for the in-VM tests of the tmon family. Raw
 * on purpose: it must also build malformed requests. tmonctl uses libmnl.
 *
 *   tmon-helper nl [-c CAP] [-u UID] status | getperiod | setperiod NS | watch PID |
 *       unwatch PID | list | dumptasks [PID] | dumpcpus [CPU] |
 *       raw [-d] CMD TYPE LEN (one attribute of LEN zero bytes; -d: a dump;
 *       CMD and TYPE as the spec names them, or numbers; TYPE - for none) |
 *       stress SECONDS PID... | hold SECONDS | holddump SECONDS
 * hold: a status request every 50 ms for SECONDS on one socket; once one
 * fails (the module went away) every later one must fail too.
 * holddump: start a list dump, leave it unread for SECONDS or until
 * SIGUSR1 (the pending dump holds the module), then read it to the end and
 * count the entries.
 * -u runs the request as UID; -c CAP with it keeps that one capability
 * (its number, e.g. 12 CAP_NET_ADMIN, 21 CAP_SYS_ADMIN) and no other.
 * Prints results on stdout; a failed request prints its errno name and
 * the kernel's extack message and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../../tools/include/tmon_genl_model.h"

#include "helper.h"

#define NLA_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))
#define NLA_LEN(a) ((a)->nla_len - NLA_HDRLEN)

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[512];
};

static int sock, family;
static unsigned int seqno = 1;
static char ext_msg[256];

static void on_usr1(int sig)
{
	(void)sig;
}

static void put_attr(struct req *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)&r->n + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(NLA_DATA(a), data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void init_req(struct req *r, int fam, int cmd, int flags)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = fam;
	r->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->n.nlmsg_seq = seqno++;
	r->g.cmd = cmd;
	r->g.version = TMON_GENL_VERSION;
}

/* Extended ack: the message text after the echoed request. */
static void get_extack(struct nlmsghdr *h)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	int off = sizeof(*e) + ((h->nlmsg_flags & NLM_F_CAPPED) ? 0 :
				 e->msg.nlmsg_len - sizeof(e->msg));
	struct nlattr *a = (void *)((char *)e + NLMSG_ALIGN(off));
	int rem = (int)h->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);

	ext_msg[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(ext_msg, sizeof(ext_msg), "%s", (char *)NLA_DATA(a));
}

/* Call @cb for every reply message up to the ack. Returns 0 or -errno. */
static int replies(void (*cb)(struct nlmsghdr *, void *), void *arg)
{
	static char buf[65536];
	struct nlmsghdr *h;
	ssize_t len;

	for (;;) {
		len = recv(sock, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				get_extack(h);
				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(h, arg);
		}
	}
}

/* Send @r; call @cb for every reply message. Returns 0 or -errno. */
static int transact(struct req *r, void (*cb)(struct nlmsghdr *, void *), void *arg)
{
	if (send(sock, r, r->n.nlmsg_len, 0) < 0)
		return -errno;
	return replies(cb, arg);
}

static struct nlattr *first_attr(struct nlmsghdr *h, int *rem)
{
	*rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
}

#define for_each_attr(a, first, rem) \
	for (a = first; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem; \
	     rem -= NLA_ALIGN(a->nla_len), a = (void *)((char *)a + NLA_ALIGN(a->nla_len)))

static void family_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a;
	int rem;

	(void)arg;
	for_each_attr(a, first_attr(h, &rem), rem)
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			family = *(uint16_t *)NLA_DATA(a);
}

static void status_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a, *b;
	int rem, rem2;

	(void)arg;
	for_each_attr(a, first_attr(h, &rem), rem) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case TMON_A_PERIOD_NS:
			printf("period_ns %llu\n", *(unsigned long long *)NLA_DATA(a));
			break;
		case TMON_A_NR_CPUS:
			printf("nr_cpus %u\n", *(uint32_t *)NLA_DATA(a));
			break;
		case TMON_A_NR_TASKS:
			printf("nr_tasks %u\n", *(uint32_t *)NLA_DATA(a));
			break;
		case TMON_A_NR_SAMPLES:
			printf("nr_samples %llu\n", *(unsigned long long *)NLA_DATA(a));
			break;
		case TMON_A_VERSION:
			printf("version %s\n", (char *)NLA_DATA(a));
			break;
		case TMON_A_CPU_STATUS:
			printf("cpu_status");
			rem2 = NLA_LEN(a);
			for_each_attr(b, (struct nlattr *)NLA_DATA(a), rem2) {
				if (b->nla_type == TMON_A_CPU)
					printf(" cpu %u", *(uint32_t *)NLA_DATA(b));
				else if (b->nla_type == TMON_A_THREAD_PID)
					printf(" thread_pid %u", *(uint32_t *)NLA_DATA(b));
				else if (b->nla_type == TMON_A_WAKEUPS)
					printf(" wakeups %llu", *(unsigned long long *)NLA_DATA(b));
			}
			printf("\n");
			break;
		}
	}
}

static void list_cb(struct nlmsghdr *h, void *arg)
{
	struct tmon_task_record rec = { 0 };
	unsigned int pid = 0, state = 0, n = 0;
	struct nlattr *a;
	int rem;

	(void)arg;
	for_each_attr(a, first_attr(h, &rem), rem) {
		if (a->nla_type == TMON_A_PID)
			pid = *(uint32_t *)NLA_DATA(a);
		else if (a->nla_type == TMON_A_STATE)
			state = *(uint8_t *)NLA_DATA(a);
		else if (a->nla_type == TMON_A_NR_RECORDS)
			n = *(uint32_t *)NLA_DATA(a);
		else if (a->nla_type == TMON_A_TASK_RECORD && NLA_LEN(a) == sizeof(rec))
			memcpy(&rec, NLA_DATA(a), sizeof(rec));
	}
	/* (seq and ts: the newest record's) */
	printf("pid %u state %s records %u seq %llu ts %llu comm %s\n", pid,
	       state ? "exited" : "running", n, (unsigned long long)rec.seq,
	       (unsigned long long)rec.ts_ns, rec.comm[0] ? rec.comm : "-");
}

static void count_cb(struct nlmsghdr *h, void *arg)
{
	struct nlattr *a;
	int rem;

	for_each_attr(a, first_attr(h, &rem), rem)
		if ((a->nla_type == TMON_A_TASK_RECORD && NLA_LEN(a) == sizeof(struct tmon_task_record)) ||
		    (a->nla_type == TMON_A_CPU_RECORD && NLA_LEN(a) == sizeof(struct tmon_cpu_record)))
			(*(unsigned long *)arg)++;
}

static void count_list_cb(struct nlmsghdr *h, void *arg)
{
	(void)h;
	(*(unsigned long *)arg)++;
}

/* A command (@cmd) or attribute named as the spec names it, or a number; "-": none. */
static int lookup(const char *s, int cmd)
{
	unsigned int i, n = cmd ? TMON_CMD_MAX : TMON_A_MAX;
	char *end;
	long v;

	if (!strcmp(s, "-"))
		return 0;
	for (i = 1; i <= n; i++) {
		const char *name = cmd ? tmon_genl_cmds[i].name : tmon_genl_attrs[i].name;

		if (name && !strcmp(name, s))
			return (int)i;
	}
	v = strtol(s, &end, 0);
	return *s && !*end && v >= 0 && v <= 0xffff ? (int)v : -1;
}

static int report(int err)
{
	if (!err) {
		printf("OK\n");
		return 0;
	}
	printf("%s%s%s\n", errname(-err), ext_msg[0] ? ": " : "", ext_msg);
	return 1;
}

static int watch_cmd(int cmd, uint32_t pid)
{
	struct req r;

	init_req(&r, family, cmd, 0);
	put_attr(&r, TMON_A_PID, &pid, sizeof(pid));
	return transact(&r, NULL, NULL);
}

/* Keep capability @cap alone, effective and permitted. */
static int only_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	d[cap / 32].effective = d[cap / 32].permitted = 1U << (cap % 32);
	return syscall(SYS_capset, &h, d);
}

int nl_main(int argc, char **argv)
{
	int one = 1, err;
	struct req r;
	unsigned long n = 0;

	int cap = -1;

	if (argc >= 2 && !strcmp(argv[0], "-c")) {
		cap = atoi(argv[1]);
		argc -= 2;
		argv += 2;
	}
	if (argc >= 2 && !strcmp(argv[0], "-u")) {
		uid_t uid = (uid_t)atoi(argv[1]);

		if (cap >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
			return perror("PR_SET_KEEPCAPS"), 1;
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			return perror("setresuid"), 1;
		if (cap >= 0 && only_cap(cap))
			return perror("capset"), 1;
		argc -= 2;
		argv += 2;
	}
	if (argc < 1)
		return fprintf(stderr, "nl: command?\n"), 2;
	sock = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (sock < 0)
		return perror("socket"), 1;
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	init_req(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	r.g.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, TMON_GENL_NAME, sizeof(TMON_GENL_NAME));
	err = transact(&r, family_cb, NULL);
	if (err || !family)
		return printf("family tmon not found: %s\n", errname(-err)), 1;

	if (!strcmp(argv[0], "status") || !strcmp(argv[0], "getperiod")) {
		init_req(&r, family, argv[0][0] == 's' ? TMON_CMD_GET_STATUS : TMON_CMD_GET_PERIOD, 0);
		err = transact(&r, status_cb, NULL);
		return err ? report(err) : 0;
	}
	if (argc == 2 && !strcmp(argv[0], "setperiod")) {
		uint64_t ns = strtoull(argv[1], NULL, 0);

		init_req(&r, family, TMON_CMD_SET_PERIOD, 0);
		put_attr(&r, TMON_A_PERIOD_NS, &ns, sizeof(ns));
		err = transact(&r, status_cb, NULL);
		return err ? report(err) : 0;
	}
	if (argc == 2 && (!strcmp(argv[0], "watch") || !strcmp(argv[0], "unwatch")))
		return report(watch_cmd(argv[0][0] == 'w' ? TMON_CMD_WATCH : TMON_CMD_UNWATCH,
					(uint32_t)strtoul(argv[1], NULL, 0)));
	if (!strcmp(argv[0], "list")) {
		init_req(&r, family, TMON_CMD_LIST_TASKS, NLM_F_DUMP);
		err = transact(&r, list_cb, NULL);
		return err ? report(err) : 0;
	}
	if (!strcmp(argv[0], "dumptasks") || !strcmp(argv[0], "dumpcpus")) {
		int tasks = argv[0][4] == 't';
		uint32_t v;

		init_req(&r, family, tasks ? TMON_CMD_DUMP_TASKS : TMON_CMD_DUMP_CPUS, NLM_F_DUMP);
		if (argc == 2) {
			v = (uint32_t)strtoul(argv[1], NULL, 0);
			put_attr(&r, tasks ? TMON_A_PID : TMON_A_CPU, &v, sizeof(v));
		}
		err = transact(&r, count_cb, &n);
		if (err)
			return report(err);
		printf("records %lu\n", n);
		return 0;
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[0], "raw")) {
		static const char zeros[256];
		int dump = argc == 5 && !strcmp(argv[1], "-d");
		int cmd = lookup(argv[1 + dump], 1), type = lookup(argv[2 + dump], 0);
		int len = atoi(argv[3 + dump]);

		if (argc != 4 + dump || cmd < 0 || type < 0 || len < 0 || len > (int)sizeof(zeros))
			return fprintf(stderr, "nl raw: bad arguments\n"), 2;
		init_req(&r, family, cmd, dump ? NLM_F_DUMP : 0);
		if (type)
			put_attr(&r, type, zeros, len);
		return report(transact(&r, NULL, NULL));
	}
	if (argc >= 3 && !strcmp(argv[0], "stress")) {
		time_t end = time(NULL) + atoi(argv[1]);
		unsigned long ops = 0, i = 0;
		int np = argc - 2;

		srand((unsigned int)getpid());
		while (time(NULL) < end) {
			uint32_t pid = (uint32_t)atoi(argv[2 + rand() % np]);

			switch (rand() % 3) {
			case 0:
				err = watch_cmd(TMON_CMD_WATCH, pid);
				if (err && err != -EEXIST)
					return printf("watch %u: %s\n", pid, errname(-err)), 1;
				break;
			case 1:
				err = watch_cmd(TMON_CMD_UNWATCH, pid);
				if (err && err != -ENOENT)
					return printf("unwatch %u: %s\n", pid, errname(-err)), 1;
				break;
			default:
				init_req(&r, family, TMON_CMD_LIST_TASKS, NLM_F_DUMP);
				err = transact(&r, NULL, NULL);
				if (err)
					return printf("list: %s\n", errname(-err)), 1;
			}
			ops++;
			i++;
		}
		printf("ops %lu\n", ops);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "hold")) {
		time_t end = time(NULL) + atoi(argv[1]);
		unsigned long ok = 0, failed = 0;
		int last = 0;

		printf("holding\n");
		fflush(stdout);
		while (time(NULL) < end) {
			init_req(&r, family, TMON_CMD_GET_STATUS, 0);
			err = transact(&r, NULL, NULL);
			if (!err && failed)
				return printf("status OK again after %lu failures\n", failed), 1;
			if (err) {
				last = err;
				/* Gone for a second: that is what the holder waited to see. */
				if (++failed == 20)
					break;
			} else {
				ok++;
			}
			usleep(50000);
		}
		printf("status ok %lu failed %lu%s%s\n", ok, failed, failed ? " last " : "",
		       failed ? errname(-last) : "");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "holddump")) {
		/* A handler, so that SIGUSR1 cuts the sleep short. */
		struct sigaction sa = { .sa_handler = on_usr1 };

		sigaction(SIGUSR1, &sa, NULL);
		init_req(&r, family, TMON_CMD_LIST_TASKS, NLM_F_DUMP);
		if (send(sock, &r, r.n.nlmsg_len, 0) < 0)
			return perror("send"), 1;
		printf("dumping\n");
		fflush(stdout);
		sleep((unsigned int)atoi(argv[1]));
		err = replies(count_list_cb, &n);
		if (err)
			return report(err);
		printf("entries %lu\n", n);
		return 0;
	}
	return fprintf(stderr, "nl: unknown command %s\n", argv[0]), 2;
}
