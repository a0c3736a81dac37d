/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_PROFILE_H
#define SCMPLOG_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/record.h" /* SCL_ACT_* */

/*
 * The profile model, independent of any file format (formats: profile-io.h).
 *
 * A profile is:
 *   - a default action (SCL_ACT_* from record.h) and the errno it returns
 *     (meaningful for SCL_ACT_ERRNO; kept for any action);
 *   - a set of architectures (tokens from arch.h, as given: writers and
 *     scl_profile_arches() add the sub-architectures);
 *   - allowed syscall names, each with statistics (records seen, learning runs
 *     that saw it) and an optional architecture restriction (empty = every
 *     architecture of the profile);
 *   - "other rules" read from foreign profiles that the plain allowlist cannot
 *     express (argument conditions, actions other than allow, capability or
 *     kernel conditions).  They are kept structurally, in insertion order, so
 *     that they survive a read/write round trip and can be installed later.
 *
 * Syscall names are 1..SCL_MAX_SYSCALL_NAME bytes of [a-z0-9_]; anything else
 * is -EINVAL.  Names need not be known to libseccomp (profiles name syscalls of
 * every architecture).
 *
 * All functions return >= 0 on success and -errno on failure; output
 * parameters are written only on success.  A profile is not thread-safe.
 */

typedef struct scl_profile scl_profile;

/* Comparison operators of rule arguments; same values as libseccomp's SCMP_CMP_*. */
typedef enum scl_cmp {
	SCL_CMP_NE = 1,
	SCL_CMP_LT = 2,
	SCL_CMP_LE = 3,
	SCL_CMP_EQ = 4,
	SCL_CMP_GE = 5,
	SCL_CMP_GT = 6,
	SCL_CMP_MASKED_EQ = 7,
} scl_cmp;

/* Highest argument index of a rule condition (syscalls take six arguments). */
#define SCL_MAX_ARG_INDEX 5
/* Highest errno/data value of an action (SECCOMP_RET_DATA is 16 bits). */
#define SCL_MAX_ACTION_DATA 0xffffU

typedef struct scl_profile_arg {
	uint32_t index;      /* 0..SCL_MAX_ARG_INDEX */
	uint64_t value;
	uint64_t value_two;  /* OCI valueTwo: for SCL_CMP_MASKED_EQ the datum (value is the mask, as runc and libseccomp read it); 0 otherwise */
	scl_cmp op;
} scl_profile_arg;

/*
 * An OCI "includes" or "excludes" block.  Architecture names are kept exactly
 * as the profile wrote them ("amd64", "x32", "SCMP_ARCH_X86"), capabilities
 * too ("CAP_SYS_ADMIN").  min_kernel is NULL when absent.
 */
typedef struct scl_profile_cond {
	const char *const *arches;
	size_t n_arches;
	const char *const *caps;
	size_t n_caps;
	const char *min_kernel;
} scl_profile_cond;

/* One "other rule".  comment is NULL when absent. */
typedef struct scl_profile_rule {
	const char *const *names;
	size_t n_names;
	uint32_t action;            /* SCL_ACT_* */
	bool has_errno_ret;
	uint32_t errno_ret;         /* 0..SCL_MAX_ACTION_DATA, if has_errno_ret */
	const scl_profile_arg *args;
	size_t n_args;
	scl_profile_cond includes;
	scl_profile_cond excludes;
	const char *comment;
} scl_profile_rule;

/*
 * An allowed syscall as returned by scl_profile_syscalls() and
 * scl_profile_get().  Pointers stay valid until the profile is modified or
 * freed.  arches is the restriction, sorted by token; n_arches == 0 means the
 * syscall is allowed on every architecture of the profile.
 */
typedef struct scl_profile_syscall {
	const char *name;
	uint64_t records;   /* records seen (saturating) */
	uint64_t runs;      /* learning runs or merged inputs that saw it (saturating) */
	const uint32_t *arches;
	size_t n_arches;
} scl_profile_syscall;

/* A new empty profile: default SCL_ACT_ERRNO with errno 1 (EPERM), no arches. -ENOMEM. */
int scl_profile_new(scl_profile **ret);
/* Accepts NULL. */
void scl_profile_free(scl_profile *p);
static inline void scl_profile_freep(scl_profile **p)
{
	scl_profile_free(*p);
}

/* True if s[0..n) is a valid syscall name (see above). */
bool scl_profile_name_valid(const char *s, size_t n);

/*
 * Actions: SCL_ACT_KILL_PROCESS, _KILL_THREAD, _TRAP, _ERRNO, _USER_NOTIF,
 * _TRACE, _LOG, _ALLOW.  -EINVAL for anything else or errno_ret over
 * SCL_MAX_ACTION_DATA.
 */
int scl_profile_set_default_action(scl_profile *p, uint32_t action, uint32_t errno_ret);
uint32_t scl_profile_default_action(const scl_profile *p);
uint32_t scl_profile_default_errno(const scl_profile *p);
bool scl_profile_action_valid(uint32_t action);
/* OCI name of an action ("SCMP_ACT_ERRNO"; KILL_THREAD is "SCMP_ACT_KILL"), NULL if invalid. */
const char *scl_profile_action_name(uint32_t action);
/*
 * Parse an OCI action name: SCMP_ACT_{KILL,KILL_THREAD,KILL_PROCESS,TRAP,
 * ERRNO,TRACE,ALLOW,LOG,NOTIFY}, case-sensitive.  -EINVAL if unknown.
 */
int scl_profile_action_parse(const char *s, size_t n, uint32_t *ret);

/*
 * Add an architecture.  Returns 1 if it was added, 0 if already present,
 * -EAFNOSUPPORT if scl_arch_by_token() does not know it.
 */
int scl_profile_add_arch(scl_profile *p, uint32_t token);
/* Remove every architecture and the archMap (syscall restrictions are kept). */
void scl_profile_clear_arches(scl_profile *p);
/*
 * An archMap entry (Docker, containers/common): the architectures a filter
 * needs on an `arch` machine.  Adds arch and subs[] as scl_profile_add_arch()
 * does and remembers the entry for scl_profile_narrow_arches(); a second
 * entry for arch adds to the first.  -EAFNOSUPPORT if a token is unknown
 * (nothing added), -ENOMEM.
 */
int scl_profile_add_arch_map(scl_profile *p, uint32_t arch, const uint32_t *subs, size_t n_subs);
/* True if an archMap was added (and not narrowed or cleared since). */
bool scl_profile_has_arch_map(const scl_profile *p);
/*
 * One seccomp filter holds architectures of one byte order (libseccomp's
 * seccomp_arch_add() fails with EDOM for the other: db_col_db_add()), so a
 * profile is for the machines of one.  Narrow p to what a filter on a
 * `target` machine holds: with an archMap, as Docker does, the entry of
 * target (nothing when the map has none), and of the other architectures,
 * those no map entry names and of target's byte order; without an archMap,
 * the architectures of target's byte order.  The archMap is dropped.
 * Syscalls and their restrictions are kept.  *ret_removed gets the removed
 * architectures in insertion order (malloc'd; NULL when *ret_n is 0).
 * -ENOMEM (p unchanged).
 */
int scl_profile_narrow_arches(scl_profile *p, uint32_t target, uint32_t **ret_removed, size_t *ret_n);
/*
 * How a runtime is to report the profile's denials, written by the OCI
 * writer and by nothing else (the reader ignores these keys with a warning,
 * so a profile read back has none): flag_log adds "flags":
 * ["SECCOMP_FILTER_FLAG_LOG"] (the kernel then audits ERRNO, TRAP and TRACE
 * decisions; runc 1.2 and crun take it, runc 1.1 refuses any flags);
 * listener_path and listener_metadata (NULL: none) add "listenerPath" and
 * "listenerMetadata", the seccomp agent SCMP_ACT_NOTIFY rules go to.  The
 * strings are copied.  0 or -ENOMEM (the profile unchanged).
 */
int scl_profile_set_report(scl_profile *p, bool flag_log, const char *listener_path,
			   const char *listener_metadata);
bool scl_profile_flag_log(const scl_profile *p);
const char *scl_profile_listener_path(const scl_profile *p);
const char *scl_profile_listener_metadata(const scl_profile *p);

/* The architectures as added (insertion order, no duplicates, no sub-arches added). */
size_t scl_profile_arch_count(const scl_profile *p);
/* The i-th architecture as added; 0 if i is out of range. */
uint32_t scl_profile_arch_at(const scl_profile *p, size_t i);
/* True if the token was added (sub-architectures are not implied). */
bool scl_profile_has_arch(const scl_profile *p, uint32_t token);

/*
 * The architectures a filter must cover, in the order writers use: the
 * architectures sorted by scl_arch_info.name, each followed by its
 * sub-architectures, except that one which is a sub-architecture of another
 * member (and not the other way round, as mips64/mips64n32 are) comes after
 * its parent instead: {x86_64, x86, x32} gives x86_64, x86, x32.  No
 * duplicates.  *ret is malloc'd (NULL when *ret_n is 0); the caller frees
 * it.  -ENOMEM.
 */
int scl_profile_arches(const scl_profile *p, uint32_t **ret, size_t *ret_n);

/*
 * Allow a syscall on every architecture (an existing restriction is lifted)
 * and add `records` to its record count.  -EINVAL for an invalid name.
 */
int scl_profile_allow(scl_profile *p, const char *name, uint64_t records);
/*
 * Allow a syscall on one architecture.  A new syscall gets the restriction
 * {arch}; a restricted one gets arch added to its set; an unrestricted one
 * stays unrestricted.  The arch need not be one of the profile's
 * architectures, but must be known (-EAFNOSUPPORT).  -EINVAL for a bad name.
 */
int scl_profile_allow_on_arch(scl_profile *p, const char *name, uint32_t arch, uint64_t records);
/* Like scl_profile_allow() with a slice. */
int scl_profile_allow_n(scl_profile *p, const char *name, size_t n, uint64_t records);
/*
 * Add to the statistics of an allowed syscall (saturating).  -ENOENT if the
 * name is not allowed, -EINVAL if invalid.
 */
int scl_profile_add_stats(scl_profile *p, const char *name, uint64_t records, uint64_t runs);
/*
 * Learning runs.  Besides the per-syscall counts, a profile counts the runs
 * (learning runs, containers, merged inputs) its statistics come from: T, the
 * denominator of the per-syscall `runs` (how many runs saw the syscall, the
 * incidence counts scl_coverage_compute() reads), and what is known of each
 * run: the records it lost and its observation window.  A run with nothing
 * known is counted but not stored.
 */
typedef struct scl_profile_run {
	bool has_lost;
	uint64_t lost;          /* records the run lost, if has_lost */
	bool has_window;
	uint64_t first_ms;      /* observation window, CLOCK_REALTIME epoch */
	uint64_t last_ms;       /* milliseconds, first_ms <= last_ms, if has_window */
} scl_profile_run;

/*
 * Count this profile as one learning run: every syscall with runs == 0 gets
 * runs = 1, and the run count grows by one (a run with nothing known).
 */
void scl_profile_mark_run(scl_profile *p);
/*
 * The same, with what is known of the run (info may be NULL: nothing).
 * -EINVAL if first_ms > last_ms, -ENOMEM (p unchanged).
 */
int scl_profile_mark_run_info(scl_profile *p, const scl_profile_run *info);
/* T: the runs counted (saturating). */
uint64_t scl_profile_run_count(const scl_profile *p);
/*
 * False when the run count is not known: the statistics came from a file
 * without a run list (written before scmplog counted runs), directly or
 * through scl_profile_merge() or scl_profile_set_stats_from().
 */
bool scl_profile_runs_known(const scl_profile *p);
/* The runs with something known, in the order counted; the others are run_count minus this. */
size_t scl_profile_run_info_count(const scl_profile *p);
/* The i-th of them, NULL if out of range.  Valid until p is modified. */
const scl_profile_run *scl_profile_run_info_at(const scl_profile *p, size_t i);
/*
 * Forget the statistics: records and runs of every syscall 0, no runs
 * counted, the run count known.  For a profile that is allowed but was not
 * observed (run --allow-known).
 */
void scl_profile_clear_stats(scl_profile *p);

/* True if the name is allowed without architecture restriction (other rules not considered). */
bool scl_profile_allows(const scl_profile *p, const char *name);
/* True if the name is allowed unrestricted or with arch in its restriction. */
bool scl_profile_allows_on_arch(const scl_profile *p, const char *name, uint32_t arch);
/* Look one syscall up.  -ENOENT if not allowed, -EINVAL if the name is invalid. */
int scl_profile_get(const scl_profile *p, const char *name, scl_profile_syscall *ret);
/* Number of allowed syscall names (restricted ones included). */
size_t scl_profile_count(const scl_profile *p);
/*
 * All allowed syscalls, sorted by name (strcmp, i.e. byte order).  *ret is
 * malloc'd (NULL when *ret_n is 0); the caller frees the array, not the names.
 * -ENOMEM.
 */
int scl_profile_syscalls(const scl_profile *p, scl_profile_syscall **ret, size_t *ret_n);

/*
 * Append a deep copy of an other rule.  Validates names (at least one), the
 * action, errno_ret range, argument indexes and operators: -EINVAL.  The
 * strings of includes/excludes must be non-empty and free of control bytes.
 */
int scl_profile_add_rule(scl_profile *p, const scl_profile_rule *r);
size_t scl_profile_rule_count(const scl_profile *p);
/* The i-th rule (insertion order), NULL if out of range.  Valid until p is modified. */
const scl_profile_rule *scl_profile_rule_at(const scl_profile *p, size_t i);
/* Remove the i-th rule; the later ones move up by one.  -ENOENT if out of range. */
int scl_profile_remove_rule(scl_profile *p, size_t i);
/* Structural equality of two rules (same names in the same order, etc.). */
bool scl_profile_rule_equal(const scl_profile_rule *a, const scl_profile_rule *b);
/* Does any other rule (of any action) name the syscall name? */
bool scl_profile_rules_name(const scl_profile *p, const char *name);

/*
 * Union of src into dst: architectures (and archMap entries) added; syscalls added with records
 * and runs summed (saturating) and restrictions united (unrestricted wins);
 * src's runs counted in dst (those with something known appended);
 * src's rules appended unless dst has an equal one.  dst keeps its default
 * action.  On failure (-ENOMEM) dst may hold part of src.
 */
int scl_profile_merge(scl_profile *dst, const scl_profile *src);

/*
 * Statistics files, read back for incremental learning (`build --merge P
 * --stats S` and `merge --stats-in`): the format scl_profile_write_stats()
 * writes (profile-io.h), a JSON object whose member "syscalls" maps
 * syscall names to { "records": N, "runs": N }, both required, each once,
 * integers 0..UINT64_MAX, and whose optional member "runs" (absent from
 * files written before scmplog counted runs) lists the runs, each
 * { "lost": N, "first": N, "last": N } with every value an integer or null
 * (unknown), first and last both null or first <= last.  Member order and
 * JSON whitespace are free; string escapes, other keys, other value types,
 * duplicate names and trailing data are errors.
 *
 * scl_profile_parse_stats(): *ret is a new profile that allows every listed
 * name (unrestricted, no architectures, the default action of
 * scl_profile_new()) with the listed counts, and counts the listed runs
 * (without "runs": no run counted, scl_profile_runs_known() false).
 * -EBADMSG with "line L: what" in err, -EFBIG over SCL_MAX_PROFILE_SIZE,
 * -ENOMEM.  err may be NULL.
 */
int scl_profile_parse_stats(const char *buf, size_t n, scl_profile **ret, char *err, size_t errlen);
/* The same from a file; also -errno from open()/read() (-ENOENT: no such file), with strerror in err. */
int scl_profile_read_stats_file(const char *path, scl_profile **ret, char *err, size_t errlen);
/*
 * Take the counts of p's syscalls from stats: each syscall p allows that
 * stats lists gets stats' records and runs, replacing its own; the others
 * keep theirs, and names only stats lists are ignored.  p's runs become
 * stats' (count, what is known of each, whether the count is known).
 * Returns how many syscalls were set, or -ENOMEM (p's runs unchanged).
 */
long scl_profile_set_stats_from(scl_profile *p, const scl_profile *stats);

/*
 * A difference found by scl_profile_diff(): `name` allowed on `arch` in the
 * new profile but not in the old one (added) or the other way (removed).
 */
typedef struct scl_profile_change {
	uint32_t arch;
	const char *name;   /* points into one of the two profiles */
	bool added;
} scl_profile_change;

/*
 * Per-architecture difference of the allowed names.  For every architecture
 * of scl_profile_arches() of the union of both architecture sets, a name is
 * allowed by a profile when the architecture is among that profile's own
 * scl_profile_arches() (a profile without architectures covers all) and the
 * name is unrestricted or restricted to a set holding the architecture.  When
 * neither profile lists an architecture, the names are compared once, with
 * arch 0 ("any architecture") in the changes.  Changes are ordered by
 * architecture (in the union's scl_profile_arches() order), then by name.  Default actions and
 * other rules are not compared (see scl_profile_rule_equal()).  *ret is
 * malloc'd (NULL when *ret_n is 0); the caller frees it.  -ENOMEM.
 */
int scl_profile_diff(const scl_profile *old, const scl_profile *new_, scl_profile_change **ret,
		     size_t *ret_n);

#endif
