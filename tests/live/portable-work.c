/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The workload of test-portable: what the C library and its callers do with
 * the syscall families of --portable.  A thread (glibc 2.34+: clone3, clone
 * on ENOSYS; musl: clone), statx (glibc's wrapper falls back to newfstatat on
 * ENOSYS; musl 1.2.3 has no wrapper: the syscall, stat on ENOSYS, as callers
 * do), faccessat with AT_EACCESS (glibc: faccessat2, faccessat on ENOSYS),
 * openat2 (no libc wrapper: the syscall, then open(), as runc and systemd
 * fall back) and stat().  Exit 0 and "portable-work: ok" when all worked;
 * else 1 and which failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static void *thread(void *arg)
{
	return arg;
}

struct open_how_ {
	uint64_t flags, mode, resolve;
};

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/hostname";
	pthread_t t;
	struct stat st;
	struct open_how_ how = { .flags = O_RDONLY | O_CLOEXEC };
	int fails = 0, fd, e;

	/*
	 * pthread_join waits on a futex only while the thread still runs: wake
	 * one once, so that every learning run sees futex.
	 */
	syscall(SYS_futex, &fails, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0);
	e = pthread_create(&t, NULL, thread, NULL);
	if (e) {
		fprintf(stderr, "portable-work: pthread_create: %s\n", strerror(e));
		fails++;
	} else {
		pthread_join(t, NULL);
	}
#ifdef __GLIBC__
	{
		struct statx sx;
		if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx) < 0) {
			fprintf(stderr, "portable-work: statx: %s\n", strerror(errno));
			fails++;
		}
	}
#else
	{
		char sx[256];
		if (syscall(SYS_statx, AT_FDCWD, path, 0, 0x7ffU, sx) < 0 && (errno != ENOSYS || stat(path, &st) < 0)) {
			fprintf(stderr, "portable-work: statx: %s\n", strerror(errno));
			fails++;
		}
	}
#endif
	if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) < 0) {
		fprintf(stderr, "portable-work: faccessat: %s\n", strerror(errno));
		fails++;
	}
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "portable-work: openat2/open: %s\n", strerror(errno));
		fails++;
	} else {
		close(fd);
	}
	if (stat(path, &st) < 0) {
		fprintf(stderr, "portable-work: stat: %s\n", strerror(errno));
		fails++;
	}
	/* the success line also makes write part of what is learned, so that a failure can be told */
	if (!fails)
		printf("portable-work: ok\n");
	return fails ? 1 : 0;
}
