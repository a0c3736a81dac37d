/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scmplog/kmsg.h"
#include "scmplog/netlink.h"
#include "util.h"

/* One /dev/kmsg record: printk keeps at most 1024 bytes of text, plus dictionary lines. */
#define KMSG_BUF 16384
#define KMSG_MAX_PER_DISPATCH 4096

struct scl_kmsg {
	int fd;
	int ctl;  /* NETLINK_AUDIT control socket for markers and the lost counter, or -1 */
	bool can_mark;
	scl_marker marker;
	bool marker_pending, marker_seen;
	bool lost_known;
	uint32_t lost_start;
	scl_live_stats st;
	char buf[KMSG_BUF];
};

static void count(uint64_t *c, uint64_t n)
{
	*c = *c + n < *c ? UINT64_MAX : *c + n;
}

/* "...;audit: type=1006 audit(...): ..." -> is it an AUDIT_LOGIN line */
static bool is_login(const char *line, size_t n)
{
	static const char tag[] = "audit: type=1006 ";
	return memmem(line, n < 160 ? n : 160, tag, sizeof(tag) - 1) != NULL;
}

static int handle(scl_kmsg *k, const char *line, size_t n, const scl_live_ops *ops, void *ud)
{
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	uint64_t suppressed = 0;
	int r;

	count(&k->st.messages, 1);
	r = scl_record_parse_line(line, n, &rec, &why, &suppressed);
	if (r == SCL_LINE_RECORD) {
		count(&k->st.records, 1);
		return ops && ops->record ? ops->record(ud, &rec) : 0;
	}
	if (r == SCL_LINE_SUPPRESSED) {
		count(&k->st.suppressed, suppressed);
		return 0;
	}
	if (r < 0) {
		count(&k->st.malformed, 1);
		return ops && ops->skip ? ops->skip(ud, why) : 0;
	}
	if (k->marker_pending && scl_marker_match(&k->marker, line, n)) {
		k->marker_pending = false;
		k->marker_seen = true;
		return 0;
	}
	if (ops && ops->session && is_login(line, n)) {
		uint32_t old_ses, ses;
		if (scl_live_parse_login(line, n, &old_ses, &ses) == 0)
			return ops->session(ud, old_ses, ses);
	}
	return 0;
}

int scl_kmsg_dispatch(scl_kmsg *k, const scl_live_ops *ops, void *ud)
{
	int total = 0;

	while (total < KMSG_MAX_PER_DISPATCH) {
		ssize_t n = read(k->fd, k->buf, sizeof(k->buf));
		const char *nl;
		int r;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				/* The ring buffer overwrote lines we had not read yet. */
				count(&k->st.overflows, 1);
				continue;
			}
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		if (n == 0)
			break;
		total++;
		/* The record is the first line; continuation lines are the dictionary. */
		nl = memchr(k->buf, '\n', (size_t)n);
		r = handle(k, k->buf, nl ? (size_t)(nl - k->buf) : (size_t)n, ops, ud);
		if (r < 0)
			return r;
	}
	return total;
}

static int send_marker(scl_kmsg *k)
{
	int r = scl_audit_send_marker_fd(k->ctl, &k->marker);
	return r < 0 ? r : 0;
}

int scl_kmsg_open(const char *path, int timeout_ms, scl_kmsg **ret)
{
	return scl_kmsg_open_ctl(path, timeout_ms, -1, ret);
}

int scl_kmsg_open_ctl(const char *path, int timeout_ms, int ctl, scl_kmsg **ret)
{
	scl_kmsg *k = calloc(1, sizeof(*k));
	scl_audit_status st;
	int r;

	if (!k) {
		if (ctl >= 0)
			close(ctl);
		return -ENOMEM;
	}
	k->ctl = ctl >= 0 ? ctl : scl_audit_socket();
	if (k->ctl < 0)
		k->ctl = -1;
	k->fd = open(path ? path : "/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (k->fd < 0) {
		r = -errno;
		goto fail;
	}
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		r = -errno;
		goto fail;
	}
	if (!timeout_ms)
		timeout_ms = 16000; /* over three printk_ratelimit() intervals (5 s), on a busy machine */

	r = scl_marker_new(&k->marker, "start");
	if (r < 0)
		goto fail;
	if (send_marker(k) == 0) {
		int64_t start = scl_now_ms(), last = start;

		k->can_mark = true;
		k->marker_pending = true;
		while (!k->marker_seen) {
			struct pollfd p = { k->fd, POLLIN, 0 };
			int64_t t = scl_now_ms();

			if (t - start >= timeout_ms) {
				r = -ETIMEDOUT;
				goto fail;
			}
			/* printk_ratelimit() may have eaten it: try again in the next interval. */
			if (t - last >= 1000) {
				(void)send_marker(k);
				last = t;
			}
			(void)poll(&p, 1, 200);
			r = scl_kmsg_dispatch(k, NULL, NULL);
			if (r < 0)
				goto fail;
		}
	}
	/* Counting starts after the start marker. */
	memset(&k->st, 0, sizeof(k->st));
	memset(&k->marker, 0, sizeof(k->marker));
	k->marker_seen = k->marker_pending = false;
	if (scl_audit_get_status_fd(k->ctl, &st) == 0) {
		k->lost_known = true;
		k->lost_start = st.lost;
	}
	*ret = k;
	return 0;
fail:
	scl_kmsg_free(k);
	return r;
}

bool scl_kmsg_can_mark(const scl_kmsg *k)
{
	return k->can_mark;
}

int scl_kmsg_fd(const scl_kmsg *k)
{
	return k->fd;
}

int scl_kmsg_drain_start(scl_kmsg *k)
{
	int r;

	if (!k->can_mark)
		return -EOPNOTSUPP;
	if (!k->marker_pending) {
		r = scl_marker_new(&k->marker, "drain");
		if (r < 0)
			return r;
		k->marker_seen = false;
		k->marker_pending = true;
	}
	return send_marker(k);
}

bool scl_kmsg_drained(const scl_kmsg *k)
{
	return k->marker_seen;
}

int scl_kmsg_stats(scl_kmsg *k, scl_live_stats *ret)
{
	scl_audit_status st;

	k->st.serials_tracked = false;
	k->st.lost_known = false;
	k->st.kernel_lost = 0;
	if (k->lost_known && scl_audit_get_status_fd(k->ctl, &st) == 0) {
		k->st.lost_known = true;
		k->st.kernel_lost = (uint32_t)(st.lost - k->lost_start);
	}
	*ret = k->st;
	return 0;
}

void scl_kmsg_free(scl_kmsg *k)
{
	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	if (k->ctl >= 0)
		close(k->ctl);
	free(k);
}
