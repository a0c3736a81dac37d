/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The profile model's "other rules" (profile.h): rules read from foreign
 * profiles that the plain allowlist cannot express, kept structurally.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/profile-internal.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"

static void cond_free(scl_profile_cond *c)
{
	for (size_t i = 0; i < c->n_arches; i++)
		scl_prof_free_const(c->arches[i]);
	scl_prof_free_const(c->arches);
	for (size_t i = 0; i < c->n_caps; i++)
		scl_prof_free_const(c->caps[i]);
	scl_prof_free_const(c->caps);
	scl_prof_free_const(c->min_kernel);
}

void scl_prof_rule_free(scl_profile_rule *r)
{
	for (size_t i = 0; i < r->n_names; i++)
		scl_prof_free_const(r->names[i]);
	scl_prof_free_const(r->names);
	scl_prof_free_const(r->args);
	cond_free(&r->includes);
	cond_free(&r->excludes);
	scl_prof_free_const(r->comment);
}

/* --- other rules --- */

static bool cond_string_valid(const char *s)
{
	size_t n;

	if (!s)
		return false;
	n = strlen(s);
	if (n == 0 || n > SCL_MAX_PROFILE_STRING)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static int strv_copy(const char *const *v, size_t n, bool names, const char *const **ret)
{
	const char **out;

	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	if (!v)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (names ? !(v[i] && scl_profile_name_valid(v[i], strlen(v[i])))
			  : !cond_string_valid(v[i]))
			return -EINVAL;
	}
	out = calloc(n, sizeof(char *));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		out[i] = strdup(v[i]);
		if (!out[i]) {
			for (size_t k = 0; k < i; k++)
				scl_prof_free_const(out[k]);
			free(out);
			return -ENOMEM;
		}
	}
	*ret = out;
	return 0;
}

static int cond_copy(const scl_profile_cond *c, scl_profile_cond *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = strv_copy(c->arches, c->n_arches, false, &out->arches);
	if (r < 0)
		return r;
	out->n_arches = c->n_arches;
	r = strv_copy(c->caps, c->n_caps, false, &out->caps);
	if (r < 0)
		goto fail;
	out->n_caps = c->n_caps;
	if (c->min_kernel) {
		if (!cond_string_valid(c->min_kernel)) {
			r = -EINVAL;
			goto fail;
		}
		out->min_kernel = strdup(c->min_kernel);
		if (!out->min_kernel) {
			r = -ENOMEM;
			goto fail;
		}
	}
	return 0;
fail:
	cond_free(out);
	memset(out, 0, sizeof(*out));
	return r;
}

int scl_profile_add_rule(scl_profile *p, const scl_profile_rule *in)
{
	scl_profile_rule r = { 0 };
	int k;

	if (in->n_names == 0 || !scl_profile_action_valid(in->action) ||
	    (in->has_errno_ret && in->errno_ret > SCL_MAX_ACTION_DATA))
		return -EINVAL;
	if (in->n_args > 0 && !in->args)
		return -EINVAL;
	for (size_t i = 0; i < in->n_args; i++)
		if (in->args[i].index > SCL_MAX_ARG_INDEX || in->args[i].op < SCL_CMP_NE ||
		    in->args[i].op > SCL_CMP_MASKED_EQ)
			return -EINVAL;
	k = scl_prof_grow((void **)&p->rules, &p->cap_rules, p->n_rules + 1, sizeof(scl_profile_rule));
	if (k < 0)
		return k;

	r.action = in->action;
	r.has_errno_ret = in->has_errno_ret;
	r.errno_ret = in->has_errno_ret ? in->errno_ret : 0;
	k = strv_copy(in->names, in->n_names, true, &r.names);
	if (k < 0)
		return k;
	r.n_names = in->n_names;
	if (in->n_args > 0) {
		scl_profile_arg *a = reallocarray(NULL, in->n_args, sizeof(*a));
		if (!a) {
			k = -ENOMEM;
			goto fail;
		}
		memcpy(a, in->args, in->n_args * sizeof(*a));
		r.args = a;
		r.n_args = in->n_args;
	}
	k = cond_copy(&in->includes, &r.includes);
	if (k < 0)
		goto fail;
	k = cond_copy(&in->excludes, &r.excludes);
	if (k < 0)
		goto fail;
	if (in->comment && in->comment[0]) {
		r.comment = strdup(in->comment);
		if (!r.comment) {
			k = -ENOMEM;
			goto fail;
		}
	}
	p->rules[p->n_rules++] = r;
	return 0;
fail:
	scl_prof_rule_free(&r);
	return k;
}

size_t scl_profile_rule_count(const scl_profile *p)
{
	return p->n_rules;
}

const scl_profile_rule *scl_profile_rule_at(const scl_profile *p, size_t i)
{
	return i < p->n_rules ? &p->rules[i] : NULL;
}

bool scl_profile_rules_name(const scl_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t k = 0; k < p->rules[i].n_names; k++)
			if (!strcmp(p->rules[i].names[k], name))
				return true;
	return false;
}

int scl_profile_remove_rule(scl_profile *p, size_t i)
{
	if (i >= p->n_rules)
		return -ENOENT;
	scl_prof_rule_free(&p->rules[i]);
	memmove(&p->rules[i], &p->rules[i + 1], (p->n_rules - i - 1) * sizeof(p->rules[0]));
	p->n_rules--;
	return 0;
}

static bool strv_equal(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool cond_equal(const scl_profile_cond *a, const scl_profile_cond *b)
{
	return strv_equal(a->arches, a->n_arches, b->arches, b->n_arches) &&
	       strv_equal(a->caps, a->n_caps, b->caps, b->n_caps) &&
	       str_equal(a->min_kernel, b->min_kernel);
}

bool scl_profile_rule_equal(const scl_profile_rule *a, const scl_profile_rule *b)
{
	if (a->action != b->action || a->has_errno_ret != b->has_errno_ret ||
	    (a->has_errno_ret && a->errno_ret != b->errno_ret) || a->n_args != b->n_args)
		return false;
	for (size_t i = 0; i < a->n_args; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].value != b->args[i].value ||
		    a->args[i].value_two != b->args[i].value_two || a->args[i].op != b->args[i].op)
			return false;
	return strv_equal(a->names, a->n_names, b->names, b->n_names) &&
	       cond_equal(&a->includes, &b->includes) && cond_equal(&a->excludes, &b->excludes) &&
	       str_equal(a->comment, b->comment);
}
