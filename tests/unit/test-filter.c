/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The filter builder, checked through libseccomp's pseudo filter code (PFC)
 * without loading anything: which rules land in which architecture's part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scmplog/arch.h"
#include "scmplog/filter.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "unit-util.h"

static char *pfc_of(const scl_filter *f)
{
	int fd = memfd_create("pfc", MFD_CLOEXEC);
	off_t n;
	char *buf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(scl_filter_export_pfc(f, fd), 0);
	n = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(n, 0);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(pread(fd, buf, (size_t)n, 0), n);
	close(fd);
	return buf;
}

/* The PFC part of one architecture ("x86_64", "x86", "x32"), malloc'd; NULL if absent. */
static char *section(const char *pfc, const char *arch)
{
	char head[64];
	const char *a, *b;

	snprintf(head, sizeof(head), "# filter for arch %s (", arch);
	a = strstr(pfc, head);
	if (!a)
		return NULL;
	b = strstr(a + 1, "# filter for arch ");
	if (!b)
		b = strstr(a, "# invalid architecture action");
	if (!b)
		b = a + strlen(a);
	return strndup(a, (size_t)(b - a));
}

/* Does arch's part hold a rule for the syscall name (with this action text)? */
static bool has_rule(const char *pfc, const char *arch, const char *name, const char *action)
{
	char *s = section(pfc, arch), *p;
	char want[96];
	bool found = false;

	if (!s)
		return false;
	snprintf(want, sizeof(want), "# filter for syscall \"%s\" (", name);
	p = strstr(s, want);
	if (p) {
		/* the rule's text runs to the next "# filter for syscall" or the default */
		char *end = strstr(p + 1, "# filter for syscall");
		char *def = strstr(p + 1, "# default action");
		if (!end || (def && def < end))
			end = def;
		found = !action || (strstr(p, action) && (!end || strstr(p, action) < end));
	}
	free(s);
	return found;
}

static bool default_is(const char *pfc, const char *arch, const char *action)
{
	char *s = section(pfc, arch), *d;
	bool ok;

	if (!s)
		return false;
	d = strstr(s, "# default action");
	ok = d && strstr(d, action);
	free(s);
	return ok;
}

START_TEST(test_log_filter)
{
	scl_filter *f = NULL;
	scl_filter_stats st;
	char *pfc;

	ck_assert_int_eq(scl_filter_new_log(NULL, &f, &st), 0);
	ck_assert_uint_gt(scl_filter_bpf_len(f), 0);
	pfc = pfc_of(f);
	if (scl_arch_native() == SCL_ARCH_X86_64) {
		/* all three, or the first 32-bit syscall is killed instead of logged */
		ck_assert_uint_eq(st.arches, 3);
		ck_assert(default_is(pfc, "x86_64", "action LOG;"));
		ck_assert(default_is(pfc, "x86", "action LOG;"));
		ck_assert(default_is(pfc, "x32", "action LOG;"));
	}
	ck_assert_ptr_nonnull(strstr(pfc, "# invalid architecture action"));
	ck_assert_uint_eq(st.rules, 0);
	free(pfc);
	scl_filter_free(f);
}
END_TEST

/* Complain mode: names allowed per arch, skipped where the arch lacks them. */
START_TEST(test_complain_filter)
{
	scl_profile *p = NULL;
	scl_filter *f = NULL;
	scl_filter_stats st;
	char *pfc;

	if (scl_arch_native() != SCL_ARCH_X86_64)
		return;
	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_allow(p, "read", 1), 0);
	ck_assert_int_eq(scl_profile_allow(p, "mmap2", 1), 0);       /* x86 only */
	ck_assert_int_eq(scl_profile_allow(p, "newfstatat", 1), 0);  /* not on x86 */
	ck_assert_int_eq(scl_profile_allow(p, "nosuchcall", 1), 0);  /* nowhere */
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "getppid", SCL_ARCH_X86, 1), 0);
	ck_assert_int_eq(scl_filter_new_log(p, &f, &st), 0);
	pfc = pfc_of(f);
	ck_assert(has_rule(pfc, "x86_64", "read", "action ALLOW"));
	ck_assert(has_rule(pfc, "x86", "read", "action ALLOW"));
	ck_assert(has_rule(pfc, "x32", "read", "action ALLOW"));
	ck_assert(has_rule(pfc, "x86", "mmap2", "action ALLOW"));
	ck_assert(!has_rule(pfc, "x86_64", "mmap2", NULL));
	ck_assert(has_rule(pfc, "x86_64", "newfstatat", "action ALLOW"));
	ck_assert(!has_rule(pfc, "x86", "newfstatat", NULL));
	/* restricted to x86: not allowed (so still logged) on x86_64 */
	ck_assert(has_rule(pfc, "x86", "getppid", "action ALLOW"));
	ck_assert(!has_rule(pfc, "x86_64", "getppid", NULL));
	/* the x86 number of mmap2 (192) must not become x86_64's 192 (lgetxattr) */
	ck_assert(!has_rule(pfc, "x86_64", "lgetxattr", NULL));
	ck_assert(!has_rule(pfc, "x86", "lgetxattr", NULL));
	ck_assert(default_is(pfc, "x86_64", "action LOG;"));
	ck_assert_uint_eq(st.unknown, 1);
	ck_assert_uint_ge(st.unknown_on_arch, 4);
	free(pfc);
	scl_filter_free(f);
	scl_profile_free(p);
}
END_TEST

static const char *const n_openat[] = { "openat" };
static const char *const n_clone[] = { "clone" };
static const char *const n_ptrace[] = { "ptrace" };
static const char *const n_mount[] = { "mount" };
static const char *const n_bpf[] = { "bpf" };
static const char *const n_personality[] = { "personality" };
static const char *const a_x32[] = { "x32" };
static const char *const a_amd64[] = { "amd64" };
static const char *const c_bogus[] = { "CAP_NO_SUCH_THING" };
static const char *const c_chown[] = { "CAP_CHOWN" };
static const scl_profile_arg masked[] = { { .index = 2, .value = 3, .value_two = 1, .op = SCL_CMP_MASKED_EQ } };
static const scl_profile_arg two_on_a0[] = {
	{ .index = 0, .value = 0, .op = SCL_CMP_EQ },
	{ .index = 0, .value = 8, .op = SCL_CMP_EQ },
};

static void add_rule(scl_profile *p, const scl_profile_rule *r)
{
	ck_assert_int_eq(scl_profile_add_rule(p, r), 0);
}

START_TEST(test_profile_filter)
{
	scl_profile *p = NULL;
	scl_filter *f = NULL;
	scl_filter_stats st;
	char **warn = NULL, *pfc;
	bool warned_caps = false, warned_kernel = false;

	if (scl_arch_native() != SCL_ARCH_X86_64)
		return;
	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_ERRNO, 38), 0);
	ck_assert_int_eq(scl_profile_add_arch(p, SCL_ARCH_X86_64), 1);
	ck_assert_int_eq(scl_profile_allow(p, "read", 0), 0);
	/* openat: EACCES when (flags & 3) == 1 */
	add_rule(p, &(scl_profile_rule){ .names = n_openat, .n_names = 1, .action = SCL_ACT_ERRNO,
					 .has_errno_ret = true, .errno_ret = 13, .args = masked, .n_args = 1 });
	/* clone only on x32 */
	add_rule(p, &(scl_profile_rule){ .names = n_clone, .n_names = 1, .action = SCL_ACT_ALLOW,
					 .includes = { .arches = a_x32, .n_arches = 1 } });
	/* ptrace everywhere but amd64 */
	add_rule(p, &(scl_profile_rule){ .names = n_ptrace, .n_names = 1, .action = SCL_ACT_ALLOW,
					 .excludes = { .arches = a_amd64, .n_arches = 1 } });
	/* an unknown capability: not applied, with a warning */
	add_rule(p, &(scl_profile_rule){ .names = n_mount, .n_names = 1, .action = SCL_ACT_ALLOW,
					 .includes = { .caps = c_bogus, .n_caps = 1 } });
	/* a future kernel: not applied */
	add_rule(p, &(scl_profile_rule){ .names = n_bpf, .n_names = 1, .action = SCL_ACT_ALLOW,
					 .includes = { .min_kernel = "999.1" } });
	/* two conditions on one index: OR (one rule each), kill */
	add_rule(p, &(scl_profile_rule){ .names = n_personality, .n_names = 1, .action = SCL_ACT_KILL_PROCESS,
					 .args = two_on_a0, .n_args = 2 });
	ck_assert_int_eq(scl_filter_new_profile(p, true, &f, &st, &warn), 0);
	pfc = pfc_of(f);
	ck_assert_uint_eq(st.arches, 3);
	ck_assert(default_is(pfc, "x86_64", "action ERRNO(38);"));
	ck_assert(default_is(pfc, "x86", "action ERRNO(38);"));
	ck_assert(has_rule(pfc, "x86_64", "read", "action ALLOW"));
	ck_assert(has_rule(pfc, "x86_64", "openat", "action ERRNO(13)"));
	ck_assert(has_rule(pfc, "x86_64", "openat", "$a2.lo32 & 0x00000003 == 1"));
	ck_assert(has_rule(pfc, "x32", "clone", "action ALLOW"));
	ck_assert(!has_rule(pfc, "x86_64", "clone", NULL));
	ck_assert(!has_rule(pfc, "x86", "clone", NULL));
	ck_assert(!has_rule(pfc, "x86_64", "ptrace", NULL));
	ck_assert(has_rule(pfc, "x86", "ptrace", "action ALLOW"));
	ck_assert(!has_rule(pfc, "x86_64", "mount", NULL));
	ck_assert(!has_rule(pfc, "x86_64", "bpf", NULL));
	ck_assert(has_rule(pfc, "x86_64", "personality", "action KILL_PROCESS"));
	ck_assert(has_rule(pfc, "x86_64", "personality", "$a0.lo32 == 8"));
	ck_assert_uint_eq(st.other_skipped, 2);
	for (char **w = warn; w && *w; w++) {
		if (strstr(*w, "CAP_NO_SUCH_THING"))
			warned_caps = true;
		if (strstr(*w, "999.1"))
			warned_kernel = true;
	}
	ck_assert(warned_caps);
	ck_assert(warned_kernel);
	scl_strv_free(warn);
	free(pfc);
	scl_filter_free(f);

	/* CAP_CHOWN is in a root test's bounding set; the rule then applies */
	add_rule(p, &(scl_profile_rule){ .names = n_mount, .n_names = 1, .action = SCL_ACT_ALLOW,
					 .includes = { .caps = c_chown, .n_caps = 1, .min_kernel = "3.2" } });
	ck_assert_int_eq(scl_filter_new_profile(p, false, &f, NULL, NULL), 0);
	pfc = pfc_of(f);
	ck_assert(has_rule(pfc, "x86_64", "mount", "action ALLOW") == (getuid() == 0));
	free(pfc);
	scl_filter_free(f);
	scl_profile_free(p);
}
END_TEST

/* Profiles a filter cannot be built from. */
static const struct bad_case {
	uint32_t default_action;
	uint32_t arch;
	int want;
} bad_cases[] = {
	{ SCL_ACT_USER_NOTIF, 0, -EOPNOTSUPP },
	{ SCL_ACT_ERRNO, SCL_ARCH_AARCH64, -EAFNOSUPPORT },
};

START_TEST(test_bad_profile)
{
	const struct bad_case *c = &bad_cases[_i];
	scl_profile *p = NULL;
	scl_filter *f = (scl_filter *)&f; /* must stay untouched */

	if (scl_arch_native() != SCL_ARCH_X86_64)
		return;
	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_set_default_action(p, c->default_action, 1), 0);
	if (c->arch)
		ck_assert_int_eq(scl_profile_add_arch(p, c->arch), 1);
	ck_assert_int_eq(scl_filter_new_profile(p, false, &f, NULL, NULL), c->want);
	ck_assert_ptr_eq(f, (scl_filter *)&f);
	scl_profile_free(p);
}
END_TEST

/* A profile without architectures gets the native ones; kill default. */
START_TEST(test_default_arches)
{
	scl_profile *p = NULL;
	scl_filter *f = NULL;
	scl_filter_stats st;
	char *pfc;

	if (scl_arch_native() != SCL_ARCH_X86_64)
		return;
	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_KILL_PROCESS, 0), 0);
	ck_assert_int_eq(scl_profile_allow(p, "write", 0), 0);
	ck_assert_int_eq(scl_filter_new_profile(p, false, &f, &st, NULL), 0);
	pfc = pfc_of(f);
	ck_assert_uint_eq(st.arches, 3);
	ck_assert(default_is(pfc, "x32", "action KILL_PROCESS;"));
	ck_assert(has_rule(pfc, "x32", "write", "action ALLOW"));
	free(pfc);
	scl_filter_free(f);
	scl_profile_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_log_filter);
	tcase_add_test(tc, test_complain_filter);
	tcase_add_test(tc, test_profile_filter);
	tcase_add_loop_test(tc, test_bad_profile, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_default_arches);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
