/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The audit control path against the kernel (needs CAP_AUDIT_CONTROL; skipped
 * without it).  Requests that change nothing and log nothing: AUDIT_GET,
 * AUDIT_SET with an empty mask, AUDIT_SET of a backlog wait time the kernel
 * refuses (-EINVAL, over 10 * AUDIT_BACKLOG_WAIT_TIME).
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/audit-control.h"
#include "scmplog/netlink.h"
#include "unit-util.h"

#ifndef AUDIT_STATUS_BACKLOG_WAIT_TIME
#define AUDIT_STATUS_BACKLOG_WAIT_TIME 0x0020
#endif

#define BAD_WAIT_TIME 0xffffffffu

/* A control socket, or -1 when this process may not use audit control. */
static int ctl_or_skip(void)
{
	struct audit_status st;
	int fd = scl_actl_socket(false), r;

	if (fd < 0) {
		printf("audit-control: skipped: no NETLINK_AUDIT socket (%s)\n", strerror(-fd));
		return -1;
	}
	r = scl_actl_get_status(fd, &st, NULL);
	if (r < 0) {
		printf("audit-control: skipped: AUDIT_GET: %s\n", strerror(-r));
		close(fd);
		return -1;
	}
	return fd;
}

/* Send AUDIT_SET (mask, wait time) with NLM_F_ACK by hand, and wait until its ACK is queued, unread. */
static void queue_ack(int fd, uint32_t mask, uint32_t wait_time)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} m;
	struct pollfd p = { fd, POLLIN, 0 };

	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.s));
	m.h.nlmsg_type = AUDIT_SET;
	m.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m.h.nlmsg_seq = 4242;
	m.s.mask = mask;
	m.s.backlog_wait_time = wait_time;
	ck_assert_int_eq(sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)sizeof(m));
	/* the kernel acks in the sender's context: queued when sendto() returns */
	ck_assert_int_eq(poll(&p, 1, 10000), 1);
}

START_TEST(test_refused_set)
{
	int fd = ctl_or_skip();

	if (fd < 0)
		return;
	ck_assert_int_eq(scl_actl_set_backlog_wait_time(fd, BAD_WAIT_TIME), -EINVAL);
	close(fd);
}
END_TEST

/* An ACK left queued by an earlier request must not stand for the next one's. */
START_TEST(test_stale_ack_before_set)
{
	int fd = ctl_or_skip();

	if (fd < 0)
		return;
	queue_ack(fd, 0, 0); /* an empty AUDIT_SET: ACK with error 0 */
	ck_assert_int_eq(scl_actl_set_backlog_wait_time(fd, BAD_WAIT_TIME), -EINVAL);
	close(fd);
}
END_TEST

/* Nor may an earlier request's error stand for the status's answer. */
START_TEST(test_stale_error_before_get)
{
	struct audit_status st;
	scl_audit_status pub;
	int fd = ctl_or_skip();

	if (fd < 0)
		return;
	queue_ack(fd, AUDIT_STATUS_BACKLOG_WAIT_TIME, BAD_WAIT_TIME); /* error -EINVAL */
	ck_assert_int_eq(scl_actl_get_status(fd, &st, NULL), 0);
	queue_ack(fd, AUDIT_STATUS_BACKLOG_WAIT_TIME, BAD_WAIT_TIME);
	ck_assert_int_eq(scl_audit_get_status_fd(fd, &pub), 0);
	ck_assert_uint_eq(pub.backlog_limit, st.backlog_limit);
	close(fd);
}
END_TEST

/* Requests in a row, each answered: status, its reply read, the next request. */
START_TEST(test_status_in_a_row)
{
	struct audit_status a, b;
	bool known = false;
	int fd = ctl_or_skip();

	if (fd < 0)
		return;
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(scl_actl_get_status(fd, &a, &known), 0);
		ck_assert_int_eq(scl_actl_set_backlog_wait_time(fd, BAD_WAIT_TIME), -EINVAL);
		ck_assert_int_eq(scl_actl_get_status(fd, &b, NULL), 0);
		ck_assert_uint_eq(a.backlog_wait_time, b.backlog_wait_time);
	}
	close(fd);
}
END_TEST

static Suite *audit_control_suite(void)
{
	Suite *s = suite_create("audit-control");
	TCase *tc = tcase_create("kernel");

	tcase_add_test(tc, test_refused_set);
	tcase_add_test(tc, test_stale_ack_before_set);
	tcase_add_test(tc, test_stale_error_before_get);
	tcase_add_test(tc, test_status_in_a_row);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(audit_control_suite());
}
