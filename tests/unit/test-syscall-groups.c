/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <seccomp.h>

#include "scmplog/syscall-groups.h"
#include "unit-util.h"

#define ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------ display group */

static const struct of_case {
	const char *syscall;
	const char *group; /* NULL: in no group */
} of_cases[] = {
	{ "mount", "@mount" },
	{ "umount2", "@mount" },
	{ "init_module", "@module" },
	{ "reboot", "@reboot" },
	{ "kexec_load", "@reboot" },
	{ "swapon", "@swap" },
	{ "ioperm", "@raw-io" },
	{ "settimeofday", "@clock" },
	{ "ptrace", "@debug" },
	{ "perf_event_open", "@debug" },
	{ "keyctl", "@keyring" },
	{ "chown", "@chown" },    /* also in @privileged: the subset wins */
	{ "setuid", "@setuid" },  /* also in @privileged */
	{ "bpf", "@privileged" },
	{ "chroot", "@mount" },     /* also in @privileged */
	{ "unshare", "@process" },
	{ "execve", "@default" }, /* systemd always permits it */
	{ "clone", "@process" },
	{ "socket", "@network-io" },
	{ "connect", "@network-io" },
	{ "openat", "@file-system" },
	{ "mkdir", "@file-system" },
	{ "read", "@basic-io" },
	{ "close", "@basic-io" },  /* also in @file-system */
	{ "write", "@basic-io" },
	{ "epoll_wait", "@io-event" },
	{ "io_uring_setup", "@aio" },
	{ "kill", "@process" },
	{ "rt_sigaction", "@signal" },
	{ "fsync", "@sync" },
	{ "mlock", "@memlock" },
	{ "shmget", "@ipc" },
	{ "setrlimit", "@resources" },
	{ "brk", "@default" },
	{ "seccomp", NULL },      /* systemd leaves it ungrouped */
	{ "no_such_syscall", NULL },
	{ "", NULL },
	{ "MOUNT", NULL },        /* exact names only */
};

START_TEST(test_group_of)
{
	const struct of_case *c = &of_cases[_i];
	const scl_sysgroup *g = scl_sysgroup_of(c->syscall);

	if (!c->group) {
		ck_assert_msg(g == NULL, "%s: expected no group, got %s", c->syscall, g ? g->name : "");
		ck_assert_uint_eq(scl_sysgroup_rank(g), scl_sysgroup_rank(NULL));
		return;
	}
	ck_assert_msg(g != NULL, "%s: expected %s, got none", c->syscall, c->group);
	ck_assert_str_eq(g->name, c->group);
	ck_assert(scl_sysgroup_has(g, c->syscall));
	ck_assert_uint_lt(scl_sysgroup_rank(g), scl_sysgroup_rank(NULL));
}
END_TEST

/* ------------------------------------------------------------ lookup by name */

static const struct name_case {
	const char *name;
	const char *want; /* NULL: unknown */
} name_cases[] = {
	{ "@file-system", "@file-system" },
	{ "file-system", "@file-system" },
	{ "@privileged", "@privileged" },
	{ "@system-service", "@system-service" },
	{ "default", "@default" },
	{ "@known", NULL },     /* left out on purpose */
	{ "@File-System", NULL },
	{ "@", NULL },
	{ "", NULL },
	{ "@@mount", NULL },
};

START_TEST(test_by_name)
{
	const struct name_case *c = &name_cases[_i];
	const scl_sysgroup *g = scl_sysgroup_by_name(c->name);

	if (!c->want) {
		ck_assert_ptr_null(g);
		return;
	}
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g->name, c->want);
}
END_TEST

START_TEST(test_by_name_null)
{
	ck_assert_ptr_null(scl_sysgroup_by_name(NULL));
	ck_assert(!scl_sysgroup_has(NULL, "read"));
	ck_assert(!scl_sysgroup_has(scl_sysgroup_by_name("@basic-io"), NULL));
	ck_assert_ptr_null(scl_sysgroup_of(NULL));
	ck_assert_ptr_null(scl_docker_blocked_lookup(NULL));
}
END_TEST

/* ------------------------------------------------------------ the table itself */

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Printable ASCII without '"' and '\\': written into JSON as it is. */
static bool json_safe(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

START_TEST(test_table)
{
	size_t n = 0;
	const scl_sysgroup *g;

	ck_assert_ptr_nonnull(scl_sysgroup_source());
	ck_assert(strstr(scl_sysgroup_source(), "systemd") != NULL);
	for (size_t i = 0; (g = scl_sysgroup_at(i)); i++, n++) {
		ck_assert_msg(g->name[0] == '@', "%s", g->name);
		ck_assert_msg(g->description[0] != '\0', "%s has no description", g->name);
		ck_assert_msg(g->n_syscalls > 0, "%s is empty", g->name);
		ck_assert(json_safe(g->name) && json_safe(g->description));
		for (size_t j = 0; j < g->n_syscalls; j++) {
			ck_assert_msg(valid_name(g->syscalls[j]), "%s: '%s'", g->name, g->syscalls[j]);
			if (j)
				ck_assert_msg(strcmp(g->syscalls[j - 1], g->syscalls[j]) < 0,
					      "%s not sorted at %s", g->name, g->syscalls[j]);
			ck_assert(scl_sysgroup_has(g, g->syscalls[j]));
		}
		/* every group but the composite one is a display group */
		if (strcmp(g->name, "@system-service"))
			ck_assert_msg(scl_sysgroup_rank(g) < scl_sysgroup_rank(NULL), "%s has no rank",
				      g->name);
		else
			ck_assert_uint_eq(scl_sysgroup_rank(g), scl_sysgroup_rank(NULL));
		ck_assert_ptr_eq(scl_sysgroup_by_name(g->name), g);
	}
	ck_assert_uint_ge(n, 25);
	ck_assert_str_eq(scl_sysgroup_at(0)->name, "@default");
}
END_TEST

/* Nested groups are expanded: everything in @chown is in @privileged too. */
static const struct nest_case {
	const char *outer;
	const char *inner;
} nest_cases[] = {
	{ "@privileged", "@chown" },  { "@privileged", "@clock" }, { "@privileged", "@module" },
	{ "@privileged", "@raw-io" }, { "@privileged", "@reboot" }, { "@privileged", "@swap" },
	{ "@system-service", "@file-system" }, { "@system-service", "@network-io" },
	{ "@system-service", "@default" },
};

START_TEST(test_nested)
{
	const scl_sysgroup *o = scl_sysgroup_by_name(nest_cases[_i].outer);
	const scl_sysgroup *in = scl_sysgroup_by_name(nest_cases[_i].inner);

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(in);
	ck_assert(strstr(o->includes, in->name) != NULL);
	for (size_t j = 0; j < in->n_syscalls; j++)
		ck_assert_msg(scl_sysgroup_has(o, in->syscalls[j]), "%s lacks %s of %s", o->name,
			      in->syscalls[j], in->name);
}
END_TEST

START_TEST(test_all_of)
{
	const scl_sysgroup *gs[2];
	const scl_sysgroup *many[64];
	size_t n, m;

	/* chown: @chown, @privileged, @system-service */
	n = scl_sysgroup_all_of("chown", many, ELEMS(many));
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(many[0]->name, "@chown");
	/* a short buffer: the count is still the full one, nothing written past it */
	gs[1] = NULL;
	m = scl_sysgroup_all_of("chown", gs, 1);
	ck_assert_uint_eq(m, n);
	ck_assert_ptr_null(gs[1]);
	ck_assert_uint_eq(scl_sysgroup_all_of("no_such_syscall", many, ELEMS(many)), 0);
	ck_assert_uint_eq(scl_sysgroup_all_of("chown", NULL, 0), 3);
}
END_TEST

/* ------------------------------------------------------------ Docker's blocked list */

static const struct docker_case {
	const char *syscall;
	bool blocked;
	bool conditional;
} docker_cases[] = {
	{ "mount", true, false },   { "umount2", true, false }, { "unshare", true, false },
	{ "setns", true, false },   { "bpf", true, false },     { "ptrace", true, false },
	{ "keyctl", true, false },  { "add_key", true, false }, { "kexec_load", true, false },
	{ "userfaultfd", true, false }, { "_sysctl", true, false }, { "vm86old", true, false },
	{ "clone", true, true },    { "personality", true, true },
	{ "read", false, false },   { "execve", false, false }, { "socket", false, false },
	{ "clone3", false, false }, { "", false, false },       { "Mount", false, false },
};

START_TEST(test_docker_blocked)
{
	const struct docker_case *c = &docker_cases[_i];
	const scl_docker_blocked *d = scl_docker_blocked_lookup(c->syscall);

	if (!c->blocked) {
		ck_assert_ptr_null(d);
		return;
	}
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, c->syscall);
	ck_assert_int_eq(d->conditional, c->conditional);
	ck_assert(d->reason[0] != '\0');
}
END_TEST

START_TEST(test_docker_table)
{
	const scl_docker_blocked *d;
	size_t n = 0;
	int nr;

	for (size_t i = 0; (d = scl_docker_blocked_at(i)); i++, n++) {
		ck_assert_msg(valid_name(d->name), "'%s'", d->name);
		if (i)
			ck_assert_msg(strcmp(scl_docker_blocked_at(i - 1)->name, d->name) < 0,
				      "not sorted at %s", d->name);
		ck_assert_ptr_eq(scl_docker_blocked_lookup(d->name), d);
		/* one line, no final period: printed after the name in diff and review */
		ck_assert(strchr(d->reason, '\n') == NULL);
		ck_assert(d->reason[strlen(d->reason) - 1] != '.');
		/* diff --format json prints it without escaping */
		ck_assert(json_safe(d->reason));
		/* a real syscall name on some architecture libseccomp knows */
		nr = seccomp_syscall_resolve_name(d->name);
		if (nr == __NR_SCMP_ERROR) {
			nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, d->name);
			ck_assert_msg(nr != __NR_SCMP_ERROR, "libseccomp does not know %s", d->name);
		}
	}
	ck_assert_uint_ge(n, 40);
}
END_TEST

static Suite *sysgroup_suite(void)
{
	Suite *s = suite_create("syscall-groups");
	TCase *tc = tcase_create("groups");

	tcase_add_loop_test(tc, test_group_of, 0, ELEMS(of_cases));
	tcase_add_loop_test(tc, test_by_name, 0, ELEMS(name_cases));
	tcase_add_test(tc, test_by_name_null);
	tcase_add_test(tc, test_table);
	tcase_add_loop_test(tc, test_nested, 0, ELEMS(nest_cases));
	tcase_add_test(tc, test_all_of);
	tcase_add_loop_test(tc, test_docker_blocked, 0, ELEMS(docker_cases));
	tcase_add_test(tc, test_docker_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(sysgroup_suite());
}
