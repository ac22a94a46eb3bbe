// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tmon", through libmnl: resolve the family,
 * send one request, run every reply through a validated attribute table,
 * and keep the kernel's extended ack text for the error line; or, for a
 * subscribed socket, read what comes through the same table.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tmonctl.h"
#include "../include/tmon_genl_model.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif

/* Dumps arrive in messages as long as the receive buffer: be generous. */
/* The status of a 256-CPU machine, with its latency buckets, is ~90 KiB. */
#define NL_BUF_SIZE	(256 * 1024)

static struct mnl_socket *nl;
static uint16_t family_id;
static uint32_t family_version;
static unsigned int portid, seq;
static char buf[NL_BUF_SIZE];
static char ext_msg[256];

/* libmnl's check of each kind of attribute the spec names. */
static const enum mnl_attr_data_type mnl_types[TMON_GENL_BINARY + 1] = {
	[TMON_GENL_U8] = MNL_TYPE_U8,
	[TMON_GENL_U32] = MNL_TYPE_U32,
	[TMON_GENL_U64] = MNL_TYPE_U64,
	[TMON_GENL_STRING] = MNL_TYPE_NUL_STRING,
	[TMON_GENL_NEST] = MNL_TYPE_NESTED,
};

/* Attributes this tool does not know are skipped: a newer module may add some. */
static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, TMON_A_MAX) < 0 || type == TMON_A_UNSPEC ||
	    type == TMON_A_PAD)
		return MNL_CB_OK;
	/* A record may grow at its end: at least the size this tool knows. */
	if (tmon_genl_attrs[type].kind == TMON_GENL_BINARY) {
		if (mnl_attr_get_payload_len(attr) < tmon_genl_attrs[type].len)
			goto bad;
	} else if (mnl_attr_validate(attr, mnl_types[tmon_genl_attrs[type].kind]) < 0) {
		goto bad;
	}
	tb[type] = attr;
	return MNL_CB_OK;
bad:
	snprintf(ext_msg, sizeof(ext_msg), "malformed attribute %u in the reply", type);
	errno = EPROTO;
	return MNL_CB_ERROR;
}

struct talk {
	nl_reply_cb cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TMON_A_MAX + 1] = { NULL };
	struct talk *t = data;
	int err;

	/* (a socket that listens to nlctrl too: not a reply to us) */
	if (nlh->nlmsg_type != family_id)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, tb) != MNL_CB_OK)
		return MNL_CB_ERROR;
	if (!t->cb)
		return MNL_CB_OK;
	err = t->cb(nlh, tb, t->data);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int extack_cb(const struct nlattr *attr, void *data)
{
	(void)data;
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(ext_msg, sizeof(ext_msg), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* An error or an ack; the text after the (capped) request is the extack. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*e);

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && mnl_nlmsg_size(off) <= nlh->nlmsg_len)
		mnl_attr_parse(nlh, off, extack_cb, NULL);
	if (e->error) {
		errno = -e->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/* The end of a dump: it may carry the dump's error and an extack. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	const int *err = mnl_nlmsg_get_payload(nlh);

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*err) && *err < 0) {
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			mnl_attr_parse(nlh, sizeof(*err), extack_cb, NULL);
		errno = -*err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	(void)data;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			family_id = mnl_attr_get_u16(attr);
		if (mnl_attr_get_type(attr) == CTRL_ATTR_VERSION &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			family_version = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static int run(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int my_seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	ext_msg[0] = '\0';
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(buf, (size_t)n, my_seq, portid, cb, data,
				  ctl_cbs, ARRAY_SIZE(ctl_cbs));
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -(errno ? errno : EPROTO) : 0;
}

static struct nlmsghdr *put_header(uint16_t type, uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/*
 * Open the socket and find the family. 0, or an exit status after one
 * error line: EXIT_NOMOD when the module is not loaded.
 */
int nl_open(void)
{
	struct nlmsghdr *nlh;
	int one = 1, err;

	if (nl)
		return EXIT_OK;
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		error("cannot open a generic netlink socket: %s", strerror(errno));
		return EXIT_ERR;
	}
	/* Both are optional: without them errors come without a text. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	portid = mnl_socket_get_portid(nl);
	seq = (unsigned int)time(NULL);

	nlh = put_header(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TMON_GENL_NAME);
	err = run(nlh, family_cb, NULL);
	if (err == -ENOENT) {
		error("the tmon module is not loaded: run 'modprobe tmon'");
		return EXIT_NOMOD;
	}
	if (err || !family_id) {
		error("cannot find the netlink family '%s': %s", TMON_GENL_NAME,
		      nl_strerror(err ? err : -EPROTO));
		return EXIT_ERR;
	}
	/* The family's version is the module's ABI: records differ across. */
	if (family_version != TMON_GENL_VERSION) {
		error("the loaded tmon module has ABI %u, this tmonctl ABI %u: %s", family_version,
		      TMON_GENL_VERSION,
		      "install tmon-dkms and tmon-utils of one version and reload the module");
		return EXIT_ERR;
	}
	return EXIT_OK;
}

struct nlmsghdr *nl_request(uint8_t cmd, bool dump)
{
	return put_header(family_id, cmd, TMON_GENL_VERSION, dump ? NLM_F_DUMP : 0);
}

void nl_put_u32(struct nlmsghdr *nlh, uint16_t type, uint32_t v)
{
	mnl_attr_put_u32(nlh, type, v);
}

void nl_put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	mnl_attr_put_u64(nlh, type, v);
}

/* Send @nlh; @cb sees each reply's attributes. 0 or -errno. */
int nl_talk(struct nlmsghdr *nlh, nl_reply_cb cb, void *data)
{
	struct talk t = { .cb = cb, .data = data };

	errno = 0;
	return run(nlh, data_cb, &t);
}

/* The kernel's own words when it gave some, else strerror(). */
const char *nl_strerror(int err)
{
	static char msg[320];

	if (ext_msg[0])
		snprintf(msg, sizeof(msg), "%s (%s)", ext_msg, strerror(-err));
	else
		snprintf(msg, sizeof(msg), "%s", strerror(-err));
	return msg;
}

/* A record attribute into its structure; false if absent. */
/* A nest's attributes into @tb (TMON_A_MAX + 1, zeroed), checked as a message's are. */
int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb)
{
	return mnl_attr_parse_nested(nest, attr_cb, tb) == MNL_CB_OK ? 0 : -EPROTO;
}

bool nl_get_record(const struct nlattr *attr, void *rec, size_t size)
{
	if (!attr)
		return false;
	memcpy(rec, mnl_attr_get_payload(attr), size);
	return true;
}

/*
 * Listen to nlctrl's notifications too, so that nl_recv() tells when the
 * family goes (the module is unloaded). Open to every user. 0 or -errno.
 */
int nl_listen(void)
{
	/* nlctrl's one group, "notify", is GENL_ID_CTRL (as iproute2 takes it). */
	uint32_t notify = GENL_ID_CTRL;

	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &notify, sizeof(notify)) < 0)
		return -errno;
	return 0;
}

int nl_fd(void)
{
	return mnl_socket_get_fd(nl);
}

struct listen {
	struct talk talk;
	bool gone;
};

/* nlctrl's word that our family was unregistered. */
static bool family_gone(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) || g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	mnl_attr_for_each(attr, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			return mnl_attr_get_u16(attr) == family_id;
	}
	return false;
}

static int listen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct listen *l = data;

	if (nlh->nlmsg_type == GENL_ID_CTRL && family_gone(nlh)) {
		l->gone = true;
		return MNL_CB_STOP;
	}
	return data_cb(nlh, &l->talk);
}

/*
 * What one receive brings, unasked: @cb sees the attributes of each
 * message of the family, as nl_talk()'s. 0, or -errno: -EIDRM when the
 * family went, -ENOBUFS when the socket overran (messages were lost; it
 * goes on), -EAGAIN when there was nothing.
 */
int nl_recv(nl_reply_cb cb, void *data)
{
	struct listen l = { .talk = { .cb = cb, .data = data } };
	ssize_t n;
	int ret;

	ext_msg[0] = '\0';
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	errno = 0;
	/* The kernel's own messages: sequence number and port 0, not checked. */
	ret = mnl_cb_run2(buf, (size_t)n, 0, 0, listen_cb, &l, ctl_cbs, ARRAY_SIZE(ctl_cbs));
	if (ret < 0)
		return -(errno ? errno : EPROTO);
	return l.gone ? -EIDRM : 0;
}
