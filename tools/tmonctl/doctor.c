// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl doctor`: why tmon is not working here, and what to do, one
 * finding a line. It looks where an administrator would: the running
 * kernel's release, its modules.dep (what modprobe would load), its
 * headers, DKMS's tree, signature enforcement, /dev/tmon and debugfs, and
 * the module's own health (as `status` judges it). It changes nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tmonctl.h"

/* The oldest kernel tmon supports (tmon-dkms's BUILD_EXCLUSIVE_KERNEL). */
#define OLDEST_MAJOR	6
#define OLDEST_MINOR	1
#define DKMS_TREE	"/var/lib/dkms/tmon"
#define MOK_PUB		"/var/lib/dkms/mok.pub"

#define MAX_FINDINGS	12
struct findings {
	unsigned int n;
	char problem[MAX_FINDINGS][160];
	char fix[MAX_FINDINGS][300];
};

static void __attribute__((format(printf, 3, 4)))
found(struct findings *f, const char *fix, const char *fmt, ...)
{
	va_list ap;

	if (f->n == MAX_FINDINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(f->problem[f->n], sizeof(f->problem[0]), fmt, ap);
	va_end(ap);
	snprintf(f->fix[f->n], sizeof(f->fix[0]), "%s", fix);
	f->n++;
}

/* modules.dep of @rel names a tmon.ko*: modprobe would find it. */
static bool module_installed(const char *rel)
{
	char path[300], line[1024];
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", rel);
	fp = fopen(path, "r");
	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp)) {
		char *end = strchr(line, ':'), *base;

		if (!end)
			continue;
		*end = '\0';
		base = strrchr(line, '/');
		found = !strncmp(base ? base + 1 : line, "tmon.ko", 7);
	}
	fclose(fp);
	return found;
}

/*
 * The version DKMS holds tmon at: its tree's first version directory.
 * The tree also holds a symbolic link for each kernel built for
 * (kernel-RELEASE-ARCH), which is no version.
 */
static bool dkms_version(char *ver, size_t len)
{
	DIR *d = opendir(DKMS_TREE);
	struct dirent *de;
	struct stat st;
	bool ok = false;

	if (!d)
		return false;
	while (!ok && (de = readdir(d)))
		if (de->d_name[0] != '.' &&
		    !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISDIR(st.st_mode)) {
			snprintf(ver, len, "%.63s", de->d_name);
			ok = true;
		}
	closedir(d);
	return ok;
}

/* Not built for @rel: no headers, no tmon-dkms, or a DKMS build that failed. */
static void why_not_built(struct findings *f, const char *rel)
{
	char path[300], ver[64], fix[300];

	snprintf(path, sizeof(path), "/lib/modules/%s/build/Makefile", rel);
	if (access(path, F_OK)) {
		snprintf(fix, sizeof(fix), "sudo apt install linux-headers-%s (DKMS then builds)",
			 rel);
		found(f, fix, "no tmon module for kernel %s: its headers are not installed",
		      rel);
		return;
	}
	if (!dkms_version(ver, sizeof(ver))) {
		found(f, "sudo apt install tmon-dkms",
		      "no tmon module for kernel %s: DKMS has no tmon (tmon-dkms not installed)",
		      rel);
		return;
	}
	snprintf(fix, sizeof(fix), "read %s/%s/build/make.log; sudo dkms install tmon/%s -k %s",
		 DKMS_TREE, ver, ver, rel);
	found(f, fix, "no tmon module for kernel %s: DKMS holds tmon %s but did not build it", rel,
	      ver);
}

/*
 * Why a kernel would refuse a module signed by DKMS's own key: enforced
 * signatures (module.sig_enforce=1, lockdown, or Secure Boot, which
 * implies both on Debian). Empty if none.
 */
static void enforcement(char *why, size_t len)
{
	char buf[128];

	why[0] = '\0';
	if (!sysfs_read_str("/sys/module/module/parameters/sig_enforce", buf, sizeof(buf)) &&
	    buf[0] == 'Y')
		snprintf(why, len, "module.sig_enforce");
	else if (!sysfs_read_str("/sys/kernel/security/lockdown", buf, sizeof(buf)) &&
		 !strstr(buf, "[none]"))
		snprintf(why, len, "lockdown %s", buf);
}

/*
 * mokutil says DKMS's key is enrolled. By its words: its exit status is
 * 0 for "is not enrolled" and 1 for "is already enrolled". No mokutil
 * (or no EFI) is not enrolled as far as anyone can tell.
 */
static bool mok_enrolled(void)
{
	FILE *p = popen("mokutil --test-key " MOK_PUB " 2>/dev/null", "r");
	char line[512];
	bool yes = false;

	if (!p)
		return false;
	while (fgets(line, sizeof(line), p))
		yes |= !!strstr(line, " is already enrolled");
	pclose(p);
	return yes;
}

/* Installed for this kernel, not loaded: why, as far as can be seen. */
static void why_not_loaded(struct findings *f)
{
	char why[160];

	enforcement(why, sizeof(why));
	if (why[0] && !mok_enrolled()) {
		found(f, "sudo mokutil --import " MOK_PUB
		      "; reboot and enrol the key in the MOK manager",
		      "the kernel loads only signed modules (%s) and DKMS's key (%s) is not enrolled",
		      why, MOK_PUB);
		return;
	}
	found(f, "sudo modprobe tmon (and its messages: sudo dmesg | grep tmon)",
	      "the tmon module is installed for this kernel but not loaded");
}

/* /proc/mounts has a @type file system at @dir. */
static bool mounted(const char *dir, const char *type)
{
	char line[512], d[256], t[64];
	bool found = false;
	FILE *fp = fopen("/proc/mounts", "r");

	if (!fp)
		return false;
	while (!found && fgets(line, sizeof(line), fp))
		found = sscanf(line, "%*s %255s %63s", d, t) == 2 && !strcmp(d, dir) &&
			!strcmp(t, type);
	fclose(fp);
	return found;
}

/* Loaded: what a user of tmonctl and the files needs. */
static void check_loaded(struct findings *f)
{
	struct tmon_status st;
	struct problems p;
	unsigned int i;

	if (access(TMON_DEV, F_OK))
		found(f, "sudo udevadm trigger --subsystem-match=misc (or reload the module)",
		      TMON_DEV " is missing, so records cannot be streamed");
	else if (access(TMON_DEV, R_OK))
		/* (tmon-dkms's group and udev rule let its members read it) */
		found(f, getgrnam("tmon") ? "sudo adduser $USER tmon, then log in again" :
		      "run tmonctl as root",
		      "no permission to read " TMON_DEV " (%s)", strerror(errno));
	if (!mounted("/sys/kernel/debug", "debugfs"))
		found(f, "sudo mount -t debugfs none /sys/kernel/debug",
		      "debugfs is not mounted, so tmon's debugfs files are not there");
	if (status_get(&st, false)) {
		found(f, "see the message above", "tmonctl cannot read the module's status");
		return;
	}
	status_problems(&st, &p);
	for (i = 0; i < p.n; i++)
		found(f, "tmonctl status", "the module is degraded: %s", p.text[i]);
	status_free(&st);
}

static void doctor_print(const struct findings *f, const char *ok)
{
	struct json j;
	unsigned int i;

	if (!json_global) {
		for (i = 0; i < f->n; i++)
			printf("%s: %s\n", f->problem[i], f->fix[i]);
		if (!f->n)
			printf("no problem found: %s\n", ok);
		return;
	}
	json_init(&j, stdout);
	json_object(&j, NULL);
	json_bool(&j, "healthy", !f->n);
	json_array(&j, "findings");
	for (i = 0; i < f->n; i++) {
		json_object(&j, NULL);
		json_str(&j, "problem", f->problem[i]);
		json_str(&j, "fix", f->fix[i]);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

int cmd_doctor(int argc, char **argv)
{
	unsigned int major = 0, minor = 0;
	struct findings f = { 0 };
	struct utsname u;
	char ok[200];
	int err;

	err = cmd_options_only(argc, argv);
	if (err)
		return err;
	uname(&u);
	if (sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	    (major < OLDEST_MAJOR || (major == OLDEST_MAJOR && minor < OLDEST_MINOR)))
		found(&f, "boot a newer kernel (apt install linux-image-amd64, or your flavour)",
		      "kernel %s is older than %u.%u, the oldest tmon supports", u.release,
		      OLDEST_MAJOR, OLDEST_MINOR);
	if (access("/sys/module/tmon", F_OK)) {
		if (!module_installed(u.release))
			why_not_built(&f, u.release);
		else
			why_not_loaded(&f);
	} else {
		check_loaded(&f);
	}
	snprintf(ok, sizeof(ok), "tmon is loaded on %s and healthy; " TMON_DEV " is readable",
		 u.release);
	doctor_print(&f, ok);
	if (fflush(stdout) || ferror(stdout)) {
		error("doctor: cannot write the output");
		return EXIT_ERR;
	}
	return f.n ? EXIT_ERR : EXIT_OK;
}
