/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_SYSCALL_GROUPS_H
#define SCMPLOG_SYSCALL_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What a syscall is for and how risky it is, for people reading a profile
 * change: systemd's syscall groups (systemd.exec(5) SystemCallFilter=, listed
 * by `systemd-analyze syscall-filter`) and the syscalls Docker's default
 * seccomp profile blocks.
 *
 * The groups are a static table generated once from systemd-analyze's output
 * (packaging/tools/gen-syscall-groups.py); nothing here runs systemd.  All
 * data is constant: no allocation, no errors, thread-safe.  Syscall names are
 * compared exactly (strcmp); a name no group knows is simply in none.
 */

typedef struct scl_sysgroup {
	const char *name;             /* "@file-system" */
	const char *description;      /* systemd's comment: "File system operations" */
	const char *includes;         /* groups systemd nests in it, space-separated; "" if none */
	const char *const *syscalls;  /* members, nested groups expanded, sorted (strcmp) */
	size_t n_syscalls;
} scl_sysgroup;

/* Which systemd the table was generated from ("systemd 252 (...)"). */
const char *scl_sysgroup_source(void);

/* Table iteration in systemd's order (@default first): index 0.. until NULL. */
const scl_sysgroup *scl_sysgroup_at(size_t i);

/* A group by name, with or without the leading '@'; NULL if unknown. */
const scl_sysgroup *scl_sysgroup_by_name(const char *name);

/* True if g (nested groups included) contains the syscall. */
bool scl_sysgroup_has(const scl_sysgroup *g, const char *syscall);

/*
 * The one group a syscall is shown under when changes are grouped: the most
 * specific group that holds it, preferring the risky ones (@mount before
 * @privileged before @file-system; @chown and @setuid before @privileged,
 * which contains them).  The composite @system-service is never chosen.
 * NULL if the syscall is in no group.
 */
const scl_sysgroup *scl_sysgroup_of(const char *syscall);

/*
 * Position of g in that display order (0 = shown first), for sorting groups;
 * groups never returned by scl_sysgroup_of() and NULL ("no group") sort last.
 */
size_t scl_sysgroup_rank(const scl_sysgroup *g);

/*
 * Every group containing the syscall, @system-service included, in table
 * order.  Writes up to size pointers to ret and returns how many groups there
 * are (may exceed size).
 */
size_t scl_sysgroup_all_of(const char *syscall, const scl_sysgroup **ret, size_t size);

/*
 * A syscall that Docker's default seccomp profile blocks, from the table
 * "Significant syscalls blocked by the default profile" of Docker's seccomp
 * documentation.  conditional is true for those the profile allows with
 * restricted arguments (clone without namespace flags, personality with
 * the usual personas): a learned profile allows them unconditionally, which
 * is more than Docker does, but every program that forks needs clone.
 */
typedef struct scl_docker_blocked {
	const char *name;
	const char *reason;   /* one line, ASCII, no final period */
	bool conditional;
} scl_docker_blocked;

/* The entry for a syscall, or NULL if Docker's default profile does not block it. */
const scl_docker_blocked *scl_docker_blocked_lookup(const char *syscall);
/* Table iteration, sorted by name: index 0.. until NULL. */
const scl_docker_blocked *scl_docker_blocked_at(size_t i);

#endif
