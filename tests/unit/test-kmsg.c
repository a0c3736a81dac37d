/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scmplog/arch.h"
#include "scmplog/kmsg.h"
#include "unit-util.h"

/*
 * /dev/kmsg hands out one record per read(): "PRI,SEQ,USEC,FLAGS;TEXT\n"
 * and then dictionary lines, each starting with a space.  A regular file
 * stands in for it: scl_kmsg_open() seeks to its end, and each record
 * appended before a dispatch is what one read() returns.
 *
 * SECCOMP_REC is line 7 of tests/data/kmsg.log (a real /dev/kmsg record of
 * this machine, see tests/data/README.md); the other records are that line
 * with fields changed by hand (arch, syscall, cut before code=), the
 * "callbacks suppressed" lines are lines 16 and 38 of that file, the
 * AUDIT_LOGIN and notice lines follow the kernel's formats, and the
 * dictionary lines (SUBSYSTEM=, DEVICE=), which audit records do not carry,
 * are added by hand to show they are ignored.
 */
#define SECCOMP_REC                                                                                        \
	"5,2952,4284318929,-;audit: type=1326 audit(1795710501.988:33633693): auid=4294967295 uid=0 gid=0 " \
	"ses=4294967295 pid=24095 comm=\"prog64\" exe=\"/tmp/scmplog-capture/prog64\" sig=0 arch=c000003e "    \
	"syscall=12 compat=0 ip=0x43400b code=0x7ffc0000"
#define BODY_HEAD                                                                                        \
	"audit: type=1326 audit(1795710501.988:33633694): auid=4294967295 uid=0 gid=0 ses=4294967295 "    \
	"pid=24095 comm=\"prog64\" exe=\"/tmp/scmplog-capture/prog64\" sig=0 "

struct seen {
	int records, skips, sessions;
	uint32_t arch, nr, old_ses, ses;
	scl_skip_reason why;
	int fail_with; /* returned by the callbacks when non-zero */
};

static int on_record(void *ud, const scl_record *rec)
{
	struct seen *s = ud;

	s->records++;
	s->arch = rec->arch;
	s->nr = rec->syscall;
	return s->fail_with;
}

static int on_skip(void *ud, scl_skip_reason why)
{
	struct seen *s = ud;

	s->skips++;
	s->why = why;
	return s->fail_with;
}

static int on_session(void *ud, uint32_t old_ses, uint32_t ses)
{
	struct seen *s = ud;

	s->sessions++;
	s->old_ses = old_ses;
	s->ses = ses;
	return s->fail_with;
}

static const scl_live_ops ops = { on_record, on_skip, on_session };

static char path[64];

static void append(const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A fresh stand-in with a backlog that must not be read (the open seeks past it). */
static scl_kmsg *open_fresh(void)
{
	scl_kmsg *k = NULL;
	int fd;

	snprintf(path, sizeof(path), "/tmp/scl-test-kmsg-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	append(SECCOMP_REC "\n");
	ck_assert_int_eq(scl_kmsg_open(path, 100, &k), 0);
	ck_assert(!scl_kmsg_can_mark(k));
	ck_assert_int_ge(scl_kmsg_fd(k), 0);
	return k;
}

static void done(scl_kmsg *k)
{
	scl_kmsg_free(k);
	unlink(path);
}

/* One read() each: what it must yield. */
static const struct rec_case {
	const char *text;
	int records, skips, sessions;
	uint32_t nr;
	scl_skip_reason why;
	uint64_t suppressed;
} rec_cases[] = {
	{ SECCOMP_REC "\n", 1, 0, 0, 12, SCL_SKIP_NONE, 0 },
	/* dictionary (continuation) lines are not part of the record */
	{ SECCOMP_REC "\n SUBSYSTEM=audit\n DEVICE=+audit:0\n", 1, 0, 0, 12, SCL_SKIP_NONE, 0 },
	/* a continuation line that looks like a record is still a continuation line */
	{ "6,1386,3941715700,-;usb 1-1: new device\n SUBSYSTEM=type=1326 audit(1.1:1): arch=c000003e syscall=1 "
	  "code=0x7ffc0000\n",
	  0, 0, 0, 0, SCL_SKIP_NONE, 0 },
	/* no trailing newline */
	{ SECCOMP_REC, 1, 0, 0, 12, SCL_SKIP_NONE, 0 },
	/* continuation flag 'c' and a facility in PRI: still the kmsg framing */
	{ "13,2953,4284318948,c;" BODY_HEAD "arch=c00000b7 syscall=221 compat=0 ip=0x434016 code=0x7ffc0000\n",
	  1, 0, 0, 221, SCL_SKIP_NONE, 0 },
	/* a SECCOMP record cut by printk (no code=): skipped, counted */
	{ "5,2953,4284318948,-;" BODY_HEAD "arch=c000003e syscall=12 compat=0 ip=0x434016\n",
	  0, 1, 0, 0, SCL_SKIP_TRUNCATED, 0 },
	{ "4,2983,4302334117,-;kauditd_printk_skb: 21 callbacks suppressed\n", 0, 0, 0, 0, SCL_SKIP_NONE, 21 }, /* line 38 */
	{ "5,1390,3941716100,-;audit: type=1006 audit(1795879360.000:1181): pid=22980 uid=0 old-auid=4294967295 "
	  "auid=0 tty=(none) old-ses=4294967295 ses=7 res=1\n",
	  0, 0, 1, 0, SCL_SKIP_NONE, 0 },
	/* an AUDIT_LOGIN without ses=: nothing */
	{ "5,1391,3941716200,-;audit: type=1006 audit(1795879360.000:1182): pid=22980 uid=0 res=1\n", 0, 0, 0, 0,
	  SCL_SKIP_NONE, 0 },
	{ "6,1392,3941716300,-;random: crng reseeded\n", 0, 0, 0, 0, SCL_SKIP_NONE, 0 },
	{ "\n", 0, 0, 0, 0, SCL_SKIP_NONE, 0 },
};

START_TEST(test_record)
{
	const struct rec_case *t = &rec_cases[_i];
	scl_kmsg *k = open_fresh();
	struct seen s = { 0 };
	scl_live_stats st;

	/* nothing new yet: the backlog before the open is not read */
	ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), 0);
	ck_assert_int_eq(s.records, 0);
	append(t->text);
	ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), 1);
	ck_assert_int_eq(s.records, t->records);
	ck_assert_int_eq(s.skips, t->skips);
	ck_assert_int_eq(s.sessions, t->sessions);
	if (t->records) {
		ck_assert_uint_eq(s.nr, t->nr);
	}
	if (t->skips)
		ck_assert_int_eq(s.why, t->why);
	if (t->sessions) {
		ck_assert_uint_eq(s.old_ses, 4294967295U);
		ck_assert_uint_eq(s.ses, 7);
	}
	ck_assert_int_eq(scl_kmsg_stats(k, &st), 0);
	ck_assert_uint_eq(st.messages, 1);
	ck_assert_uint_eq(st.records, (uint64_t)t->records);
	ck_assert_uint_eq(st.malformed, (uint64_t)t->skips);
	ck_assert_uint_eq(st.suppressed, t->suppressed);
	ck_assert_uint_eq(st.overflows, 0);
	ck_assert(!st.serials_tracked);
	ck_assert(!st.lost_known); /* no CAP_AUDIT_CONTROL: the kernel's counter is not read */
	ck_assert_uint_eq(scl_live_stats_lost(&st), t->suppressed);
	/* NULL ops: counted, no calls */
	append(t->text);
	ck_assert_int_eq(scl_kmsg_dispatch(k, NULL, NULL), 1);
	ck_assert_int_eq(scl_kmsg_stats(k, &st), 0);
	ck_assert_uint_eq(st.messages, 2);
	ck_assert_uint_eq(st.records, 2 * (uint64_t)t->records);
	done(k);
}
END_TEST

/* Records one read at a time, counters add up; a failing callback stops the dispatch. */
START_TEST(test_sequence)
{
	scl_kmsg *k = open_fresh();
	struct seen s = { 0 };
	scl_live_stats st;

	for (int i = 0; i < 5; i++) {
		append(SECCOMP_REC "\n");
		ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), 1);
	}
	append("4,2961,4290323899,-;kauditd_printk_skb: 8 callbacks suppressed\n"); /* line 16 */
	ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), 1);
	append("4,2983,4302334117,-;kauditd_printk_skb: 21 callbacks suppressed\n"); /* line 38 */
	ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), 1);
	ck_assert_int_eq(s.records, 5);
	ck_assert_uint_eq(s.arch, SCL_ARCH_X86_64);
	ck_assert_int_eq(scl_kmsg_stats(k, &st), 0);
	ck_assert_uint_eq(st.records, 5);
	ck_assert_uint_eq(st.suppressed, 29);
	ck_assert_uint_eq(st.messages, 7);

	s.fail_with = -ECANCELED;
	append(SECCOMP_REC "\n");
	ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), -ECANCELED);
	ck_assert_int_eq(s.records, 6);
	append("5,2953,4284318948,-;" BODY_HEAD "arch=zzz syscall=12 compat=0 ip=0x434016 code=0x7ffc0000\n");
	ck_assert_int_eq(scl_kmsg_dispatch(k, &ops, &s), -ECANCELED);
	ck_assert_int_eq(s.skips, 1);
	ck_assert_int_eq(s.why, SCL_SKIP_BAD_ARCH);
	done(k);
}
END_TEST

/* Without CAP_AUDIT_WRITE there are no markers: the drain cannot be proven. */
START_TEST(test_no_marker)
{
	scl_kmsg *k = open_fresh();

	ck_assert_int_eq(scl_kmsg_drain_start(k), -EOPNOTSUPP);
	ck_assert(!scl_kmsg_drained(k));
	done(k);
}
END_TEST

START_TEST(test_open_fail)
{
	scl_kmsg *k = (scl_kmsg *)(uintptr_t)0x1;
	char fifo[] = "/tmp/scl-test-kmsg-fifo-XXXXXX";
	int fd;

	ck_assert_int_eq(scl_kmsg_open("/nonexistent/kmsg", 100, &k), -ENOENT);
	ck_assert_ptr_eq(k, (scl_kmsg *)(uintptr_t)0x1);
	/* a FIFO cannot be positioned at its end */
	fd = mkstemp(fifo);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(fifo);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(scl_kmsg_open(fifo, 100, &k), -ESPIPE);
	ck_assert_ptr_eq(k, (scl_kmsg *)(uintptr_t)0x1);
	unlink(fifo);
	scl_kmsg_free(NULL);
}
END_TEST

/*
 * As root, scl_kmsg_open() would send a marker through the audit netlink
 * socket (and the host's audit log would show it).  These tests read files,
 * not the kernel's log: drop the audit capabilities first, as a user
 * without them would run.
 */
static void drop_audit_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	const int caps[] = { CAP_AUDIT_WRITE, CAP_AUDIT_CONTROL, CAP_AUDIT_READ };

	if (syscall(SYS_capget, &h, d) < 0) {
		perror("capget");
		exit(1);
	}
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		d[caps[i] / 32].effective &= ~(1u << (caps[i] % 32));
		d[caps[i] / 32].permitted &= ~(1u << (caps[i] % 32));
		d[caps[i] / 32].inheritable &= ~(1u << (caps[i] % 32));
	}
	if (syscall(SYS_capset, &h, d) < 0) {
		perror("capset");
		exit(1);
	}
}

int main(void)
{
	Suite *s = suite_create("kmsg");
	TCase *tc = tcase_create("kmsg");

	drop_audit_caps();
	tcase_add_loop_test(tc, test_record, 0, (int)(sizeof(rec_cases) / sizeof(rec_cases[0])));
	tcase_add_test(tc, test_sequence);
	tcase_add_test(tc, test_no_marker);
	tcase_add_test(tc, test_open_fail);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
