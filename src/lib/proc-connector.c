/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scmplog/proc-connector.h"
#include "lib/util.h"

struct scl_proc_conn {
	int fd;
	uint64_t overflows, malformed;
};

/* Offsets in struct proc_event: what, cpu, timestamp_ns (aligned 8), then the union. */
#define EV_DATA_OFF offsetof(struct proc_event, event_data)

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* One proc_event of len bytes: 1 if it is one we report (in *ev), 0 if not, -EBADMSG. */
static int event_from(const unsigned char *p, size_t len, scl_proc_event *ev)
{
	const unsigned char *d = p + EV_DATA_OFF;
	uint32_t what;

	if (len < EV_DATA_OFF)
		return -EBADMSG;
	what = get_u32(p + offsetof(struct proc_event, what));
	switch (what) {
	case PROC_EVENT_FORK: {
		uint32_t ptgid, cpid, ctgid;

		if (len < EV_DATA_OFF + sizeof(struct fork_proc_event))
			return -EBADMSG;
		ptgid = get_u32(d + offsetof(struct fork_proc_event, parent_tgid));
		cpid = get_u32(d + offsetof(struct fork_proc_event, child_pid));
		ctgid = get_u32(d + offsetof(struct fork_proc_event, child_tgid));
		if (cpid != ctgid)
			return 0; /* a new thread */
		*ev = (scl_proc_event){ SCL_PROC_FORK, ctgid, ptgid };
		return 1;
	}
	case PROC_EVENT_EXEC:
		if (len < EV_DATA_OFF + sizeof(struct exec_proc_event))
			return -EBADMSG;
		*ev = (scl_proc_event){ SCL_PROC_EXEC, get_u32(d + offsetof(struct exec_proc_event, process_tgid)), 0 };
		return 1;
	case PROC_EVENT_EXIT: {
		uint32_t pid, tgid;

		/* exit_code and exit_signal follow; the pids are all we need */
		if (len < EV_DATA_OFF + 2 * sizeof(uint32_t))
			return -EBADMSG;
		pid = get_u32(d);
		tgid = get_u32(d + sizeof(uint32_t));
		if (pid != tgid)
			return 0; /* a thread */
		*ev = (scl_proc_event){ SCL_PROC_EXIT, tgid, 0 };
		return 1;
	}
	default:
		return 0;
	}
}

int scl_proc_conn_parse(const void *buf, size_t n, scl_proc_event_fn cb, void *ud)
{
	const unsigned char *p = buf;
	int count = 0;

	while (n > 0) {
		struct nlmsghdr h;
		struct cn_msg cn;
		size_t len, step;
		scl_proc_event ev;
		int r;

		if (n < sizeof(h))
			return -EBADMSG;
		memcpy(&h, p, sizeof(h));
		len = h.nlmsg_len;
		if (len < sizeof(h) || len > n)
			return -EBADMSG;
		step = NLMSG_ALIGN(len) < n ? NLMSG_ALIGN(len) : n;
		if (h.nlmsg_type == NLMSG_NOOP || h.nlmsg_type == NLMSG_ERROR || h.nlmsg_type == NLMSG_OVERRUN)
			goto next;
		/* the kernel sends proc events as NLMSG_DONE messages holding a cn_msg */
		if (len < sizeof(h) + sizeof(cn))
			return -EBADMSG;
		memcpy(&cn, p + sizeof(h), sizeof(cn));
		if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
			goto next;
		if ((size_t)cn.len > len - sizeof(h) - sizeof(cn))
			return -EBADMSG;
		r = event_from(p + sizeof(h) + sizeof(cn), cn.len, &ev);
		if (r < 0)
			return r;
		if (r > 0) {
			r = cb(ud, &ev);
			if (r < 0)
				return r;
			count++;
		}
next:
		p += step;
		n -= step;
	}
	return count;
}

static int send_op(int fd, enum proc_cn_mcast_op op)
{
	struct {
		struct nlmsghdr h;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) m;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = sizeof(m);
	m.h.nlmsg_type = NLMSG_DONE;
	m.h.nlmsg_pid = 0;
	m.cn.id.idx = CN_IDX_PROC;
	m.cn.id.val = CN_VAL_PROC;
	m.cn.len = sizeof(op);
	m.op = op;
	if (sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

int scl_proc_conn_open(int rcvbuf, scl_proc_conn **ret)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	scl_proc_conn *c;
	int fd, r;

	if (rcvbuf <= 0)
		rcvbuf = 8 * 1024 * 1024;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = send_op(fd, PROC_CN_MCAST_LISTEN);
	if (r < 0) {
		close(fd);
		return r;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	*ret = c;
	return 0;
}

void scl_proc_conn_free(scl_proc_conn *c)
{
	if (!c)
		return;
	(void)send_op(c->fd, PROC_CN_MCAST_IGNORE);
	close(c->fd);
	free(c);
}

int scl_proc_conn_fd(const scl_proc_conn *c)
{
	return c->fd;
}

uint64_t scl_proc_conn_overflows(const scl_proc_conn *c)
{
	return c->overflows;
}

uint64_t scl_proc_conn_malformed(const scl_proc_conn *c)
{
	return c->malformed;
}

int scl_proc_conn_dispatch(scl_proc_conn *c, scl_proc_event_fn cb, void *ud)
{
	union {
		struct nlmsghdr h;
		unsigned char b[16384];
	} buf;
	int total = 0;

	for (;;) {
		struct sockaddr_nl from = { 0 };
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(c->fd, buf.b, sizeof(buf.b), MSG_TRUNC, (struct sockaddr *)&from, &fl);
		int r;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return total;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				c->overflows++;
				continue;
			}
			return -errno;
		}
		/* only the kernel speaks here; a truncated datagram is not trusted */
		if (fl != sizeof(from) || from.nl_pid != 0 || (size_t)n > sizeof(buf.b)) {
			c->malformed++;
			continue;
		}
		r = scl_proc_conn_parse(buf.b, (size_t)n, cb, ud);
		if (r == -EBADMSG) {
			c->malformed++;
			continue;
		}
		if (r < 0)
			return r;
		total += r;
	}
}
