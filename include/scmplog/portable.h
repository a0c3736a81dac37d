/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_PORTABLE_H
#define SCMPLOG_PORTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "scmplog/profile.h"

/*
 * Portable profiles: families of equivalent syscalls among which the kernel
 * version and the C library choose (clone3/clone, statx/newfstatat/stat,
 * openat2/openat/open, ...).  A profile learned on one node allows only the
 * members that node's kernel and libc took; scl_portable_apply() adds what
 * another node may take instead, from the reviewed table in
 * src/lib/portable-table.h (sources of every fact: profiles/README.md).
 *
 * Roles of a family member:
 *   NEWER     a syscall a library probes and abandons on ENOSYS (clone3,
 *             statx on 32-bit, faccessat2, ...).  Seen: its FALLBACK members
 *             are allowed.  Not seen while another member was: it gets an
 *             explicit SCMP_ACT_ERRNO rule with errno ENOSYS, because the
 *             profile's default EPERM stops the fallback (glibc falls back on
 *             ENOSYS only).
 *   ALT       the same operation as another member, taken by another libc or
 *             libc version (musl's stat() calls stat, glibc's newfstatat):
 *             allowed whenever any member of the family was seen.
 *   FALLBACK  allowed only when a NEWER member was seen (close_range's
 *             fallback walks /proc/self/fd with getdents64).
 *   TRIGGER   never added; its being seen counts as the family's use.
 */

typedef enum scl_portable_role {
	SCL_PORTABLE_NEWER,
	SCL_PORTABLE_ALT,
	SCL_PORTABLE_FALLBACK,
	SCL_PORTABLE_TRIGGER,
} scl_portable_role;

typedef struct scl_portable_member {
	const char *name;
	scl_portable_role role;
	const char *kernel;   /* first Linux version with it, "2.6.16"; "" when older than 2.6 */
} scl_portable_member;

typedef struct scl_portable_family {
	const char *id;       /* "clone", "stat", ...: unique, [a-z0-9_] */
	const scl_portable_member *members;
	size_t n_members;
	bool time64;          /* the 32-bit time64 pairs: only on i386 and arm, see scl_portable_apply() */
	const char *why;      /* one line: what picks among the members */
	const char *glibc;    /* where glibc's choice or fallback lives (file: function) */
	const char *musl;     /* the same for musl */
} scl_portable_family;

/* The table, in its order (stable). */
size_t scl_portable_family_count(void);
/* The i-th family; NULL if out of range. */
const scl_portable_family *scl_portable_family_at(size_t i);
/* The family with this id, NULL if none. */
const scl_portable_family *scl_portable_family_by_id(const char *id);

/* What scl_portable_apply() did, one entry per syscall. */
typedef struct scl_portable_change {
	const char *name;                     /* the syscall (points into the table) */
	bool enosys;                          /* true: answered ENOSYS; false: allowed */
	const scl_portable_family *family;
	const scl_portable_member *member;    /* name's row */
	const char *because;                  /* the seen member that caused it (table string) */
} scl_portable_change;

/* The comment of the rules scl_portable_apply() adds (OCI "comment"). */
#define SCL_PORTABLE_COMMENT_PREFIX "scmplog --portable: "

/*
 * Make p portable.  A member "was seen" when p allows it (on any
 * architecture).  For every family with a seen member: ALT members (and,
 * when a NEWER member was seen, FALLBACK members) not yet allowed are
 * allowed on every architecture with 0 records; NEWER members not allowed
 * get a rule { names: [name], action: SCMP_ACT_ERRNO, errnoRet: ENOSYS } (38;
 * 89 in a profile whose architectures are all MIPS) whose
 * comment starts with SCL_PORTABLE_COMMENT_PREFIX, unless p already has a
 * rule naming it or p's default action is SCMP_ACT_ALLOW or SCMP_ACT_LOG
 * (nothing unseen is refused there: an ENOSYS answer would only hide the
 * syscall from a learning or complain-mode run).
 *
 * time64 families apply only to a profile with 32-bit code: a member allowed
 * with an architecture restriction that holds i386 or arm, or a profile whose
 * own architectures include i386 or arm; their additions are restricted to
 * those architectures (allow) or name them in includes.arches (ENOSYS rule),
 * since the names do not exist on 64-bit architectures.
 *
 * Earlier rules of this function (by their comment) whose syscall p now
 * allows are removed first, so that applying it again, after more was
 * learned, is correct; applying it twice changes nothing the second time.
 *
 * *ret lists the changes, allowed ones first, each group in the order found;
 * malloc'd (NULL when *ret_n is 0), ret may be NULL.  -ENOMEM, or -errno
 * from the profile functions (p may then hold part of the changes).
 */
int scl_portable_apply(scl_profile *p, scl_portable_change **ret, size_t *ret_n);

#endif
