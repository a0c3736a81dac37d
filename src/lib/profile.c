/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/profile-internal.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"

int scl_prof_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return -ENOMEM;
		n *= 2;
	}
	q = reallocarray(*p, n, size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

bool scl_profile_name_valid(const char *s, size_t n)
{
	if (!s || n == 0 || n > SCL_MAX_SYSCALL_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

int scl_profile_new(scl_profile **ret)
{
	scl_profile *p = calloc(1, sizeof(*p));
	uint64_t seed;

	if (!p)
		return -ENOMEM;
	p->default_action = SCL_ACT_ERRNO;
	p->default_errno = 1;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = (uint64_t)(uintptr_t)p ^ 0x9e3779b97f4a7c15ULL;
	p->seed = seed;
	*ret = p;
	return 0;
}

void scl_profile_free(scl_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_entries; i++)
		free(p->entries[i].arches);
	for (size_t i = 0; i < p->n_rules; i++)
		scl_prof_rule_free(&p->rules[i]);
	free(p->rules);
	free(p->entries);
	free(p->table);
	free(p->arches);
	free(p->map);
	free(p->listener_path);
	free(p->listener_metadata);
	free(p->infos);
	free(p);
}

int scl_profile_set_report(scl_profile *p, bool flag_log, const char *listener_path,
			   const char *listener_metadata)
{
	char *path = NULL, *meta = NULL;

	if ((listener_path && !(path = strdup(listener_path))) ||
	    (listener_metadata && !(meta = strdup(listener_metadata)))) {
		free(path);
		return -ENOMEM;
	}
	free(p->listener_path);
	free(p->listener_metadata);
	p->flag_log = flag_log;
	p->listener_path = path;
	p->listener_metadata = meta;
	return 0;
}

bool scl_profile_flag_log(const scl_profile *p)
{
	return p->flag_log;
}

const char *scl_profile_listener_path(const scl_profile *p)
{
	return p->listener_path;
}

const char *scl_profile_listener_metadata(const scl_profile *p)
{
	return p->listener_metadata;
}

bool scl_profile_action_valid(uint32_t action)
{
	switch (action) {
	case SCL_ACT_KILL_PROCESS:
	case SCL_ACT_KILL_THREAD:
	case SCL_ACT_TRAP:
	case SCL_ACT_ERRNO:
	case SCL_ACT_USER_NOTIF:
	case SCL_ACT_TRACE:
	case SCL_ACT_LOG:
	case SCL_ACT_ALLOW:
		return true;
	default:
		return false;
	}
}

static const struct {
	const char *name;
	uint32_t action;
} action_names[] = {
	/* First match by action is the name we write. */
	{ "SCMP_ACT_KILL", SCL_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SCL_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCL_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SCL_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCL_ACT_ERRNO },
	{ "SCMP_ACT_TRACE", SCL_ACT_TRACE },
	{ "SCMP_ACT_ALLOW", SCL_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SCL_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SCL_ACT_USER_NOTIF },
};

const char *scl_profile_action_name(uint32_t action)
{
	for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
		if (action_names[i].action == action)
			return action_names[i].name;
	return NULL;
}

int scl_profile_action_parse(const char *s, size_t n, uint32_t *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(action_names); i++)
		if (strlen(action_names[i].name) == n && !memcmp(action_names[i].name, s, n)) {
			*ret = action_names[i].action;
			return 0;
		}
	return -EINVAL;
}

int scl_profile_set_default_action(scl_profile *p, uint32_t action, uint32_t errno_ret)
{
	if (!scl_profile_action_valid(action) || errno_ret > SCL_MAX_ACTION_DATA)
		return -EINVAL;
	p->default_action = action;
	p->default_errno = errno_ret;
	return 0;
}

uint32_t scl_profile_default_action(const scl_profile *p)
{
	return p->default_action;
}

uint32_t scl_profile_default_errno(const scl_profile *p)
{
	return p->default_errno;
}

int scl_profile_add_arch(scl_profile *p, uint32_t token)
{
	int r;

	if (!scl_arch_by_token(token))
		return -EAFNOSUPPORT;
	if (scl_u32_in(p->arches, p->n_arches, token))
		return 0;
	r = scl_prof_grow((void **)&p->arches, &p->cap_arches, p->n_arches + 1, sizeof(uint32_t));
	if (r < 0)
		return r;
	p->arches[p->n_arches++] = token;
	return 1;
}

void scl_profile_clear_arches(scl_profile *p)
{
	p->n_arches = 0;
	p->n_map = 0;
}

int scl_profile_add_arch_map(scl_profile *p, uint32_t arch, const uint32_t *subs, size_t n_subs)
{
	struct arch_map *m = NULL;
	int r;

	if (!scl_arch_by_token(arch))
		return -EAFNOSUPPORT;
	for (size_t i = 0; i < n_subs; i++)
		if (!scl_arch_by_token(subs[i]))
			return -EAFNOSUPPORT;
	for (size_t i = 0; i < p->n_map && !m; i++)
		if (p->map[i].arch == arch)
			m = &p->map[i];
	if (!m) {
		r = scl_prof_grow((void **)&p->map, &p->cap_map, p->n_map + 1, sizeof(*p->map));
		if (r < 0)
			return r;
		m = &p->map[p->n_map++];
		*m = (struct arch_map){ .arch = arch };
	}
	r = scl_profile_add_arch(p, arch);
	for (size_t i = 0; r >= 0 && i < n_subs; i++) {
		/* known tokens are fewer than MAP_SUBS: a new one always fits */
		if (subs[i] != arch && !scl_u32_in(m->subs, m->n_subs, subs[i]) && m->n_subs < MAP_SUBS)
			m->subs[m->n_subs++] = subs[i];
		r = scl_profile_add_arch(p, subs[i]);
	}
	return r < 0 ? r : 0;
}

bool scl_profile_has_arch_map(const scl_profile *p)
{
	return p->n_map > 0;
}

int scl_profile_narrow_arches(scl_profile *p, uint32_t target, uint32_t **ret_removed, size_t *ret_n)
{
	const struct arch_map *entry = NULL;
	uint32_t *removed = NULL;
	size_t k = 0, n_removed = 0;

	for (size_t i = 0; i < p->n_map; i++)
		if (p->map[i].arch == target)
			entry = &p->map[i];
	if (p->n_arches) {
		removed = malloc(p->n_arches * sizeof(*removed));
		if (!removed)
			return -ENOMEM;
	}
	for (size_t i = 0; i < p->n_arches; i++) {
		uint32_t a = p->arches[i];
		bool keep, mapped = false;

		for (size_t j = 0; j < p->n_map && !mapped; j++)
			mapped = p->map[j].arch == a || scl_u32_in(p->map[j].subs, p->map[j].n_subs, a);
		if (entry && (a == entry->arch || scl_u32_in(entry->subs, entry->n_subs, a)))
			keep = true;
		else
			keep = !mapped && scl_arch_little_endian(a) == scl_arch_little_endian(target);
		if (keep)
			p->arches[k++] = a;
		else
			removed[n_removed++] = a;
	}
	p->n_arches = k;
	p->n_map = 0;
	if (n_removed == 0) {
		free(removed);
		removed = NULL;
	}
	*ret_removed = removed;
	*ret_n = n_removed;
	return 0;
}

size_t scl_profile_arch_count(const scl_profile *p)
{
	return p->n_arches;
}

uint32_t scl_profile_arch_at(const scl_profile *p, size_t i)
{
	return i < p->n_arches ? p->arches[i] : 0;
}

bool scl_profile_has_arch(const scl_profile *p, uint32_t token)
{
	return scl_u32_in(p->arches, p->n_arches, token);
}

static int cmp_arch_name(const void *a, const void *b)
{
	const scl_arch_info *x = scl_arch_by_token(*(const uint32_t *)a);
	const scl_arch_info *y = scl_arch_by_token(*(const uint32_t *)b);

	return strcmp(x->name, y->name);
}

static bool is_sub(uint32_t parent, uint32_t t)
{
	const scl_arch_info *a = scl_arch_by_token(parent);

	for (size_t k = 0; k < ELEMENTSOF(a->subarches) && a->subarches[k]; k++)
		if (a->subarches[k] == t)
			return true;
	return false;
}

/* t is a sub-architecture of a member that is not in turn one of t's. */
static bool has_strict_parent(const uint32_t *set, size_t n, uint32_t t)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] != t && is_sub(set[i], t) && !is_sub(t, set[i]))
			return true;
	return false;
}

static void emit_with_subs(uint32_t t, uint32_t *out, size_t *n)
{
	const scl_arch_info *a = scl_arch_by_token(t);

	if (!scl_u32_in(out, *n, t))
		out[(*n)++] = t;
	for (size_t k = 0; k < ELEMENTSOF(a->subarches) && a->subarches[k]; k++) {
		uint32_t s = a->subarches[k];
		if (scl_arch_by_token(s) && !scl_u32_in(out, *n, s))
			out[(*n)++] = s;
	}
}

/* set: known tokens, no duplicates. */
static int expand_arches(const uint32_t *set, size_t n, uint32_t **ret, size_t *ret_n)
{
	_cleanup_free_ uint32_t *sorted = NULL;
	_cleanup_free_ uint32_t *out = NULL;
	size_t n_out = 0;
	const size_t per = 1 + ELEMENTSOF(((scl_arch_info *)NULL)->subarches);

	if (n == 0) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	sorted = reallocarray(NULL, n, sizeof(uint32_t));
	out = reallocarray(NULL, n, per * sizeof(uint32_t));
	if (!sorted || !out)
		return -ENOMEM;
	memcpy(sorted, set, n * sizeof(uint32_t));
	qsort(sorted, n, sizeof(uint32_t), cmp_arch_name);
	for (size_t i = 0; i < n; i++)
		if (!scl_u32_in(out, n_out, sorted[i]) && !has_strict_parent(sorted, n, sorted[i]))
			emit_with_subs(sorted[i], out, &n_out);
	for (size_t i = 0; i < n; i++)
		if (!scl_u32_in(out, n_out, sorted[i]))
			emit_with_subs(sorted[i], out, &n_out);
	*ret = TAKE_PTR(out);
	*ret_n = n_out;
	return 0;
}

int scl_profile_arches(const scl_profile *p, uint32_t **ret, size_t *ret_n)
{
	return expand_arches(p->arches, p->n_arches, ret, ret_n);
}

/* --- syscall set --- */

static uint64_t hash_name(const scl_profile *p, const char *s, size_t n)
{
	/* FNV's low bits are weak; finish with the murmur3 mixer. */
	return scl_mix64(scl_fnv1a(SCL_FNV_OFFSET ^ p->seed, s, n));
}

struct entry *scl_prof_lookup(const scl_profile *p, const char *s, size_t n)
{
	size_t mask, i;

	if (!p->table_size)
		return NULL;
	mask = p->table_size - 1;
	for (i = hash_name(p, s, n) & mask;; i = (i + 1) & mask) {
		size_t slot = p->table[i];
		struct entry *e;

		if (!slot)
			return NULL;
		e = &p->entries[slot - 1];
		if (strlen(e->name) == n && !memcmp(e->name, s, n))
			return e;
	}
}

static void table_put(scl_profile *p, size_t idx)
{
	const struct entry *e = &p->entries[idx];
	size_t mask = p->table_size - 1;
	size_t i = hash_name(p, e->name, strlen(e->name)) & mask;

	while (p->table[i])
		i = (i + 1) & mask;
	p->table[i] = idx + 1;
}

static int table_reserve(scl_profile *p, size_t n_entries)
{
	size_t size = p->table_size ? p->table_size : 64;
	size_t *t;

	/* Load factor at most 1/2. */
	while (size / 2 < n_entries) {
		if (size > SIZE_MAX / 2 / sizeof(size_t))
			return -ENOMEM;
		size *= 2;
	}
	if (size == p->table_size)
		return 0;
	t = calloc(size, sizeof(size_t));
	if (!t)
		return -ENOMEM;
	free(p->table);
	p->table = t;
	p->table_size = size;
	for (size_t i = 0; i < p->n_entries; i++)
		table_put(p, i);
	return 0;
}

/* Find or create; *created tells which.  The name must be valid. */
static int get_entry(scl_profile *p, const char *s, size_t n, struct entry **ret, bool *created)
{
	struct entry *e = scl_prof_lookup(p, s, n);
	int r;

	if (e) {
		*ret = e;
		*created = false;
		return 0;
	}
	r = scl_prof_grow((void **)&p->entries, &p->cap_entries, p->n_entries + 1, sizeof(struct entry));
	if (r < 0)
		return r;
	r = table_reserve(p, p->n_entries + 1);
	if (r < 0)
		return r;
	e = &p->entries[p->n_entries];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, s, n);
	e->name[n] = '\0';
	table_put(p, p->n_entries);
	p->n_entries++;
	*ret = e;
	*created = true;
	return 0;
}

/* Drop an entry that was just created (an allocation after it failed). */
static void drop_last_entry(scl_profile *p)
{
	p->n_entries--;
	free(p->entries[p->n_entries].arches);
	memset(p->table, 0, p->table_size * sizeof(size_t));
	for (size_t i = 0; i < p->n_entries; i++)
		table_put(p, i);
}

/* Add t to a sorted restriction. */
static int restrict_add(struct entry *e, uint32_t t)
{
	uint32_t *v;
	size_t i;

	for (i = 0; i < e->n_arches && e->arches[i] < t; i++)
		;
	if (i < e->n_arches && e->arches[i] == t)
		return 0;
	v = reallocarray(e->arches, e->n_arches + 1, sizeof(uint32_t));
	if (!v)
		return -ENOMEM;
	memmove(v + i + 1, v + i, (e->n_arches - i) * sizeof(uint32_t));
	v[i] = t;
	e->arches = v;
	e->n_arches++;
	return 0;
}

static void restrict_clear(struct entry *e)
{
	free(e->arches);
	e->arches = NULL;
	e->n_arches = 0;
}

int scl_profile_allow_n(scl_profile *p, const char *name, size_t n, uint64_t records)
{
	struct entry *e;
	bool created;
	int r;

	if (!scl_profile_name_valid(name, n))
		return -EINVAL;
	r = get_entry(p, name, n, &e, &created);
	if (r < 0)
		return r;
	restrict_clear(e);
	e->records = scl_sat_add(e->records, records);
	return 0;
}

int scl_profile_allow(scl_profile *p, const char *name, uint64_t records)
{
	if (!name)
		return -EINVAL;
	return scl_profile_allow_n(p, name, strlen(name), records);
}

int scl_profile_allow_on_arch(scl_profile *p, const char *name, uint32_t arch, uint64_t records)
{
	struct entry *e;
	bool created;
	size_t n;
	int r;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (!scl_profile_name_valid(name, n))
		return -EINVAL;
	if (!scl_arch_by_token(arch))
		return -EAFNOSUPPORT;
	r = get_entry(p, name, n, &e, &created);
	if (r < 0)
		return r;
	if (created || e->n_arches > 0) {
		r = restrict_add(e, arch);
		if (r < 0) {
			if (created)
				drop_last_entry(p);
			return r;
		}
	}
	e->records = scl_sat_add(e->records, records);
	return 0;
}

int scl_profile_add_stats(scl_profile *p, const char *name, uint64_t records, uint64_t runs)
{
	struct entry *e;

	if (!name || !scl_profile_name_valid(name, strlen(name)))
		return -EINVAL;
	e = scl_prof_lookup(p, name, strlen(name));
	if (!e)
		return -ENOENT;
	e->records = scl_sat_add(e->records, records);
	e->runs = scl_sat_add(e->runs, runs);
	return 0;
}

static bool run_info_empty(const scl_profile_run *r)
{
	return !r->has_lost && !r->has_window;
}

/* Append run infos (those with something known) or count plain runs. */
int scl_prof_add_runs(scl_profile *p, const scl_profile_run *v, size_t n, uint64_t plain)
{
	size_t want = 0;

	for (size_t i = 0; i < n; i++)
		want += !run_info_empty(&v[i]);
	if (want) {
		int r = scl_prof_grow((void **)&p->infos, &p->cap_infos, p->n_infos + want, sizeof(*p->infos));

		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		if (run_info_empty(&v[i])) {
			plain = scl_sat_add(plain, 1);
			continue;
		}
		p->infos[p->n_infos] = v[i];
		if (!v[i].has_lost)
			p->infos[p->n_infos].lost = 0;
		if (!v[i].has_window)
			p->infos[p->n_infos].first_ms = p->infos[p->n_infos].last_ms = 0;
		p->n_infos++;
	}
	p->n_plain = scl_sat_add(p->n_plain, plain);
	return 0;
}

int scl_profile_mark_run_info(scl_profile *p, const scl_profile_run *info)
{
	static const scl_profile_run none;
	int r;

	if (!info)
		info = &none;
	if (info->has_window && info->first_ms > info->last_ms)
		return -EINVAL;
	r = scl_prof_add_runs(p, info, 1, 0);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_entries; i++)
		if (p->entries[i].runs == 0)
			p->entries[i].runs = 1;
	return 0;
}

void scl_profile_mark_run(scl_profile *p)
{
	(void)scl_profile_mark_run_info(p, NULL); /* a plain run allocates nothing */
}

uint64_t scl_profile_run_count(const scl_profile *p)
{
	return scl_sat_add(p->n_plain, p->n_infos);
}

bool scl_profile_runs_known(const scl_profile *p)
{
	return !p->runs_unknown;
}

size_t scl_profile_run_info_count(const scl_profile *p)
{
	return p->n_infos;
}

const scl_profile_run *scl_profile_run_info_at(const scl_profile *p, size_t i)
{
	return i < p->n_infos ? &p->infos[i] : NULL;
}

void scl_profile_clear_stats(scl_profile *p)
{
	for (size_t i = 0; i < p->n_entries; i++)
		p->entries[i].records = p->entries[i].runs = 0;
	p->n_plain = 0;
	p->n_infos = 0;
	p->runs_unknown = false;
}

static const struct entry *find(const scl_profile *p, const char *name)
{
	size_t n;

	if (!name)
		return NULL;
	n = strlen(name);
	if (!scl_profile_name_valid(name, n))
		return NULL;
	return scl_prof_lookup(p, name, n);
}

bool scl_profile_allows(const scl_profile *p, const char *name)
{
	const struct entry *e = find(p, name);

	return e && e->n_arches == 0;
}

static bool entry_allows_on(const struct entry *e, uint32_t arch)
{
	return e->n_arches == 0 || scl_u32_in(e->arches, e->n_arches, arch);
}

bool scl_profile_allows_on_arch(const scl_profile *p, const char *name, uint32_t arch)
{
	const struct entry *e = find(p, name);

	return e && entry_allows_on(e, arch);
}

static void entry_view(const struct entry *e, scl_profile_syscall *v)
{
	v->name = e->name;
	v->records = e->records;
	v->runs = e->runs;
	v->arches = e->arches;
	v->n_arches = e->n_arches;
}

int scl_profile_get(const scl_profile *p, const char *name, scl_profile_syscall *ret)
{
	const struct entry *e;

	if (!name || !scl_profile_name_valid(name, strlen(name)))
		return -EINVAL;
	e = scl_prof_lookup(p, name, strlen(name));
	if (!e)
		return -ENOENT;
	entry_view(e, ret);
	return 0;
}

size_t scl_profile_count(const scl_profile *p)
{
	return p->n_entries;
}

static int cmp_syscall(const void *a, const void *b)
{
	return strcmp(((const scl_profile_syscall *)a)->name, ((const scl_profile_syscall *)b)->name);
}

int scl_profile_syscalls(const scl_profile *p, scl_profile_syscall **ret, size_t *ret_n)
{
	scl_profile_syscall *v;

	if (p->n_entries == 0) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	v = reallocarray(NULL, p->n_entries, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_entries; i++)
		entry_view(&p->entries[i], &v[i]);
	qsort(v, p->n_entries, sizeof(*v), cmp_syscall);
	*ret = v;
	*ret_n = p->n_entries;
	return 0;
}

/* --- merge and diff --- */

int scl_profile_merge(scl_profile *dst, const scl_profile *src)
{
	int r;

	for (size_t i = 0; i < src->n_arches; i++) {
		r = scl_profile_add_arch(dst, src->arches[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < src->n_map; i++) {
		r = scl_profile_add_arch_map(dst, src->map[i].arch, src->map[i].subs, src->map[i].n_subs);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < src->n_entries; i++) {
		const struct entry *s = &src->entries[i];
		struct entry *d;
		bool created;

		r = get_entry(dst, s->name, strlen(s->name), &d, &created);
		if (r < 0)
			return r;
		if (s->n_arches == 0) {
			restrict_clear(d);
		} else if (created || d->n_arches > 0) {
			for (size_t k = 0; k < s->n_arches; k++) {
				r = restrict_add(d, s->arches[k]);
				if (r < 0) {
					if (created)
						drop_last_entry(dst);
					return r;
				}
			}
		}
		d->records = scl_sat_add(d->records, s->records);
		d->runs = scl_sat_add(d->runs, s->runs);
	}
	r = scl_prof_add_runs(dst, src->infos, src->n_infos, src->n_plain);
	if (r < 0)
		return r;
	dst->runs_unknown |= src->runs_unknown;
	for (size_t i = 0; i < src->n_rules; i++) {
		bool dup = false;

		for (size_t k = 0; k < dst->n_rules && !dup; k++)
			dup = scl_profile_rule_equal(&dst->rules[k], &src->rules[i]);
		if (dup)
			continue;
		r = scl_profile_add_rule(dst, &src->rules[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool view_allows_on(const scl_profile_syscall *s, uint32_t arch)
{
	return s->n_arches == 0 || scl_u32_in(s->arches, s->n_arches, arch);
}

int scl_profile_diff(const scl_profile *old, const scl_profile *new_, scl_profile_change **ret,
		     size_t *ret_n)
{
	_cleanup_free_ uint32_t *uset = NULL, *uexp = NULL, *oexp = NULL, *nexp = NULL;
	_cleanup_free_ scl_profile_syscall *ov = NULL, *nv = NULL;
	_cleanup_free_ scl_profile_change *out = NULL;
	size_t n_u = 0, n_uexp, n_oexp, n_nexp, n_ov, n_nv, n_out = 0, cap_out = 0;
	int r;

	uset = reallocarray(NULL, old->n_arches + new_->n_arches + 1, sizeof(uint32_t));
	if (!uset)
		return -ENOMEM;
	for (size_t i = 0; i < old->n_arches; i++)
		uset[n_u++] = old->arches[i];
	for (size_t i = 0; i < new_->n_arches; i++)
		if (!scl_u32_in(uset, n_u, new_->arches[i]))
			uset[n_u++] = new_->arches[i];
	r = expand_arches(uset, n_u, &uexp, &n_uexp);
	if (r < 0)
		return r;
	r = scl_profile_arches(old, &oexp, &n_oexp);
	if (r < 0)
		return r;
	r = scl_profile_arches(new_, &nexp, &n_nexp);
	if (r < 0)
		return r;
	r = scl_profile_syscalls(old, &ov, &n_ov);
	if (r < 0)
		return r;
	r = scl_profile_syscalls(new_, &nv, &n_nv);
	if (r < 0)
		return r;

	/* Neither lists an architecture: compare once, for "any" (arch 0). */
	for (size_t a = 0; a < n_uexp || (a == 0 && n_uexp == 0); a++) {
		uint32_t arch = n_uexp ? uexp[a] : 0;
		bool o_arch = n_oexp == 0 || scl_u32_in(oexp, n_oexp, arch);
		bool n_arch = n_nexp == 0 || scl_u32_in(nexp, n_nexp, arch);
		size_t i = 0, k = 0;

		while (i < n_ov || k < n_nv) {
			const scl_profile_syscall *o = NULL, *n = NULL;
			int c;

			if (i >= n_ov)
				c = 1;
			else if (k >= n_nv)
				c = -1;
			else
				c = strcmp(ov[i].name, nv[k].name);
			if (c <= 0)
				o = &ov[i++];
			if (c >= 0)
				n = &nv[k++];
			bool in_old = o && o_arch && view_allows_on(o, arch);
			bool in_new = n && n_arch && view_allows_on(n, arch);
			if (in_old == in_new)
				continue;
			r = scl_prof_grow((void **)&out, &cap_out, n_out + 1, sizeof(*out));
			if (r < 0)
				return r;
			out[n_out].arch = arch;
			out[n_out].name = in_new ? n->name : o->name;
			out[n_out].added = in_new;
			n_out++;
		}
	}
	*ret = TAKE_PTR(out);
	*ret_n = n_out;
	return 0;
}
