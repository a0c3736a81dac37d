/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCI JSON profiles: the reader (json-c): the document, its architectures,
 * the files; one rule: profile-json-rule.c.  The writer: profile-json-write.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/profile-fmt.h"
#include "lib/profile-json.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/profile-io.h"
#include "scmplog/record.h"

static inline void json_putp(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_putp)

static inline void tokener_freep(json_tokener **t)
{
	if (*t)
		json_tokener_free(*t);
}

void scl_pjson_fail_msg(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	if (rd->err && rd->errlen) {
		va_start(ap, fmt);
		vsnprintf(rd->err, rd->errlen, fmt, ap);
		va_end(ap);
	}
}

void scl_pjson_excerpt(json_object *o, char *buf)
{
	scl_pfmt_excerpt(json_object_get_string(o), (size_t)json_object_get_string_len(o),
			 EXCERPT_MAX, buf, EXCERPT_SIZE);
}

static void line_col(const char *buf, size_t off, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;

	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

/*
 * json-c clamps integers that do not fit 64 bits without telling anyone, and
 * stops at NUL bytes; check both on the raw text first.
 */
static int prescan(struct reader *rd, const char *buf, size_t n)
{
	bool in_str = false;
	size_t line = 1;

	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\0')
			return fail(rd, -EINVAL, "line %zu: NUL byte", line);
		if (c == '\n')
			line++;
		if (in_str) {
			if (c == '\\' && i + 1 < n && buf[i + 1] != '\n' && buf[i + 1] != '\0')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t s = i, e = i;
			bool neg = c == '-', frac = false;
			uint64_t v;

			for (; e < n && buf[e] && strchr("0123456789+-.eE", buf[e]); e++)
				if (buf[e] == '.' || buf[e] == 'e' || buf[e] == 'E')
					frac = true;
			i = e - 1;
			if (frac)
				continue;
			if (neg)
				s++;
			if (scl_parse_u64(buf + s, e - s, neg ? (uint64_t)INT64_MAX + 1 : UINT64_MAX,
					  &v) == -ERANGE)
				return fail(rd, -EINVAL, "line %zu: integer out of range", line);
		}
	}
	return 0;
}

static const char *type_name(json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_double:
		return "a fractional number";
	case json_type_int:
		return "an integer";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	}
	return "unknown";
}

int scl_pjson_want(struct reader *rd, json_object *o, json_type t, const char *where, const char *what)
{
	if (json_object_is_type(o, t))
		return 0;
	return fail(rd, -EINVAL, "%s: expected %s, got %s", where, what, type_name(o));
}

int scl_pjson_get_uint(struct reader *rd, json_object *o, uint64_t max, const char *where,
		    uint64_t *ret)
{
	uint64_t v;
	int r;

	r = scl_pjson_want(rd, o, json_type_int, where, "a non-negative integer");
	if (r < 0)
		return r;
	if (json_object_get_int64(o) < 0)
		return fail(rd, -EINVAL, "%s: expected a non-negative integer, got %" PRId64, where,
			    json_object_get_int64(o));
	v = json_object_get_uint64(o);
	if (v > max)
		return fail(rd, -EINVAL, "%s: %" PRIu64 " is out of range (at most %" PRIu64 ")",
			    where, v, max);
	*ret = v;
	return 0;
}

/* A string without embedded NUL. */
int scl_pjson_get_str(struct reader *rd, json_object *o, const char *where, const char **ret,
		   size_t *ret_n)
{
	const char *s;
	size_t n;
	int r;

	r = scl_pjson_want(rd, o, json_type_string, where, "a string");
	if (r < 0)
		return r;
	s = json_object_get_string(o);
	n = (size_t)json_object_get_string_len(o);
	if (strlen(s) != n)
		return fail(rd, -EINVAL, "%s: string holds a NUL character", where);
	*ret = s;
	if (ret_n)
		*ret_n = n;
	return 0;
}

/* Warn about keys of an object not in `known` (NULL-terminated). */
static int scl_pjson_check_keys(struct reader *rd, json_object *o, const char *where,
				const char *const *known, const char *const *unsupported)
{
	json_object_object_foreach(o, key, val) {
		bool ok = false;
		char ex[EXCERPT_SIZE];
		int r;

		(void)val;
		for (size_t i = 0; known[i] && !ok; i++)
			ok = !strcmp(key, known[i]);
		if (ok)
			continue;
		for (size_t i = 0; unsupported && unsupported[i] && !ok; i++)
			ok = !strcmp(key, unsupported[i]);
		scl_pfmt_excerpt(key, strlen(key), EXCERPT_MAX, ex, sizeof(ex));
		if (ok)
			r = warn(rd, "%s%skey \"%s\" is not supported, ignored", where,
				 where[0] ? ": " : "", ex);
		else
			r = warn(rd, "%s%sunknown key \"%s\", ignored", where, where[0] ? ": " : "",
				 ex);
		if (r < 0)
			return r;
	}
	return 0;
}

int scl_pjson_want_object(struct reader *rd, json_object *o, const char *where, const char *const *known)
{
	int r = scl_pjson_want(rd, o, json_type_object, where, "an object");

	return r < 0 ? r : scl_pjson_check_keys(rd, o, where, known, NULL);
}

/* Look a key up; absent and null are the same. */
static json_object *scl_pjson_get_key(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_is_type(v, json_type_null) ? NULL : v;
}

json_object *scl_pjson_member(json_object *o, const char *key, const char *where, char *w, size_t wsize)
{
	snprintf(w, wsize, "%s%s%s", where, where[0] ? "." : "", key);
	return scl_pjson_get_key(o, key);
}

int scl_pjson_read_enum(struct reader *rd, json_object *o, const char *key, const char *where, char *w,
			size_t wsize, int (*parse)(const char *s, size_t n, uint32_t *ret), const char *what,
			uint32_t *ret)
{
	json_object *v = scl_pjson_member(o, key, where, w, wsize);
	const char *s;
	size_t len;
	char ex[EXCERPT_SIZE];
	int r;

	if (!v)
		return fail(rd, -EINVAL, "%s: missing", w);
	r = scl_pjson_get_str(rd, v, w, &s, &len);
	if (r < 0)
		return r;
	if (parse(s, len, ret) < 0) {
		scl_pjson_excerpt(v, ex);
		return fail(rd, -EINVAL, "%s: unknown %s \"%s\"", w, what, ex);
	}
	return 0;
}

/* An architecture name: its token in *ret (0 when unknown: warned about, ignored). */
static int arch_token(struct reader *rd, json_object *o, const char *where, uint32_t *ret)
{
	const scl_arch_info *a;
	const char *s;
	char ex[EXCERPT_SIZE];
	int r;

	*ret = 0;
	r = scl_pjson_get_str(rd, o, where, &s, NULL);
	if (r < 0)
		return r;
	a = scl_pfmt_arch_lookup(s);
	if (!a) {
		scl_pjson_excerpt(o, ex);
		return warn(rd, "%s: unknown architecture \"%s\", ignored", where, ex);
	}
	*ret = a->token;
	return 0;
}

static int read_arch_name(struct reader *rd, json_object *o, const char *where)
{
	uint32_t t;
	int r;

	r = arch_token(rd, o, where, &t);
	if (r < 0 || !t)
		return r;
	r = scl_profile_add_arch(rd->p, t);
	return r < 0 ? fail(rd, r, "out of memory") : 0;
}

static int read_arches(struct reader *rd, json_object *root)
{
	json_object *a = scl_pjson_get_key(root, "architectures");
	json_object *m = scl_pjson_get_key(root, "archMap");
	char where[96], w[128];
	int r;

	if (a) {
		r = scl_pjson_want(rd, a, json_type_array, "architectures", "an array");
		if (r < 0)
			return r;
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			snprintf(where, sizeof(where), "architectures[%zu]", i);
			r = read_arch_name(rd, json_object_array_get_idx(a, i), where);
			if (r < 0)
				return r;
		}
	}
	if (m) {
		static const char *const known[] = { "architecture", "subArchitectures", NULL };
		r = scl_pjson_want(rd, m, json_type_array, "archMap", "an array");
		if (r < 0)
			return r;
		for (size_t i = 0; i < json_object_array_length(m); i++) {
			json_object *e = json_object_array_get_idx(m, i), *arch, *subs;
			_cleanup_free_ uint32_t *sub_tokens = NULL;
			size_t n_subs = 0;
			uint32_t t;

			snprintf(where, sizeof(where), "archMap[%zu]", i);
			r = scl_pjson_want_object(rd, e, where, known);
			if (r < 0)
				return r;
			arch = scl_pjson_member(e, "architecture", where, w, sizeof(w));
			if (!arch)
				return fail(rd, -EINVAL, "%s: missing \"architecture\"", where);
			r = arch_token(rd, arch, w, &t);
			if (r < 0)
				return r;
			subs = scl_pjson_member(e, "subArchitectures", where, w, sizeof(w));
			if (subs) {
				r = scl_pjson_want(rd, subs, json_type_array, w, "an array");
				if (r < 0)
					return r;
				sub_tokens = calloc(json_object_array_length(subs) + 1, sizeof(uint32_t));
				if (!sub_tokens)
					return fail(rd, -ENOMEM, "out of memory");
			}
			for (size_t k = 0; subs && k < json_object_array_length(subs); k++) {
				snprintf(where, sizeof(where), "archMap[%zu].subArchitectures[%zu]", i, k);
				r = arch_token(rd, json_object_array_get_idx(subs, k), where, &sub_tokens[n_subs]);
				if (r < 0)
					return r;
				n_subs += sub_tokens[n_subs] != 0;
			}
			/* the entry of an unknown machine (warned about) is no machine's: left out whole */
			r = t ? scl_profile_add_arch_map(rd->p, t, sub_tokens, n_subs) : 0;
			if (r < 0)
				return fail(rd, r, "out of memory");
		}
	}
	return 0;
}

static int read_root(struct reader *rd, json_object *root)
{
	static const char *const known[] = { "defaultAction", "defaultErrnoRet", "defaultErrno",
					     "architectures", "archMap", "syscalls", NULL };
	static const char *const unsupported[] = { "flags", "listenerPath", "listenerMetadata",
						   NULL };
	json_object *v, *sys;
	uint32_t action, errno_ret = 1, errno_name = 0;
	bool has_ret = false, has_name = false;
	char w[32];
	int r;

	r = scl_pjson_want(rd, root, json_type_object, "top level", "an object");
	if (r < 0)
		return r;
	r = scl_pjson_check_keys(rd, root, "", known, unsupported);
	if (r < 0)
		return r;
	r = scl_pjson_read_enum(rd, root, "defaultAction", "", w, sizeof(w), scl_profile_action_parse, "action",
				&action);
	if (r < 0)
		return r;
	if ((v = scl_pjson_get_key(root, "defaultErrnoRet"))) {
		uint64_t x;
		r = scl_pjson_get_uint(rd, v, SCL_MAX_ACTION_DATA, "defaultErrnoRet", &x);
		if (r < 0)
			return r;
		errno_ret = (uint32_t)x;
		has_ret = true;
	}
	if ((v = scl_pjson_get_key(root, "defaultErrno"))) {
		r = scl_pjson_read_errno_name(rd, v, "defaultErrno", &has_name, &errno_name);
		if (r < 0)
			return r;
		if (has_name && !has_ret)
			errno_ret = errno_name;
		else if (has_name && errno_name != errno_ret) {
			r = warn(rd, "defaultErrno and defaultErrnoRet disagree, defaultErrnoRet used");
			if (r < 0)
				return r;
		}
	}
	if ((has_ret || has_name) && action != SCL_ACT_ERRNO) {
		r = warn(rd, "defaultErrnoRet is ignored with %s", scl_profile_action_name(action));
		if (r < 0)
			return r;
	}
	r = scl_profile_set_default_action(rd->p, action, errno_ret);
	if (r < 0)
		return fail(rd, r, "defaultAction: invalid");

	r = read_arches(rd, root);
	if (r < 0)
		return r;

	if ((sys = scl_pjson_get_key(root, "syscalls"))) {
		r = scl_pjson_want(rd, sys, json_type_array, "syscalls", "an array");
		if (r < 0)
			return r;
		for (size_t i = 0; i < json_object_array_length(sys); i++) {
			r = scl_pjson_read_rule(rd, json_object_array_get_idx(sys, i), i);
			if (r < 0)
				return r;
		}
	}
	scl_profile_mark_run(rd->p);
	return 0;
}

static bool all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

static char first_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return s[i];
	return '\0';
}

int scl_profile_read_oci(const char *buf, size_t n, scl_profile **ret, char ***ret_warnings,
			 char *err, size_t errlen)
{
	_cleanup_(tokener_freep) json_tokener *tok = NULL;
	_cleanup_json_ json_object *root = NULL;
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	struct reader rd = { .err = err, .errlen = errlen };
	enum json_tokener_error e;
	json_object *top;
	size_t end, line, col;
	bool at_eof = false;
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (n > SCL_MAX_PROFILE_SIZE)
		return scl_pfmt_too_large(err, errlen);
	if (all_space(buf, n))
		return fail(&rd, -EINVAL, "empty file");
	r = prescan(&rd, buf, n);
	if (r < 0)
		return r;

	tok = json_tokener_new_ex(SCL_MAX_JSON_DEPTH);
	if (!tok)
		return fail(&rd, -ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)n);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!root && e == json_tokener_continue) {
		/* A literal or number at the very end waits for more: a NUL byte ends the input. */
		root = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		end = n;
		at_eof = true;
	}
	if (!root) {
		line_col(buf, end, &line, &col);
		if (e == json_tokener_continue || (at_eof && e != json_tokener_success))
			return fail(&rd, -EINVAL, "line %zu: unexpected end of file", line);
		if (e == json_tokener_error_depth)
			return fail(&rd, -EINVAL,
				    "line %zu, column %zu: nested deeper than SCL_MAX_JSON_DEPTH (%d)",
				    line, col, SCL_MAX_JSON_DEPTH);
		if (e == json_tokener_success)
			return fail(&rd, -EINVAL, "line %zu, column %zu: null is not a profile",
				    line, col);
		return fail(&rd, -EINVAL, "line %zu, column %zu: %s%s", line, col,
			    json_tokener_error_desc(e),
			    first_char(buf, n) != '{' ? " (not a JSON object; YAML is not read)" : "");
	}
	if (end < n && !all_space(buf + end, n - end)) {
		line_col(buf, end, &line, &col);
		return fail(&rd, -EINVAL, "line %zu, column %zu: data after the end of the JSON value",
			    line, col);
	}

	r = scl_profile_new(&p);
	if (r < 0)
		return fail(&rd, r, "out of memory");
	rd.p = p;

	/* The JSON form of a security-profiles-operator SeccompProfile: read its spec. */
	top = root;
	if (json_object_is_type(root, json_type_object)) {
		json_object *kind = scl_pjson_get_key(root, "kind"), *spec = scl_pjson_get_key(root, "spec");
		if (kind && spec && json_object_is_type(kind, json_type_string) &&
		    !strcmp(json_object_get_string(kind), "SeccompProfile"))
			top = spec;
	}
	r = read_root(&rd, top);
	if (r < 0) {
		scl_pfmt_strv_done(&rd.warnings);
		return r;
	}
	if (ret_warnings) {
		r = scl_pfmt_strv_take(&rd.warnings, ret_warnings);
		if (r < 0) {
			scl_pfmt_strv_done(&rd.warnings);
			return fail(&rd, r, "out of memory");
		}
	} else {
		scl_pfmt_strv_done(&rd.warnings);
	}
	*ret = TAKE_PTR(p);
	return 0;
}

static int fail_errno(char *err, size_t errlen, int r)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", strerror(-r));
	return r;
}

int scl_profile_read_oci_fd(int fd, scl_profile **ret, char ***ret_warnings, char *err,
			    size_t errlen)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct stat st;
	int r;

	if (fstat(fd, &st) < 0)
		return fail_errno(err, errlen, -errno);
	if (S_ISDIR(st.st_mode))
		return fail_errno(err, errlen, -EISDIR);
	if (S_ISREG(st.st_mode) && st.st_size > SCL_MAX_PROFILE_SIZE)
		return scl_pfmt_too_large(err, errlen);
	r = scl_pfmt_read_fd(fd, &buf, &len);
	if (r == -EFBIG)
		return scl_pfmt_too_large(err, errlen);
	if (r < 0)
		return fail_errno(err, errlen, r);
	return scl_profile_read_oci(buf, len, ret, ret_warnings, err, errlen);
}

int scl_profile_read_oci_file(const char *path, scl_profile **ret, char ***ret_warnings,
			      char *err, size_t errlen)
{
	_cleanup_close_ int fd = -1;

	if (!path)
		return fail_errno(err, errlen, -EINVAL);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail_errno(err, errlen, -errno);
	return scl_profile_read_oci_fd(fd, ret, ret_warnings, err, errlen);
}
