/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* scmplog review's model: what is new, who used it, and the resulting profile (review.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-input.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/review.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/profile.h"
#include "scmplog/syscall-groups.h"

void review_free(struct review *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].arches);
		free(r->items[i].users);
	}
	free(r->items);
	free(r->add_arches);
}

static struct item *item_get(struct review *r, const char *name)
{
	struct item *ni;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->items[i].name, name))
			return &r->items[i];
	ni = realloc(r->items, (r->n + 1) * sizeof(*ni));
	if (!ni)
		return NULL;
	r->items = ni;
	ni = &r->items[r->n++];
	*ni = (struct item){ .name = name };
	ni->group = scl_sysgroup_of(name);
	ni->rank = scl_sysgroup_rank(ni->group);
	return ni;
}

static int item_add_user(struct item *it, const char *key, size_t key_n, uint32_t action, uint64_t count)
{
	struct user *u = NULL, *nu;

	for (size_t i = 0; i < it->n_users && !u; i++)
		if (it->users[i].key_n == key_n && !memcmp(it->users[i].key, key, key_n))
			u = &it->users[i];
	if (!u) {
		nu = realloc(it->users, (it->n_users + 1) * sizeof(*nu));
		if (!nu)
			return -ENOMEM;
		it->users = nu;
		u = &nu[it->n_users++];
		*u = (struct user){ .key = key, .key_n = key_n };
	}
	if (action == SCL_ACT_LOG) {
		u->logged += count;
		it->logged += count;
	} else {
		u->denied += count;
		it->denied += count;
	}
	return 0;
}

/* True if an argument-free rule of p denies the name (a review's, or one written by hand). */
static bool denied_on_purpose(const scl_profile *p, const char *name)
{
	for (size_t i = 0; i < scl_profile_rule_count(p); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(p, i);

		if (rule->action == SCL_ACT_ALLOW || rule->action == SCL_ACT_LOG || rule->n_args ||
		    rule->includes.n_arches || rule->includes.n_caps || rule->includes.min_kernel)
			continue;
		for (size_t j = 0; j < rule->n_names; j++)
			if (!strcmp(rule->names[j], name))
				return true;
	}
	return false;
}

static int note_expected(struct review *r, const char *name, uint64_t count, const char ***seen,
			 size_t *n_seen)
{
	const char **ns;

	r->expected += count;
	for (size_t i = 0; i < *n_seen; i++)
		if (!strcmp((*seen)[i], name))
			return 0;
	ns = realloc(*seen, (*n_seen + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns[(*n_seen)++] = name;
	*seen = ns;
	r->n_expected++;
	return 0;
}

int review_collect_profiles(struct review *r, const scl_profile *old, const scl_profile *new_)
{
	_cleanup_free_ scl_profile_change *ch = NULL;
	_cleanup_free_ const char **seen = NULL;
	size_t n, n_seen = 0;
	int k;

	k = scl_profile_diff(old, new_, &ch, &n);
	if (k < 0)
		return k;
	for (size_t i = 0; i < n; i++) {
		scl_profile_syscall sc;
		struct item *it;

		if (!ch[i].added)
			continue;
		if (denied_on_purpose(old, ch[i].name)) {
			if (note_expected(r, ch[i].name, 0, &seen, &n_seen) < 0)
				return -ENOMEM;
			continue;
		}
		it = item_get(r, ch[i].name);
		if (!it || scl_u32_add(&it->arches, &it->n_arches, ch[i].arch) < 0)
			return -ENOMEM;
		/* unrestricted in NEW and unknown to OLD: allow it the same way */
		if (scl_profile_get(new_, it->name, &sc) == 0) {
			it->logged = sc.records;
			it->unrestricted = sc.n_arches == 0 && scl_profile_get(old, it->name, &sc) == -ENOENT;
		}
	}
	for (size_t i = 0; i < scl_profile_arch_count(new_); i++)
		if (scl_u32_add(&r->add_arches, &r->n_add_arches, scl_profile_arch_at(new_, i)) < 0)
			return -ENOMEM;
	return 0;
}

/* The 64-bit arch a compat=1 record's 32-bit arch belongs to (as build does). */
int review_collect_records(struct review *r, const scl_profile *base, scl_learn *learn, scl_mapper *m,
			   uint64_t *ret_unknown)
{
	_cleanup_free_ scl_learn_entry *e = NULL;
	_cleanup_free_ const char **seen = NULL;
	size_t n_seen = 0;
	long n;

	n = scl_learn_entries(learn, &e);
	if (n < 0)
		return (int)n;
	for (long i = 0; i < n; i++) {
		const char *name, *key;
		size_t key_n;
		uint32_t eff;
		struct item *it;
		int k;

		if (e[i].key.action == SCL_ACT_ALLOW)
			continue;
		k = scl_mapper_name(m, e[i].key.arch, e[i].key.nr, &name, &eff);
		if (k == -ENOMEM)
			return k;
		if (k < 0) {
			*ret_unknown += e[i].count;
			continue;
		}
		if (scl_profile_allows_on_arch(base, name, eff))
			continue;
		if (denied_on_purpose(base, name)) {
			if (note_expected(r, name, e[i].count, &seen, &n_seen) < 0)
				return -ENOMEM;
			continue;
		}
		it = item_get(r, name);
		if (!it)
			return -ENOMEM;
		it->unrestricted = true;
		key = scl_learn_group(learn, e[i].key.group, &key_n);
		if (scl_u32_add(&it->arches, &it->n_arches, eff) < 0 ||
		    item_add_user(it, key ? key : "", key ? key_n : 0, e[i].key.action, e[i].count) < 0 ||
		    scl_u32_add(&r->add_arches, &r->n_add_arches, scl_arch_native_of(e[i].key.arch, e[i].key.compat)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int review_cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

int review_cmp_user(const void *a, const void *b)
{
	const struct user *x = a, *y = b;
	uint64_t nx = x->logged + x->denied, ny = y->logged + y->denied;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	if (x->key_n != y->key_n)
		return x->key_n < y->key_n ? -1 : 1;
	return memcmp(x->key, y->key, x->key_n);
}

const char *review_arch_name(uint32_t token)
{
	const scl_arch_info *a = scl_arch_by_token(token);

	return a ? a->name : "any architecture";
}

/* ------------------------------------------------------------ the result */

static int copy_syscalls(scl_profile *dst, const scl_profile *src)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	size_t n;
	int k;

	k = scl_profile_syscalls(src, &v, &n);
	if (k < 0)
		return k;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n_arches == 0)
			k = scl_profile_allow(dst, v[i].name, v[i].records);
		for (size_t j = 0; j < v[i].n_arches && k >= 0; j++)
			k = scl_profile_allow_on_arch(dst, v[i].name, v[i].arches[j], j ? 0 : v[i].records);
		if (k >= 0)
			k = scl_profile_add_stats(dst, v[i].name, 0, v[i].runs);
		if (k < 0)
			return k;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int review_build_result(const struct review *r, scl_profile **ret)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_free_ const char **denied = NULL;
	const scl_profile *base = r->base;
	size_t n_denied = 0, cap;
	uint32_t act = scl_profile_default_action(base);
	int k;

	k = scl_profile_new(&p);
	if (k < 0)
		return k;
	k = scl_profile_set_default_action(p, act, scl_profile_default_errno(base));
	for (size_t i = 0; i < scl_profile_arch_count(base) && k >= 0; i++)
		k = scl_profile_add_arch(p, scl_profile_arch_at(base, i));
	for (size_t i = 0; i < r->n_add_arches && k >= 0; i++) {
		if (!scl_profile_arch_count(base))
			break; /* a profile for every architecture stays one */
		k = scl_profile_add_arch(p, r->add_arches[i]);
		if (k == -EAFNOSUPPORT)
			k = 0;
	}
	if (k >= 0)
		k = copy_syscalls(p, base);
	if (k < 0)
		return k;

	cap = r->n;
	for (size_t i = 0; i < scl_profile_rule_count(base); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(base, i);

		if (rule->comment && !strcmp(rule->comment, REVIEW_DENY_COMMENT))
			cap += rule->n_names;
	}
	denied = calloc(cap ? cap : 1, sizeof(*denied));
	if (!denied)
		return -ENOMEM;
	for (size_t i = 0; i < scl_profile_rule_count(base); i++) {
		const scl_profile_rule *rule = scl_profile_rule_at(base, i);

		if (rule->comment && !strcmp(rule->comment, REVIEW_DENY_COMMENT)) {
			for (size_t j = 0; j < rule->n_names; j++)
				denied[n_denied++] = rule->names[j];
			continue;
		}
		k = scl_profile_add_rule(p, rule);
		if (k < 0)
			return k;
	}

	for (size_t i = 0; i < r->n; i++) {
		const struct item *it = &r->items[i];

		if (it->d == DENY) {
			denied[n_denied++] = it->name;
			continue;
		}
		if (it->d != ALLOW)
			continue;
		if (it->unrestricted) {
			k = scl_profile_allow(p, it->name, it->logged);
		} else {
			k = 0;
			for (size_t j = 0; j < it->n_arches && k >= 0; j++)
				k = it->arches[j] ? scl_profile_allow_on_arch(p, it->name, it->arches[j], j ? 0 : it->logged)
						  : scl_profile_allow(p, it->name, it->logged);
		}
		if (k >= 0)
			k = scl_profile_add_stats(p, it->name, 0, 1);
		if (k < 0)
			return k;
	}

	if (n_denied) {
		scl_profile_rule rule = { .comment = REVIEW_DENY_COMMENT };
		size_t m = 0;

		qsort(denied, n_denied, sizeof(*denied), cmp_str);
		for (size_t i = 0; i < n_denied; i++)
			if (i == 0 || strcmp(denied[i], denied[m - 1]))
				denied[m++] = denied[i];
		/* the default action, unless it lets the syscall through */
		if (act == SCL_ACT_ALLOW || act == SCL_ACT_LOG) {
			rule.action = SCL_ACT_ERRNO;
			rule.has_errno_ret = true;
			rule.errno_ret = 1;
		} else {
			rule.action = act;
			rule.has_errno_ret = act == SCL_ACT_ERRNO;
			rule.errno_ret = act == SCL_ACT_ERRNO ? scl_profile_default_errno(base) : 0;
		}
		rule.names = denied;
		rule.n_names = m;
		k = scl_profile_add_rule(p, &rule);
		if (k < 0)
			return k;
	}
	*ret = TAKE_PTR(p);
	return 0;
}
