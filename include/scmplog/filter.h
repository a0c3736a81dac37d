/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_FILTER_H
#define SCMPLOG_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/profile.h"

/*
 * Seccomp filters built with libseccomp and installed without it.
 *
 * A filter is built (and compiled to BPF) in the parent, before fork(); the
 * child then only calls scl_filter_install(), which is two system calls
 * (prctl(PR_SET_NO_NEW_PRIVS) and seccomp(SECCOMP_SET_MODE_FILTER)) and
 * allocates nothing, so the only syscall a learned program makes under the
 * filter before its own code is the execve() that starts it.
 *
 * Architectures: a filter covers each of its architectures and their
 * sub-architectures (x86_64: x86 and x32): a filter for the native
 * architecture alone KILLs the first 32-bit syscall instead of logging it.
 * Any other architecture gets libseccomp's bad-arch action (kill).
 *
 * Syscall names are resolved per architecture; a name an architecture does
 * not have (mmap2 on x86_64, arch_prctl on x86) is skipped there and counted
 * in unknown_on_arch; a name libseccomp knows on none of the filter's
 * architectures is counted in unknown and reported as a warning.
 */
typedef struct scl_filter scl_filter;

typedef struct scl_filter_stats {
	size_t arches;            /* architectures the filter covers */
	size_t rules;             /* (name, arch) rules added */
	size_t unknown_on_arch;   /* (name, arch) pairs skipped: no such syscall there */
	size_t unknown;           /* names found on none of the filter's architectures */
	size_t other_rules;       /* other rules of the profile applied (once per arch) */
	size_t other_skipped;     /* other rules whose conditions exclude them here */
} scl_filter_stats;

/*
 * The learning filter: default action SCMP_ACT_LOG on the native
 * architecture and its sub-architectures.  With `known` (complain mode),
 * every syscall it allows gets SCMP_ACT_ALLOW (restricted names only on
 * their architectures); its other rules, default action and architecture
 * list are not used.  Returns 0, -ENOMEM, -EOPNOTSUPP (libseccomp or the
 * kernel lacks SCMP_ACT_LOG), or another libseccomp -errno.
 */
int scl_filter_new_log(const scl_profile *known, scl_filter **ret, scl_filter_stats *ret_stats);

/*
 * The enforcing filter of a profile, as OCI runtimes build it:
 *   - default action and errno of the profile;
 *   - the profile's architectures with their sub-architectures; a profile
 *     without architectures gets the native one and its sub-architectures
 *     (what `run` and `build` would have written); a profile whose
 *     architectures leave out the native one is -EAFNOSUPPORT;
 *   - every allowed name SCMP_ACT_ALLOW (restricted names only on their
 *     architectures);
 *   - other rules with their action (errnoRet, else EPERM for ERRNO; TRACE
 *     data likewise) and argument conditions (several conditions on one
 *     argument index: one rule per condition, OR; otherwise one rule, AND -
 *     runc's reading); includes/excludes are evaluated for each architecture
 *     being built (names as in profile-io.h), caps against this process's
 *     capability bounding set (all includes.caps held, no excludes.caps
 *     held), minKernel against uname(2)'s release;
 *   - SCMP_ACT_NOTIFY anywhere is -EOPNOTSUPP (no supervisor here).
 * log_denied loads it with SECCOMP_FILTER_FLAG_LOG so the kernel logs
 * ERRNO, TRAP and TRACE decisions too.  Warnings (rules skipped, unknown
 * names, conflicts libseccomp resolved) in *ret_warnings if not NULL
 * (NULL-terminated, free with scl_strv_free() from profile-io.h).
 */
int scl_filter_new_profile(const scl_profile *p, bool log_denied, scl_filter **ret,
			   scl_filter_stats *ret_stats, char ***ret_warnings);

void scl_filter_free(scl_filter *f);
static inline void scl_filter_freep(scl_filter **f)
{
	scl_filter_free(*f);
}

/* libseccomp's pseudo filter code (text), for tests and --debug.  -errno. */
int scl_filter_export_pfc(const scl_filter *f, int fd);

/* Number of BPF instructions of the compiled filter. */
size_t scl_filter_bpf_len(const scl_filter *f);

/*
 * Install the filter in the calling thread: PR_SET_NO_NEW_PRIVS, then
 * seccomp(SECCOMP_SET_MODE_FILTER).  Async-signal-safe (meant for a child
 * between fork() and exec()).  Returns 0 or -errno (-EINVAL: the kernel
 * refuses an action, e.g. SCMP_ACT_LOG with seccomp logging unsupported).
 */
int scl_filter_install(const scl_filter *f);
/*
 * The same on every thread of the process (SECCOMP_FILTER_FLAG_TSYNC, which
 * also gives them no_new_privs); -ESRCH when a thread has a filter of its
 * own that this one does not extend.
 */
int scl_filter_install_all_threads(const scl_filter *f);

#endif
