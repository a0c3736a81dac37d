/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "util.h"

struct slot {
	scl_learn_key key;
	uint64_t count;
	int used;
};

struct group {
	char *s;
	size_t n;
	uint64_t hash;
};

struct scl_learn {
	struct slot *slots;
	size_t cap, len;
	struct group *groups;
	size_t ngroups, gcap;
	uint32_t *gindex; /* open addressing over groups, value = index + 1 */
	size_t gicap;
	uint32_t last_group; /* records come in runs from the same group */
	struct slot *last;   /* ... and often of the same syscall */
	uint64_t total;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	return scl_fnv1a(SCL_FNV_OFFSET, s, n);
}

static uint64_t hash_key(const scl_learn_key *k)
{
	return scl_mix64(((uint64_t)k->arch << 32 | k->nr) ^ ((uint64_t)k->group << 40) ^
			 ((uint64_t)k->action * 0x9e3779b97f4a7c15ULL) ^ k->compat);
}

static int key_eq(const scl_learn_key *a, const scl_learn_key *b)
{
	return a->group == b->group && a->arch == b->arch && a->nr == b->nr && a->action == b->action &&
	       a->compat == b->compat;
}

int scl_learn_new(scl_learn **ret)
{
	scl_learn *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->cap = 1024;
	l->slots = calloc(l->cap, sizeof(*l->slots));
	l->gicap = 64;
	l->gindex = calloc(l->gicap, sizeof(*l->gindex));
	l->last_group = UINT32_MAX;
	if (!l->slots || !l->gindex) {
		scl_learn_free(l);
		return -ENOMEM;
	}
	*ret = l;
	return 0;
}

void scl_learn_free(scl_learn *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->ngroups; i++)
		free(l->groups[i].s);
	free(l->groups);
	free(l->gindex);
	free(l->slots);
	free(l);
}

static int grow_slots(scl_learn *l)
{
	size_t cap = l->cap * 2;
	struct slot *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < l->cap; i++) {
		if (!l->slots[i].used)
			continue;
		size_t j = hash_key(&l->slots[i].key) & (cap - 1);
		while (n[j].used)
			j = (j + 1) & (cap - 1);
		n[j] = l->slots[i];
	}
	free(l->slots);
	l->slots = n;
	l->cap = cap;
	return 0;
}

static int grow_gindex(scl_learn *l)
{
	size_t cap = l->gicap * 2;
	uint32_t *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < l->ngroups; i++) {
		size_t j = l->groups[i].hash & (cap - 1);
		while (n[j])
			j = (j + 1) & (cap - 1);
		n[j] = (uint32_t)i + 1;
	}
	free(l->gindex);
	l->gindex = n;
	l->gicap = cap;
	return 0;
}

static int group_id(scl_learn *l, const char *g, size_t n, uint32_t *ret)
{
	uint64_t h;
	size_t j;

	if (l->last_group != UINT32_MAX && l->groups[l->last_group].n == n &&
	    !memcmp(l->groups[l->last_group].s, g, n)) {
		*ret = l->last_group;
		return 0;
	}
	h = hash_bytes(g, n);
	j = h & (l->gicap - 1);
	while (l->gindex[j]) {
		struct group *e = &l->groups[l->gindex[j] - 1];
		if (e->hash == h && e->n == n && !memcmp(e->s, g, n)) {
			*ret = l->last_group = l->gindex[j] - 1;
			return 0;
		}
		j = (j + 1) & (l->gicap - 1);
	}
	if (l->ngroups >= SCL_MAX_GROUPS)
		return -E2BIG;
	if (l->ngroups == l->gcap) {
		size_t cap = l->gcap ? l->gcap * 2 : 16;
		struct group *ng = realloc(l->groups, cap * sizeof(*ng));
		if (!ng)
			return -ENOMEM;
		l->groups = ng;
		l->gcap = cap;
	}
	struct group *e = &l->groups[l->ngroups];
	e->s = malloc(n + 1);
	if (!e->s)
		return -ENOMEM;
	memcpy(e->s, g, n);
	e->s[n] = '\0';
	e->n = n;
	e->hash = h;
	l->gindex[j] = (uint32_t)l->ngroups + 1;
	*ret = l->last_group = (uint32_t)l->ngroups;
	l->ngroups++;
	if (l->ngroups * 2 > l->gicap && grow_gindex(l) < 0)
		return -ENOMEM;
	return 0;
}

int scl_learn_add_key(scl_learn *l, const scl_learn_key *k0, const char *group, size_t group_n,
		      uint64_t n)
{
	scl_learn_key k = *k0;
	size_t j;
	int r;

	r = group_id(l, group ? group : "", group ? group_n : 0, &k.group);
	if (r < 0)
		return r;
	if (l->last && key_eq(&l->last->key, &k)) {
		l->last->count += n;
		l->total += n;
		return 0;
	}
	j = hash_key(&k) & (l->cap - 1);
	while (l->slots[j].used) {
		if (key_eq(&l->slots[j].key, &k)) {
			l->slots[j].count += n;
			l->total += n;
			l->last = &l->slots[j];
			return 0;
		}
		j = (j + 1) & (l->cap - 1);
	}
	l->slots[j].used = 1;
	l->slots[j].key = k;
	l->slots[j].count = n;
	l->total += n;
	l->len++;
	l->last = &l->slots[j];
	if (l->len * 2 > l->cap) {
		l->last = NULL; /* the table moves */
		return grow_slots(l);
	}
	return 0;
}

int scl_learn_add(scl_learn *l, const scl_record *rec, const char *group, size_t group_n)
{
	scl_learn_key k = {
		.arch = rec->arch,
		.nr = rec->syscall,
		.action = scl_record_action(rec),
		.compat = (rec->fields & SCL_F_COMPAT) ? rec->compat : 0,
	};
	return scl_learn_add_key(l, &k, group, group_n, 1);
}

size_t scl_learn_ngroups(const scl_learn *l)
{
	return l->ngroups;
}

const char *scl_learn_group(const scl_learn *l, size_t i, size_t *ret_n)
{
	if (i >= l->ngroups)
		return NULL;
	if (ret_n)
		*ret_n = l->groups[i].n;
	return l->groups[i].s;
}

uint64_t scl_learn_total(const scl_learn *l)
{
	return l->total;
}

int scl_learn_entry_cmp(const void *a, const void *b)
{
	const scl_learn_key *x = &((const scl_learn_entry *)a)->key, *y = &((const scl_learn_entry *)b)->key;
#define C(f) if (x->f != y->f) return x->f < y->f ? -1 : 1
	C(group);
	C(arch);
	C(nr);
	C(action);
	C(compat);
#undef C
	return 0;
}

long scl_learn_entries(const scl_learn *l, scl_learn_entry **ret)
{
	scl_learn_entry *v = malloc((l->len ? l->len : 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < l->cap; i++)
		if (l->slots[i].used) {
			v[k].key = l->slots[i].key;
			v[k].count = l->slots[i].count;
			k++;
		}
	qsort(v, k, sizeof(*v), scl_learn_entry_cmp);
	*ret = v;
	return (long)k;
}
