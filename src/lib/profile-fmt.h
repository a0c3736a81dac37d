/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_PROFILE_FMT_H
#define SCL_PROFILE_FMT_H

/*
 * Private helpers shared by the profile formats (profile-json-write.c,
 * profile-json-read.c, profile-stats.c, profile-k8s.c, profile-systemd.c).
 * Not part of the public API.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scmplog/arch.h"
#include "scmplog/profile.h"

/* A growing NULL-terminated string list. */
typedef struct scl_pfmt_strv {
	char **v;
	size_t n, cap;
} scl_pfmt_strv;

int scl_pfmt_strv_addf(scl_pfmt_strv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the list out (an empty list is a one-element array holding NULL). */
int scl_pfmt_strv_take(scl_pfmt_strv *s, char ***ret);
void scl_pfmt_strv_done(scl_pfmt_strv *s);

/*
 * Input text for a message: at most `max` bytes shown, quote, backslash,
 * control and non-ASCII bytes as \xNN, "..." appended when cut.  Always
 * NUL-terminates buf (size > 0).
 */
void scl_pfmt_excerpt(const char *s, size_t n, size_t max, char *buf, size_t size);
/* "clone" or "bpf, +7 more" for messages about a rule. */
void scl_pfmt_rule_label(const scl_profile_rule *r, char *buf, size_t size);

/*
 * An architecture named in a profile: Docker/Go names first ("amd64",
 * "386", "arm64", "mips64le", ...), then scl_arch_by_name().  NULL if unknown.
 */
const scl_arch_info *scl_pfmt_arch_lookup(const char *name);
/* The Go/Docker name we write in includes.arches (falls back to scl_arch_info.name). */
const char *scl_pfmt_arch_go_name(uint32_t token);

/* errno name ("EPERM") of a number, NULL if unknown. */
const char *scl_pfmt_errno_name(uint32_t e);
/*
 * Can systemd write this rule under a profile with this default action?  An
 * SCMP_ACT_ERRNO rule with an errno of 1..4095, no argument and no
 * includes/excludes condition, under an allow list (default ERRNO or KILL):
 * "SystemCallFilter=~NAME:ERRNO" (systemd 250+: in an allow list, an entry
 * with an errno is answered with it instead of the default action).
 */
bool scl_pfmt_systemd_rule_ok(const scl_profile_rule *r, uint32_t default_action);
/* errno number of a name; -EINVAL if unknown. */
int scl_pfmt_errno_parse(const char *s, size_t n, uint32_t *ret);

/*
 * The allowed names that apply to a filter for the architectures exp[0..n):
 * unrestricted ones and restricted ones whose set meets exp (all restricted
 * ones when n is 0).  Sorted; caller frees *ret.
 */
int scl_pfmt_resolved_names(const scl_profile *p, const uint32_t *exp, size_t n_exp,
			    scl_profile_syscall **ret, size_t *ret_n);

/* What a format without includes/excludes does with a rule. */
enum {
	SCL_PFMT_KEEP,     /* applies as it is */
	SCL_PFMT_STRIP,    /* applies with a condition dropped (why says which) */
	SCL_PFMT_DROP,     /* does not apply (why says why) */
};
int scl_pfmt_rule_fate(const scl_profile_rule *r, const uint32_t *exp, size_t n_exp, char *why,
		       size_t whylen);

/* The architecture's SystemCallArchitectures= name systemd 252 knows, or NULL. */
const char *scl_pfmt_systemd_arch(uint32_t token);

/* Is the architecture in security-profiles-operator's SeccompProfile enum? */
bool scl_pfmt_k8s_arch(uint32_t token);

/* Write a JSON string literal with escaping. */
void scl_pfmt_json_string(FILE *f, const char *s);

/* Return for a writer: 0, or the stream's error. */
int scl_pfmt_stream_result(FILE *f);

/*
 * A profile or statistics file's text from fd, to its end: at most
 * SCL_MAX_PROFILE_SIZE bytes (-EFBIG past that), -errno of a failed read,
 * -ENOMEM.  *ret (NUL-terminated, also when empty) is the caller's.
 */
int scl_pfmt_read_fd(int fd, char **ret, size_t *ret_n);
/* "larger than SCL_MAX_PROFILE_SIZE (N bytes)" into err (when given); -EFBIG. */
int scl_pfmt_too_large(char *err, size_t errlen);

/* "SCMP_CMP_NE" ... for an operator (libseccomp's and OCI's names). */
const char *scl_pfmt_op_name(scl_cmp op);

#endif
