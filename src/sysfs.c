// SPDX-License-Identifier: GPL-2.0
/* sysfs read-out: /sys/kernel/tmon/, one value per file. */
#include <linux/capability.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "tmon.h"

static struct kobject *tmon_kobj;

static ssize_t period_ns_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", tmon_period_ns());
}

static ssize_t nr_cpus_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", tmon_threads_running());
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s abi %u\n", TMON_VERSION, TMON_ABI_VERSION);
}

/* The reader is the caller: sysfs hands show() no file to ask. */
static ssize_t samples_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct tmon_caller c;
	struct xarray visible;
	ssize_t len;
	int err = 0;

	tmon_caller_init(&c, ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN));
	xa_init(&visible);
	if (!tmon_caller_sees_all(&c))
		err = tmon_watches_visible(&c, &visible);
	len = err ? err : tmon_samples_show_recent(buf, &c, &visible);
	tmon_watches_visible_free(&visible);
	return len;
}

#define TMON_U64_ATTR(name, expr)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

TMON_U64_ATTR(nr_tasks, tmon_nr_tasks());
TMON_U64_ATTR(nr_samples, tmon_samples_stored());
TMON_U64_ATTR(samples_dropped, tmon_samples_dropped());
TMON_U64_ATTR(samples_skipped, tmon_samples_skipped());
TMON_U64_ATTR(samples_reclaimed, tmon_samples_reclaimed());
TMON_U64_ATTR(mem_bytes, tmon_mem_bytes());
TMON_U64_ATTR(sample_size, tmon_sample_size());
TMON_U64_ATTR(ring_lost, tmon_ring_lost());

static struct kobj_attribute samples_attr = __ATTR_RO(samples);
static struct kobj_attribute period_ns_attr = __ATTR_RO(period_ns);
static struct kobj_attribute nr_cpus_attr = __ATTR_RO(nr_cpus);
static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *tmon_attrs[] = {
	&period_ns_attr.attr,
	&nr_cpus_attr.attr,
	&version_attr.attr,
	&samples_attr.attr,
	&nr_tasks_attr.attr,
	&nr_samples_attr.attr,
	&samples_dropped_attr.attr,
	&samples_skipped_attr.attr,
	&samples_reclaimed_attr.attr,
	&mem_bytes_attr.attr,
	&sample_size_attr.attr,
	&ring_lost_attr.attr,
	NULL,
};

static const struct attribute_group tmon_attr_group = {
	.attrs = tmon_attrs,
};

int tmon_sysfs_init(void)
{
	int err;

	tmon_kobj = kobject_create_and_add("tmon", kernel_kobj);
	if (!tmon_kobj)
		return -ENOMEM;
	err = sysfs_create_group(tmon_kobj, &tmon_attr_group);
	if (err) {
		kobject_put(tmon_kobj);
		tmon_kobj = NULL;
	}
	return err;
}

void tmon_sysfs_exit(void)
{
	sysfs_remove_group(tmon_kobj, &tmon_attr_group);
	kobject_put(tmon_kobj);
	tmon_kobj = NULL;
}
