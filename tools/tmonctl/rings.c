// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/tmon stream rings, mapped read-only. Each ring has one
 * producer that never waits; this reader keeps its own position per ring
 * and follows the protocol of tmon_abi.h: an entry is good only if its
 * seq reads the same, and equal to the position, before and after the
 * copy. Whatever was overwritten first is counted as lost.
 *
 * Only an admin in the initial pid namespace may map the rings; anyone
 * else the device lets in reads them with read(), which filters task
 * entries for them. Loss is then the gaps in each ring's seq (a hidden
 * entry still takes its seq).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tmonctl.h"
#include "../../src/tmon_ring_reader.h"

struct rings {
	int fd;
	void *map;
	size_t map_len;
	struct tmon_ring_info info;
	uint64_t *pos;		/* next entry to read, per ring */
	uint64_t lost;
	bool by_read;		/* not mapped: read() */
};

/* Entries read per read() call. */
#define RING_READ_BATCH	64

/* Read what is there already, without delivering it: from now on. */
static struct rings *rings_open_read(struct rings *r, int *err)
{
	struct tmon_ring_entry e[RING_READ_BATCH];
	ssize_t n;
	size_t i;

	r->by_read = true;
	if (fcntl(r->fd, F_SETFL, O_NONBLOCK))
		goto fail;
	while ((n = read(r->fd, e, sizeof(e))) > 0)
		for (i = 0; i < (size_t)n / sizeof(e[0]); i++)
			if (e[i].ring < r->info.nr_rings)
				r->pos[e[i].ring] = e[i].seq + 1;
	if (errno != EAGAIN)
		goto fail;
	return r;
fail:
	*err = -errno;
	rings_close(r);
	return NULL;
}

/* Mapped, and positioned at each ring's head: from now on. NULL and *err on failure. */
struct rings *rings_open(int *err)
{
	struct rings *r = calloc(1, sizeof(*r));
	unsigned int i;

	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	r->map = MAP_FAILED;
	r->fd = open(TMON_DEV, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || ioctl(r->fd, TMON_IOC_INFO, &r->info))
		goto fail;
	if (r->info.version != TMON_ABI_VERSION || !r->info.nr_rings || !r->info.ring_bytes) {
		errno = EPROTO;
		goto fail;
	}
	r->map_len = (size_t)r->info.nr_rings * r->info.ring_bytes;
	r->map = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED, r->fd, 0);
	r->pos = calloc(r->info.nr_rings, sizeof(*r->pos));
	if (!r->pos)
		goto fail;
	if (r->map == MAP_FAILED && errno == EPERM)
		return rings_open_read(r, err);
	if (r->map == MAP_FAILED)
		goto fail;
	for (i = 0; i < r->info.nr_rings; i++) {
		const struct tmon_ring_header *h = tmon_ring_at(r->map, &r->info, i);

		if (!tmon_ring_valid(h, &r->info)) {
			errno = EPROTO;
			goto fail;
		}
		r->pos[i] = tmon_ring_head(h);
	}
	return r;
fail:
	*err = -errno;
	rings_close(r);
	return NULL;
}

/* read() mode: every entry the kernel has for us; gaps in seq are loss. */
static int rings_drain_read(struct rings *r, ring_entry_cb cb, void *data)
{
	struct tmon_ring_entry e[RING_READ_BATCH];
	ssize_t n;
	size_t i;
	int err;

	while ((n = read(r->fd, e, sizeof(e))) > 0) {
		for (i = 0; i < (size_t)n / sizeof(e[0]); i++) {
			if (e[i].ring >= r->info.nr_rings)
				return -EPROTO;
			if (e[i].seq > r->pos[e[i].ring])
				r->lost += e[i].seq - r->pos[e[i].ring];
			r->pos[e[i].ring] = e[i].seq + 1;
			if (e[i].type == TMON_ENTRY_HIDDEN)
				continue;
			err = cb(&e[i], data);
			if (err)
				return err;
		}
	}
	return errno == EAGAIN ? 0 : -errno;
}

/* Hand every entry written since the last call to @cb, ring by ring. */
int rings_drain(struct rings *r, ring_entry_cb cb, void *data)
{
	struct tmon_ring_entry copy;
	unsigned int i;
	int err;

	if (r->by_read)
		return rings_drain_read(r, cb, data);
	for (i = 0; i < r->info.nr_rings; i++) {
		const struct tmon_ring_header *h = tmon_ring_at(r->map, &r->info, i);
		uint64_t head, p, nr = h->nr_entries;

		for (;;) {
			head = tmon_ring_head(h);
			p = r->pos[i];
			if (p >= head)
				break;
			if (head - p > nr) {
				r->lost += head - p - nr;
				p = head - nr;
			}
			r->pos[i] = p + 1;
			if (!tmon_ring_take(h, p, &copy)) {
				r->lost++;	/* overwritten while we looked */
				continue;
			}
			err = cb(&copy, data);
			if (err)
				return err;
		}
	}
	return 0;
}

uint64_t rings_lost(const struct rings *r)
{
	return r->lost;
}

void rings_close(struct rings *r)
{
	if (!r)
		return;
	if (r->map != MAP_FAILED)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r->pos);
	free(r);
}
