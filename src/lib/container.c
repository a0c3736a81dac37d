/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container attribution from cgroup paths, /proc/PID/{cgroup,stat} and
 * kubelet's log directories.  Every name here comes from outside and is only
 * compared and copied into bounded buffers, never used to build a path.
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
#include "util.h"

#define CONTAINER_ID_HEX 64
/* PID_MAX_LIMIT on 64-bit kernels (include/linux/threads.h). */
#define PID_MAX_LIMIT 4194304u

static const char *const runtime_names[_SCL_RUNTIME_MAX] = {
	[SCL_RUNTIME_NONE] = "none",
	[SCL_RUNTIME_DOCKER] = "docker",
	[SCL_RUNTIME_CONTAINERD] = "containerd",
	[SCL_RUNTIME_CRIO] = "cri-o",
	[SCL_RUNTIME_PODMAN] = "podman",
	[SCL_RUNTIME_PLAIN] = "plain",
};

static const char *const qos_names[_SCL_QOS_MAX] = {
	[SCL_QOS_NONE] = "none",
	[SCL_QOS_GUARANTEED] = "guaranteed",
	[SCL_QOS_BURSTABLE] = "burstable",
	[SCL_QOS_BESTEFFORT] = "besteffort",
};

const char *scl_container_runtime_str(scl_container_runtime rt)
{
	return (unsigned)rt < _SCL_RUNTIME_MAX ? runtime_names[rt] : "unknown";
}

const char *scl_k8s_qos_str(scl_k8s_qos q)
{
	return (unsigned)q < _SCL_QOS_MAX ? qos_names[q] : "unknown";
}

/* ------------------------------------------------------------------ names */

static bool eq(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n == l && memcmp(p, lit, l) == 0;
}

static bool ends_with(const char *p, size_t n, const char *lit, size_t l)
{
	return n >= l && memcmp(p + n - l, lit, l) == 0;
}
#define ENDSWITH(p, n, lit) ends_with((p), (n), (lit), sizeof(lit) - 1)

static bool strstr_n(const char *p, size_t n, const char *lit)
{
	return memmem(p, n, lit, strlen(lit)) != NULL;
}

static bool is_lhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_hex_id(const char *p, size_t n)
{
	if (n != CONTAINER_ID_HEX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lhex(p[i]))
			return false;
	return true;
}

/* Hex digits of either case, at least a short id's 12: meant as an id, maybe malformed. */
static bool looks_like_id(const char *p, size_t n)
{
	if (n < 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (scl_hex_table[(unsigned char)p[i]] == 0)
			return false;
	return true;
}

/* runc's id rule: ^[\w+-.]+$, not "." or "..". */
static bool is_plain_id(const char *p, size_t n)
{
	if (n == 0 || eq(p, n, ".") || eq(p, n, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '+' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/*
 * A pod UID: 8-4-4-4-12 lower-case hex with sep as separator (systemd slice
 * names carry '_' for '-'), or 32 hex (static pods: a hash).  Written with
 * '-' into out (SCL_MAX_POD_UID + 1).
 */
static bool pod_uid(const char *p, size_t n, char sep, char *out)
{
	if (n == 32) {
		for (size_t i = 0; i < n; i++)
			if (!is_lhex(p[i]))
				return false;
		memcpy(out, p, n);
		out[n] = '\0';
		return true;
	}
	if (n != 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? p[i] != sep : !is_lhex(p[i]))
			return false;
		out[i] = dash ? '-' : p[i];
	}
	out[n] = '\0';
	return true;
}

static bool is_uid_str(const char *s)
{
	char tmp[SCL_MAX_POD_UID + 1];
	size_t n = strnlen(s, SCL_MAX_POD_UID + 1);
	return n <= SCL_MAX_POD_UID && pod_uid(s, n, '-', tmp) && !memcmp(tmp, s, n);
}

/* DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most max. */
static bool dns_label(const char *p, size_t n, size_t max)
{
	if (n == 0 || n > max || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			return false;
	return true;
}

/* DNS-1123 subdomain: labels joined by '.', at most SCL_MAX_K8S_NAME. */
static bool dns_subdomain(const char *p, size_t n)
{
	size_t start = 0;

	if (n == 0 || n > SCL_MAX_K8S_NAME)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '.')
			continue;
		if (!dns_label(p + start, i - start, SCL_MAX_K8S_LABEL))
			return false;
		start = i + 1;
	}
	return true;
}

/* ------------------------------------------------------------ cgroup path */

/* Runtime scopes named "<prefix><64 hex><suffix>"; conmon first (its prefix extends crio-/libpod-). */
static const struct scope_rule {
	const char *prefix;
	bool scope_optional; /* ".scope" only with the systemd driver */
	scl_container_runtime runtime;
	bool conmon;
} scope_rules[] = {
	{ "docker-", false, SCL_RUNTIME_DOCKER, false },
	{ "cri-containerd-", false, SCL_RUNTIME_CONTAINERD, false },
	{ "crio-conmon-", true, SCL_RUNTIME_CRIO, true },
	{ "crio-", true, SCL_RUNTIME_CRIO, false },
	{ "libpod-conmon-", true, SCL_RUNTIME_PODMAN, true },
	{ "libpod-", true, SCL_RUNTIME_PODMAN, false },
};

static const char *const unit_suffixes[] = {
	".slice", ".scope", ".service", ".socket", ".mount", ".swap", ".target", ".device", ".timer",
	".path", ".automount",
};

static bool unit_suffix(const char *c, size_t n)
{
	for (size_t k = 0; k < ELEMENTSOF(unit_suffixes); k++)
		if (ends_with(c, n, unit_suffixes[k], strlen(unit_suffixes[k])))
			return true;
	return false;
}

enum kube_pos {
	KUBE_NONE,
	KUBE_ROOT,  /* just after "kubepods" (cgroupfs) */
	KUBE_QOS,   /* just after kubepods/{burstable,besteffort} */
	KUBE_POD,   /* just after the pod cgroup (either driver): a bare id is a container */
};

struct path_state {
	enum kube_pos kube;
	bool after_docker;   /* previous component was cgroupfs "docker" */
	bool pod_seen;
	scl_k8s_qos qos;     /* of the pod in uid: set with it, never alone */
	scl_k8s_qos qos_dir; /* cgroupfs kubepods/{burstable,besteffort}: for the pod below it */
	char uid[SCL_MAX_POD_UID + 1];
	bool unit_seen;
	bool runtime_seen;   /* docker, kubepods: a plain leaf below them is not a runc container */
	bool delegated;
	unsigned matches;
	scl_container first, last;
};

static void set_match(struct path_state *s, scl_container_runtime rt, bool conmon, const char *id, size_t n)
{
	scl_container *m = s->matches ? &s->last : &s->first;

	memset(m, 0, sizeof(*m));
	m->runtime = rt;
	m->conmon = conmon;
	m->user_delegated = s->delegated;
	memcpy(m->id, id, n);
	m->id[n] = '\0';
	if (s->pod_seen) {
		m->qos = s->qos;
		memcpy(m->pod_uid, s->uid, sizeof(m->pod_uid));
	}
	if (!s->matches)
		s->last = s->first;
	s->matches++;
	/* what follows is inside this container: a new level */
	s->pod_seen = false;
	s->qos = s->qos_dir = SCL_QOS_NONE;
	s->uid[0] = '\0';
	s->kube = KUBE_NONE;
}

/* "...kubepods[-burstable|-besteffort]-pod<uid_>.slice": 1 pod, 0 not a pod slice, -EINVAL. */
static int pod_slice(struct path_state *s, const char *c, size_t n)
{
	static const struct {
		const char *tail;
		scl_k8s_qos qos;
	} prefixes[] = {
		{ "kubepods-burstable", SCL_QOS_BURSTABLE },
		{ "kubepods-besteffort", SCL_QOS_BESTEFFORT },
		{ "kubepods", SCL_QOS_GUARANTEED },
	};
	const char *pod = NULL;
	size_t base = n - 6; /* without ".slice" */

	for (size_t i = base; i >= 4; i--)
		if (!memcmp(c + i - 4, "-pod", 4)) {
			pod = c + i - 4;
			break;
		}
	if (!pod)
		return 0;
	for (size_t k = 0; k < ELEMENTSOF(prefixes); k++) {
		size_t pl = strlen(prefixes[k].tail), pre = (size_t)(pod - c);
		if (!ends_with(c, pre, prefixes[k].tail, pl) || (pre > pl && c[pre - pl - 1] != '-'))
			continue;
		if (!pod_uid(pod + 4, base - pre - 4, '_', s->uid))
			return -EINVAL;
		s->qos = prefixes[k].qos;
		s->pod_seen = true;
		return 1;
	}
	return 0;
}

static int component(struct path_state *s, const char *c, size_t n)
{
	bool after_docker = s->after_docker;
	enum kube_pos kube = s->kube;
	int r;

	s->after_docker = false;
	s->kube = KUBE_NONE;
	if (n == 0 || eq(c, n, ".") || eq(c, n, ".."))
		return -EINVAL;
	if (n > SCL_MAX_CGROUP_NAME)
		return -ENAMETOOLONG;

	for (size_t k = 0; k < ELEMENTSOF(scope_rules); k++) {
		const struct scope_rule *rule = &scope_rules[k];
		size_t pl = strlen(rule->prefix), idn;
		bool scope;

		if (!scl_startswith(c, n, rule->prefix, pl))
			continue;
		scope = ENDSWITH(c, n, ".scope");
		/* e.g. "docker-compose@x.service", "crio-extra.slice": not a container's cgroup */
		if (!scope && (!rule->scope_optional || unit_suffix(c, n)))
			continue;
		if (n < pl + (scope ? 6 : 0))
			return -EINVAL;
		idn = n - pl - (scope ? 6 : 0);
		if (!is_hex_id(c + pl, idn))
			return -EINVAL;
		set_match(s, rule->runtime, rule->conmon, c + pl, idn);
		return 0;
	}

	if (unit_suffix(c, n))
		s->unit_seen = true;
	if (ENDSWITH(c, n, ".service") && STARTSWITH(c, n, "user@"))
		s->delegated = true;
	if (ENDSWITH(c, n, ".slice")) {
		r = pod_slice(s, c, n);
		if (r < 0)
			return r;
		if (r > 0)
			s->kube = KUBE_POD;
		if (r > 0 || STARTSWITH(c, n, "kubepods") || strstr_n(c, n, "-kubepods"))
			s->runtime_seen = true;
		return 0;
	}

	if (after_docker || kube == KUBE_POD) {
		if (is_hex_id(c, n)) {
			set_match(s, after_docker ? SCL_RUNTIME_DOCKER : SCL_RUNTIME_CONTAINERD, false, c, n);
			return 0;
		}
		if (looks_like_id(c, n))
			return -EINVAL;
		return 0; /* some other cgroup there (docker's buildkit, ...) */
	}
	if (eq(c, n, "docker")) {
		s->after_docker = true;
		s->runtime_seen = true;
		return 0;
	}
	if (eq(c, n, "kubepods")) {
		s->kube = KUBE_ROOT;
		s->runtime_seen = true;
		return 0;
	}
	/*
	 * The QoS level is the pod's only once the pod is seen: a QoS directory
	 * further down (a cgroup tree delegated below a pod names itself) must
	 * not relabel the pod seen before it.
	 */
	if (kube == KUBE_ROOT && (eq(c, n, "burstable") || eq(c, n, "besteffort"))) {
		s->qos_dir = c[1] == 'u' ? SCL_QOS_BURSTABLE : SCL_QOS_BESTEFFORT;
		s->kube = KUBE_QOS;
		return 0;
	}
	if ((kube == KUBE_ROOT || kube == KUBE_QOS) && STARTSWITH(c, n, "pod")) {
		if (!pod_uid(c + 3, n - 3, '-', s->uid))
			return -EINVAL;
		s->qos = kube == KUBE_ROOT ? SCL_QOS_GUARANTEED : s->qos_dir;
		s->pod_seen = true;
		s->kube = KUBE_POD;
		return 0;
	}
	return 0;
}

int scl_container_parse_path(const char *path, size_t n, unsigned flags, scl_container *ret)
{
	struct path_state s;
	const char *p, *end, *leaf = NULL;
	size_t leaf_n = 0;
	int r;

	if (n > SCL_MAX_CGROUP_PATH)
		return -ENAMETOOLONG;
	if (n == 0 || path[0] != '/' || memchr(path, '\0', n) || memchr(path, '\n', n))
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	end = path + n;
	p = path + 1;
	if (n > 1) {
		for (;;) {
			const char *slash = memchr(p, '/', (size_t)(end - p));
			const char *ce = slash ? slash : end;
			r = component(&s, p, (size_t)(ce - p));
			if (r < 0)
				return r;
			leaf = p;
			leaf_n = (size_t)(ce - p);
			if (!slash)
				break;
			p = slash + 1;
		}
	}

	if (s.matches) {
		scl_container m = (flags & SCL_CGROUP_INNERMOST) ? s.last : s.first;
		m.nested = s.matches > 1;
		*ret = m;
		return 1;
	}
	if ((flags & SCL_CGROUP_PLAIN_LEAF) && leaf && !s.unit_seen && !s.runtime_seen &&
	    is_plain_id(leaf, leaf_n)) {
		if (leaf_n > SCL_MAX_CONTAINER_ID)
			return -ENAMETOOLONG;
		set_match(&s, SCL_RUNTIME_PLAIN, false, leaf, leaf_n);
		*ret = s.first;
		return 1;
	}
	memset(ret, 0, sizeof(*ret));
	if (s.pod_seen) {
		ret->qos = s.qos;
		memcpy(ret->pod_uid, s.uid, sizeof(ret->pod_uid));
	}
	ret->user_delegated = s.delegated;
	return 0;
}

/* ------------------------------------------------------ /proc/PID/cgroup */

enum { HIER_V2, HIER_SYSTEMD, HIER_OTHER };

struct cg_line {
	int kind;
	const char *path;
	size_t path_n;
};

/* Next line of /proc/PID/cgroup at *pos: 1 with *ret, 0 at the end, -EBADMSG. */
static int cg_next(const char *buf, size_t n, size_t *pos, struct cg_line *ret)
{
	const char *p = buf + *pos, *end = buf + n, *nl, *c1, *c2;
	uint64_t id;

	if (p >= end)
		return 0;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		nl = end;
	*pos = (size_t)(nl - buf) + (nl < end);
	c1 = memchr(p, ':', (size_t)(nl - p));
	if (!c1)
		return -EBADMSG;
	c2 = memchr(c1 + 1, ':', (size_t)(nl - c1 - 1));
	if (!c2 || scl_parse_u64(p, (size_t)(c1 - p), INT32_MAX, &id) < 0)
		return -EBADMSG;
	ret->path = c2 + 1;
	ret->path_n = (size_t)(nl - c2 - 1);
	if (id == 0) {
		if (c2 != c1 + 1)
			return -EBADMSG;
		ret->kind = HIER_V2;
	} else {
		const char *q = c1 + 1;
		if (c2 == c1 + 1)
			return -EBADMSG;
		ret->kind = HIER_OTHER;
		while (q < c2) {
			const char *comma = memchr(q, ',', (size_t)(c2 - q));
			const char *te = comma ? comma : c2;
			if (te == q)
				return -EBADMSG;
			if (eq(q, (size_t)(te - q), "name=systemd"))
				ret->kind = HIER_SYSTEMD;
			q = comma ? comma + 1 : c2;
		}
	}
	/* v2: the kernel marks a removed cgroup (proc_cgroup_show) */
	if (ENDSWITH(ret->path, ret->path_n, " (deleted)"))
		ret->path_n -= 10;
	return 1;
}

int scl_container_parse_proc_cgroup(const char *buf, size_t n, unsigned flags, scl_container *ret)
{
	static const int order[] = { HIER_V2, HIER_SYSTEMD, HIER_OTHER };
	scl_container best, cur;
	bool have = false;
	int err = 0, r;
	size_t pos = 0;
	struct cg_line l;

	if (n > SCL_MAX_PROC_CGROUP_FILE)
		return -E2BIG;
	if (n == 0 || memchr(buf, '\0', n))
		return -EBADMSG;
	while ((r = cg_next(buf, n, &pos, &l)) > 0)
		;
	if (r < 0)
		return r;

	for (size_t k = 0; k < ELEMENTSOF(order); k++) {
		pos = 0;
		while (cg_next(buf, n, &pos, &l) > 0) {
			if (l.kind != order[k])
				continue;
			r = scl_container_parse_path(l.path, l.path_n, flags, &cur);
			if (r == 1) {
				*ret = cur;
				return 1;
			}
			if (r < 0) {
				if (!err)
					err = r;
				continue;
			}
			/* no container: keep the first, or the first that is in a pod */
			if (!have || (!best.pod_uid[0] && cur.pod_uid[0])) {
				best = cur;
				have = true;
			}
		}
	}
	if (err)
		return err;
	if (!have)
		return -EBADMSG;
	*ret = best;
	return 0;
}

/* -------------------------------------------------------- /proc/PID/stat */

int scl_container_parse_stat_starttime(const char *buf, size_t n, uint32_t pid, uint64_t *ret)
{
	const char *p, *end = buf + n, *sp, *rparen;
	uint64_t v;

	if (n > SCL_MAX_PROC_STAT)
		return -E2BIG;
	sp = memchr(buf, ' ', n);
	if (!sp || scl_parse_u64(buf, (size_t)(sp - buf), UINT32_MAX, &v) < 0 || v != pid)
		return -EBADMSG;
	if (end - sp < 2 || sp[1] != '(')
		return -EBADMSG;
	/* comm may contain ") " and anything else: the fields start after the last ')' */
	rparen = memrchr(sp + 2, ')', (size_t)(end - sp - 2));
	if (!rparen)
		return -EBADMSG;
	p = rparen + 1;
	if (end > buf && end[-1] == '\n')
		end--;
	for (int field = 3; field <= 22; field++) {
		const char *f, *fe;
		if (p >= end || *p != ' ')
			return -EBADMSG;
		f = ++p;
		fe = memchr(f, ' ', (size_t)(end - f));
		if (!fe)
			fe = end;
		if (fe == f)
			return -EBADMSG;
		if (field == 3 && fe - f != 1)
			return -EBADMSG;
		if (field == 22) {
			if (scl_parse_u64(f, (size_t)(fe - f), UINT64_MAX, &v) < 0)
				return -EBADMSG;
			*ret = v;
			return 0;
		}
		p = fe;
	}
	return -EBADMSG;
}

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

static int gone(int err)
{
	return err == ENOENT || err == ESRCH ? -ENOENT : -err;
}

/* Read the whole file name (under dfd) into buf; more than max bytes: -E2BIG. */
static int read_small(int dfd, const char *name, char *buf, size_t max, size_t *ret_n)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	size_t n = 0;

	if (fd < 0)
		return gone(errno);
	for (;;) {
		ssize_t k = read(fd, buf + n, max + 1 - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return gone(errno);
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n > max)
			return -E2BIG;
	}
	*ret_n = n;
	return 0;
}

static int open_pid_dir(int proc_fd, uint32_t pid)
{
	char name[11];
	int fd;

	if (pid == 0 || pid > PID_MAX_LIMIT)
		return -EINVAL;
	fmt_u32(pid, name);
	fd = openat(proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? gone(errno) : fd;
}

static int read_starttime(int dfd, uint32_t pid, uint64_t *ret)
{
	char buf[SCL_MAX_PROC_STAT + 1];
	size_t n = 0;
	int r = read_small(dfd, "stat", buf, SCL_MAX_PROC_STAT, &n);

	if (r < 0)
		return r;
	if (n == 0)
		return -ENOENT; /* a reaped task's files read empty */
	return scl_container_parse_stat_starttime(buf, n, pid, ret);
}

static int read_cgroup(int dfd, unsigned flags, scl_container *ret)
{
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
	size_t n;
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
	_cleanup_close_ int dfd = open_pid_dir(proc_fd, pid);
	scl_container c;
	uint64_t st;
	int r, res;

	if (dfd < 0)
		return dfd;
	r = read_starttime(dfd, pid, &st);
	if (r < 0)
		return r;
	res = read_cgroup(dfd, flags, &c);
	if (res < 0)
		return res;
	*ret = c;
	if (ret_starttime)
		*ret_starttime = st;
	return res;
}

/* ----------------------------------------------------------------- cache */

enum { LIST_LIVE, LIST_EXITED };

struct centry {
	uint32_t pid;
	bool verified; /* info was read from /proc for this starttime */
	bool exited;
	int result;    /* 1 container, 0 host */
	uint64_t starttime;
	scl_container info;
	int32_t prev, next; /* LRU list, -1 ends */
	int32_t hnext;      /* hash chain */
};

struct lru {
	int32_t head, tail; /* head: most recently used */
};

struct scl_container_cache {
	int proc_fd;
	unsigned flags;
	size_t max, n, cap;
	struct centry *e;
	int32_t *bucket;
	size_t nbuckets;
	struct lru list[2];
};

static size_t hash_pid(const scl_container_cache *c, uint32_t pid)
{
	return (size_t)((pid * 0x9e3779b1u) >> 7) & (c->nbuckets - 1);
}

int scl_container_cache_new(int proc_fd, unsigned flags, size_t max_entries, scl_container_cache **ret)
{
	scl_container_cache *c;

	if (max_entries == 0)
		max_entries = SCL_MAX_CONTAINER_CACHE;
	if (max_entries > SCL_MAX_CONTAINER_CACHE || proc_fd < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->proc_fd = proc_fd;
	c->flags = flags;
	c->max = max_entries;
	for (c->nbuckets = 16; c->nbuckets < max_entries * 2; c->nbuckets *= 2)
		;
	c->bucket = malloc(c->nbuckets * sizeof(*c->bucket));
	if (!c->bucket) {
		free(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nbuckets; i++)
		c->bucket[i] = -1;
	c->list[0].head = c->list[0].tail = c->list[1].head = c->list[1].tail = -1;
	*ret = c;
	return 0;
}

void scl_container_cache_free(scl_container_cache *c)
{
	if (!c)
		return;
	free(c->e);
	free(c->bucket);
	free(c);
}

size_t scl_container_cache_size(const scl_container_cache *c)
{
	return c->n;
}

static struct centry *find(scl_container_cache *c, uint32_t pid)
{
	for (int32_t i = c->bucket[hash_pid(c, pid)]; i >= 0; i = c->e[i].hnext)
		if (c->e[i].pid == pid)
			return &c->e[i];
	return NULL;
}

static void list_unlink(scl_container_cache *c, struct centry *e)
{
	struct lru *l = &c->list[e->exited ? LIST_EXITED : LIST_LIVE];

	if (e->prev >= 0)
		c->e[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next >= 0)
		c->e[e->next].prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = -1;
}

static void list_push(scl_container_cache *c, struct centry *e)
{
	struct lru *l = &c->list[e->exited ? LIST_EXITED : LIST_LIVE];
	int32_t i = (int32_t)(e - c->e);

	e->prev = -1;
	e->next = l->head;
	if (l->head >= 0)
		c->e[l->head].prev = i;
	l->head = i;
	if (l->tail < 0)
		l->tail = i;
}

static void touch(scl_container_cache *c, struct centry *e)
{
	list_unlink(c, e);
	list_push(c, e);
}

static void hash_unlink(scl_container_cache *c, struct centry *e)
{
	int32_t *pp = &c->bucket[hash_pid(c, e->pid)];
	int32_t i = (int32_t)(e - c->e);

	while (*pp >= 0 && *pp != i)
		pp = &c->e[*pp].hnext;
	if (*pp == i)
		*pp = e->hnext;
}

/* A slot for a new entry: a fresh one, or the least recently used (exited first). */
static struct centry *slot(scl_container_cache *c)
{
	struct centry *e;
	int32_t victim;

	if (c->n < c->max) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 64;
			struct centry *ne;
			if (cap > c->max)
				cap = c->max;
			ne = realloc(c->e, cap * sizeof(*ne));
			if (!ne)
				return NULL;
			c->e = ne;
			c->cap = cap;
		}
		return &c->e[c->n++];
	}
	victim = c->list[LIST_EXITED].tail >= 0 ? c->list[LIST_EXITED].tail : c->list[LIST_LIVE].tail;
	e = &c->e[victim];
	list_unlink(c, e);
	hash_unlink(c, e);
	return e;
}

static int upsert(scl_container_cache *c, uint32_t pid, uint64_t st, bool verified, int result,
		  const scl_container *info)
{
	struct centry *e = find(c, pid);

	if (e) {
		list_unlink(c, e);
	} else {
		size_t b = hash_pid(c, pid);
		e = slot(c);
		if (!e)
			return -ENOMEM;
		e->pid = pid;
		e->hnext = c->bucket[b];
		c->bucket[b] = (int32_t)(e - c->e);
	}
	e->starttime = st;
	e->verified = verified;
	e->exited = false;
	e->result = result;
	e->info = *info;
	list_push(c, e);
	return 0;
}

int scl_container_cache_lookup(scl_container_cache *c, uint32_t pid, scl_container *ret)
{
	_cleanup_close_ int dfd = -1;
	struct centry *e;
	scl_container info;
	uint64_t st;
	int r;

	dfd = open_pid_dir(c->proc_fd, pid);
	r = dfd < 0 ? dfd : read_starttime(dfd, pid, &st);
	if (r == 0) {
		e = find(c, pid);
		if (e && e->verified && e->starttime == st) {
			touch(c, e);
			*ret = e->info;
			return e->result;
		}
		r = read_cgroup(dfd, c->flags, &info);
		if (r >= 0) {
			int u = upsert(c, pid, st, true, r, &info);
			if (u < 0)
				return u;
			*ret = info;
			return r;
		}
	}
	if (r != -ENOENT)
		return r;
	/* gone: the last thing known about this pid */
	e = find(c, pid);
	if (!e)
		return -ENOENT;
	touch(c, e);
	*ret = e->info;
	return e->result;
}

int scl_container_cache_fork(scl_container_cache *c, uint32_t parent_pid, uint32_t child_pid)
{
	scl_container info;
	int r;

	if (child_pid == 0 || child_pid > PID_MAX_LIMIT)
		return -EINVAL;
	r = scl_container_cache_lookup(c, parent_pid, &info);
	if (r < 0)
		return r;
	return upsert(c, child_pid, 0, false, r, &info);
}

int scl_container_cache_exit(scl_container_cache *c, uint32_t pid)
{
	struct centry *e = find(c, pid);

	if (!e)
		return -ENOENT;
	list_unlink(c, e);
	e->exited = true;
	list_push(c, e);
	return 0;
}

int scl_container_cache_invalidate(scl_container_cache *c, uint32_t pid)
{
	struct centry *e = find(c, pid);

	if (!e)
		return -ENOENT;
	e->verified = false;
	return 0;
}

/* ------------------------------------------------------- kubelet names */

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

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
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

	if (!split3(s, n, f) || !dns_label(f[0].p, f[0].n, SCL_MAX_K8S_LABEL) || !dns_subdomain(f[1].p, f[1].n) ||
	    f[2].n > SCL_MAX_POD_UID || !pod_uid(f[2].p, f[2].n, '-', uid) || memcmp(uid, f[2].p, f[2].n))
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
	if (!split3(name, n, f) || !dns_subdomain(f[0].p, f[0].n) || !dns_label(f[1].p, f[1].n, SCL_MAX_K8S_LABEL) ||
	    !dns_label(f[2].p, f[2].n, SCL_MAX_K8S_LABEL))
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
		if (!eq(c[1], (size_t)(c[2] - 1 - c[1]), a.container))
			return 0;
	}
	if (strcmp(a.namespace_, b.namespace_) || strcmp(a.pod, b.pod))
		return 0;
	*ret = a;
	return 1;
}

int scl_container_k8s_names(const char *pods_dir, const char *containers_dir, const char *pod_uid_s,
			    const char *container_id, scl_k8s_names *ret)
{
	scl_k8s_names best, cand;
	bool found = false;
	bool have_uid = pod_uid_s && pod_uid_s[0], have_id = container_id && container_id[0];
	int r;

	if (!have_uid && !have_id)
		return -EINVAL;
	if (have_uid && !is_uid_str(pod_uid_s))
		return -EINVAL;
	if (have_id) {
		size_t idn = strnlen(container_id, SCL_MAX_CONTAINER_ID + 1);
		if (idn > SCL_MAX_CONTAINER_ID || !is_plain_id(container_id, idn))
			return -EINVAL;
	}

	if (containers_dir && have_id) {
		_cleanup_(closedirp) DIR *d = NULL;
		r = open_dir(containers_dir, &d);
		if (r < 0 && r != -ENOENT)
			return r;
		for (size_t count = 0; d;) {
			struct dirent *de;
			errno = 0;
			de = readdir(d);
			if (!de) {
				if (errno)
					return -errno;
				break;
			}
			if (++count > SCL_MAX_K8S_LOG_ENTRIES)
				return -E2BIG;
			r = container_link(dirfd(d), de->d_name, container_id, have_uid ? pod_uid_s : NULL, &cand);
			if (r < 0)
				return r;
			if (r > 0 && (r = offer(&cand, &best, &found)) < 0)
				return r;
		}
	}

	if (!found && pods_dir && have_uid) {
		_cleanup_(closedirp) DIR *d = NULL;
		r = open_dir(pods_dir, &d);
		if (r < 0 && r != -ENOENT)
			return r;
		for (size_t count = 0; d;) {
			struct dirent *de;
			struct stat st;
			errno = 0;
			de = readdir(d);
			if (!de) {
				if (errno)
					return -errno;
				break;
			}
			if (++count > SCL_MAX_K8S_LOG_ENTRIES)
				return -E2BIG;
			if (!pod_dir_name(de->d_name, strlen(de->d_name), pod_uid_s, &cand))
				continue;
			if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
				continue;
			if ((r = offer(&cand, &best, &found)) < 0)
				return r;
		}
	}
	if (!found)
		return -ENOENT;
	*ret = best;
	return 0;
}
