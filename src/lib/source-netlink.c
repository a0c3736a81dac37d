/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The audit netlink source: reading the records.  Plain NETLINK_AUDIT
 * sockets and a reader thread (netlink-queue.h): libaudit's
 * audit_get_reply() reads one datagram per call into an 8,970-byte
 * struct audit_reply and reports each error through audit_msg(), while
 * we read up to 64 at a time (recvmmsg), count ENOBUFS as an overflow
 * episode, and never print.  The control path (status, registration,
 * backlog settings, markers, restore) is in audit-control.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/netlink.h"
#include "audit-control.h"
#include "audit-asker.h"
#include "netlink-queue.h"
#include "util.h"

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

/* One datagram: a netlink header and a record of at most SCL_MAX_RECORD bytes. */
#define NL_BUF ((SCL_MAX_RECORD + 256 + 15) & ~15) /* each buffer aligned for nlmsghdr */
#define NL_MAX_PER_DISPATCH 4096
#define NL_EVENTS 16
/* how long the main thread waits for the asker's answer before it goes on without it */
#define ASK_WAIT_MS 50

struct scl_netlink {
	int fd;   /* collecting socket */
	int ctl;  /* control socket: AUDIT_GET/SET, markers */
	scl_netlink_info info;
	scl_audit_undo undo;      /* what we changed in the kernel: registered, limits raised */
	bool lost_known;
	uint32_t lost_start;
	/* what rules out a loss that leaves no serial gap (see no_unseen_loss()) */
	int64_t start_ms;
	bool wait_actual_known;
	uint32_t wait_actual_start, wait_time_start, backlog_limit_start;
	scl_marker marker;
	uint16_t marker_type;
	bool marker_pending, marker_seen;
	int64_t marker_seen_ms;   /* when the drain marker came: holes below it may still fill */
	uint64_t marker_overflows; /* the overflows counted when the drain marker was made */
	scl_serials serials;
	uint64_t max_serial;      /* highest serial read (the start marker's at first) */
	scl_live_stats st;
	/* watching the daemon slot (check_slot()) */
	int rcvbuf_opt;           /* for a multicast socket opened later */
	int spare;                /* daemon: an unbound socket for that, opened now (a confined
				     scmplog cannot call socket() later) */
	int64_t next_check_ms;
	bool unicast_seen;        /* daemon: the kernel sent us a record since the last check */
	bool check_now;           /* a record says the slot changed hands: ask anyway */
	bool unicast_since_stats; /* daemon: the kernel sent us a record since the last AUDIT_GET for stats */
	bool stats_read;          /* st has the kernel's lost counter of an earlier read */
	scl_asker *asker;         /* AUDIT_GET while records flow, off the main thread (audit-asker.h) */
	scl_asker_answer ans;     /* its last answer */
	bool ans_fresh;           /* not yet used by stats() */
	bool daemon_pid_known;    /* multicast: the holder seen last */
	uint32_t daemon_pid;
	bool switch_pending;      /* lost the slot, no record by multicast yet */
	uint64_t switch_serial;   /* the last serial read as the daemon */
	scl_netlink_event ev[NL_EVENTS];
	size_t ev_head, ev_n;
	char *bufs;               /* one datagram, while opening (wait_start()) */
	scl_nlq *q;               /* the reader thread, from the end of opening */
	bool switching;           /* lose_slot() asked the reader to switch sockets */
	int switch_fd;            /* the multicast socket it switches to (-1: none) */
	int switch_error;         /* why there is none */
	uint32_t switch_holder;
};

const char *scl_netlink_mode_str(scl_netlink_mode m)
{
	switch (m) {
	case SCL_NETLINK_AUTO:
		return "auto";
	case SCL_NETLINK_DAEMON:
		return "daemon";
	case SCL_NETLINK_MULTICAST:
		return "multicast";
	}
	return "unknown";
}

static void set_rcvbuf(scl_netlink *nl, int fd, int bytes)
{
	socklen_t l = sizeof(nl->info.rcvbuf);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0)
		nl->info.rcvbuf_forced = true;
	else
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &nl->info.rcvbuf, &l) < 0)
		nl->info.rcvbuf = 0;
}

static int open_daemon(scl_netlink *nl, const scl_netlink_options *o, const struct audit_status *old)
{
	bool raise_limit, raise_wait;
	uint32_t want;
	int fd, r;

	fd = scl_actl_socket(true);
	if (fd < 0)
		return fd;
	set_rcvbuf(nl, fd, o->rcvbuf);
	/* Registered from the collecting socket: its port gets the unicast records. */
	r = scl_actl_set_pid(fd, (uint32_t)getpid());
	if (r < 0) {
		close(fd);
		return r;
	}
	nl->fd = fd;
	nl->undo.registered = true;
	nl->undo.our_pid = (uint32_t)getpid();
	nl->info.mode = SCL_NETLINK_DAEMON;

	nl->info.old_backlog_limit = nl->info.backlog_limit = old->backlog_limit;
	nl->info.old_backlog_wait_time = nl->info.backlog_wait_time = old->backlog_wait_time;
	/* backlog_limit 0 means unlimited: already more than we would set. */
	raise_limit = old->backlog_limit != 0 && old->backlog_limit < o->backlog_limit;
	raise_wait = old->backlog_wait_time < o->backlog_wait_time;
	if ((raise_limit || raise_wait) && o->before_raise) {
		/* the caller notes them first: a SIGKILL from here on leaves a note to restore from */
		scl_netlink_info planned = nl->info;
		if (raise_limit)
			planned.backlog_limit = o->backlog_limit;
		if (raise_wait)
			planned.backlog_wait_time = o->backlog_wait_time;
		o->before_raise(&planned, o->userdata);
	}
	if (raise_limit) {
		want = o->backlog_limit;
		if (scl_actl_set_backlog_limit(nl->ctl, want) == 0) {
			nl->undo.set_backlog_limit = true;
			nl->undo.old_backlog_limit = old->backlog_limit;
			nl->undo.backlog_limit = nl->info.backlog_limit = want;
		}
	}
	if (raise_wait) {
		want = o->backlog_wait_time;
		if (scl_actl_set_backlog_wait_time(nl->ctl, want) == 0) {
			nl->undo.set_wait_time = true;
			nl->undo.old_wait_time = old->backlog_wait_time;
			nl->undo.wait_time = nl->info.backlog_wait_time = want;
		}
	}
	return 0;
}

/* A socket in the multicast group, in *ret_fd. */
static int open_multicast(scl_netlink *nl, int rcvbuf, int *ret_fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	bool spare = nl->spare >= 0;
	int fd = spare ? nl->spare : socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);

	nl->spare = -1;
	if (fd < 0)
		return -errno;
	if (spare) {
		/* its buffer was set when it was opened (SO_RCVBUFFORCE needs CAP_NET_ADMIN, dropped since) */
		socklen_t l = sizeof(nl->info.rcvbuf);
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &nl->info.rcvbuf, &l) < 0)
			nl->info.rcvbuf = 0;
	} else {
		set_rcvbuf(nl, fd, rcvbuf);
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Body of a received record: the rest of the datagram (see KERNEL-FACTS: unicast nlmsg_len quirk). */
static void body_of(const char *buf, size_t n, const char **ret, size_t *ret_n)
{
	const char *p = buf + NLMSG_HDRLEN;
	size_t bn = n - NLMSG_HDRLEN;

	while (bn > 0 && p[bn - 1] == '\0')
		bn--;
	*ret = p;
	*ret_n = bn;
}

/* Read until our start marker arrives; everything before it is dropped. */
static int wait_start(scl_netlink *nl, int timeout_ms)
{
	int64_t deadline = scl_now_ms() + timeout_ms;
	int r;

	r = scl_marker_new(&nl->marker, "start");
	if (r < 0)
		return r;
	/*
	 * Serials from now on: a record queued ahead of the marker may have a
	 * serial above the marker's (see live.h).  It was started after the
	 * marker, but a command run from now on starts after the marker came
	 * back: the record is someone else's and is dropped with the rest.
	 */
	r = scl_serials_init(&nl->serials);
	if (r < 0)
		return r;
	nl->marker_type = scl_actl_marker_type(nl->ctl);
	r = scl_actl_send_marker(nl->ctl, &nl->marker, nl->marker_type);
	if (r < 0)
		return r;
	for (int64_t resend = scl_now_ms() + 1000;;) {
		struct sockaddr_nl from = { 0 };
		socklen_t fl = sizeof(from);
		struct pollfd p = { nl->fd, POLLIN, 0 };
		int64_t left = deadline - scl_now_ms();
		const char *body;
		size_t bn;
		ssize_t n;
		uint64_t serial;
		uint16_t type;
		bool have_serial;

		if (left <= 0)
			return -ETIMEDOUT;
		if (scl_now_ms() >= resend) {
			/* an overflow may have dropped it: the same marker again */
			(void)scl_actl_send_marker(nl->ctl, &nl->marker, nl->marker_type);
			resend = scl_now_ms() + 1000;
		}
		r = poll(&p, 1, (int)(left < 1000 ? left : 1000));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = recvfrom(nl->fd, nl->bufs, NL_BUF, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				continue;
			return -errno;
		}
		if (from.nl_pid != 0 || (size_t)n < NLMSG_HDRLEN)
			continue;
		type = ((struct nlmsghdr *)nl->bufs)->nlmsg_type;
		if (type < NLMSG_MIN_TYPE || type == AUDIT_REPLACE)
			continue;
		body_of(nl->bufs, (size_t)n, &body, &bn);
		have_serial = scl_live_body_serial(body, bn, &serial) == 0;
		if (type == nl->marker_type && scl_marker_match(&nl->marker, body, bn)) {
			if (have_serial) {
				r = scl_serials_start(&nl->serials, serial);
				if (r < 0)
					return r;
				nl->st.serials_tracked = true;
				nl->max_serial = serial;
			}
			memset(&nl->marker, 0, sizeof(nl->marker));
			return 0;
		}
		if (have_serial)
			scl_serials_seen(&nl->serials, serial);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int scl_netlink_open(const scl_netlink_options *o_in, scl_netlink **ret)
{
	scl_netlink_options o = o_in ? *o_in : (scl_netlink_options){ 0 };
	struct audit_status st = { 0 };
	scl_netlink *nl;
	bool have_status;
	int r;

	if (!o.backlog_limit)
		o.backlog_limit = SCL_NETLINK_BACKLOG_LIMIT;
	if (!o.backlog_wait_time)
		o.backlog_wait_time = SCL_NETLINK_BACKLOG_WAIT;
	if (!o.rcvbuf)
		o.rcvbuf = SCL_NETLINK_RCVBUF;
	if (!o.start_timeout_ms)
		o.start_timeout_ms = 10000;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->fd = nl->ctl = nl->spare = nl->switch_fd = -1;
	nl->bufs = malloc(NL_BUF);
	if (!nl->bufs) {
		r = -ENOMEM;
		goto fail;
	}
	r = scl_actl_socket(false);
	if (r < 0)
		goto fail;
	nl->ctl = r;

	r = scl_actl_get_status(nl->ctl, &st, NULL);
	have_status = r == 0;
	if (!have_status && r != -EPERM && r != -EACCES)
		goto fail;

	/*
	 * A daemon that died (SIGKILL) stays registered until a record fails
	 * to reach it; registering probes it (AUDIT_REPLACE) and takes over.
	 */
	if (o.mode == SCL_NETLINK_AUTO && have_status && st.pid != 0 && kill((pid_t)st.pid, 0) < 0 && errno == ESRCH)
		st.pid = 0;
	if (o.mode == SCL_NETLINK_DAEMON || (o.mode == SCL_NETLINK_AUTO && have_status && st.pid == 0)) {
		r = have_status ? open_daemon(nl, &o, &st) : -EPERM;
		if (r == 0) {
			r = wait_start(nl, o.start_timeout_ms);
			if (r < 0) {
				int rr = scl_netlink_restore(nl);
				if (rr < 0) {
					/* settings we cannot put back: stop here, say why */
					r = rr;
					goto fail;
				}
				close_fd(&nl->fd);
			}
		}
		if (r < 0 && o.mode == SCL_NETLINK_DAEMON)
			goto fail;
		nl->info.daemon_error = r;
	} else if (o.mode == SCL_NETLINK_AUTO) {
		nl->info.daemon_error = have_status ? -EEXIST : -EPERM;
		nl->info.other_daemon_pid = have_status ? st.pid : 0;
	}
	if (nl->fd < 0) {
		if (r == -EEXIST && have_status && scl_actl_get_status(nl->ctl, &st, NULL) == 0)
			nl->info.other_daemon_pid = st.pid;
		r = open_multicast(nl, o.rcvbuf, &nl->fd);
		if (r == 0) {
			nl->info.mode = SCL_NETLINK_MULTICAST;
			r = wait_start(nl, o.start_timeout_ms);
			if (r < 0)
				close_fd(&nl->fd);
		}
		if (r < 0)
			goto fail;
	}

	if (scl_actl_get_status(nl->ctl, &st, &nl->wait_actual_known) == 0) {
		nl->lost_known = true;
		nl->lost_start = st.lost;
		nl->wait_actual_start = st.backlog_wait_time_actual;
		nl->wait_time_start = st.backlog_wait_time;
		nl->backlog_limit_start = st.backlog_limit;
		nl->daemon_pid = st.pid;
		nl->daemon_pid_known = true;
		if (nl->info.mode == SCL_NETLINK_MULTICAST)
			nl->info.other_daemon_pid = st.pid;
	}
	nl->rcvbuf_opt = o.rcvbuf;
	/* the daemon's fallback socket, unbound (it receives nothing until it joins the group) */
	if (nl->info.mode == SCL_NETLINK_DAEMON) {
		nl->spare = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
		if (nl->spare >= 0) {
			/* the multicast way's buffer, now: the daemon socket's numbers stay reported */
			scl_netlink_info keep = nl->info;
			set_rcvbuf(nl, nl->spare, o.rcvbuf);
			nl->info = keep;
		}
	}
	r = scl_nlq_start(nl->fd, NL_BUF, SCL_NETLINK_QUEUE, &nl->q);
	if (r < 0)
		goto fail;
	/* the checks' own socket and thread; without them the main thread asks (as before) */
	if (have_status) {
		int afd = scl_actl_socket(false);

		if (afd >= 0)
			(void)scl_asker_start(afd, &nl->asker);
	}
	nl->start_ms = scl_now_ms();
	nl->next_check_ms = nl->start_ms + SCL_NETLINK_CHECK_MS;
	*ret = nl;
	return 0;
fail:
	scl_netlink_free(nl);
	return r;
}

void scl_netlink_get_info(const scl_netlink *nl, scl_netlink_info *ret)
{
	*ret = nl->info;
}

int scl_netlink_fd(const scl_netlink *nl)
{
	return scl_nlq_fd(nl->q);
}

int scl_netlink_ctl_dup(const scl_netlink *nl)
{
	int fd = nl->ctl >= 0 ? fcntl(nl->ctl, F_DUPFD_CLOEXEC, 3) : -1;

	return fd < 0 ? -1 : fd;
}

static void count(uint64_t *c)
{
	if (*c != UINT64_MAX)
		(*c)++;
}

static void push_event(scl_netlink *nl, const scl_netlink_event *ev)
{
	if (nl->ev_n == NL_EVENTS)
		return;
	nl->ev[(nl->ev_head + nl->ev_n++) % NL_EVENTS] = *ev;
}

int scl_netlink_next_event(scl_netlink *nl, scl_netlink_event *ret)
{
	if (!nl->ev_n)
		return 0;
	*ret = nl->ev[nl->ev_head];
	nl->ev_head = (nl->ev_head + 1) % NL_EVENTS;
	nl->ev_n--;
	return 1;
}

/* A CONFIG_CHANGE about the daemon slot. */
static void pid_change(scl_netlink *nl, const char *body, size_t bn)
{
	uint32_t new_pid, old_pid;
	bool res;

	if (scl_live_parse_pid_change(body, bn, &new_pid, &old_pid, &res) < 0)
		return;
	if (nl->undo.registered && old_pid == nl->undo.our_pid && !res && new_pid != 0 && new_pid != nl->undo.our_pid) {
		/* kernel/audit.c: "replacing a healthy auditd is not allowed", logged before -EEXIST */
		push_event(nl, &(scl_netlink_event){ .kind = SCL_NETLINK_EVENT_REFUSED, .pid = new_pid, .old_pid = old_pid });
		return;
	}
	/* The slot changed hands (or is about to): look at once rather than within a second. */
	if (res) {
		nl->next_check_ms = 0;
		nl->check_now = true;
	}
}

static int handle(scl_netlink *nl, const char *buf, size_t n, const scl_live_ops *ops, void *ud)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const char *body;
	size_t bn;
	uint64_t serial;
	int r = 0;

	if (n < NLMSG_HDRLEN || h->nlmsg_type < NLMSG_MIN_TYPE || h->nlmsg_type == AUDIT_REPLACE)
		return 0; /* control traffic: ACKs, liveness probes */
	body_of(buf, n, &body, &bn);
	if (scl_live_body_serial(body, bn, &serial) < 0)
		return 0; /* not a record */
	count(&nl->st.messages);
	scl_serials_seen(&nl->serials, serial);
	if (serial > nl->max_serial)
		nl->max_serial = serial;
	if (nl->switch_pending) {
		/* the first record by multicast after losing the slot closes the gap */
		scl_netlink_event ev = { .kind = SCL_NETLINK_EVENT_RESUMED, .last_serial = nl->switch_serial,
					 .first_serial = serial };

		ev.gap = serial > nl->switch_serial + 1 ? serial - nl->switch_serial - 1 : 0;
		nl->st.slot_gap = nl->st.slot_gap + ev.gap < nl->st.slot_gap ? UINT64_MAX : nl->st.slot_gap + ev.gap;
		nl->st.slot_gap_open--;
		nl->switch_pending = false;
		push_event(nl, &ev);
	}

	switch (h->nlmsg_type) {
	case AUDIT_SECCOMP: {
		scl_record rec;
		scl_skip_reason why = SCL_SKIP_NONE;

		if (scl_record_parse_body(body, bn, SCL_FRAME_BODY, &rec, &why) < 0) {
			count(&nl->st.malformed);
			if (ops && ops->skip)
				r = ops->skip(ud, why);
			break;
		}
		count(&nl->st.records);
		if (ops && ops->record)
			r = ops->record(ud, &rec);
		break;
	}
	case AUDIT_CONFIG_CHANGE:
		pid_change(nl, body, bn);
		break;
	case AUDIT_LOGIN: {
		uint32_t old_ses, ses;

		if (ops && ops->session && scl_live_parse_login(body, bn, &old_ses, &ses) == 0)
			r = ops->session(ud, old_ses, ses);
		break;
	}
	default:
		if (nl->marker_pending && h->nlmsg_type == nl->marker_type && scl_marker_match(&nl->marker, body, bn)) {
			nl->marker_pending = false;
			nl->marker_seen = true;
			nl->marker_seen_ms = scl_now_ms();
			/* what is started after the marker is not ours to wait for */
			scl_serials_end(&nl->serials, serial);
		}
		break;
	}
	return r;
}

static void finish_switch(scl_netlink *nl, int old_fd);

/* What the reader thread queued (netlink-queue.h), up to NL_MAX_PER_DISPATCH datagrams. */
static int read_queued(scl_netlink *nl, const scl_live_ops *ops, void *ud)
{
	int total = 0, r = 0;

	while (total < NL_MAX_PER_DISPATCH) {
		const char *data;
		size_t len;
		unsigned flags;
		int aux;

		r = scl_nlq_next(nl->q, &data, &len, &flags, &aux);
		if (r <= 0)
			break;
		if (flags & SCL_NLQ_SWITCHED) {
			finish_switch(nl, aux);
			continue;
		}
		total++;
		if (aux != 0)
			continue; /* only the kernel speaks here */
		if (nl->undo.registered && !nl->switching)
			nl->unicast_seen = nl->unicast_since_stats = true;
		if (flags & SCL_NLQ_TRUNC) {
			count(&nl->st.malformed);
			continue;
		}
		r = handle(nl, data, len, ops, ud);
		if (r < 0)
			break;
	}
	scl_nlq_release(nl->q);
	return r < 0 ? r : total;
}

/*
 * The kernel no longer sends to us: holder (0: nobody) has the slot.  The
 * kernel keeps a registration while its socket takes what is sent, or only
 * times out on a full one (kernel/audit.c: auditd_send_unicast_skb() and
 * kauditd_thread() drop the daemon on ECONNREFUSED, not on EAGAIN), so this
 * is a socket that refused, or an old kernel that let a new daemon replace a
 * live one.  Read what our socket still holds -- kauditd keeps the daemon's
 * port for a whole pass over its queue, so records may come after the new
 * daemon registered -- then go on by multicast.  What was sent meanwhile
 * went to the multicast group without us, and to the new daemon if any:
 * serial gaps.  Our registration is gone: it is not undone on exit; the
 * raised backlog settings are, as before (scl_netlink_restore() puts back
 * each one that still has our value: we raised them, and a new daemon that
 * wants others sets its own).
 */
static int lose_slot(scl_netlink *nl, uint32_t holder)
{
	int r;

	if (nl->switching)
		return 0;
	nl->undo.registered = false;
	nl->info.lost_slot = true;
	nl->info.other_daemon_pid = holder;
	nl->daemon_pid = holder;
	nl->daemon_pid_known = true;
	nl->switch_holder = holder;
	r = open_multicast(nl, nl->rcvbuf_opt, &nl->switch_fd);
	nl->switch_error = r < 0 ? r : 0;
	if (r < 0)
		nl->switch_fd = -1;
	/* the reader reads the old socket to its end first (finish_switch()) */
	r = scl_nlq_switch(nl->q, nl->switch_fd);
	if (r < 0)
		return r;
	nl->switching = true;
	return 0;
}

/* The old socket is read: what came after went by multicast, without us. */
static void finish_switch(scl_netlink *nl, int old_fd)
{
	scl_netlink_event ev = { .kind = SCL_NETLINK_EVENT_SLOT_LOST, .pid = nl->switch_holder,
				 .error = nl->switch_error };

	nl->switching = false;
	count(&nl->st.slot_lost);
	ev.last_serial = nl->switch_serial = nl->max_serial;
	if (old_fd == nl->fd)
		close_fd(&nl->fd);
	nl->fd = nl->switch_fd;
	nl->switch_fd = -1;
	count(&nl->st.slot_gap_open);
	if (nl->fd >= 0) {
		scl_marker m;

		nl->info.mode = SCL_NETLINK_MULTICAST;
		nl->switch_pending = true;
		/* a record now: the first serial after the gap comes even on an idle system */
		if (scl_marker_new(&m, "switch") == 0)
			(void)scl_actl_send_marker(nl->ctl, &m, nl->marker_type);
	}
	push_event(nl, &ev);
}

/*
 * The kernel keeps sending us records as the daemon: we are registered and
 * one came by unicast since the flag (seen: unicast_seen for check_slot(),
 * unicast_since_stats for stats()) was cleared.  kauditd unicasts to the
 * registered daemon only (after a reset, for the rest of one pass at most),
 * so they show that we hold the slot, and no request (AUDIT_GET) is sent
 * then: it would stop the main thread, as audit_receive() makes every
 * sender, the daemon too, wait uninterruptibly for backlog room (up to
 * backlog_wait_time) while the backlog is over its limit, which is when
 * records flow fastest.  Meanwhile the reader thread fills the queue to its
 * limit and stops reading, and the socket overflows
 * (tests/data/KERNEL-NOTES.md, "The daemon's own requests under load").
 */
static bool records_flow_as_daemon(const scl_netlink *nl, bool seen)
{
	return nl->info.mode == SCL_NETLINK_DAEMON && nl->undo.registered && seen;
}

/* What an answer to AUDIT_GET says of the daemon slot. */
static int slot_answer(scl_netlink *nl, const struct audit_status *sp)
{
	struct audit_status st = *sp;

	if (nl->info.mode == SCL_NETLINK_DAEMON) {
		if (!nl->undo.registered || st.pid == nl->undo.our_pid)
			return 0;
		return lose_slot(nl, st.pid);
	}
	if (nl->daemon_pid_known && st.pid != nl->daemon_pid)
		push_event(nl, &(scl_netlink_event){ .kind = SCL_NETLINK_EVENT_DAEMON_CHANGED, .pid = st.pid,
						     .old_pid = nl->daemon_pid });
	nl->daemon_pid = st.pid;
	nl->daemon_pid_known = true;
	return 0;
}

/*
 * The asker's answer, if one came (waiting wait_ms at most): what it says of
 * the slot is acted on, its lost counter kept for stats() (nl->ans).
 */
static int take_answer(scl_netlink *nl, int wait_ms)
{
	scl_asker_answer a;

	if (!nl->asker || scl_asker_take(nl->asker, wait_ms, &a) <= 0 || a.r < 0)
		return 0;
	nl->ans = a;
	nl->ans_fresh = true;
	return slot_answer(nl, &a.st);
}

/* Who holds the daemon slot now: AUDIT_GET, unless records_flow_as_daemon() says we do. */
static int check_slot(scl_netlink *nl)
{
	struct audit_status st;

	nl->next_check_ms = scl_now_ms() + SCL_NETLINK_CHECK_MS;
	if (records_flow_as_daemon(nl, nl->unicast_seen) && !nl->check_now) {
		nl->unicast_seen = false;
		return 0;
	}
	nl->unicast_seen = nl->check_now = false;
	if (nl->asker) {
		/* a quiet second may be kauditd kept off the CPU with the backlog full: not our wait */
		scl_asker_ask(nl->asker);
		return take_answer(nl, ASK_WAIT_MS);
	}
	if (scl_actl_get_status(nl->ctl, &st, NULL) < 0)
		return 0; /* next time */
	return slot_answer(nl, &st);
}

int scl_netlink_dispatch(scl_netlink *nl, const scl_live_ops *ops, void *ud)
{
	int total, r;

	if (nl->fd < 0)
		return -ENOTCONN;
	total = read_queued(nl, ops, ud);
	if (total < 0)
		return total;
	r = take_answer(nl, 0); /* a late one */
	if (r < 0)
		return r;
	if (scl_now_ms() < nl->next_check_ms)
		return total;
	r = check_slot(nl);
	return r < 0 ? r : total + r;
}

/* The drain marker came and no hole below it can still fill (or waiting for one ended). */
static bool settled(const scl_netlink *nl, int64_t now)
{
	return !nl->st.serials_tracked || scl_serials_open(&nl->serials) == 0 ||
	       now - nl->marker_seen_ms >= SCL_NETLINK_SETTLE_MS;
}

int scl_netlink_drain_start(scl_netlink *nl)
{
	int r;

	/* it came back: waiting for late records below it, no copy needed */
	if (nl->marker_seen && !settled(nl, scl_now_ms()))
		return 0;
	if (!nl->marker_pending) {
		r = scl_marker_new(&nl->marker, "drain");
		if (r < 0)
			return r;
		nl->marker_seen = false;
		nl->marker_pending = true;
		/* seen before the marker's serial is taken: what they dropped is below it */
		nl->marker_overflows = 0;
		if (nl->q)
			scl_nlq_counters(nl->q, &nl->marker_overflows, NULL);
	}
	return scl_actl_send_marker(nl->ctl, &nl->marker, nl->marker_type);
}

bool scl_netlink_drained(const scl_netlink *nl)
{
	return nl->marker_seen && settled(nl, scl_now_ms());
}

int scl_netlink_poll_ms(const scl_netlink *nl)
{
	int64_t now = scl_now_ms(), left;

	if (!nl->marker_seen || settled(nl, now))
		return SCL_NETLINK_CHECK_MS;
	left = nl->marker_seen_ms + SCL_NETLINK_SETTLE_MS - now;
	return left < 1 ? 1 : left > SCL_NETLINK_CHECK_MS ? SCL_NETLINK_CHECK_MS : (int)left;
}

/*
 * The largest HZ of any architecture (alpha: 1200).  A backlog wait of W
 * jiffies lasts at least W / HZ_MAX seconds.
 */
#define HZ_MAX 1200

/*
 * kernel/audit.c counts a record lost in these places:
 *   - audit_log_start(), before the record has a serial: the backlog is
 *     full and the task has waited backlog_wait_time in that one call (at
 *     once when the wait time is 0 or the caller cannot sleep; SECCOMP
 *     records are allocated with GFP_KERNEL and can), or out of memory;
 *   - audit_log_end(), rate_limit: the serial is spent;
 *   - kauditd's retry and hold queues, when unicast to the daemon fails:
 *     after the multicast copy, with the serial spent.
 * A loss after the serial is a serial gap to a reader that sees every
 * record type.  A loss before it needs a task that waited out the backlog:
 * none did if the backlog is unlimited, or the kernel's summed wait
 * (backlog_wait_time_actual) grew by less than one full wait, or less than
 * one full wait has passed since opening.  That holds for tasks that
 * started after opening; one already asleep in audit_log_start() may have
 * done most of its wait before.
 */
static bool no_unseen_loss(const scl_netlink *nl, const struct audit_status *st, bool wait_known)
{
	uint32_t wait = st->backlog_wait_time < nl->wait_time_start ? st->backlog_wait_time : nl->wait_time_start;
	int64_t elapsed = scl_now_ms() - nl->start_ms;

	if (nl->backlog_limit_start == 0 && st->backlog_limit == 0)
		return true;
	if (wait == 0)
		return false;
	if (wait_known && nl->wait_actual_known && (uint32_t)(st->backlog_wait_time_actual - nl->wait_actual_start) < wait)
		return true;
	return elapsed >= 0 && elapsed * HZ_MAX < (int64_t)wait * 1000;
}

/* The kernel's lost counter, and whether a loss without a serial gap is ruled out, from st. */
static void lost_from(scl_netlink *nl, const struct audit_status *st, bool wait_known)
{
	nl->st.lost_known = true;
	/* A counter below its start was reset (auditctl --reset-lost): what it has came since. */
	nl->st.kernel_lost = st->lost >= nl->lost_start ? st->lost - nl->lost_start : st->lost;
	nl->st.no_unseen_loss = no_unseen_loss(nl, st, wait_known);
	nl->stats_read = true;
}

/*
 * scl_netlink_stats(), and with progress scl_netlink_progress(): the
 * kernel's lost counter as read last while records_flow_as_daemon(), once
 * it was read.
 */
static int stats(scl_netlink *nl, scl_live_stats *ret, bool progress)
{
	bool ask = !(progress && nl->stats_read && records_flow_as_daemon(nl, nl->unicast_since_stats));
	struct audit_status st;
	bool wait_known = false;

	nl->st.serial_gaps = scl_serials_gaps(&nl->serials);
	if (nl->q)
		scl_nlq_counters(nl->q, &nl->st.overflows, NULL);
	if (nl->st.serials_tracked && nl->marker_seen && settled(nl, scl_now_ms()) &&
	    nl->marker_overflows > nl->st.overflows_settled)
		nl->st.overflows_settled = nl->marker_overflows;
	nl->unicast_since_stats = false;
	if (ask && progress && nl->asker) {
		/* the last answer the asker gave (a second old at most while it keeps up) */
		int r;

		scl_asker_ask(nl->asker);
		r = take_answer(nl, ASK_WAIT_MS);
		if (r < 0)
			return r;
		if (nl->ans_fresh && nl->lost_known) {
			lost_from(nl, &nl->ans.st, nl->ans.wait_known);
			nl->ans_fresh = false;
		}
		ask = false;
	}
	if (!ask) {
		*ret = nl->st;
		return 0;
	}
	nl->st.lost_known = false;
	nl->st.kernel_lost = 0;
	nl->st.no_unseen_loss = false;
	if (nl->lost_known && scl_actl_get_status(nl->ctl, &st, &wait_known) == 0)
		lost_from(nl, &st, wait_known);
	*ret = nl->st;
	return 0;
}

int scl_netlink_stats(scl_netlink *nl, scl_live_stats *ret)
{
	return stats(nl, ret, false);
}

int scl_netlink_progress(scl_netlink *nl, scl_live_stats *ret)
{
	return stats(nl, ret, true);
}

int scl_netlink_restore(scl_netlink *nl)
{
	return nl ? scl_actl_undo(nl->ctl, &nl->undo) : 0;
}

void scl_netlink_free(scl_netlink *nl)
{
	if (!nl)
		return;
	scl_asker_stop(nl->asker);
	scl_netlink_restore(nl);
	scl_nlq_stop(nl->q);
	close_fd(&nl->fd);
	close_fd(&nl->ctl);
	close_fd(&nl->spare);
	close_fd(&nl->switch_fd);
	scl_serials_done(&nl->serials);
	free(nl->bufs);
	free(nl);
}
