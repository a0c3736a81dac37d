/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"
#include "unit-util.h"

#define X86_64 SCL_ARCH_X86_64
#define X86 SCL_ARCH_X86
#define X32 SCL_ARCH_X32
#define AARCH64 SCL_ARCH_AARCH64
#define ARM SCL_ARCH_ARM

static scl_profile *new_profile(void)
{
	scl_profile *p = NULL;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert(p != NULL);
	return p;
}

/* ------------------------------------------------------------ names */

static const struct name_case {
	const char *name;
	bool valid;
} name_cases[] = {
	{ "read", true },
	{ "_llseek", true },
	{ "clock_gettime64", true },
	{ "a", true },
	{ "0", true },
	{ "", false },
	{ "Read", false },
	{ "read ", false },
	{ "re-ad", false },
	{ "re.ad", false },
	{ "read\n", false },
	{ "\xc3\xa9", false },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true },   /* 64 */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false }, /* 65 */
};

START_TEST(test_names)
{
	const struct name_case *t = &name_cases[_i];
	scl_profile *p = new_profile();
	scl_profile_syscall s = { .name = "untouched" };

	ck_assert_int_eq(scl_profile_name_valid(t->name, strlen(t->name)), t->valid);
	ck_assert_int_eq(scl_profile_allow(p, t->name, 1), t->valid ? 0 : -EINVAL);
	ck_assert_int_eq(scl_profile_allow_on_arch(p, t->name, X86_64, 1), t->valid ? 0 : -EINVAL);
	ck_assert_uint_eq(scl_profile_count(p), t->valid ? 1 : 0);
	ck_assert_int_eq(scl_profile_allows(p, t->name), t->valid);
	ck_assert_int_eq(scl_profile_get(p, t->name, &s), t->valid ? 0 : -EINVAL);
	if (t->valid) {
		ck_assert_str_eq(s.name, t->name);
		ck_assert_uint_eq(s.records, 2);
	} else {
		ck_assert_str_eq(s.name, "untouched");
	}
	scl_profile_free(p);
}
END_TEST

START_TEST(test_name_with_nul)
{
	scl_profile *p = new_profile();

	ck_assert(!scl_profile_name_valid("re\0ad", 5));
	ck_assert_int_eq(scl_profile_allow_n(p, "re\0ad", 5, 1), -EINVAL);
	ck_assert_int_eq(scl_profile_allow_n(p, "readv", 4, 1), 0);
	ck_assert(scl_profile_allows(p, "read"));
	ck_assert(!scl_profile_allows(p, "readv"));
	ck_assert(!scl_profile_allows(p, NULL));
	ck_assert_int_eq(scl_profile_allow(p, NULL, 1), -EINVAL);
	scl_profile_free(p);
}
END_TEST

/* ------------------------------------------------------------ default action */

static const struct action_case {
	uint32_t action, errno_ret;
	int ret;
	const char *name;
} action_cases[] = {
	{ SCL_ACT_ERRNO, 1, 0, "SCMP_ACT_ERRNO" },
	{ SCL_ACT_ERRNO, 38, 0, "SCMP_ACT_ERRNO" },
	{ SCL_ACT_ERRNO, 0xffff, 0, "SCMP_ACT_ERRNO" },
	{ SCL_ACT_ERRNO, 0x10000, -EINVAL, "SCMP_ACT_ERRNO" },
	{ SCL_ACT_KILL_PROCESS, 0, 0, "SCMP_ACT_KILL_PROCESS" },
	{ SCL_ACT_KILL_THREAD, 0, 0, "SCMP_ACT_KILL" },
	{ SCL_ACT_TRAP, 0, 0, "SCMP_ACT_TRAP" },
	{ SCL_ACT_LOG, 0, 0, "SCMP_ACT_LOG" },
	{ SCL_ACT_ALLOW, 0, 0, "SCMP_ACT_ALLOW" },
	{ SCL_ACT_TRACE, 5, 0, "SCMP_ACT_TRACE" },
	{ SCL_ACT_USER_NOTIF, 0, 0, "SCMP_ACT_NOTIFY" },
	{ 0x12340000, 0, -EINVAL, NULL },
	{ SCL_ACT_ERRNO | 1, 0, -EINVAL, NULL },
};

START_TEST(test_default_action)
{
	const struct action_case *t = &action_cases[_i];
	scl_profile *p = new_profile();
	uint32_t parsed = 0xdeadbeef;

	ck_assert_uint_eq(scl_profile_default_action(p), SCL_ACT_ERRNO);
	ck_assert_uint_eq(scl_profile_default_errno(p), 1);
	ck_assert_int_eq(scl_profile_set_default_action(p, t->action, t->errno_ret), t->ret);
	if (t->ret == 0) {
		ck_assert_uint_eq(scl_profile_default_action(p), t->action);
		ck_assert_uint_eq(scl_profile_default_errno(p), t->errno_ret);
	} else {
		ck_assert_uint_eq(scl_profile_default_action(p), SCL_ACT_ERRNO);
		ck_assert_uint_eq(scl_profile_default_errno(p), 1);
	}
	if (t->name) {
		ck_assert_str_eq(scl_profile_action_name(t->action), t->name);
		ck_assert_int_eq(scl_profile_action_parse(t->name, strlen(t->name), &parsed), 0);
		ck_assert_uint_eq(parsed, t->action);
	} else {
		ck_assert(scl_profile_action_name(t->action) == NULL);
	}
	scl_profile_free(p);
}
END_TEST

START_TEST(test_action_parse)
{
	uint32_t a = 7;

	ck_assert_int_eq(scl_profile_action_parse("SCMP_ACT_KILL_THREAD", 20, &a), 0);
	ck_assert_uint_eq(a, SCL_ACT_KILL_THREAD);
	a = 7;
	ck_assert_int_eq(scl_profile_action_parse("scmp_act_allow", 14, &a), -EINVAL);
	ck_assert_int_eq(scl_profile_action_parse("SCMP_ACT_ALLOWX", 15, &a), -EINVAL);
	ck_assert_int_eq(scl_profile_action_parse("SCMP_ACT_ALLOWX", 14, &a), 0);
	ck_assert_uint_eq(a, SCL_ACT_ALLOW);
	ck_assert_int_eq(scl_profile_action_parse("", 0, &a), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ architectures */

#define MAXA 8
static const struct arch_case {
	uint32_t in[MAXA];
	uint32_t out[MAXA * 4];
} arch_cases[] = {
	{ { 0 }, { 0 } },
	{ { X86_64 }, { X86_64, X86, X32 } },
	{ { X86 }, { X86 } },
	{ { X32, X86, X86_64 }, { X86_64, X86, X32 } },
	{ { X86, X86_64 }, { X86_64, X86, X32 } },
	{ { X86_64, AARCH64 }, { AARCH64, ARM, X86_64, X86, X32 } },
	{ { ARM, X86 }, { ARM, X86 } },
	{ { X86_64, X86_64 }, { X86_64, X86, X32 } },
	/* mips64 and mips64n32 list each other: by name, each with its subs */
	{ { 0xa0000008, 0x80000008 }, { 0x80000008, 0x00000008, 0xa0000008 } },
};

START_TEST(test_arches)
{
	const struct arch_case *t = &arch_cases[_i];
	scl_profile *p = new_profile();
	uint32_t *v = (uint32_t *)1;
	size_t n = 99, want = 0, added = 0;

	for (size_t i = 0; i < MAXA && t->in[i]; i++) {
		if (!scl_arch_by_token(t->in[i]))
			continue;
		int r = scl_profile_add_arch(p, t->in[i]);
		ck_assert_int_ge(r, 0);
		added += (size_t)r;
	}
	ck_assert_uint_eq(scl_profile_arch_count(p), added);
	while (want < MAXA * 4 && t->out[want])
		want++;
	ck_assert_int_eq(scl_profile_arches(p, &v, &n), 0);
	ck_assert_uint_eq(n, want);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(v[i] == t->out[i], "case %d: position %zu is %08x, want %08x", _i, i,
			      v[i], t->out[i]);
	free(v);
	scl_profile_free(p);
}
END_TEST

/*
 * scl_profile_narrow_arches(): plain architectures (0-terminated), an
 * archMap (entries of machine + subs, 0-separated, 0 0 at the end), the
 * target; the architectures kept and removed, in insertion order.
 */
#define S390X 0x80000016U
#define S390 0x00000016U
#define MIPS64 0x80000008U
#define MIPS 0x00000008U
#define PPC64LE 0xc0000015U
static const struct narrow_case {
	uint32_t plain[6];
	uint32_t map[16];
	uint32_t target;
	uint32_t kept[8];
	uint32_t removed[8];
} narrow_cases[] = {
	/* one byte order: nothing to do */
	{ { X86_64, AARCH64, 0 }, { 0 }, X86_64, { X86_64, AARCH64 }, { 0 } },
	{ { S390X, 0 }, { 0 }, S390X, { S390X }, { 0 } },
	/* both: the target's byte order, whatever the order listed */
	{ { S390X, X86_64, AARCH64, 0 }, { 0 }, X86_64, { X86_64, AARCH64 }, { S390X } },
	{ { S390X, X86_64, MIPS64, 0 }, { 0 }, S390X, { S390X, MIPS64 }, { X86_64 } },
	/* a foreign target of this byte order keeps the list as is */
	{ { X86_64, 0 }, { 0 }, PPC64LE, { X86_64 }, { 0 } },
	/* archMap (containers/common's shape): the target's entry, as Docker takes it */
	{ { 0 }, { X86_64, X86, X32, 0, AARCH64, ARM, 0, S390X, S390, 0, 0 }, X86_64, { X86_64, X86, X32 },
	  { AARCH64, ARM, S390X, S390 } },
	{ { 0 }, { X86_64, X86, X32, 0, AARCH64, ARM, 0, S390X, S390, 0, 0 }, S390X, { S390X, S390 },
	  { X86_64, X86, X32, AARCH64, ARM } },
	/* no entry for the target: nothing of the map (the runtime's native arch) */
	{ { 0 }, { X86_64, X86, X32, 0, 0 }, PPC64LE, { 0 }, { X86_64, X86, X32 } },
	/* plain ones beside a map: those of the target's byte order that no entry names */
	{ { PPC64LE, MIPS, 0 }, { X86_64, X86, 0, MIPS64, MIPS, 0, 0 }, X86_64, { PPC64LE, X86_64, X86 }, { MIPS, MIPS64 } },
};

START_TEST(test_narrow)
{
	const struct narrow_case *t = &narrow_cases[_i];
	scl_profile *p = new_profile();
	uint32_t *removed = (uint32_t *)1;
	size_t n_removed = 99, n = 0;

	for (size_t i = 0; t->plain[i]; i++)
		ck_assert_int_ge(scl_profile_add_arch(p, t->plain[i]), 0);
	for (size_t i = 0; t->map[i]; i++) {
		size_t k = i + 1;

		while (t->map[k])
			k++;
		ck_assert_int_eq(scl_profile_add_arch_map(p, t->map[i], &t->map[i + 1], k - i - 1), 0);
		i = k;
	}
	ck_assert(scl_profile_has_arch_map(p) == (t->map[0] != 0));
	ck_assert_int_eq(scl_profile_narrow_arches(p, t->target, &removed, &n_removed), 0);
	ck_assert(!scl_profile_has_arch_map(p));
	while (n < 8 && t->kept[n])
		n++;
	ck_assert_uint_eq(scl_profile_arch_count(p), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(scl_profile_arch_at(p, i) == t->kept[i], "case %d: kept[%zu] is %08x, want %08x", _i, i,
			      scl_profile_arch_at(p, i), t->kept[i]);
	n = 0;
	while (n < 8 && t->removed[n])
		n++;
	ck_assert_uint_eq(n_removed, n);
	ck_assert(n ? removed != NULL : removed == NULL);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(removed[i] == t->removed[i], "case %d: removed[%zu] is %08x, want %08x", _i, i,
			      removed[i], t->removed[i]);
	free(removed);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_arch_map)
{
	scl_profile *p = new_profile(), *q = new_profile();
	const uint32_t subs[] = { X86, X32 }, bad[] = { X86, 0x12345678 };
	uint32_t *removed;
	size_t n;

	ck_assert_int_eq(scl_profile_add_arch_map(p, 0x12345678, subs, 2), -EAFNOSUPPORT);
	ck_assert_int_eq(scl_profile_add_arch_map(p, X86_64, bad, 2), -EAFNOSUPPORT);
	ck_assert_uint_eq(scl_profile_arch_count(p), 0);
	ck_assert(!scl_profile_has_arch_map(p));
	ck_assert_int_eq(scl_profile_add_arch_map(p, X86_64, subs, 1), 0);
	ck_assert_int_eq(scl_profile_add_arch_map(p, X86_64, subs + 1, 1), 0); /* adds to the entry */
	ck_assert_int_eq(scl_profile_add_arch_map(p, S390X, NULL, 0), 0);
	ck_assert_uint_eq(scl_profile_arch_count(p), 4);
	/* merge carries the map */
	ck_assert_int_eq(scl_profile_merge(q, p), 0);
	ck_assert(scl_profile_has_arch_map(q));
	ck_assert_int_eq(scl_profile_narrow_arches(q, X86_64, &removed, &n), 0);
	ck_assert_uint_eq(scl_profile_arch_count(q), 3);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(removed[0], S390X);
	free(removed);
	/* clearing the architectures clears the map */
	scl_profile_clear_arches(p);
	ck_assert(!scl_profile_has_arch_map(p));
	scl_profile_free(p);
	scl_profile_free(q);
}
END_TEST

START_TEST(test_arch_unknown)
{
	scl_profile *p = new_profile();

	ck_assert_int_eq(scl_profile_add_arch(p, 0x12345678), -EAFNOSUPPORT);
	ck_assert_int_eq(scl_profile_add_arch(p, X86_64), 1);
	ck_assert_int_eq(scl_profile_add_arch(p, X86_64), 0);
	ck_assert(scl_profile_has_arch(p, X86_64));
	ck_assert(!scl_profile_has_arch(p, X86));
	ck_assert_uint_eq(scl_profile_arch_at(p, 0), X86_64);
	ck_assert_uint_eq(scl_profile_arch_at(p, 1), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "read", 0x12345678, 1), -EAFNOSUPPORT);
	ck_assert_uint_eq(scl_profile_count(p), 0);
	scl_profile_clear_arches(p);
	ck_assert_uint_eq(scl_profile_arch_count(p), 0);
	scl_profile_free(p);
}
END_TEST

/* ------------------------------------------------------------ allow / restrictions */

START_TEST(test_restrictions)
{
	scl_profile *p = new_profile();
	scl_profile_syscall s;

	/* New on one arch: restricted. */
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "arch_prctl", X86_64, 2), 0);
	ck_assert(!scl_profile_allows(p, "arch_prctl"));
	ck_assert(scl_profile_allows_on_arch(p, "arch_prctl", X86_64));
	ck_assert(!scl_profile_allows_on_arch(p, "arch_prctl", X86));
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "arch_prctl", X32, 1), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "arch_prctl", X32, 1), 0);
	ck_assert_int_eq(scl_profile_get(p, "arch_prctl", &s), 0);
	ck_assert_uint_eq(s.n_arches, 2);
	ck_assert_uint_eq(s.records, 4);
	/* sorted by token */
	ck_assert_uint_lt(s.arches[0], s.arches[1]);
	/* Lifting the restriction. */
	ck_assert_int_eq(scl_profile_allow(p, "arch_prctl", 0), 0);
	ck_assert(scl_profile_allows(p, "arch_prctl"));
	ck_assert(scl_profile_allows_on_arch(p, "arch_prctl", AARCH64));
	/* An unrestricted name stays unrestricted. */
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "arch_prctl", X86, 0), 0);
	ck_assert(scl_profile_allows(p, "arch_prctl"));
	ck_assert_int_eq(scl_profile_get(p, "arch_prctl", &s), 0);
	ck_assert_uint_eq(s.n_arches, 0);
	ck_assert(s.arches == NULL);
	ck_assert_int_eq(scl_profile_get(p, "nothere", &s), -ENOENT);
	ck_assert_uint_eq(scl_profile_count(p), 1);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_stats_and_runs)
{
	scl_profile *p = new_profile();
	scl_profile_syscall s;

	ck_assert_int_eq(scl_profile_allow(p, "read", 5), 0);
	ck_assert_int_eq(scl_profile_allow(p, "read", UINT64_MAX), 0);
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.records, UINT64_MAX);
	ck_assert_uint_eq(s.runs, 0);
	scl_profile_mark_run(p);
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 1);
	scl_profile_mark_run(p);
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 1);
	ck_assert_int_eq(scl_profile_add_stats(p, "read", 0, 3), 0);
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 4);
	ck_assert_int_eq(scl_profile_add_stats(p, "write", 1, 1), -ENOENT);
	ck_assert_int_eq(scl_profile_add_stats(p, "Write", 1, 1), -EINVAL);
	scl_profile_free(p);
}
END_TEST

/* Byte order, not locale order; same result whatever the insertion order. */
static const char *const sort_in[] = { "write", "_llseek", "a_", "a1", "read", "a", "rt_sigaction",
				       "readv", "_newselect", "zz", "0" };
static const char *const sort_out[] = { "0", "_llseek", "_newselect", "a", "a1", "a_", "read",
					"readv", "rt_sigaction", "write", "zz" };

START_TEST(test_sorted)
{
	scl_profile *p = new_profile();
	scl_profile_syscall *v = NULL;
	size_t n = 0, count = sizeof(sort_in) / sizeof(sort_in[0]);

	/* rotate the insertion order by _i */
	for (size_t i = 0; i < count; i++)
		ck_assert_int_eq(scl_profile_allow(p, sort_in[(i + (size_t)_i) % count], 1), 0);
	ck_assert_int_eq(scl_profile_syscalls(p, &v, &n), 0);
	ck_assert_uint_eq(n, count);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(v[i].name, sort_out[i]);
	free(v);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_empty_list)
{
	scl_profile *p = new_profile();
	scl_profile_syscall *v = (scl_profile_syscall *)1;
	size_t n = 5;

	ck_assert_int_eq(scl_profile_syscalls(p, &v, &n), 0);
	ck_assert(v == NULL);
	ck_assert_uint_eq(n, 0);
	scl_profile_free(p);
	scl_profile_free(NULL);
}
END_TEST

/* Many names: the hash table grows and lookups stay right. */
START_TEST(test_many)
{
	scl_profile *p = new_profile();
	scl_profile_syscall *v = NULL;
	char name[32];
	size_t n;

	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 20000; i++) {
			snprintf(name, sizeof(name), "sys_%d", i);
			ck_assert_int_eq(scl_profile_allow(p, name, 1), 0);
		}
	ck_assert_uint_eq(scl_profile_count(p), 20000);
	ck_assert(scl_profile_allows(p, "sys_19999"));
	ck_assert(!scl_profile_allows(p, "sys_20000"));
	ck_assert_int_eq(scl_profile_syscalls(p, &v, &n), 0);
	ck_assert_uint_eq(n, 20000);
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(v[i - 1].name, v[i].name), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(v[i].records, 2);
	free(v);
	scl_profile_free(p);
}
END_TEST

/* ------------------------------------------------------------ other rules */

static const char *const socket_names[] = { "socket" };
static const char *const bad_names[] = { "Socket" };
static const char *const caps[] = { "CAP_AUDIT_WRITE" };
static const char *const bad_caps[] = { "CAP AUDIT" };
static const char *const empty_str[] = { "" };
_Static_assert(SCL_MAX_PROFILE_STRING == 64, "the cases below are written for 64");
/* SCL_MAX_PROFILE_STRING (64) bytes, and one more */
static const char *const cap_at_limit[] = { "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC" };
static const char *const cap_over_limit[] = { "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC" };
static const scl_profile_arg arg_ok[] = { { 0, 16, 0, SCL_CMP_EQ }, { 2, 9, 0, SCL_CMP_NE } };
static const scl_profile_arg arg_bad_index[] = { { 6, 0, 0, SCL_CMP_EQ } };
static const scl_profile_arg arg_bad_op[] = { { 0, 0, 0, (scl_cmp)8 } };
static const scl_profile_arg arg_bad_op0[] = { { 0, 0, 0, (scl_cmp)0 } };

static const struct rule_case {
	scl_profile_rule r;
	int ret;
} rule_cases[] = {
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ERRNO, .has_errno_ret = true,
	    .errno_ret = 22, .args = arg_ok, .n_args = 2, .excludes = { .caps = caps, .n_caps = 1 } },
	  0 },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW,
	    .includes = { .min_kernel = "4.8" }, .comment = "hi" },
	  0 },
	{ { .names = socket_names, .n_names = 0, .action = SCL_ACT_ALLOW }, -EINVAL },
	{ { .names = bad_names, .n_names = 1, .action = SCL_ACT_ALLOW }, -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = 0x12340000 }, -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ERRNO, .has_errno_ret = true,
	    .errno_ret = 0x10000 },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW, .args = arg_bad_index,
	    .n_args = 1 },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW, .args = arg_bad_op, .n_args = 1 },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW, .args = arg_bad_op0,
	    .n_args = 1 },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW,
	    .includes = { .caps = bad_caps, .n_caps = 1 } },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW,
	    .includes = { .arches = empty_str, .n_arches = 1 } },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW,
	    .includes = { .caps = cap_at_limit, .n_caps = 1 } },
	  0 },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW,
	    .includes = { .caps = cap_over_limit, .n_caps = 1 } },
	  -EINVAL },
	{ { .names = socket_names, .n_names = 1, .action = SCL_ACT_ALLOW,
	    .excludes = { .min_kernel = "4.8 x" } },
	  -EINVAL },
};

START_TEST(test_rules)
{
	const struct rule_case *t = &rule_cases[_i];
	scl_profile *p = new_profile();
	const scl_profile_rule *got;

	ck_assert_int_eq(scl_profile_add_rule(p, &t->r), t->ret);
	ck_assert_uint_eq(scl_profile_rule_count(p), t->ret == 0 ? 1 : 0);
	ck_assert_uint_eq(scl_profile_count(p), 0);
	got = scl_profile_rule_at(p, 0);
	if (t->ret == 0) {
		ck_assert(got != NULL);
		ck_assert(got != &t->r);
		ck_assert(got->names != t->r.names);
		ck_assert(scl_profile_rule_equal(got, &t->r));
		ck_assert_uint_eq(got->n_args, t->r.n_args);
	} else {
		ck_assert(got == NULL);
	}
	scl_profile_free(p);
}
END_TEST

START_TEST(test_rule_equal)
{
	scl_profile_rule a = rule_cases[0].r, b = rule_cases[0].r;
	scl_profile_arg args[2];

	ck_assert(scl_profile_rule_equal(&a, &b));
	b.errno_ret = 1;
	ck_assert(!scl_profile_rule_equal(&a, &b));
	b = a;
	memcpy(args, a.args, sizeof(args));
	args[1].value_two = 1;
	b.args = args;
	ck_assert(!scl_profile_rule_equal(&a, &b));
	b = a;
	b.comment = "x";
	ck_assert(!scl_profile_rule_equal(&a, &b));
	b = a;
	b.excludes.n_caps = 0;
	ck_assert(!scl_profile_rule_equal(&a, &b));
}
END_TEST

START_TEST(test_rules_name)
{
	static const char *const two[] = { "bind", "connect" };
	const scl_profile_rule r = { .names = two, .n_names = 2, .action = SCL_ACT_ERRNO };
	scl_profile *p = new_profile();

	ck_assert(!scl_profile_rules_name(p, "bind"));
	ck_assert_int_eq(scl_profile_add_rule(p, &rule_cases[1].r), 0);
	ck_assert_int_eq(scl_profile_add_rule(p, &r), 0);
	ck_assert(scl_profile_rules_name(p, "socket"));
	ck_assert(scl_profile_rules_name(p, "bind"));
	ck_assert(scl_profile_rules_name(p, "connect"));
	ck_assert(!scl_profile_rules_name(p, "conn"));
	/* an allowed syscall is not a rule's */
	ck_assert_int_eq(scl_profile_allow(p, "read", 4), 0);
	ck_assert(!scl_profile_rules_name(p, "read"));
	scl_profile_free(p);
}
END_TEST

/* ------------------------------------------------------------ merge */

START_TEST(test_merge)
{
	scl_profile *a = new_profile(), *b = new_profile();
	scl_profile_syscall s;

	ck_assert_int_eq(scl_profile_set_default_action(b, SCL_ACT_KILL_PROCESS, 0), 0);
	ck_assert_int_ge(scl_profile_add_arch(a, X86_64), 0);
	ck_assert_int_ge(scl_profile_add_arch(b, AARCH64), 0);
	ck_assert_int_eq(scl_profile_allow(a, "read", 10), 0);
	ck_assert_int_eq(scl_profile_allow(a, "write", 1), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(a, "arch_prctl", X86_64, 1), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(a, "modify_ldt", X86_64, 1), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(a, "iopl", X86_64, 1), 0);
	scl_profile_mark_run(a);
	ck_assert_int_eq(scl_profile_allow(b, "read", 5), 0);
	ck_assert_int_eq(scl_profile_allow(b, "openat", 3), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(b, "arch_prctl", X32, 1), 0);
	ck_assert_int_eq(scl_profile_allow(b, "modify_ldt", 1), 0);
	ck_assert_int_eq(scl_profile_allow_on_arch(b, "set_tls", ARM, 1), 0);
	scl_profile_mark_run(b);
	ck_assert_int_eq(scl_profile_add_rule(a, &rule_cases[0].r), 0);
	ck_assert_int_eq(scl_profile_add_rule(b, &rule_cases[0].r), 0);
	ck_assert_int_eq(scl_profile_add_rule(b, &rule_cases[1].r), 0);

	ck_assert_int_eq(scl_profile_merge(a, b), 0);
	ck_assert_uint_eq(scl_profile_default_action(a), SCL_ACT_ERRNO);
	ck_assert_uint_eq(scl_profile_arch_count(a), 2);
	ck_assert_uint_eq(scl_profile_count(a), 7);
	ck_assert_int_eq(scl_profile_get(a, "read", &s), 0);
	ck_assert_uint_eq(s.records, 15);
	ck_assert_uint_eq(s.runs, 2);
	ck_assert_int_eq(scl_profile_get(a, "openat", &s), 0);
	ck_assert_uint_eq(s.records, 3);
	ck_assert_uint_eq(s.runs, 1);
	ck_assert_int_eq(scl_profile_get(a, "arch_prctl", &s), 0);
	ck_assert_uint_eq(s.n_arches, 2);
	ck_assert(scl_profile_allows(a, "modify_ldt"));
	ck_assert(!scl_profile_allows(a, "iopl"));
	ck_assert(scl_profile_allows_on_arch(a, "iopl", X86_64));
	ck_assert(scl_profile_allows_on_arch(a, "set_tls", ARM));
	ck_assert(!scl_profile_allows_on_arch(a, "set_tls", X86_64));
	ck_assert_uint_eq(scl_profile_rule_count(a), 2);
	/* b unchanged */
	ck_assert_uint_eq(scl_profile_count(b), 5);
	ck_assert_int_eq(scl_profile_get(b, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 1);
	/* merging into an empty profile copies */
	scl_profile *c = new_profile();
	ck_assert_int_eq(scl_profile_merge(c, b), 0);
	ck_assert_uint_eq(scl_profile_count(c), 5);
	ck_assert_uint_eq(scl_profile_rule_count(c), 2);
	scl_profile_free(c);
	scl_profile_free(a);
	scl_profile_free(b);
}
END_TEST

/* ------------------------------------------------------------ diff */

struct side {
	uint32_t arches[4];
	const char *names[6];        /* unrestricted */
	const char *restricted[4];   /* restricted to arches_r */
	uint32_t arches_r[3];
};

static const struct diff_case {
	struct side old, new_;
	const char *want[12];        /* "+x86_64:name" ... in order */
} diff_cases[] = {
	/* identical */
	{ { { X86_64 }, { "read", "write" } }, { { X86_64 }, { "write", "read" } }, { NULL } },
	/* one added, one removed, on every sub-arch */
	{ { { X86_64 }, { "read", "rmdir" } },
	  { { X86_64 }, { "read", "mkdir" } },
	  { "+x86_64:mkdir", "-x86_64:rmdir", "+x86:mkdir", "-x86:rmdir", "+x32:mkdir", "-x32:rmdir" } },
	/* a new arch: everything of new is added there */
	{ { { X86 }, { "read" } },
	  { { X86, AARCH64 }, { "read" } },
	  { "+aarch64:read", "+arm:read" } },
	/* restriction narrows: removed on the other arches */
	{ { { X86_64 }, { "arch_prctl" } },
	  { { X86_64 }, { NULL }, { "arch_prctl" }, { X86_64, X32 } },
	  { "-x86:arch_prctl" } },
	/* both empty */
	{ { { 0 } }, { { 0 } }, { NULL } },
	/* no arches at all: compared once for "any" */
	{ { { 0 }, { "read" } }, { { 0 }, { "write" } }, { "-any:read", "+any:write" } },
	/* a profile without arches covers those of the other */
	{ { { 0 }, { "read" } }, { { X86 }, { "read", "write" } }, { "+x86:write" } },
};

static const char *arch_name(uint32_t token)
{
	return token ? scl_arch_by_token(token)->name : "any";
}

static scl_profile *build_side(const struct side *s)
{
	scl_profile *p = new_profile();

	for (size_t i = 0; i < 4 && s->arches[i]; i++)
		ck_assert_int_ge(scl_profile_add_arch(p, s->arches[i]), 0);
	for (size_t i = 0; i < 6 && s->names[i]; i++)
		ck_assert_int_eq(scl_profile_allow(p, s->names[i], 1), 0);
	for (size_t i = 0; i < 4 && s->restricted[i]; i++)
		for (size_t k = 0; k < 3 && s->arches_r[k]; k++)
			ck_assert_int_eq(scl_profile_allow_on_arch(p, s->restricted[i], s->arches_r[k], 1), 0);
	return p;
}

START_TEST(test_diff)
{
	const struct diff_case *t = &diff_cases[_i];
	scl_profile *o = build_side(&t->old), *n = build_side(&t->new_);
	scl_profile_change *ch = NULL;
	size_t nch = 99, want = 0;
	char buf[128];

	while (want < 12 && t->want[want])
		want++;
	ck_assert_int_eq(scl_profile_diff(o, n, &ch, &nch), 0);
	ck_assert_uint_eq(nch, want);
	for (size_t i = 0; i < nch; i++) {
		snprintf(buf, sizeof(buf), "%c%s:%s", ch[i].added ? '+' : '-',
			 arch_name(ch[i].arch), ch[i].name);
		ck_assert_str_eq(buf, t->want[i]);
	}
	free(ch);
	/* The other way round, signs flip. */
	ck_assert_int_eq(scl_profile_diff(n, o, &ch, &nch), 0);
	ck_assert_uint_eq(nch, want);
	for (size_t i = 0; i < nch; i++) {
		snprintf(buf, sizeof(buf), "%c%s:%s", ch[i].added ? '-' : '+',
			 arch_name(ch[i].arch), ch[i].name);
		ck_assert_str_eq(buf, t->want[i]);
	}
	free(ch);
	scl_profile_free(o);
	scl_profile_free(n);
}
END_TEST

static Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("model");

	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	tcase_add_test(tc, test_name_with_nul);
	tcase_add_loop_test(tc, test_default_action, 0,
			    (int)(sizeof(action_cases) / sizeof(action_cases[0])));
	tcase_add_test(tc, test_action_parse);
	tcase_add_loop_test(tc, test_arches, 0, (int)(sizeof(arch_cases) / sizeof(arch_cases[0])));
	tcase_add_test(tc, test_arch_unknown);
	tcase_add_loop_test(tc, test_narrow, 0, (int)(sizeof(narrow_cases) / sizeof(narrow_cases[0])));
	tcase_add_test(tc, test_arch_map);
	tcase_add_test(tc, test_restrictions);
	tcase_add_test(tc, test_stats_and_runs);
	tcase_add_loop_test(tc, test_sorted, 0, (int)(sizeof(sort_in) / sizeof(sort_in[0])));
	tcase_add_test(tc, test_empty_list);
	tcase_add_test(tc, test_many);
	tcase_add_loop_test(tc, test_rules, 0, (int)(sizeof(rule_cases) / sizeof(rule_cases[0])));
	tcase_add_test(tc, test_rule_equal);
	tcase_add_test(tc, test_rules_name);
	tcase_add_test(tc, test_merge);
	tcase_add_loop_test(tc, test_diff, 0, (int)(sizeof(diff_cases) / sizeof(diff_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(profile_suite());
}
