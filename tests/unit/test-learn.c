/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "scmplog/record.h"
#include "unit-util.h"

#define REC(arch, nr, compat, code)                                                                      \
	"type=SECCOMP msg=audit(1795706294.916:7): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 " \
	"arch=" arch " syscall=" nr " compat=" compat " ip=0x1 code=" code

static void parse(const char *line, scl_record *rec)
{
	scl_skip_reason why = SCL_SKIP_NONE;

	ck_assert_int_eq(scl_record_parse_line(line, strlen(line), rec, &why, NULL), SCL_LINE_RECORD);
}

/*
 * Records and the keys they must count under: arch and number as logged
 * (x32 bit kept, compat records keep their 32-bit arch), the action (the
 * kernel logs it without its data), compat.
 */
static const struct key_case {
	const char *line;
	scl_learn_key key;
} key_cases[] = {
	{ REC("c000003e", "59", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 59, SCL_ACT_LOG, 0 } },
	{ REC("c000003e", "1073742344", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 0x40000208, SCL_ACT_LOG, 0 } },
	{ REC("40000003", "11", "1", "0x7ffc0000"), { 0, SCL_ARCH_X86, 11, SCL_ACT_LOG, 1 } },
	{ REC("40000003", "11", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86, 11, SCL_ACT_LOG, 0 } },
	{ REC("c00000b7", "221", "0", "0x50000"), { 0, SCL_ARCH_AARCH64, 221, SCL_ACT_ERRNO, 0 } },
	{ REC("c00000b7", "221", "0", "0x30000"), { 0, SCL_ARCH_AARCH64, 221, SCL_ACT_TRAP, 0 } },
	{ REC("c00000b7", "221", "0", "0x80000000"), { 0, SCL_ARCH_AARCH64, 221, SCL_ACT_KILL_PROCESS, 0 } },
	{ REC("40000028", "983045", "1", "0x7ffc0000"), { 0, SCL_ARCH_ARM, 983045, SCL_ACT_LOG, 1 } },
	{ REC("c000003e", "4294967295", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 0xffffffffU, SCL_ACT_LOG, 0 } },
	{ REC("deadbeef", "0", "0", "0x7ffc0000"), { 0, 0xdeadbeef, 0, SCL_ACT_LOG, 0 } },
};

START_TEST(test_key)
{
	const struct key_case *t = &key_cases[_i];
	scl_learn *l = NULL;
	scl_learn_entry *e = NULL;
	scl_record rec;
	long n;

	parse(t->line, &rec);
	ck_assert_int_eq(scl_learn_new(&l), 0);
	ck_assert_int_eq(scl_learn_add(l, &rec, NULL, 0), 0);
	ck_assert_int_eq(scl_learn_add(l, &rec, "", 0), 0); /* NULL and "" are one group */
	n = scl_learn_entries(l, &e);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(e[0].count, 2);
	ck_assert_uint_eq(e[0].key.group, 0);
	ck_assert_uint_eq(e[0].key.arch, t->key.arch);
	ck_assert_uint_eq(e[0].key.nr, t->key.nr);
	ck_assert_uint_eq(e[0].key.action, t->key.action);
	ck_assert_uint_eq(e[0].key.compat, t->key.compat);
	ck_assert_uint_eq(scl_learn_total(l), 2);
	ck_assert_uint_eq(scl_learn_ngroups(l), 1);
	free(e);
	scl_learn_free(l);
}
END_TEST

/* Every key_case once, then again in another order: one entry each, counts 2, sorted. */
START_TEST(test_aggregate)
{
	const size_t nk = sizeof(key_cases) / sizeof(key_cases[0]);
	scl_learn *l = NULL;
	scl_learn_entry *e = NULL;
	long n;

	ck_assert_int_eq(scl_learn_new(&l), 0);
	for (size_t round = 0; round < 2; round++)
		for (size_t i = 0; i < nk; i++) {
			scl_record rec;
			parse(key_cases[round ? nk - 1 - i : (i * 7) % nk].line, &rec);
			ck_assert_int_eq(scl_learn_add(l, &rec, NULL, 0), 0);
		}
	ck_assert_uint_eq(scl_learn_total(l), 2 * nk);
	n = scl_learn_entries(l, &e);
	ck_assert_int_eq(n, (long)nk);
	for (long i = 0; i < n; i++) {
		ck_assert_uint_eq(e[i].count, 2);
		if (i > 0) {
			const scl_learn_key *a = &e[i - 1].key, *b = &e[i].key;
			ck_assert(a->arch < b->arch || (a->arch == b->arch && (a->nr < b->nr ||
				 (a->nr == b->nr && (a->action < b->action ||
				 (a->action == b->action && a->compat < b->compat))))));
		}
	}
	free(e);
	scl_learn_free(l);
}
END_TEST

/* Groups are byte strings: NUL, high and control bytes, and length tell them apart. */
static const struct {
	const char *s;
	size_t n;
} groups[] = {
	{ "", 0 },
	{ "/usr/bin/ls", 11 },
	{ "/usr/bin/ls\0x", 13 },
	{ "/usr/bin/l", 10 },
	{ "\x1b[31m", 5 },
	{ "\xff\xfe", 2 },
	{ "../../etc/x", 11 },
	{ "\0", 1 },
};

START_TEST(test_groups)
{
	const size_t ng = sizeof(groups) / sizeof(groups[0]);
	scl_learn *l = NULL;
	scl_learn_entry *e = NULL;
	scl_learn_key k = { 0, SCL_ARCH_X86_64, 0, SCL_ACT_LOG, 0 };
	long n;

	ck_assert_int_eq(scl_learn_new(&l), 0);
	ck_assert_ptr_null(scl_learn_group(l, 0, NULL));
	/* interleaved, so that the one-group cache is missed and hit */
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < ng; i++) {
			k.nr = (uint32_t)round % 2;
			ck_assert_int_eq(scl_learn_add_key(l, &k, groups[i].s, groups[i].n, i + 1), 0);
			ck_assert_int_eq(scl_learn_add_key(l, &k, groups[i].s, groups[i].n, 1), 0);
		}
	ck_assert_uint_eq(scl_learn_ngroups(l), ng);
	for (size_t i = 0; i < ng; i++) {
		size_t gn = 12345;
		const char *g = scl_learn_group(l, i, &gn);
		ck_assert_ptr_nonnull(g);
		ck_assert_uint_eq(gn, groups[i].n);
		ck_assert(!memcmp(g, groups[i].s, gn));
		ck_assert_int_eq(g[gn], '\0');
	}
	ck_assert_ptr_null(scl_learn_group(l, ng, NULL));
	n = scl_learn_entries(l, &e);
	ck_assert_int_eq(n, (long)ng * 2);
	for (long i = 0; i < n; i++) {
		size_t g = (size_t)i / 2;
		ck_assert_uint_eq(e[i].key.group, g);
		ck_assert_uint_eq(e[i].key.nr, (uint32_t)i % 2);
		/* nr 0 in rounds 0 and 2, nr 1 in round 1 */
		ck_assert_uint_eq(e[i].count, (g + 2) * (i % 2 ? 1 : 2));
	}
	free(e);
	scl_learn_free(l);
}
END_TEST

/* Many distinct keys: the table grows, nothing is lost or merged. */
START_TEST(test_grow)
{
	scl_learn *l = NULL;
	scl_learn_entry *e = NULL;
	const uint32_t arches[] = { SCL_ARCH_X86_64, SCL_ARCH_X86, SCL_ARCH_AARCH64 };
	uint64_t want = 0;
	long n;

	ck_assert_int_eq(scl_learn_new(&l), 0);
	for (uint32_t nr = 0; nr < 3000; nr++)
		for (size_t a = 0; a < 3; a++) {
			scl_learn_key k = { 0, arches[a], nr, nr % 3 ? SCL_ACT_LOG : SCL_ACT_ERRNO, (uint32_t)a & 1 };
			char g[8];
			snprintf(g, sizeof(g), "g%u", nr % 5);
			ck_assert_int_eq(scl_learn_add_key(l, &k, g, strlen(g), nr + 1), 0);
			want += nr + 1;
		}
	ck_assert_uint_eq(scl_learn_total(l), want);
	ck_assert_uint_eq(scl_learn_ngroups(l), 5);
	n = scl_learn_entries(l, &e);
	ck_assert_int_eq(n, 9000);
	for (long i = 0; i < n; i++) {
		size_t gn;
		const char *g = scl_learn_group(l, e[i].key.group, &gn);
		ck_assert_uint_eq(e[i].count, e[i].key.nr + 1);
		ck_assert_int_eq(g[1] - '0', (int)(e[i].key.nr % 5));
		if (i > 0)
			ck_assert(e[i - 1].key.group < e[i].key.group ||
				  (e[i - 1].key.group == e[i].key.group && e[i - 1].key.arch <= e[i].key.arch));
	}
	free(e);
	scl_learn_free(l);
}
END_TEST

/* SCL_MAX_GROUPS distinct groups, then -E2BIG; the groups there go on counting. */
START_TEST(test_max_groups)
{
	scl_learn *l = NULL;
	scl_learn_key k = { 0, SCL_ARCH_X86_64, 1, SCL_ACT_LOG, 0 };
	scl_learn_entry *e = NULL;
	char g[32];

	ck_assert_int_eq(scl_learn_new(&l), 0);
	for (int i = 0; i < SCL_MAX_GROUPS; i++) {
		int len = snprintf(g, sizeof(g), "/bin/%d", i);
		ck_assert_int_eq(scl_learn_add_key(l, &k, g, (size_t)len, 1), 0);
	}
	ck_assert_uint_eq(scl_learn_ngroups(l), SCL_MAX_GROUPS);
	ck_assert_int_eq(scl_learn_add_key(l, &k, "/bin/new", 8, 1), -E2BIG);
	ck_assert_int_eq(scl_learn_add_key(l, &k, "", 0, 1), -E2BIG);
	ck_assert_uint_eq(scl_learn_ngroups(l), SCL_MAX_GROUPS);
	ck_assert_uint_eq(scl_learn_total(l), SCL_MAX_GROUPS);
	ck_assert_int_eq(scl_learn_add_key(l, &k, "/bin/0", 6, 5), 0);
	ck_assert_int_eq(scl_learn_add_key(l, &k, "/bin/99999", 10, 1), 0);
	ck_assert_uint_eq(scl_learn_total(l), SCL_MAX_GROUPS + 6);
	ck_assert_int_eq(scl_learn_entries(l, &e), SCL_MAX_GROUPS);
	ck_assert_uint_eq(e[0].count, 6);
	ck_assert_uint_eq(e[SCL_MAX_GROUPS - 1].count, 2);
	free(e);
	scl_learn_free(l);
}
END_TEST

START_TEST(test_empty)
{
	scl_learn *l = NULL;
	scl_learn_entry *e = NULL;

	ck_assert_int_eq(scl_learn_new(&l), 0);
	ck_assert_int_eq(scl_learn_entries(l, &e), 0);
	ck_assert_ptr_nonnull(e);
	free(e);
	ck_assert_uint_eq(scl_learn_total(l), 0);
	ck_assert_uint_eq(scl_learn_ngroups(l), 0);
	scl_learn_free(l);
	scl_learn_free(NULL);
}
END_TEST

/* Counting a record's copy of a real capture: the number of SECCOMP lines. */
START_TEST(test_fixture)
{
	size_t len;
	char *buf = unit_read_file("audit-raw.log", &len), *p = buf, *end = buf + len;
	scl_learn *l = NULL;
	uint64_t records = 0;

	ck_assert_int_eq(scl_learn_new(&l), 0);
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		scl_record rec;
		scl_skip_reason why;

		if (scl_record_parse_line(p, n, &rec, &why, NULL) == SCL_LINE_RECORD) {
			ck_assert_int_eq(scl_learn_add(l, &rec, rec.exe.p, rec.exe.n), 0);
			records++;
		}
		p += n + 1;
	}
	ck_assert_uint_gt(records, 100);
	ck_assert_uint_eq(scl_learn_total(l), records);
	ck_assert_uint_gt(scl_learn_ngroups(l), 1);
	scl_learn_free(l);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("learn");
	TCase *tc = tcase_create("learn");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_key, 0, (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(tc, test_aggregate);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_max_groups);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_fixture);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
