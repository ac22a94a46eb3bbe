// SPDX-License-Identifier: GPL-2.0
/*
 * tmon-helper fusefile DIR MIB: mount at DIR a read-only FUSE file system
 * holding one file, "f", of MIB MiB, and serve it until DIR is unmounted.
 * The guest has no block device and no swap, so this is where its major
 * faults come from: a page of "f" that is not in the page cache is read
 * through this server, and the fault that waits for it is a major one.
 * FUSE is built into Debian's kernels but bookworm's 6.1, whose fuse.ko
 * the tests load; libfuse is not in the initramfs, so the protocol is
 * spoken here directly (linux/fuse.h): INIT, LOOKUP, GETATTR, OPEN, READ,
 * FLUSH, RELEASE; anything else is ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "helper.h"

#define FILE_ID 2
#define ATTR_VALID 3600

static unsigned long long file_size;

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	a->blksize = 4096;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0444;
		a->size = file_size;
		a->blocks = (file_size + 511) / 512;
	}
}

/* One answer to request @unique: its error, or @len bytes of @data. */
static int reply(int fd, uint64_t unique, int error, const void *data, size_t len)
{
	struct fuse_out_header h = {
		.len = sizeof(h) + (error ? 0 : len),
		.error = error,
		.unique = unique,
	};
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, error ? 0 : len } };

	/* (ENOENT: the request was interrupted meanwhile) */
	if (writev(fd, iov, 2) < 0 && errno != ENOENT)
		return perror("fusefile: writev"), -1;
	return 0;
}

static int serve(int fd, char *buf, size_t size)
{
	static char data[128 << 10];	/* the file's bytes: a pattern */
	struct fuse_in_header *in = (void *)buf;
	void *arg = buf + sizeof(*in);
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	for (;;) {
		n = read(fd, buf, size);
		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < 0 && errno == ENODEV)	/* unmounted */
			return 0;
		if (n < (ssize_t)sizeof(*in))
			return perror("fusefile: read"), 1;
		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *ii = arg;
			struct fuse_init_out o = {
				.major = FUSE_KERNEL_VERSION,
				.minor = FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = ii->max_readahead,
				.max_write = 4096,
			};

			if (ii->major != FUSE_KERNEL_VERSION)
				return fprintf(stderr, "fusefile: FUSE %u\n", ii->major), 1;
			if (reply(fd, in->unique, 0, &o, sizeof(o)))
				return 1;
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out o = {
				.nodeid = FILE_ID,
				.entry_valid = ATTR_VALID,
				.attr_valid = ATTR_VALID,
			};

			fill_attr(&o.attr, FILE_ID);
			if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "f"))
				n = reply(fd, in->unique, -ENOENT, NULL, 0);
			else
				n = reply(fd, in->unique, 0, &o, sizeof(o));
			if (n)
				return 1;
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = { .attr_valid = ATTR_VALID };

			fill_attr(&o.attr, in->nodeid);
			if (reply(fd, in->unique, 0, &o, sizeof(o)))
				return 1;
			break;
		}
		case FUSE_OPEN: {
			struct fuse_open_out o = { .fh = 1 };

			if (reply(fd, in->unique, 0, &o, sizeof(o)))
				return 1;
			break;
		}
		case FUSE_READ: {
			const struct fuse_read_in *r = arg;
			unsigned long long len = r->size;

			if (r->offset >= file_size)
				len = 0;
			else if (len > file_size - r->offset)
				len = file_size - r->offset;
			if (len > sizeof(data))
				len = sizeof(data);
			if (reply(fd, in->unique, 0, data, len))
				return 1;
			break;
		}
		case FUSE_FLUSH:
		case FUSE_RELEASE:
			if (reply(fd, in->unique, 0, NULL, 0))
				return 1;
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break;		/* (no answer is expected) */
		default:
			if (reply(fd, in->unique, -ENOSYS, NULL, 0))
				return 1;
		}
	}
}

int fuse_main(int argc, char **argv)
{
	size_t size = FUSE_MIN_READ_BUFFER + (128 << 10);
	char opts[128], *buf;
	int fd;

	if (argc != 2)
		return fprintf(stderr, "usage: tmon-helper fusefile DIR MIB\n"), 2;
	file_size = strtoull(argv[1], NULL, 10) << 20;
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	buf = malloc(size);
	if (fd < 0 || !buf)
		return perror("fusefile: /dev/fuse"), 1;
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
	if (mount("tmon-test", argv[0], "fuse", MS_NOSUID | MS_NODEV | MS_RDONLY, opts))
		return perror("fusefile: mount"), 1;
	return serve(fd, buf, size);
}
