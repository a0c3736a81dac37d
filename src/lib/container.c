/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container attribution from cgroup paths, /proc/PID/{cgroup,stat} and
 * kubelet's log directories.  Every name here comes from outside and is only
 * compared and copied into bounded buffers, never used to build a path.
 * This file: the names and the cgroup path grammar, the text of
 * /proc/PID/cgroup and /proc/PID/stat.  Reading /proc: container-proc.c;
 * the pid cache: container-cache.c; kubelet names: container-k8s.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/container.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "container-internal.h"
#include "util.h"

#define CONTAINER_ID_HEX 64

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

bool scl_ctr_eq(const char *p, size_t n, const char *lit)
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
bool scl_ctr_is_plain_id(const char *p, size_t n)
{
	if (n == 0 || scl_ctr_eq(p, n, ".") || scl_ctr_eq(p, n, ".."))
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
bool scl_ctr_pod_uid(const char *p, size_t n, char sep, char *out)
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
		if (!scl_ctr_pod_uid(pod + 4, base - pre - 4, '_', s->uid))
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
	if (n == 0 || scl_ctr_eq(c, n, ".") || scl_ctr_eq(c, n, ".."))
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
	if (scl_ctr_eq(c, n, "docker")) {
		s->after_docker = true;
		s->runtime_seen = true;
		return 0;
	}
	if (scl_ctr_eq(c, n, "kubepods")) {
		s->kube = KUBE_ROOT;
		s->runtime_seen = true;
		return 0;
	}
	/*
	 * The QoS level is the pod's only once the pod is seen: a QoS directory
	 * further down (a cgroup tree delegated below a pod names itself) must
	 * not relabel the pod seen before it.
	 */
	if (kube == KUBE_ROOT && (scl_ctr_eq(c, n, "burstable") || scl_ctr_eq(c, n, "besteffort"))) {
		s->qos_dir = c[1] == 'u' ? SCL_QOS_BURSTABLE : SCL_QOS_BESTEFFORT;
		s->kube = KUBE_QOS;
		return 0;
	}
	if ((kube == KUBE_ROOT || kube == KUBE_QOS) && STARTSWITH(c, n, "pod")) {
		if (!scl_ctr_pod_uid(c + 3, n - 3, '-', s->uid))
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
	    scl_ctr_is_plain_id(leaf, leaf_n)) {
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
			if (scl_ctr_eq(q, (size_t)(te - q), "name=systemd"))
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
	return scl_container_parse_stat(buf, n, pid, ret, NULL);
}

int scl_container_parse_stat(const char *buf, size_t n, uint32_t pid, uint64_t *ret_starttime, uint32_t *ret_flags)
{
	const char *p, *end = buf + n, *sp, *rparen;
	uint32_t flags = 0;
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
		if (field == 9) {
			if (scl_parse_u64(f, (size_t)(fe - f), UINT32_MAX, &v) < 0)
				return -EBADMSG;
			flags = (uint32_t)v;
		}
		if (field == 22) {
			if (scl_parse_u64(f, (size_t)(fe - f), UINT64_MAX, &v) < 0)
				return -EBADMSG;
			if (ret_starttime)
				*ret_starttime = v;
			if (ret_flags)
				*ret_flags = flags;
			return 0;
		}
		p = fe;
	}
	return -EBADMSG;
}
