/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink reader thread's queue (src/lib/netlink-queue.c), on AF_UNIX
 * datagram socketpairs instead of the audit socket: the thread only calls
 * recvmmsg(), and a socketpair gives datagrams with boundaries, MSG_TRUNC
 * and an end (shutdown) the same way.  The sender port of such a datagram
 * is 0, as the kernel's is.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/netlink-queue.h"
#include "unit-util.h"

#define BUF 1024

/* Datagram i of at most max bytes: its length and bytes follow from i, so order and content are checked. */
static size_t dgram_max(unsigned i, char *buf, size_t max)
{
	size_t len = 1 + (i * 37u) % (max - 1);

	for (size_t k = 0; k < len; k++)
		buf[k] = (char)(i * 131u + k);
	return len;
}

static size_t dgram(unsigned i, char *buf)
{
	return dgram_max(i, buf, BUF);
}

static void pair(int sv[2])
{
	int big = 4 * 1024 * 1024;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
}

/* Wait for scl_nlq_fd() to be readable, up to 5 s. */
static void wait_ready(scl_nlq *q)
{
	struct pollfd p = { scl_nlq_fd(q), POLLIN, 0 };

	ck_assert_int_eq(poll(&p, 1, 5000), 1);
}

/* Take entries until n datagrams came (checking each against dgram(first + k)). */
static unsigned take(scl_nlq *q, unsigned first, unsigned n, int *switched_aux)
{
	char want[BUF];
	unsigned got = 0;

	while (got < n) {
		const char *data;
		size_t len;
		unsigned flags;
		int aux, r;

		r = scl_nlq_next(q, &data, &len, &flags, &aux);
		ck_assert_int_ge(r, 0);
		if (r == 0) {
			scl_nlq_release(q);
			wait_ready(q);
			continue;
		}
		if (flags & SCL_NLQ_SWITCHED) {
			ck_assert_ptr_nonnull(switched_aux);
			*switched_aux = aux;
			switched_aux = NULL;
			if (got == n)
				break;
			continue;
		}
		ck_assert_uint_eq(flags, 0);
		ck_assert_int_eq(aux, 0);
		ck_assert_uint_eq(len, dgram(first + got, want));
		ck_assert_int_eq(memcmp(data, want, len), 0);
		got++;
	}
	scl_nlq_release(q);
	return got;
}

START_TEST(test_order)
{
	int sv[2];
	scl_nlq *q = NULL;
	char buf[BUF];

	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], BUF, 64 * 1024 * 1024, &q), 0);
	/* in rounds, so the queue empties and fills again (the tail chunk reused in place) */
	for (unsigned round = 0; round < 20; round++) {
		for (unsigned i = 0; i < 500; i++)
			ck_assert_int_gt(send(sv[1], buf, dgram(round * 500 + i, buf), 0), 0);
		ck_assert_uint_eq(take(q, round * 500, 500, NULL), 500);
	}
	{
		const char *d;
		size_t l;
		unsigned f;
		int a;
		ck_assert_int_eq(scl_nlq_next(q, &d, &l, &f, &a), 0);
	}
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/*
 * A queue of two chunks with a producer far ahead: the thread stops reading
 * while the queue is full (the socket holds the rest) and nothing is lost
 * or reordered; the most it held stays within the bound.
 */
START_TEST(test_bound)
{
	int sv[2];
	scl_nlq *q = NULL;
	char buf[BUF];
	const unsigned n = 3000;
	unsigned sent = 0, got = 0;
	uint64_t ov;
	size_t peak;

	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], BUF, 2 * 64 * 1024, &q), 0);
	while (got < n) {
		while (sent < n && send(sv[1], buf, dgram(sent, buf), MSG_DONTWAIT) > 0)
			sent++;
		got += take(q, got, sent - got < 50 ? sent - got : 50, NULL);
	}
	scl_nlq_counters(q, &ov, &peak);
	ck_assert_uint_eq(ov, 0);
	ck_assert_uint_le(peak, 2 * 64 * 1024);
	ck_assert_uint_gt(peak, 0);
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/*
 * Many small datagrams while the main side keeps catching up: chunk after
 * chunk is linked while the reader of the queue finds it empty at times
 * (the moments a stale read limit would read past what is written).
 */
START_TEST(test_stress)
{
	int sv[2];
	scl_nlq *q = NULL;
	char buf[BUF];
	const unsigned n = 200000;
	unsigned sent = 0, got = 0;

	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], 64, 64 * 1024 * 1024, &q), 0);
	while (got < n) {
		unsigned burst = 1 + (sent * 7u) % 97;

		for (unsigned i = 0; i < burst && sent < n; i++) {
			if (send(sv[1], buf, dgram_max(sent, buf, 49), MSG_DONTWAIT) < 0)
				break;
			sent++;
		}
		while (got < sent) {
			char want[BUF];
			const char *data;
			size_t len, want_n = dgram_max(got, want, 49);
			unsigned flags;
			int aux, r = scl_nlq_next(q, &data, &len, &flags, &aux);

			ck_assert_int_ge(r, 0);
			if (r == 0)
				break; /* the thread has not read it yet: send more meanwhile */
			ck_assert_uint_eq(flags, 0);
			ck_assert_msg(len == want_n, "datagram %u: length %zu, sent %zu", got, len, want_n);
			ck_assert_msg(!memcmp(data, want, len), "datagram %u differs", got);
			got++;
		}
		scl_nlq_release(q);
	}
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* A datagram longer than the buffer: kept cut, flagged, never overrunning. */
START_TEST(test_trunc)
{
	int sv[2];
	scl_nlq *q = NULL;
	char big[3 * BUF];
	const char *data;
	size_t len;
	unsigned flags;
	int aux;

	memset(big, 'x', sizeof(big));
	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], BUF, 1024 * 1024, &q), 0);
	ck_assert_int_eq(send(sv[1], big, sizeof(big), 0), (ssize_t)sizeof(big));
	wait_ready(q);
	ck_assert_int_eq(scl_nlq_next(q, &data, &len, &flags, &aux), 1);
	ck_assert_uint_eq(flags, SCL_NLQ_TRUNC);
	ck_assert_uint_eq(len, BUF);
	ck_assert_int_eq(data[BUF - 1], 'x');
	scl_nlq_release(q);
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* A switch: everything the old socket had, the mark (with the old fd), then the new one's. */
START_TEST(test_switch)
{
	int a[2], b[2], aux = -1;
	scl_nlq *q = NULL;
	char buf[BUF];

	pair(a);
	pair(b);
	ck_assert_int_eq(scl_nlq_start(a[0], BUF, 64 * 1024 * 1024, &q), 0);
	for (unsigned i = 0; i < 300; i++)
		ck_assert_int_gt(send(a[1], buf, dgram(i, buf), 0), 0);
	for (unsigned i = 300; i < 600; i++)
		ck_assert_int_gt(send(b[1], buf, dgram(i, buf), 0), 0);
	ck_assert_int_eq(scl_nlq_switch(q, b[0]), 0);
	ck_assert_uint_eq(take(q, 0, 300, &aux), 300);
	/* the mark may come with the last of the old socket's or with the next take */
	if (aux == -1) {
		const char *d;
		size_t l;
		unsigned f;
		int r;

		do {
			r = scl_nlq_next(q, &d, &l, &f, &aux);
			if (r == 0) {
				scl_nlq_release(q);
				wait_ready(q);
			}
		} while (r == 0);
		ck_assert_int_eq(r, 1);
		ck_assert_uint_eq(f, SCL_NLQ_SWITCHED);
	}
	ck_assert_int_eq(aux, a[0]);
	ck_assert_uint_eq(take(q, 300, 300, NULL), 300);
	/* the old socket is not read any more */
	ck_assert_int_gt(send(a[1], buf, dgram(9999, buf), 0), 0);
	ck_assert_int_gt(send(b[1], buf, dgram(600, buf), 0), 0);
	ck_assert_uint_eq(take(q, 600, 1, NULL), 1);
	scl_nlq_stop(q);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}
END_TEST

/* The end of the socket is an error the caller gets after the entries before it. */
START_TEST(test_end)
{
	int sv[2];
	scl_nlq *q = NULL;
	char buf[BUF];
	const char *d;
	size_t l;
	unsigned f;
	int a, r;

	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], BUF, 1024 * 1024, &q), 0);
	ck_assert_int_gt(send(sv[1], buf, dgram(0, buf), 0), 0);
	ck_assert_uint_eq(take(q, 0, 1, NULL), 1);
	ck_assert_int_gt(send(sv[1], buf, dgram(1, buf), 0), 0);
	ck_assert_uint_eq(take(q, 1, 1, NULL), 1);
	ck_assert_int_eq(shutdown(sv[0], SHUT_RDWR), 0);
	for (int i = 0; i < 100; i++) {
		r = scl_nlq_next(q, &d, &l, &f, &a);
		if (r != 0)
			break;
		scl_nlq_release(q);
		usleep(10000);
	}
	ck_assert_int_eq(r, -ENOTCONN);
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* Stopping while the thread waits for room in a full queue does not hang. */
START_TEST(test_stop_full)
{
	int sv[2];
	scl_nlq *q = NULL;
	char buf[BUF];
	size_t peak = 0;

	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], BUF, 2 * 64 * 1024, &q), 0);
	for (unsigned i = 0; i < 2000; i++)
		if (send(sv[1], buf, dgram(i, buf), MSG_DONTWAIT) < 0)
			break;
	for (int i = 0; i < 100 && peak < 2 * 64 * 1024; i++) {
		scl_nlq_counters(q, NULL, &peak);
		usleep(10000);
	}
	ck_assert_uint_eq(peak, 2 * 64 * 1024);
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_bad_args)
{
	scl_nlq *q = NULL;

	ck_assert_int_eq(scl_nlq_start(0, 0, 1024 * 1024, &q), -EINVAL);
	ck_assert_int_eq(scl_nlq_start(0, 1024 * 1024, 1024 * 1024, &q), -EINVAL);
	ck_assert_int_eq(scl_nlq_start(0, BUF, 1024, &q), -EINVAL);
	ck_assert_int_eq(scl_nlq_start(0, BUF, 64 * 1024, &q), -EINVAL); /* one chunk cannot move on */
	ck_assert_ptr_null(q);
	scl_nlq_stop(NULL);
}
END_TEST

/* The nice value of task tid of this process (field 19 of its stat), or 100. */
static int task_nice(const char *tid)
{
	char path[64], line[1024];
	const char *p;
	int nice = 100;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return nice;
	if (fgets(line, sizeof(line), f) && (p = strrchr(line, ')'))) {
		/* after "pid (comm)": state is field 3, nice field 19 */
		if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %d", &nice) != 1)
			nice = 100;
	}
	fclose(f);
	return nice;
}

/*
 * The reader thread runs SCL_NLQ_PRIORITY_BOOST ahead of the process when it
 * may (root: CAP_SYS_NICE), as auditd's priority_boost; otherwise as the
 * process.  The other tasks keep the process's nice value.
 */
START_TEST(test_priority)
{
	int sv[2], base, boosted = 0, others = 0, want;
	scl_nlq *q = NULL;
	DIR *d;
	struct dirent *e;
	char self[32];

	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	ck_assert_int_eq(errno, 0);
	want = base - SCL_NLQ_PRIORITY_BOOST < -20 ? -20 : base - SCL_NLQ_PRIORITY_BOOST;
	if (geteuid() != 0)
		want = base;
	pair(sv);
	ck_assert_int_eq(scl_nlq_start(sv[0], BUF, 1024 * 1024, &q), 0);
	snprintf(self, sizeof(self), "%d", (int)getpid());
	ck_assert_ptr_nonnull(d = opendir("/proc/self/task"));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, self) == 0) {
			ck_assert_int_eq(task_nice(e->d_name), base);
			continue;
		}
		if (task_nice(e->d_name) == want)
			boosted++;
		else
			others++;
	}
	closedir(d);
	scl_nlq_stop(q);
	close(sv[0]);
	close(sv[1]);
	ck_assert_int_eq(boosted, 1);
	ck_assert_int_eq(others, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("netlink-queue");
	TCase *tc = tcase_create("netlink-queue");

	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_bound);
	tcase_add_test(tc, test_stress);
	tcase_add_test(tc, test_trunc);
	tcase_add_test(tc, test_switch);
	tcase_add_test(tc, test_end);
	tcase_add_test(tc, test_stop_full);
	tcase_add_test(tc, test_bad_args);
	tcase_add_test(tc, test_priority);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
