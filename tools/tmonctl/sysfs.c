// SPDX-License-Identifier: GPL-2.0
/*
 * Access to the module's sysfs files. TMONCTL_SYSFS names another root
 * than /sys, so the tests can run tmonctl against a fake tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmonctl.h"

const char *sysfs_root(void)
{
	const char *root = getenv("TMONCTL_SYSFS");

	return root && *root ? root : "/sys";
}

bool tmon_loaded(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/kernel/tmon", sysfs_root());
	return access(path, F_OK) == 0;
}

int sysfs_read_str(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", sysfs_root(), dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int sysfs_read_u64(const char *dir, const char *name, uint64_t *val)
{
	char buf[64], *end;
	int err;

	err = sysfs_read_str(dir, name, buf, sizeof(buf));
	if (err)
		return err;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int sysfs_write_u64(const char *dir, const char *name, uint64_t val)
{
	char path[PATH_MAX], buf[32];
	int fd, len, err = 0;

	snprintf(path, sizeof(path), "%s/%s/%s", sysfs_root(), dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", val);
	if (write(fd, buf, len) != len)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}
