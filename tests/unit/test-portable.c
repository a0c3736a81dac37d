/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "scmplog/portable.h"
#include "scmplog/profile.h"
#include "unit-util.h"

/*
 * A learned profile (space-separated names, x86_64 unless arch32), what
 * --portable must allow in addition and what it must answer ENOSYS, in
 * scl_portable_apply()'s order (table order).
 */
static const struct apply_case {
	const char *seen;
	bool arch32;
	const char *allowed;
	const char *enosys;
} apply_cases[] = {
	/* glibc 2.36 on 6.x: clone3 seen, the clone fallback and musl's fork/vfork allowed */
	{ "clone3", false, "clone fork vfork", "" },
	/* learned on an old kernel (clone only): clone3 must answer ENOSYS, not EPERM */
	{ "clone", false, "fork vfork", "clone3" },
	/* glibc's stat(): newfstatat; musl takes fstat, stat, lstat; statx unseen */
	{ "newfstatat", false, "fstat stat lstat", "statx" },
	{ "statx newfstatat fstat stat lstat", false, "", "" },
	{ "openat", false, "open", "openat2" },
	{ "openat2", false, "openat open", "" },
	{ "faccessat2", false, "faccessat access", "" },
	{ "access", false, "faccessat", "faccessat2" },
	{ "epoll_wait", false, "epoll_pwait", "epoll_pwait2" },
	/* close_range seen: closefrom's fallback walks /proc/self/fd; close alone: ENOSYS */
	{ "close_range", false, "getdents64", "" },
	{ "close", false, "", "close_range" },
	{ "set_tid_address", false, "", "rseq" },
	{ "futex", false, "", "futex_waitv" },
	{ "futex_waitv", false, "futex", "" },
	{ "pidfd_open", false, "kill", "" },
	{ "wait4", false, "", "pidfd_open" },
	/* musl's stdio: writev and readv where glibc's takes write and read */
	{ "write", false, "writev", "" },
	{ "readv", false, "read", "" },
	/* getrandom's fallback members (openat, read) show no use of it */
	{ "getrandom", false, "openat read open readv", "openat2" },
	/* unrelated syscalls: nothing */
	{ "exit_group brk", false, "", "" },
	{ "", false, "", "" },
	/* time64 only for a 32-bit profile */
	{ "clock_gettime", false, "", "" },
	{ "clock_gettime", true, "", "clock_gettime64" },
	{ "clock_gettime64", true, "clock_gettime", "" },
	{ "futex_time64", true, "futex", "futex_waitv" },
};

static void allow_words(scl_profile *p, const char *list)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		ck_assert_int_eq(scl_profile_allow(p, w, 1), 0);
}

static void names_of(const scl_portable_change *v, size_t n, bool enosys, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (v[i].enosys != enosys)
			continue;
		k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? " " : "", v[i].name);
		ck_assert_uint_lt(k, len);
	}
}

/* The ENOSYS rules of p, by name, as "a b". */
static void rules_of(const scl_profile *p, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < scl_profile_rule_count(p); i++) {
		const scl_profile_rule *r = scl_profile_rule_at(p, i);

		ck_assert_uint_eq(r->n_names, 1);
		ck_assert_uint_eq(r->action, SCL_ACT_ERRNO);
		ck_assert(r->has_errno_ret);
		ck_assert_uint_eq(r->errno_ret, ENOSYS);
		ck_assert_ptr_nonnull(r->comment);
		ck_assert(!strncmp(r->comment, SCL_PORTABLE_COMMENT_PREFIX, strlen(SCL_PORTABLE_COMMENT_PREFIX)));
		k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? " " : "", r->names[0]);
		ck_assert_uint_lt(k, len);
	}
}

START_TEST(test_apply)
{
	const struct apply_case *t = &apply_cases[_i];
	scl_profile *p = NULL;
	scl_portable_change *v = NULL;
	size_t n = 7, before;
	char got[512];

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, t->arch32 ? SCL_ARCH_X86 : SCL_ARCH_X86_64), 0);
	allow_words(p, t->seen);
	before = scl_profile_count(p);
	ck_assert_int_eq(scl_portable_apply(p, &v, &n), 0);
	names_of(v, n, false, got, sizeof(got));
	ck_assert_msg(!strcmp(got, t->allowed), "%s: allowed '%s', expected '%s'", t->seen, got, t->allowed);
	names_of(v, n, true, got, sizeof(got));
	ck_assert_msg(!strcmp(got, t->enosys), "%s: ENOSYS '%s', expected '%s'", t->seen, got, t->enosys);
	rules_of(p, got, sizeof(got));
	ck_assert_str_eq(got, t->enosys);
	for (size_t i = 0; i < n; i++) {
		scl_profile_syscall s;

		ck_assert_ptr_nonnull(v[i].family);
		ck_assert_ptr_nonnull(v[i].because);
		if (!v[i].enosys) {
			/* added with no records: nothing was seen */
			ck_assert_int_eq(scl_profile_get(p, v[i].name, &s), 0);
			ck_assert_uint_eq(s.records, 0);
		}
	}
	ck_assert_uint_eq(scl_profile_count(p), before + (n - scl_profile_rule_count(p)));
	free(v);

	/* a second application changes nothing */
	v = NULL;
	before = scl_profile_count(p);
	ck_assert_int_eq(scl_portable_apply(p, &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(scl_profile_count(p), before);
	rules_of(p, got, sizeof(got));
	ck_assert_str_eq(got, t->enosys);
	scl_profile_free(p);
}
END_TEST

/* MIPS numbers ENOSYS 89: a MIPS-only profile gets that, a mixed or other one 38. */
START_TEST(test_mips_errno)
{
	static const struct { uint32_t arch[2]; uint32_t want; } cases[] = {
		{ { 0x00000008U, 0 }, 89 },           /* mips */
		{ { 0x40000008U, 0xc0000008U }, 89 }, /* mipsel, mipsel64 */
		{ { 0x40000008U, SCL_ARCH_X86 }, 38 },
		{ { SCL_ARCH_AARCH64, 0 }, 38 },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		scl_profile *p = NULL;
		size_t n;

		ck_assert_int_eq(scl_profile_new(&p), 0);
		for (size_t i = 0; i < 2 && cases[c].arch[i]; i++)
			ck_assert_int_ge(scl_profile_add_arch(p, cases[c].arch[i]), 0);
		allow_words(p, "clone");
		ck_assert_int_eq(scl_portable_apply(p, NULL, &n), 0);
		ck_assert_uint_eq(scl_profile_rule_count(p), 1); /* clone3 */
		for (size_t i = 0; i < scl_profile_rule_count(p); i++)
			ck_assert_uint_eq(scl_profile_rule_at(p, i)->errno_ret, cases[c].want);
		scl_profile_free(p);
	}
}
END_TEST

/* Under a LOG or ALLOW default nothing unseen is refused: no ENOSYS rules, the alternatives still. */
START_TEST(test_no_enosys_when_not_refused)
{
	static const uint32_t actions[] = { SCL_ACT_LOG, SCL_ACT_ALLOW };

	for (size_t i = 0; i < 2; i++) {
		scl_profile *p = NULL;
		scl_portable_change *v = NULL;
		size_t n;

		ck_assert_int_eq(scl_profile_new(&p), 0);
		ck_assert_int_eq(scl_profile_set_default_action(p, actions[i], 0), 0);
		allow_words(p, "clone openat");
		ck_assert_int_eq(scl_portable_apply(p, &v, &n), 0);
		ck_assert_uint_eq(scl_profile_rule_count(p), 0);
		ck_assert_uint_eq(n, 3); /* fork, vfork, open */
		for (size_t k = 0; k < n; k++)
			ck_assert(!v[k].enosys);
		free(v);
		scl_profile_free(p);
	}
}
END_TEST

/* Learned more after --portable: the stale ENOSYS rule goes, the syscall is allowed only. */
START_TEST(test_stale_rule)
{
	scl_profile *p = NULL;
	size_t n;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X86_64), 0);
	allow_words(p, "clone");
	ck_assert_int_eq(scl_portable_apply(p, NULL, &n), 0);
	ck_assert_uint_eq(scl_profile_rule_count(p), 1);
	allow_words(p, "clone3");
	ck_assert_int_eq(scl_portable_apply(p, NULL, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(scl_profile_rule_count(p), 0);
	scl_profile_free(p);
}
END_TEST

/* A rule the user wrote for a NEWER member (review's deny) is kept, none added beside it. */
START_TEST(test_user_rule_kept)
{
	scl_profile *p = NULL;
	const char *names[] = { "clone3" };
	scl_profile_rule r = { .names = names, .n_names = 1, .action = SCL_ACT_KILL_PROCESS };
	size_t n;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X86_64), 0);
	ck_assert_int_eq(scl_profile_add_rule(p, &r), 0);
	allow_words(p, "clone");
	ck_assert_int_eq(scl_portable_apply(p, NULL, &n), 0);
	ck_assert_uint_eq(scl_profile_rule_count(p), 1);
	ck_assert_uint_eq(scl_profile_rule_at(p, 0)->action, SCL_ACT_KILL_PROCESS);
	scl_profile_free(p);
}
END_TEST

/* The table itself: ids unique, names valid, at most one NEWER per family, facts filled in. */
START_TEST(test_table)
{
	size_t nf = scl_portable_family_count();

	ck_assert_uint_ge(nf, 10);
	ck_assert_ptr_null(scl_portable_family_at(nf));
	for (size_t i = 0; i < nf; i++) {
		const scl_portable_family *f = scl_portable_family_at(i);
		size_t newer = 0;

		ck_assert_ptr_eq(scl_portable_family_by_id(f->id), f);
		ck_assert(f->why[0] && f->glibc[0] && f->musl[0]);
		ck_assert_uint_ge(f->n_members, 2);
		for (size_t k = 0; k < f->n_members; k++) {
			const scl_portable_member *m = &f->members[k];

			ck_assert(scl_profile_name_valid(m->name, strlen(m->name)));
			ck_assert_ptr_nonnull(m->kernel);
			newer += m->role == SCL_PORTABLE_NEWER;
			if (m->role == SCL_PORTABLE_NEWER)
				ck_assert_msg(m->kernel[0], "%s: a NEWER member names its kernel", m->name);
		}
		ck_assert_uint_le(newer, 1);
	}
	ck_assert_ptr_null(scl_portable_family_by_id("nope"));
}
END_TEST

START_TEST(test_remove_rule)
{
	scl_profile *p = NULL;
	const char *a[] = { "a" }, *b[] = { "b" };
	scl_profile_rule ra = { .names = a, .n_names = 1, .action = SCL_ACT_LOG };
	scl_profile_rule rb = { .names = b, .n_names = 1, .action = SCL_ACT_LOG };

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_add_rule(p, &ra), 0);
	ck_assert_int_eq(scl_profile_add_rule(p, &rb), 0);
	ck_assert_int_eq(scl_profile_remove_rule(p, 2), -ENOENT);
	ck_assert_int_eq(scl_profile_remove_rule(p, 0), 0);
	ck_assert_uint_eq(scl_profile_rule_count(p), 1);
	ck_assert_str_eq(scl_profile_rule_at(p, 0)->names[0], "b");
	ck_assert_int_eq(scl_profile_remove_rule(p, 0), 0);
	ck_assert_uint_eq(scl_profile_rule_count(p), 0);
	scl_profile_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("portable");
	TCase *tc = tcase_create("portable");

	tcase_add_loop_test(tc, test_apply, 0, (int)(sizeof(apply_cases) / sizeof(apply_cases[0])));
	tcase_add_test(tc, test_stale_rule);
	tcase_add_test(tc, test_mips_errno);
	tcase_add_test(tc, test_no_enosys_when_not_refused);
	tcase_add_test(tc, test_user_rule_kept);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_remove_rule);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
