/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "unit-util.h"

#define CONTAINERS_PROFILE "/usr/share/containers/seccomp.json"

static scl_profile *sentinel(void)
{
	return (scl_profile *)(uintptr_t)0x5a5a;
}

/* Read a string; the test fails unless it parses. */
static scl_profile *read_ok(const char *json, char ***warnings)
{
	scl_profile *p = NULL;
	char err[512] = "";
	int r = scl_profile_read_oci(json, strlen(json), &p, warnings, err, sizeof(err));

	ck_assert_msg(r == 0, "read failed (%d): %s", r, err);
	ck_assert(p != NULL);
	return p;
}

typedef int (*write_fn)(const scl_profile *p, FILE *f);

/* Write with fn into a malloc'd string. */
static char *write_str(const scl_profile *p, write_fn fn)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f != NULL);
	ck_assert_int_eq(fn(p, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static int write_k8s_default(const scl_profile *p, FILE *f)
{
	scl_k8s_options o = { .name = "test" };
	return scl_profile_write_k8s(p, &o, f);
}

static bool has_warning(char **w, const char *needle)
{
	for (; w && *w; w++)
		if (strstr(*w, needle))
			return true;
	return false;
}

/* ------------------------------------------------------------ reader errors */

#define MIN "\"defaultAction\": \"SCMP_ACT_ERRNO\""
#define RULE(x) "{" MIN ", \"syscalls\": [" x "]}"

_Static_assert(SCL_MAX_PROFILE_STRING == 64, "the limit cases below are written for 64");

static const struct err_case {
	const char *json;
	size_t n;            /* 0: strlen */
	int err;
	const char *msg;     /* substring of the error message */
} err_cases[] = {
	{ "", 0, -EINVAL, "empty" },
	{ "  \n\t", 0, -EINVAL, "empty" },
	{ "{", 0, -EINVAL, "unexpected end" },
	{ "{\n\"defaultAction\": \"SCMP_ACT_ERRNO\",\n}", 0, -EINVAL, "line 3" },
	{ "{\"defaultAction\": 'SCMP_ACT_ERRNO'}", 0, -EINVAL, "line 1, column" },
	{ "[]", 0, -EINVAL, "top level: expected an object" },
	{ "\"x\"", 0, -EINVAL, "top level" },
	{ "null", 0, -EINVAL, "null" },
	{ "{}", 0, -EINVAL, "defaultAction: missing" },
	{ "{\"defaultAction\": 5}", 0, -EINVAL, "defaultAction: expected a string, got an integer" },
	{ "{\"defaultAction\": \"SCMP_ACT_FOO\"}", 0, -EINVAL, "unknown action \"SCMP_ACT_FOO\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_\\u001b[2J\"}", 0, -EINVAL, "\\x1b[2J" },
	{ "{" MIN ", \"defaultErrnoRet\": -1}", 0, -EINVAL, "defaultErrnoRet: expected a non-negative" },
	{ "{" MIN ", \"defaultErrnoRet\": 65536}", 0, -EINVAL, "out of range" },
	{ "{" MIN ", \"defaultErrnoRet\": 1.5}", 0, -EINVAL, "got a fractional number" },
	{ "{" MIN ", \"defaultErrnoRet\": true}", 0, -EINVAL, "got a boolean" },
	{ "{" MIN ", \"architectures\": \"SCMP_ARCH_X86_64\"}", 0, -EINVAL, "architectures: expected an array" },
	{ "{" MIN ", \"architectures\": [1]}", 0, -EINVAL, "architectures[0]: expected a string" },
	{ "{" MIN ", \"archMap\": [{\"subArchitectures\": []}]}", 0, -EINVAL, "archMap[0]: missing" },
	{ "{" MIN ", \"syscalls\": {}}", 0, -EINVAL, "syscalls: expected an array" },
	{ RULE("5"), 0, -EINVAL, "syscalls[0]: expected an object" },
	{ RULE("{\"names\": [\"read\"]}"), 0, -EINVAL, "syscalls[0].action: missing" },
	{ RULE("{\"names\": \"read\", \"action\": \"SCMP_ACT_ALLOW\"}"), 0, -EINVAL,
	  "syscalls[0].names: expected an array of strings" },
	{ RULE("{\"names\": [\"read\", 7], \"action\": \"SCMP_ACT_ALLOW\"}"), 0, -EINVAL,
	  "syscalls[0].names[1]: expected a string" },
	{ RULE("{\"names\": [\"Read\"], \"action\": \"SCMP_ACT_ALLOW\"}"), 0, -EINVAL,
	  "syscalls[0].names[0]: invalid syscall name \"Read\"" },
	{ RULE("{\"names\": [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"], "
	       "\"action\": \"SCMP_ACT_ALLOW\"}"),
	  0, -EINVAL, "invalid syscall name" },
	{ RULE("{\"names\": [\"re\\u0000ad\"], \"action\": \"SCMP_ACT_ALLOW\"}"), 0, -EINVAL, "NUL" },
	{ RULE("{\"name\": \"../x\", \"action\": \"SCMP_ACT_ALLOW\"}"), 0, -EINVAL,
	  "syscalls[0].name: invalid syscall name" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"op\": "
	       "\"SCMP_CMP_EQ\"}]}"),
	  0, -EINVAL, "syscalls[0].args[0].index: 6 is out of range" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"op\": \"SCMP_CMP_EQ\"}]}"), 0,
	  -EINVAL, "missing \"index\"" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"op\": "
	       "\"SCMP_CMP_FOO\"}]}"),
	  0, -EINVAL, "unknown operator" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": "
	       "-1, \"op\": \"SCMP_CMP_EQ\"}]}"),
	  0, -EINVAL, "args[0].value: expected a non-negative" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": "
	       "18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}"),
	  0, -EINVAL, "line 1: integer out of range" },
	{ "{" MIN ",\n\"defaultErrnoRet\": -9223372036854775809}", 0, -EINVAL, "line 2: integer out of range" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": []}"), 0, -EINVAL,
	  "syscalls[0].includes: expected an object" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP X\"]}}"),
	  0, -EINVAL, "syscalls[0].includes.caps[0]: invalid value" },
	/* SCL_MAX_PROFILE_STRING (64) + 1 bytes */
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC\"]}}"),
	  0, -EINVAL, "syscalls[0].includes.caps[0]: over SCL_MAX_PROFILE_STRING (64 bytes)" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": \"44444444444444444444444444444444444444444444444444444444444444444\"}}"),
	  0, -EINVAL, "syscalls[0].excludes.minKernel: over SCL_MAX_PROFILE_STRING (64 bytes)" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 70000}"), 0, -EINVAL,
	  "syscalls[0].errnoRet" },
	{ "{" MIN "} trailing", 0, -EINVAL, "line 1" },
	{ "{" MIN "}{}", 0, -EINVAL, "line 1" },
	{ "{" MIN ", \"x\": \"\xff\"}", 0, -EINVAL, "line 1" },
	{ "{" MIN "}\0", 0, -EINVAL, "NUL byte" },
	{ "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [] /* c */}", 0, -EINVAL, "line 1" },
};

START_TEST(test_read_errors)
{
	const struct err_case *t = &err_cases[_i];
	size_t n = t->n ? t->n : strlen(t->json);
	scl_profile *p = sentinel();
	char **w = (char **)(uintptr_t)0x77;
	char err[512] = "";
	int r;

	/* The NUL case: the literal's own terminator is part of the input. */
	if (strstr(t->msg, "NUL byte"))
		n = strlen(t->json) + 1;
	r = scl_profile_read_oci(t->json, n, &p, &w, err, sizeof(err));
	ck_assert_msg(r == t->err, "case %d: r=%d err=%s", _i, r, err);
	ck_assert_msg(strstr(err, t->msg), "case %d: message '%s' lacks '%s'", _i, err, t->msg);
	ck_assert(p == sentinel());
	ck_assert(w == (char **)(uintptr_t)0x77);
	/* No control bytes in messages. */
	for (const char *c = err; *c; c++)
		ck_assert((unsigned char)*c >= 0x20);
}
END_TEST

START_TEST(test_read_depth)
{
	char buf[512];
	size_t n = 0;
	scl_profile *p = sentinel();
	char err[256] = "", **w = NULL;
	int depth = _i == 0 ? SCL_MAX_JSON_DEPTH - 2 : SCL_MAX_JSON_DEPTH + 1;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{" MIN ", \"deep\": ");
	for (int i = 0; i < depth; i++)
		buf[n++] = '[';
	for (int i = 0; i < depth; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	buf[n] = '\0';
	if (_i == 0) {
		ck_assert_int_eq(scl_profile_read_oci(buf, n, &p, &w, err, sizeof(err)), 0);
		ck_assert(has_warning(w, "unknown key \"deep\""));
		scl_strv_free(w);
		scl_profile_free(p);
	} else {
		ck_assert_int_eq(scl_profile_read_oci(buf, n, &p, &w, err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, "SCL_MAX_JSON_DEPTH"), "%s", err);
		ck_assert(p == sentinel());
	}
}
END_TEST

START_TEST(test_read_huge)
{
	size_t n = SCL_MAX_PROFILE_SIZE + 1;
	char *buf = malloc(n), path[] = "/tmp/scl-test-huge.XXXXXX", err[256];
	scl_profile *p = sentinel();
	int fd;

	ck_assert(buf != NULL);
	memset(buf, ' ', n);
	ck_assert_int_eq(scl_profile_read_oci(buf, n, &p, NULL, err, sizeof(err)), -EFBIG);
	ck_assert_msg(strstr(err, "SCL_MAX_PROFILE_SIZE"), "%s", err);
	free(buf);

	/* A file that size, and the same through a pipe (no size up front). */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)n), 0);
	ck_assert_int_eq(scl_profile_read_oci_file(path, &p, NULL, err, sizeof(err)), -EFBIG);
	ck_assert_msg(strstr(err, "SCL_MAX_PROFILE_SIZE"), "%s", err);
	close(fd);
	unlink(path);
	ck_assert(p == sentinel());
}
END_TEST

START_TEST(test_read_huge_pipe)
{
	int fds[2];
	pid_t pid;
	char err[256];
	scl_profile *p = sentinel();

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static char chunk[65536];
		size_t left = SCL_MAX_PROFILE_SIZE + 2;
		close(fds[0]);
		memset(chunk, ' ', sizeof(chunk));
		while (left) {
			size_t k = left < sizeof(chunk) ? left : sizeof(chunk);
			ssize_t w = write(fds[1], chunk, k);
			if (w <= 0)
				_exit(0);
			left -= (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_eq(scl_profile_read_oci_fd(fds[0], &p, NULL, err, sizeof(err)), -EFBIG);
	close(fds[0]);
	ck_assert(p == sentinel());
}
END_TEST

START_TEST(test_read_file_errors)
{
	scl_profile *p = sentinel();
	char err[256];

	ck_assert_int_eq(scl_profile_read_oci_file("/nonexistent/p.json", &p, NULL, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "No such file or directory");
	ck_assert_int_eq(scl_profile_read_oci_file("/", &p, NULL, err, sizeof(err)), -EISDIR);
	ck_assert_int_eq(scl_profile_read_oci_file(NULL, &p, NULL, err, sizeof(err)), -EINVAL);
	ck_assert(p == sentinel());
	/* err may be NULL */
	ck_assert_int_eq(scl_profile_read_oci("{", 1, &p, NULL, NULL, 0), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ reader semantics */

static const struct warn_case {
	const char *json;
	const char *warning;
} warn_cases[] = {
	{ "{" MIN ", \"foo\": 1}", "unknown key \"foo\", ignored" },
	{ "{" MIN ", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"]}", "key \"flags\" is not supported" },
	{ "{" MIN ", \"listenerPath\": \"/x\"}", "key \"listenerPath\" is not supported" },
	{ "{" MIN ", \"architectures\": [\"SCMP_ARCH_FOO\"]}", "architectures[0]: unknown architecture \"SCMP_ARCH_FOO\"" },
	{ RULE("{\"names\": [\"read\"], \"action\": \"SCMP_ACT_LOG\"}"), "rule 0 (read): SCMP_ACT_LOG read as SCMP_ACT_ALLOW" },
	{ RULE("{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, "
	       "\"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
	  "rule 0 (clone): args conditions kept as-is" },
	{ RULE("{\"names\": [\"a\", \"b\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"}"),
	  "rule 0 (a, +1 more): SCMP_ACT_KILL_PROCESS kept as-is" },
	{ RULE("{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"}"), "rule 0: no syscall names, ignored" },
	{ RULE("{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"bogus\": 1}"), "syscalls[0]: unknown key \"bogus\"" },
	{ RULE("{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"vax\"]}}"),
	  "unknown architecture \"vax\" in includes.arches" },
	{ RULE("{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"amd64\"]}, "
	       "\"excludes\": {\"arches\": [\"x86\"]}}"),
	  "both includes.arches and excludes.arches" },
	{ RULE("{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"minKernel\": \"5.0\"}}"),
	  "excludes.minKernel kept as-is" },
	{ RULE("{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"why\"}"), "comment dropped" },
	{ RULE("{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EFOO\"}"),
	  "unknown errno \"EFOO\"" },
	{ "{\"defaultAction\": \"SCMP_ACT_LOG\", \"defaultErrnoRet\": 1}", "defaultErrnoRet is ignored" },
	{ "{" MIN ", \"defaultErrnoRet\": 1, \"defaultErrno\": \"ENOSYS\"}", "disagree" },
};

START_TEST(test_read_warnings)
{
	char **w = NULL;
	scl_profile *p = read_ok(warn_cases[_i].json, &w);

	ck_assert_msg(has_warning(w, warn_cases[_i].warning), "case %d: no warning '%s' (first: %s)", _i,
		      warn_cases[_i].warning, w && w[0] ? w[0] : "none");
	scl_strv_free(w);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_read_no_warnings)
{
	char **w = NULL;
	scl_profile *p = read_ok("{" MIN ", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
				 "\"args\": [], \"comment\": \"\", \"includes\": {}, \"excludes\": {}}]}",
				 &w);

	ck_assert(w != NULL);
	ck_assert(w[0] == NULL);
	ck_assert(scl_profile_allows(p, "read"));
	scl_strv_free(w);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_read_semantics)
{
	char *json = unit_read_file("profiles/rules.json", NULL);
	char **w = NULL;
	scl_profile *p = read_ok(json, &w);
	scl_profile_syscall s;
	const scl_profile_rule *r;

	ck_assert_uint_eq(scl_profile_default_action(p), SCL_ACT_ERRNO);
	ck_assert_uint_eq(scl_profile_default_errno(p), 38);      /* from defaultErrno ENOSYS */
	ck_assert_uint_eq(scl_profile_arch_count(p), 3);
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_X86_64));
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_X32));
	/* plain, LOG, old "name" key */
	ck_assert(scl_profile_allows(p, "read"));
	ck_assert(scl_profile_allows(p, "futex"));
	ck_assert(scl_profile_allows(p, "close"));
	/* includes.arches amd64, x32 */
	ck_assert(!scl_profile_allows(p, "arch_prctl"));
	ck_assert(scl_profile_allows_on_arch(p, "arch_prctl", SCL_ARCH_X86_64));
	ck_assert(scl_profile_allows_on_arch(p, "arch_prctl", SCL_ARCH_X32));
	ck_assert(!scl_profile_allows_on_arch(p, "arch_prctl", SCL_ARCH_X86));
	/* excludes.arches x86 relative to the profile's arches */
	ck_assert(scl_profile_allows_on_arch(p, "modify_ldt", SCL_ARCH_X86_64));
	ck_assert(scl_profile_allows_on_arch(p, "modify_ldt", SCL_ARCH_X32));
	ck_assert(!scl_profile_allows_on_arch(p, "modify_ldt", SCL_ARCH_X86));
	ck_assert(scl_profile_allows_on_arch(p, "set_tls", SCL_ARCH_ARM));
	/* conditional ones are other rules, not plain allows */
	ck_assert(!scl_profile_allows_on_arch(p, "personality", SCL_ARCH_X86_64));
	ck_assert(!scl_profile_allows_on_arch(p, "socket", SCL_ARCH_X86_64));
	ck_assert_uint_eq(scl_profile_rule_count(p), 4);
	r = scl_profile_rule_at(p, 1);
	ck_assert_str_eq(r->names[0], "socket");
	ck_assert_uint_eq(r->action, SCL_ACT_ERRNO);
	ck_assert(r->has_errno_ret);
	ck_assert_uint_eq(r->errno_ret, 22);
	ck_assert_uint_eq(r->n_args, 2);
	ck_assert_uint_eq(r->args[1].value, UINT64_MAX);
	ck_assert_uint_eq(r->args[1].value_two, 255);
	ck_assert_int_eq(r->args[1].op, SCL_CMP_MASKED_EQ);
	ck_assert_str_eq(r->excludes.caps[0], "CAP_AUDIT_WRITE");
	ck_assert_str_eq(r->comment, "no audit sockets, \"quoted\"\tand tabbed");
	r = scl_profile_rule_at(p, 2);
	ck_assert_str_eq(r->includes.min_kernel, "4.8");
	r = scl_profile_rule_at(p, 3);
	ck_assert_str_eq(r->includes.arches[0], "riscv-ish");
	/* stats of a read profile: one run, no records */
	ck_assert_int_eq(scl_profile_get(p, "read", &s), 0);
	ck_assert_uint_eq(s.runs, 1);
	ck_assert_uint_eq(s.records, 0);
	ck_assert(has_warning(w, "unknown key \"x-vendor-note\""));
	ck_assert(has_warning(w, "rule 10: no syscall names"));
	scl_strv_free(w);
	scl_profile_free(p);
	free(json);
}
END_TEST

START_TEST(test_read_seccompprofile_json)
{
	scl_profile *p = read_ok("{\"apiVersion\": \"security-profiles-operator.x-k8s.io/v1\", \"kind\": "
				 "\"SeccompProfile\", \"metadata\": {\"name\": \"x\"}, \"spec\": {\"defaultAction\": "
				 "\"SCMP_ACT_LOG\", \"architectures\": [\"SCMP_ARCH_AARCH64\"], \"syscalls\": "
				 "[{\"action\": \"SCMP_ACT_ALLOW\", \"names\": [\"openat\"]}]}}",
				 NULL);

	ck_assert_uint_eq(scl_profile_default_action(p), SCL_ACT_LOG);
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_AARCH64));
	ck_assert(scl_profile_allows(p, "openat"));
	scl_profile_free(p);
}
END_TEST

START_TEST(test_read_archmap_and_old_names)
{
	scl_profile *p = read_ok("{\"defaultAction\": \"SCMP_ACT_KILL\", \"architectures\": [\"x86_64\", \"i386\"], "
				 "\"archMap\": [{\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": "
				 "[\"SCMP_ARCH_ARM\"]}], \"syscalls\": null}",
				 NULL);

	ck_assert_uint_eq(scl_profile_default_action(p), SCL_ACT_KILL_THREAD);
	ck_assert_uint_eq(scl_profile_arch_count(p), 4);
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_X86));
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_ARM));
	ck_assert_uint_eq(scl_profile_count(p), 0);
	/* the archMap is remembered: narrowed for x86_64, its aarch64 entry goes, the plain ones stay */
	ck_assert(scl_profile_has_arch_map(p));
	{
		uint32_t *removed;
		size_t n;

		ck_assert_int_eq(scl_profile_narrow_arches(p, SCL_ARCH_X86_64, &removed, &n), 0);
		ck_assert_uint_eq(n, 2);
		ck_assert_uint_eq(removed[0], SCL_ARCH_AARCH64);
		ck_assert_uint_eq(removed[1], SCL_ARCH_ARM);
		free(removed);
	}
	ck_assert_uint_eq(scl_profile_arch_count(p), 2);
	scl_profile_free(p);
	/* an entry for an unknown machine is warned about and left out whole */
	{
		char **w = NULL;

		p = read_ok("{\"defaultAction\": \"SCMP_ACT_LOG\", \"archMap\": [{\"architecture\": \"SCMP_ARCH_VAX\", "
			    "\"subArchitectures\": [\"SCMP_ARCH_X86\"]}], \"syscalls\": []}",
			    &w);
		ck_assert(w && w[0] && strstr(w[0], "archMap[0].architecture: unknown architecture"));
		scl_strv_free(w);
	}
	ck_assert_uint_eq(scl_profile_arch_count(p), 0);
	ck_assert(!scl_profile_has_arch_map(p));
	scl_profile_free(p);
}
END_TEST

/* The containers/Docker default profile as Debian ships it. */
START_TEST(test_read_containers_default)
{
	scl_profile *p = NULL, *q = NULL;
	char err[512] = "", **w = NULL, *a, *b;
	uint32_t *arches;
	size_t n;

	if (access(CONTAINERS_PROFILE, R_OK) < 0) {
		fprintf(stderr, "SKIP: %s not installed (golang-github-containers-common)\n", CONTAINERS_PROFILE);
		return;
	}
	ck_assert_msg(scl_profile_read_oci_file(CONTAINERS_PROFILE, &p, &w, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(scl_profile_default_action(p), SCL_ACT_ERRNO);
	ck_assert_uint_eq(scl_profile_default_errno(p), 38);
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_X86_64));
	ck_assert(scl_profile_has_arch(p, SCL_ARCH_AARCH64));
	ck_assert_int_eq(scl_profile_arches(p, &arches, &n), 0);
	ck_assert_uint_ge(n, 7);
	free(arches);
	ck_assert_uint_gt(scl_profile_count(p), 300);
	ck_assert(scl_profile_allows(p, "read"));
	ck_assert(scl_profile_allows(p, "execve"));
	ck_assert(!scl_profile_allows(p, "arch_prctl"));
	ck_assert(scl_profile_allows_on_arch(p, "arch_prctl", SCL_ARCH_X86_64));
	ck_assert(!scl_profile_allows_on_arch(p, "arch_prctl", SCL_ARCH_AARCH64));
	ck_assert(!scl_profile_allows_on_arch(p, "bpf", SCL_ARCH_X86_64));
	ck_assert_uint_gt(scl_profile_rule_count(p), 20);
	ck_assert(has_warning(w, "args conditions kept as-is"));
	ck_assert(has_warning(w, "includes.caps kept as-is"));
	scl_strv_free(w);

	/* Round trip: what we write reads back to the same bytes. */
	a = write_str(p, scl_profile_write_oci);
	q = read_ok(a, NULL);
	b = write_str(q, scl_profile_write_oci);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(scl_profile_count(p), scl_profile_count(q));
	ck_assert_uint_eq(scl_profile_rule_count(p), scl_profile_rule_count(q));
	for (size_t i = 0; i < scl_profile_rule_count(p); i++)
		ck_assert(scl_profile_rule_equal(scl_profile_rule_at(p, i), scl_profile_rule_at(q, i)));
	free(a);
	free(b);
	scl_profile_free(q);
	scl_profile_free(p);
}
END_TEST

/* ------------------------------------------------------------ writers */

static scl_profile *small_profile(int order)
{
	static const char *const names[] = { "write", "exit_group", "read", "_llseek" };
	static const char *const socket[] = { "socket" };
	static const scl_profile_arg args[] = { { 0, 16, 0, SCL_CMP_EQ } };
	scl_profile_rule rule = { .names = socket, .n_names = 1, .action = SCL_ACT_ERRNO,
				  .has_errno_ret = true, .errno_ret = 22, .args = args, .n_args = 1 };
	scl_profile *p = NULL;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	if (order == 0) {
		ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X86_64), 0);
		for (size_t i = 0; i < 4; i++)
			ck_assert_int_eq(scl_profile_allow(p, names[i], i + 1), 0);
	} else {
		ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X32), 0);
		ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_X86_64), 0);
		for (size_t i = 4; i-- > 0;)
			ck_assert_int_eq(scl_profile_allow(p, names[i], i + 1), 0);
	}
	ck_assert_int_eq(scl_profile_allow_on_arch(p, "arch_prctl", SCL_ARCH_X86_64, 1), 0);
	ck_assert_int_eq(scl_profile_add_rule(p, &rule), 0);
	scl_profile_mark_run(p);
	return p;
}

static const char small_oci[] =
	"{\n"
	"  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
	"  \"defaultErrnoRet\": 1,\n"
	"  \"architectures\": [\n"
	"    \"SCMP_ARCH_X86_64\",\n"
	"    \"SCMP_ARCH_X86\",\n"
	"    \"SCMP_ARCH_X32\"\n"
	"  ],\n"
	"  \"syscalls\": [\n"
	"    {\n"
	"      \"names\": [\n"
	"        \"_llseek\",\n"
	"        \"exit_group\",\n"
	"        \"read\",\n"
	"        \"write\"\n"
	"      ],\n"
	"      \"action\": \"SCMP_ACT_ALLOW\"\n"
	"    },\n"
	"    {\n"
	"      \"names\": [\n"
	"        \"arch_prctl\"\n"
	"      ],\n"
	"      \"action\": \"SCMP_ACT_ALLOW\",\n"
	"      \"includes\": {\n"
	"        \"arches\": [\n"
	"          \"amd64\"\n"
	"        ]\n"
	"      }\n"
	"    },\n"
	"    {\n"
	"      \"names\": [\n"
	"        \"socket\"\n"
	"      ],\n"
	"      \"action\": \"SCMP_ACT_ERRNO\",\n"
	"      \"errnoRet\": 22,\n"
	"      \"args\": [\n"
	"        {\n"
	"          \"index\": 0,\n"
	"          \"value\": 16,\n"
	"          \"valueTwo\": 0,\n"
	"          \"op\": \"SCMP_CMP_EQ\"\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

START_TEST(test_write_oci)
{
	scl_profile *p = small_profile(_i);
	char *a = write_str(p, scl_profile_write_oci), *b = write_str(p, scl_profile_write_oci);

	ck_assert_str_eq(a, small_oci);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_write_oci_empty)
{
	scl_profile *p = NULL;
	char *s;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	s = write_str(p, scl_profile_write_oci);
	ck_assert_str_eq(s, "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"defaultErrnoRet\": 1,\n"
			    "  \"architectures\": [],\n  \"syscalls\": []\n}\n");
	free(s);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_LOG, 0), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, SCL_ARCH_AARCH64), 0);
	s = write_str(p, scl_profile_write_oci);
	ck_assert_str_eq(s, "{\n  \"defaultAction\": \"SCMP_ACT_LOG\",\n  \"architectures\": [\n"
			    "    \"SCMP_ARCH_AARCH64\",\n    \"SCMP_ARCH_ARM\"\n  ],\n  \"syscalls\": []\n}\n");
	free(s);
	scl_profile_free(p);
}
END_TEST

/* read -> write -> read -> write gives the same bytes; the writer's output is valid input. */
static const char *const roundtrip_files[] = { "profiles/rules.json", "profiles/rules-int64.json",
					       "profiles/rules.oci.json", "profiles/a.json",
					       "profiles/b.json" };

START_TEST(test_roundtrip)
{
	char *json = unit_read_file(roundtrip_files[_i], NULL);
	scl_profile *p = read_ok(json, NULL), *q;
	char *a = write_str(p, scl_profile_write_oci), *b;

	q = read_ok(a, NULL);
	b = write_str(q, scl_profile_write_oci);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* Also k8s is stable (rules.json and its OCI form hold a value above int64: not written). */
	if (!strstr(roundtrip_files[_i], "profiles/rules.")) {
		a = write_str(p, write_k8s_default);
		b = write_str(q, write_k8s_default);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
	scl_profile_free(q);
	scl_profile_free(p);
	free(json);
}
END_TEST

/*
 * scmplog's own output of rules.json is the golden file (for k8s, of
 * rules-int64.json: the same with a value the API's int64 holds).
 */
START_TEST(test_golden_rules)
{
	static const struct {
		const char *golden;
		write_fn fn;
		const char *input;
	} g[] = {
		{ "profiles/rules.oci.json", scl_profile_write_oci, "profiles/rules.json" },
		{ "profiles/rules.k8s.yaml", write_k8s_default, "profiles/rules-int64.json" },
		{ "profiles/rules.systemd.conf", scl_profile_write_systemd, "profiles/rules.json" },
		{ "profiles/rules.stats.json", scl_profile_write_stats, "profiles/rules.json" },
	};
	char *json = unit_read_file(g[_i].input, NULL);
	char *want = unit_read_file(g[_i].golden, NULL);
	scl_profile *p = read_ok(json, NULL);
	char *got = write_str(p, g[_i].fn);

	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	free(json);
	scl_profile_free(p);
}
END_TEST

static const char small_k8s[] =
	"apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
	"kind: SeccompProfile\n"
	"metadata:\n"
	"  name: my-app-v2\n"
	"spec:\n"
	"  defaultAction: SCMP_ACT_ERRNO\n"
	"  architectures:\n"
	"  - SCMP_ARCH_X86_64\n"
	"  - SCMP_ARCH_X86\n"
	"  - SCMP_ARCH_X32\n"
	"  syscalls:\n"
	"  - action: SCMP_ACT_ALLOW\n"
	"    names:\n"
	"    - _llseek\n"
	"    - arch_prctl\n"
	"    - exit_group\n"
	"    - read\n"
	"    - write\n"
	"  - action: SCMP_ACT_ERRNO\n"
	"    names:\n"
	"    - socket\n"
	"    errnoRet: 22\n"
	"    args:\n"
	"    - index: 0\n"
	"      value: 16\n"
	"      valueTwo: 0\n"
	"      op: SCMP_CMP_EQ\n";

START_TEST(test_write_k8s)
{
	scl_profile *p = small_profile(0);
	scl_k8s_options o = { .name = "My_App v2", .v1beta1 = true };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(scl_profile_write_k8s(p, &o, f), 0);
	fclose(f);
	ck_assert_str_eq(buf, small_k8s);
	free(buf);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_write_k8s_minimal)
{
	scl_profile *p = NULL;
	char *s;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_LOG, 0), 0);
	ck_assert_int_eq(scl_profile_allow(p, "yes", 0), 0);
	ck_assert_int_eq(scl_profile_allow(p, "0day", 0), 0);
	ck_assert_int_eq(scl_profile_allow(p, "nope", 0), 0);
	s = write_str(p, write_k8s_default);
	ck_assert_str_eq(s, "apiVersion: security-profiles-operator.x-k8s.io/v1\n"
			    "kind: SeccompProfile\nmetadata:\n  name: test\nspec:\n"
			    "  defaultAction: SCMP_ACT_LOG\n  syscalls:\n"
			    "  - action: SCMP_ACT_ALLOW\n    names:\n    - \"0day\"\n    - nope\n    - \"yes\"\n");
	free(s);
	scl_profile_free(p);
	ck_assert_int_eq(scl_profile_new(&p), 0);
	s = write_str(p, write_k8s_default);
	ck_assert(strstr(s, "  syscalls: []\n"));
	free(s);
	scl_profile_free(p);
}
END_TEST

#define A61 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct k8s_name_case {
	const char *in;
	const char *out;
} k8s_names[] = {
	{ "nginx", "nginx" },
	{ "My_App v2", "my-app-v2" },
	{ "/usr/bin/python3.11", "usr-bin-python3-11" },
	{ "--x--", "x" },
	{ "", "scmplog-profile" },
	{ "___", "scmplog-profile" },
	{ "caf\xc3\xa9", "caf" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	/* 61 + "-b" fits 63; 62 + "-b" does not */
	{ A61 "-b-c", A61 "-b" },
	{ A61 "a-b", A61 "a" },
};

START_TEST(test_k8s_name)
{
	char out[64];
	int r = scl_k8s_name(k8s_names[_i].in, strlen(k8s_names[_i].in), out, sizeof(out));

	ck_assert_int_eq(r, (int)strlen(k8s_names[_i].out));
	ck_assert_str_eq(out, k8s_names[_i].out);
	ck_assert_int_le(r, 63);
	ck_assert(out[0] != '-' && out[r - 1] != '-');
	ck_assert_int_eq(scl_k8s_name("x", 1, out, 63), -ENOBUFS);
}
END_TEST

/* An architecture security-profiles-operator's CRD lacks is left out, and said so. */
START_TEST(test_k8s_arch_enum)
{
	scl_profile *p = small_profile(0);
	char **w = NULL;
	char *s;

	ck_assert_int_ge(scl_profile_add_arch(p, 0xc0000102), 0); /* loongarch64 */
	s = write_str(p, write_k8s_default);
	ck_assert(strstr(s, "  architectures:\n  - SCMP_ARCH_X86_64\n  - SCMP_ARCH_X86\n  - SCMP_ARCH_X32\n  syscalls:\n"));
	ck_assert(!strstr(s, "LOONGARCH64"));
	free(s);
	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_K8S, &w), 0);
	ck_assert(has_warning(w, "architecture SCMP_ARCH_LOONGARCH64 is not in security-profiles-operator's"));
	scl_strv_free(w);
	/* systemd 252 has no name for it either */
	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_SYSTEMD, &w), 0);
	ck_assert(has_warning(w, "architecture loongarch64 is not known to systemd 252"));
	scl_strv_free(w);
	s = write_str(p, scl_profile_write_systemd);
	ck_assert(strstr(s, "\nSystemCallArchitectures=x86-64 x86 x32\n"));
	free(s);
	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_OCI, &w), 0);
	ck_assert(w && !w[0]);
	scl_strv_free(w);
	scl_profile_free(p);

	/* only loongarch64: no architectures list (the runtime's native one) */
	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, 0xc0000102), 0);
	ck_assert_int_eq(scl_profile_allow(p, "read", 1), 0);
	s = write_str(p, write_k8s_default);
	ck_assert(!strstr(s, "architectures"));
	ck_assert(strstr(s, "    - read\n"));
	free(s);
	scl_profile_free(p);
}
END_TEST

/* A value the API's int64 cannot hold: nothing written. */
START_TEST(test_k8s_value_range)
{
	char *json = unit_read_file("profiles/rules.json", NULL);
	scl_profile *p = read_ok(json, NULL);
	scl_k8s_options o = { .name = "x" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(scl_profile_write_k8s(p, &o, f), -EOPNOTSUPP);
	fclose(f);
	ck_assert_uint_eq(len, 0);
	free(buf);
	free(json);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_write_systemd)
{
	scl_profile *p = small_profile(0);
	char *s = write_str(p, scl_profile_write_systemd);

	ck_assert_str_eq(s, "# generated by scmplog\n"
			    "[Service]\n"
			    "SystemCallArchitectures=x86-64 x86 x32\n"
			    "SystemCallFilter=_llseek arch_prctl exit_group read write\n"
			    "SystemCallErrorNumber=EPERM\n");
	free(s);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_ERRNO, 38), 0);
	s = write_str(p, scl_profile_write_systemd);
	ck_assert(strstr(s, "\nSystemCallErrorNumber=ENOSYS\n"));
	free(s);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_ERRNO, 4000), 0);
	s = write_str(p, scl_profile_write_systemd);
	ck_assert(strstr(s, "\nSystemCallErrorNumber=4000\n"));
	free(s);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_KILL_PROCESS, 0), 0);
	s = write_str(p, scl_profile_write_systemd);
	ck_assert(!strstr(s, "SystemCallErrorNumber"));
	ck_assert(strstr(s, "\nSystemCallFilter=_llseek"));
	free(s);
	ck_assert_int_eq(scl_profile_set_default_action(p, SCL_ACT_LOG, 0), 0);
	s = write_str(p, scl_profile_write_systemd);
	ck_assert(strstr(s, "\nSystemCallLog=~_llseek arch_prctl exit_group read write\n"));
	ck_assert(!strstr(s, "SystemCallFilter"));
	free(s);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_systemd_wrap)
{
	scl_profile *p = NULL;
	char name[32], *s, *line, *nl;
	size_t seen = 0;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "syscall_number_%03d", i);
		ck_assert_int_eq(scl_profile_allow(p, name, 1), 0);
	}
	s = write_str(p, scl_profile_write_systemd);
	ck_assert_uint_eq(s[strlen(s) - 1], '\n');
	for (line = s; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert(nl != NULL);
		*nl = '\0';
		ck_assert_uint_le(strlen(line), 80);
		if (!strncmp(line, "SystemCallFilter=", 17)) {
			for (char *c = line + 17; *c; c++)
				seen += *c == 's' && (c == line + 17 || c[-1] == ' ');
			ck_assert(line[17] != ' ' && line[strlen(line) - 1] != ' ');
		}
	}
	ck_assert_uint_eq(seen, 300);
	free(s);
	scl_profile_free(p);
}
END_TEST

static const struct sd_unsup {
	uint32_t action, errno_ret;
	bool names;
} sd_unsup[] = {
	{ SCL_ACT_TRAP, 0, true },
	{ SCL_ACT_ALLOW, 0, true },
	{ SCL_ACT_TRACE, 1, true },
	{ SCL_ACT_ERRNO, 0, true },
	{ SCL_ACT_ERRNO, 4096, true },
	{ SCL_ACT_ERRNO, 1, false },
	{ SCL_ACT_LOG, 0, false },
};

START_TEST(test_systemd_unsupported)
{
	const struct sd_unsup *t = &sd_unsup[_i];
	scl_profile *p = NULL;
	char *buf = NULL, **w = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_eq(scl_profile_set_default_action(p, t->action, t->errno_ret), 0);
	if (t->names)
		ck_assert_int_eq(scl_profile_allow(p, "read", 1), 0);
	ck_assert_int_eq(scl_profile_write_systemd(p, f), -EOPNOTSUPP);
	fclose(f);
	ck_assert_uint_eq(len, 0);
	/* ... and the losses say why */
	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_SYSTEMD, &w), 0);
	ck_assert(w[0] != NULL);
	scl_strv_free(w);
	free(buf);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_write_stats)
{
	scl_profile *p = small_profile(0);
	char *s = write_str(p, scl_profile_write_stats);

	ck_assert_str_eq(s, "{\n  \"runs\": [\n"
			    "    { \"lost\": null, \"first\": null, \"last\": null }\n"
			    "  ],\n  \"syscalls\": {\n"
			    "    \"_llseek\": { \"records\": 4, \"runs\": 1 },\n"
			    "    \"arch_prctl\": { \"records\": 1, \"runs\": 1 },\n"
			    "    \"exit_group\": { \"records\": 2, \"runs\": 1 },\n"
			    "    \"read\": { \"records\": 3, \"runs\": 1 },\n"
			    "    \"write\": { \"records\": 1, \"runs\": 1 }\n"
			    "  }\n}\n");
	free(s);
	scl_profile_free(p);
	ck_assert_int_eq(scl_profile_new(&p), 0);
	s = write_str(p, scl_profile_write_stats);
	ck_assert_str_eq(s, "{\n  \"runs\": [],\n  \"syscalls\": {}\n}\n");
	free(s);
	scl_profile_free(p);
}
END_TEST

START_TEST(test_losses)
{
	char *json = unit_read_file("profiles/rules.json", NULL);
	scl_profile *p = read_ok(json, NULL);
	char **w = NULL;

	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_OCI, &w), 0);
	ck_assert(w && !w[0]);
	scl_strv_free(w);
	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_K8S, &w), 0);
	ck_assert(has_warning(w, "defaultErrnoRet 38 cannot be expressed"));
	ck_assert(has_warning(w, "set_tls: allowed only on architectures the profile does not list"));
	ck_assert(has_warning(w, "arch_prctl: allowed on every architecture"));
	ck_assert(has_warning(w, "SCMP_ACT_ALLOW rule (bpf, +1 more): left out: needs capability CAP_SYS_ADMIN"));
	ck_assert(has_warning(w, "SCMP_ACT_ERRNO rule (socket): excludes.caps dropped"));
	ck_assert(has_warning(w, "above 2^63-1"));
	scl_strv_free(w);
	ck_assert_int_eq(scl_profile_format_losses(p, SCL_FORMAT_SYSTEMD, &w), 0);
	ck_assert(has_warning(w, "SCMP_ACT_ALLOW rule (personality): not expressible in systemd settings"));
	scl_strv_free(w);
	scl_profile_free(p);
	free(json);
}
END_TEST

static const struct fmt_case {
	const char *s;
	int ret;
	scl_format f;
} fmt_cases[] = {
	{ "oci", 0, SCL_FORMAT_OCI },       { "json", 0, SCL_FORMAT_OCI },
	{ "docker", 0, SCL_FORMAT_OCI },    { "k8s", 0, SCL_FORMAT_K8S },
	{ "kubernetes", 0, SCL_FORMAT_K8S }, { "systemd", 0, SCL_FORMAT_SYSTEMD },
	{ "OCI", -EINVAL, 0 },              { "", -EINVAL, 0 },
	{ "yaml", -EINVAL, 0 },
};

START_TEST(test_format_parse)
{
	scl_format f = (scl_format)99;

	ck_assert_int_eq(scl_format_parse(fmt_cases[_i].s, &f), fmt_cases[_i].ret);
	if (fmt_cases[_i].ret == 0)
		ck_assert_int_eq(f, fmt_cases[_i].f);
	else
		ck_assert_int_eq(f, 99);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *profile_io_suite(void)
{
	Suite *s = suite_create("profile-io");
	TCase *tc = tcase_create("read");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_read_errors, 0, N(err_cases));
	tcase_add_loop_test(tc, test_read_depth, 0, 2);
	tcase_add_test(tc, test_read_huge);
	tcase_add_test(tc, test_read_huge_pipe);
	tcase_add_test(tc, test_read_file_errors);
	tcase_add_loop_test(tc, test_read_warnings, 0, N(warn_cases));
	tcase_add_test(tc, test_read_no_warnings);
	tcase_add_test(tc, test_read_semantics);
	tcase_add_test(tc, test_read_seccompprofile_json);
	tcase_add_test(tc, test_read_archmap_and_old_names);
	tcase_add_test(tc, test_read_containers_default);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, test_write_oci, 0, 2);
	tcase_add_test(tc, test_write_oci_empty);
	tcase_add_loop_test(tc, test_roundtrip, 0, N(roundtrip_files));
	tcase_add_loop_test(tc, test_golden_rules, 0, 4);
	tcase_add_test(tc, test_write_k8s);
	tcase_add_test(tc, test_write_k8s_minimal);
	tcase_add_loop_test(tc, test_k8s_name, 0, N(k8s_names));
	tcase_add_test(tc, test_k8s_arch_enum);
	tcase_add_test(tc, test_k8s_value_range);
	tcase_add_test(tc, test_write_systemd);
	tcase_add_test(tc, test_systemd_wrap);
	tcase_add_loop_test(tc, test_systemd_unsupported, 0, N(sd_unsup));
	tcase_add_test(tc, test_write_stats);
	tcase_add_test(tc, test_losses);
	tcase_add_loop_test(tc, test_format_parse, 0, N(fmt_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(profile_io_suite());
}
