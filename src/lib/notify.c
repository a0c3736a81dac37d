/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/notify.h"
#include "scmplog/num.h"
#include "scmplog/record.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every name libseccomp knows on the arches, sorted, unique (pointers into m). */
static int known_names(scl_mapper *m, const uint32_t *arches, size_t n_arches, const char ***ret,
		       size_t *ret_n)
{
	_cleanup_free_ const char **v = NULL;
	size_t n = 0, cap = 0, u = 0;

	for (size_t a = 0; a < n_arches; a++) {
		uint32_t arch = arches[a] == SCL_ARCH_X32 ? SCL_ARCH_X86_64 : arches[a];
		uint32_t base = arches[a] == SCL_ARCH_X32 ? SCL_X32_SYSCALL_BIT : 0;

		for (uint32_t nr = 0; nr < SCL_MAX_SYSCALL_NR; nr++) {
			const char *name;
			int r = scl_mapper_name(m, arch, base | nr, &name, NULL);
			if (r == -ENOENT)
				continue;
			if (r < 0)
				return r;
			if (n == cap) {
				const char **nv;
				cap = cap ? cap * 2 : 512;
				nv = reallocarray(v, cap, sizeof(*v));
				if (!nv)
					return -ENOMEM;
				v = nv;
			}
			v[n++] = name;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || strcmp(v[u - 1], v[i]))
			v[u++] = v[i];
	*ret = TAKE_PTR(v);
	*ret_n = u;
	return 0;
}

static int copy_profile(const scl_profile *p, scl_profile *q)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	size_t n;
	int r;

	r = scl_profile_set_default_action(q, scl_profile_default_action(p), scl_profile_default_errno(p));
	for (size_t i = 0; r >= 0 && i < scl_profile_arch_count(p); i++)
		r = scl_profile_add_arch(q, scl_profile_arch_at(p, i));
	if (r >= 0 && scl_profile_arch_count(p) == 0)
		r = scl_profile_add_arch(q, scl_arch_native());
	if (r >= 0)
		r = scl_profile_syscalls(p, &v, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].n_arches)
			r = scl_profile_allow(q, v[i].name, v[i].records);
		for (size_t k = 0; r >= 0 && k < v[i].n_arches; k++)
			r = scl_profile_allow_on_arch(q, v[i].name, v[i].arches[k], k ? 0 : v[i].records);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < scl_profile_rule_count(p); i++) {
		r = scl_profile_add_rule(q, scl_profile_rule_at(p, i));
		if (r < 0)
			return r;
	}
	return 0;
}

int scl_notify_profile(const scl_profile *p, const char *listener_path, scl_profile **ret,
		       size_t *ret_names)
{
	_cleanup_(scl_profile_freep) scl_profile *q = NULL;
	_cleanup_free_ uint32_t *arches = NULL;
	_cleanup_free_ const char **names = NULL;
	scl_mapper *m = NULL;
	size_t n_arches, n, k = 0;
	char meta[32];
	int r;

	if (scl_profile_default_action(p) != SCL_ACT_ERRNO)
		return -EOPNOTSUPP;
	r = scl_profile_new(&q);
	if (r < 0)
		return r;
	r = copy_profile(p, q);
	if (r < 0)
		return r;
	r = scl_profile_arches(q, &arches, &n_arches);
	if (r < 0)
		return r;
	r = scl_mapper_new(&m);
	if (r < 0)
		return r;
	r = known_names(m, arches, n_arches, &names, &n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		if (strcmp(names[i], "write") && !scl_profile_allows(p, names[i]) && !scl_profile_rules_name(p, names[i]))
			names[k++] = names[i];
	if (r >= 0 && k > 0) {
		scl_profile_rule rule = {
			.names = names,
			.n_names = k,
			.action = SCL_ACT_USER_NOTIF,
			.comment = "scmplog: denied, reported to the seccomp listener",
		};
		r = scl_profile_add_rule(q, &rule);
	}
	if (r >= 0) {
		(void)snprintf(meta, sizeof(meta), "errno=%" PRIu32, scl_profile_default_errno(p));
		r = scl_profile_set_report(q, false, listener_path, meta);
	}
	scl_mapper_free(m);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(q);
	if (ret_names)
		*ret_names = k;
	return 0;
}

static inline void json_putp(json_object **o)
{
	if (*o)
		json_object_put(*o);
}

int scl_notify_parse_state(const char *buf, size_t n, char **ret_id, uint32_t *ret_errno)
{
	_cleanup_(json_putp) json_object *root = NULL;
	json_object *state, *id, *meta;
	json_tokener *tok;
	uint64_t e = 1;
	char *s;

	if (n > SCL_MAX_LISTENER_STATE)
		return -EINVAL;
	tok = json_tokener_new_ex(SCL_MAX_JSON_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)n);
	json_tokener_free(tok);
	if (!root || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "state", &state) || !json_object_is_type(state, json_type_object) ||
	    !json_object_object_get_ex(state, "id", &id) || !json_object_is_type(id, json_type_string) ||
	    json_object_get_string_len(id) == 0 || json_object_get_string_len(id) > SCL_MAX_CONTAINER_ID ||
	    strlen(json_object_get_string(id)) != (size_t)json_object_get_string_len(id))
		return -EINVAL;
	if (json_object_object_get_ex(root, "metadata", &meta) && !json_object_is_type(meta, json_type_null)) {
		const char *m;
		size_t mlen;

		if (!json_object_is_type(meta, json_type_string))
			return -EINVAL;
		m = json_object_get_string(meta);
		mlen = (size_t)json_object_get_string_len(meta);
		if (mlen > 0 && (mlen <= 6 || memcmp(m, "errno=", 6) ||
				 scl_parse_u64(m + 6, mlen - 6, 4095, &e) < 0 || e == 0))
			return -EINVAL;
	}
	s = strdup(json_object_get_string(id));
	if (!s)
		return -ENOMEM;
	*ret_id = s;
	*ret_errno = (uint32_t)e;
	return 0;
}

int scl_notify_accept(int lfd, int timeout_ms, char *buf, size_t cap, size_t *ret_n, int *ret_fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(4 * sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			      .msg_controllen = sizeof(ctl.b) };
	_cleanup_close_ int c = -1;
	struct pollfd pfd;
	int fds[4], n_fds = 0, r;
	ssize_t got;

	c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	pfd = (struct pollfd){ .fd = c, .events = POLLIN };
	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	got = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
	if (got < 0)
		return -errno;
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			if (n_fds < 4)
				fds[n_fds++] = fd;
			else
				close(fd);
		}
	}
	if (n_fds != 1 || (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) || (size_t)got == cap) {
		for (int i = 0; i < n_fds; i++)
			close(fds[i]);
		return -EBADMSG;
	}
	*ret_n = (size_t)got;
	*ret_fd = fds[0];
	return 0;
}

/* Read /proc/PID/NAME into buf (at most cap - 1 bytes, NUL-terminated, final newline cut). */
static int read_proc(pid_t pid, const char *name, char *buf, size_t cap)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	if (n < 0)
		return -errno;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}

static uint32_t proc_u32(pid_t pid, const char *name)
{
	char b[32] = { 0 };
	uint64_t v;
	int n = read_proc(pid, name, b, sizeof(b));

	if (n <= 0 || scl_parse_u64(b, (size_t)n, UINT32_MAX, &v) < 0)
		return UINT32_MAX;
	return (uint32_t)v;
}

/* The real uid or gid: first field of "Uid:" / "Gid:" in /proc/PID/status. */
static uint32_t proc_status_id(const char *status, const char *key)
{
	const char *p = strstr(status, key);
	uint64_t v;
	size_t n = 0;

	if (!p)
		return UINT32_MAX;
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	if (scl_parse_u64(p, n, UINT32_MAX, &v) < 0)
		return UINT32_MAX;
	return (uint32_t)v;
}

static void describe(pid_t pid, scl_notify_denial *d)
{
	char path[64], status[4096] = { 0 };
	ssize_t n;

	if (read_proc(pid, "comm", d->comm, sizeof(d->comm)) < 0)
		strcpy(d->comm, "?");
	(void)snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, d->exe, sizeof(d->exe) - 1);
	if (n < 0 || (size_t)n >= sizeof(d->exe) - 1)
		n = 0;
	d->exe[n] = '\0';
	if (n == 0)
		strcpy(d->exe, "?");
	d->auid = proc_u32(pid, "loginuid");
	d->ses = proc_u32(pid, "sessionid");
	if (read_proc(pid, "status", status, sizeof(status)) > 0) {
		d->uid = proc_status_id(status, "\nUid:");
		d->gid = proc_status_id(status, "\nGid:");
	} else {
		d->uid = d->gid = UINT32_MAX;
	}
}

int scl_notify_handle(int fd, uint32_t errno_ret, scl_notify_denial *ret)
{
	struct seccomp_notif_sizes sz = { 0 };
	_cleanup_free_ struct seccomp_notif *req = NULL;
	_cleanup_free_ struct seccomp_notif_resp *resp = NULL;
	scl_notify_denial d = { 0 };
	struct timespec ts;
	uint64_t id;
	bool valid;

	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		return -errno;
	req = calloc(1, sz.seccomp_notif > sizeof(*req) ? sz.seccomp_notif : sizeof(*req));
	resp = calloc(1, sz.seccomp_notif_resp > sizeof(*resp) ? sz.seccomp_notif_resp : sizeof(*resp));
	if (!req || !resp)
		return -ENOMEM;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return errno == ENOENT || errno == EINTR ? 0 : -errno;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	d.sec = (uint64_t)ts.tv_sec;
	d.msec = (uint32_t)(ts.tv_nsec / 1000000);
	d.pid = (pid_t)req->pid;
	d.arch = req->data.arch;
	/* the listener runs on the container's kernel: another arch than its own is a compat syscall */
	d.compat = d.arch != scl_arch_native();
	d.nr = req->data.nr;
	d.ip = req->data.instruction_pointer;
	d.action = SCL_ACT_ERRNO;
	describe(d.pid, &d);
	/* the pid may have been reused by the time /proc was read: keep it only if the request still waits */
	id = req->id;
	valid = ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
	if (!valid) {
		strcpy(d.comm, "?");
		strcpy(d.exe, "?");
		d.auid = d.uid = d.gid = d.ses = UINT32_MAX;
	}
	resp->id = req->id;
	resp->error = -(int32_t)errno_ret;
	resp->val = 0;
	resp->flags = 0;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
		return -errno;
	*ret = d;
	return 1;
}

/* As the kernel's audit_log_untrustedstring(): quoted, or upper-case hex. */
static int put_str(char *buf, size_t cap, size_t *pos, const char *s)
{
	bool hex = false;
	size_t n = strlen(s), need;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c < 0x21 || c > 0x7e)
			hex = true;
	}
	need = hex ? 2 * n : n + 2;
	if (*pos + need >= cap)
		return -ENOBUFS;
	if (hex) {
		static const char hx[] = "0123456789ABCDEF";
		for (size_t i = 0; i < n; i++) {
			buf[(*pos)++] = hx[(unsigned char)s[i] >> 4];
			buf[(*pos)++] = hx[(unsigned char)s[i] & 15];
		}
	} else {
		buf[(*pos)++] = '"';
		memcpy(buf + *pos, s, n);
		*pos += n;
		buf[(*pos)++] = '"';
	}
	return 0;
}

static int put_fmt(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int put_fmt(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *pos)
		return -ENOBUFS;
	*pos += (size_t)n;
	return 0;
}

int scl_notify_format(const scl_notify_denial *d, char *buf, size_t cap)
{
	size_t pos = 0;

	if (put_fmt(buf, cap, &pos,
		    "type=SECCOMP msg=audit(%" PRIu64 ".%03" PRIu32 ":%" PRIu64 "): auid=%" PRIu32
		    " uid=%" PRIu32 " gid=%" PRIu32 " ses=%" PRIu32 " pid=%d comm=",
		    d->sec, d->msec, d->serial, d->auid, d->uid, d->gid, d->ses, (int)d->pid) < 0 ||
	    put_str(buf, cap, &pos, d->comm) < 0 || put_fmt(buf, cap, &pos, " exe=") < 0 ||
	    put_str(buf, cap, &pos, d->exe) < 0 ||
	    put_fmt(buf, cap, &pos, " sig=%" PRIu32 " arch=%" PRIx32 " syscall=%" PRId32 " compat=%" PRIu32 " ip=0x%" PRIx64
		    " code=0x%" PRIx32 "\n", d->sig, d->arch, d->nr, d->compat, d->ip, d->action) < 0)
		return -ENOBUFS;
	return (int)pos;
}

int scl_notify_from_record(const scl_record *rec, scl_notify_denial *ret)
{
	scl_notify_denial d = {
		.sec = rec->time_sec, .msec = rec->time_msec, .serial = rec->serial,
		.pid = (pid_t)rec->pid, .auid = rec->auid, .uid = rec->uid, .gid = rec->gid,
		.ses = rec->ses, .arch = rec->arch, .compat = rec->compat, .nr = (int32_t)rec->syscall, .ip = rec->ip,
		.sig = rec->sig, .action = rec->code,
	};

	if (scl_record_decode_str(rec->comm, rec->comm_hex, d.comm, sizeof(d.comm)) < 0 ||
	    scl_record_decode_str(rec->exe, rec->exe_hex, d.exe, sizeof(d.exe)) < 0)
		return -EINVAL;
	*ret = d;
	return 0;
}

int scl_notify_append(int dirfd, const char *name, const scl_notify_denial *d)
{
	char file[SCL_MAX_FILE_NAME + 16], line[SCL_MAX_RECORD + 1];
	_cleanup_close_ int fd = -1;
	int n;

	if (snprintf(file, sizeof(file), "%s.denied.log", name) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	n = scl_notify_format(d, line, sizeof(line));
	if (n < 0)
		return n;
	fd = openat(dirfd, file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	{
		ssize_t w = write(fd, line, (size_t)n);
		if (w < 0)
			return -errno;
		if (w != n)
			return -EIO;
	}
	return 0;
}
