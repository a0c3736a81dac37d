/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The audit control path (audit-control.h): the kernel's status (AUDIT_GET,
 * AUDIT_SET), user messages for the markers, and putting back what a
 * collector changed.  The records themselves are read in source-netlink.c.
 *
 * Status, registration and the backlog settings go through libaudit
 * (audit_request_status + audit_get_reply, audit_set_pid,
 * audit_set_backlog_limit, audit_set_backlog_wait_time), on sockets of our
 * own.  What libaudit 3.0.9 (lib/libaudit.c, lib/netlink.c) does there, and
 * how it is used:
 *   - each call sends one request with NLM_F_ACK and takes the first message
 *     queued as its ACK (check_ack(): MSG_PEEK, then read only if it is an
 *     NLMSG_ERROR), waiting up to 80 x 0.5 s for one, without matching the
 *     sequence number.  The kernel queues the ACK before sendto() returns
 *     (audit_receive() acks in the sender's context, and AUDIT_SET pid acks
 *     before kauditd is woken), so it is there at once; flush() empties the
 *     socket before each request, so that no earlier answer is taken for it.
 *   - AUDIT_GET's reply comes from a kernel thread, after the ACK (on old
 *     kernels before it, too): it is read here by its sequence number
 *     within 2 s.
 *   - the collecting socket registers itself (the kernel sends unicast
 *     records to the port that registered): nothing else is queued on it
 *     before, and audit_set_pid() with WAIT_NO reads nothing after the ACK
 *     (WAIT_YES would take one more message: a record).  Everything else
 *     runs on the control socket, which receives no records: a call that
 *     reads cannot swallow one.
 *   - errors go to audit_msg(), which prints nothing unless the process
 *     calls set_aumessage_mode() (scmplog never does): the library still
 *     never prints.
 *   - the system calls are sendto(), poll() and recvfrom(), as before: the
 *     self-confinement allowlist (profiles/scmplog-self.json) is unchanged.
 * What stays by hand, and why:
 *   - the sockets: audit_open() makes an unbound, blocking socket, sets
 *     close-on-exec with a second call and prints its errors; we need a
 *     non-blocking one for the records, and a confined scmplog may not call
 *     socket() at all (self-confine.c), so every socket is opened at the start.
 *   - the markers: libaudit 3.0.9 does not export audit_send_user_message()
 *     (private.h, hidden), and audit_send() is exported but not declared in
 *     libaudit.h.  The exported audit_log_user_message() appends exe=,
 *     hostname=, addr=, terminal= and res= to the text, reads
 *     /proc/self/exe (readlink) and the terminal of fds 0-2 (ttyname_r), calls
 *     gethostname() (uname) -- system calls the allowlist does not have --
 *     and returns 0, as if sent, for EPERM when libcap-ng says the process
 *     lacks CAP_AUDIT_WRITE and for ECONNREFUSED: a collector would then wait
 *     out its start timeout for a marker never sent instead of saying why.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libaudit.h>

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

/*
 * Sequence numbers of the markers, one counter for every socket and thread
 * (the asker's too: audit-asker.h), above libaudit's own (which counts
 * from 1).
 */
static uint32_t ctl_seq = 1U << 30;

static uint32_t next_seq(void)
{
	return __atomic_add_fetch(&ctl_seq, 1, __ATOMIC_RELAXED);
}

/*
 * A request that took this long was held by audit_receive() for backlog
 * room (pass_on_wake()); scheduling delays on a busy machine can look the
 * same, and cost one record more.
 */
#define HELD_MS 10

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

/* Wait until fd is readable or the deadline (scl_now_ms()) passes: 0, -ETIMEDOUT, -errno. */
static int wait_in(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = deadline - scl_now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * Send a request with NLM_F_ACK and wait for its ACK.  Other messages read
 * meanwhile are dropped (see the markers, above).
 */
static int nl_request(int fd, uint32_t seq, uint16_t type, const void *data, size_t len)
{
	_cleanup_free_ char *buf = malloc(NL_BUF);
	int64_t deadline = scl_now_ms() + CTL_TIMEOUT_MS;
	int r;

	if (!buf)
		return -ENOMEM;
	r = nl_send(fd, seq, type, NLM_F_ACK, data, len);
	if (r < 0)
		return r;
	for (;;) {
		struct sockaddr_nl from = { 0 };
		socklen_t fl = sizeof(from);
		ssize_t n;

		r = wait_in(fd, deadline);
		if (r < 0)
			return r;
		n = recvfrom(fd, buf, NL_BUF, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				continue;
			return -errno;
		}
		if (from.nl_pid != 0)
			continue;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
				break; /* not our ACK: skip the datagram */
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error;
		}
	}
}

/*
 * audit_receive() holds every sender, once its request is done, while the
 * backlog is over its limit: an exclusive wait on audit_backlog_wait, up to
 * backlog_wait_time.  A task waiting in audit_log_start() for room to log
 * is on that queue too, and kauditd wakes one waiter per pass over its
 * queues (kernel/audit.c, kauditd_thread(): wake_up()).  When the wake-up
 * of the last pass goes to our request, and the only task that logs is the
 * one still waiting, no record comes to start another pass: it sleeps out
 * its whole backlog_wait_time (60 s by default) with the backlog empty, and
 * the kernel counts that in backlog_wait_time_actual (a loss before a serial
 * can then no longer be ruled out).  Seen with a stalled audit daemon: a
 * 6 s command took 66 s (tests/data/KERNEL-NOTES.md).  So after a request
 * that was held, one record of ours makes kauditd run one more pass, and
 * its wake-up goes to the next waiter.  The record is a marker of kind
 * "wake" (skipped by every reader, as a marker not awaited); not passed on
 * in turn if it is held itself.
 */
static void flush(int fd);

static void pass_on_wake(int fd, uint16_t type)
{
	scl_marker m;

	if (scl_marker_new(&m, "wake") == 0) {
		flush(fd);
		(void)nl_request(fd, next_seq(), type, m.text, m.n + 1);
	}
}

static uint16_t marker_type_of(const struct audit_status *k)
{
	/* Only AUDIT_USER_AVC passes while audit is disabled. */
	return k->enabled == 0 ? AUDIT_USER_AVC : AUDIT_TRUSTED_APP;
}

/*
 * Drop what an earlier request left queued: the ACK of an AUDIT_GET whose
 * reply came first, a reply that came after its request timed out.
 * libaudit's check_ack() takes the first message queued as the ACK of the
 * request it just sent, whatever its sequence number, so an old ACK would
 * stand for the new request and hide its error.  Nothing else reaches a
 * control socket (it is in no multicast group and not the daemon's).
 */
static void flush(int fd)
{
	char b[64];

	for (;;) {
		ssize_t n = recvfrom(fd, b, sizeof(b), MSG_DONTWAIT | MSG_TRUNC, NULL, NULL);
		if (n < 0 && errno != EINTR)
			return;
	}
}

/* libaudit's setters return a sequence number (> 0) or -errno. */
static int ok(int r)
{
	return r > 0 ? 0 : r < 0 ? r : -EPROTO;
}

int scl_actl_get_status(int fd, struct audit_status *s, bool *ret_wait_known)
{
	_cleanup_free_ struct audit_reply *rep = malloc(sizeof(*rep));
	int64_t deadline = scl_now_ms() + CTL_TIMEOUT_MS, t0;
	int seq, r;
	bool held;

	if (!rep)
		return -ENOMEM;
	flush(fd);
	/* AUDIT_GET, and its ACK or the kernel's error (-EPERM without CAP_AUDIT_CONTROL) */
	t0 = scl_now_ms();
	seq = audit_request_status(fd);
	held = scl_now_ms() - t0 >= HELD_MS;
	if (seq <= 0)
		return ok(seq);
	/* the reply comes from a kernel thread, after the ACK (before it on old kernels) */
	for (;;) {
		size_t dl;

		r = wait_in(fd, deadline);
		if (r < 0)
			return r;
		r = audit_get_reply(fd, rep, GET_REPLY_NONBLOCKING, 0);
		/* -EINVAL: not from the kernel; -EPROTO, -EBADE, -EFBIG: malformed (each read and dropped) */
		if (r == -EAGAIN || r == -ENOBUFS || r == -EINVAL || r == -EPROTO || r == -EBADE || r == -EFBIG)
			continue;
		if (r < 0)
			return r;
		if (rep->nlh->nlmsg_seq != (uint32_t)seq)
			continue;
		if (rep->type == NLMSG_ERROR) {
			if (rep->error->error)
				return rep->error->error;
			continue; /* the ACK, after the reply */
		}
		if (rep->type != AUDIT_GET || rep->len < NLMSG_HDRLEN)
			continue;
		dl = rep->len - NLMSG_HDRLEN;
		memset(s, 0, sizeof(*s));
		memcpy(s, rep->status, dl < sizeof(*s) ? dl : sizeof(*s));
		/* backlog_wait_time_actual came with Linux 5.10 */
		if (ret_wait_known)
			*ret_wait_known = dl >= offsetof(struct audit_status, backlog_wait_time_actual) +
						       sizeof(s->backlog_wait_time_actual);
		/* over the limit when asked: held after it, however briefly */
		if (held || (s->backlog_limit && s->backlog > s->backlog_limit))
			pass_on_wake(fd, marker_type_of(s));
		return 0;
	}
}

int scl_actl_set_pid(int fd, uint32_t pid)
{
	flush(fd);
	/* WAIT_NO: WAIT_YES reads one more message, a record on the collecting socket */
	return ok(audit_set_pid(fd, pid, WAIT_NO));
}

int scl_actl_set_backlog_limit(int fd, uint32_t limit)
{
	flush(fd);
	return ok(audit_set_backlog_limit(fd, limit));
}

int scl_actl_set_backlog_wait_time(int fd, uint32_t jiffies)
{
	flush(fd);
	return ok(audit_set_backlog_wait_time(fd, jiffies));
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
	int64_t t0 = scl_now_ms();
	int r;

	/* The kernel drops a trailing NUL and logs msg='TEXT'. */
	flush(fd);
	r = nl_request(fd, next_seq(), type, m->text, m->n + 1);
	if (r == 0 && scl_now_ms() - t0 >= HELD_MS)
		pass_on_wake(fd, type);
	return r;
}

uint16_t scl_actl_marker_type(int fd)
{
	struct audit_status k = { 0 };

	/* unknown state: as while audit is disabled */
	if (scl_actl_get_status(fd, &k, NULL) < 0)
		return AUDIT_USER_AVC;
	return marker_type_of(&k);
}

/* Put one raised value back if it is still ours.  Returns 0 when nothing is left to do. */
static int restore_one(int fd, bool *flag, uint32_t mask, uint32_t cur, uint32_t ours, uint32_t old)
{
	int r;

	if (!*flag)
		return 0;
	if (cur != ours) {
		/* changed by someone else meanwhile: theirs stays */
		*flag = false;
		return 0;
	}
	if (mask == AUDIT_STATUS_BACKLOG_LIMIT)
		r = scl_actl_set_backlog_limit(fd, old);
	else
		r = scl_actl_set_backlog_wait_time(fd, old);
	if (r == 0)
		*flag = false;
	return r;
}

int scl_actl_undo(int fd, scl_audit_undo *u)
{
	struct audit_status cur = { 0 };
	int first = 0, r;

	if (fd < 0)
		return 0;
	/* Unregister only while the slot is ours: a daemon that took it after us keeps it. */
	if (u->registered && u->our_pid && scl_actl_get_status(fd, &cur, NULL) == 0 && cur.pid != u->our_pid)
		u->registered = false;
	if (u->registered) {
		r = scl_actl_set_pid(fd, 0);
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
