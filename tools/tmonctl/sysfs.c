// SPDX-License-Identifier: GPL-2.0
/*
 * One value per file: the module's parameters, the CPUs' online state,
 * the kernel's settings doctor reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "tmonctl.h"

/* The file's text, without its trailing newlines, in @buf (@len bytes). */
int sysfs_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[32];
	int err = sysfs_read_str(path, buf, sizeof(buf));

	return err ? err : parse_u64(buf, 0, UINT64_MAX, val);
}

int sysfs_write_u64(const char *path, uint64_t val)
{
	char buf[32];
	int fd, len, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", val);
	if (write(fd, buf, (size_t)len) != len)
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}
