/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kubernetes names (namespace, pod, container) of a container from
 * kubelet's log directories (container.h).  The names are only compared and
 * copied, never used to build a path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scmplog/container.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "container-internal.h"
#include "util.h"

/* ------------------------------------------------------- kubelet names */

static bool is_uid_str(const char *s)
{
	char tmp[SCL_MAX_POD_UID + 1];
	size_t n = strnlen(s, SCL_MAX_POD_UID + 1);
	return n <= SCL_MAX_POD_UID && scl_ctr_pod_uid(s, n, '-', tmp) && !memcmp(tmp, s, n);
}

/* DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most max. */
bool scl_dns_label(const char *p, size_t n, size_t max)
{
	if (n == 0 || n > max || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			return false;
	return true;
}

/* DNS-1123 subdomain: labels joined by '.', at most SCL_MAX_K8S_NAME. */
bool scl_dns_subdomain(const char *p, size_t n)
{
	size_t start = 0;

	if (n == 0 || n > SCL_MAX_K8S_NAME)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '.')
			continue;
		if (!scl_dns_label(p + start, i - start, SCL_MAX_K8S_LABEL))
			return false;
		start = i + 1;
	}
	return true;
}

static int open_dir(const char *path, DIR **ret)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	*ret = d;
	return 0;
}

struct span {
	const char *p;
	size_t n;
};

/* "<a>_<b>_<c>" with exactly two '_'. */
static bool split3(const char *s, size_t n, struct span out[3])
{
	const char *u1 = memchr(s, '_', n), *u2;

	if (!u1)
		return false;
	u2 = memchr(u1 + 1, '_', (size_t)(s + n - u1 - 1));
	if (!u2 || memchr(u2 + 1, '_', (size_t)(s + n - u2 - 1)))
		return false;
	out[0] = (struct span){ s, (size_t)(u1 - s) };
	out[1] = (struct span){ u1 + 1, (size_t)(u2 - u1 - 1) };
	out[2] = (struct span){ u2 + 1, (size_t)(s + n - u2 - 1) };
	return true;
}

static void put(char *dst, struct span s)
{
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
}

static bool slice_is(struct span s, const char *str)
{
	return strlen(str) == s.n && !memcmp(s.p, str, s.n);
}

/* Record a candidate; -ENOTUNIQ if it differs from an earlier one. */
static int offer(const scl_k8s_names *cand, scl_k8s_names *best, bool *found)
{
	if (*found)
		return memcmp(cand, best, sizeof(*cand)) ? -ENOTUNIQ : 0;
	*best = *cand;
	*found = true;
	return 0;
}

/* "<ns>_<pod>_<uid>" into names; uid must equal want_uid if given. */
static bool pod_dir_name(const char *s, size_t n, const char *want_uid, scl_k8s_names *names)
{
	struct span f[3];
	char uid[SCL_MAX_POD_UID + 1];

	if (!split3(s, n, f) || !scl_dns_label(f[0].p, f[0].n, SCL_MAX_K8S_LABEL) || !scl_dns_subdomain(f[1].p, f[1].n) ||
	    f[2].n > SCL_MAX_POD_UID || !scl_ctr_pod_uid(f[2].p, f[2].n, '-', uid) || memcmp(uid, f[2].p, f[2].n))
		return false;
	if (want_uid && want_uid[0] && !slice_is(f[2], want_uid))
		return false;
	memset(names, 0, sizeof(*names));
	put(names->namespace_, f[0]);
	put(names->pod, f[1]);
	return true;
}

/*
 * One /var/log/containers entry: "<pod>_<ns>_<container>-<id>.log", a symlink
 * to ".../<ns>_<pod>_<uid>/<container>/<N>.log".  1 with *ret, 0 not ours.
 */
static int container_link(int dfd, const char *name, const char *id, const char *uid, scl_k8s_names *ret)
{
	size_t n = strlen(name), idn = strlen(id), tn;
	char target[SCL_MAX_CGROUP_PATH + 1];
	const char *c[3], *e;
	struct span f[3];
	scl_k8s_names a, b;
	ssize_t k;

	/* "-" id ".log" */
	if (n < idn + 5 || memcmp(name + n - 4, ".log", 4) || memcmp(name + n - 4 - idn, id, idn) ||
	    name[n - 5 - idn] != '-')
		return 0;
	n -= idn + 5;
	if (!split3(name, n, f) || !scl_dns_subdomain(f[0].p, f[0].n) || !scl_dns_label(f[1].p, f[1].n, SCL_MAX_K8S_LABEL) ||
	    !scl_dns_label(f[2].p, f[2].n, SCL_MAX_K8S_LABEL))
		return 0;
	memset(&a, 0, sizeof(a));
	put(a.pod, f[0]);
	put(a.namespace_, f[1]);
	put(a.container, f[2]);

	k = readlinkat(dfd, name, target, sizeof(target));
	if (k < 0)
		return errno == EINVAL || errno == ENOENT ? 0 : -errno;
	if ((size_t)k >= sizeof(target) || memchr(target, '\0', (size_t)k))
		return 0;
	tn = (size_t)k;
	/* the last three components, never followed */
	e = target + tn;
	for (int i = 2; i >= 0; i--) {
		const char *s = memrchr(target, '/', (size_t)(e - target));
		c[i] = s ? s + 1 : target;
		if (!s && i > 0)
			return 0;
		if (i > 0)
			e = s;
	}
	{
		const char *file = c[2], *fend = target + tn;
		size_t fn = (size_t)(fend - file);
		uint64_t restart;
		if (fn < 5 || memcmp(fend - 4, ".log", 4) || scl_parse_u64(file, fn - 4, UINT32_MAX, &restart) < 0)
			return 0;
		if (!pod_dir_name(c[0], (size_t)(c[1] - 1 - c[0]), uid, &b))
			return 0;
		if (!scl_ctr_eq(c[1], (size_t)(c[2] - 1 - c[1]), a.container))
			return 0;
	}
	if (strcmp(a.namespace_, b.namespace_) || strcmp(a.pod, b.pod))
		return 0;
	*ret = a;
	return 1;
}

/* What the entries are matched against: the container id, the pod uid (NULL: any). */
struct wanted {
	const char *id, *uid;
};

/* One directory entry: 1 with *cand, 0 not ours, -errno. */
typedef int entry_fn(int dfd, const char *name, const struct wanted *w, scl_k8s_names *cand);

static int container_entry(int dfd, const char *name, const struct wanted *w, scl_k8s_names *cand)
{
	return container_link(dfd, name, w->id, w->uid, cand);
}

/* A pod's log directory "<ns>_<pod>_<uid>" (a directory, not a link to one). */
static int pod_entry(int dfd, const char *name, const struct wanted *w, scl_k8s_names *cand)
{
	struct stat st;

	if (!pod_dir_name(name, strlen(name), w->uid, cand))
		return 0;
	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Offer every entry fn takes of the directory path (none if it does not
 * exist), at most SCL_MAX_K8S_LOG_ENTRIES of them (-E2BIG): -ENOTUNIQ when
 * two differ.
 */
static int scan_dir(const char *path, entry_fn *fn, const struct wanted *w, scl_k8s_names *best, bool *found)
{
	_cleanup_closedir_ DIR *d = NULL;
	size_t count = 0;
	int r = open_dir(path, &d);

	if (r < 0 || !d)
		return r == -ENOENT ? 0 : r;
	for (;;) {
		scl_k8s_names cand;
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de)
			return errno ? -errno : 0;
		if (++count > SCL_MAX_K8S_LOG_ENTRIES)
			return -E2BIG;
		r = fn(dirfd(d), de->d_name, w, &cand);
		if (r > 0)
			r = offer(&cand, best, found);
		if (r < 0)
			return r;
	}
}

int scl_container_k8s_names(const char *pods_dir, const char *containers_dir, const char *pod_uid_s,
			    const char *container_id, scl_k8s_names *ret)
{
	bool have_uid = pod_uid_s && pod_uid_s[0], have_id = container_id && container_id[0];
	const struct wanted w = { container_id, have_uid ? pod_uid_s : NULL };
	scl_k8s_names best;
	bool found = false;
	int r;

	if (!have_uid && !have_id)
		return -EINVAL;
	if (have_uid && !is_uid_str(pod_uid_s))
		return -EINVAL;
	if (have_id) {
		size_t idn = strnlen(container_id, SCL_MAX_CONTAINER_ID + 1);
		if (idn > SCL_MAX_CONTAINER_ID || !scl_ctr_is_plain_id(container_id, idn))
			return -EINVAL;
	}

	if (containers_dir && have_id) {
		r = scan_dir(containers_dir, container_entry, &w, &best, &found);
		if (r < 0)
			return r;
	}
	if (!found && pods_dir && have_uid) {
		r = scan_dir(pods_dir, pod_entry, &w, &best, &found);
		if (r < 0)
			return r;
	}
	if (!found)
		return -ENOENT;
	*ret = best;
	return 0;
}
