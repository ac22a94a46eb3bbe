/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmon tracepoints, system "tmon": one event per wakeup, one per task
 * sample and one per tmon event, so trace-cmd/perf show tmon next to the
 * scheduler's events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tmon

#if !defined(_TMON_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TMON_TRACE_H

#include <linux/tracepoint.h>

#include "tmon.h"

TRACE_EVENT(tmon_wakeup,
	TP_PROTO(const struct tmon_cpu_record *rec),
	TP_ARGS(rec),
	TP_STRUCT__entry(
		__field(u32, cpu)
		__field(u64, seq)
		__field(u64, expected_ns)
		__field(u64, latency_ns)
		__field(u64, irq_latency_ns)
		__field(u32, missed)
		__field(u64, run_ns)
	),
	TP_fast_assign(
		__entry->cpu = rec->cpu;
		__entry->seq = rec->seq;
		__entry->expected_ns = rec->expected_ns;
		__entry->latency_ns = rec->latency_ns;
		__entry->irq_latency_ns = rec->irq_latency_ns;
		__entry->missed = rec->missed;
		__entry->run_ns = rec->run_ns;
	),
	TP_printk("cpu=%u seq=%llu expected_ns=%llu latency_ns=%llu irq_latency_ns=%llu missed=%u run_ns=%llu",
		  __entry->cpu, __entry->seq, __entry->expected_ns, __entry->latency_ns,
		  __entry->irq_latency_ns, __entry->missed, __entry->run_ns)
);

TRACE_EVENT(tmon_task_sample,
	TP_PROTO(const struct tmon_task_record *rec),
	TP_ARGS(rec),
	TP_STRUCT__entry(
		__field(u32, pid)
		__field(u64, seq)
		__field(u64, utime_ns)
		__field(u64, stime_ns)
		__field(u64, rss_bytes)
		__field(u32, flags)
	),
	TP_fast_assign(
		__entry->pid = rec->pid;
		__entry->seq = rec->seq;
		__entry->utime_ns = rec->utime_ns;
		__entry->stime_ns = rec->stime_ns;
		__entry->rss_bytes = rec->rss_bytes;
		__entry->flags = rec->flags;
	),
	TP_printk("pid=%u seq=%llu utime_ns=%llu stime_ns=%llu rss_bytes=%llu flags=%u",
		  __entry->pid, __entry->seq, __entry->utime_ns, __entry->stime_ns,
		  __entry->rss_bytes, __entry->flags)
);

/*
 * As the events group has it (events.c): a wakeup over a threshold (pid
 * and comm: the cause, -1 if none was taken; irqs and softirqs: the
 * CPU's in the window from the timer's callback to the thread); an
 * event of a watched process, its exit or a budget crossed (pid and
 * comm: the process's; its CPU time in cpu_time_ns; the budget, its
 * limit, the value measured); or the module's (a thread lost or back;
 * samples dropped and ring entries lost, with the count since load as
 * the value).
 */
TRACE_DEFINE_ENUM(TMON_EVENT_THREAD_LATENCY);
TRACE_DEFINE_ENUM(TMON_EVENT_IRQ_LATENCY);
TRACE_DEFINE_ENUM(TMON_EVENT_EXIT);
TRACE_DEFINE_ENUM(TMON_EVENT_BUDGET_OVER);
TRACE_DEFINE_ENUM(TMON_EVENT_BUDGET_UNDER);
TRACE_DEFINE_ENUM(TMON_EVENT_THREAD_LOST);
TRACE_DEFINE_ENUM(TMON_EVENT_THREAD_BACK);
TRACE_DEFINE_ENUM(TMON_EVENT_SAMPLES_DROPPED);
TRACE_DEFINE_ENUM(TMON_EVENT_RING_LOST);
TRACE_DEFINE_ENUM(TMON_BUDGET_CPU);
TRACE_DEFINE_ENUM(TMON_BUDGET_RSS);
TRACE_DEFINE_ENUM(TMON_BUDGET_MAJFLT);

TRACE_EVENT(tmon_event,
	TP_PROTO(u64 seq, const struct tmon_event *ev),
	TP_ARGS(seq, ev),
	TP_STRUCT__entry(
		__field(u64, seq)
		__field(u32, kind)
		__field(u32, cpu)
		__field(u64, suppressed)
		__field(u64, threshold_ns)
		__field(u64, latency_ns)
		__field(u64, irq_latency_ns)
		__field(u32, missed)
		__field(pid_t, pid)
		__array(char, comm, TMON_COMM_LEN)
		__field(u64, cpu_time_ns)
		__field(u32, budget)
		__field(u64, budget_limit)
		__field(u64, value)
		__field(u64, irqs)
		__field(u64, softirqs)
	),
	TP_fast_assign(
		bool task = tmon_event_of_task(ev), wakeup = tmon_event_of_wakeup(ev);

		__entry->seq = seq;
		__entry->kind = ev->kind;
		__entry->cpu = ev->cpu;
		__entry->suppressed = ev->suppressed;
		__entry->threshold_ns = wakeup ? ev->threshold_ns : 0;
		__entry->latency_ns = wakeup ? ev->rec.latency_ns : 0;
		__entry->irq_latency_ns = wakeup ? ev->rec.irq_latency_ns : 0;
		__entry->missed = wakeup ? ev->rec.missed : 0;
		__entry->pid = task ? ev->task.pid : wakeup && ev->cause.taken ? ev->cause.pid : -1;
		if (task || wakeup)
			memcpy(__entry->comm, task ? ev->task.comm : ev->cause.comm,
			       TMON_COMM_LEN);
		else
			memset(__entry->comm, 0, TMON_COMM_LEN);
		__entry->cpu_time_ns = task ? ev->task.utime_ns + ev->task.stime_ns : 0;
		__entry->budget = ev->budget;
		__entry->budget_limit = ev->budget ? ev->threshold_ns : 0;
		__entry->value = ev->value;
		__entry->irqs = wakeup ? ev->cause.irqs : 0;
		__entry->softirqs = wakeup ? ev->cause.softirqs : 0;
	),
	TP_printk("seq=%llu kind=%s cpu=%u suppressed=%llu threshold_ns=%llu latency_ns=%llu irq_latency_ns=%llu missed=%u pid=%d comm=%.16s cpu_time_ns=%llu budget=%s budget_limit=%llu value=%llu irqs=%llu softirqs=%llu",
		  __entry->seq,
		  __print_symbolic(__entry->kind, { TMON_EVENT_THREAD_LATENCY, "thread-latency" },
				   { TMON_EVENT_IRQ_LATENCY, "irq-latency" },
				   { TMON_EVENT_EXIT, "exit" },
				   { TMON_EVENT_BUDGET_OVER, "budget-over" },
				   { TMON_EVENT_BUDGET_UNDER, "budget-under" },
				   { TMON_EVENT_THREAD_LOST, "thread-lost" },
				   { TMON_EVENT_THREAD_BACK, "thread-back" },
				   { TMON_EVENT_SAMPLES_DROPPED, "samples-dropped" },
				   { TMON_EVENT_RING_LOST, "ring-lost" }),
		  __entry->cpu, __entry->suppressed, __entry->threshold_ns, __entry->latency_ns,
		  __entry->irq_latency_ns, __entry->missed, __entry->pid, __entry->comm,
		  __entry->cpu_time_ns,
		  __print_symbolic(__entry->budget, { 0, "-" }, { TMON_BUDGET_CPU, "cpu" },
				   { TMON_BUDGET_RSS, "rss" }, { TMON_BUDGET_MAJFLT, "majflt" }),
		  __entry->budget_limit, __entry->value, __entry->irqs, __entry->softirqs)
);

#endif /* _TMON_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
