// SPDX-License-Identifier: GPL-2.0
/* tmon-helper fuzz: /dev/tmon (see fuzz.c). */
#define _GNU_SOURCE
#include "fuzz.h"

/* ---- fuzz dev ---- */

#define DEV_FDS		4
#define DEV_MAPS	8
#define ENTRY		sizeof(struct tmon_ring_entry)

struct dev_fd {
	int fd;			/* -1: free */
	int rd, wr, nonblock;
	uint64_t *last;		/* per ring: last seq read, UINT64_MAX none */
};

struct dev_map {
	unsigned char *addr;	/* NULL: free */
	size_t len;
	off_t off;
	int prot;
};

struct dev_state {
	struct tmon_ring_info info;
	size_t total;		/* bytes of the whole mapping */
	unsigned int nr_cpu_ids;
	struct dev_fd f[DEV_FDS];
	struct dev_map m[DEV_MAPS];
	unsigned char *rbuf;	/* read buffer, larger than the rings */
	size_t rbuf_size;
	unsigned char *guard;	/* two pages, then an inaccessible one */
	unsigned char *hole;	/* inaccessible */
	struct hist ioctl_out, mmap_out, read_out, poll_out, seek_out, write_out, open_out;
	unsigned long ops, entries, pages, headers, kept, skipped, mprotects, mremaps;
};

enum ptr_kind { P_VALID, P_PARTIAL, P_BAD_USER, P_BAD };

/* A pointer to @need bytes: ours, partly ours, or nobody's. */
static void *gen_ptr(struct rng *r, struct dev_state *st, size_t need, enum ptr_kind *kind,
		     size_t *valid)
{
	static const uintptr_t kernel[] = {
		0xffff888000000000UL, 0xffffffff81000000UL, 0xfffffffffffff000UL,
		0x0000800000000000UL, 0x8000000000000000UL, 0xdead000000000000UL,
	};
	size_t k;

	switch (below(r, 10)) {
	case 0 ... 4:
		*kind = P_VALID;
		*valid = st->rbuf_size;
		return st->rbuf + (chance(r, 20) ? below(r, 8) : 0);
	case 5:
		*kind = P_BAD_USER;
		*valid = 0;
		return NULL;
	case 6:
		*kind = P_BAD_USER;
		*valid = 0;
		return chance(r, 50) ? (void *)(uintptr_t)(1 + below(r, 0xffff)) :
		       st->hole + below(r, 16 * PAGE);
	case 7:
		*kind = P_BAD;
		*valid = 0;
		return (void *)(PICK(r, kernel) + below(r, PAGE));
	default:
		k = 1 + below(r, need > 1 ? (uint32_t)(need - 1) : 1);
		if (k > 2 * PAGE)
			k = 2 * PAGE;
		*kind = k >= need ? P_VALID : P_PARTIAL;
		*valid = k;
		return st->guard + 2 * PAGE - k;
	}
}

static struct dev_fd *dev_pick_fd(struct rng *r, struct dev_state *st)
{
	unsigned int i, k = below(r, DEV_FDS);

	for (i = 0; i < DEV_FDS; i++)
		if (st->f[(k + i) % DEV_FDS].fd >= 0)
			return &st->f[(k + i) % DEV_FDS];
	return NULL;
}

static void dev_close(struct dev_state *st, struct dev_fd *f)
{
	close(f->fd);
	f->fd = -1;
	(void)st;
}

static void dev_open(struct rng *r, struct dev_state *st)
{
	static const int acc[] = { O_RDONLY, O_RDONLY, O_RDWR, O_WRONLY, O_ACCMODE };
	struct dev_fd *f = NULL;
	int flags, fd, expect = 0, i;

	for (i = 0; i < DEV_FDS && !f; i++)
		if (st->f[i].fd < 0)
			f = &st->f[i];
	if (!f) {
		f = &st->f[below(r, DEV_FDS)];
		dev_close(st, f);
	}
	flags = PICK(r, acc) | O_CLOEXEC;
	if (chance(r, 50))
		flags |= O_NONBLOCK;
	if (chance(r, 5))
		flags |= O_APPEND;
	if (chance(r, 5))
		flags |= O_TRUNC;
	if (chance(r, 5))
		flags |= O_SYNC;
	if (chance(r, 4)) {
		flags |= O_DIRECT;
		expect = EINVAL;
	}
	if (chance(r, 3)) {
		flags |= O_DIRECTORY;
		expect = ENOTDIR;
	}
	fd = open("/dev/tmon", flags);
	hist_add(&st->open_out, fd < 0 ? errno : 0);
	if (fd < 0 ? errno != expect && !(expect && errno == EINVAL) : expect != 0)
		violation("open(/dev/tmon, %#x): %s", flags, fd < 0 ? ename(errno) : "opened");
	if (fd < 0)
		return;
	f->fd = fd;
	f->rd = (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
	f->wr = (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
	f->nonblock = !!(flags & O_NONBLOCK);
	memset(f->last, 0xff, st->info.nr_rings * sizeof(uint64_t));
}

/* Entries returned by read(): whole, well-formed, in order per ring. */
static void dev_check_entries(struct dev_state *st, struct dev_fd *f, const unsigned char *buf,
			      size_t n)
{
	struct tmon_ring_entry e;
	int64_t ring = -1;
	size_t i;

	for (i = 0; i + ENTRY <= n; i += ENTRY) {
		memcpy(&e, buf + i, ENTRY);
		st->entries++;
		if (e.ring >= st->info.nr_rings ||
		    (e.type != TMON_ENTRY_CPU && e.type != TMON_ENTRY_TASK) ||
		    (e.type == TMON_ENTRY_CPU && e.cpu.cpu != e.ring) ||
		    (e.type == TMON_ENTRY_TASK && !e.task.pid)) {
			violation("read: bad entry: ring %u type %u seq %llu", e.ring, e.type,
				  (unsigned long long)e.seq);
			return;
		}
		if ((int64_t)e.ring < ring)
			violation("read: ring %u after ring %lld in one read", e.ring,
				  (long long)ring);
		if (f->last[e.ring] != UINT64_MAX && e.seq <= f->last[e.ring])
			violation("read: ring %u seq %llu after %llu", e.ring,
				  (unsigned long long)e.seq, (unsigned long long)f->last[e.ring]);
		f->last[e.ring] = e.seq;
		ring = e.ring;
	}
}

static void dev_read(struct rng *r, struct dev_state *st, struct dev_fd *f)
{
	static const size_t odd[] = { SIZE_MAX, (size_t)SSIZE_MAX + 1, (size_t)INT_MAX + 1 };
	struct pollfd p = { .fd = f->fd, .events = POLLIN };
	enum ptr_kind kind;
	size_t count, valid;
	int err, use_pread = chance(r, 20);
	off_t pos = chance(r, 20) ? -(off_t)below(r, 100) - 1 : (off_t)rnd(r) >> 1;
	unsigned char *buf;
	ssize_t n;

	buf = gen_ptr(r, st, ENTRY * 4, &kind, &valid);
	switch (below(r, 10)) {
	case 0:
		count = 0;
		break;
	case 1:
		count = 1 + below(r, ENTRY - 1);
		break;
	case 2:
		count = ENTRY;
		break;
	case 3:
		count = ENTRY + 1 + below(r, ENTRY - 1);
		break;
	case 4:
		count = ENTRY * (2 + below(r, 8));
		break;
	case 5:
		count = kind == P_VALID ? st->rbuf_size - 8 : PICK(r, odd);
		break;
	default:
		count = ENTRY * below(r, 64) + below(r, ENTRY);
	}
	if (kind == P_VALID && count > valid - 8)
		count = valid >= 8 + ENTRY ? valid - 8 : valid;
	/* Never block: a blocking file is read only when poll() says so. */
	if (!f->nonblock && f->rd && count >= ENTRY &&
	    (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))) {
		st->skipped++;
		return;
	}
	n = use_pread ? pread(f->fd, buf, count, pos) : read(f->fd, buf, count);
	err = n < 0 ? errno : 0;
	hist_add(&st->read_out, err);
	if (!f->rd) {
		/* ksys_pread64() refuses a negative offset before anything */
		if (err != EBADF && !(err == EINVAL && use_pread && pos < 0))
			violation("read of a file not open for reading: %s",
				  err ? ename(err) : "accepted");
		return;
	}
	if (n >= 0) {
		if (n == 0 || n % (ssize_t)ENTRY || (size_t)n > count ||
		    (kind != P_VALID && (size_t)n > valid))
			violation("read(%zu) into %s returned %zd", count,
				  kind == P_VALID ? "a buffer" : "a partial buffer", n);
		else
			dev_check_entries(st, f, buf, (size_t)n);
		return;
	}
	if (err == EINVAL && (count < ENTRY || (use_pread && pos < 0) || count > (size_t)SSIZE_MAX))
		return;
	if (err == EFAULT && kind != P_VALID)
		return;
	if (err == EAGAIN && f->nonblock && count >= ENTRY)
		return;
	violation("%s(%zu bytes, %s buffer, %s file): %s", use_pread ? "pread" : "read", count,
		  kind == P_VALID ? "valid" : kind == P_PARTIAL ? "partial" : "bad",
		  f->nonblock ? "nonblocking" : "blocking", ename(err));
}

static void dev_ioctl(struct rng *r, struct dev_state *st, struct dev_fd *f)
{
	static const unsigned char vfs_types[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94 };
	struct tmon_ring_info got;
	enum ptr_kind kind;
	unsigned long cmd;
	size_t valid;
	unsigned int i;
	void *arg;
	int ret, err;

	switch (below(r, 4)) {
	case 0 ... 1:
		cmd = TMON_IOC_INFO;
		break;
	case 2:
		cmd = _IOC(below(r, 4), TMON_IOC_MAGIC, chance(r, 50) ? below(r, 4) : below(r, 256),
			   PICK(r, ((const unsigned int[]){ 0, 8, 15, 16, 17, 24, 0x3fff })));
		break;
	default:
		cmd = (uint32_t)rnd(r);
		/* Leave the VFS's own ioctls (FIONBIO, FIFREEZE, ...) alone. */
		for (i = 0; i < ARRAY_SIZE(vfs_types); i++)
			if (_IOC_TYPE(cmd) == vfs_types[i])
				cmd = (cmd & ~(0xffUL << _IOC_TYPESHIFT)) |
				      (0xb6UL << _IOC_TYPESHIFT);
	}
	arg = gen_ptr(r, st, sizeof(got), &kind, &valid);
	if (kind == P_VALID)
		memset(arg, 0xa5, sizeof(got));
	ret = ioctl(f->fd, cmd, arg);
	err = ret < 0 ? errno : 0;
	hist_add(&st->ioctl_out, err);
	if (cmd != TMON_IOC_INFO) {
		if (err != ENOTTY)
			violation("ioctl %#lx: %s, not ENOTTY", cmd, err ? ename(err) : "accepted");
		return;
	}
	if (kind == P_VALID) {
		memcpy(&got, arg, sizeof(got));
		if (err || memcmp(&got, &st->info, sizeof(got)))
			violation("TMON_IOC_INFO: %s, version %u rings %u bytes %llu",
				  err ? ename(err) : "ok", got.version, got.nr_rings,
				  (unsigned long long)got.ring_bytes);
	} else if (err != EFAULT) {
		violation("TMON_IOC_INFO to a bad pointer: %s", err ? ename(err) : "accepted");
	}
}

static void dev_unmap(struct dev_state *st, struct dev_map *m)
{
	if (munmap(m->addr, m->len))
		violation("munmap: %s", ename(errno));
	m->addr = NULL;
	(void)st;
}

/* Read every page of a mapping; ring headers must be what they say. */
static void dev_touch(struct dev_state *st, struct dev_map *m)
{
	struct tmon_ring_header h;
	size_t k, len = (m->len + PAGE - 1) & ~(PAGE - 1);
	volatile unsigned char sink;
	unsigned long long at;

	for (k = 0; k < len; k += PAGE) {
		sink = m->addr[k];
		(void)sink;
		st->pages++;
		at = (unsigned long long)m->off + k;
		if (at % st->info.ring_bytes)
			continue;
		memcpy(&h, m->addr + k, sizeof(h));
		st->headers++;
		if (h.magic != TMON_RING_MAGIC || h.version != TMON_ABI_VERSION ||
		    h.cpu != at / st->info.ring_bytes || h.entry_size != ENTRY ||
		    h.ring_bytes != st->info.ring_bytes || h.data_offset != PAGE ||
		    h.nr_entries != (st->info.ring_bytes - PAGE) / ENTRY)
			violation("ring header at %llu: magic %#x version %u cpu %u entry %u nr %llu bytes %llu data %llu",
				  at, h.magic, h.version, h.cpu, h.entry_size,
				  (unsigned long long)h.nr_entries,
				  (unsigned long long)h.ring_bytes,
				  (unsigned long long)h.data_offset);
	}
}

static void dev_mmap(struct rng *r, struct dev_state *st, struct dev_fd *f)
{
	static const int prots[] = {
		PROT_READ, PROT_READ, PROT_READ, PROT_NONE, PROT_READ | PROT_EXEC,
		PROT_READ | PROT_WRITE, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	static const int bases[] = {
		MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_PRIVATE, MAP_PRIVATE,
		MAP_SHARED_VALIDATE, 0,
	};
	static const int extras[] = {
		MAP_POPULATE, MAP_NORESERVE, MAP_LOCKED, MAP_32BIT, MAP_NONBLOCK, MAP_SYNC,
		MAP_HUGETLB, 0x8000000,
	};
	size_t pages = st->total / PAGE, len, end;
	struct dev_map *m = NULL;
	int prot, flags, extra = 0, err, plain, i;
	void *hint = NULL, *p;
	off_t off;

	switch (below(r, 10)) {
	case 0:
		len = 0;
		break;
	case 1:
		len = st->total;
		break;
	case 2:
		len = st->total + PAGE * (1 + below(r, 2));
		break;
	case 3:
		len = st->info.ring_bytes;
		break;
	case 4:
		len = 1 + below(r, (uint32_t)st->total + 2 * PAGE);
		break;
	case 5:
		len = chance(r, 50) ? 1ULL << 40 : SIZE_MAX - PAGE / 2;
		break;
	default:
		len = PAGE * (1 + below(r, (uint32_t)pages + 1));
	}
	switch (below(r, 10)) {
	case 0 ... 2:
		off = 0;
		break;
	case 3 ... 4:
		off = (off_t)(st->info.ring_bytes * below(r, st->info.nr_rings + 1));
		break;
	case 5:
		off = 1 + below(r, PAGE - 1);
		break;
	case 6:
		off = chance(r, 50) ? (off_t)1 << 52 : -(off_t)PAGE;
		break;
	case 7:
		off = (off_t)st->total;
		break;
	default:
		off = (off_t)(PAGE * below(r, (uint32_t)pages + 3));
	}
	prot = PICK(r, prots);
	flags = PICK(r, bases);
	if (chance(r, 15)) {
		extra = PICK(r, extras);
		flags |= extra;
	}
	if (chance(r, 5))
		hint = (void *)(uintptr_t)(0x200000000000UL + PAGE * below(r, 1 << 20));

	p = mmap(hint, len, prot, flags, f->fd, off);
	err = p == MAP_FAILED ? errno : 0;
	hist_add(&st->mmap_out, err);
	end = SIZE_MAX;
	if (off >= 0 && len <= st->total)
		end = (size_t)off + ((len + PAGE - 1) & ~(PAGE - 1));
	plain = (flags & ~MAP_POPULATE) == MAP_SHARED || (flags & ~MAP_POPULATE) == MAP_PRIVATE;
	plain = plain && (prot == PROT_READ || prot == PROT_NONE) && !hint;
	if (!err) {
		if (!len || off < 0 || off % PAGE || end > st->total || !f->rd ||
		    (prot & PROT_WRITE) ||
		    !((flags & MAP_TYPE) == MAP_SHARED || (flags & MAP_TYPE) == MAP_PRIVATE ||
		      (flags & MAP_TYPE) == MAP_SHARED_VALIDATE)) {
			violation("mmap(len %zu, prot %#x, flags %#x, off %lld) of %zu bytes succeeded (file %s)",
				  len, prot, flags, (long long)off, st->total,
				  f->rd ? "readable" : "not readable");
			munmap(p, len);
			return;
		}
	} else {
		if (plain && len && off >= 0 && !(off % PAGE) && end <= st->total && f->rd)
			violation("mmap(len %zu, prot %#x, flags %#x, off %lld) of %zu bytes: %s",
				  len, prot, flags, (long long)off, st->total, ename(err));
		return;
	}

	for (i = 0; i < DEV_MAPS && !m; i++)
		if (!st->m[i].addr)
			m = &st->m[i];
	if (!m) {
		m = &st->m[below(r, DEV_MAPS)];
		dev_unmap(st, m);
	}
	m->addr = p;
	m->len = len;
	m->off = off;
	m->prot = prot;
	if (prot & PROT_READ)
		dev_touch(st, m);
	st->mprotects++;
	if (!mprotect(p, len, PROT_READ | PROT_WRITE))
		violation("mprotect of the mapping to writable succeeded");
	if (chance(r, 10)) {
		st->mremaps++;
		p = mremap(m->addr, len, len + PAGE, MREMAP_MAYMOVE);
		if (p != MAP_FAILED) {
			violation("mremap of the mapping from %zu to %zu bytes succeeded", len,
				  len + PAGE);
			m->addr = p;
			m->len = len + PAGE;
		}
	}
	if (chance(r, 50))
		dev_unmap(st, m);
	else
		st->kept++;
}

static void dev_iter(struct rng *r, struct dev_state *st)
{
	struct pollfd p;
	struct dev_fd *f;
	unsigned int k;
	off_t ret;
	int whence, err, fl;
	ssize_t n;

	f = dev_pick_fd(r, st);
	if (!f) {
		dev_open(r, st);
		return;
	}
	st->ops++;
	k = below(r, 100);
	if (k < 25) {
		dev_ioctl(r, st, f);
	} else if (k < 50) {
		dev_mmap(r, st, f);
	} else if (k < 72) {
		dev_read(r, st, f);
	} else if (k < 82) {
		p.fd = f->fd;
		p.events = (short)(chance(r, 50) ? POLLIN : rnd(r));
		p.revents = 0;
		n = poll(&p, 1, chance(r, 90) ? 0 : 1 + (int)below(r, 5));
		hist_add(&st->poll_out, n < 0 ? errno : 0);
		if (n < 0 || (n && (p.revents & ~(p.events & (POLLIN | POLLRDNORM)))))
			violation("poll(events %#x): %zd, revents %#x", (unsigned short)p.events, n,
				  (unsigned short)p.revents);
	} else if (k < 87) {
		whence = chance(r, 80) ? (int)below(r, 5) : (int)below(r, 100);
		ret = lseek(f->fd, (off_t)rnd(r), whence);
		err = ret < 0 ? errno : 0;
		hist_add(&st->seek_out, err);
		if (whence <= SEEK_HOLE ? ret != 0 : err != EINVAL)
			violation("lseek(whence %d): %lld (%s)", whence, (long long)ret,
				  ename(err));
	} else if (k < 90) {
		n = write(f->fd, st->rbuf, below(r, 3 * ENTRY));
		err = n < 0 ? errno : 0;
		hist_add(&st->write_out, err);
		if (err != (f->wr ? EINVAL : EBADF))
			violation("write: %s", err ? ename(err) : "accepted");
	} else if (k < 93) {
		fl = fcntl(f->fd, F_GETFL);
		f->nonblock = !f->nonblock;
		if (fcntl(f->fd, F_SETFL, f->nonblock ? fl | O_NONBLOCK : fl & ~O_NONBLOCK))
			violation("fcntl F_SETFL: %s", ename(errno));
	} else if (k < 97) {
		dev_open(r, st);
	} else if (k < 99) {
		dev_close(st, f);
	} else {
		for (k = 0; k < DEV_MAPS; k++)
			if (st->m[k].addr)
				dev_unmap(st, &st->m[k]);
	}
}

int fuzz_dev(unsigned long first, unsigned long n)
{
	static struct dev_state st;
	unsigned long i, done = 0;
	unsigned int nposs, k;
	struct rng r;
	int fd;

	possible_cpus(&st.nr_cpu_ids, &nposs);
	fd = open("/dev/tmon", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TMON_IOC_INFO, &st.info)) {
		printf("fuzz dev: /dev/tmon: %s\n", ename(errno));
		return 1;
	}
	close(fd);
	st.total = (size_t)st.info.nr_rings * st.info.ring_bytes;
	if (st.info.version != TMON_ABI_VERSION || st.info.nr_rings != st.nr_cpu_ids ||
	    st.info.ring_bytes != ((must_read(PAR "ring_kb") * 1024 + PAGE - 1) & ~(PAGE - 1))) {
		printf("fuzz dev: info: version %u rings %u (nr_cpu_ids %u) ring_bytes %llu (ring_kb %llu)\n",
		       st.info.version, st.info.nr_rings, st.nr_cpu_ids,
		       (unsigned long long)st.info.ring_bytes, must_read(PAR "ring_kb"));
		return 1;
	}
	st.rbuf_size = 2 * st.total + (1 << 20);
	st.rbuf = mmap(NULL, st.rbuf_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	st.guard = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.hole = mmap(NULL, 16 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st.rbuf == MAP_FAILED || st.guard == MAP_FAILED || st.hole == MAP_FAILED ||
	    mprotect(st.guard + 2 * PAGE, PAGE, PROT_NONE)) {
		printf("fuzz dev: no memory\n");
		return 1;
	}
	for (k = 0; k < DEV_FDS; k++) {
		st.f[k].fd = -1;
		st.f[k].last = calloc(st.info.nr_rings, sizeof(uint64_t));
	}

	for (i = first; i < first + n && violations < MAX_VIOLATIONS; i++, done++) {
		run_iter = i;
		rng_init(&r, run_seed, i);
		dev_iter(&r, &st);
	}

	run_iter = first + n;
	for (k = 0; k < DEV_MAPS; k++)
		if (st.m[k].addr)
			dev_unmap(&st, &st.m[k]);
	for (k = 0; k < DEV_FDS; k++)
		if (st.f[k].fd >= 0)
			dev_close(&st, &st.f[k]);
	printf("fuzz dev seed %llu n %lu: rings %u x %llu bytes; operations %lu: ioctl (%s), mmap (%s), read (%s), poll (%s), lseek (%s), write (%s), open (%s); entries read %lu, reads skipped (would block) %lu, pages touched %lu, ring headers checked %lu, mappings kept %lu, mprotect refused %lu, mremap tried %lu, violations %lu\n",
	       run_seed, done, st.info.nr_rings, (unsigned long long)st.info.ring_bytes, st.ops,
	       hist_fmt(&st.ioctl_out, "ok"), hist_fmt(&st.mmap_out, "ok"),
	       hist_fmt(&st.read_out, "ok"), hist_fmt(&st.poll_out, "ok"),
	       hist_fmt(&st.seek_out, "ok"), hist_fmt(&st.write_out, "ok"),
	       hist_fmt(&st.open_out, "ok"), st.entries, st.skipped, st.pages, st.headers,
	       st.kept, st.mprotects, st.mremaps, violations);
	return violations ? 1 : 0;
}
