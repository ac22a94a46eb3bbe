// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI header must compile in strict C11 user space, and its layouts
 * must not change by accident: sizes and offsets are pinned here, and
 * any change must come with a TMON_ABI_VERSION bump.
 */
#include <stddef.h>
#include <stdio.h>

#include "../../src/tmon_abi.h"

#define PIN(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " moved")

_Static_assert(TMON_ABI_VERSION == 2, "update the pinned layouts with the ABI version");
_Static_assert(sizeof(struct tmon_cpu_record) == 112, "tmon_cpu_record size changed");
PIN(struct tmon_cpu_record, cpu, 0);
PIN(struct tmon_cpu_record, missed, 4);
PIN(struct tmon_cpu_record, seq, 8);
PIN(struct tmon_cpu_record, expected_ns, 16);
PIN(struct tmon_cpu_record, latency_ns, 24);
PIN(struct tmon_cpu_record, irq_latency_ns, 32);
PIN(struct tmon_cpu_record, run_ns, 40);
PIN(struct tmon_cpu_record, nvcsw, 48);
PIN(struct tmon_cpu_record, nivcsw, 56);
PIN(struct tmon_cpu_record, user_ns, 64);
PIN(struct tmon_cpu_record, system_ns, 72);
PIN(struct tmon_cpu_record, idle_ns, 80);
PIN(struct tmon_cpu_record, iowait_ns, 88);
PIN(struct tmon_cpu_record, irq_ns, 96);
PIN(struct tmon_cpu_record, softirq_ns, 104);
_Static_assert(sizeof(struct tmon_task_record) == 128, "tmon_task_record size changed");
PIN(struct tmon_task_record, pid, 0);
PIN(struct tmon_task_record, cpu, 4);
PIN(struct tmon_task_record, seq, 8);
PIN(struct tmon_task_record, ts_ns, 16);
PIN(struct tmon_task_record, utime_ns, 24);
PIN(struct tmon_task_record, stime_ns, 32);
PIN(struct tmon_task_record, vm_bytes, 40);
PIN(struct tmon_task_record, stack_bytes, 48);
PIN(struct tmon_task_record, data_bytes, 56);
PIN(struct tmon_task_record, rss_bytes, 64);
PIN(struct tmon_task_record, minflt, 72);
PIN(struct tmon_task_record, majflt, 80);
PIN(struct tmon_task_record, nvcsw, 88);
PIN(struct tmon_task_record, nivcsw, 96);
PIN(struct tmon_task_record, flags, 104);
PIN(struct tmon_task_record, comm, 112);
_Static_assert(sizeof(struct tmon_ring_entry) == 144, "tmon_ring_entry size changed");
PIN(struct tmon_ring_entry, seq, 0);
PIN(struct tmon_ring_entry, type, 8);
PIN(struct tmon_ring_entry, ring, 12);
PIN(struct tmon_ring_entry, cpu, 16);
PIN(struct tmon_ring_entry, task, 16);
_Static_assert(sizeof(struct tmon_ring_header) == 48, "tmon_ring_header size changed");
PIN(struct tmon_ring_header, nr_entries, 16);
PIN(struct tmon_ring_header, head, 40);
_Static_assert(sizeof(struct tmon_ring_info) == 16, "tmon_ring_info size changed");
_Static_assert(TMON_PERIOD_MIN_NS == 100000ULL, "period floor is 100 us");
_Static_assert(TMON_PERIOD_MAX_NS == 3600000000000ULL, "period ceiling is 3600 s");
/* What netlink/tmon.yaml writes as numbers, against the names of tmon_abi.h. */
_Static_assert(TMON_GENL_VERSION == TMON_ABI_VERSION, "the family's version is the ABI's");
_Static_assert(sizeof(((struct tmon_task_record *)0)->comm) == TMON_COMM_LEN, "comm length");

int main(void)
{
	printf("struct tmon_cpu_record: %zu bytes\n", sizeof(struct tmon_cpu_record));
	printf("struct tmon_task_record: %zu bytes\n", sizeof(struct tmon_task_record));
	return 0;
}
