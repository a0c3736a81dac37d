/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "unit-util.h"

/*
 * (audit arch, number as logged) -> name and effective arch.  Expected names
 * are the kernel's syscall tables (arch/<arch>/.../syscall*.tbl, unistd.h),
 * checked against libseccomp 2.5.4's `scmp_sys_resolver -a ARCH NR`.
 */
static const struct name_case {
	uint32_t arch, nr;
	const char *name;
	uint32_t eff;
} name_cases[] = {
	{ SCL_ARCH_X86_64, 0, "read", SCL_ARCH_X86_64 },
	{ SCL_ARCH_X86_64, 59, "execve", SCL_ARCH_X86_64 },
	{ SCL_ARCH_X86_64, 158, "arch_prctl", SCL_ARCH_X86_64 },
	{ SCL_ARCH_X86_64, 435, "clone3", SCL_ARCH_X86_64 },
	{ SCL_ARCH_X86, 11, "execve", SCL_ARCH_X86 },
	{ SCL_ARCH_X86, 102, "socketcall", SCL_ARCH_X86 },
	{ SCL_ARCH_X86, 192, "mmap2", SCL_ARCH_X86 },
	{ SCL_ARCH_X86, 243, "set_thread_area", SCL_ARCH_X86 },
	/* x32: bit 0x40000000 under x86_64; 520 is x32's own execve */
	{ SCL_ARCH_X86_64, 0x40000000U + 520, "execve", SCL_ARCH_X32 },
	{ SCL_ARCH_X86_64, 0x40000000U + 0, "read", SCL_ARCH_X32 },
	{ SCL_ARCH_X86_64, 0x40000000U + 158, "arch_prctl", SCL_ARCH_X32 },
	{ SCL_ARCH_X32, 0x40000000U + 520, "execve", SCL_ARCH_X32 }, /* never logged so, but valid */
	{ SCL_ARCH_AARCH64, 221, "execve", SCL_ARCH_AARCH64 },
	{ SCL_ARCH_AARCH64, 56, "openat", SCL_ARCH_AARCH64 },
	{ SCL_ARCH_AARCH64, 63, "read", SCL_ARCH_AARCH64 },
	{ SCL_ARCH_ARM, 11, "execve", SCL_ARCH_ARM },
	{ SCL_ARCH_ARM, 192, "mmap2", SCL_ARCH_ARM },
	{ SCL_ARCH_ARM, 983045, "set_tls", SCL_ARCH_ARM }, /* __ARM_NR_set_tls, 0xf0005 */
	{ 0xc0000015, 11, "execve", 0xc0000015 },          /* ppc64le */
	{ 0xc0000015, 286, "openat", 0xc0000015 },
	{ 0xc0000015, 362, "execveat", 0xc0000015 },
	{ 0x80000015, 11, "execve", 0x80000015 },          /* ppc64 */
	{ 0x00000014, 11, "execve", 0x00000014 },          /* ppc */
	{ 0x80000016, 11, "execve", 0x80000016 },          /* s390x */
	{ 0x80000016, 288, "openat", 0x80000016 },
	{ 0x80000016, 374, "mlock2", 0x80000016 },
	{ 0x00000016, 11, "execve", 0x00000016 },          /* s390 */
	{ 0xc00000f3, 221, "execve", 0xc00000f3 },         /* riscv64 */
	{ 0xc00000f3, 63, "read", 0xc00000f3 },
	{ 0xc00000f3, 259, "riscv_flush_icache", 0xc00000f3 },
	{ 0x00000008, 4011, "execve", 0x00000008 },        /* mips o32, numbers from 4000 */
	{ 0x00000008, 4003, "read", 0x00000008 },
	{ 0x40000008, 4011, "execve", 0x40000008 },        /* mipsel */
	{ 0x80000008, 5057, "execve", 0x80000008 },        /* mips64 n64, from 5000 */
	{ 0x80000008, 5000, "read", 0x80000008 },
	{ 0x80000008, 5010, "mprotect", 0x80000008 },
	{ 0xa0000008, 6057, "execve", 0xa0000008 },        /* mips64 n32, from 6000 */
	{ 0xc0000008, 5057, "execve", 0xc0000008 },        /* mipsel64 */
	{ 0xe0000008, 6057, "execve", 0xe0000008 },        /* mipsel64n32 */
};

START_TEST(test_name)
{
	const struct name_case *t = &name_cases[_i];
	scl_mapper *m = NULL;
	const char *name = NULL;
	uint32_t eff = 0, nr = 0;

	ck_assert_int_eq(scl_mapper_new(&m), 0);
	ck_assert_msg(scl_mapper_name(m, t->arch, t->nr, &name, &eff) == 0, "case %d: %08x %u", _i, t->arch, t->nr);
	ck_assert_str_eq(name, t->name);
	ck_assert_uint_eq(eff, t->eff);
	/* and back: the number on the effective arch is the one logged */
	ck_assert_int_eq(scl_mapper_number(m, t->eff, t->name, &nr), 0);
	ck_assert_uint_eq(nr, t->nr);
	/* ret_arch may be NULL */
	ck_assert_int_eq(scl_mapper_name(m, t->arch, t->nr, &name, NULL), 0);
	scl_mapper_free(m);
}
END_TEST

/* Reported, never a name: an unknown arch, a number the table lacks. */
static const struct fail_case {
	uint32_t arch, nr;
	int err;
} fail_cases[] = {
	{ 0xdeadbeef, 0, -EAFNOSUPPORT },
	{ 0, 0, -EAFNOSUPPORT },
	{ SCL_ARCH_X86, 0x40000000U + 11, -ENOENT }, /* the x32 bit only means x32 under x86_64 */
	{ SCL_ARCH_X86_64, 99999, -ENOENT },
	{ SCL_ARCH_X86_64, 0xffffffffU, -ENOENT }, /* syscall=-1, real (see tests/data/README.md) */
	{ SCL_ARCH_X86_64, 0x80000000U, -ENOENT },
	{ SCL_ARCH_X86_64, 0x40000000U + 59, -ENOENT }, /* x32 has no 59: 520 is its execve */
	{ SCL_ARCH_AARCH64, 0x40000000U + 520, -ENOENT }, /* the x32 bit means nothing elsewhere */
	{ SCL_ARCH_ARM, 983045 + 100, -ENOENT },
	{ 0xc00000f3, 4000, -ENOENT },
};

START_TEST(test_fail)
{
	const struct fail_case *t = &fail_cases[_i];
	scl_mapper *m = NULL;
	const char *name = "untouched";
	uint32_t eff = 0xa5a5a5a5U;

	ck_assert_int_eq(scl_mapper_new(&m), 0);
	for (int round = 0; round < 2; round++) { /* the negative answer is cached, and the same */
		int r = scl_mapper_name(m, t->arch, t->nr, &name, &eff);
		ck_assert_msg(r == t->err, "case %d round %d: r=%d", _i, round, r);
		ck_assert_str_eq(name, "untouched");
		ck_assert_uint_eq(eff, 0xa5a5a5a5U);
	}
	scl_mapper_free(m);
}
END_TEST

START_TEST(test_number_fail)
{
	scl_mapper *m = NULL;
	uint32_t nr = 0xa5a5a5a5U;

	ck_assert_int_eq(scl_mapper_new(&m), 0);
	ck_assert_int_eq(scl_mapper_number(m, SCL_ARCH_X86_64, "no_such_syscall", &nr), -ENOENT);
	ck_assert_int_eq(scl_mapper_number(m, 0xdeadbeef, "read", &nr), -EAFNOSUPPORT);
	ck_assert_int_eq(scl_mapper_number(m, SCL_ARCH_AARCH64, "arch_prctl", &nr), -ENOENT);
	ck_assert_uint_eq(nr, 0xa5a5a5a5U);
	ck_assert_int_eq(scl_mapper_number(m, SCL_ARCH_X32, "execve", &nr), 0);
	ck_assert_uint_eq(nr, 0x40000000U + 520);
	scl_mapper_free(m);
}
END_TEST

START_TEST(test_intern)
{
	scl_mapper *m = NULL;
	const char *a = NULL, *b = NULL, *c = NULL, *first[64];
	char buf[32];

	ck_assert_int_eq(scl_mapper_new(&m), 0);
	/* the same name from two arches and two numbers is one pointer */
	ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 0, &a, NULL), 0);
	ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_AARCH64, 63, &b, NULL), 0);
	ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 0x40000000U, &c, NULL), 0);
	ck_assert_str_eq(a, "read");
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_eq(a, c);
	ck_assert_ptr_eq(scl_mapper_intern(m, "read"), a);
	/* a name read from a profile, not from libseccomp */
	b = scl_mapper_intern(m, "not_a_syscall");
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b, "not_a_syscall");
	ck_assert_ptr_eq(scl_mapper_intern(m, "not_a_syscall"), b);
	ck_assert_ptr_ne(scl_mapper_intern(m, "not_a_syscall2"), b);
	/* pointers stay valid, and unique, while the table grows many times */
	for (int i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "name%d", i);
		c = scl_mapper_intern(m, buf);
		ck_assert_ptr_nonnull(c);
		if (i < 64)
			first[i] = c;
	}
	for (int i = 0; i < 64; i++) {
		snprintf(buf, sizeof(buf), "name%d", i);
		ck_assert_ptr_eq(scl_mapper_intern(m, buf), first[i]);
		ck_assert_str_eq(first[i], buf);
	}
	ck_assert_ptr_eq(scl_mapper_intern(m, "read"), a);
	/* many (arch, nr) keys: the number table grows too, answers stay */
	for (uint32_t nr = 0; nr < 2000; nr++) {
		const char *n1 = NULL;
		int r = scl_mapper_name(m, SCL_ARCH_X86_64, nr, &n1, NULL);
		ck_assert(r == 0 || r == -ENOENT);
	}
	ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 0, &c, NULL), 0);
	ck_assert_ptr_eq(c, a);
	ck_assert_ptr_null(scl_mapper_intern(m, NULL));
	ck_assert_ptr_null(scl_mapper_intern(NULL, "read"));
	scl_mapper_free(m);
	scl_mapper_free(NULL);
}
END_TEST

static const struct alias_case {
	const char *name;
	uint32_t token; /* 0: unknown */
} alias_cases[] = {
	{ "x86_64", SCL_ARCH_X86_64 },
	{ "amd64", SCL_ARCH_X86_64 },
	{ "x86-64", SCL_ARCH_X86_64 },
	{ "SCMP_ARCH_X86_64", SCL_ARCH_X86_64 },
	{ "x86", SCL_ARCH_X86 },
	{ "i386", SCL_ARCH_X86 },
	{ "i686", SCL_ARCH_X86 },
	{ "x32", SCL_ARCH_X32 },
	{ "SCMP_ARCH_X32", SCL_ARCH_X32 },
	{ "aarch64", SCL_ARCH_AARCH64 },
	{ "arm64", SCL_ARCH_AARCH64 },
	{ "arm", SCL_ARCH_ARM },
	{ "armhf", SCL_ARCH_ARM },
	{ "ppc64le", 0xc0000015 },
	{ "ppc64el", 0xc0000015 },
	{ "ppc64-le", 0xc0000015 },
	{ "s390x", 0x80000016 },
	{ "riscv64", 0xc00000f3 },
	{ "mips", 0x00000008 },
	{ "mipsel", 0x40000008 },
	{ "mips-le", 0x40000008 },
	{ "mips64", 0x80000008 },
	{ "mips64n32", 0xa0000008 },
	{ "mips64-n32", 0xa0000008 },
	{ "mips64-le-n32", 0xe0000008 },
	{ "SCMP_ARCH_MIPSEL64N32", 0xe0000008 },
	{ "vax", 0 },
	{ "", 0 },
	{ "X86_64", 0 },
	{ "scmp_arch_x86_64", 0 },
	{ "x86_64 ", 0 },
};

START_TEST(test_by_name)
{
	const struct alias_case *t = &alias_cases[_i];
	const scl_arch_info *a = scl_arch_by_name(t->name);

	if (!t->token) {
		ck_assert_msg(a == NULL, "'%s' should be unknown", t->name);
		return;
	}
	ck_assert_msg(a != NULL, "'%s' unknown", t->name);
	ck_assert_uint_eq(a->token, t->token);
}
END_TEST

START_TEST(test_table)
{
	size_t n = 0;

	ck_assert_ptr_null(scl_arch_by_name(NULL));
	ck_assert_ptr_null(scl_arch_by_token(0));
	ck_assert_ptr_null(scl_arch_by_token(0xdeadbeef));
	for (const scl_arch_info *a; (a = scl_arch_at(n)); n++) {
		char oci[64];

		ck_assert_ptr_eq(scl_arch_by_token(a->token), a);
		ck_assert_ptr_eq(scl_arch_by_name(a->name), a);
		ck_assert_ptr_eq(scl_arch_by_name(a->oci_name), a);
		ck_assert_ptr_eq(scl_arch_by_name(a->systemd_name), a);
		/* the OCI name is the libseccomp token name */
		snprintf(oci, sizeof(oci), "SCMP_ARCH_%s", a->name);
		for (char *s = oci; *s; s++)
			if (*s >= 'a' && *s <= 'z')
				*s = (char)(*s - 'a' + 'A');
		ck_assert_str_eq(a->oci_name, oci);
		/* libseccomp's own token for that name, where it knows the arch */
		if (seccomp_arch_resolve_name(a->name))
			ck_assert_uint_eq(seccomp_arch_resolve_name(a->name), a->token);
		for (size_t j = 0; j < 3 && a->subarches[j]; j++) {
			ck_assert_ptr_nonnull(scl_arch_by_token(a->subarches[j]));
			ck_assert_uint_ne(a->subarches[j], a->token);
		}
	}
	ck_assert_uint_ge(n, 20);
	ck_assert_ptr_null(scl_arch_at(n));
	/* the sub-architectures the OCI runtimes expect */
	ck_assert_uint_eq(scl_arch_by_token(SCL_ARCH_X86_64)->subarches[0], SCL_ARCH_X86);
	ck_assert_uint_eq(scl_arch_by_token(SCL_ARCH_X86_64)->subarches[1], SCL_ARCH_X32);
	ck_assert_uint_eq(scl_arch_by_token(SCL_ARCH_AARCH64)->subarches[0], SCL_ARCH_ARM);
	ck_assert_uint_eq(scl_arch_by_token(0x80000016)->subarches[0], 0x00000016);
	ck_assert_uint_eq(scl_arch_by_token(0xc0000015)->subarches[0], 0);
	ck_assert_ptr_nonnull(scl_arch_by_token(scl_arch_native()));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch");
	TCase *tc = tcase_create("mapper");

	tcase_add_loop_test(tc, test_name, 0, (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	tcase_add_loop_test(tc, test_fail, 0, (int)(sizeof(fail_cases) / sizeof(fail_cases[0])));
	tcase_add_test(tc, test_number_fail);
	tcase_add_test(tc, test_intern);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_by_name, 0, (int)(sizeof(alias_cases) / sizeof(alias_cases[0])));
	tcase_add_test(tc, test_table);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
