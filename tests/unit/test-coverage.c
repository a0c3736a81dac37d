/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/coverage.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "unit-util.h"

#define NEAR(a, b) ck_assert_msg(fabs((a) - (b)) < 1e-9, "%.12f != %.12f", (double)(a), (double)(b))

/*
 * Incidence tables worked by hand from the formulas in coverage.h.
 *
 * 10 runs, incidences {10,10,10,10,5,2,2,1,1,1}: S=10, U=52, Q1=3, Q2=2.
 *   Chao2 f0 = 9/10 * 9/4 = 2.025
 *   k = 9*3 / (9*3 + 2*2) = 27/31
 *   C = 1 - 3/52 * 27/31 = 1 - 81/1612
 *   new = 3/10 * 27/31 = 81/310
 * 5 runs, {5,5,5,1,1,1}: S=6, U=18, Q1=3, Q2=0 (bias-corrected forms):
 *   f0 = 4/5 * 3*2/2 = 2.4;  k = 4*2 / (4*2 + 2) = 0.8
 *   C = 1 - 3/18 * 0.8 = 13/15;  new = 3/5 * 0.8 = 0.48
 * 5 runs, 20 syscalls seen once each: f0 = 4/5 * 20*19/2 = 152,
 *   k = 76/78, new = 20/5 * 76/78 = 3.897...
 * miss is Good-Turing's Q1/T, capped at 1: 0.3, 0.6, 1.
 */
static const struct est_case {
	uint64_t t, u, q1, q2, s;
	scl_coverage_status status;
	bool bias;
	double f0, c, next, miss;
} est_cases[] = {
	{ 10, 52, 3, 2, 10, SCL_COVERAGE_OK, false, 2.025, 1 - 81.0 / 1612, 81.0 / 310, 0.3 },
	{ 5, 18, 3, 0, 6, SCL_COVERAGE_OK, true, 2.4, 13.0 / 15, 0.48, 0.6 },
	{ 5, 20, 20, 0, 20, SCL_COVERAGE_OK, true, 152, 1 - 76.0 / 78, 4 * 76.0 / 78, 1 },
	/* every syscall in two runs or more: nothing points at an unseen one */
	{ 6, 30, 0, 3, 6, SCL_COVERAGE_OK, false, 0, 1, 0, 0 },
	/* one unique, no duplicate: the bias-corrected Q1 (Q1-1) is 0, Q1/T is not */
	{ 5, 21, 1, 0, 5, SCL_COVERAGE_OK, true, 0, 1, 0, 0.2 },
	{ 4, 18, 3, 2, 6, SCL_COVERAGE_TOO_FEW_RUNS, false, 0, 0, 0, 0 },
	{ 1, 6, 6, 0, 6, SCL_COVERAGE_TOO_FEW_RUNS, false, 0, 0, 0, 0 },
	/* fewer incidences than Q1 + 2 Q2, or more than T per syscall */
	{ 10, 6, 3, 2, 10, SCL_COVERAGE_INCONSISTENT, false, 0, 0, 0, 0 },
	{ 5, 31, 0, 0, 6, SCL_COVERAGE_INCONSISTENT, false, 0, 0, 0, 0 },
	{ 5, 10, 4, 4, 6, SCL_COVERAGE_INCONSISTENT, false, 0, 0, 0, 0 },
};

START_TEST(test_estimate)
{
	const struct est_case *t = &est_cases[_i];
	scl_coverage c;

	memset(&c, 0xa5, sizeof(c));
	scl_coverage_estimate(t->t, t->u, t->q1, t->q2, t->s, &c);
	ck_assert_int_eq(c.status, t->status);
	if (t->status != SCL_COVERAGE_OK)
		return;
	ck_assert_int_eq(c.bias_corrected, t->bias);
	NEAR(c.undetected, t->f0);
	NEAR(c.chao2, (double)t->s + t->f0);
	NEAR(c.sample_coverage, t->c);
	NEAR(c.new_next, t->next);
	NEAR(c.miss, t->miss);
	/* new_next is (1 - C) U / T, whichever way it is computed */
	NEAR(c.new_next, (1 - c.sample_coverage) * (double)t->u / (double)t->t);
}
END_TEST

/* The first table above, as ten learning runs merged. */
static scl_profile *ten_runs(void)
{
	static const struct {
		const char *name;
		unsigned runs;
	} inc[] = {
		{ "read", 10 }, { "write", 10 }, { "close", 10 }, { "openat", 10 }, { "mmap", 5 },
		{ "futex", 2 }, { "statfs", 2 }, { "brk", 1 }, { "getpid", 1 }, { "kill", 1 },
	};
	scl_profile *all = NULL;

	ck_assert_int_eq(scl_profile_new(&all), 0);
	for (unsigned run = 0; run < 10; run++) {
		scl_profile *p = NULL;
		scl_profile_run info = { .has_lost = run < 3, .lost = run == 1 ? 7 : 0,
					 .has_window = run == 0 || run == 9,
					 .first_ms = 1000 + run * 100, .last_ms = 1050 + run * 100 };

		ck_assert_int_eq(scl_profile_new(&p), 0);
		/* run r sees the syscalls seen in more than r runs, staggered for the rare ones */
		for (size_t i = 0; i < sizeof(inc) / sizeof(inc[0]); i++) {
			unsigned start = (unsigned)i % 10;

			if ((run + 10 - start) % 10 < inc[i].runs)
				ck_assert_int_eq(scl_profile_allow(p, inc[i].name, 3), 0);
		}
		ck_assert_int_eq(scl_profile_mark_run_info(p, &info), 0);
		ck_assert_int_eq(scl_profile_merge(all, p), 0);
		scl_profile_free(p);
	}
	return all;
}

START_TEST(test_compute)
{
	scl_profile *p = ten_runs();
	scl_coverage c;

	ck_assert_int_eq(scl_profile_allow(p, "uname", 0), 0); /* allowed, seen in no run */
	ck_assert_int_eq(scl_coverage_compute(p, &c), 0);
	ck_assert_uint_eq(c.runs, 10);
	ck_assert_uint_eq(c.observed, 10);
	ck_assert_uint_eq(c.not_observed, 1);
	ck_assert_uint_eq(c.incidences, 52);
	ck_assert_uint_eq(c.q1, 3);
	ck_assert_uint_eq(c.q2, 2);
	ck_assert_uint_eq(c.max_incidence, 10);
	ck_assert_uint_eq(c.runs_loss_known, 3);
	ck_assert_uint_eq(c.runs_lossy, 1);
	ck_assert_uint_eq(c.lost, 7);
	ck_assert(c.has_window);
	ck_assert_uint_eq(c.first_ms, 1000);
	ck_assert_uint_eq(c.last_ms, 1950);
	ck_assert_uint_eq(c.runs_window_known, 2);
	ck_assert_int_eq(c.status, SCL_COVERAGE_OK);
	NEAR(c.undetected, 2.025);
	NEAR(c.new_next, 81.0 / 310);
	NEAR(c.miss, 0.3);
	scl_profile_free(p);
}
END_TEST

static char *stats_str(const scl_profile *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(scl_profile_write_stats(p, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_stats_runs_round_trip)
{
	scl_profile *p = ten_runs(), *q = NULL;
	char *a = stats_str(p), *b;
	char err[256] = "";

	ck_assert_ptr_nonnull(strstr(a, "  \"runs\": [\n"
					"    { \"lost\": 0, \"first\": 1000, \"last\": 1050 },\n"
					"    { \"lost\": null, \"first\": 1900, \"last\": 1950 },\n"
					"    { \"lost\": 0, \"first\": null, \"last\": null },\n"
					"    { \"lost\": 7, \"first\": null, \"last\": null },\n"
					"    { \"lost\": null, \"first\": null, \"last\": null },\n"));
	ck_assert_int_eq(scl_profile_parse_stats(a, strlen(a), &q, err, sizeof(err)), 0);
	ck_assert_uint_eq(scl_profile_run_count(q), 10);
	ck_assert(scl_profile_runs_known(q));
	ck_assert_uint_eq(scl_profile_run_info_count(q), 4);
	b = stats_str(q);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	scl_profile_free(p);
	scl_profile_free(q);
}
END_TEST

/* A file from before runs were counted: read, no run count, written back as it was. */
START_TEST(test_stats_old_format)
{
	static const char old[] = "{\n  \"syscalls\": {\n"
				  "    \"read\": { \"records\": 12, \"runs\": 7 },\n"
				  "    \"write\": { \"records\": 1, \"runs\": 1 }\n"
				  "  }\n}\n";
	scl_profile *p = NULL, *base = NULL;
	scl_coverage c;
	char *s;

	ck_assert_int_eq(scl_profile_parse_stats(old, strlen(old), &p, NULL, 0), 0);
	ck_assert(!scl_profile_runs_known(p));
	ck_assert_uint_eq(scl_profile_run_count(p), 0);
	ck_assert_int_eq(scl_coverage_compute(p, &c), 0);
	ck_assert_int_eq(c.status, SCL_COVERAGE_RUNS_UNKNOWN);
	ck_assert_uint_eq(c.max_incidence, 7);
	ck_assert_uint_eq(c.q1, 1);
	s = stats_str(p);
	ck_assert_str_eq(s, old);
	free(s);
	/* taken over by a profile, and carried through a merge */
	ck_assert_int_eq(scl_profile_new(&base), 0);
	ck_assert_int_eq(scl_profile_allow(base, "read", 1), 0);
	scl_profile_mark_run(base);
	ck_assert(scl_profile_runs_known(base));
	ck_assert_int_eq(scl_profile_set_stats_from(base, p), 1);
	ck_assert(!scl_profile_runs_known(base));
	ck_assert_int_eq(scl_profile_merge(p, base), 0);
	ck_assert(!scl_profile_runs_known(p));
	scl_profile_free(p);
	scl_profile_free(base);
}
END_TEST

static const struct bad_case {
	const char *s;
	const char *err;
} bad_cases[] = {
	{ "{\"runs\": [{\"lost\": 0, \"first\": 1}], \"syscalls\": {}}", "line 1: a run needs \"lost\", \"first\" and \"last\"" },
	{ "{\"runs\": [{\"lost\": 0, \"first\": 2, \"last\": 1}], \"syscalls\": {}}", "first <= last" },
	{ "{\"runs\": [{\"lost\": 0, \"first\": null, \"last\": 1}], \"syscalls\": {}}", "both null" },
	{ "{\"runs\": [{\"lost\": -1, \"first\": null, \"last\": null}], \"syscalls\": {}}", "expected a count" },
	{ "{\"runs\": [{\"lost\": 0, \"lost\": 0, \"first\": null, \"last\": null}], \"syscalls\": {}}", "once each" },
	{ "{\"runs\": [], \"runs\": [], \"syscalls\": {}}", "once each" },
	{ "{\"runs\": {}, \"syscalls\": {}}", "expected '[' after \"runs\"" },
	{ "{\"runs\": [{\"lost\": nul, \"first\": null, \"last\": null}], \"syscalls\": {}}", "expected a count" },
	{ "{\"runs\": [], \n\"window\": 3, \"syscalls\": {}}", "line 2: expected the keys" },
	{ "{\"runs\": []}", "no \"syscalls\"" },
};

START_TEST(test_stats_bad)
{
	scl_profile *p = (scl_profile *)0x1;
	char err[256] = "";

	ck_assert_int_eq(scl_profile_parse_stats(bad_cases[_i].s, strlen(bad_cases[_i].s), &p, err, sizeof(err)),
			 -EBADMSG);
	ck_assert_ptr_eq(p, (scl_profile *)0x1);
	ck_assert_msg(strstr(err, bad_cases[_i].err), "'%s' lacks '%s'", err, bad_cases[_i].err);
}
END_TEST

START_TEST(test_runs_model)
{
	scl_profile *p = NULL, *st = NULL;
	scl_profile_run bad = { .has_window = true, .first_ms = 5, .last_ms = 4 };
	scl_profile_run good = { .has_lost = true, .lost = 2 };
	scl_profile_syscall s;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_uint_eq(scl_profile_run_count(p), 0);
	ck_assert_int_eq(scl_profile_allow(p, "read", 1), 0);
	ck_assert_int_eq(scl_profile_mark_run_info(p, &bad), -EINVAL);
	ck_assert_uint_eq(scl_profile_run_count(p), 0);
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 0);
	ck_assert_int_eq(scl_profile_mark_run_info(p, &good), 0);
	scl_profile_mark_run(p);
	ck_assert_uint_eq(scl_profile_run_count(p), 2);
	ck_assert_uint_eq(scl_profile_run_info_count(p), 1);
	ck_assert_uint_eq(scl_profile_run_info_at(p, 0)->lost, 2);
	ck_assert_ptr_null(scl_profile_run_info_at(p, 1));
	/* set_stats_from: the runs become the statistics' */
	ck_assert_int_eq(scl_profile_new(&st), 0);
	ck_assert_int_eq(scl_profile_set_stats_from(p, st), 0);
	ck_assert_uint_eq(scl_profile_run_count(p), 0);
	ck_assert(scl_profile_runs_known(p));
	ck_assert_int_eq(scl_profile_mark_run_info(p, &good), 0);
	scl_profile_clear_stats(p);
	ck_assert_uint_eq(scl_profile_run_count(p), 0);
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 0);
	ck_assert_uint_eq(s.records, 0);
	scl_profile_free(p);
	scl_profile_free(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("coverage");
	TCase *tc = tcase_create("coverage");

	tcase_add_loop_test(tc, test_estimate, 0, (int)(sizeof(est_cases) / sizeof(est_cases[0])));
	tcase_add_test(tc, test_compute);
	tcase_add_test(tc, test_stats_runs_round_trip);
	tcase_add_test(tc, test_stats_old_format);
	tcase_add_loop_test(tc, test_stats_bad, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_runs_model);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
