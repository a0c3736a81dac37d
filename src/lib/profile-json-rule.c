/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI JSON profiles, the reader: one syscalls[] rule (the document: profile-json-read.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/profile-fmt.h"
#include "lib/profile-json.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/profile-io.h"
#include "scmplog/record.h"

static int op_parse(const char *s, size_t n, uint32_t *ret)
{
	for (int op = SCL_CMP_NE; op <= SCL_CMP_MASKED_EQ; op++) {
		const char *name = scl_pfmt_op_name((scl_cmp)op);
		if (strlen(name) == n && !memcmp(name, s, n)) {
			*ret = (uint32_t)op;
			return 0;
		}
	}
	return -EINVAL;
}

/* A syscall name. */
static int read_name(struct reader *rd, json_object *o, const char *where, const char **ret)
{
	size_t len;
	char ex[EXCERPT_SIZE];
	int r;

	r = scl_pjson_get_str(rd, o, where, ret, &len);
	if (r < 0)
		return r;
	if (!scl_profile_name_valid(*ret, len)) {
		scl_pjson_excerpt(o, ex);
		return fail(rd, -EINVAL, "%s: invalid syscall name \"%s\"", where, ex);
	}
	return 0;
}

/*
 * A condition's value (an architecture, a capability, a kernel version): at
 * most SCL_MAX_PROFILE_STRING bytes (else the error), *ok if it is printable
 * ASCII without spaces, not empty.
 */
static int check_value(struct reader *rd, const char *where, const char *s, size_t len, bool *ok)
{
	if (len > SCL_MAX_PROFILE_STRING)
		return fail(rd, -EINVAL, "%s: over SCL_MAX_PROFILE_STRING (%d bytes)", where, SCL_MAX_PROFILE_STRING);
	*ok = len > 0;
	for (size_t k = 0; k < len && *ok; k++)
		*ok = (unsigned char)s[k] > 0x20 && (unsigned char)s[k] < 0x7f;
	return 0;
}

/* Storage for one rule being read; strings point into the JSON tree. */
struct rule_buf {
	scl_profile_rule r;
	const char **names;
	const char **inc_arches, **inc_caps, **exc_arches, **exc_caps;
	scl_profile_arg *args;
};

static void rule_buf_done(struct rule_buf *b)
{
	free(b->names);
	free(b->inc_arches);
	free(b->inc_caps);
	free(b->exc_arches);
	free(b->exc_caps);
	free(b->args);
}

static int read_strv(struct reader *rd, json_object *o, const char *where, bool names,
		     const char ***ret, size_t *ret_n)
{
	_cleanup_free_ const char **v = NULL;
	size_t n;
	char w[160];
	int r;

	r = scl_pjson_want(rd, o, json_type_array, where, "an array of strings");
	if (r < 0)
		return r;
	n = json_object_array_length(o);
	v = calloc(n + 1, sizeof(char *));
	if (!v)
		return fail(rd, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(o, i);
		char ex[EXCERPT_SIZE];
		size_t len;
		bool ok;

		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if (names) {
			r = read_name(rd, e, w, &v[i]);
			if (r < 0)
				return r;
			continue;
		}
		r = scl_pjson_get_str(rd, e, w, &v[i], &len);
		if (r < 0)
			return r;
		r = check_value(rd, w, v[i], len, &ok);
		if (r < 0)
			return r;
		if (!ok) {
			scl_pjson_excerpt(e, ex);
			return fail(rd, -EINVAL, "%s: invalid value \"%s\"", w, ex);
		}
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

static int read_cond(struct reader *rd, json_object *o, const char *where, scl_profile_cond *c,
		     const char ***arches, const char ***caps)
{
	static const char *const known[] = { "arches", "caps", "minKernel", NULL };
	json_object *v;
	char w[128];
	int r;

	r = scl_pjson_want_object(rd, o, where, known);
	if (r < 0)
		return r;
	if ((v = scl_pjson_member(o, "arches", where, w, sizeof(w)))) {
		r = read_strv(rd, v, w, false, arches, &c->n_arches);
		if (r < 0)
			return r;
		c->arches = *arches;
	}
	if ((v = scl_pjson_member(o, "caps", where, w, sizeof(w)))) {
		r = read_strv(rd, v, w, false, caps, &c->n_caps);
		if (r < 0)
			return r;
		c->caps = *caps;
	}
	if ((v = scl_pjson_member(o, "minKernel", where, w, sizeof(w)))) {
		size_t len;
		bool ok;
		r = scl_pjson_get_str(rd, v, w, &c->min_kernel, &len);
		if (r < 0)
			return r;
		/* "" is what Go's omitempty-less encoders write for "none". */
		if (len == 0) {
			c->min_kernel = NULL;
			return 0;
		}
		r = check_value(rd, w, c->min_kernel, len, &ok);
		if (r < 0)
			return r;
		if (!ok)
			return fail(rd, -EINVAL, "%s: invalid value", w);
	}
	return 0;
}

static int read_args(struct reader *rd, json_object *o, const char *where, struct rule_buf *b)
{
	static const char *const known[] = { "index", "value", "valueTwo", "op", NULL };
	size_t n;
	char elem[128], w[160];
	int r;

	r = scl_pjson_want(rd, o, json_type_array, where, "an array");
	if (r < 0)
		return r;
	n = json_object_array_length(o);
	if (n == 0)
		return 0;
	b->args = calloc(n, sizeof(*b->args));
	if (!b->args)
		return fail(rd, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(o, i), *v;
		scl_profile_arg *arg = &b->args[i];
		uint64_t x;
		uint32_t op;

		snprintf(elem, sizeof(elem), "%s[%zu]", where, i);
		r = scl_pjson_want_object(rd, a, elem, known);
		if (r < 0)
			return r;
		if (!(v = scl_pjson_member(a, "index", elem, w, sizeof(w))))
			return fail(rd, -EINVAL, "%s: missing \"index\"", elem);
		r = scl_pjson_get_uint(rd, v, SCL_MAX_ARG_INDEX, w, &x);
		if (r < 0)
			return r;
		arg->index = (uint32_t)x;
		if ((v = scl_pjson_member(a, "value", elem, w, sizeof(w)))) {
			r = scl_pjson_get_uint(rd, v, UINT64_MAX, w, &arg->value);
			if (r < 0)
				return r;
		}
		if ((v = scl_pjson_member(a, "valueTwo", elem, w, sizeof(w)))) {
			r = scl_pjson_get_uint(rd, v, UINT64_MAX, w, &arg->value_two);
			if (r < 0)
				return r;
		}
		r = scl_pjson_read_enum(rd, a, "op", elem, w, sizeof(w), op_parse, "operator", &op);
		if (r < 0)
			return r;
		arg->op = (scl_cmp)op;
	}
	b->r.args = b->args;
	b->r.n_args = n;
	return 0;
}

int scl_pjson_read_errno_name(struct reader *rd, json_object *o, const char *where, bool *has,
			   uint32_t *ret)
{
	const char *s;
	size_t len;
	char ex[EXCERPT_SIZE];
	int r;

	r = scl_pjson_get_str(rd, o, where, &s, &len);
	if (r < 0)
		return r;
	if (len == 0)
		return 0;
	if (scl_pfmt_errno_parse(s, len, ret) < 0) {
		scl_pjson_excerpt(o, ex);
		return warn(rd, "%s: unknown errno \"%s\", ignored", where, ex);
	}
	*has = true;
	return 0;
}

/* Tokens of an includes/excludes arch list; -ENOENT with the name's index if one is unknown. */
static int cond_tokens(const scl_profile_cond *c, uint32_t *out, size_t *n_out, size_t *unknown)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_arches; i++) {
		const scl_arch_info *a = scl_pfmt_arch_lookup(c->arches[i]);
		bool dup = false;
		if (!a) {
			*unknown = i;
			return -ENOENT;
		}
		for (size_t k = 0; k < n; k++)
			dup |= out[k] == a->token;
		if (!dup)
			out[n++] = a->token;
	}
	*n_out = n;
	return 0;
}

static int reason_add(char *buf, size_t size, const char *what)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", what);
	return 0;
}

/* Add the rule's names as allowed on the architectures of tokens (all when n == 0). */
static int allow_names(struct reader *rd, const struct rule_buf *b, const uint32_t *tokens,
		       size_t n)
{
	for (size_t i = 0; i < b->r.n_names; i++) {
		int r;
		if (n == 0) {
			r = scl_profile_allow(rd->p, b->r.names[i], 0);
		} else {
			r = 0;
			for (size_t k = 0; k < n && r >= 0; k++)
				r = scl_profile_allow_on_arch(rd->p, b->r.names[i], tokens[k], 0);
		}
		if (r < 0)
			return fail(rd, r, "out of memory");
	}
	return 0;
}

/* Every architecture a rule with excludes.arches would apply to. */
static int excludes_complement(const scl_profile *p, const uint32_t *ex, size_t n_ex,
			       uint32_t **ret, size_t *ret_n)
{
	_cleanup_free_ uint32_t *exp = NULL;
	uint32_t *out;
	size_t n_exp = 0, n = 0;
	int r;

	r = scl_profile_arches(p, &exp, &n_exp);
	if (r < 0)
		return r;
	if (n_exp == 0) {
		while (scl_arch_at(n_exp))
			n_exp++;
		free(exp);
		exp = calloc(n_exp + 1, sizeof(uint32_t));
		if (!exp)
			return -ENOMEM;
		for (size_t i = 0; i < n_exp; i++)
			exp[i] = scl_arch_at(i)->token;
	}
	out = calloc(n_exp + 1, sizeof(uint32_t));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n_exp; i++) {
		bool skip = false;
		for (size_t k = 0; k < n_ex; k++)
			skip |= exp[i] == ex[k];
		if (!skip)
			out[n++] = exp[i];
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

int scl_pjson_read_rule(struct reader *rd, json_object *o, size_t idx)
{
	static const char *const known[] = { "names", "name", "action", "args", "errnoRet",
					     "errno", "comment", "includes", "excludes", NULL };
	struct rule_buf b = { 0 };
	json_object *v;
	char where[64], w[96], label[96], reasons[320] = "";
	_cleanup_free_ uint32_t *tokens = NULL;
	size_t n_tokens = 0;
	bool has_errno_name = false;
	uint32_t errno_from_name = 0;
	int r;

	snprintf(where, sizeof(where), "syscalls[%zu]", idx);
	r = scl_pjson_want_object(rd, o, where, known);
	if (r < 0)
		return r;

	if ((v = scl_pjson_member(o, "names", where, w, sizeof(w)))) {
		r = read_strv(rd, v, w, true, &b.names, &b.r.n_names);
		if (r < 0)
			goto out;
	} else if ((v = scl_pjson_member(o, "name", where, w, sizeof(w)))) {
		const char *s;

		r = read_name(rd, v, w, &s);
		if (r < 0)
			goto out;
		b.names = calloc(2, sizeof(char *));
		if (!b.names) {
			r = fail(rd, -ENOMEM, "out of memory");
			goto out;
		}
		b.names[0] = s;
		b.r.n_names = 1;
	}
	b.r.names = b.names;

	r = scl_pjson_read_enum(rd, o, "action", where, w, sizeof(w), scl_profile_action_parse, "action",
				&b.r.action);
	if (r < 0)
		goto out;
	if ((v = scl_pjson_member(o, "errnoRet", where, w, sizeof(w)))) {
		uint64_t x;
		r = scl_pjson_get_uint(rd, v, SCL_MAX_ACTION_DATA, w, &x);
		if (r < 0)
			goto out;
		b.r.has_errno_ret = true;
		b.r.errno_ret = (uint32_t)x;
	}
	if ((v = scl_pjson_member(o, "errno", where, w, sizeof(w)))) {
		r = scl_pjson_read_errno_name(rd, v, w, &has_errno_name, &errno_from_name);
		if (r < 0)
			goto out;
		if (has_errno_name && !b.r.has_errno_ret) {
			b.r.has_errno_ret = true;
			b.r.errno_ret = errno_from_name;
		} else if (has_errno_name && b.r.errno_ret != errno_from_name) {
			r = warn(rd, "%s: errno and errnoRet disagree, errnoRet used", where);
			if (r < 0)
				goto out;
		}
	}
	if ((v = scl_pjson_member(o, "args", where, w, sizeof(w)))) {
		r = read_args(rd, v, w, &b);
		if (r < 0)
			goto out;
	}
	if ((v = scl_pjson_member(o, "comment", where, w, sizeof(w)))) {
		size_t len;
		r = scl_pjson_get_str(rd, v, w, &b.r.comment, &len);
		if (r < 0)
			goto out;
		if (len == 0)
			b.r.comment = NULL;
	}
	if ((v = scl_pjson_member(o, "includes", where, w, sizeof(w)))) {
		r = read_cond(rd, v, w, &b.r.includes, &b.inc_arches, &b.inc_caps);
		if (r < 0)
			goto out;
	}
	if ((v = scl_pjson_member(o, "excludes", where, w, sizeof(w)))) {
		r = read_cond(rd, v, w, &b.r.excludes, &b.exc_arches, &b.exc_caps);
		if (r < 0)
			goto out;
	}

	if (b.r.n_names == 0) {
		r = warn(rd, "rule %zu: no syscall names, ignored", idx);
		goto out;
	}
	scl_pfmt_rule_label(&b.r, label, sizeof(label));

	/* Can it be plain allowed names? */
	if (b.r.action != SCL_ACT_ALLOW && b.r.action != SCL_ACT_LOG)
		reason_add(reasons, sizeof(reasons), scl_profile_action_name(b.r.action));
	if (b.r.n_args)
		reason_add(reasons, sizeof(reasons), "args conditions");
	if (b.r.includes.n_caps)
		reason_add(reasons, sizeof(reasons), "includes.caps");
	if (b.r.includes.min_kernel)
		reason_add(reasons, sizeof(reasons), "includes.minKernel");
	if (b.r.excludes.n_caps)
		reason_add(reasons, sizeof(reasons), "excludes.caps");
	if (b.r.excludes.min_kernel)
		reason_add(reasons, sizeof(reasons), "excludes.minKernel");
	if (b.r.includes.n_arches && b.r.excludes.n_arches)
		reason_add(reasons, sizeof(reasons), "both includes.arches and excludes.arches");
	if (!reasons[0] && (b.r.includes.n_arches || b.r.excludes.n_arches)) {
		const scl_profile_cond *c =
			b.r.includes.n_arches ? &b.r.includes : &b.r.excludes;
		tokens = calloc(c->n_arches + 1, sizeof(uint32_t));
		if (!tokens) {
			r = fail(rd, -ENOMEM, "out of memory");
			goto out;
		}
		size_t bad = 0;
		if (cond_tokens(c, tokens, &n_tokens, &bad) < 0) {
			char ex[EXCERPT_SIZE], what[EXCERPT_SIZE + 64];
			scl_pfmt_excerpt(c->arches[bad], strlen(c->arches[bad]), EXCERPT_MAX, ex,
					 sizeof(ex));
			snprintf(what, sizeof(what), "unknown architecture \"%s\" in %s", ex,
				 c == &b.r.includes ? "includes.arches" : "excludes.arches");
			reason_add(reasons, sizeof(reasons), what);
		} else if (c == &b.r.excludes) {
			uint32_t *in;
			r = excludes_complement(rd->p, tokens, n_tokens, &in, &n_tokens);
			if (r < 0) {
				r = fail(rd, r, "out of memory");
				goto out;
			}
			free(tokens);
			tokens = in;
			if (n_tokens == 0)
				reason_add(reasons, sizeof(reasons), "excludes every architecture");
		}
	}

	if (reasons[0]) {
		r = warn(rd, "rule %zu (%s): %s kept as-is", idx, label, reasons);
		if (r < 0)
			goto out;
		r = scl_profile_add_rule(rd->p, &b.r);
		if (r < 0)
			r = fail(rd, r, "%s: %s", where,
				 r == -ENOMEM ? "out of memory" : "invalid rule");
		goto out;
	}
	if (b.r.action == SCL_ACT_LOG) {
		r = warn(rd, "rule %zu (%s): SCMP_ACT_LOG read as SCMP_ACT_ALLOW", idx, label);
		if (r < 0)
			goto out;
	}
	if (b.r.has_errno_ret) {
		r = warn(rd, "rule %zu (%s): errnoRet of an allow rule ignored", idx, label);
		if (r < 0)
			goto out;
	}
	if (b.r.comment) {
		r = warn(rd, "rule %zu (%s): comment dropped", idx, label);
		if (r < 0)
			goto out;
	}
	r = allow_names(rd, &b, tokens, n_tokens);
out:
	rule_buf_done(&b);
	return r;
}
