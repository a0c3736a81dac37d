/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "scmplog/record.h"
#include "scmplog/sysset.h"
#include "unit-util.h"

#define REC(arch, nr, compat, code)                                                                      \
	"type=SECCOMP msg=audit(1795706294.916:7): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 " \
	"arch=" arch " syscall=" nr " compat=" compat " ip=0x1 code=" code

#define MIPSEL 0x40000008U /* AUDIT_ARCH_MIPSEL: o32 numbers start at 4000 */

static void parse(const char *line, scl_record *rec)
{
	scl_skip_reason why = SCL_SKIP_NONE;

	ck_assert_int_eq(scl_record_parse_line(line, strlen(line), rec, &why, NULL), SCL_LINE_RECORD);
}

/*
 * A record, the key it must be kept under (as scl_learn keeps it), and the
 * lane and words it takes in an empty set.
 */
static const struct key_case {
	const char *line;
	scl_learn_key key;
	size_t words;
} key_cases[] = {
	/* x86_64 execve: lane 0, one word */
	{ REC("c000003e", "59", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 59, SCL_ACT_LOG, 0 }, 1 },
	/* x86_64 clone3 (435): word 6 */
	{ REC("c000003e", "435", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 435, SCL_ACT_LOG, 0 }, 7 },
	/* x32 execve: the x32 bit kept, its own lane 0x4000 */
	{ REC("c000003e", "1073742344", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 0x40000208, SCL_ACT_LOG, 0 }, 9 },
	/* x86 compat under a 64-bit kernel, and a native i386 record: two lanes */
	{ REC("40000003", "11", "1", "0x7ffc0000"), { 0, SCL_ARCH_X86, 11, SCL_ACT_LOG, 1 }, 1 },
	{ REC("40000003", "11", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86, 11, SCL_ACT_LOG, 0 }, 1 },
	/* denials: a lane per action */
	{ REC("c00000b7", "221", "0", "0x50000"), { 0, SCL_ARCH_AARCH64, 221, SCL_ACT_ERRNO, 0 }, 4 },
	{ REC("c00000b7", "221", "0", "0x80000000"), { 0, SCL_ARCH_AARCH64, 221, SCL_ACT_KILL_PROCESS, 0 }, 4 },
	/* ARM private syscall 0x0f0005 (cacheflush is 0x0f0002): lane 0x0f */
	{ REC("40000028", "983045", "1", "0x7ffc0000"), { 0, SCL_ARCH_ARM, 983045, SCL_ACT_LOG, 1 }, 1 },
	/* MIPS o32 4011 (execve): lane 0, 63 words */
	{ REC("40000008", "4011", "0", "0x7ffc0000"), { 0, MIPSEL, 4011, SCL_ACT_LOG, 0 }, 63 },
	/* the largest number: lane 0xffff, a full 1024-word bitset */
	{ REC("c000003e", "4294967295", "0", "0x7ffc0000"), { 0, SCL_ARCH_X86_64, 0xffffffffU, SCL_ACT_LOG, 0 }, 1024 },
	/* an arch nobody knows */
	{ REC("deadbeef", "0", "0", "0x7ffc0000"), { 0, 0xdeadbeef, 0, SCL_ACT_LOG, 0 }, 1 },
};

/* One record twice: new, then known; one key, one lane, its words; the same key scl_learn gives. */
START_TEST(test_key)
{
	const struct key_case *t = &key_cases[_i];
	scl_sysset *s = NULL;
	scl_learn_entry *e = NULL;
	scl_learn_key k = { 0 }, other;
	scl_record rec;
	size_t mem0;
	long n;

	parse(t->line, &rec);
	ck_assert_int_eq(scl_sysset_new(&s), 0);
	mem0 = scl_sysset_memory(s);
	ck_assert_uint_eq(scl_sysset_size(s), 0);
	ck_assert(!scl_sysset_contains(s, &t->key));
	ck_assert_int_eq(scl_sysset_add_record(s, &rec, &k), 1);
	ck_assert_uint_eq(k.arch, t->key.arch);
	ck_assert_uint_eq(k.nr, t->key.nr);
	ck_assert_uint_eq(k.action, t->key.action);
	ck_assert_uint_eq(k.compat, t->key.compat);
	ck_assert_int_eq(scl_sysset_add_record(s, &rec, NULL), 0);
	ck_assert(scl_sysset_contains(s, &t->key));
	ck_assert_uint_eq(scl_sysset_size(s), 1);
	ck_assert_uint_eq(scl_sysset_lanes(s), 1);
	ck_assert_uint_eq(scl_sysset_records(s), 2);
	ck_assert_uint_eq(scl_sysset_lane_records(s, &t->key), 2);
	/* one lane entry (its table grows by doubling from 1) and exactly the words up to the bit */
	ck_assert_uint_gt(scl_sysset_memory(s), mem0 + t->words * 8);
	ck_assert_uint_le(scl_sysset_memory(s), mem0 + t->words * 8 + 64);

	/* the neighbours are not in the set */
	other = t->key;
	other.nr ^= 1;
	ck_assert(!scl_sysset_contains(s, &other));
	other = t->key;
	other.compat ^= 1;
	ck_assert(!scl_sysset_contains(s, &other));
	other = t->key;
	other.action = SCL_ACT_TRACE;
	ck_assert(!scl_sysset_contains(s, &other));
	other = t->key;
	other.nr ^= 0x10000;
	ck_assert(!scl_sysset_contains(s, &other));
	ck_assert_uint_eq(scl_sysset_lane_records(s, &other), 0);

	n = scl_sysset_entries(s, 7, &e);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(e[0].key.group, 7);
	ck_assert_uint_eq(e[0].key.arch, t->key.arch);
	ck_assert_uint_eq(e[0].key.nr, t->key.nr);
	ck_assert_uint_eq(e[0].key.action, t->key.action);
	ck_assert_uint_eq(e[0].key.compat, t->key.compat);
	ck_assert_uint_eq(e[0].count, 0); /* not a counted key */
	free(e);
	scl_sysset_free(s);
}
END_TEST

static void check_same_as_learn(scl_sysset *s, scl_learn *l, const bool *counted_all)
{
	scl_learn_entry *a = NULL, *b = NULL;
	long na, nb;

	na = scl_learn_entries(l, &a);
	nb = scl_sysset_entries(s, 0, &b);
	ck_assert_int_ge(na, 0);
	ck_assert_int_eq(nb, na);
	ck_assert_uint_eq(scl_sysset_size(s), (size_t)na);
	ck_assert_uint_eq(scl_sysset_records(s), scl_learn_total(l));
	for (long i = 0; i < na; i++) {
		ck_assert_uint_eq(b[i].key.group, a[i].key.group);
		ck_assert_uint_eq(b[i].key.arch, a[i].key.arch);
		ck_assert_uint_eq(b[i].key.nr, a[i].key.nr);
		ck_assert_uint_eq(b[i].key.action, a[i].key.action);
		ck_assert_uint_eq(b[i].key.compat, a[i].key.compat);
		if (counted_all && *counted_all)
			ck_assert_uint_eq(b[i].count, a[i].count);
	}
	free(a);
	free(b);
}

/* Every key_case, in two orders: the same keys in the same order as scl_learn gives. */
START_TEST(test_same_as_learn)
{
	const size_t nk = sizeof(key_cases) / sizeof(key_cases[0]);
	scl_sysset *s = NULL;
	scl_learn *l = NULL;
	bool all = true;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	ck_assert_int_eq(scl_learn_new(&l), 0);
	for (size_t r = 0; r < 3; r++)
		for (size_t i = 0; i < nk; i++) {
			const struct key_case *t = &key_cases[r == 1 ? nk - 1 - i : (i * 7) % nk];
			scl_record rec;
			int x;

			parse(t->line, &rec);
			x = scl_sysset_add_record(s, &rec, NULL);
			ck_assert_int_ge(x, 0);
			if (x == 1)
				ck_assert_int_eq(scl_sysset_count_key(s, &t->key), 0);
			ck_assert_int_eq(scl_learn_add(l, &rec, NULL, 0), 0);
		}
	ck_assert_uint_eq(scl_sysset_size(s), nk);
	check_same_as_learn(s, l, &all);
	scl_sysset_free(s);
	scl_learn_free(l);
}
END_TEST

/* The records of a real log: the keys scl_learn finds; counted ones with scl_learn's counts. */
START_TEST(test_fixture)
{
	static const char *const files[] = { "audit-raw.log", "foreign-arches.log", "arch-names.log" };
	scl_sysset *s = NULL, *sc = NULL;
	scl_learn *l = NULL;
	bool all = true;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	ck_assert_int_eq(scl_sysset_new(&sc), 0);
	ck_assert_int_eq(scl_learn_new(&l), 0);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		char *buf = unit_read_file(files[f], &len), *p = buf, *end = buf + len;

		while (p < end) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			scl_skip_reason why = SCL_SKIP_NONE;
			scl_learn_key k;
			scl_record rec;

			if (scl_record_parse_line(p, n, &rec, &why, NULL) == SCL_LINE_RECORD) {
				ck_assert_int_eq(scl_learn_add(l, &rec, NULL, 0), 0);
				ck_assert_int_ge(scl_sysset_add_record(s, &rec, NULL), 0);
				if (scl_sysset_add_record(sc, &rec, &k) == 1)
					ck_assert_int_eq(scl_sysset_count_key(sc, &k), 0);
			}
			p += n + 1;
		}
		free(buf);
	}
	ck_assert_uint_gt(scl_learn_total(l), 100);
	check_same_as_learn(s, l, NULL);
	check_same_as_learn(sc, l, &all);
	scl_sysset_free(s);
	scl_sysset_free(sc);
	scl_learn_free(l);
}
END_TEST

/* Every number of one lane in random order: the bitset grows to 1024 words, every bit found. */
START_TEST(test_grow)
{
	scl_sysset *s = NULL;
	scl_learn_entry *e = NULL;
	uint32_t x = 12345;
	long n;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	for (uint32_t i = 0; i < 65536; i++) {
		/* an LCG modulo 2^16 with a = 5 mod 4 and odd c: a full period */
		scl_learn_key k = { 0, SCL_ARCH_X86_64, 0x10000 | x, SCL_ACT_LOG, 0 };

		x = (x * 69069 + 1) & 0xffff;
		ck_assert_int_eq(scl_sysset_add(s, &k), 1);
	}
	ck_assert_uint_eq(scl_sysset_size(s), 65536);
	ck_assert_uint_eq(scl_sysset_lanes(s), 1);
	ck_assert_uint_le(scl_sysset_memory(s), 8192 + 256);
	n = scl_sysset_entries(s, 0, &e);
	ck_assert_int_eq(n, 65536);
	for (long i = 0; i < n; i++)
		ck_assert_uint_eq(e[i].key.nr, 0x10000 | (uint32_t)i);
	free(e);
	scl_sysset_free(s);
}
END_TEST

/* SCL_MAX_SYSSET_LANES lanes, then -E2BIG and nothing changes; known keys still count. */
START_TEST(test_max_lanes)
{
	scl_sysset *s = NULL;
	scl_learn_key k = { 0, SCL_ARCH_X86_64, 0, SCL_ACT_LOG, 0 };
	size_t mem;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	for (uint32_t i = 0; i < SCL_MAX_SYSSET_LANES; i++) {
		k.nr = i << 16;
		ck_assert_int_eq(scl_sysset_add(s, &k), 1);
	}
	mem = scl_sysset_memory(s);
	k.nr = (uint32_t)SCL_MAX_SYSSET_LANES << 16;
	ck_assert_int_eq(scl_sysset_add(s, &k), -E2BIG);
	k.action = SCL_ACT_ERRNO;
	k.nr = 0;
	ck_assert_int_eq(scl_sysset_add(s, &k), -E2BIG);
	ck_assert(!scl_sysset_contains(s, &k));
	ck_assert_uint_eq(scl_sysset_lanes(s), SCL_MAX_SYSSET_LANES);
	ck_assert_uint_eq(scl_sysset_size(s), SCL_MAX_SYSSET_LANES);
	ck_assert_uint_eq(scl_sysset_records(s), SCL_MAX_SYSSET_LANES);
	ck_assert_uint_eq(scl_sysset_memory(s), mem);
	/* a new number in an existing lane is fine */
	k.action = SCL_ACT_LOG;
	k.nr = 5;
	ck_assert_int_eq(scl_sysset_add(s, &k), 1);
	ck_assert_int_eq(scl_sysset_add(s, &k), 0);
	scl_sysset_free(s);
}
END_TEST

/* Counted keys: exact counts, -ENOENT for absent keys, -E2BIG past the limit, remove undoes. */
START_TEST(test_counted)
{
	scl_sysset *s = NULL;
	scl_learn_entry *e = NULL;
	scl_learn_key k = { 0, SCL_ARCH_X86_64, 500, SCL_ACT_LOG, 0 }, known = { 0, SCL_ARCH_X86_64, 1, SCL_ACT_LOG, 0 };
	long n;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	ck_assert_int_eq(scl_sysset_count_key(s, &k), -ENOENT);
	ck_assert_int_eq(scl_sysset_remove(s, &k), -ENOENT);
	ck_assert_int_eq(scl_sysset_add(s, &known), 1);
	ck_assert_int_eq(scl_sysset_add(s, &k), 1);
	ck_assert_int_eq(scl_sysset_count_key(s, &k), 0);
	ck_assert_int_eq(scl_sysset_count_key(s, &k), 0); /* once is enough */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(scl_sysset_add(s, &k), 0);
		ck_assert_int_eq(scl_sysset_add(s, &known), 0);
	}
	n = scl_sysset_entries(s, 0, &e);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(e[0].key.nr, 1);
	ck_assert_uint_eq(e[0].count, 0);
	ck_assert_uint_eq(e[1].key.nr, 500);
	ck_assert_uint_eq(e[1].count, 5);
	free(e);
	ck_assert_uint_eq(scl_sysset_lane_records(s, &k), 10);

	/* up to the limit in all, across lanes */
	for (uint32_t i = 1; i < SCL_MAX_SYSSET_COUNTED; i++) {
		scl_learn_key c = { 0, SCL_ARCH_X86, 1000 + i, SCL_ACT_LOG, i & 1 };
		ck_assert_int_eq(scl_sysset_add(s, &c), 1);
		ck_assert_int_eq(scl_sysset_count_key(s, &c), 0);
	}
	known.nr = 2;
	ck_assert_int_eq(scl_sysset_add(s, &known), 1);
	ck_assert_int_eq(scl_sysset_count_key(s, &known), -E2BIG);
	/* the caller takes the record back: as if it never came */
	ck_assert_int_eq(scl_sysset_remove(s, &known), 0);
	ck_assert(!scl_sysset_contains(s, &known));
	ck_assert_uint_eq(scl_sysset_lane_records(s, &known), 10);
	/* removing a counted key frees its count */
	ck_assert_int_eq(scl_sysset_remove(s, &k), 0);
	ck_assert_int_eq(scl_sysset_add(s, &known), 1);
	ck_assert_int_eq(scl_sysset_count_key(s, &known), 0);
	ck_assert_int_eq(scl_sysset_add(s, &known), 0);
	ck_assert_int_eq(scl_sysset_add(s, &k), 1);
	n = scl_sysset_entries(s, 0, &e);
	ck_assert_int_eq(n, (long)SCL_MAX_SYSSET_COUNTED + 2);
	for (long i = 0; i < n; i++) {
		if (e[i].key.arch == SCL_ARCH_X86)
			ck_assert_uint_eq(e[i].count, 1);
		else if (e[i].key.nr == 2)
			ck_assert_uint_eq(e[i].count, 2);
		else
			ck_assert_uint_eq(e[i].count, 0); /* 1 and 500, uncounted now */
		if (i > 0)
			ck_assert(e[i - 1].key.arch < e[i].key.arch ||
				  (e[i - 1].key.arch == e[i].key.arch && e[i - 1].key.nr <= e[i].key.nr));
	}
	free(e);
	scl_sysset_free(s);
}
END_TEST

/*
 * A container's memory: 60 syscalls of x86_64 (the bench's kind of job, the
 * highest number 435), a few x86 compat and x32 ones, as many records as
 * one likes: a few hundred bytes, flat in the records.
 */
START_TEST(test_memory)
{
	scl_sysset *s = NULL;
	size_t after_first = 0, after_all;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	for (int round = 0; round < 1000; round++) {
		for (uint32_t i = 0; i < 59; i++) {
			scl_learn_key k = { 0, SCL_ARCH_X86_64, i * 5, SCL_ACT_LOG, 0 };
			ck_assert_int_ge(scl_sysset_add(s, &k), 0);
		}
		scl_learn_key k = { 0, SCL_ARCH_X86_64, 435, SCL_ACT_LOG, 0 };
		ck_assert_int_ge(scl_sysset_add(s, &k), 0);
		if (round == 0)
			after_first = scl_sysset_memory(s);
	}
	after_all = scl_sysset_memory(s);
	ck_assert_uint_eq(after_first, after_all);
	ck_assert_uint_eq(scl_sysset_size(s), 60);
	ck_assert_uint_eq(scl_sysset_records(s), 60000);
	ck_assert_uint_le(after_all, 200);
	fprintf(stderr, "sysset: 60 x86_64 syscalls, 60000 records: %zu bytes\n", after_all);
	for (uint32_t i = 0; i < 5; i++) {
		scl_learn_key c = { 0, SCL_ARCH_X86, i, SCL_ACT_LOG, 1 }, x = { 0, SCL_ARCH_X86_64, 0x40000000 | (512 + i), SCL_ACT_LOG, 0 };
		ck_assert_int_eq(scl_sysset_add(s, &c), 1);
		ck_assert_int_eq(scl_sysset_add(s, &x), 1);
	}
	ck_assert_uint_eq(scl_sysset_lanes(s), 3);
	ck_assert_uint_le(scl_sysset_memory(s), 400);
	fprintf(stderr, "sysset: and 5 x86 compat, 5 x32: %zu bytes\n", scl_sysset_memory(s));
	scl_sysset_free(s);
}
END_TEST

START_TEST(test_empty)
{
	scl_sysset *s = NULL;
	scl_learn_entry *e = NULL;

	ck_assert_int_eq(scl_sysset_new(&s), 0);
	ck_assert_int_eq(scl_sysset_entries(s, 0, &e), 0);
	ck_assert_ptr_nonnull(e);
	free(e);
	ck_assert_uint_eq(scl_sysset_records(s), 0);
	ck_assert_uint_eq(scl_sysset_lanes(s), 0);
	scl_sysset_free(s);
	scl_sysset_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysset");
	TCase *tc = tcase_create("sysset");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_key, 0, (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(tc, test_same_as_learn);
	tcase_add_test(tc, test_fixture);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_max_lanes);
	tcase_add_test(tc, test_counted);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
