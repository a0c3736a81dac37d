/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/limits.h"
#include "scmplog/sysset.h"
#include "util.h"

#define LANE_BITS 16

struct lane {
	uint32_t arch, action, compat;
	uint16_t hi;      /* nr >> 16 */
	uint16_t nwords;  /* of bits, at most LANE_WORDS */
	uint32_t ncounted;
	uint64_t records;
	uint64_t *bits;
};

/* A key whose own count is kept; sorted by (lane, lo). */
struct counted {
	uint32_t lane;
	uint32_t lo;
	uint64_t count;
};

struct scl_sysset {
	struct lane *lanes;
	uint32_t nlanes, lanes_cap;
	uint32_t last;    /* records come in runs on one lane */
	struct counted *counted;
	uint32_t ncounted, counted_cap;
	size_t size;
	uint64_t records;
};

int scl_sysset_new(scl_sysset **ret)
{
	scl_sysset *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

void scl_sysset_free(scl_sysset *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nlanes; i++)
		free(s->lanes[i].bits);
	free(s->lanes);
	free(s->counted);
	free(s);
}

static bool lane_is(const struct lane *l, const scl_learn_key *k)
{
	return l->arch == k->arch && l->hi == (k->nr >> LANE_BITS) && l->action == k->action &&
	       l->compat == k->compat;
}

/* Index of k's lane, or -1. */
static long find_lane(const scl_sysset *s, const scl_learn_key *k)
{
	if (s->last < s->nlanes && lane_is(&s->lanes[s->last], k))
		return s->last;
	for (uint32_t i = 0; i < s->nlanes; i++)
		if (lane_is(&s->lanes[i], k))
			return i;
	return -1;
}

static bool lane_has(const struct lane *l, uint32_t lo)
{
	return lo / 64 < l->nwords && (l->bits[lo / 64] >> (lo % 64) & 1);
}

static long find_counted(const scl_sysset *s, uint32_t lane, uint32_t lo, bool *found)
{
	uint32_t a = 0, b = s->ncounted;

	while (a < b) {
		uint32_t m = a + (b - a) / 2;
		const struct counted *c = &s->counted[m];
		if (c->lane < lane || (c->lane == lane && c->lo < lo))
			a = m + 1;
		else
			b = m;
	}
	*found = a < s->ncounted && s->counted[a].lane == lane && s->counted[a].lo == lo;
	return a;
}

int scl_sysset_add(scl_sysset *s, const scl_learn_key *k)
{
	uint32_t lo = k->nr & 0xffff;
	long li = find_lane(s, k);
	struct lane *l;

	if (li < 0) {
		if (s->nlanes >= SCL_MAX_SYSSET_LANES)
			return -E2BIG;
		if (s->nlanes == s->lanes_cap) {
			uint32_t cap = s->lanes_cap ? s->lanes_cap * 2 : 1;
			struct lane *n = realloc(s->lanes, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			s->lanes = n;
			s->lanes_cap = cap;
		}
		li = s->nlanes++;
		s->lanes[li] = (struct lane){ .arch = k->arch, .action = k->action, .compat = k->compat,
					      .hi = (uint16_t)(k->nr >> LANE_BITS) };
	}
	l = &s->lanes[li];
	s->last = (uint32_t)li;
	if (lo / 64 >= l->nwords) {
		/* exactly to the word needed: a lane grows a few times in its life */
		uint32_t nw = lo / 64 + 1;
		uint64_t *n = realloc(l->bits, nw * sizeof(*n));
		if (!n)
			return -ENOMEM; /* a new lane stays, empty: harmless */
		memset(n + l->nwords, 0, (nw - l->nwords) * sizeof(*n));
		l->bits = n;
		l->nwords = (uint16_t)nw;
	}
	l->records++;
	s->records++;
	if (!(l->bits[lo / 64] >> (lo % 64) & 1)) {
		l->bits[lo / 64] |= 1ULL << (lo % 64);
		s->size++;
		return 1;
	}
	if (l->ncounted) {
		bool found;
		long ci = find_counted(s, (uint32_t)li, lo, &found);
		if (found)
			s->counted[ci].count++;
	}
	return 0;
}

int scl_sysset_add_record(scl_sysset *s, const scl_record *rec, scl_learn_key *ret_key)
{
	scl_learn_key k = {
		.arch = rec->arch,
		.nr = rec->syscall,
		.action = scl_record_action(rec),
		.compat = (rec->fields & SCL_F_COMPAT) ? rec->compat : 0,
	};
	int r = scl_sysset_add(s, &k);

	if (r >= 0 && ret_key)
		*ret_key = k;
	return r;
}

int scl_sysset_remove(scl_sysset *s, const scl_learn_key *k)
{
	uint32_t lo = k->nr & 0xffff;
	long li = find_lane(s, k);
	struct lane *l;
	bool found;

	if (li < 0 || !lane_has(&s->lanes[li], lo))
		return -ENOENT;
	l = &s->lanes[li];
	l->bits[lo / 64] &= ~(1ULL << (lo % 64));
	s->size--;
	if (l->records) {
		l->records--;
		s->records--;
	}
	if (l->ncounted) {
		long ci = find_counted(s, (uint32_t)li, lo, &found);
		if (found) {
			memmove(&s->counted[ci], &s->counted[ci + 1], (s->ncounted - ci - 1) * sizeof(*s->counted));
			s->ncounted--;
			l->ncounted--;
		}
	}
	return 0;
}

bool scl_sysset_contains(const scl_sysset *s, const scl_learn_key *k)
{
	long li = find_lane(s, k);

	return li >= 0 && lane_has(&s->lanes[li], k->nr & 0xffff);
}

int scl_sysset_count_key(scl_sysset *s, const scl_learn_key *k)
{
	uint32_t lo = k->nr & 0xffff;
	long li = find_lane(s, k), ci;
	bool found;

	if (li < 0 || !lane_has(&s->lanes[li], lo))
		return -ENOENT;
	ci = find_counted(s, (uint32_t)li, lo, &found);
	if (found)
		return 0;
	if (s->ncounted >= SCL_MAX_SYSSET_COUNTED)
		return -E2BIG;
	if (s->ncounted == s->counted_cap) {
		uint32_t cap = s->counted_cap ? s->counted_cap * 2 : 2;
		struct counted *n = realloc(s->counted, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->counted = n;
		s->counted_cap = cap;
	}
	memmove(&s->counted[ci + 1], &s->counted[ci], (s->ncounted - ci) * sizeof(*s->counted));
	s->counted[ci] = (struct counted){ (uint32_t)li, lo, 1 };
	s->ncounted++;
	s->lanes[li].ncounted++;
	return 0;
}

size_t scl_sysset_size(const scl_sysset *s)
{
	return s->size;
}

uint64_t scl_sysset_records(const scl_sysset *s)
{
	return s->records;
}

uint64_t scl_sysset_lane_records(const scl_sysset *s, const scl_learn_key *k)
{
	long li = find_lane(s, k);

	return li < 0 ? 0 : s->lanes[li].records;
}

size_t scl_sysset_lanes(const scl_sysset *s)
{
	return s->nlanes;
}

size_t scl_sysset_memory(const scl_sysset *s)
{
	size_t n = sizeof(*s) + s->lanes_cap * sizeof(*s->lanes) + s->counted_cap * sizeof(*s->counted);

	for (uint32_t i = 0; i < s->nlanes; i++)
		n += s->lanes[i].nwords * sizeof(uint64_t);
	return n;
}

long scl_sysset_entries(const scl_sysset *s, uint32_t group, scl_learn_entry **ret)
{
	scl_learn_entry *v = malloc((s->size ? s->size : 1) * sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (uint32_t li = 0; li < s->nlanes; li++) {
		const struct lane *l = &s->lanes[li];

		for (uint32_t w = 0; w < l->nwords; w++)
			for (uint64_t bits = l->bits[w]; bits; bits &= bits - 1) {
				uint32_t lo = w * 64 + (uint32_t)__builtin_ctzll(bits);
				uint64_t count = 0;
				bool found = false;

				if (l->ncounted) {
					long ci = find_counted(s, li, lo, &found);
					if (found)
						count = s->counted[ci].count;
				}
				v[k++] = (scl_learn_entry){
					.key = { .group = group, .arch = l->arch, .nr = (uint32_t)l->hi << LANE_BITS | lo,
						 .action = l->action, .compat = l->compat },
					.count = count,
				};
			}
	}
	qsort(v, k, sizeof(*v), scl_learn_entry_cmp); /* one group: the learner's order */
	*ret = v;
	return (long)k;
}
