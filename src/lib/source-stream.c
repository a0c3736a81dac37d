/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/netlink.h"
#include "scmplog/stream.h"
#include "util.h"

/* Reads per dispatch call: the caller's loop gets back to its signals and timers in between. */
#define STREAM_READS 16
#define STREAM_CHUNK 65536

struct node {
	char name[SCL_MAX_HOST];
	size_t n;
	bool started;
	scl_serials serials;
};

struct scl_stream {
	int fd;
	int ctl;                  /* NETLINK_AUDIT socket for the lost counter, or -1 */
	bool lost_known;
	uint32_t lost_start;
	bool ended, first;
	char *line;               /* a line in progress, SCL_MAX_LINE bytes */
	size_t n;
	bool overlong;            /* discarding the rest of a line over SCL_MAX_LINE */
	struct node *nodes;
	size_t n_nodes, last_node;
	uint64_t untracked;
	scl_live_stats st;
	char chunk[STREAM_CHUNK];
};

static void count(uint64_t *c)
{
	if (*c != UINT64_MAX)
		(*c)++;
}

int scl_stream_new(int fd, bool audit_ctl, scl_stream **ret)
{
	scl_stream *s = calloc(1, sizeof(*s));
	scl_audit_status as;

	if (!s)
		return -ENOMEM;
	s->line = malloc(SCL_MAX_LINE);
	s->nodes = calloc(SCL_MAX_STREAM_NODES, sizeof(*s->nodes));
	if (!s->line || !s->nodes) {
		scl_stream_free(s);
		return -ENOMEM;
	}
	s->fd = fd;
	s->ctl = -1;
	s->first = true;
	s->st.serials_tracked = true;
	if (audit_ctl) {
		s->ctl = scl_audit_socket();
		if (s->ctl >= 0 && scl_audit_get_status_fd(s->ctl, &as) == 0) {
			s->lost_known = true;
			s->lost_start = as.lost;
		}
	}
	*ret = s;
	return 0;
}

void scl_stream_free(scl_stream *s)
{
	if (!s)
		return;
	if (s->ctl >= 0)
		close(s->ctl);
	for (size_t i = 0; i < s->n_nodes; i++)
		scl_serials_done(&s->nodes[i].serials);
	free(s->nodes);
	free(s->line);
	free(s);
}

bool scl_stream_ended(const scl_stream *s)
{
	return s->ended;
}

uint64_t scl_stream_untracked(const scl_stream *s)
{
	return s->untracked;
}

/* The node's serial counter, added at first sight; NULL past SCL_MAX_STREAM_NODES or on -ENOMEM (*oom). */
static struct node *node_for(scl_stream *s, const char *name, size_t n, bool *oom)
{
	struct node *nd;

	if (s->n_nodes && s->nodes[s->last_node].n == n && !memcmp(s->nodes[s->last_node].name, name, n))
		return &s->nodes[s->last_node];
	for (size_t i = 0; i < s->n_nodes; i++)
		if (s->nodes[i].n == n && !memcmp(s->nodes[i].name, name, n)) {
			s->last_node = i;
			return &s->nodes[i];
		}
	if (s->n_nodes == SCL_MAX_STREAM_NODES || n > sizeof(nd->name))
		return NULL;
	nd = &s->nodes[s->n_nodes];
	if (scl_serials_init(&nd->serials) < 0) {
		*oom = true;
		return NULL;
	}
	memcpy(nd->name, name, n);
	nd->n = n;
	s->last_node = s->n_nodes++;
	return nd;
}

/*
 * The header of an auditd line, "[node=NAME ]type=TYPE msg=audit(T:S): ":
 * its serial counts for its node unless TYPE is auditd's own (DAEMON_*, its
 * own numbers: auditd.c send_audit_event()).  Other text is passed over.
 */
static int see_serial(scl_stream *s, const char *p, size_t n)
{
	const char *node = "", *sp;
	size_t node_n = 0;
	uint64_t serial;
	struct node *nd;
	bool oom = false;

	if (STARTSWITH(p, n, "node=")) {
		node = p + 5;
		sp = memchr(node, ' ', n - 5);
		if (!sp)
			return 0;
		node_n = (size_t)(sp - node);
		n -= (size_t)(sp + 1 - p);
		p = sp + 1;
	}
	if (!STARTSWITH(p, n, "type="))
		return 0;
	if (STARTSWITH(p + 5, n - 5, "DAEMON_"))
		return 0;
	sp = memchr(p, ' ', n);
	if (!sp || !STARTSWITH(sp + 1, n - (size_t)(sp + 1 - p), "msg="))
		return 0;
	sp += 5;
	if (scl_live_body_serial(sp, n - (size_t)(sp - p), &serial) < 0 || serial > UINT32_MAX)
		return 0;
	nd = node_for(s, node, node_n, &oom);
	if (oom)
		return -ENOMEM;
	if (!nd) {
		count(&s->untracked);
		return 0;
	}
	if (!nd->started) {
		/* holes count above the first serial; earlier ones arriving late are before the start */
		int r = scl_serials_start(&nd->serials, serial);
		if (r < 0)
			return r;
		nd->started = true;
	}
	scl_serials_seen(&nd->serials, serial);
	return 0;
}

static int one_line(scl_stream *s, const char *p, size_t n, const scl_live_ops *ops, void *ud)
{
	scl_skip_reason why;
	scl_record rec;
	uint64_t sup;
	int r;

	count(&s->st.messages);
	r = see_serial(s, p, n);
	if (r < 0)
		return r;
	r = scl_record_parse_line(p, n, &rec, &why, &sup);
	if (r == SCL_LINE_RECORD) {
		count(&s->st.records);
		return ops && ops->record ? ops->record(ud, &rec) : 0;
	}
	if (r == -EBADMSG) {
		count(&s->st.malformed);
		return ops && ops->skip ? ops->skip(ud, why) : 0;
	}
	return 0;
}

/* Split chunk[0..k) into lines; a partial one is kept for the next read. */
static int split(scl_stream *s, size_t k, const scl_live_ops *ops, void *ud)
{
	const char *p = s->chunk, *end = s->chunk + k;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t m = (size_t)((nl ? nl : end) - p);

		if (s->overlong) {
			/* the rest of a line over the limit, counted when it began */
		} else if (s->n + m > SCL_MAX_LINE) {
			size_t keep = SCL_MAX_LINE - s->n;

			/* its start holds the header: the serial still counts */
			memcpy(s->line + s->n, p, keep);
			r = see_serial(s, s->line, SCL_MAX_LINE);
			if (r < 0)
				return r;
			count(&s->st.messages);
			count(&s->st.malformed);
			if (ops && ops->skip && (r = ops->skip(ud, SCL_SKIP_LINE_TOO_LONG)) < 0)
				return r;
			s->overlong = true;
			s->n = 0;
		} else if (!nl || s->n) {
			memcpy(s->line + s->n, p, m);
			s->n += m;
		}
		if (!nl)
			break;
		if (!s->overlong) {
			r = one_line(s, s->n ? s->line : p, s->n ? s->n : m, ops, ud);
			if (r < 0) {
				/* the rest of the chunk is dropped with the call that failed */
				s->n = 0;
				return r;
			}
		}
		s->n = 0;
		s->overlong = false;
		p = nl + 1;
	}
	return 0;
}

int scl_stream_dispatch(scl_stream *s, const scl_live_ops *ops, void *ud)
{
	int r;

	if (s->ended)
		return 1;
	for (int i = 0; i < STREAM_READS; i++) {
		struct pollfd pf = { s->fd, POLLIN, 0 };
		ssize_t k;

		r = poll(&pf, 1, 0);
		if (r < 0)
			return errno == EINTR ? 0 : -errno;
		if (r == 0)
			return 0;
		k = read(s->fd, s->chunk, sizeof(s->chunk));
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				return 0;
			return -errno;
		}
		if (k == 0) {
			s->ended = true;
			if (s->n && !s->overlong) {
				size_t m = s->n;

				s->n = 0;
				r = one_line(s, s->line, m, ops, ud);
				if (r < 0)
					return r;
			}
			return 1;
		}
		/* auditd's binary format starts with its header's version, 0 to 2, as 4 bytes */
		if (s->first && memchr(s->chunk, '\0', (size_t)k < 16 ? (size_t)k : 16))
			return -EPROTO;
		s->first = false;
		r = split(s, (size_t)k, ops, ud);
		if (r < 0)
			return r;
	}
	return 0;
}

void scl_stream_stats(scl_stream *s, bool kernel_lost, scl_live_stats *ret)
{
	scl_audit_status as;
	uint64_t gaps = 0;

	for (size_t i = 0; i < s->n_nodes; i++) {
		uint64_t g = scl_serials_gaps(&s->nodes[i].serials);

		gaps = gaps + g < gaps ? UINT64_MAX : gaps + g;
	}
	s->st.serial_gaps = gaps;
	if (kernel_lost && s->lost_known && scl_audit_get_status_fd(s->ctl, &as) == 0) {
		/* a counter reset (auditctl --reset-lost) restarts the count */
		if (as.lost < s->lost_start)
			s->lost_start = 0;
		s->st.kernel_lost = as.lost - s->lost_start;
		s->st.lost_known = true;
	}
	*ret = s->st;
}
