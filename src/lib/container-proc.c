/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading /proc/PID/{cgroup,stat} and /proc/stat (container.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/container.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "container-internal.h"
#include "util.h"

/* ----------------------------------------------------------- proc reads */

static size_t fmt_u32(uint32_t v, char buf[static 11])
{
	char tmp[10];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return i;
}

/* ENOENT and ESRCH (the process is gone) as -ENOENT, other errnos negated. */
static int scl_ctr_gone(int err)
{
	return err == ENOENT || err == ESRCH ? -ENOENT : -err;
}

/* Read the whole file name (under dfd) into buf; more than max bytes: -E2BIG. */
static int read_small(int dfd, const char *name, char *buf, size_t max, size_t *ret_n)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	int r;

	if (fd < 0)
		return scl_ctr_gone(errno);
	r = scl_read_small(fd, buf, max + 1, ret_n);
	return r < 0 ? scl_ctr_gone(-r) : 0;
}

int scl_ctr_open_pid_dir(int proc_fd, uint32_t pid)
{
	char name[11];
	int fd;

	if (pid == 0 || pid > SCL_PID_MAX_LIMIT)
		return -EINVAL;
	fmt_u32(pid, name);
	fd = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? scl_ctr_gone(errno) : fd;
}

static int read_stat(int dfd, uint32_t pid, uint64_t *ret_starttime, uint32_t *ret_flags)
{
	char buf[SCL_MAX_PROC_STAT + 1];
	size_t n = 0;
	int r = read_small(dfd, "stat", buf, SCL_MAX_PROC_STAT, &n);

	if (r < 0)
		return r;
	if (n == 0)
		return -ENOENT; /* a reaped task's files read empty */
	return scl_container_parse_stat(buf, n, pid, ret_starttime, ret_flags);
}

int scl_ctr_read_starttime(int dfd, uint32_t pid, uint64_t *ret)
{
	return read_stat(dfd, pid, ret, NULL);
}

int scl_ctr_still_alive(int dfd, uint32_t pid)
{
	uint32_t f = 0;
	int r = read_stat(dfd, pid, NULL, &f);

	if (r < 0)
		return r;
	return f & SCL_PF_EXITING ? -ENOENT : 0;
}

int scl_ctr_read_cgroup(int dfd, uint32_t pid, unsigned flags, scl_container *ret, uint64_t *ret_starttime)
{
	uint32_t f = 0;
	_cleanup_free_ char *buf = malloc(SCL_MAX_PROC_CGROUP_FILE + 1);
	size_t n = 0;
	int r;

	if (!buf)
		return -ENOMEM;
	r = read_small(dfd, "cgroup", buf, SCL_MAX_PROC_CGROUP_FILE, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return -ENOENT;
	/* read after: a task not exiting then was not exiting when its cgroups were read */
	r = read_stat(dfd, pid, ret_starttime, &f);
	if (r < 0)
		return r;
	if (f & SCL_PF_EXITING)
		return -ENOENT;
	return scl_container_parse_proc_cgroup(buf, n, flags, ret);
}

int scl_container_parse_btime(const char *buf, size_t n, uint64_t *ret)
{
	static const char key[] = "btime ";
	const char *p = buf, *end = buf + n;
	bool found = false;
	uint64_t v = 0;

	if (n > SCL_MAX_PROC_STAT_FILE)
		return -E2BIG;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if ((size_t)(le - p) > sizeof(key) - 1 && memcmp(p, key, sizeof(key) - 1) == 0) {
			if (found || scl_parse_u64(p + sizeof(key) - 1, (size_t)(le - p) - (sizeof(key) - 1),
						   UINT64_MAX, &v) < 0)
				return -EBADMSG;
			found = true;
		}
		p = le + 1;
	}
	if (!found)
		return -EBADMSG;
	*ret = v;
	return 0;
}

int scl_container_read_btime(int proc_fd, uint64_t *ret)
{
	_cleanup_free_ char *buf = malloc(SCL_MAX_PROC_STAT_FILE + 1);
	size_t n = 0;
	int r;

	if (!buf)
		return -ENOMEM;
	r = read_small(proc_fd, "stat", buf, SCL_MAX_PROC_STAT_FILE, &n);
	if (r < 0)
		return r;
	return scl_container_parse_btime(buf, n, ret);
}

bool scl_container_may_have_made(uint64_t starttime, uint64_t btime, uint64_t clk_tck, uint64_t rec_sec)
{
	uint64_t start;

	if (clk_tck == 0 || rec_sec + SCL_PROC_START_SLACK < btime)
		return false;
	start = btime + starttime / clk_tck;
	return start <= rec_sec + SCL_PROC_START_SLACK;
}

int scl_container_read_proc(int proc_fd, uint32_t pid, unsigned flags, scl_container *ret,
			    uint64_t *ret_starttime)
{
	_cleanup_close_ int dfd = scl_ctr_open_pid_dir(proc_fd, pid);
	scl_container c;
	uint64_t st = 0;
	int res;

	if (dfd < 0)
		return dfd;
	/* one read of stat: the start time and whether it had begun to exit */
	res = scl_ctr_read_cgroup(dfd, pid, flags, &c, &st);
	if (res < 0)
		return res;
	*ret = c;
	if (ret_starttime)
		*ret_starttime = st;
	return res;
}
