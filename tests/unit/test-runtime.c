/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/arch.h"
#include "scmplog/profile.h"
#include "scmplog/runtime.h"
#include "unit-util.h"

/* The table: ids, every name a syscall of x86_64 (the runtimes measured here), reasons and sources given. */
START_TEST(test_table)
{
	ck_assert_uint_eq(scl_runtime_count(), 3);
	ck_assert_ptr_null(scl_runtime_at(3));
	ck_assert_ptr_null(scl_runtime_by_id("podman"));
	ck_assert_ptr_null(scl_runtime_by_id(""));
	for (size_t i = 0; i < scl_runtime_count(); i++) {
		const scl_runtime *rt = scl_runtime_at(i);

		ck_assert_ptr_eq(scl_runtime_by_id(rt->id), rt);
		ck_assert_uint_gt(rt->n_parts, 0);
		ck_assert_uint_le(rt->n_parts, SCL_RUNTIME_MAX_PARTS);
		ck_assert_uint_gt(strlen(rt->what), 0);
		for (size_t pi = 0; pi < rt->n_parts; pi++) {
			const scl_runtime_part *part = rt->parts[pi];

			ck_assert_uint_gt(part->n_syscalls, 0);
			for (size_t k = 0; k < part->n_syscalls; k++) {
				const scl_runtime_syscall *s = &part->syscalls[k];
				uint32_t nr;

				ck_assert_msg(scl_arch_syscall_number(SCL_ARCH_X86_64, s->name, &nr) == 0,
					      "%s: '%s' is no x86_64 syscall", part->id, s->name);
				ck_assert_msg(strlen(s->why) > 0 && strlen(s->where) > 0, "%s: %s without reason or source",
					      part->id, s->name);
				/* within a part, once */
				for (size_t j = 0; j < k; j++)
					ck_assert_str_ne(part->syscalls[j].name, s->name);
				/* nothing is claimed as seen for a runtime never run here */
				if (!rt->tested)
					ck_assert(!s->seen);
			}
		}
	}
	ck_assert(scl_runtime_by_id("runc")->tested);
	ck_assert(scl_runtime_by_id("docker")->tested);
	ck_assert(!scl_runtime_by_id("crun")->tested);
}
END_TEST

/* The union of a runtime's parts, each name once. */
static size_t union_size(const scl_runtime *rt)
{
	const char *seen[256];
	size_t n = 0;

	for (size_t pi = 0; pi < rt->n_parts; pi++)
		for (size_t k = 0; k < rt->parts[pi]->n_syscalls; k++) {
			const char *name = rt->parts[pi]->syscalls[k].name;
			bool dup = false;

			for (size_t j = 0; j < n && !dup; j++)
				dup = !strcmp(seen[j], name);
			if (!dup) {
				ck_assert_uint_lt(n, 256);
				seen[n++] = name;
			}
		}
	return n;
}

/* Applied to a learned profile: what it lacked is added, once, with 0 records; again: nothing. */
START_TEST(test_apply)
{
	const scl_runtime *rt = scl_runtime_at((size_t)_i);
	scl_profile *p = NULL;
	scl_runtime_change *v = NULL;
	size_t n = 99, total = union_size(rt);
	scl_profile_syscall s;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X86_64), 0);
	ck_assert_int_eq(scl_profile_allow(p, "execve", 3), 0);
	ck_assert_int_eq(scl_profile_allow(p, "exit_group", 1), 0);
	ck_assert_int_eq(scl_runtime_apply(p, rt, &v, &n), 0);
	ck_assert_uint_eq(n, total - 1 - (strcmp(rt->id, "docker") == 0)); /* execve, and docker-init's exit_group */
	ck_assert_uint_eq(scl_profile_count(p), 2 + n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_ne(v[i].syscall->name, "execve");
		ck_assert_int_eq(scl_profile_get(p, v[i].syscall->name, &s), 0);
		ck_assert_uint_eq(s.records, 0);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(v[j].syscall->name, v[i].syscall->name);
	}
	ck_assert_int_eq(scl_profile_get(p, "execve", &s), 0);
	ck_assert_uint_eq(s.records, 3);
	free(v);
	v = NULL;
	ck_assert_int_eq(scl_runtime_apply(p, rt, &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(scl_runtime_apply(p, rt, NULL, NULL), 0);
	scl_profile_free(p);
}
END_TEST

/* The syscalls seen to fail runc starts are in runc's and Docker's baselines; Docker's holds runc's. */
START_TEST(test_runc_docker)
{
	static const char *const must[] = { "futex", "rt_sigreturn", "tgkill", "nanosleep", "sched_yield",
					    "epoll_pwait", "mmap", "madvise", "clone", "faccessat2" };
	scl_profile *a = NULL, *b = NULL;
	scl_profile_syscall *v = NULL, s;
	size_t n = 0;

	ck_assert_int_eq(scl_profile_new(&a), 0);
	ck_assert_int_eq(scl_profile_new(&b), 0);
	ck_assert_int_eq(scl_runtime_apply(a, scl_runtime_by_id("runc"), NULL, NULL), 0);
	ck_assert_int_eq(scl_runtime_apply(b, scl_runtime_by_id("docker"), NULL, NULL), 0);
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		ck_assert_msg(scl_profile_get(a, must[i], &s) == 0, "runc lacks %s", must[i]);
		ck_assert_msg(scl_profile_get(b, must[i], &s) == 0, "docker lacks %s", must[i]);
	}
	ck_assert_int_eq(scl_profile_syscalls(a, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(scl_profile_get(b, v[i].name, &s) == 0, "docker lacks runc's %s", v[i].name);
	free(v);
	ck_assert_int_eq(scl_profile_get(b, "rt_sigtimedwait", &s), 0); /* docker-init */
	ck_assert_int_ne(scl_profile_get(a, "rt_sigtimedwait", &s), 0);
	scl_profile_free(a);
	scl_profile_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("runtime");
	TCase *tc = tcase_create("runtime");

	tcase_add_test(tc, test_table);
	tcase_add_loop_test(tc, test_apply, 0, (int)scl_runtime_count());
	tcase_add_test(tc, test_runc_docker);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
