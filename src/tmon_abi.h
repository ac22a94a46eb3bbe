/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * tmon user-space ABI, shared by the module and tmonctl.
 *
 * Every structure here has fixed-width fields, natural alignment and no
 * implicit padding, so the same bytes mean the same thing to a 32-bit
 * reader. TMON_ABI_VERSION changes whenever a layout or meaning changes.
 */
#ifndef _TMON_ABI_H
#define _TMON_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define TMON_ABI_VERSION	2

/* Period bounds, in ns: 100 us to one hour. */
#define TMON_PERIOD_MIN_NS	100000ULL
#define TMON_PERIOD_MAX_NS	3600000000000ULL
/* Records kept per CPU and per watched task. */
#define TMON_HISTORY_MAX	65536U
/* Upper bound of max_tasks, the watch list limit. */
#define TMON_MAX_TASKS_LIMIT	65536U
/* Upper bound of sample_every (watched processes every N-th period). */
#define TMON_SAMPLE_EVERY_MAX	1000U
/* Bounds of ring_kb, the size of one CPU's stream ring. */
#define TMON_RING_KB_MIN	8U
#define TMON_RING_KB_MAX	65536U

/*
 * One wakeup of one CPU's tmon thread.
 *
 * @expected_ns: the oldest timer expiry this wakeup serves
 *	(CLOCK_MONOTONIC).
 * @latency_ns: thread latency: the thread running minus @expected_ns,
 *	in full however many periods it slept through.
 * @irq_latency_ns: IRQ latency: the timer callback for @expected_ns
 *	minus @expected_ns (as the timerlat tracer measures both).
 * @run_ns: time the thread spent on the record (its critical part).
 * @nvcsw, @nivcsw: the thread's voluntary/involuntary switches so far.
 * @missed: later expiries folded into this wakeup, because they came
 *	before the thread had served @expected_ns. Loss, counted: for
 *	consecutive records k-1, k of one CPU, with the period P unchanged
 *	between them,
 *		expected_ns[k] == expected_ns[k-1] + P * (1 + missed[k-1]).
 * @user_ns..@softirq_ns: the CPU's time split since the previous
 *	record (user includes nice; same sources as /proc/stat).
 */
struct tmon_cpu_record {
	__u32 cpu;
	__u32 missed;
	__u64 seq;
	__u64 expected_ns;
	__u64 latency_ns;
	__u64 irq_latency_ns;
	__u64 run_ns;
	__u64 nvcsw;
	__u64 nivcsw;
	__u64 user_ns;
	__u64 system_ns;
	__u64 idle_ns;
	__u64 iowait_ns;
	__u64 irq_ns;
	__u64 softirq_ns;
};

#define TMON_COMM_LEN		16

/* tmon_task_record.flags */
/*
 * The process has exited; this is its last record. The streams (rings,
 * tracepoint) carry it twice: as sampled, then flagged, with one seq.
 */
#define TMON_TASK_EXITED	0x1

/*
 * One sample of one watched process (its whole thread group).
 *
 * @pid: thread group id: in the reader's pid namespace where it is read
 *	through read() of /dev/tmon, netlink or debugfs; in the initial
 *	one in the mapped rings and the tracepoint.
 * @cpu: CPU the group leader last ran on.
 * @seq: per-task sample number, from 0.
 * @ts_ns: when the sample was taken (CLOCK_MONOTONIC).
 * @utime_ns, @stime_ns: CPU time of all threads, live and dead, as
 *	/proc/PID/stat counts it: exact run time split by the ticks.
 * @vm_bytes: total_vm; @stack_bytes, @data_bytes: stack_vm, data_vm;
 * @rss_bytes: resident pages (file, anon and shmem).
 * @minflt, @majflt, @nvcsw, @nivcsw: summed over all threads, live and dead.
 * @comm: the leader's name, NUL-terminated.
 */
struct tmon_task_record {
	__u32 pid;
	__u32 cpu;
	__u64 seq;
	__u64 ts_ns;
	__u64 utime_ns;
	__u64 stime_ns;
	__u64 vm_bytes;
	__u64 stack_bytes;
	__u64 data_bytes;
	__u64 rss_bytes;
	__u64 minflt;
	__u64 majflt;
	__u64 nvcsw;
	__u64 nivcsw;
	__u32 flags;
	__u32 reserved;
	char comm[TMON_COMM_LEN];
};

/*
 * /dev/tmon stream rings.
 *
 * One ring per possible CPU, each ring_bytes long (ring_kb KiB rounded up
 * to pages), back to back in CPU order in one read-only mapping:
 * ring c starts at offset c * ring_bytes. TMON_IOC_INFO tells how many
 * rings there are and how long each is. A ring is a header page and then
 * nr_entries fixed-size entries.
 *
 * Each ring has a single producer, its CPU's thread, and never waits for
 * readers: entry n lives in slot n % nr_entries and overwrites entry
 * n - nr_entries. head is the number of entries ever written. A reader
 * keeps its own position p per ring: entries below head - nr_entries are
 * lost, and it knows exactly how many. To read entry p: read head
 * (then a read barrier), read the slot's seq, copy the entry, read
 * barrier, read seq again; the copy is good only if both seq reads are p
 * (the producer sets seq to TMON_SEQ_BUSY while it rewrites a slot).
 */
#define TMON_RING_MAGIC		0x746d6f6eU	/* "tmon" */
#define TMON_SEQ_BUSY		(~0ULL)

enum tmon_entry_type {
	TMON_ENTRY_CPU = 1,	/* struct tmon_cpu_record */
	TMON_ENTRY_TASK = 2,	/* struct tmon_task_record */
	/*
	 * read() only: a task entry this reader may not see, seq and ring
	 * set, payload zeroed, so that a seq gap still means loss.
	 */
	TMON_ENTRY_HIDDEN = 3,
};

struct tmon_ring_header {
	__u32 magic;
	__u32 version;		/* TMON_ABI_VERSION */
	__u32 cpu;
	__u32 entry_size;	/* sizeof(struct tmon_ring_entry) */
	__u64 nr_entries;
	__u64 ring_bytes;	/* this ring, header included */
	__u64 data_offset;	/* first entry, from the ring's start */
	__u64 head;		/* entries written, ever */
};

struct tmon_ring_entry {
	__u64 seq;		/* the entry's position; TMON_SEQ_BUSY while written */
	__u32 type;		/* enum tmon_entry_type */
	__u32 ring;		/* the ring (CPU) it was written to */
	union {
		struct tmon_cpu_record cpu;
		struct tmon_task_record task;
	};
};

struct tmon_ring_info {
	__u32 version;		/* TMON_ABI_VERSION */
	__u32 nr_rings;		/* possible CPUs: ring c is CPU c */
	__u64 ring_bytes;
};

#define TMON_IOC_MAGIC		0xb7
/* The mapping's geometry. */
#define TMON_IOC_INFO		_IOR(TMON_IOC_MAGIC, 1, struct tmon_ring_info)

/*
 * Generic netlink family "tmon" (TMON_GENL_NAME); its version is the ABI's,
 * so a reader built for another layout can tell before it reads one.
 *
 * Errors come back as a negative errno in the netlink error message, with
 * an extended ack text saying what was wrong. "Admin" is CAP_SYS_ADMIN
 * in the initial user namespace, held by the sender and its socket
 * (CAP_NET_ADMIN grants nothing). Status, CPU records and counters are
 * open to every user. A process's records (lists, dumps) go to an admin,
 * or to a caller for whom ptrace_may_access(PTRACE_MODE_READ_FSCREDS)
 * holds on it (for an exited one: on the credentials it had when
 * watched), so nobody learns more than /proc would show them. Pids, in
 * and out, are those of the caller's pid namespace; a process with none
 * there is not shown. Changing the period needs admin; watching needs
 * admin unless the caller may see the process and its real uid is the
 * caller's; unwatching, unless the caller made the watch. A watch the
 * caller may not see is not there for it (ENOENT).
 *
 * TMON_CMD_GET_STATUS (do): no attributes. Reply: TMON_A_VERSION,
 *	TMON_A_ABI_VERSION, TMON_A_PERIOD_NS, TMON_A_HISTORY,
 *	TMON_A_MAX_TASKS, TMON_A_NR_CPUS, TMON_A_NR_TASKS, TMON_A_NR_SAMPLES,
 *	TMON_A_SAMPLES_DROPPED, TMON_A_SAMPLES_SKIPPED (samples of whole
 *	sampling rounds a late sampler passed over), TMON_A_SAMPLES_RECLAIMED,
 *	TMON_A_MEM_BYTES,
 *	TMON_A_RING_LOST, and one nested TMON_A_CPU_STATUS per possible CPU
 *	holding TMON_A_CPU, TMON_A_THREAD_PID (in the caller's pid
 *	namespace: 0 while offline, and always from a child namespace),
 *	TMON_A_THREAD_RUNNING (1 when the CPU has its thread), TMON_A_WAKEUPS,
 *	TMON_A_MISSED and, while it has its thread, the thread's scheduling
 *	as the scheduler holds it: TMON_A_SCHED_POLICY (SCHED_*) and
 *	TMON_A_SCHED_PRIO (its real-time priority, 0 under SCHED_OTHER).
 * TMON_CMD_WATCH (do): TMON_A_PID, required. Errors as for the debugfs
 *	tasks file (ESRCH, EEXIST, ENOSPC, EDQUOT), EPERM, EINVAL.
 * TMON_CMD_UNWATCH (do): TMON_A_PID, required. ENOENT if not watched
 *	(the caller's pid may name an exited process it watched), EPERM.
 * TMON_CMD_LIST_TASKS (dump): one message per watched process the
 *	caller may see:
 *	TMON_A_PID, TMON_A_STATE (TMON_STATE_*), TMON_A_NR_RECORDS, and its
 *	newest TMON_A_TASK_RECORD if it has one.
 * TMON_CMD_DUMP_TASKS (dump): one message per stored task record
 *	(TMON_A_TASK_RECORD) of the processes the caller may see, by pid,
 *	oldest first; TMON_A_PID limits it to one process.
 * TMON_CMD_DUMP_CPUS (dump): one message per stored wakeup record
 *	(TMON_A_CPU_RECORD), by CPU, oldest first; TMON_A_CPU limits it to
 *	one CPU.
 * TMON_CMD_GET_PERIOD (do): reply TMON_A_PERIOD_NS.
 * TMON_CMD_SET_PERIOD (do, CAP_SYS_ADMIN): TMON_A_PERIOD_NS, required,
 *	TMON_PERIOD_MIN_NS..TMON_PERIOD_MAX_NS; both halves (log_sec,
 *	log_nsec) change at once. Reply TMON_A_PERIOD_NS.
 *
 * Records travel as the fixed-layout structures above (NLA_BINARY), so
 * the netlink, ring and trace views of a record are the same bytes.
 */
#define TMON_GENL_NAME		"tmon"
#define TMON_GENL_VERSION	TMON_ABI_VERSION

enum tmon_cmd {
	TMON_CMD_UNSPEC,
	TMON_CMD_GET_STATUS,
	TMON_CMD_WATCH,
	TMON_CMD_UNWATCH,
	TMON_CMD_LIST_TASKS,
	TMON_CMD_DUMP_TASKS,
	TMON_CMD_DUMP_CPUS,
	TMON_CMD_GET_PERIOD,
	TMON_CMD_SET_PERIOD,
	__TMON_CMD_MAX
};

#define TMON_CMD_MAX		(__TMON_CMD_MAX - 1)

enum tmon_attr {
	TMON_A_UNSPEC,
	TMON_A_PAD,
	TMON_A_VERSION,			/* string */
	TMON_A_ABI_VERSION,		/* u32 */
	TMON_A_PERIOD_NS,		/* u64 */
	TMON_A_HISTORY,			/* u32 */
	TMON_A_MAX_TASKS,		/* u32 */
	TMON_A_NR_CPUS,			/* u32: CPUs with a running thread */
	TMON_A_NR_TASKS,		/* u32 */
	TMON_A_NR_SAMPLES,		/* u64 */
	TMON_A_SAMPLES_DROPPED,		/* u64 */
	TMON_A_SAMPLES_RECLAIMED,	/* u64 */
	TMON_A_MEM_BYTES,		/* u64 */
	TMON_A_RING_LOST,		/* u64 */
	TMON_A_CPU_STATUS,		/* nested */
	TMON_A_CPU,			/* u32 */
	TMON_A_THREAD_PID,		/* u32 */
	TMON_A_WAKEUPS,			/* u64 */
	TMON_A_MISSED,			/* u64 */
	TMON_A_PID,			/* u32 */
	TMON_A_STATE,			/* u8, TMON_STATE_* */
	TMON_A_NR_RECORDS,		/* u32 */
	TMON_A_TASK_RECORD,		/* struct tmon_task_record */
	TMON_A_CPU_RECORD,		/* struct tmon_cpu_record */
	TMON_A_THREAD_RUNNING,		/* u8: the CPU has its thread */
	TMON_A_SCHED_POLICY,		/* u32: SCHED_OTHER or SCHED_FIFO */
	TMON_A_SCHED_PRIO,		/* u32: real-time priority */
	TMON_A_SAMPLES_SKIPPED,		/* u64 */
	__TMON_A_MAX
};

#define TMON_A_MAX		(__TMON_A_MAX - 1)

enum tmon_task_state {
	TMON_STATE_RUNNING,
	TMON_STATE_EXITED,
};

#endif /* _TMON_ABI_H */
