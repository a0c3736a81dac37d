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
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
