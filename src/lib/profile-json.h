/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_PROFILE_JSON_H
#define SCL_PROFILE_JSON_H

/*
 * The OCI JSON reader's internals, shared by profile-json-read.c (the
 * document, its architectures, the files) and profile-json-rule.c (one
 * syscalls[] rule).  Not installed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "lib/profile-fmt.h"
#include "scmplog/profile.h"

struct reader {
	scl_profile *p;
	scl_pfmt_strv warnings;
	char *err;
	size_t errlen;
};

void scl_pjson_fail_msg(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The message, then r.  A macro so that r stays visible at the call: the
 * static analyzer does not follow a variadic function's return, and took
 * every "return fail(rd, -EINVAL, ...)" for a possible success.
 */
#define fail(rd, r, ...)                               \
	({                                             \
		int _fr = (r);                         \
		scl_pjson_fail_msg((rd), __VA_ARGS__); \
		_fr;                                   \
	})

#define warn(rd, ...)                                                    \
	({                                                               \
		int _r = scl_pfmt_strv_addf(&(rd)->warnings, __VA_ARGS__); \
		_r < 0 ? fail((rd), _r, "out of memory") : 0;            \
	})

/* Excerpt of a JSON string for messages. */
#define EXCERPT_MAX 48
#define EXCERPT_SIZE (EXCERPT_MAX * 4 + 4)

void scl_pjson_excerpt(json_object *o, char *buf);

int scl_pjson_want(struct reader *rd, json_object *o, json_type t, const char *where, const char *what);
int scl_pjson_get_uint(struct reader *rd, json_object *o, uint64_t max, const char *where, uint64_t *ret);
/* A string without embedded NUL. */
int scl_pjson_get_str(struct reader *rd, json_object *o, const char *where, const char **ret, size_t *ret_n);
/* An object whose keys are known (others warned about; `known` NULL-terminated). */
int scl_pjson_want_object(struct reader *rd, json_object *o, const char *where, const char *const *known);
/* Look a key up (absent and null are the same), and its path "where.key" (just "key" at the top: where "") into w. */
json_object *scl_pjson_member(json_object *o, const char *key, const char *where, char *w, size_t wsize);
/*
 * The required string o.key naming one of a set ("missing"; parse() < 0:
 * "unknown WHAT \"...\""): an action, an operator.  w as scl_pjson_member().
 */
int scl_pjson_read_enum(struct reader *rd, json_object *o, const char *key, const char *where, char *w,
			size_t wsize, int (*parse)(const char *s, size_t n, uint32_t *ret), const char *what,
			uint32_t *ret);

/* syscalls[idx] into rd->p (profile-json-rule.c). */
int scl_pjson_read_rule(struct reader *rd, json_object *o, size_t idx);
/* An errno name or number (containers' defaultErrno, a rule's errno). */
int scl_pjson_read_errno_name(struct reader *rd, json_object *o, const char *where, bool *has, uint32_t *ret);

#endif
