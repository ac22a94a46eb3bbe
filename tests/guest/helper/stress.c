// SPDX-License-Identifier: GPL-2.0
/*
 * Drivers of the stress tests (t-92 .. t-98):
 *
 *   tmon-helper stress sleepers N [watch]
 *	fork N children that pause(); print their pids, then "ready". With
 *	"watch", watch each through debugfs first. The children die with
 *	the parent (PR_SET_PDEATHSIG), which pauses until killed.
 *
 *   tmon-helper stress churn SEED SECONDS MAXFORKS RECYCLED
 *	(until SECONDS, MAXFORKS forks or RECYCLED forks that got a pid an
 *	earlier child had) processes that fork, exec, exit and are reaped, their pids recycled
 *	(the test lowers pid_max), while they are watched and unwatched
 *	through debugfs. Each child names itself gGEN after exec, so a
 *	record names the process it came from: a record "pid P comm gG"
 *	must come from a successful watch of pid P while generation G had
 *	it. The watch list must match a model exactly (EEXIST only for a pid
 *	whose earlier entry is still listed; an entry whose process was
 *	forked exited_keep_sec ago may be gone), and once every child is
 *	reaped every entry must read "exited". Exits 1 on a violation.
 *
 *   tmon-helper stress account SECONDS
 *	follow every ring for SECONDS and check that each wakeup sampled
 *	its share of the watch list: task entries + samples_dropped growth
 *	+ samples_skipped growth = sum over the periods the wakeups served
 *	of the CPU's share (+- one wakeup per CPU at each end). The window
 *	opens and closes when every sampler is asleep, caught up. Needs a
 *	fixed set of live watched processes and no hotplug.
 *
 *   tmon-helper stress failnth KO PARAMS SECONDS MAX SEED
 *	load KO with the n-th fault-injection point of the load failing
 *	(/proc/thread-self/fail-nth): every point of a load if there are
 *	at most MAX, else MAX of them spread over the load (SEED offsets
 *	them), within SECONDS. Each load must fail cleanly (no interface,
 *	thread or /sys/module entry left) or work and unload.
 *
 *   tmon-helper stress balloon MARGIN_MIB SECONDS
 *	take anonymous memory until free memory is within MARGIN_MIB of the
 *	zones' low watermarks (where kswapd reclaims), or below the high
 *	ones with kswapd reclaiming, say "reached", and keep it there for
 *	SECONDS more, topping up as the kernel reclaims.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../src/tmon_ring_reader.h"
#include "rng.h"

#define TASKS		"/sys/kernel/debug/tmon/tasks"
#define WATCHED		"/sys/kernel/debug/tmon/watched"
#define DROPPED		"/sys/kernel/tmon/samples_dropped"
#define SKIPPED		"/sys/kernel/tmon/samples_skipped"
#define PID_LIMIT	4194304
#define MAX_LIVE	24

#include "helper.h"

/* One write(2) to debugfs tasks: 0 or errno. */
static int tasks_write(const char *fmt, long pid)
{
	char buf[32];
	int fd = open(TASKS, O_WRONLY), err = 0;

	if (fd < 0)
		return errno;
	snprintf(buf, sizeof(buf), fmt, pid);
	if (write(fd, buf, strlen(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

static unsigned long long read_ull(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%llu", &v) != 1) {
		printf("cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return v;
}

/* ---- sleepers ---- */

static int sleepers(int n, int do_watch)
{
	int i, err;

	/* A child killed by a test is reaped at once: its exit is seen. */
	signal(SIGCHLD, SIG_IGN);
	for (i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			return perror("fork"), 1;
		if (p == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		if (do_watch && (err = tasks_write("%ld", p)))
			return printf("watch %d: %s\n", p, errname(err)), 1;
		printf("%d\n", p);
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

/*
 * The threads whose comm starts with @prefix, from /proc's entries only
 * (a probe of every possible pid took minutes on the debug kernel): their
 * number, and the first @max of their pids in @pids.
 */
static int threads_named(const char *prefix, int *pids, int max)
{
	char path[300], comm[32];
	struct dirent *d;
	DIR *proc = opendir("/proc");
	int n = 0;
	FILE *f;

	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, strlen(prefix))) {
			if (n < max)
				pids[n] = atoi(d->d_name);
			n++;
		}
		fclose(f);
	}
	if (proc)
		closedir(proc);
	return n;
}

/* ---- churn ---- */

/* Generations seen with each pid at a successful watch: a short list each. */
struct pair {
	int pid;
	unsigned int gen;
};

static struct pair *pairs;
static size_t npairs, cap_pairs;
static unsigned char *model;		/* pid number listed */
static unsigned char *used;		/* pid number given to an earlier child */
static unsigned long nmodel;
/*
 * When the process of each listed entry was forked. The module drops an
 * exited entry exited_keep_sec after it saw the exit, which its probe
 * on sched_process_exit sees as it happens: before our reap (seconds
 * before, on the debug kernel, when a check held the loop), never
 * before the fork. An entry forked that long ago may be gone.
 */
static double *listed_since;
static double keep_s;
static int pid_hi;			/* pid_max at the start: above, no child */

static int may_be_dropped(int pid)
{
	return model[pid] && now_s() - listed_since[pid] >= keep_s;
}

static int pair_known(int pid, unsigned int gen)
{
	size_t i;

	for (i = 0; i < npairs; i++)
		if (pairs[i].pid == pid && pairs[i].gen == gen)
			return 1;
	return 0;
}

static void pair_add(int pid, unsigned int gen)
{
	if (npairs == cap_pairs) {
		cap_pairs = cap_pairs ? cap_pairs * 2 : 1024;
		pairs = realloc(pairs, cap_pairs * sizeof(*pairs));
		if (!pairs)
			exit(printf("out of memory\n") ? 1 : 1);
	}
	pairs[npairs].pid = pid;
	pairs[npairs++].gen = gen;
}

static unsigned long violations, records_checked;

#define VIOLATION(...) do { printf("VIOLATION: " __VA_ARGS__); violations++; } while (0)

/* Every record must come from a process that was watched under its pid. */
static void check_records(void)
{
	FILE *f = fopen(TASKS, "r");
	char line[512], comm[64];
	unsigned int gen;
	int pid;

	if (!f) {
		VIOLATION("cannot open %s\n", TASKS);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "pid %d comm %63s", &pid, comm) != 2) {
			VIOLATION("bad line: %s", line);
			continue;
		}
		records_checked++;
		if (sscanf(comm, "g%u", &gen) == 1) {
			if (!pair_known(pid, gen))
				VIOLATION("record of pid %d from generation %u, never watched: %s",
					  pid, gen, line);
		} else if (strcmp(comm, "tmon-helper") && strcmp(comm, "churn-child")) {
			VIOLATION("record of a process we did not make: %s", line);
		}
	}
	fclose(f);
}

/* The watched file against the model; with @all_exited every entry exited. */
static int check_watched(int all_exited, int report)
{
	FILE *f = fopen(WATCHED, "r");
	char line[256], state[16];
	unsigned long n = 0, running = 0, old;
	int pid, bad = 0;

	if (!f) {
		VIOLATION("cannot open %s\n", WATCHED);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "pid %d comm %*s state %15s", &pid, state) != 2) {
			VIOLATION("bad line: %s", line);
			continue;
		}
		n++;
		if (pid <= 0 || pid >= PID_LIMIT || !model[pid]) {
			VIOLATION("pid %d listed, not in the model\n", pid);
		} else if (all_exited && strcmp(state, "exited")) {
			running++;
			if (report)
				VIOLATION("pid %d still %s after every child was reaped\n", pid, state);
			bad = 1;
		}
	}
	fclose(f);
	/* (a long run outlives exited_keep_sec: old exited entries go) */
	for (pid = 1, old = 0; pid < pid_hi; pid++)
		old += may_be_dropped(pid);
	if (n > nmodel || n + old < nmodel)
		VIOLATION("%lu entries listed, the model has %lu (%lu of them exited %.0f s ago or more)\n",
			  n, nmodel, old, keep_s);
	return bad;
}

struct child {
	pid_t pid;
	unsigned int gen;
};

static int churn_child(const char *gen, const char *ms)
{
	char name[16];

	snprintf(name, sizeof(name), "g%u", (unsigned int)atoi(gen) % 100000000);
	prctl(PR_SET_NAME, name);
	usleep((useconds_t)atoi(ms) * 1000);
	return 0;
}

static int churn(uint64_t seed, double seconds, unsigned long max_forks, unsigned long enough)
{
	unsigned long forks = 0, recycled = 0, reaped = 0, execs = 0;
	unsigned long w_ok = 0, w_exist = 0, w_full = 0, w_replaced = 0, u_ok = 0, checks = 0;
	struct child live[MAX_LIVE];
	unsigned int nlive = 0, gen = 0, i;
	double end = now_s() + seconds, next_check = now_s() + 0.2, t_fork;
	struct rng r = { seed };
	int status, err;
	pid_t p;

	model = calloc(PID_LIMIT, 1);
	used = calloc(PID_LIMIT, 1);
	listed_since = calloc(PID_LIMIT, sizeof(*listed_since));
	if (!model || !used || !listed_since)
		return printf("out of memory\n"), 1;
	keep_s = read_ull("/sys/module/tmon/parameters/exited_keep_sec");
	pid_hi = read_ull("/proc/sys/kernel/pid_max");
	if (pid_hi <= 0 || pid_hi > PID_LIMIT)
		pid_hi = PID_LIMIT;
	while (now_s() < end && forks < max_forks && recycled < enough && violations < 20) {
		if (nlive < MAX_LIVE) {
			char g[16], ms[16];

			gen++;
			snprintf(g, sizeof(g), "%u", gen);
			snprintf(ms, sizeof(ms), "%u", below(&r, 30));
			t_fork = now_s();
			p = fork();
			if (p < 0)
				return perror("fork"), 1;
			if (p == 0) {
				/* Half exec (a new image under a new name), half stay. */
				if (gen % 2)
					execl("/bin/churn-child", "churn-child", "stress", "child", g, ms,
					      (char *)NULL);
				_exit(churn_child(g, ms));
			}
			forks++;
			execs += gen % 2;
			if (used[p])
				recycled++;
			used[p] = 1;
			live[nlive].pid = p;
			live[nlive++].gen = gen;
			/* Watch most of them, at once: alive or a zombie, still ours. */
			if (below(&r, 10) < 7) {
				err = tasks_write("%ld", p);
				if (!err) {
					/* A recycled pid: the gone process's entry is replaced. */
					if (model[p])
						w_replaced++;
					else
						nmodel++;
					model[p] = 1;
					listed_since[p] = t_fork;
					pair_add(p, gen);
					w_ok++;
				} else if (err == EEXIST) {
					if (!model[p])
						VIOLATION("watch %d: EEXIST, not listed\n", p);
					w_exist++;
				} else if (err == ENOSPC) {
					w_full++;
				} else {
					VIOLATION("watch %d: %s\n", p, errname(err));
				}
			}
		}
		/* Unwatch a listed pid now and then, so entries come and go. */
		if (nmodel && below(&r, 3)) {
			int q = -1;

			for (i = 0; i < nlive && q < 0; i++)
				if (model[live[i].pid])
					q = live[i].pid;
			/* Or any listed pid: the lowest from a random start. */
			if (q < 0) {
				q = (int)below(&r, 2048);
				while (q < PID_LIMIT && !model[q])
					q++;
				if (q == PID_LIMIT)
					for (q = 1; !model[q]; q++)
						;
			}
			err = tasks_write("-%ld", q);
			if (err && !(err == ENOENT && may_be_dropped(q)))
				VIOLATION("unwatch %d: %s\n", q, errname(err));
			model[q] = 0;
			nmodel--;
			u_ok++;
		}
		/* Reap what has exited: its pid number is free again. */
		while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < nlive; i++)
				if (live[i].pid == p)
					break;
			if (i < nlive)
				live[i] = live[--nlive];
			reaped++;
		}
		if (nlive == MAX_LIVE)
			usleep(1000);
		if (now_s() >= next_check) {
			double t0 = now_s(), t1;

			check_records();
			check_watched(0, 1);
			checks++;
			/*
			 * At most a fifth of the time goes to checks: on the
			 * debug kernel one read of the history took a second,
			 * and checks every 0.2 s left 45 forks in a minute.
			 */
			t1 = now_s();
			next_check = t1 + (4 * (t1 - t0) > 0.2 ? 4 * (t1 - t0) : 0.2);
		}
	}
	while ((p = wait(&status)) > 0)
		reaped++;
	/* Every child is gone: the sampler marks each entry at its next look. */
	end = now_s() + 10;
	while (check_watched(1, 0) && now_s() < end && violations < 20)
		usleep(50000);
	check_watched(1, 1);
	check_records();
	printf("forks %lu (exec %lu), reaped %lu, recycled pids %lu, watches %lu (stale replaced %lu, "
	       "EEXIST %lu, ENOSPC %lu), unwatches %lu, checks %lu, records checked %lu, listed at the end %lu, "
	       "violations %lu\n", forks, execs, reaped, recycled, w_ok, w_replaced, w_exist, w_full, u_ok,
	       checks, records_checked, nmodel, violations);
	return violations ? 1 : 0;
}

/* ---- account ---- */

/* The pids of tmon's threads: tmon/N first, then tmon_sample/N. */
static int tmon_pids[2 * 4096], nr_tmon_pids;

/* Whether the task @pid sleeps (S or I in /proc/PID/stat). */
static int task_sleeps(int pid)
{
	char path[64], stat[256], *state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* "PID (COMM) STATE ...": the state after the last ')' */
	state = fgets(stat, sizeof(stat), f) ? strrchr(stat, ')') : NULL;
	fclose(f);
	return state && (state[2] == 'S' || state[2] == 'I');
}

static void ring_heads(const char *rings, const struct tmon_ring_info *info, uint64_t *heads)
{
	unsigned int c;

	for (c = 0; c < info->nr_rings; c++)
		heads[c] = tmon_ring_head(tmon_ring_at(rings, info, c));
}

/*
 * One end of the window, exact: ring heads and the loss counters taken
 * at a moment when every wakeup before it has been served and none is
 * being made. The ring heads do not move from before the threads are
 * seen asleep to after the counters are read; a tmon/N thread asleep has
 * made its sampler request (it pushes its record first), and its sampler,
 * looked at after it, asleep, has served it: the entries and the losses
 * of every record up to the heads are in, those of later records are
 * not. Tries for @seconds; whether it found such a moment.
 */
static int window_edge(const char *rings, const struct tmon_ring_info *info, uint64_t *heads,
		       unsigned long long *dropped, unsigned long long *skipped, double seconds)
{
	static uint64_t again[4096];
	double end = now_s() + seconds;
	int i;

	do {
		ring_heads(rings, info, heads);
		for (i = 0; i < nr_tmon_pids && task_sleeps(tmon_pids[i]); i++)
			;
		if (i < nr_tmon_pids)
			continue;
		*dropped = read_ull(DROPPED);
		*skipped = read_ull(SKIPPED);
		ring_heads(rings, info, again);
		if (!memcmp(heads, again, info->nr_rings * sizeof(*heads)))
			return 1;
	} while (now_s() < end);
	return 0;
}

/*
 * Every sample the wakeups of a window owed (each record: its share,
 * once for each period it served, missed ones too) is a task entry of
 * the ring, a counted drop or a counted skip, exactly: both ends of the
 * window are quiet moments (window_edge()).
 */
/* Write @val to the parameter @name: 0, or it says why and -1. */
static int param_write(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/tmon/parameters/%s", name);
	f = fopen(path, "w");
	if (!f || fputs(val, f) < 0 || fclose(f)) {
		printf("cannot write %s to %s\n", val, path);
		return -1;
	}
	return 0;
}

/*
 * window_edge(), and if no moment was quiet for 5 s (samplers that never
 * all sleep: a loaded debug kernel, memory pressure), the period held
 * off for a moment to make one: log_sec near an hour regrids every
 * thread a minute away at least, so what was owed is served and they sleep; then
 * log_sec back as it was, which regrids from now. The wakeups and
 * samples on both sides are those of one period each, so the account
 * stays exact; says so when it did.
 */
static int window_edge_made(const char *rings, const struct tmon_ring_info *info,
			    uint64_t *heads, unsigned long long *dropped,
			    unsigned long long *skipped, unsigned long long *held)
{
	double ns = (double)read_ull("/sys/module/tmon/parameters/log_nsec") / 1e9, now, t;
	char sec[32], off[32];
	unsigned int p;
	int found;

	if (window_edge(rings, info, heads, dropped, skipped, 5))
		return 1;
	snprintf(sec, sizeof(sec), "%llu", read_ull("/sys/module/tmon/parameters/log_sec"));
	/* The grid is of multiples of the period: its next point a minute off at least. */
	now = now_s();
	for (p = 3599; p > 60; p--) {
		t = p + ns;
		if (((unsigned long long)(now / t) + 1) * t - now >= 60)
			break;
	}
	snprintf(off, sizeof(off), "%u", p);
	if (param_write("log_sec", off))
		return 0;
	found = window_edge(rings, info, heads, dropped, skipped, 30);
	if (param_write("log_sec", sec))
		return 0;
	(*held)++;
	return found;
}

static int account(double seconds)
{
	static uint64_t pos[4096], share[4096], wakeups[4096], tasks[4096], head[4096];
	const struct tmon_ring_header *h;
	struct tmon_ring_info info;
	struct tmon_ring_entry e;
	unsigned long long d0, d1, k0, k1, sum_t = 0, expect = 0, nwatch = 0, held = 0;
	unsigned int c, cpu, n = 0;
	const char *rings;
	double end;
	char line[256];
	const char *sh;
	FILE *f;
	int fd, pid, r = 0;

	if (read_ull("/sys/module/tmon/parameters/sample_every") != 1)
		return printf("account needs sample_every 1 (no partial rounds)\n"), 1;
	/* Each watch's share: the CPU whose sampler takes it (debugfs watched). */
	f = fopen(WATCHED, "r");
	if (!f)
		return printf("cannot open %s\n", WATCHED), 1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "pid %d", &pid) != 1 || strstr(line, " state exited"))
			return printf("account needs live watched processes: %s", line), 1;
		sh = strstr(line, " share ");
		if (!sh || sscanf(sh, " share %u", &cpu) != 1 || cpu >= 4096)
			return printf("no share in: %s", line), 1;
		if (!share[cpu]++)
			n++;
		nwatch++;
	}
	fclose(f);

	fd = open("/dev/tmon", O_RDONLY);
	if (fd < 0 || ioctl(fd, TMON_IOC_INFO, &info))
		return perror("/dev/tmon"), 1;
	if (info.nr_rings > 4096)
		return printf("%u rings\n", info.nr_rings), 1;
	rings = mmap(NULL, info.nr_rings * info.ring_bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (rings == MAP_FAILED)
		return perror("mmap"), 1;
	for (c = 0; c < info.nr_rings; c++) {
		if (!tmon_ring_valid(tmon_ring_at(rings, &info, c), &info))
			return printf("ring %u: bad header\n", c), 1;
		wakeups[c] = tasks[c] = 0;
	}
	nr_tmon_pids = threads_named("tmon/", tmon_pids, 4096);
	nr_tmon_pids += threads_named("tmon_sample/", tmon_pids + nr_tmon_pids, 4096);
	if (!window_edge_made(rings, &info, pos, &d0, &k0, &held))
		return printf("no quiet moment to open the window, the period held off or not\n"), 1;
	end = now_s() + seconds;
	for (;;) {
		int last = now_s() >= end;

		/* Read as it goes (the rings are bounded), to the end's heads at last. */
		if (last && !window_edge_made(rings, &info, head, &d1, &k1, &held))
			return printf("no quiet moment to close the window, the period held off or not\n"), 1;
		for (c = 0; c < info.nr_rings; c++) {
			h = tmon_ring_at(rings, &info, c);
			while (pos[c] < (last ? head[c] : tmon_ring_head(h))) {
				if (!tmon_ring_take(h, pos[c], &e))
					return printf("ring %u: entry %llu lost: the reader fell behind\n",
						      c, (unsigned long long)pos[c]), 1;
				pos[c]++;
				if (e.type == TMON_ENTRY_TASK) {
					tasks[c]++;
				} else {
					wakeups[c]++;
					/*
					 * Every period the record served owes a
					 * sample of each process of the share;
					 * the sampler's entries follow the
					 * record, so count up to each record.
					 */
					sum_t += tasks[c];
					tasks[c] = 0;
					expect += share[c] * (1 + e.cpu.missed);
				}
			}
			/* The last record's entries are all in at the end. */
			if (last) {
				sum_t += tasks[c];
				tasks[c] = 0;
			}
		}
		if (last)
			break;
		usleep(2000);
	}
	printf("watched %llu in %u shares; wakeups", nwatch, n);
	for (c = 0; c < info.nr_rings; c++)
		if (share[c] || wakeups[c])
			printf(" cpu%u %llu (share %llu)", c, (unsigned long long)wakeups[c],
			       (unsigned long long)share[c]);
	printf("; task entries %llu, dropped %llu, skipped %llu, expected %llu", sum_t, d1 - d0,
	       k1 - k0, expect);
	if (held)
		printf(" (%llu of the window's 2 ends made quiet by holding the period off)", held);
	printf("\n");
	if (sum_t + (d1 - d0) + (k1 - k0) != expect) {
		printf("samples unaccounted for: %lld\n",
		       (long long)expect - (long long)(sum_t + (d1 - d0) + (k1 - k0)));
		r = 1;
	}
	return r;
}

/* ---- failnth ---- */

static const char *const tmon_paths[] = {
	"/sys/module/tmon", "/sys/kernel/tmon", "/sys/kernel/debug/tmon", "/dev/tmon",
};

/*
 * One load with the @n-th injection point failing (0: none). Returns
 * the load's result (0 or errno) and sets *@left to what was left of
 * fail-nth (0: the fault was injected). Whatever happened, tmon is
 * unloaded after and nothing of it may remain.
 */
static int load_nth(const char *ko, const char *params, unsigned long n, long *left)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	char buf[32];
	unsigned int i;
	long r;
	int e;

	if (fd < 0 || nth < 0)
		exit(printf("open: %s\n", errname(errno)) ? 1 : 1);
	snprintf(buf, sizeof(buf), "%lu", n);
	if (n && write(nth, buf, strlen(buf)) < 0)
		exit(printf("fail-nth: %s\n", errname(errno)) ? 1 : 1);
	r = syscall(SYS_finit_module, fd, params, 0);
	e = r ? errno : 0;
	memset(buf, 0, sizeof(buf));
	*left = pread(nth, buf, sizeof(buf) - 1, 0) > 0 ? atol(buf) : -1;
	if (write(nth, "0", 1) < 0)
		exit(printf("fail-nth: %s\n", errname(errno)) ? 1 : 1);
	close(nth);
	close(fd);
	if (!e) {
		for (i = 0; i < 100 && syscall(SYS_delete_module, "tmon", O_NONBLOCK); i++)
			usleep(10000);
		if (i == 100)
			exit(printf("load %lu: loaded, cannot unload: %s\n", n, errname(errno)) ? 1 : 1);
	}
	for (i = 0; i < sizeof(tmon_paths) / sizeof(tmon_paths[0]); i++)
		if (!access(tmon_paths[i], F_OK))
			exit(printf("load %lu (%s): %s left behind\n", n,
				    e ? errname(e) : "loaded and unloaded", tmon_paths[i]) ? 1 : 1);
	if (threads_named("tmon/", NULL, 0))
		exit(printf("load %lu: tmon threads left behind\n", n) ? 1 : 1);
	return e;
}

/*
 * A load with no fault counts the injection points (T); then points are
 * failed one at a time: all of them when T <= @max, else the first and
 * last 16 and @max - 32 spread evenly between (offset by @seed). At the
 * time bound it stops and says so; that fails only before the first and
 * last 16 are done.
 */
static int failnth(const char *ko, const char *params, double seconds, unsigned int max,
		   uint64_t seed)
{
	unsigned long failed = 0, survived = 0, missed = 0, by_errno[256] = { 0 };
	unsigned long total, n, j, k, tried = 0, want;
	double end = now_s() + seconds;
	long left;
	int e;

	if (max < 40)
		max = 40;
	e = load_nth(ko, params, 1000000, &left);
	if (e || left <= 0)
		return printf("a load without a fault failed: %s\n", errname(e)), 1;
	total = 1000000 - (unsigned long)left;
	want = total <= max ? total : max;
	for (j = 0; j < want && now_s() < end; j++) {
		/* The first 16 and the last 16 first: a time bound cuts the spread. */
		k = want <= 32 || j < 16 ? j : j < 32 ? want - 32 + j : j - 16;
		if (total <= max)
			n = k + 1;
		else if (k < 16)
			n = k + 1;
		else if (k >= want - 16)
			n = total - (want - 1 - k);
		else
			n = 17 + (k - 16) * (total - 32) / (max - 32) +
			    seed % ((total - 32) / (max - 32) + 1);
		if (n > total)
			n = total;
		e = load_nth(ko, params, n, &left);
		tried++;
		if (left != 0) {
			missed++;	/* this load had fewer points: nothing failed */
			if (e)
				return printf("load %lu: failed (%s) with no fault injected\n", n,
					      errname(e)), 1;
		} else if (e) {
			failed++;
			by_errno[e & 255]++;
		} else {
			survived++;
		}
	}
	printf("%lu injection points in a load; tried %lu%s: failed cleanly %lu (", total, tried,
	       total <= max ? " (all)" : " (first 16, last 16, the rest spread)", failed);
	for (k = 0; k < 256; k++)
		if (by_errno[k])
			printf(" %s x%lu", errname((int)k), by_errno[k]);
	printf(" ), worked despite the fault %lu, point not reached %lu%s\n", survived, missed,
	       tried < want ? "; stopped at the time bound" : "");
	/* Stopped by the time bound before both ends were tried. */
	return tried < want && tried < 32 ? 3 : 0;
}

/* ---- balloon ---- */

/* MemFree above the sum of the zones' @mark ("low" or "high") watermarks,
 * KiB. Below the low ones kswapd is woken, and it reclaims until the
 * high ones. (At the min watermarks 6.1 OOM-kills first.) */
static long free_above_kib(const char *mark)
{
	long free_kib = -1, sum = 0, v;
	char line[160], fmt[32];
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &free_kib) == 1)
			break;
	if (f)
		fclose(f);
	snprintf(fmt, sizeof(fmt), " %s %%ld", mark);
	f = fopen("/proc/zoneinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1)
			sum += v * 4;
	if (f)
		fclose(f);
	return free_kib - sum;
}

/* Pages kswapd has scanned since boot (/proc/vmstat). */
static unsigned long long kswapd_scanned(void)
{
	unsigned long long n = 0, v;
	char line[160];
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "pgscan_kswapd %llu", &v) == 1)
			n += v;
	if (f)
		fclose(f);
	return n;
}

static int balloon(long margin_mib, double seconds)
{
	long above, lowest = LONG_MAX, margin = margin_mib * 1024;
	unsigned long long scan0 = kswapd_scanned();
	size_t held = 0, len;
	double end = 0;
	char *p;

	for (;;) {
		above = free_above_kib("low");
		if (above < lowest)
			lowest = above;
		/*
		 * At the target: within 1 MiB of the low watermarks, or below
		 * the high ones with kswapd at work since we began. (Under a
		 * loaded host's TCG, kswapd can hold free memory just above
		 * the low watermarks for minutes: it was reclaiming all along.)
		 */
		if (!end && (above <= margin + 1024 ||
			     (kswapd_scanned() > scan0 && free_above_kib("high") < 0))) {
			/* At the target: the test starts measuring now. */
			printf("reached: holding %zu MiB, free %ld MiB above the low watermarks\n",
			       held >> 20, above >> 10);
			fflush(stdout);
			end = now_s() + seconds;
		}
		if (end && now_s() >= end)
			break;
		if (above <= margin) {
			usleep(10000);
			continue;
		}
		/* Most of the way at once (MAP_POPULATE faults it in the
		 * kernel, fast under emulation), then 1 MiB at a time. */
		len = above - margin > 196608 ? (size_t)(above - margin - 131072) << 10 : 1UL << 20;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			break;
		madvise(p, len, MADV_NOHUGEPAGE);
		held += len;
		/* Near the target: give reclaim time to keep up, not the OOM killer. */
		if (len == 1UL << 20)
			usleep(5000);
	}
	printf("balloon: held %zu MiB, free at least %ld MiB above the low watermarks\n", held >> 20,
	       lowest / 1024);
	return 0;
}

int stress_main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[0], "sleepers"))
		return sleepers(atoi(argv[1]), argc > 2 && !strcmp(argv[2], "watch"));
	if (argc == 5 && !strcmp(argv[0], "churn"))
		return churn(strtoull(argv[1], NULL, 0), atof(argv[2]), strtoul(argv[3], NULL, 0),
			     strtoul(argv[4], NULL, 0));
	if (argc == 3 && !strcmp(argv[0], "child"))
		return churn_child(argv[1], argv[2]);
	if (argc == 2 && !strcmp(argv[0], "account"))
		return account(atof(argv[1]));
	if (argc == 6 && !strcmp(argv[0], "failnth"))
		return failnth(argv[1], argv[2], atof(argv[3]), (unsigned int)atoi(argv[4]),
			       strtoull(argv[5], NULL, 0));
	if (argc == 3 && !strcmp(argv[0], "balloon"))
		return balloon(atol(argv[1]), atof(argv[2]));
	fprintf(stderr, "stress: sleepers N [watch] | churn SEED S MAX RECYCLED | account S | failnth KO PARAMS S MAX SEED | balloon MIB S\n");
	return 2;
}
