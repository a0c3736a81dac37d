/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "scmplog/dedup.h"
#include "unit-util.h"

static scl_record rec(const char *host, uint64_t sec, uint32_t ms, uint64_t serial)
{
	scl_record r;

	memset(&r, 0, sizeof(r));
	r.fields = SCL_F_TIME;
	r.time_sec = sec;
	r.time_msec = ms;
	r.serial = serial;
	if (host)
		r.host = (scl_slice){ host, strlen(host) };
	return r;
}

START_TEST(test_copies)
{
	scl_dedup *d = NULL;
	scl_record a = rec("node-a", 1795710754, 960, 4242), b = rec("node-b", 1795710754, 960, 4242);
	scl_record none = rec(NULL, 1795710754, 960, 4242), later = rec("node-a", 1795710754, 961, 4242);
	scl_record other = rec("node-a", 1795710754, 960, 4243), untimed = rec("node-a", 0, 0, 0);

	ck_assert_int_eq(scl_dedup_new(&d), 0);
	ck_assert_int_eq(scl_dedup_seen(d, &a), 0);
	ck_assert_int_eq(scl_dedup_seen(d, &a), 1);     /* the node's second copy */
	ck_assert_int_eq(scl_dedup_seen(d, &b), 0);     /* another node's record, same audit(T:S) */
	ck_assert_int_eq(scl_dedup_seen(d, &b), 1);
	ck_assert_int_eq(scl_dedup_seen(d, &none), 0);  /* no host is a host of its own */
	ck_assert_int_eq(scl_dedup_seen(d, &none), 1);
	ck_assert_int_eq(scl_dedup_seen(d, &later), 0);
	ck_assert_int_eq(scl_dedup_seen(d, &other), 0);
	untimed.fields = 0;
	ck_assert_int_eq(scl_dedup_seen(d, &untimed), 0); /* no time: never a copy */
	ck_assert_int_eq(scl_dedup_seen(d, &untimed), 0);
	scl_dedup_free(d);
	scl_dedup_free(NULL);
}
END_TEST

/* Bounded: cleared when half full; a copy close to its original is still found. */
static scl_record text_rec(scl_framing f, uint32_t pid, uint32_t syscall, uint64_t ip)
{
	scl_record r;

	memset(&r, 0, sizeof(r));
	r.framing = f;
	r.pid = pid;
	r.syscall = syscall;
	r.ip = ip;
	r.comm = (scl_slice){ "dd", 2 };
	return r;
}

/*
 * journalctl -o short: the audit line and the kernel line of one record pair
 * up in either order; a third copy is a record of its own; plain syslog is
 * never dropped until an audit-transport line shows up, and then the kernel
 * line just before it is its copy.
 */
START_TEST(test_text)
{
	scl_dedup_text *t = NULL;
	scl_record k1 = text_rec(SCL_FRAME_SYSLOG, 10, 1, 0x1000), a1 = text_rec(SCL_FRAME_JOURNAL_SHORT, 10, 1, 0x1000);
	scl_record k2 = text_rec(SCL_FRAME_SYSLOG, 10, 2, 0x2000), a2 = text_rec(SCL_FRAME_JOURNAL_SHORT, 10, 2, 0x2000);
	scl_record other = text_rec(SCL_FRAME_JOURNAL_EXPORT, 10, 1, 0x1000);

	ck_assert_int_eq(scl_dedup_text_new(&t), 0);
	ck_assert_int_eq(scl_dedup_text_seen(t, &k2), 0);   /* plain syslog so far */
	ck_assert_int_eq(scl_dedup_text_seen(t, &k1), 0);   /* remembered: the line before the first audit line */
	ck_assert_int_eq(scl_dedup_text_seen(t, &a1), 1);   /* its audit copy, after it */
	ck_assert_int_eq(scl_dedup_text_seen(t, &a2), 0);   /* audit copy first ... */
	ck_assert_int_eq(scl_dedup_text_seen(t, &k2), 1);   /* ... then the kernel's */
	ck_assert_int_eq(scl_dedup_text_seen(t, &k2), 0);   /* a third line: the same call again */
	ck_assert_int_eq(scl_dedup_text_seen(t, &other), 0); /* not text: not this table's */
	ck_assert_int_eq(scl_dedup_text_seen(t, &other), 0);
	scl_dedup_text_free(t);
	scl_dedup_text_free(NULL);

	/* syslog alone: nothing is ever a copy */
	ck_assert_int_eq(scl_dedup_text_new(&t), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(scl_dedup_text_seen(t, &k1), 0);
	scl_dedup_text_free(t);
}
END_TEST

START_TEST(test_bounded)
{
	scl_dedup *d = NULL;
	size_t found = 0;

	ck_assert_int_eq(scl_dedup_new(&d), 0);
	for (uint64_t s = 1; s <= 200000; s++) {
		scl_record r = rec("n", 1795710754 + s / 1000, (uint32_t)(s % 1000), s);

		ck_assert_int_eq(scl_dedup_seen(d, &r), 0);
		found += scl_dedup_seen(d, &r) == 1;
	}
	ck_assert_uint_eq(found, 200000);
	scl_dedup_free(d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dedup");
	TCase *tc = tcase_create("dedup");

	tcase_add_test(tc, test_copies);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
