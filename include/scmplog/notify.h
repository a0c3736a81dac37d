/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_NOTIFY_H
#define SCMPLOG_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scmplog/limits.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"

/*
 * Denials of an enforcing profile reported through seccomp user
 * notification, for runtimes that cannot load a filter with
 * SECCOMP_FILTER_FLAG_LOG (runc 1.1 refuses any OCI "flags").
 *
 * The kernel audits an ERRNO decision only when the filter that made it was
 * loaded with SECCOMP_FILTER_FLAG_LOG (kernel/seccomp.c seccomp_log()).
 * runc 1.1 does support SCMP_ACT_NOTIFY with a "listenerPath": runc connects
 * to that unix socket after the container's init loaded the filter and
 * sends the OCI container process state (JSON) with the notification fd
 * (SCM_RIGHTS).  The profile's denied syscalls are listed as
 * SCMP_ACT_NOTIFY; the listener receives each one, answers it with the
 * profile's errno (so it stays denied, as the profile says) and records it.
 * Should the listener be gone, the kernel answers ENOSYS: still denied.
 */

/* What a denial record holds (the fields of a kernel SECCOMP record). */
typedef struct scl_notify_denial {
	uint64_t sec;          /* CLOCK_REALTIME when received */
	uint32_t msec;
	uint64_t serial;       /* the listener's own count, not the kernel's */
	pid_t pid;             /* as the listener sees it (the host's, from the host) */
	uint32_t auid, uid, gid, ses;
	char comm[SCL_MAX_COMM + 1];
	char exe[SCL_MAX_EXE + 1];
	uint32_t arch;         /* AUDIT_ARCH_* */
	uint32_t compat;       /* 1: a 32-bit syscall of a 64-bit kernel */
	int32_t nr;
	uint64_t ip;
	uint32_t sig;          /* 0; a kill's record: 31 */
	uint32_t action;       /* SCL_ACT_ERRNO: answered with an errno; or a record's action */
} scl_notify_denial;

/*
 * The profile that reports p's denials to listener_path: p's default action
 * (which must be SCMP_ACT_ERRNO: -EOPNOTSUPP otherwise), errno,
 * architectures, allowed syscalls and other rules, plus one SCMP_ACT_NOTIFY
 * rule with every name libseccomp knows on p's architectures (the native
 * ones when p lists none) that p neither allows nor names in another rule,
 * but write (runc refuses NOTIFY for write: it needs write to hand the fd
 * over); "listenerPath" is listener_path, "listenerMetadata" "errno=N"
 * (p's errno, the answer the listener gives).  *ret_names: the names in that
 * rule.  Returns 0, -EOPNOTSUPP, -EAFNOSUPPORT (libseccomp lacks an
 * architecture), -ENOMEM.
 */
int scl_notify_profile(const scl_profile *p, const char *listener_path, scl_profile **ret,
		       size_t *ret_names);

/*
 * The state runc sends (specs.ContainerProcessState): state.id in
 * *ret_id (malloc'd), the errno of metadata "errno=N" (1..4095) in
 * *ret_errno, 1 (EPERM) when metadata is absent or empty.  -EINVAL (not
 * that JSON, no state.id, other metadata), -ENOMEM.
 */
int scl_notify_parse_state(const char *buf, size_t n, char **ret_id, uint32_t *ret_errno);

/*
 * Accept one connection on the listening socket lfd and read the state and
 * the fd runc sends with it, waiting at most timeout_ms for them.  buf gets
 * the message (not NUL-terminated), *ret_n its length, *ret_fd the
 * notification fd (close-on-exec).  -EAGAIN (no connection waiting),
 * -ETIMEDOUT, -EBADMSG (no fd, more than one, or the message fills buf),
 * other -errno.
 */
int scl_notify_accept(int lfd, int timeout_ms, char *buf, size_t cap, size_t *ret_n, int *ret_fd);

/*
 * Receive one notification from fd, answer it with -errno_ret and describe
 * it in *ret (comm, exe, ids from /proc, read before the answer and kept
 * only if the notification was still valid then; "?" otherwise).  Returns
 * 1 with *ret, 0 when there was nothing to receive or the target was gone
 * before it could be read (-ENOENT from the kernel), -errno otherwise.
 */
int scl_notify_handle(int fd, uint32_t errno_ret, scl_notify_denial *ret);

/*
 * The denial as the line auditd writes for a kernel SECCOMP record (RAW
 * format; code= the action, ERRNO for the listener's), newline-terminated, so build, explain and review read
 * it as they read audit.log.  Returns the length, or -ENOBUFS.
 */
int scl_notify_format(const scl_notify_denial *d, char *buf, size_t cap);

/* A kernel record (a denial collect read) as a denial: 0, or -EINVAL (comm/exe cannot be decoded). */
int scl_notify_from_record(const scl_record *rec, scl_notify_denial *ret);

/*
 * Append the denial's line to NAME.denied.log in dirfd (created 0644,
 * O_APPEND, O_NOFOLLOW), name a sanitised file name without the suffix.
 * 0 or -errno (-ENOBUFS: the line would be too long).
 */
int scl_notify_append(int dirfd, const char *name, const scl_notify_denial *d);

#endif
