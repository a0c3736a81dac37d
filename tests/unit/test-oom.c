/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocation failure: each constructor and reader, with its N-th allocation
 * failing for every N until it succeeds, returns an error (-ENOMEM where it
 * is ours to say), does not crash, and frees what it had taken (the bytes
 * allocated and freed meanwhile add up to zero).  malloc, calloc, realloc and
 * free are replaced in this executable, which glibc supports (its own strdup
 * and stdio allocate through them too).  Not under ASan, which owns malloc
 * itself: there the suite only says it skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/arch.h"
#include "scmplog/container.h"
#include "scmplog/learn.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"
#include "scmplog/source.h"
#include "unit-util.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_INJECT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_INJECT 0
#endif
#endif
#ifndef HAVE_INJECT
#define HAVE_INJECT 1
#endif

static long fail_in = -1; /* allocations left before the failing one; -1: off */
static bool failed;
static long long heap;    /* bytes allocated minus bytes freed, by malloc_usable_size() */

#if HAVE_INJECT
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

static bool inject(void)
{
	if (fail_in < 0)
		return false;
	if (fail_in-- > 0)
		return false;
	failed = true;
	errno = ENOMEM; /* as glibc's malloc does */
	return true;
}

static void *count(void *p)
{
	if (p)
		heap += (long long)malloc_usable_size(p);
	return p;
}

void *malloc(size_t n)
{
	return inject() ? NULL : count(__libc_malloc(n));
}

void *calloc(size_t n, size_t m)
{
	return inject() ? NULL : count(__libc_calloc(n, m));
}

void *realloc(void *p, size_t n)
{
	long long had = p ? (long long)malloc_usable_size(p) : 0;
	void *q;

	if (inject())
		return NULL;
	q = __libc_realloc(p, n);
	if (q || n == 0)
		heap -= had;
	return count(q);
}

void free(void *p)
{
	if (p)
		heap -= (long long)malloc_usable_size(p);
	__libc_free(p);
}
#endif

static int proc_fd = -1;

/* Each op builds, uses and frees; returns 0 or the first error. */
static int op_mapper(void)
{
	scl_mapper *m = NULL;
	const char *name;
	uint32_t arch, nr;
	int r = scl_mapper_new(&m);

	if (r < 0)
		return r;
	r = scl_mapper_name(m, SCL_ARCH_X86_64, 59, &name, &arch);
	if (r == 0)
		r = scl_mapper_number(m, SCL_ARCH_AARCH64, "openat", &nr);
	if (r == 0 && !scl_mapper_intern(m, "not_a_syscall"))
		r = -ENOMEM;
	scl_mapper_free(m);
	return r;
}

/* The model and its merge; not the JSON reader, as json-c itself crashes when a key's strdup fails. */
static int op_profile(void)
{
	static const char *const names[] = { "read", "write", "openat", "execve", "mmap", "futex" };
	scl_profile *a = NULL, *b = NULL;
	scl_profile_syscall *v = NULL;
	size_t n;
	int r = scl_profile_new(&a);

	if (r < 0)
		return r;
	r = scl_profile_new(&b);
	for (size_t i = 0; r == 0 && i < sizeof(names) / sizeof(names[0]); i++)
		r = scl_profile_allow(i % 2 ? a : b, names[i], i + 1);
	if (r == 0)
		r = scl_profile_add_arch(a, SCL_ARCH_X86_64);
	if (r == 0)
		r = scl_profile_allow_on_arch(b, "clone3", SCL_ARCH_AARCH64, 1);
	if (r == 0)
		r = scl_profile_merge(a, b);
	if (r == 0)
		r = scl_profile_syscalls(a, &v, &n);
	free(v);
	scl_profile_free(b);
	scl_profile_free(a);
	return r < 0 ? r : 0;
}

static int op_learn(void)
{
	static const char line[] = "type=SECCOMP msg=audit(1795707527.992:1994): auid=4294967295 uid=0 gid=0 "
				   "ses=4294967295 pid=13520 comm=\"gen\" exe=\"/tmp/gen\" sig=0 arch=c000003e "
				   "syscall=59 compat=0 ip=0x7f3ac19dbad7 code=0x7ffc0000";
	scl_learn *l = NULL;
	scl_record rec;
	scl_skip_reason why;
	int r;

	if (scl_record_parse_line(line, sizeof(line) - 1, &rec, &why, NULL) != SCL_LINE_RECORD)
		return -EINVAL;
	r = scl_learn_new(&l);
	if (r < 0)
		return r;
	r = scl_learn_add(l, &rec, "g", 1);
	scl_learn_free(l);
	return r;
}

static int op_scan(void)
{
	static const scl_scan_ops no_ops = { 0 };
	scl_reader *rd = NULL;
	int fd = open(unit_data_path("journal-export.txt"), O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = scl_reader_open_fd(fd, "export", &rd);
	if (r == 0) {
		r = scl_scan(rd, &no_ops, NULL);
		scl_reader_free(rd);
	}
	close(fd);
	return r;
}

static int op_container_cache(void)
{
	scl_container_cache *c = NULL;
	scl_container ct;
	int r = scl_container_cache_new(proc_fd, 0, 0, &c);

	if (r < 0)
		return r;
	r = scl_container_cache_lookup(c, 1004, &ct);
	scl_container_cache_free(c);
	return r < 0 ? r : 0;
}

static const struct oom_case {
	const char *name;
	int (*op)(void);
	bool ours; /* every failure is ours to report: exactly -ENOMEM; else any error, or none */
} cases[] = {
	{ "mapper", op_mapper, true },
	{ "profile model", op_profile, true },
	{ "learn", op_learn, true },
	{ "scan export", op_scan, true },
	{ "container cache", op_container_cache, true },
};

static void setup(void)
{
	proc_fd = open(unit_data_path("proc"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(proc_fd, 0);
}

static void teardown(void)
{
	close(proc_fd);
}

START_TEST(test_oom)
{
	const struct oom_case *t = &cases[_i];
	long k;

	if (!HAVE_INJECT) {
		fprintf(stderr, "test-oom: under ASan, skipped\n");
		return;
	}
	/* once without failures: one-time allocations (libseccomp, json-c) happen here */
	ck_assert_msg(t->op() == 0, "%s: fails without injected failures", t->name);
	for (k = 0; k < 100000; k++) {
		long long before = heap, after;
		int r;

		failed = false;
		fail_in = k;
		r = t->op();
		fail_in = -1;
		after = heap;
		if (!failed) {
			ck_assert_msg(r == 0, "%s: %d without a failed allocation", t->name, r);
			break;
		}
		ck_assert_msg(t->ours ? r == -ENOMEM : r <= 0, "%s: allocation %ld failed, returned %d", t->name, k,
			      r);
		ck_assert_msg(after == before, "%s: allocation %ld failed, %lld bytes leaked", t->name, k,
			      after - before);
	}
	ck_assert_msg(k < 100000, "%s: never succeeded", t->name);
}
END_TEST

/* A syscall name that failed to allocate is not remembered as unknown. */
START_TEST(test_mapper_retry)
{
	scl_mapper *m = NULL;
	const char *name = NULL;
	uint32_t arch;
	int r;

	if (!HAVE_INJECT)
		return;
	ck_assert_int_eq(scl_mapper_new(&m), 0);
	for (long k = 0; k < 2; k++) { /* libseccomp's strdup(), then the interning */
		failed = false;
		fail_in = k;
		r = scl_mapper_name(m, SCL_ARCH_X86_64, 59, &name, &arch);
		fail_in = -1;
		ck_assert(failed);
		ck_assert_int_eq(r, -ENOMEM);
		ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 59, &name, &arch), 0);
		ck_assert_str_eq(name, "execve");
		ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 59, &name, &arch), 0);
		scl_mapper_free(m);
		ck_assert_int_eq(scl_mapper_new(&m), 0);
	}
	/* an unknown number still is, and stays so */
	ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 99999, &name, &arch), -ENOENT);
	ck_assert_int_eq(scl_mapper_name(m, SCL_ARCH_X86_64, 99999, &name, &arch), -ENOENT);
	scl_mapper_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oom");
	TCase *tc = tcase_create("oom");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_oom, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_mapper_retry);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
