// SPDX-License-Identifier: GPL-2.0
/*
 * One value per file: the module's parameters, the CPUs' online state,
 * the kernel's settings doctor reads, a process's name; and the
 * directories of the files tmonctl writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
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

/* mkdir -p of the file's directory, for the default /var/lib/tmon. */
void make_dirs(const char *file)
{
	char dir[4096], *p;

	snprintf(dir, sizeof(dir), "%s", file);
	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
}

/* The comm of a live process; false if there is none. */
bool proc_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	/* Only the newline the kernel ends it with: a name may hold others. */
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	return true;
}
