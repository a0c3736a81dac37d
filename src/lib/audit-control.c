/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The audit control path (audit-control.h): the kernel's status (AUDIT_GET,
 * AUDIT_SET), user messages for the markers, and putting back what a
 * collector changed.  The records themselves are read in source-netlink.c.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/netlink.h"
#include "audit-control.h"
#include "util.h"

#ifndef AUDIT_TRUSTED_APP
#define AUDIT_TRUSTED_APP 1121
#endif
#ifndef AUDIT_STATUS_BACKLOG_WAIT_TIME
#define AUDIT_STATUS_BACKLOG_WAIT_TIME 0x0020
#endif

/* One datagram: a netlink header and a record of at most SCL_MAX_RECORD bytes. */
#define NL_BUF ((SCL_MAX_RECORD + 256 + 15) & ~15)
#define CTL_TIMEOUT_MS 2000

/* Sequence numbers of our requests, one counter for every socket (the main thread's). */
static uint32_t ctl_seq;

int scl_actl_socket(bool nonblock)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), NETLINK_AUDIT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static int nl_send(int fd, uint32_t seq, uint16_t type, uint16_t flags, const void *data, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr h;
		char buf[NLMSG_SPACE(512)];
	} m;

	if (len > 512)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = NLMSG_LENGTH(len);
	m.h.nlmsg_type = type;
	m.h.nlmsg_flags = NLM_F_REQUEST | flags;
	m.h.nlmsg_seq = seq;
	if (len)
		memcpy(NLMSG_DATA(&m.h), data, len);
	for (;;) {
		if (sendto(fd, &m, NLMSG_SPACE(len), 0, (struct sockaddr *)&to, sizeof(to)) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

/*
 * Send a request with NLM_F_ACK and wait for its ACK and, when reply is not
 * NULL, a reply of reply_type (the kernel sends AUDIT_GET's reply from a
 * kernel thread: it may come after the ACK).  Other messages read meanwhile
 * (records on the collecting socket) are dropped: this only runs before the
 * start marker.
 */
static int nl_request(int fd, uint32_t seq, uint16_t type, const void *data, size_t len, uint16_t reply_type,
		      void *reply, size_t reply_len, size_t *reply_got)
{
	_cleanup_free_ char *buf = malloc(NL_BUF);
	int64_t deadline = scl_now_ms() + CTL_TIMEOUT_MS;
	bool got_reply = reply == NULL, got_ack = false;
	int r;

	if (!buf)
		return -ENOMEM;
	r = nl_send(fd, seq, type, NLM_F_ACK, data, len);
	if (r < 0)
		return r;
	for (;;) {
		struct sockaddr_nl from = { 0 };
		socklen_t fl = sizeof(from);
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = deadline - scl_now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = recvfrom(fd, buf, NL_BUF, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				continue;
			return -errno;
		}
		if (from.nl_pid != 0)
			continue;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				break; /* a record (unicast records carry a short nlmsg_len): skip the datagram */
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EBADMSG;
				if (e->error)
					return e->error;
				got_ack = true;
			} else if (h->nlmsg_type == reply_type && reply && !got_reply) {
				size_t dl = h->nlmsg_len - NLMSG_HDRLEN;
				memset(reply, 0, reply_len);
				memcpy(reply, NLMSG_DATA(h), dl < reply_len ? dl : reply_len);
				if (reply_got)
					*reply_got = dl < reply_len ? dl : reply_len;
				got_reply = true;
			}
			if (got_ack && got_reply)
				return 0;
		}
	}
}

int scl_actl_get_status(int fd, struct audit_status *s, bool *ret_wait_known)
{
	size_t got = 0;
	int r = nl_request(fd, ++ctl_seq, AUDIT_GET, NULL, 0, AUDIT_GET, s, sizeof(*s), &got);

	/* backlog_wait_time_actual came with Linux 5.10 */
	if (r == 0 && ret_wait_known)
		*ret_wait_known = got >= offsetof(struct audit_status, backlog_wait_time_actual) +
						sizeof(s->backlog_wait_time_actual);
	return r;
}

int scl_actl_set_status(int fd, const struct audit_status *s)
{
	return nl_request(fd, ++ctl_seq, AUDIT_SET, s, sizeof(*s), 0, NULL, 0, NULL);
}

static void to_public(const struct audit_status *k, scl_audit_status *s)
{
	*s = (scl_audit_status){
		.enabled = k->enabled,
		.failure = k->failure,
		.pid = k->pid,
		.rate_limit = k->rate_limit,
		.backlog_limit = k->backlog_limit,
		.lost = k->lost,
		.backlog = k->backlog,
		.backlog_wait_time = k->backlog_wait_time,
	};
}

int scl_audit_socket(void)
{
	return scl_actl_socket(false);
}

int scl_audit_get_status_fd(int fd, scl_audit_status *ret)
{
	struct audit_status k;
	int r;

	if (fd < 0)
		return scl_audit_get_status(ret);
	r = scl_actl_get_status(fd, &k, NULL);
	if (r < 0)
		return r;
	to_public(&k, ret);
	return 0;
}

int scl_audit_get_status(scl_audit_status *ret)
{
	int fd = scl_actl_socket(false), r;

	if (fd < 0)
		return fd;
	r = scl_audit_get_status_fd(fd, ret);
	close(fd);
	return r;
}

int scl_audit_send_marker_fd(int fd, const scl_marker *m)
{
	uint16_t type;
	int r;

	if (fd < 0)
		return scl_audit_send_marker(m);
	type = scl_actl_marker_type(fd);
	r = scl_actl_send_marker(fd, m, type);
	return r < 0 ? r : type;
}

int scl_audit_send_marker(const scl_marker *m)
{
	int fd = scl_actl_socket(false), r;

	if (fd < 0)
		return fd;
	r = scl_audit_send_marker_fd(fd, m);
	close(fd);
	return r;
}

int scl_actl_send_marker(int fd, const scl_marker *m, uint16_t type)
{
	/* The kernel drops a trailing NUL and logs msg='TEXT'. */
	return nl_request(fd, ++ctl_seq, type, m->text, m->n + 1, 0, NULL, 0, NULL);
}

uint16_t scl_actl_marker_type(int fd)
{
	struct audit_status k;

	/* Only AUDIT_USER_AVC passes while audit is disabled; unknown state: the same. */
	if (scl_actl_get_status(fd, &k, NULL) < 0 || k.enabled == 0)
		return AUDIT_USER_AVC;
	return AUDIT_TRUSTED_APP;
}

/* Put one raised value back if it is still ours.  Returns 0 when nothing is left to do. */
static int restore_one(int fd, bool *flag, uint32_t mask, uint32_t cur, uint32_t ours, uint32_t old)
{
	struct audit_status s = { 0 };
	int r;

	if (!*flag)
		return 0;
	if (cur != ours) {
		/* changed by someone else meanwhile: theirs stays */
		*flag = false;
		return 0;
	}
	s.mask = mask;
	if (mask == AUDIT_STATUS_BACKLOG_LIMIT)
		s.backlog_limit = old;
	else
		s.backlog_wait_time = old;
	r = scl_actl_set_status(fd, &s);
	if (r == 0)
		*flag = false;
	return r;
}

int scl_actl_undo(int fd, scl_audit_undo *u)
{
	struct audit_status s, cur = { 0 };
	int first = 0, r;

	if (fd < 0)
		return 0;
	/* Unregister only while the slot is ours: a daemon that took it after us keeps it. */
	if (u->registered && u->our_pid && scl_actl_get_status(fd, &cur, NULL) == 0 && cur.pid != u->our_pid)
		u->registered = false;
	if (u->registered) {
		memset(&s, 0, sizeof(s));
		s.mask = AUDIT_STATUS_PID;
		s.pid = 0;
		r = scl_actl_set_status(fd, &s);
		/* -EACCES: we are no longer the daemon (the kernel reset us) */
		if (r == 0 || r == -EACCES)
			u->registered = false;
		else
			first = r;
	}
	if (u->set_backlog_limit || u->set_wait_time) {
		r = scl_actl_get_status(fd, &cur, NULL);
		if (r < 0)
			return first ? first : r; /* flags kept: a later call tries again */
		r = restore_one(fd, &u->set_backlog_limit, AUDIT_STATUS_BACKLOG_LIMIT, cur.backlog_limit,
				u->backlog_limit, u->old_backlog_limit);
		if (r < 0 && !first)
			first = r;
		r = restore_one(fd, &u->set_wait_time, AUDIT_STATUS_BACKLOG_WAIT_TIME, cur.backlog_wait_time,
				u->wait_time, u->old_wait_time);
		if (r < 0 && !first)
			first = r;
	}
	return first;
}

int scl_audit_restore_limits(uint32_t old_backlog_limit, uint32_t backlog_limit, uint32_t old_wait_time,
			     uint32_t wait_time)
{
	scl_audit_undo u = {
		.set_backlog_limit = backlog_limit != old_backlog_limit,
		.set_wait_time = wait_time != old_wait_time,
		.backlog_limit = backlog_limit,
		.old_backlog_limit = old_backlog_limit,
		.wait_time = wait_time,
		.old_wait_time = old_wait_time,
	};
	struct audit_status cur = { 0 };
	int fd, r, n = 0;

	fd = scl_actl_socket(false);
	if (fd < 0)
		return fd;
	r = scl_actl_get_status(fd, &cur, NULL);
	if (r == 0) {
		n = (u.set_backlog_limit && cur.backlog_limit == backlog_limit) +
		    (u.set_wait_time && cur.backlog_wait_time == wait_time);
		r = scl_actl_undo(fd, &u);
	}
	close(fd);
	return r < 0 ? r : n;
}
