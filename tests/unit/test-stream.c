/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/stream.h"
#include "unit-util.h"

/* A SECCOMP line as auditd gives it to a plugin (string format), serial S, syscall N. */
#define SECCOMP(S, N) \
	"type=SECCOMP msg=audit(1795710696.356:" #S "): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29413 " \
	"comm=\"gen\" exe=\"/tmp/gen\" sig=0 arch=c000003e syscall=" #N " compat=0 ip=0x7f21e0904ad7 code=0x7ffc0000\n"
#define OTHER(S) "type=SYSCALL msg=audit(1795710696.356:" #S "): arch=c000003e syscall=59 success=yes exit=0\n"

struct got {
	int records, skips;
	uint32_t syscalls[16];
	scl_skip_reason why;
	size_t host_n;
	char host[16];
};

static int on_rec(void *ud, const scl_record *rec)
{
	struct got *g = ud;

	if (g->records < 16)
		g->syscalls[g->records] = rec->syscall;
	g->records++;
	if (rec->fields & SCL_F_HOST && rec->host.n < sizeof(g->host)) {
		memcpy(g->host, rec->host.p, rec->host.n);
		g->host_n = rec->host.n;
	}
	return 0;
}

static int on_skip(void *ud, scl_skip_reason why)
{
	struct got *g = ud;

	g->skips++;
	g->why = why;
	return 0;
}

static const scl_live_ops ops = { .record = on_rec, .skip = on_skip };

/*
 * Feed the pieces through a pipe, one write and one dispatch each (a line may
 * be cut anywhere), then close it and dispatch to the end.  Returns the last
 * dispatch's return.
 */
static int feed(const char *const *pieces, const size_t *lens, size_t n, struct got *g, scl_live_stats *st)
{
	scl_stream *s = NULL;
	int fds[2], r = 0;

	/* non-blocking: a pipe holds 64 KiB, the pieces are read while they are written */
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
	ck_assert_int_eq(scl_stream_new(fds[0], false, &s), 0);
	for (size_t i = 0; i < n; i++) {
		size_t len = lens ? lens[i] : strlen(pieces[i]);

		for (size_t off = 0; off < len;) {
			ssize_t k = write(fds[1], pieces[i] + off, len - off);
			ck_assert(k > 0 || errno == EAGAIN);
			if (k > 0)
				off += (size_t)k;
			r = scl_stream_dispatch(s, &ops, g);
			if (r < 0)
				goto out;
		}
		r = scl_stream_dispatch(s, &ops, g);
		if (r < 0)
			goto out;
		ck_assert_int_eq(r, 0);
	}
	close(fds[1]);
	fds[1] = -1;
	for (int i = 0; i < 100 && (r = scl_stream_dispatch(s, &ops, g)) == 0; i++)
		;
	if (r == 1)
		ck_assert(scl_stream_ended(s));
out:
	scl_stream_stats(s, true, st);
	ck_assert(st->serials_tracked);
	ck_assert(!st->lost_known);
	scl_stream_free(s);
	close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return r;
}

struct gap_case {
	const char *pieces[8];
	int records;
	uint64_t lines, gaps;
};

static const struct gap_case gap_cases[] = {
	/* consecutive serials, lines cut anywhere: nothing lost */
	{ { SECCOMP(100, 1) SECCOMP(101, 2), OTHER(102), "type=SECCOMP msg=audit(17957", "10696.356:103): auid=0 uid=0 "
	    "gid=0 ses=1 pid=1 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=3 compat=0 ip=0x1 code=0x7ffc0000\n" },
	  3, 4, 0 },
	/* a serial never seen: a gap; one arriving late fills its hole */
	{ { SECCOMP(100, 1), SECCOMP(102, 2), SECCOMP(105, 3), SECCOMP(104, 4) }, 4, 4, 2 },
	/* auditd's own records carry its own numbers: not serials of the kernel */
	{ { SECCOMP(100, 1), "type=DAEMON_START msg=audit(1795710696.356:7000): op=start ver=3.0.9 res=success\n",
	    SECCOMP(101, 2) },
	  2, 3, 0 },
	/* below the first serial: before the start, not a gap */
	{ { SECCOMP(100, 1), SECCOMP(98, 2), SECCOMP(101, 3) }, 3, 3, 0 },
	/* per node: the serials of two kernels interleaved; one hole in a, one in b */
	{ { "node=a " OTHER(10), "node=b " OTHER(5000), "node=a " OTHER(12), "node=b " OTHER(5001),
	    "node=b " OTHER(5003) },
	  0, 5, 2 },
	/* a last line without its newline is read at the end; text that is not a record is passed over */
	{ { "hello world\n", "type=SECCOMP msg=audit(1795710696.356:7): auid=0 uid=0 gid=0 ses=1 pid=1 comm=\"a\" exe=\"/a\" "
	    "sig=0 arch=c000003e syscall=9 compat=0 ip=0x1 code=0x7ffc0000" },
	  1, 2, 0 },
	/* a malformed SECCOMP record is skipped, its serial counts */
	{ { SECCOMP(100, 1), "type=SECCOMP msg=audit(1.2:101): pid=1 arch=zz syscall=1 code=0x7ffc0000\n",
	    SECCOMP(102, 2) },
	  2, 3, 0 },
};

START_TEST(test_gaps)
{
	const struct gap_case *t = &gap_cases[_i];
	struct got g = { 0 };
	scl_live_stats st;
	size_t n = 0;

	while (n < sizeof(t->pieces) / sizeof(t->pieces[0]) && t->pieces[n])
		n++;
	ck_assert_int_eq(feed(t->pieces, NULL, n, &g, &st), 1);
	ck_assert_int_eq(g.records, t->records);
	ck_assert_uint_eq(st.records, (uint64_t)t->records);
	ck_assert_uint_eq(st.messages, t->lines);
	ck_assert_msg(st.serial_gaps == t->gaps, "case %d: %llu gaps, expected %llu", _i,
		      (unsigned long long)st.serial_gaps, (unsigned long long)t->gaps);
	ck_assert_uint_eq(scl_live_stats_lost(&st), t->gaps);
}
END_TEST

START_TEST(test_fields)
{
	const char *pieces[] = { "node=vm " SECCOMP(100, 39), "node=vm " SECCOMP(101, 231) };
	struct got g = { 0 };
	scl_live_stats st;

	ck_assert_int_eq(feed(pieces, NULL, 2, &g, &st), 1);
	ck_assert_int_eq(g.records, 2);
	ck_assert_uint_eq(g.syscalls[0], 39);
	ck_assert_uint_eq(g.syscalls[1], 231);
	ck_assert_uint_eq(g.host_n, 2);
	ck_assert(!memcmp(g.host, "vm", 2));
	ck_assert_int_eq(g.skips, 0);
}
END_TEST

/* auditd's binary format (format = binary): its header starts with the version as a 4-byte integer */
START_TEST(test_binary)
{
	static const char hdr[] = { 2, 0, 0, 0, 16, 0, 0, 0, 0x1e, 5, 0, 0, 10, 0, 0, 0, 'a', 'u', 'd', 'i', 't' };
	const char *pieces[] = { hdr };
	size_t lens[] = { sizeof(hdr) };
	struct got g = { 0 };
	scl_live_stats st;

	ck_assert_int_eq(feed(pieces, lens, 1, &g, &st), -EPROTO);
	ck_assert_int_eq(g.records, 0);
}
END_TEST

/* A line over SCL_MAX_LINE costs that line (malformed); its serial counts, the next line is read. */
START_TEST(test_overlong)
{
	size_t big = SCL_MAX_LINE + 1000;
	char *p = malloc(big);
	const char *pieces[4];
	size_t lens[4];
	struct got g = { 0 };
	scl_live_stats st;
	static const char head[] = "type=PATH msg=audit(1.2:101): name=\"";

	ck_assert_ptr_nonnull(p);
	memcpy(p, head, sizeof(head) - 1);
	memset(p + sizeof(head) - 1, 'x', big - (sizeof(head) - 1) - 1);
	p[big - 1] = '\n';
	pieces[0] = SECCOMP(100, 1);
	pieces[1] = p;
	pieces[2] = SECCOMP(102, 2);
	pieces[3] = SECCOMP(103, 3);
	lens[0] = strlen(pieces[0]);
	lens[1] = big;
	lens[2] = strlen(pieces[2]);
	lens[3] = strlen(pieces[3]);
	ck_assert_int_eq(feed(pieces, lens, 4, &g, &st), 1);
	ck_assert_int_eq(g.records, 3);
	ck_assert_int_eq(g.skips, 1);
	ck_assert_int_eq(g.why, SCL_SKIP_LINE_TOO_LONG);
	ck_assert_uint_eq(st.malformed, 1);
	ck_assert_uint_eq(st.serial_gaps, 0);
	free(p);
}
END_TEST

/* Past SCL_MAX_STREAM_NODES nodes the serials are not counted, and that is counted. */
START_TEST(test_nodes_limit)
{
	scl_stream *s = NULL;
	scl_live_stats st;
	int fds[2];
	char line[512];

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	ck_assert_int_eq(scl_stream_new(fds[0], false, &s), 0);
	for (int i = 0; i < SCL_MAX_STREAM_NODES + 3; i++) {
		int n = snprintf(line, sizeof(line), "node=n%d " OTHER(10) "node=n%d " OTHER(12), i, i);
		ck_assert_int_eq(write(fds[1], line, (size_t)n), n);
		ck_assert_int_ge(scl_stream_dispatch(s, &ops, NULL), 0);
	}
	close(fds[1]);
	while (scl_stream_dispatch(s, &ops, NULL) == 0)
		;
	scl_stream_stats(s, true, &st);
	ck_assert_uint_eq(st.serial_gaps, SCL_MAX_STREAM_NODES);
	ck_assert_uint_eq(scl_stream_untracked(s), 6);
	scl_stream_free(s);
	close(fds[0]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("stream");

	tcase_add_loop_test(tc, test_gaps, 0, sizeof(gap_cases) / sizeof(gap_cases[0]));
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_overlong);
	tcase_add_test(tc, test_nodes_limit);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
