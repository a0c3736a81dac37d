/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/portable.h"

#include "lib/portable-table.h"

/* ENOSYS: 38 on every Linux architecture scmplog knows but MIPS, where it is 89 (asm/errno.h) */
#define ENOSYS_ERRNO 38U
#define ENOSYS_ERRNO_MIPS 89U

size_t scl_portable_family_count(void)
{
	return sizeof(families) / sizeof(families[0]);
}

const scl_portable_family *scl_portable_family_at(size_t i)
{
	return i < scl_portable_family_count() ? &families[i] : NULL;
}

const scl_portable_family *scl_portable_family_by_id(const char *id)
{
	for (size_t i = 0; i < scl_portable_family_count(); i++)
		if (!strcmp(families[i].id, id))
			return &families[i];
	return NULL;
}

struct changes {
	scl_portable_change *v;
	size_t n, cap;
};

static int change_add(struct changes *c, const scl_portable_family *f, const scl_portable_member *m,
		      const char *because, bool enosys)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		scl_portable_change *v = reallocarray(c->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (scl_portable_change){
		.name = m->name, .enosys = enosys, .family = f, .member = m, .because = because,
	};
	return 0;
}

static bool is_ours(const scl_profile_rule *r)
{
	return r->comment && !strncmp(r->comment, SCL_PORTABLE_COMMENT_PREFIX, strlen(SCL_PORTABLE_COMMENT_PREFIX));
}

/*
 * Does the default action refuse what is not listed?  Under ALLOW or LOG
 * (a learning or complain-mode profile) an unseen syscall runs: an ENOSYS
 * answer would only hide it from learning.
 */
static bool refuses(const scl_profile *p)
{
	uint32_t a = scl_profile_default_action(p);

	return a != SCL_ACT_ALLOW && a != SCL_ACT_LOG;
}

/* An i386 or arm profile: the only ones where the time64 names exist. */
static bool has_arch32(const scl_profile *p)
{
	return scl_profile_has_arch(p, SCL_ARCH_X86) || scl_profile_has_arch(p, SCL_ARCH_ARM);
}

static bool allowed(const scl_profile *p, const char *name)
{
	scl_profile_syscall s;

	return scl_profile_get(p, name, &s) == 0;
}

/*
 * Our ENOSYS rules for syscalls p now allows are stale: the syscall was
 * learned since (an allow and an ERRNO rule for one syscall contradict).
 */
static int drop_stale_rules(scl_profile *p)
{
	for (size_t i = scl_profile_rule_count(p); i-- > 0;) {
		const scl_profile_rule *r = scl_profile_rule_at(p, i);
		bool stale = false;

		if (!is_ours(r))
			continue;
		for (size_t k = 0; k < r->n_names && !stale; k++)
			stale = allowed(p, r->names[k]);
		if (stale) {
			int e = scl_profile_remove_rule(p, i);
			if (e < 0)
				return e;
		}
	}
	return 0;
}

/* A profile only for MIPS gets MIPS's ENOSYS; any other, the generic one. */
static uint32_t enosys_errno(const scl_profile *p)
{
	size_t n = scl_profile_arch_count(p);

	for (size_t i = 0; i < n; i++) {
		const scl_arch_info *a = scl_arch_by_token(scl_profile_arch_at(p, i));
		if (!a || strncmp(a->name, "mips", 4))
			return ENOSYS_ERRNO;
	}
	return n ? ENOSYS_ERRNO_MIPS : ENOSYS_ERRNO;
}

static int add_enosys(scl_profile *p, const char *name, const char *because)
{
	char comment[160];
	const char *names[] = { name };
	scl_profile_rule r = {
		.names = names,
		.n_names = 1,
		.action = SCL_ACT_ERRNO,
		.has_errno_ret = true,
		.errno_ret = enosys_errno(p),
		.comment = comment,
	};

	snprintf(comment, sizeof(comment), SCL_PORTABLE_COMMENT_PREFIX "%s answers ENOSYS so that callers of %s fall back",
		 name, because);
	return scl_profile_add_rule(p, &r);
}

static int apply_families(scl_profile *p, bool arch32, struct changes *allow, struct changes *enosys)
{
	int r;

	for (size_t fi = 0; fi < scl_portable_family_count(); fi++) {
		const scl_portable_family *f = &families[fi];
		const char *seen = NULL, *seen_newer = NULL;

		if (f->time64 && !arch32)
			continue;
		for (size_t i = 0; i < f->n_members; i++) {
			/* a FALLBACK member is used for much else (openat, read): it shows no use of the family */
			if (f->members[i].role == SCL_PORTABLE_FALLBACK || !allowed(p, f->members[i].name))
				continue;
			if (!seen)
				seen = f->members[i].name;
			if (f->members[i].role == SCL_PORTABLE_NEWER && !seen_newer)
				seen_newer = f->members[i].name;
		}
		if (!seen)
			continue;
		for (size_t i = 0; i < f->n_members; i++) {
			const scl_portable_member *m = &f->members[i];
			bool want = m->role == SCL_PORTABLE_ALT || (m->role == SCL_PORTABLE_FALLBACK && seen_newer);

			if (!want || allowed(p, m->name))
				continue;
			r = scl_profile_allow(p, m->name, 0);
			if (r >= 0)
				r = change_add(allow, f, m, seen_newer ? seen_newer : seen, false);
			if (r < 0)
				return r;
		}
		for (size_t i = 0; i < f->n_members; i++) {
			const scl_portable_member *m = &f->members[i];

			if (m->role != SCL_PORTABLE_NEWER || allowed(p, m->name) || scl_profile_rules_name(p, m->name) || !refuses(p))
				continue;
			r = add_enosys(p, m->name, seen);
			if (r >= 0)
				r = change_add(enosys, f, m, seen, true);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int scl_portable_apply(scl_profile *p, scl_portable_change **ret, size_t *ret_n)
{
	struct changes allow = { 0 }, enosys = { 0 };
	bool arch32 = has_arch32(p);
	int r;

	r = drop_stale_rules(p);
	if (r < 0)
		return r;
	/*
	 * Until nothing changes: a syscall one family adds (futex for
	 * futex_time64) is a use of another family earlier in the table.
	 */
	for (size_t done = SIZE_MAX; done != allow.n + enosys.n;) {
		done = allow.n + enosys.n;
		r = apply_families(p, arch32, &allow, &enosys);
		if (r < 0)
			goto fail;
	}
	if (ret) {
		if (allow.n + enosys.n > allow.cap) {
			scl_portable_change *v = reallocarray(allow.v, allow.n + enosys.n, sizeof(*v));
			if (!v) {
				r = -ENOMEM;
				goto fail;
			}
			allow.v = v;
		}
		if (enosys.n)
			memcpy(allow.v + allow.n, enosys.v, enosys.n * sizeof(*enosys.v));
		*ret = allow.n + enosys.n ? allow.v : NULL;
		if (!*ret)
			free(allow.v);
		allow.v = NULL;
	}
	if (ret_n)
		*ret_n = allow.n + enosys.n;
	r = 0;
fail:
	free(allow.v);
	free(enosys.v);
	return r;
}
