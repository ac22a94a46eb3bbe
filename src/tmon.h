/* SPDX-License-Identifier: GPL-2.0 */
/* tmon internal interfaces between the module's files. */
#ifndef _TMON_H
#define _TMON_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/refcount.h>
#include <linux/hrtimer.h>
#include <linux/kernel_stat.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

#include "tmon_abi.h"

/* TMON_VERSION comes from Kbuild (debian/changelog's). */

struct file;
struct sk_buff;
struct pid_namespace;
struct mem_cgroup;

/* main.c */
u64 tmon_mem_bytes(void);

/* params.c */
u64 tmon_period_ns(void);
unsigned int tmon_history_len(void);
unsigned int tmon_max_tasks(void);
unsigned int tmon_ring_kb(void);
unsigned int tmon_max_user_tasks(void);
u64 tmon_exited_keep_ns(void);
int tmon_sched_policy(void);
unsigned int tmon_sched_prio(void);
unsigned int tmon_sample_every(void);
bool tmon_stagger(void);
int tmon_params_validate(void);
int tmon_set_period(u64 ns);
void tmon_params_set_live(bool live);

/*
 * Thread latency buckets since load: one per bound of tmon_lat_bounds_ns
 * (a latency at most that bound and above the one before), and one above
 * the last bound.
 */
#define TMON_LAT_BOUNDS		19
#define TMON_LAT_BUCKETS	(TMON_LAT_BOUNDS + 1)

/* Since load, per CPU: what each wakeup adds, for counters that only grow. */
struct tmon_cpu_totals {
	u64 lat_buckets[TMON_LAT_BUCKETS];
	u64 lat_sum_ns;			/* thread latency */
	u64 run_ns;			/* the thread's time on its records */
};

/*
 * What a CPU ran when its timer expired (the timer interrupted it): the
 * first suspect of a late wakeup.
 */
struct tmon_cause {
	pid_t pid;			/* global pid; 0: the CPU was idle */
	u32 policy;			/* SCHED_* */
	u32 prio;			/* real-time priority, 0 under SCHED_OTHER */
	char comm[TMON_COMM_LEN];
	/* The CPU's counts at the callback; the thread makes them the window's. */
	u64 irqs, softirqs;
	bool taken;			/* at this expiry: a threshold was set */
};

/* Indices of the CPU time split. */
enum tmon_cpu_time {
	TMON_USER, TMON_SYSTEM, TMON_IDLE, TMON_IOWAIT, TMON_IRQ, TMON_SOFTIRQ,
	TMON_NR_TIMES
};

/*
 * Per-CPU state. The thread and the timer run on @cpu only; the history
 * ring is shared with readers under @lock.
 */
struct tmon_cpu {
	unsigned int cpu;
	struct task_struct *thread;	/* NULL while the CPU is offline */
	struct hrtimer timer;

	/*
	 * Written by the timer callback, taken by the thread with irqs off
	 * (same CPU): the expiry to serve and the callback's lateness for it.
	 */
	ktime_t expected;
	u64 irq_latency;
	struct tmon_cause cause;	/* only while a threshold is set */
	bool pending;
	/* The grid the timer is on; the thread moves it to a new one. */
	u64 grid_period;
	bool grid_stagger;

	/* Owned by the thread. */
	u64 prev_stat[TMON_NR_TIMES];
	u64 periods;			/* served since the CPU's first thread, missed ones too */

	/* tmon_sample/N: samples the watched processes up to period @sample_seq. */
	struct task_struct *sampler;
	u64 sample_seq;
	int sample_req;

	/*
	 * History ring: record seq lives in slot seq % cap; the newest nr
	 * records are held (fewer than cap after a resize to a larger ring).
	 */
	raw_spinlock_t lock;
	struct tmon_cpu_record *ring;
	unsigned int cap;
	unsigned int nr;
	u64 head;			/* seq of the next record: wakeups so far */
	u64 missed;			/* timer periods with no wakeup */
	struct tmon_cpu_totals totals;	/* under @lock, with the record */
};

/* cpu_history.c */
extern const u64 tmon_lat_bounds_ns[TMON_LAT_BOUNDS];
struct tmon_cpu *tmon_cpu_state(unsigned int cpu);
void tmon_history_init(void);
void tmon_history_exit(void);
void tmon_history_fit(struct tmon_cpu *tc);
void tmon_history_store(struct tmon_cpu *tc, struct tmon_cpu_record *rec);
bool tmon_history_copy(unsigned int cpu, u64 seq, u64 end, struct tmon_cpu_record *out);
u64 tmon_history_head(unsigned int cpu, struct tmon_cpu_totals *totals);
u64 tmon_history_mem_bytes(void);

/*
 * A reader's place in a watch's history (samples.c): the chunk of records
 * it read from, referenced so the next read starts there, and a copy of
 * the record read.
 */
struct tmon_sample_chunk;
struct tmon_sample_pos {
	struct tmon_sample_chunk *chunk;	/* NULL: none */
	struct tmon_task_record rec;
	u64 next_seq;		/* the watch's next seq when it was read */
};

/* The budgets of enum tmon_budget, by index from TMON_BUDGET_CPU. */
#define TMON_NR_BUDGETS		(TMON_BUDGET_MAX - TMON_BUDGET_CPU + 1)

/* Budget index @i's attribute: tmon.yaml lists them in the enum's order. */
#define TMON_BUDGET_ATTR(i)	(TMON_A_BUDGET_CPU + (i))
static_assert(TMON_A_BUDGET_MAJFLT - TMON_A_BUDGET_CPU == TMON_NR_BUDGETS - 1);

/* A watched process's budgets, each in its unit (tmon.yaml); 0: none. */
struct tmon_budgets {
	u64 limit[TMON_NR_BUDGETS];
};

/* The rate limit of one source of events (events.c): a window of a second. */
struct tmon_event_limit {
	u64 window_ns;			/* its start */
	unsigned int sent;		/* queued in it */
	u64 held;			/* held back since the last one queued */
};

struct tmon_sample_chunk;

/* A watched process; see tasks.c. */
struct tmon_watch {
	pid_t nr;			/* global pid number, the xarray key */
	struct pid *pid;
	refcount_t users;
	struct list_head samples;	/* its chunks, under tmon_samples_lock */
	struct tmon_sample_chunk *spare;	/* its emptied head, for its next tail; same lock */
	unsigned int nr_samples;
	u64 next_seq;
	kuid_t owner;			/* who watched it */
	const struct cred *cred;	/* the process's, when watched */
	struct mem_cgroup *memcg;	/* samples charged here; NULL: root */
	u64 since_ns;			/* when it was watched */
	bool exited;			/* the process is gone */
	bool exit_unsent;		/* its exit record is stored, not yet streamed */
	unsigned long exit_taken;	/* bit 0: its exit's figures are taken (task_exit.c) */
	struct tmon_task_record exit_rec;	/* those figures, until they are stored */
	struct llist_node exit_node;	/* while they wait to be */
	u64 exited_ns;			/* since when */
	bool dead;			/* unwatched: takes no samples */
	unsigned int share;		/* the CPU whose share it is in */
	struct tmon_budgets budgets;	/* set under tmon_watch_mutex */
	/* Its sampler's (task_budget.c): the previous sample, the budgets it is over. */
	u64 budget_ts_ns, budget_cpu_ns, budget_majflt;
	unsigned long budget_over;
	struct tmon_event_limit budget_events;	/* their events' rate (events.c) */
	struct rcu_head rcu;
};

/* access.c: who asks, and what they may see. */
struct tmon_caller {
	struct pid_namespace *ns;	/* pids in and out are in this one */
	const struct cred *cred;	/* owner of the watches it makes */
	bool admin;			/* CAP_SYS_ADMIN in the initial user ns */
};

void tmon_caller_init(struct tmon_caller *c, bool admin);
void tmon_caller_from_file(struct tmon_caller *c, const struct file *file);
void tmon_caller_from_skb(struct tmon_caller *c, const struct sk_buff *skb);
bool tmon_task_may_read(struct task_struct *task);
pid_t tmon_process_visible(const struct tmon_caller *c, struct pid *pid, const struct cred *cred);
pid_t tmon_watch_visible(const struct tmon_caller *c, struct tmon_watch *w);
bool tmon_caller_sees_all(const struct tmon_caller *c);
int tmon_watches_visible(const struct tmon_caller *c, struct xarray *set);
void tmon_watches_visible_free(struct xarray *set);

/* samples.c */
int tmon_samples_init(void);
void tmon_samples_exit(void);
atomic_t *tmon_samples_fail_knob(void);
bool tmon_sample_add(struct tmon_watch *w, struct tmon_task_record *rec, bool exit);
bool tmon_samples_mark_exited(struct tmon_watch *w, struct tmon_task_record *out);
void tmon_samples_release_watch(struct tmon_watch *w);
bool tmon_sample_read(struct tmon_watch *w, struct tmon_sample_pos *pos, u64 seq, u64 end);
void tmon_sample_pos_put(struct tmon_sample_pos *pos);
/* A reference on a chunk dropped (a place kept as the chunk alone; NULL: none). */
void tmon_chunk_put(struct tmon_sample_chunk *c);
u64 tmon_watch_next_seq(struct tmon_watch *w);
bool tmon_watch_last_record(struct tmon_watch *w, struct tmon_task_record *out);
ssize_t tmon_samples_show_recent(char *buf, const struct tmon_caller *c,
				 struct xarray *visible);
u64 tmon_samples_stored(void);
u64 tmon_samples_dropped(void);
u64 tmon_samples_reclaimed(void);
u64 tmon_samples_mem_bytes(void);
unsigned int tmon_sample_size(void);
unsigned long tmon_samples_reclaim(unsigned long nr, u64 cutoff);
unsigned long tmon_samples_reclaimable(void);

/* sample_reclaim.c */
int tmon_reclaim_init(void);
void tmon_reclaim_exit(void);

/* tasks.c */
unsigned int tmon_nr_tasks(void);
int tmon_watch_pid(const struct tmon_caller *c, pid_t nr, const struct tmon_budgets *b);
int tmon_watch_change(const struct tmon_caller *c, pid_t nr,
		      void (*fn)(struct tmon_watch *w, const void *arg), const void *arg);
int tmon_unwatch_pid(const struct tmon_caller *c, pid_t nr);
struct tmon_watch *tmon_watch_next(unsigned long *nr);
struct tmon_watch *tmon_watch_find(const struct tmon_caller *c, pid_t nr);
struct tmon_watch *tmon_watch_get(pid_t gnr);
void tmon_watch_put(struct tmon_watch *w);
void tmon_watch_hold(struct tmon_watch *w);
void tmon_tasks_reap_later(void);
void tmon_tasks_init(void);
void tmon_tasks_exit(void);

/* task_sampler.c */
int tmon_share_add(struct tmon_watch *w);
void tmon_share_del(struct tmon_watch *w);
bool tmon_tasks_due(unsigned int cpu, u64 seq);
u64 tmon_samples_skipped(void);
void tmon_tasks_sample(unsigned int cpu, u64 seq);
void tmon_shares_init(void);
void tmon_shares_exit(void);

/* task_record.c */
void tmon_task_fill(struct task_struct *task, struct tmon_task_record *rec);
void tmon_task_fill_times(struct task_struct *task, struct tmon_task_record *rec);

/* ring.c */
int tmon_ring_init(void);
void tmon_ring_exit(void);
void tmon_ring_push_cpu(unsigned int cpu, const struct tmon_cpu_record *rec);
void tmon_ring_push_task(unsigned int cpu, const struct tmon_task_record *rec);
u64 tmon_ring_lost(void);
u64 tmon_ring_mem_bytes(void);

/* cpu_record.c */
void tmon_cpu_times(unsigned int cpu, u64 t[TMON_NR_TIMES]);
void tmon_cpu_irq_counts(unsigned int cpu, u64 *irqs, u64 *softirqs);
void tmon_cpu_wakeup(struct tmon_cpu *tc);

#include "events.h"

/* cpu_thread.c */
u32 tmon_timer_arm_next(struct tmon_cpu *tc, u64 expected, u64 now);
int tmon_threads_start(void);
void tmon_threads_stop(void);
unsigned int tmon_threads_running(void);
void tmon_threads_apply_sched(void);
void tmon_threads_apply_grid(void);

struct tmon_cpu_status {
	u32 thread_pid;		/* 0 without a thread or a pid in the namespace */
	bool running;		/* the CPU has its thread */
	u64 wakeups;
	u64 missed;
	u32 policy;		/* SCHED_*, read back from the thread */
	u32 prio;		/* its real-time priority */
	struct tmon_cpu_totals totals;
};

void tmon_cpu_status(unsigned int cpu, struct pid_namespace *ns, struct tmon_cpu_status *st);

/* netlink.c */
extern struct genl_family tmon_genl_family;
int tmon_netlink_init(void);
void tmon_netlink_exit(void);

/* debugfs.c, debugfs_tasks.c */
struct seq_file;
void tmon_debugfs_init(void);
void tmon_debugfs_exit(void);
void tmon_seq_comm(struct seq_file *m, const char *comm);
extern const struct file_operations tmon_tasks_fops;

/* sysfs.c */
int tmon_sysfs_init(void);
void tmon_sysfs_exit(void);

#endif /* _TMON_H */
