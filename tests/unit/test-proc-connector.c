/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "scmplog/proc-connector.h"
#include "unit-util.h"

/* Datagrams built as the kernel sends them: nlmsghdr, cn_msg, proc_event. */
struct dgram {
	unsigned char b[1024];
	size_t n;
};

static void add_msg(struct dgram *d, uint32_t idx, uint32_t what, const uint32_t *data, size_t nd, size_t cut)
{
	struct nlmsghdr h = { 0 };
	struct cn_msg cn = { 0 };
	struct proc_event ev;
	size_t evlen = offsetof(struct proc_event, event_data) + nd * sizeof(uint32_t);

	memset(&ev, 0, sizeof(ev));
	ev.what = what;
	memcpy(&ev.event_data, data, nd * sizeof(uint32_t));
	if (cut)
		evlen = cut;
	cn.id.idx = idx;
	cn.id.val = CN_VAL_PROC;
	cn.len = (uint16_t)evlen;
	h.nlmsg_len = (uint32_t)(sizeof(h) + sizeof(cn) + evlen);
	h.nlmsg_type = NLMSG_DONE;
	memcpy(d->b + d->n, &h, sizeof(h));
	memcpy(d->b + d->n + sizeof(h), &cn, sizeof(cn));
	memcpy(d->b + d->n + sizeof(h) + sizeof(cn), &ev, evlen);
	d->n += NLMSG_ALIGN(h.nlmsg_len);
}

struct got {
	scl_proc_event ev[8];
	int n;
	int fail_at; /* return -EIO at this call (1-based), 0 never */
};

static int collect_cb(void *ud, const scl_proc_event *ev)
{
	struct got *g = ud;

	if (g->fail_at && g->n + 1 == g->fail_at)
		return -EIO;
	g->ev[g->n++] = *ev;
	return 0;
}

/* fork: parent_pid, parent_tgid, child_pid, child_tgid; exec and exit: pid, tgid (exit: code, signal) */
static const uint32_t fork_proc[] = { 100, 100, 200, 200 };
static const uint32_t fork_thread[] = { 100, 100, 201, 200 };
static const uint32_t fork_from_thread[] = { 101, 100, 300, 300 };
static const uint32_t exec_p[] = { 200, 200 };
static const uint32_t exit_p[] = { 200, 200, 0, 17 };
static const uint32_t exit_thread[] = { 201, 200, 0, 17 };
static const uint32_t uid_ev[] = { 200, 200, 0, 0 };

START_TEST(test_parse_events)
{
	struct dgram d = { .n = 0 };
	struct got g = { .n = 0 };

	add_msg(&d, CN_IDX_PROC, PROC_EVENT_FORK, fork_proc, 4, 0);
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_FORK, fork_thread, 4, 0);      /* a thread: left out */
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_FORK, fork_from_thread, 4, 0); /* parent is the tgid */
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_UID, uid_ev, 4, 0);            /* other event: left out */
	add_msg(&d, CN_IDX_PROC + 1, PROC_EVENT_EXEC, exec_p, 2, 0);       /* other connector */
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_EXEC, exec_p, 2, 0);
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_EXIT, exit_thread, 4, 0);      /* a thread: left out */
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_EXIT, exit_p, 4, 0);
	ck_assert_int_eq(scl_proc_conn_parse(d.b, d.n, collect_cb, &g), 4);
	ck_assert_int_eq(g.n, 4);
	ck_assert_int_eq(g.ev[0].type, SCL_PROC_FORK);
	ck_assert_uint_eq(g.ev[0].pid, 200);
	ck_assert_uint_eq(g.ev[0].parent_pid, 100);
	ck_assert_int_eq(g.ev[1].type, SCL_PROC_FORK);
	ck_assert_uint_eq(g.ev[1].pid, 300);
	ck_assert_uint_eq(g.ev[1].parent_pid, 100);
	ck_assert_int_eq(g.ev[2].type, SCL_PROC_EXEC);
	ck_assert_uint_eq(g.ev[2].pid, 200);
	ck_assert_uint_eq(g.ev[2].parent_pid, 0);
	ck_assert_int_eq(g.ev[3].type, SCL_PROC_EXIT);
	ck_assert_uint_eq(g.ev[3].pid, 200);
}
END_TEST

/* Malformed datagrams: -EBADMSG, events before the bad message delivered. */
static const struct bad_case {
	const char *what;
	size_t cut;        /* proc_event length given (0: whole) */
	int nlen_delta;    /* added to nlmsg_len of the last message */
	int cnlen_delta;   /* added to cn_msg.len of the last message */
	size_t trunc;      /* bytes cut off the datagram's end */
} bad_cases[] = {
	{ "fork event cut short", offsetof(struct proc_event, event_data) + 8, 0, 0, 0 },
	{ "event without header", 4, 0, 0, 0 },
	{ "nlmsg_len past the datagram", 0, 64, 0, 0 },
	{ "nlmsg_len below the header", 0, -1000, 0, 0 },
	{ "cn_msg.len past the message", 0, 0, 8, 0 },
	{ "datagram truncated", 0, 0, 0, 10 },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct dgram d = { .n = 0 };
	struct got g = { .n = 0 };
	size_t last;
	struct nlmsghdr h;
	struct cn_msg cn;

	add_msg(&d, CN_IDX_PROC, PROC_EVENT_EXEC, exec_p, 2, 0);
	last = d.n;
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_FORK, fork_proc, 4, c->cut);
	memcpy(&h, d.b + last, sizeof(h));
	memcpy(&cn, d.b + last + sizeof(h), sizeof(cn));
	h.nlmsg_len = (uint32_t)((int)h.nlmsg_len + c->nlen_delta);
	cn.len = (uint16_t)(cn.len + c->cnlen_delta);
	memcpy(d.b + last, &h, sizeof(h));
	memcpy(d.b + last + sizeof(h), &cn, sizeof(cn));
	ck_assert_msg(scl_proc_conn_parse(d.b, d.n - c->trunc, collect_cb, &g) == -EBADMSG, "%s", c->what);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].type, SCL_PROC_EXEC);
}
END_TEST

START_TEST(test_parse_cb_error)
{
	struct dgram d = { .n = 0 };
	struct got g = { .n = 0, .fail_at = 2 };

	add_msg(&d, CN_IDX_PROC, PROC_EVENT_EXEC, exec_p, 2, 0);
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_EXIT, exit_p, 4, 0);
	add_msg(&d, CN_IDX_PROC, PROC_EVENT_FORK, fork_proc, 4, 0);
	ck_assert_int_eq(scl_proc_conn_parse(d.b, d.n, collect_cb, &g), -EIO);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(scl_proc_conn_parse(d.b, 0, collect_cb, &g), 0);
}
END_TEST

static Suite *proc_connector_suite(void)
{
	Suite *s = suite_create("proc-connector");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_events);
	tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_parse_cb_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(proc_connector_suite());
}
