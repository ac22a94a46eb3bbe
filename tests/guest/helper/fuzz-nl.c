// SPDX-License-Identifier: GPL-2.0
/* tmon-helper fuzz: generic netlink requests (see fuzz.c). */
#define _GNU_SOURCE
#include "fuzz.h"
#include "../../../tools/include/tmon_genl_model.h"

/* ---- fuzz nl ---- */

#define NL_BUF		2048
#define NL_ROOM		1024	/* attributes of one request */
#define NL_EXTRA	16

struct nl_state {
	int sock;
	uint16_t family;
	uint32_t portid;
	int cap_ack;
	uint64_t period, base_period;	/* the module's, as the model has it */
	unsigned int history;
	unsigned int nr_cpu_ids, nr_possible;
	int strict_flags;		/* genl_header_check() refuses stray flags */
	unsigned long msgs, dropped, noreq, answers, acks, do_replies, dumps, dump_msgs;
	unsigned long extra_acks, timeouts, defused, restores, cap_toggles, send_refused;
	struct hist out;		/* the requests' outcomes */
};

/* What the kernel will make of one request, worked out before sending. */
struct nl_expect {
	uint32_t seq, sentinel;
	uint8_t cmd;
	uint16_t flags, reserved;
	int processed;		/* netlink_rcv_skb() looks at it */
	int request;		/* ... and hands it to generic netlink */
	int has_genl;		/* nlmsg_len covers the genetlink header */
	int no_attrs;		/* ... and nothing else */
	int dump;
	/* the kernel's view of the top-level attributes, the last of a type */
	int pid_attr, cpu_attr, period_attr;	/* present, any length */
	int pid_ok, period_ok;		/* ... and the last one of the right size */
	int foreign;			/* an attribute the command does not take */
	uint32_t pid, cpu;
	uint64_t period;
	int cpu_ok;
	uint32_t extra[NL_EXTRA];	/* seqs of the acks for the trailing garbage */
	int nextra;
};

/* What came back. */
struct nl_reply {
	int err;		/* errno of an error reply, 0 none */
	int acked, done, sentinel;
	unsigned long replies;	/* data messages */
	uint64_t period;
	int have_last;		/* dump order */
	int64_t last_key;
	uint64_t last_seq;
	unsigned long nlisted;
};

/* The spec's commands (tmon_genl_model.h); the event is only ever sent. */
static int nl_is_dump_cmd(unsigned int cmd)
{
	return cmd <= TMON_CMD_MAX && tmon_genl_cmds[cmd].name && tmon_genl_cmds[cmd].dump;
}

static int nl_is_do_cmd(unsigned int cmd)
{
	return cmd <= TMON_CMD_MAX && tmon_genl_cmds[cmd].name && !tmon_genl_cmds[cmd].dump &&
	       cmd != TMON_CMD_EVENT;
}

/* An event the kernel sent on its own (seq and port 0): the socket may be subscribed. */
static int nl_is_event(const struct nl_state *st, const struct nlmsghdr *m)
{
	struct genlmsghdr g;

	if (m->nlmsg_type != st->family || m->nlmsg_seq || m->nlmsg_pid ||
	    m->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return 0;
	memcpy(&g, NLMSG_DATA(m), sizeof(g));
	return g.cmd == TMON_CMD_EVENT;
}

/* genl_header_check(): only the flags the core gives a meaning to. */
static int nl_flags_clean(uint16_t flags)
{
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= (uint16_t)~NLM_F_DUMP;
	return !(flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO));
}

static size_t put_nla(unsigned char *p, size_t room, uint16_t type, const void *data, size_t dlen)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + dlen);
	struct nlattr a;

	if (total > room || NLA_HDRLEN + dlen > 0xffff)
		return 0;
	a.nla_len = (uint16_t)(NLA_HDRLEN + dlen);
	a.nla_type = type;
	memcpy(p, &a, sizeof(a));
	if (dlen)
		memcpy(p + NLA_HDRLEN, data, dlen);
	memset(p + NLA_HDRLEN + dlen, 0, total - NLA_HDRLEN - dlen);
	return total;
}

static uint32_t gen_cpu(struct rng *r, unsigned int nr_cpu_ids)
{
	static const uint32_t odd[] = { 4096, 8191, 8192, 0x7fffffff, 0x80000000, 0xffffffff };

	switch (below(r, 8)) {
	case 0 ... 4:
		return below(r, nr_cpu_ids);
	case 5:
		return nr_cpu_ids + below(r, 2);
	case 6:
		return PICK(r, odd);
	default:
		return (uint32_t)rnd(r);
	}
}

static size_t gen_attrs(struct rng *r, const struct nl_state *st, unsigned char *p, size_t room,
			int n, int depth);

/* One attribute, of any type and length, sometimes malformed. */
static size_t gen_attr(struct rng *r, const struct nl_state *st, unsigned char *p, size_t room,
		       int depth)
{
	static const uint16_t bad_len[] = { 0, 1, 2, 3, 5, 0x7fff, 0xffff };
	unsigned char data[160];
	size_t dlen, n, natural;
	uint16_t type, t;
	uint32_t u32;
	uint64_t u64;
	int nested = 0;

	switch (below(r, 20)) {
	case 0 ... 4:
		type = TMON_A_PID;
		break;
	case 5 ... 6:
		type = TMON_A_CPU;
		break;
	case 7 ... 8:
		type = TMON_A_PERIOD_NS;
		break;
	case 9:
		type = 0;
		break;
	case 10 ... 13:
		type = (uint16_t)below(r, TMON_A_MAX + 1);
		break;
	case 14 ... 16:
		type = (uint16_t)(TMON_A_MAX + 1 + below(r, 16));
		break;
	case 17:
		type = (uint16_t)rnd(r);
		break;
	default:
		type = (uint16_t)(1 + below(r, TMON_A_MAX));
	}
	for (n = 0; n < sizeof(data); n++)
		data[n] = (unsigned char)rnd(r);
	t = type & NLA_TYPE_MASK;
	switch (t) {
	case TMON_A_PID:
		u32 = (uint32_t)gen_pid(r);
		memcpy(data, &u32, 4);
		natural = 4;
		break;
	case TMON_A_CPU:
		u32 = gen_cpu(r, st->nr_cpu_ids);
		memcpy(data, &u32, 4);
		natural = 4;
		break;
	case TMON_A_PERIOD_NS:
		u64 = gen_period(r);
		memcpy(data, &u64, 8);
		natural = 8;
		break;
	case TMON_A_PAD:
		natural = 0;
		break;
	case TMON_A_STATE:
		natural = 1;
		break;
	case TMON_A_VERSION:
		natural = 1 + below(r, 12);
		data[natural - 1] = '\0';
		break;
	case TMON_A_TASK_RECORD:
		natural = sizeof(struct tmon_task_record);
		break;
	case TMON_A_CPU_RECORD:
		natural = sizeof(struct tmon_cpu_record);
		break;
	case TMON_A_NR_SAMPLES ... TMON_A_RING_LOST:
	case TMON_A_SAMPLES_SKIPPED:
	case TMON_A_WAKEUPS:
	case TMON_A_MISSED:
		natural = 8;
		break;
	default:
		natural = t <= TMON_A_MAX ? 4 : below(r, 40);
	}
	dlen = natural;
	if (chance(r, 20))
		dlen = below(r, 81);		/* a length the policy may not expect */
	if (depth < 2 && chance(r, 8)) {	/* nested garbage */
		nested = 1;
		if (chance(r, 80))
			type |= NLA_F_NESTED;
		dlen = gen_attrs(r, st, data, sizeof(data), (int)below(r, 4), depth + 1);
	} else if (chance(r, 2)) {
		type |= NLA_F_NESTED;
	}
	if (chance(r, 3))
		type |= NLA_F_NET_BYTEORDER;
	n = put_nla(p, room, type, data, dlen);
	if (n && !nested && chance(r, 4)) {
		struct nlattr a;

		memcpy(&a, p, sizeof(a));
		if (chance(r, 50))
			a.nla_len = PICK(r, bad_len);
		else
			a.nla_len = (uint16_t)(a.nla_len + 1 + below(r, 64));
		memcpy(p, &a, sizeof(a));
	}
	return n;
}

static size_t gen_attrs(struct rng *r, const struct nl_state *st, unsigned char *p, size_t room,
			int n, int depth)
{
	size_t off = 0;

	while (n-- > 0)
		off += gen_attr(r, st, p + off, room - off, depth);
	return off;
}

/* A request to the tmon family: any command, flags, attributes, framing. */
static void nl_gen(struct rng *r, const struct nl_state *st, unsigned char *buf, size_t *len,
		   struct nl_expect *x)
{
	static const uint16_t extra_flags[] = {
		NLM_F_ECHO, NLM_F_MULTI, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, 0x800, 0x1000,
		0x8000, NLM_F_DUMP_INTR, NLM_F_DUMP_FILTERED,
	};
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN, n;
	struct genlmsghdr g = { 0 };
	struct nlmsghdr h = { 0 };
	uint16_t flags = 0;
	uint32_t u32;
	uint64_t u64;
	uint8_t cmd;

	switch (below(r, 20)) {
	case 0:
		cmd = TMON_CMD_UNSPEC;
		break;
	case 1:
		cmd = (uint8_t)(TMON_CMD_MAX + 1 + below(r, 255 - TMON_CMD_MAX));
		break;
	default:
		cmd = (uint8_t)(1 + below(r, TMON_CMD_MAX));
	}
	if (chance(r, 96))
		flags |= NLM_F_REQUEST;
	if (chance(r, 50))
		flags |= NLM_F_ACK;
	if (chance(r, nl_is_dump_cmd(cmd) ? 80 : 10))
		flags |= NLM_F_DUMP;
	if (chance(r, 8))
		flags |= PICK(r, extra_flags);
	if (chance(r, 2))
		flags = (uint16_t)rnd(r);
	g.cmd = cmd;
	g.version = chance(r, 92) ? TMON_GENL_VERSION : (uint8_t)rnd(r);
	g.reserved = chance(r, 96) ? 0 : (uint16_t)rnd(r);

	memset(buf, 0, NL_BUF);
	/* The attributes the command wants, mostly: real paths get reached. */
	if (chance(r, 75)) {
		switch (cmd) {
		case TMON_CMD_WATCH:
		case TMON_CMD_UNWATCH:
			u32 = (uint32_t)gen_pid(r);
			off += put_nla(buf + off, NL_ROOM, TMON_A_PID, &u32, 4);
			break;
		case TMON_CMD_SET_PERIOD:
			u64 = gen_period(r);
			off += put_nla(buf + off, NL_ROOM, TMON_A_PERIOD_NS, &u64, 8);
			break;
		case TMON_CMD_DUMP_TASKS:
			if (chance(r, 40)) {
				u32 = (uint32_t)gen_pid(r);
				off += put_nla(buf + off, NL_ROOM, TMON_A_PID, &u32, 4);
			}
			break;
		case TMON_CMD_DUMP_CPUS:
			if (chance(r, 50)) {
				u32 = gen_cpu(r, st->nr_cpu_ids);
				off += put_nla(buf + off, NL_ROOM, TMON_A_CPU, &u32, 4);
			}
			break;
		}
	}
	if (chance(r, 40))
		off += gen_attrs(r, st, buf + off, NL_ROOM - (off - NLMSG_HDRLEN - GENL_HDRLEN),
				 1 + (int)below(r, 4), 0);
	h.nlmsg_len = (uint32_t)off;
	h.nlmsg_type = st->family;
	h.nlmsg_flags = flags;
	h.nlmsg_seq = x->seq;
	h.nlmsg_pid = chance(r, 95) ? 0 : (uint32_t)rnd(r);
	*len = off;
	/* Framing: garbage after the message, a wrong nlmsg_len, a short send. */
	if (chance(r, 4)) {
		n = 1 + below(r, 64);
		while (n--)
			buf[(*len)++] = (unsigned char)rnd(r);
	} else if (chance(r, 4)) {
		/* well-formed messages after this one: control, other types */
		for (n = 1 + below(r, 3); n; n--) {
			struct nlmsghdr t = {
				.nlmsg_len = NLMSG_HDRLEN + 4 * below(r, 5),
				.nlmsg_seq = (uint32_t)rnd(r),
			};

			t.nlmsg_type = (uint16_t)rnd(r);
			if (chance(r, 70))
				t.nlmsg_type = (uint16_t)below(r, NLMSG_MIN_TYPE);
			t.nlmsg_flags = (uint16_t)rnd(r);
			if (chance(r, 70))
				t.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;

			memcpy(buf + *len, &t, sizeof(t));
			for (*len += NLMSG_HDRLEN; *len % 4 || *len < off + t.nlmsg_len;)
				buf[(*len)++] = (unsigned char)rnd(r);
			off += t.nlmsg_len;
		}
		off = h.nlmsg_len;
	}
	if (chance(r, 6)) {
		switch (below(r, 8)) {
		case 0:
			h.nlmsg_len = below(r, (uint32_t)*len + 64);
			break;
		case 1:
			h.nlmsg_len = (uint32_t)off - 1 - below(r, 8);
			break;
		case 2:
			h.nlmsg_len = PICK(r, ((const uint32_t[]){ 0, 15, 16, 19, 20, 21 }));
			break;
		case 3:
			h.nlmsg_len = 0xffffffff;
			break;
		default:
			h.nlmsg_len = (uint32_t)off + 1 + below(r, 32);
		}
	}
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
	if (chance(r, 2))
		*len = below(r, (uint32_t)*len + 1);
	x->cmd = cmd;
	x->flags = flags;
	x->reserved = g.reserved;
}

/*
 * Work out what the kernel does with the buffer (netlink_rcv_skb(), then
 * generic netlink), and make it safe: a period that would be accepted and
 * is too long is pushed out of range, and a message in the trailing
 * garbage that the kernel would take as a request is turned into a
 * non-request (which only gets an ack, if it asks for one).
 */
static void nl_view(struct nl_state *st, unsigned char *buf, size_t len, struct nl_expect *x)
{
	struct nlmsghdr h, t;
	struct nlattr a;
	size_t off;
	long rem;
	uint16_t type;
	uint64_t v;

	if (len < NLMSG_HDRLEN)
		return;
	memcpy(&h, buf, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
		return;		/* dropped without a word */
	x->processed = 1;
	x->request = (h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= NLMSG_MIN_TYPE;
	x->has_genl = h.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
	x->no_attrs = h.nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN;
	x->dump = x->request && (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	/* nla_for_each_attr() over the request, as nla_parse() walks it. */
	off = NLMSG_HDRLEN + GENL_HDRLEN;
	rem = (long)h.nlmsg_len - (long)off;
	while (rem >= NLA_HDRLEN) {
		memcpy(&a, buf + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > rem)
			break;
		type = a.nla_type & NLA_TYPE_MASK;
		if (x->cmd > TMON_CMD_MAX || type > TMON_A_MAX ||
		    !(tmon_genl_cmds[x->cmd].request & (1ULL << type)))
			x->foreign = 1;
		if (type == TMON_A_PID) {
			x->pid_attr = 1;
			x->pid_ok = a.nla_len == NLA_HDRLEN + 4;
			if (x->pid_ok)
				memcpy(&x->pid, buf + off + NLA_HDRLEN, 4);
		} else if (type == TMON_A_CPU) {
			x->cpu_attr = 1;
			x->cpu_ok = a.nla_len == NLA_HDRLEN + 4;
			if (x->cpu_ok)
				memcpy(&x->cpu, buf + off + NLA_HDRLEN, 4);
		} else if (type == TMON_A_PERIOD_NS) {
			x->period_attr = 1;
			x->period_ok = a.nla_len == NLA_HDRLEN + 8;
			if (x->period_ok) {
				memcpy(&v, buf + off + NLA_HDRLEN, 8);
				if (period_valid(v) && v > SAFE_PERIOD_NS) {
					buf[off + NLA_HDRLEN + 7] = 0xff;	/* out of range */
					memcpy(&v, buf + off + NLA_HDRLEN, 8);
					st->defused++;
				}
				x->period = v;
			}
		}
		rem -= NLA_ALIGN(a.nla_len);
		off += NLA_ALIGN(a.nla_len);
	}

	/* What follows the message in the same buffer. */
	off = NLMSG_ALIGN(h.nlmsg_len);
	while (len >= off + NLMSG_HDRLEN) {
		memcpy(&t, buf + off, sizeof(t));
		if (t.nlmsg_len < NLMSG_HDRLEN || t.nlmsg_len > len - off)
			break;
		if (t.nlmsg_type >= NLMSG_MIN_TYPE)
			t.nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
		if (t.nlmsg_seq == x->seq || t.nlmsg_seq == x->sentinel)
			t.nlmsg_seq ^= 0x80000000;
		if (t.nlmsg_flags & NLM_F_ACK) {
			if (x->nextra < NL_EXTRA)
				x->extra[x->nextra++] = t.nlmsg_seq;
			else
				t.nlmsg_flags &= (uint16_t)~NLM_F_ACK;
		}
		memcpy(buf + off, &t, sizeof(t));
		off += NLMSG_ALIGN(t.nlmsg_len);
	}
}

static int nl_open(struct nl_state *st)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 3 };
	socklen_t salen = sizeof(sa);
	int one = 1, size = 1 << 20;

	if (st->sock > 0)
		close(st->sock);
	st->sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (st->sock < 0 || bind(st->sock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(st->sock, (struct sockaddr *)&sa, &salen))
		return -errno;
	st->portid = sa.nl_pid;
	setsockopt(st->sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(st->sock, SOL_NETLINK, NETLINK_CAP_ACK, &st->cap_ack, sizeof(st->cap_ack));
	setsockopt(st->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(st->sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

/*
 * A plain request (family lookup, period changes of our own): send, then
 * take replies until the ack or error of @seq. Returns 0 or -errno; @cb
 * sees the data messages.
 */
static int nl_txn(struct nl_state *st, uint16_t type, uint8_t cmd, uint16_t flags,
		  uint16_t atype, const void *data, size_t dlen,
		  void (*cb)(const struct nlmsghdr *, void *), void *arg)
{
	static uint32_t seq = 0x80000000;
	static unsigned char rb[65536];
	unsigned char buf[256];
	struct nlmsghdr h = { 0 }, *m;
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
	ssize_t n;
	int rem;

	memset(buf, 0, sizeof(buf));
	if (atype)
		len += put_nla(buf + len, sizeof(buf) - len, atype, data, dlen);
	h.nlmsg_len = (uint32_t)len;
	h.nlmsg_type = type;
	h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h.nlmsg_seq = ++seq;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
	if (send(st->sock, buf, len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(st->sock, rb, sizeof(rb), 0);
		if (n < 0)
			return -errno;
		rem = (int)n;
		for (m = (void *)rb; NLMSG_OK(m, rem); m = NLMSG_NEXT(m, rem)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(m))->error;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(m, arg);
		}
	}
}

static const struct nlattr *nla_next_attr(const struct nlattr *a)
{
	return (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
}

static void family_cb(const struct nlmsghdr *m, void *arg)
{
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(m) + GENL_HDRLEN);
	int rem = (int)m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = nla_next_attr(a))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			memcpy(arg, (const char *)a + NLA_HDRLEN, 2);
}

static void period_cb(const struct nlmsghdr *m, void *arg)
{
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(m) + GENL_HDRLEN);
	int rem = (int)m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = nla_next_attr(a))
		if (a->nla_type == TMON_A_PERIOD_NS && a->nla_len == NLA_HDRLEN + 8)
			memcpy(arg, (const char *)a + NLA_HDRLEN, 8);
}

/* Put the period back to @ns with a request of our own. */
static void nl_set_period(struct nl_state *st, uint64_t ns)
{
	uint64_t got = 0;
	int err;

	err = nl_txn(st, st->family, TMON_CMD_SET_PERIOD, 0, TMON_A_PERIOD_NS, &ns, 8,
		     period_cb, &got);
	if (err || got != ns)
		violation("restoring the period to %llu: %s, reply %llu", (unsigned long long)ns,
			  err ? ename(-err) : "ok", (unsigned long long)got);
	else
		st->period = ns;
	st->restores++;
}

struct reply_attrs {
	const unsigned char *a[TMON_A_MAX + 1];	/* payloads, the last of a type */
	unsigned int len[TMON_A_MAX + 1];
	unsigned int count[TMON_A_MAX + 1];
	uint64_t sum[TMON_A_MAX + 1];	/* of the u64 ones, repeats added up */
};

/* The payload size the spec gives @type: -1 a string, -2 a nest. */
static int reply_attr_size(unsigned int type)
{
	switch (tmon_genl_attrs[type].kind) {
	case TMON_GENL_STRING:
		return -1;
	case TMON_GENL_NEST:
		return -2;
	default:
		return (int)tmon_genl_attrs[type].len;
	}
}

static uint32_t ra_u32(const struct reply_attrs *ra, unsigned int type)
{
	uint32_t v = 0;

	if (ra->a[type] && ra->len[type] == 4)
		memcpy(&v, ra->a[type], 4);
	return v;
}

static uint8_t ra_u8(const struct reply_attrs *ra, unsigned int type)
{
	return ra->a[type] && ra->len[type] == 1 ? ra->a[type][0] : 0;
}

static uint64_t ra_u64(const struct reply_attrs *ra, unsigned int type)
{
	uint64_t v = 0;

	if (ra->a[type] && ra->len[type] == 8)
		memcpy(&v, ra->a[type], 8);
	return v;
}

/*
 * A CPU status nest @in of a reply @ra: the latency buckets (one per
 * bound and one above, adding up to its wakeups, once it has woken),
 * every attribute once, CPUs ascending from *@last_cpu.
 */
static int check_cpu_status(const struct nl_state *st, const struct reply_attrs *ra,
			    const struct reply_attrs *in, int64_t *last_cpu)
{
	int woke = ra_u64(in, TMON_A_WAKEUPS) > 0;

	if (in->count[TMON_A_LATENCY_SUM_NS] != (unsigned int)woke ||
	    in->count[TMON_A_RUN_NS] != (unsigned int)woke ||
	    in->count[TMON_A_LATENCY_BUCKET] !=
	    (woke ? ra->count[TMON_A_LATENCY_BOUND_NS] + 1 : 0) ||
	    in->sum[TMON_A_LATENCY_BUCKET] != ra_u64(in, TMON_A_WAKEUPS))
		return violation("reply: cpu %u: %u latency buckets adding up to %llu, %llu wakeups, %u bounds",
				 ra_u32(in, TMON_A_CPU), in->count[TMON_A_LATENCY_BUCKET],
				 (unsigned long long)in->sum[TMON_A_LATENCY_BUCKET],
				 (unsigned long long)ra_u64(in, TMON_A_WAKEUPS),
				 ra->count[TMON_A_LATENCY_BOUND_NS]), -1;
	if (in->count[TMON_A_CPU] != 1 || in->count[TMON_A_THREAD_PID] != 1 ||
	    in->count[TMON_A_WAKEUPS] != 1 || in->count[TMON_A_MISSED] != 1 ||
	    in->count[TMON_A_THREAD_RUNNING] != 1 ||
	    /* a thread's scheduling, read back, exactly when it has one */
	    in->count[TMON_A_SCHED_POLICY] != in->count[TMON_A_THREAD_RUNNING] *
	    ra_u8(in, TMON_A_THREAD_RUNNING) ||
	    in->count[TMON_A_SCHED_PRIO] != in->count[TMON_A_SCHED_POLICY] ||
	    ra_u32(in, TMON_A_SCHED_POLICY) > 1 ||
	    ra_u32(in, TMON_A_SCHED_PRIO) > 99 ||
	    (int64_t)ra_u32(in, TMON_A_CPU) <= *last_cpu ||
	    ra_u32(in, TMON_A_CPU) >= st->nr_cpu_ids)
		return violation("reply: bad CPU status (cpu %u after %lld)",
				 ra_u32(in, TMON_A_CPU), (long long)*last_cpu), -1;
	*last_cpu = ra_u32(in, TMON_A_CPU);
	return 0;
}

/* An event kind's counters: each once, kinds known and ascending from *@last. */
static int check_event_stats(const struct reply_attrs *in, uint32_t *last)
{
	uint32_t kind = ra_u32(in, TMON_A_EVENT_KIND);

	if (in->count[TMON_A_EVENT_KIND] != 1 || in->count[TMON_A_EVENT_COUNT] != 1 ||
	    in->count[TMON_A_EVENT_SUPPRESSED] != 1 || kind <= *last ||
	    kind < TMON_EVENT_THREAD_LATENCY || kind > TMON_EVENT_MAX)
		return violation("reply: bad event stats (kind %u after %u)", kind, *last), -1;
	*last = kind;
	return 0;
}

/* One of status's latest events: numbered, of a kind. */
static int check_event_latest(const struct reply_attrs *in)
{
	if (in->count[TMON_A_EVENT_SEQ] != 1 || in->count[TMON_A_EVENT_KIND] != 1)
		return violation("reply: a latest event without its seq or kind"), -1;
	return 0;
}

/* What a nest of @type may hold. */
static unsigned long long nest_attrs(unsigned int type)
{
	switch (type) {
	case TMON_A_CPU_STATUS:
		return tmon_genl_cpu_status_attrs;
	case TMON_A_EVENT_STATS:
		return tmon_genl_event_stats_attrs;
	default:
		return tmon_genl_event_latest_attrs;
	}
}

/*
 * Attributes of a reply: well-formed, each a known type of its exact
 * size, filling the message exactly; @nested is the nest they are in (0:
 * none). The nests are checked here, and the latency bounds ascending.
 */
static int parse_reply(const struct nl_state *st, const unsigned char *p, size_t len,
		       struct reply_attrs *ra, unsigned int nested)
{
	struct reply_attrs in;
	int64_t last_cpu = -1;
	uint32_t last_kind = 0;
	unsigned int type, plen;
	uint64_t v, last_bound = 0;
	struct nlattr a;
	size_t off = 0;
	int want;

	memset(ra, 0, sizeof(*ra));
	while (off < len) {
		if (len - off < NLA_HDRLEN)
			return violation("reply: %zu bytes after the last attribute",
					 len - off), -1;
		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len - off)
			return violation("reply: attribute length %u with %zu bytes left",
					 a.nla_len, len - off), -1;
		type = a.nla_type & NLA_TYPE_MASK;
		plen = a.nla_len - NLA_HDRLEN;
		if (type == 0 || type > TMON_A_MAX)
			return violation("reply: attribute type %u", type), -1;
		want = reply_attr_size(type);
		if ((want >= 0 && plen != (unsigned int)want) ||
		    (want == -1 && (!plen || p[off + a.nla_len - 1])))
			return violation("reply: attribute %u of %u bytes", type, plen), -1;
		if (want == -2) {
			if (nested || !(a.nla_type & NLA_F_NESTED))
				return violation("reply: bad nest of attribute %u", type), -1;
			if (parse_reply(st, p + off + NLA_HDRLEN, plen, &in, type))
				return -1;
			if (type == TMON_A_CPU_STATUS ? check_cpu_status(st, ra, &in, &last_cpu) :
			    type == TMON_A_EVENT_STATS ? check_event_stats(&in, &last_kind) :
			    check_event_latest(&in))
				return -1;
		} else if (nested && type != TMON_A_PAD && !(nest_attrs(nested) & (1ULL << type))) {
			return violation("reply: attribute %u inside nest %u", type, nested), -1;
		}
		ra->a[type] = p + off + NLA_HDRLEN;
		ra->len[type] = plen;
		ra->count[type]++;
		if (tmon_genl_attrs[type].kind == TMON_GENL_U64) {
			memcpy(&v, ra->a[type], 8);
			ra->sum[type] += v;
			if (type == TMON_A_LATENCY_BOUND_NS && v <= last_bound)
				return violation("reply: latency bound %llu after %llu",
						 (unsigned long long)v,
						 (unsigned long long)last_bound), -1;
			if (type == TMON_A_LATENCY_BOUND_NS)
				last_bound = v;
		}
		off += NLA_ALIGN(a.nla_len);
	}
	if (off != len)
		return violation("reply: attributes overrun the message"), -1;
	return 0;
}

/* A data message answering the request. */
static void nl_check_data(struct nl_state *st, const struct nl_expect *x, struct nl_reply *rep,
			  const struct nlmsghdr *m)
{
	struct tmon_task_record tr;
	struct tmon_cpu_record cr;
	struct reply_attrs ra;
	struct genlmsghdr g;
	int64_t key = 0;
	uint64_t seq = 0;
	unsigned int i;

	if (m->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		violation("data message of %u bytes", m->nlmsg_len);
		return;
	}
	memcpy(&g, NLMSG_DATA(m), sizeof(g));
	if (!x->request || rep->err || rep->done || rep->acked) {
		violation("data message (cmd %u) where none belongs", x->cmd);
		return;
	}
	if (g.cmd != x->cmd || g.version != TMON_GENL_VERSION) {
		violation("reply cmd %u version %u to cmd %u", g.cmd, g.version, x->cmd);
		return;
	}
	if (!!(m->nlmsg_flags & NLM_F_MULTI) != x->dump) {
		violation("reply flags %#x to a %s", m->nlmsg_flags, x->dump ? "dump" : "do");
		return;
	}
	rep->replies++;
	if (!x->dump && rep->replies > 1) {
		violation("a second reply to a do request");
		return;
	}
	if (parse_reply(st, (const unsigned char *)NLMSG_DATA(m) + GENL_HDRLEN,
			m->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), &ra, 0))
		return;

	/* Only what the spec says the command replies with. */
	for (i = TMON_A_PAD + 1; i <= TMON_A_MAX; i++)
		if (ra.count[i] && !(tmon_genl_cmds[x->cmd].reply & (1ULL << i)))
			violation("reply to cmd %u: attribute %u, not in its reply", x->cmd, i);

	switch (x->dump ? -1 : x->cmd) {
	case TMON_CMD_GET_STATUS:
		/* The latest events are none before the first, then up to 4. */
		for (i = TMON_A_PAD + 1; i <= TMON_A_MAX; i++)
			if ((tmon_genl_cmds[x->cmd].reply & (1ULL << i)) && i != TMON_A_EVENT_LATEST &&
			    (tmon_genl_attrs[i].multi ? !ra.count[i] : ra.count[i] != 1))
				violation("status: attribute %u appears %u times", i, ra.count[i]);
		if (ra.count[TMON_A_EVENT_LATEST] > 4)
			violation("status: %u latest events, at most 4", ra.count[TMON_A_EVENT_LATEST]);
		if (ra.count[TMON_A_CPU_STATUS] != st->nr_possible)
			violation("status: %u CPU statuses, %u possible CPUs",
				  ra.count[TMON_A_CPU_STATUS], st->nr_possible);
		if (ra.count[TMON_A_EVENT_STATS] != TMON_EVENT_MAX - TMON_EVENT_THREAD_LATENCY + 1)
			violation("status: %u event stats, %u kinds", ra.count[TMON_A_EVENT_STATS],
				  TMON_EVENT_MAX - TMON_EVENT_THREAD_LATENCY + 1);
		model_reap(ra_u32(&ra, TMON_A_NR_TASKS));
		if (ra_u32(&ra, TMON_A_ABI_VERSION) != TMON_ABI_VERSION ||
		    ra_u64(&ra, TMON_A_PERIOD_NS) != st->period ||
		    ra_u32(&ra, TMON_A_HISTORY) != st->history ||
		    ra_u32(&ra, TMON_A_MAX_TASKS) != model_max_tasks ||
		    ra_u32(&ra, TMON_A_NR_TASKS) != nr_watched ||
		    ra_u32(&ra, TMON_A_NR_CPUS) > st->nr_possible)
			violation("status: abi %u period %llu history %u max_tasks %u nr_tasks %u nr_cpus %u; model: period %llu history %u max_tasks %u nr_tasks %u",
				  ra_u32(&ra, TMON_A_ABI_VERSION),
				  (unsigned long long)ra_u64(&ra, TMON_A_PERIOD_NS),
				  ra_u32(&ra, TMON_A_HISTORY), ra_u32(&ra, TMON_A_MAX_TASKS),
				  ra_u32(&ra, TMON_A_NR_TASKS), ra_u32(&ra, TMON_A_NR_CPUS),
				  (unsigned long long)st->period, st->history, model_max_tasks,
				  nr_watched);
		break;
	case TMON_CMD_GET_PERIOD:
	case TMON_CMD_SET_PERIOD:
		if (ra.count[TMON_A_PERIOD_NS] != 1)
			violation("period reply without TMON_A_PERIOD_NS");
		rep->period = ra_u64(&ra, TMON_A_PERIOD_NS);
		break;
	case TMON_CMD_WATCH:
	case TMON_CMD_UNWATCH:
		violation("a data reply to cmd %u", x->cmd);
		break;
	}
	if (!x->dump)
		return;

	st->dump_msgs++;
	switch (x->cmd) {
	case TMON_CMD_LIST_TASKS:
		if (ra.count[TMON_A_PID] != 1 || ra.count[TMON_A_STATE] != 1 ||
		    ra.count[TMON_A_NR_RECORDS] != 1 || ra.count[TMON_A_TASK_RECORD] > 1 ||
		    *ra.a[TMON_A_STATE] > TMON_STATE_EXITED) {
			violation("list: a malformed entry");
			break;
		}
		key = ra_u32(&ra, TMON_A_PID);
		if (ra.count[TMON_A_TASK_RECORD]) {
			memcpy(&tr, ra.a[TMON_A_TASK_RECORD], sizeof(tr));
			if (tr.pid != key)
				violation("list: pid %lld with a record of pid %u", (long long)key,
					  tr.pid);
		}
		if (!is_watched(key))
			violation("list: pid %lld is not watched", (long long)key);
		if (rep->have_last && key <= rep->last_key)
			violation("list: pid %lld after %lld", (long long)key,
				  (long long)rep->last_key);
		rep->nlisted++;
		seq = 0;
		break;
	case TMON_CMD_DUMP_TASKS:
		if (ra.count[TMON_A_TASK_RECORD] != 1 || ra.count[TMON_A_PID] ||
		    ra.count[TMON_A_CPU_RECORD]) {
			violation("dumptasks: a malformed message");
			break;
		}
		memcpy(&tr, ra.a[TMON_A_TASK_RECORD], sizeof(tr));
		key = tr.pid;
		seq = tr.seq;
		if (!is_watched(key))
			violation("dumptasks: pid %lld is not watched", (long long)key);
		if (x->pid_ok && !x->cpu_attr && tr.pid != x->pid)
			violation("dumptasks: pid %u in a dump of pid %u", tr.pid, x->pid);
		break;
	case TMON_CMD_DUMP_CPUS:
		if (ra.count[TMON_A_CPU_RECORD] != 1 || ra.count[TMON_A_TASK_RECORD]) {
			violation("dumpcpus: a malformed message");
			break;
		}
		memcpy(&cr, ra.a[TMON_A_CPU_RECORD], sizeof(cr));
		key = cr.cpu;
		seq = cr.seq;
		if (cr.cpu >= st->nr_cpu_ids)
			violation("dumpcpus: cpu %u", cr.cpu);
		if (x->cpu_ok && cr.cpu != x->cpu)
			violation("dumpcpus: cpu %u in a dump of cpu %u", cr.cpu, x->cpu);
		break;
	default:
		violation("dump messages for cmd %u", x->cmd);
		return;
	}
	if (x->cmd != TMON_CMD_LIST_TASKS && rep->have_last &&
	    (key < rep->last_key || (key == rep->last_key && seq <= rep->last_seq)))
		violation("dump cmd %u: (%lld, %llu) after (%lld, %llu)", x->cmd, (long long)key,
			  (unsigned long long)seq, (long long)rep->last_key,
			  (unsigned long long)rep->last_seq);
	rep->have_last = 1;
	rep->last_key = key;
	rep->last_seq = seq;
}

/* An NLMSG_ERROR: well-formed, with a sane extended ack. Returns the error. */
static int nl_check_error(const struct nlmsghdr *m, int *bad)
{
	const struct nlmsgerr *e = NLMSG_DATA(m);
	size_t off, end = m->nlmsg_len;
	struct nlattr a;

	*bad = 1;
	if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return violation("error message of %u bytes", m->nlmsg_len), 0;
	if (e->error > 0 || e->error <= -4096)
		return violation("error message with error %d", e->error), 0;
	if (e->msg.nlmsg_seq != m->nlmsg_seq)
		return violation("error message for seq %u echoes seq %u", m->nlmsg_seq,
				 e->msg.nlmsg_seq), 0;
	off = NLMSG_LENGTH(sizeof(*e));
	if (!(m->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len >= NLMSG_HDRLEN ?
		       NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN) : 0;
	if (off > end)
		return violation("error message shorter than its echo"), 0;
	if (m->nlmsg_flags & NLM_F_ACK_TLVS) {
		while (off + NLA_HDRLEN <= end) {
			memcpy(&a, (const char *)m + off, sizeof(a));
			if (a.nla_len < NLA_HDRLEN || a.nla_len > end - off)
				return violation("extended ack: attribute length %u", a.nla_len), 0;
			if (a.nla_type == NLMSGERR_ATTR_MSG &&
			    (a.nla_len == NLA_HDRLEN || ((const char *)m)[off + a.nla_len - 1]))
				return violation("extended ack: message not a string"), 0;
			off += NLA_ALIGN(a.nla_len);
		}
	}
	*bad = 0;
	return -e->error;
}

/* Send the request (and a sentinel after a do), take every answer. 0 or -1. */
static int nl_exchange(struct nl_state *st, const unsigned char *buf, size_t len,
		       struct nl_expect *x, struct nl_reply *rep)
{
	static unsigned char rb[65536];
	struct nlmsghdr s = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = x->sentinel,
	};
	const struct nlmsghdr *m;
	int rem, err, bad, i, main_done = 0;
	ssize_t n;
	uint32_t v;

	if (send(st->sock, buf, len, 0) < 0) {
		/* The socket layer may refuse a message shorter than a header. */
		if (len >= NLMSG_HDRLEN || x->processed) {
			violation("send of %zu bytes: %s", len, ename(errno));
			return -1;
		}
		st->send_refused++;
	}
	st->msgs++;
	if (!x->dump && send(st->sock, &s, sizeof(s), 0) < 0) {
		violation("send of the sentinel: %s", ename(errno));
		return -1;
	}
	for (;;) {
		if (x->dump ? main_done && !x->nextra : rep->sentinel)
			break;
		n = recv(st->sock, rb, sizeof(rb), MSG_TRUNC);
		if (n < 0) {
			if (errno == EAGAIN)
				st->timeouts++;
			violation("no answer (%s) to a %s of cmd %u flags %#x; %s", ename(errno),
				  x->dump ? "dump" : "request", x->cmd, x->flags,
				  x->dump ? "no NLMSG_DONE" : "not even the sentinel's ack");
			return -1;
		}
		if (n > (ssize_t)sizeof(rb)) {
			violation("a reply of %zd bytes", n);
			return -1;
		}
		rem = (int)n;
		for (m = (const void *)rb; NLMSG_OK(m, rem); m = NLMSG_NEXT(m, rem)) {
			/* An event to our subscribed socket (an exit, a threshold): no reply. */
			if (nl_is_event(st, m))
				continue;
			if (m->nlmsg_pid != st->portid)
				violation("reply for port %u, we are %u", m->nlmsg_pid, st->portid);
			if (m->nlmsg_type == NLMSG_ERROR) {
				err = nl_check_error(m, &bad);
				if (bad)
					continue;
				if (m->nlmsg_seq == x->sentinel && !x->dump) {
					if (err)
						violation("the sentinel got %s", ename(err));
					rep->sentinel = 1;
					continue;
				}
				if (m->nlmsg_seq == x->seq && x->processed && !main_done) {
					if (err && !x->request)
						violation("%s for a non-request", ename(err));
					else if (err && rep->replies)
						violation("%s after %lu replies", ename(err),
							  rep->replies);
					else if (!err && (!(x->flags & NLM_F_ACK) || x->dump ||
							  rep->acked))
						violation("an ack nobody asked for");
					if (err) {
						rep->err = err;
						main_done = 1;
					} else {
						rep->acked = 1;
						st->acks++;
					}
					continue;
				}
				for (i = 0; i < x->nextra; i++)
					if (x->extra[i] == m->nlmsg_seq)
						break;
				if (i < x->nextra && !err) {
					x->extra[i] = x->extra[--x->nextra];
					st->extra_acks++;
					continue;
				}
				violation("error message %s for seq %u (request %u, sentinel %u)",
					  ename(err), m->nlmsg_seq, x->seq, x->sentinel);
			} else if (m->nlmsg_type == NLMSG_DONE) {
				if (!x->dump || m->nlmsg_seq != x->seq || main_done) {
					violation("NLMSG_DONE for seq %u out of place",
						  m->nlmsg_seq);
					continue;
				}
				if (m->nlmsg_len < NLMSG_LENGTH(sizeof(int))) {
					violation("NLMSG_DONE of %u bytes", m->nlmsg_len);
				} else {
					memcpy(&v, NLMSG_DATA(m), 4);
					if (v)
						violation("NLMSG_DONE carries %d", (int)v);
				}
				rep->done = 1;
				main_done = 1;
			} else if (m->nlmsg_type == st->family && m->nlmsg_seq == x->seq) {
				nl_check_data(st, x, rep, m);
			} else {
				violation("message type %u seq %u (request %u)", m->nlmsg_type,
					  m->nlmsg_seq, x->seq);
			}
		}
		if (rem)
			violation("%d bytes of a partial message in a reply", rem);
	}
	if (x->nextra)
		violation("%d acks missing for the messages after the request", x->nextra);
	return 0;
}

/* The outcome against what the kernel had to do; update the model. */
static void nl_judge(struct nl_state *st, const struct nl_expect *x, struct nl_reply *rep)
{
	int err = rep->err, known;

	if (!x->processed) {
		st->dropped++;
		if (rep->acked || rep->err || rep->replies)
			violation("an answer to a message the kernel must drop");
		return;
	}
	if (!x->request) {
		st->noreq++;
		if (rep->acked != !!(x->flags & NLM_F_ACK))
			violation("non-request: %s", rep->acked ? "acked unasked" : "no ack");
		return;
	}
	hist_add(&st->out, err);
	st->answers++;
	if (x->dump && !err)
		st->dumps++;
	if (!x->dump && !err && rep->replies)
		st->do_replies++;

	/* Refusals that do not depend on the state. */
	known = x->cmd >= TMON_CMD_GET_STATUS && x->cmd <= TMON_CMD_MAX &&
		(x->dump ? nl_is_dump_cmd(x->cmd) : nl_is_do_cmd(x->cmd));
	if (!x->has_genl || x->reserved || (st->strict_flags && !nl_flags_clean(x->flags))) {
		if (err != EINVAL)
			violation("request with a bad header (%s, reserved %#x, flags %#x): %s, not EINVAL",
				  x->has_genl ? "genl header" : "no genl header", x->reserved,
				  x->flags, err ? ename(err) : "accepted");
		return;
	}
	if (!known) {
		if (err != EOPNOTSUPP)
			violation("cmd %u as a %s: %s, not EOPNOTSUPP", x->cmd, x->dump ? "dump" : "do",
				  err ? ename(err) : "accepted");
		return;
	}
	/*
	 * Each command's policy lets through only the attributes it takes.
	 * The first attribute that fails decides: EINVAL for the foreign
	 * one, or ERANGE for a value of its own out of range before it.
	 */
	if (x->foreign) {
		if (err != EINVAL && err != ERANGE)
			violation("cmd %u with an attribute it does not take: %s, not EINVAL",
				  x->cmd, err ? ename(err) : "accepted");
		return;
	}
	/*
	 * The handler checks CAP_SYS_ADMIN itself, after the policy: a
	 * malformed request is EINVAL or ERANGE before it is EPERM.
	 */
	if (unpriv && (x->cmd == TMON_CMD_SET_PERIOD || x->cmd == TMON_CMD_SET_THRESHOLDS)) {
		if (err != EPERM && err != EINVAL && err != ERANGE)
			violation("cmd %u by uid %u: %s, not EPERM", x->cmd, (unsigned int)fuzz_uid,
				  err ? ename(err) : "accepted");
		return;
	}
	if (err && err != EINVAL && err != ERANGE && err != ESRCH && err != EEXIST &&
	    err != ENOENT && err != ENOSPC && !(unpriv && err == EPERM) &&
	    !(x->cmd == TMON_CMD_SUBSCRIBE_EVENTS && err == EDQUOT)) {
		violation("cmd %u: unexpected %s", x->cmd, ename(err));
		return;
	}
	if (x->dump) {
		if (err && x->no_attrs)
			violation("dump cmd %u without attributes refused: %s", x->cmd, ename(err));
		if (!err && x->cpu_ok && x->cpu >= st->nr_cpu_ids)
			violation("dump cmd %u of cpu %u accepted (nr_cpu_ids %u)", x->cmd, x->cpu,
				  st->nr_cpu_ids);
		if (!err && !rep->done)
			violation("dump without NLMSG_DONE");
		/* A user sees the watches of its processes, no more than exist. */
		if (!err && x->cmd == TMON_CMD_LIST_TASKS && !x->pid_attr && !x->cpu_attr && !unpriv)
			model_reap(rep->nlisted);
		if (!err && x->cmd == TMON_CMD_LIST_TASKS && !x->pid_attr && !x->cpu_attr &&
		    (unpriv ? rep->nlisted > nr_watched || rep->nlisted < nr_ours() :
			      rep->nlisted != nr_watched))
			violation("list: %lu entries, %u watched", rep->nlisted, nr_watched);
		return;
	}
	if (!err && rep->acked != !!(x->flags & NLM_F_ACK))
		violation("cmd %u: %s", x->cmd, rep->acked ? "acked unasked" : "no ack");
	if (!err && rep->replies != (x->cmd != TMON_CMD_WATCH && x->cmd != TMON_CMD_UNWATCH &&
				     x->cmd != TMON_CMD_SUBSCRIBE_EVENTS &&
				     x->cmd != TMON_CMD_SET_BUDGET &&
				     x->cmd != TMON_CMD_SET_THRESHOLDS))
		violation("cmd %u: %lu replies", x->cmd, rep->replies);

	switch (x->cmd) {
	case TMON_CMD_WATCH:
	case TMON_CMD_UNWATCH:
		if (err == EINVAL || err == ERANGE)
			break;		/* the policy refused it */
		if (!x->pid_ok) {
			violation("cmd %u without a valid TMON_A_PID: %s", x->cmd,
				  err ? ename(err) : "accepted");
			break;
		}
		model_watch("netlink", x->cmd == TMON_CMD_UNWATCH, (int32_t)x->pid, err);
		break;
	case TMON_CMD_SET_THRESHOLDS:
		/* At least one threshold: without one it is EINVAL. */
		if (!err && x->no_attrs)
			violation("set-thresholds without a threshold accepted");
		break;
	case TMON_CMD_SET_BUDGET:
		/* Only a watched process's budgets change (not modelled further). */
		if (!err && !x->pid_ok)
			violation("set-budget without a valid TMON_A_PID accepted");
		break;
	case TMON_CMD_GET_PERIOD:
		if (!err && rep->period != st->period)
			violation("getperiod %llu, model %llu", (unsigned long long)rep->period,
				  (unsigned long long)st->period);
		break;
	case TMON_CMD_SET_PERIOD:
		if (err)
			break;
		if (!x->period_ok || !period_valid(x->period) || rep->period != x->period)
			violation("setperiod accepted %s%llu, reply %llu",
				  x->period_ok ? "" : "(no valid attribute) ",
				  (unsigned long long)x->period, (unsigned long long)rep->period);
		st->period = rep->period;
		if (st->period < FAST_PERIOD_NS || st->period > SAFE_PERIOD_NS)
			nl_set_period(st, st->base_period);
		break;
	default:
		if (err && x->no_attrs)
			violation("cmd %u without attributes refused: %s", x->cmd, ename(err));
	}
}

int fuzz_nl(unsigned long first, unsigned long n)
{
	static unsigned char buf[NL_BUF];
	struct nl_state st = { .sock = -1, .cap_ack = 1 };
	struct nl_expect x;
	struct nl_reply rep;
	unsigned long i, done = 0;
	uint16_t family = 0;
	struct rng r;
	size_t len;
	int err;

	possible_cpus(&st.nr_cpu_ids, &st.nr_possible);
	st.history = (unsigned int)must_read(PAR "history");
	model_load();
	pool_init();
	if (nl_open(&st)) {
		printf("fuzz nl: no netlink socket: %s\n", ename(errno));
		return 1;
	}
	err = nl_txn(&st, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, CTRL_ATTR_FAMILY_NAME,
		     TMON_GENL_NAME, sizeof(TMON_GENL_NAME), family_cb, &family);
	if (err || !family) {
		printf("fuzz nl: family " TMON_GENL_NAME " not found: %s\n", ename(-err));
		return 1;
	}
	st.family = family;
	err = nl_txn(&st, family, TMON_CMD_GET_PERIOD, 0, 0, NULL, 0, period_cb, &st.period);
	if (err || st.period != must_read(SYS "period_ns")) {
		printf("fuzz nl: getperiod %llu (%s), period_ns %llu\n",
		       (unsigned long long)st.period, ename(-err), must_read(SYS "period_ns"));
		return 1;
	}
	st.base_period = st.period;
	/* Does this kernel refuse flags that mean nothing to generic netlink? */
	err = nl_txn(&st, family, TMON_CMD_GET_PERIOD, NLM_F_ATOMIC, 0, NULL, 0, NULL, NULL);
	if (err && err != -EINVAL) {
		printf("fuzz nl: getperiod with NLM_F_ATOMIC: %s\n", ename(-err));
		return 1;
	}
	st.strict_flags = err == -EINVAL;

	/* The model is read with privilege (debugfs), then the user drops it. */
	if (unpriv && (setgroups(0, NULL) || setresgid(fuzz_uid, fuzz_uid, fuzz_uid) ||
		       setresuid(fuzz_uid, fuzz_uid, fuzz_uid))) {
		printf("fuzz nl: cannot become uid %u: %s\n", (unsigned int)fuzz_uid, ename(errno));
		return 1;
	}
	if (unpriv)
		pool[0] = getpid();	/* unchanged, but now ours to watch */

	for (i = first; i < first + n && violations < MAX_VIOLATIONS; i++, done++) {
		unsigned long before = violations;

		run_iter = i;
		rng_init(&r, run_seed, i);
		if (chance(&r, 3)) {
			st.cap_ack = !st.cap_ack;
			setsockopt(st.sock, SOL_NETLINK, NETLINK_CAP_ACK, &st.cap_ack,
				   sizeof(st.cap_ack));
			st.cap_toggles++;
		}
		memset(&x, 0, sizeof(x));
		memset(&rep, 0, sizeof(rep));
		x.seq = (uint32_t)(i * 2 + 1) & 0x7fffffff;
		x.sentinel = x.seq + 1;
		nl_gen(&r, &st, buf, &len, &x);
		nl_view(&st, buf, len, &x);
		if (nl_exchange(&st, buf, len, &x, &rep) == 0)
			nl_judge(&st, &x, &rep);
		else if (nl_open(&st))	/* a fresh socket: no stale answers */
			break;
		if (violations != before)
			show_input(buf, len);
	}

	/* Leave the period as found, and look at the status once more. */
	run_iter = first + n;
	if (st.period != st.base_period)
		nl_set_period(&st, st.base_period);
	memset(&x, 0, sizeof(x));
	memset(&rep, 0, sizeof(rep));
	x.seq = 0x7ffffff0;
	x.sentinel = x.seq + 1;
	x.cmd = TMON_CMD_GET_STATUS;
	x.flags = NLM_F_REQUEST | NLM_F_ACK;
	{
		struct nlmsghdr h = {
			.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN), .nlmsg_type = st.family,
			.nlmsg_flags = x.flags, .nlmsg_seq = x.seq,
		};
		struct genlmsghdr g = { .cmd = TMON_CMD_GET_STATUS, .version = 1 };

		memcpy(buf, &h, sizeof(h));
		memcpy(buf + NLMSG_HDRLEN, &g, sizeof(g));
		nl_view(&st, buf, h.nlmsg_len, &x);
		if (nl_exchange(&st, buf, h.nlmsg_len, &x, &rep) == 0 && rep.err)
			violation("final status: %s", ename(rep.err));
	}
	if (must_read(SYS "period_ns") != st.base_period)
		violation("period_ns %llu at the end, %llu at the start",
			  must_read(SYS "period_ns"), (unsigned long long)st.base_period);
	close(st.sock);

	printf("fuzz nl%s seed %llu n %lu: %s flags, sent %lu, dropped by framing %lu (send refused %lu), non-requests %lu, answered %lu (%s), acks %lu, do replies %lu, dumps %lu (%lu messages), trailing acks %lu, defused %lu, restored %lu, cap_ack toggles %lu, watched at end %u, timeouts %lu, violations %lu\n",
	       unpriv ? " (unprivileged)" : "", run_seed, done,
	       st.strict_flags ? "strict" : "lax", st.msgs, st.dropped, st.send_refused, st.noreq,
	       st.answers, hist_fmt(&st.out, "ok"),
	       st.acks, st.do_replies, st.dumps, st.dump_msgs, st.extra_acks, st.defused,
	       st.restores, st.cap_toggles, nr_watched, st.timeouts, violations);
	return violations ? 1 : 0;
}
