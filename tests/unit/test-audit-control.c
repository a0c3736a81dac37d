/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The audit control path against the kernel (needs CAP_AUDIT_CONTROL; skipped
 * without it).  Requests that change nothing and log nothing: AUDIT_GET,
 * AUDIT_SET with an empty mask, AUDIT_SET of a backlog wait time the kernel
 * refuses (-EINVAL, over 10 * AUDIT_BACKLOG_WAIT_TIME).  One test more
 * (test_wake_pass_on) registers a stalled audit daemon for a few seconds, as
 * tests/live/test-run-lost.sh does, under the live tests' lock.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/audit-asker.h"
#include "lib/audit-control.h"
#include "lib/util.h"
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

/* The tid of this process's thread named name, or 0. */
static pid_t thread_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	pid_t tid = 0;

	ck_assert_ptr_nonnull(d);
	while (!tid && (de = readdir(d))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (f && fgets(comm, sizeof(comm), f) && !strcmp(comm, name))
			tid = (pid_t)atoi(de->d_name);
		if (f)
			fclose(f);
	}
	closedir(d);
	return tid;
}

/* The status asked on the asker's thread: answered, asks coalesced, the thread named and gone at stop. */
START_TEST(test_asker)
{
	scl_asker_answer ans;
	scl_asker *a = NULL;
	char path[64], line[128];
	bool capeff = false;
	pid_t tid;
	FILE *f;
	int fd = ctl_or_skip();

	if (fd < 0)
		return;
	ck_assert_int_eq(scl_asker_start(fd, &a), 0);
	/* running when start returns, with CAP_AUDIT_CONTROL and CAP_AUDIT_WRITE alone */
	tid = thread_named("scmplog-asker\n");
	ck_assert_int_gt(tid, 0);
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7)) {
			ck_assert_str_eq(line, "CapEff:\t0000000060000000\n");
			capeff = true;
		}
	fclose(f);
	ck_assert(capeff);
	/* nothing asked, nothing to take */
	ck_assert_int_eq(scl_asker_take(a, 0, &ans), 0);
	ck_assert_int_eq(scl_asker_take(a, 50, &ans), 0);
	for (int i = 0; i < 5; i++) {
		memset(&ans, 0x55, sizeof(ans));
		scl_asker_ask(a);
		scl_asker_ask(a); /* one ask unanswered: not a second */
		ck_assert_int_eq(scl_asker_take(a, 10000, &ans), 1);
		ck_assert_int_eq(ans.r, 0);
		ck_assert_uint_gt(ans.st.backlog_limit, 0);
		ck_assert_int_eq(scl_asker_take(a, 0, &ans), 0);
	}
	scl_asker_stop(a);
	ck_assert_int_eq(thread_named("scmplog-asker\n"), 0);
	scl_asker_stop(NULL);
}
END_TEST

/* The kernel counts a unicast to a daemon that does not read as failed after HZ/10 from 5.17 on. */
static bool kernel_at_least(int maj, int min)
{
	struct utsname u;
	int a = 0, b = 0;

	return uname(&u) == 0 && sscanf(u.release, "%d.%d", &a, &b) == 2 && (a > maj || (a == maj && b >= min));
}

static bool seccomp_log_logged(void)
{
	char buf[256];
	size_t n = 0;
	int fd = open("/proc/sys/kernel/seccomp/actions_logged", O_RDONLY | O_CLOEXEC);
	int r = fd >= 0 ? scl_read_small(fd, buf, sizeof(buf), &n) : -1;

	if (fd >= 0)
		close(fd);
	buf[r == 0 ? n : 0] = '\0';
	return strstr(buf, "log") != NULL;
}

#define WAKE_RECORDS 400
#define WAKE_LIMIT_MS 90000

/*
 * A request held for backlog room hands the kernel's wake-up on (one "wake"
 * record: audit-control.c, pass_on_wake()).  This process registers as a
 * daemon that never reads, so each unicast times out and the backlog stays
 * full; a child logs one record per getppid() (SCMP_ACT_LOG), and we ask for
 * the status again and again meanwhile.  kauditd wakes one waiter per pass:
 * without the wake record the wake-up went to our held request, and the
 * child, the only task that logs, slept out its whole backlog_wait_time with
 * the backlog empty (60 s here, 400 records that take about 4 s otherwise).
 * Checked by the kernel's own sum of backlog waits: less than one full wait.
 */
START_TEST(test_wake_pass_on)
{
	struct audit_status st0, st;
	bool wait_known = false;
	int fd = ctl_or_skip(), sfd, lock, status = 0, one = 1;
	int64_t t0, took;
	uint32_t waited;
	pid_t child, w = 0;

	if (fd < 0)
		return;
	lock = open(getenv("SCMPLOG_LIVE_LOCK") ?: "/run/lock/scmplog-live.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(lock, 0);
	/* bounded: another make check's live test holds it for 900 s at most (tests/live/run.sh) */
	for (int i = 0; flock(lock, LOCK_EX | LOCK_NB) < 0; i++) {
		ck_assert_msg(errno == EWOULDBLOCK && i < 9500, "the live tests' lock: %s", strerror(errno));
		usleep(100 * 1000);
	}
	ck_assert_int_eq(scl_actl_get_status(fd, &st0, &wait_known), 0);
	if (st0.pid != 0 || !wait_known || !st0.backlog_limit || !st0.backlog_wait_time || !kernel_at_least(5, 17) ||
	    !seccomp_log_logged()) {
		printf("audit-control: test_wake_pass_on skipped: %s\n",
		       st0.pid != 0	       ? "an audit daemon holds the slot"
		       : !wait_known	       ? "the kernel has no backlog_wait_time_actual (< 5.10)"
		       : !st0.backlog_limit    ? "no backlog limit"
		       : !st0.backlog_wait_time ? "backlog_wait_time is 0"
		       : !kernel_at_least(5, 17) ? "kernel < 5.17 waits forever on a daemon that does not read"
					       : "SECCOMP_RET_LOG is not logged (actions_logged)");
		close(lock);
		close(fd);
		return;
	}
	/* the stalled daemon: a socket with the smallest receive buffer, never read */
	sfd = scl_actl_socket(false);
	ck_assert_int_ge(sfd, 0);
	ck_assert_int_eq(scl_actl_set_pid(sfd, (uint32_t)getpid()), 0);
	one = 1;
	(void)setsockopt(sfd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	one = 1;
	(void)setsockopt(sfd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_LOG);

		if (!ctx || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
			_exit(2);
		for (int i = 0; i < WAKE_RECORDS; i++)
			(void)syscall(SYS_getppid);
		_exit(0);
	}
	t0 = scl_now_ms();
	while ((took = scl_now_ms() - t0) < WAKE_LIMIT_MS) {
		w = waitpid(child, &status, WNOHANG);
		if (w != 0)
			break;
		(void)scl_actl_get_status(fd, &st, NULL);
	}
	if (w == 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	ck_assert_int_eq(scl_actl_set_pid(sfd, 0), 0);
	close(sfd);
	ck_assert_int_eq(scl_actl_get_status(fd, &st, NULL), 0);
	waited = st.backlog_wait_time_actual - st0.backlog_wait_time_actual;
	printf("audit-control: test_wake_pass_on: %d records logged in %lld ms, tasks waited %u jiffies for backlog "
	       "room (a full wait: %u)\n",
	       WAKE_RECORDS, (long long)took, waited, st0.backlog_wait_time);
	ck_assert_msg(w == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the logging child did not finish in %d s", WAKE_LIMIT_MS / 1000);
	ck_assert_msg(waited < st0.backlog_wait_time,
		      "a task waited out a whole backlog_wait_time (%u of %u jiffies summed): a wake-up was not passed on",
		      waited, st0.backlog_wait_time);
	close(lock);
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
	tcase_add_test(tc, test_asker);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	/* the live tests' lock first (up to 950 s), then about 4 s; 60 s more if it fails */
	tc = tcase_create("stalled-daemon");
	tcase_add_test(tc, test_wake_pass_on);
	tcase_set_timeout(tc, 1100);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(audit_control_suite());
}
