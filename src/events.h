/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events (events.c and event_*.c), thresholds and budgets, which make
 * them: included by tmon.h, after the records and watches they carry.
 */
#ifndef _TMON_EVENTS_H
#define _TMON_EVENTS_H

/* The kinds of enum tmon_event_kind, from TMON_EVENT_THREAD_LATENCY on. */
#define TMON_EVENT_KINDS	(TMON_EVENT_MAX - TMON_EVENT_THREAD_LATENCY + 1)

/*
 * A wakeup over a threshold, an event of a watched process (its exit, a
 * budget crossed) or of the module (a thread lost or back, samples
 * dropped, ring entries lost), on its way out (events.c).
 */
struct tmon_event {
	u64 suppressed;			/* held back before it (rate limit, full queue) */
	u64 threshold_ns;		/* latency: the threshold; budget: its limit */
	u64 value;			/* budget: what the sample measured; losses: the count */
	u32 kind;			/* enum tmon_event_kind */
	u32 budget;			/* budget: enum tmon_budget */
	u32 cpu;			/* the CPU it is about */
	union {
		struct {		/* thread or IRQ latency */
			struct tmon_cpu_record rec;
			struct tmon_cause cause;
		};
		struct tmon_task_record task;	/* a process's: its sample */
	};
	struct tmon_watch *watch;	/* a process's: referenced; else NULL */
};

/* Whether @ev is a wakeup's (ev->rec, ev->cause). */
static inline bool tmon_event_of_wakeup(const struct tmon_event *ev)
{
	return ev->kind <= TMON_EVENT_IRQ_LATENCY;
}

/* Whether @ev is about a watched process (ev->task, ev->watch). */
static inline bool tmon_event_of_task(const struct tmon_event *ev)
{
	return ev->kind >= TMON_EVENT_EXIT && ev->kind <= TMON_EVENT_BUDGET_UNDER;
}

/* event_msg.c */
struct sk_buff *tmon_event_msg(u64 seq, const struct tmon_event *ev, pid_t pid);
int tmon_event_fill(struct sk_buff *msg, u64 seq, const struct tmon_event *ev, pid_t pid);
size_t tmon_event_fill_size(void);

/* events.c */
void tmon_event_task_exit(struct tmon_watch *w, const struct tmon_task_record *rec);
void tmon_event_budget(struct tmon_watch *w, const struct tmon_task_record *rec, u32 budget,
		       u64 limit, u64 value, bool over);
void tmon_event_module(u32 kind, unsigned int cpu, u64 count);
int tmon_events_init(void);
int tmon_events_start(void);
void tmon_events_stop(void);
u64 tmon_events_last_seq(void);
void tmon_events_counts(u32 kind, u64 *sent, u64 *suppressed);
void tmon_events_exit(void);
void tmon_events_latency(unsigned int cpu, const struct tmon_cpu_record *rec,
			 const struct tmon_cause *cause);

/* event_latest.c */
#define TMON_EVENTS_LATEST	4
void tmon_events_keep(u64 seq, const struct tmon_event *ev);
int tmon_events_put_latest(struct sk_buff *msg, const struct tmon_caller *who);
void tmon_events_latest_exit(void);

/* thresholds.c: per CPU, each a latency in ns or off */
#define TMON_THRESHOLD_OFF	U64_MAX
enum tmon_threshold { TMON_THRESHOLD_THREAD, TMON_THRESHOLD_IRQ, TMON_NR_THRESHOLDS };
bool tmon_thresholds_armed(unsigned int cpu);
void tmon_thresholds_get(unsigned int cpu, u64 *thread, u64 *irq);
bool tmon_threshold_valid(u64 ns);
void tmon_thresholds_set(int cpu, unsigned int which, u64 ns);

/* task_budget.c */
void tmon_budget_check(struct tmon_watch *w, const struct tmon_task_record *rec);
int tmon_watch_set_budgets(const struct tmon_caller *c, pid_t nr, const struct tmon_budgets *b,
			   unsigned long given);

/* task_exit.c */
int tmon_exits_init(void);
void tmon_exits_exit(void);

/* event_snapshot.c */
void tmon_snapshot_take(void);

/* event_listeners.c */
int tmon_listeners_init(void);
void tmon_listeners_exit(void);
bool tmon_listeners_any(void);
void tmon_listeners_send(const struct tmon_event *ev);
bool tmon_event_visible_of(const struct tmon_caller *who, const struct tmon_event *ev,
			   struct pid *proc, const struct cred *cred, pid_t *pid);

#endif /* _TMON_EVENTS_H */
