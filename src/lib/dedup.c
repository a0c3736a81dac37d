/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/dedup.h"

#define DEDUP_SLOTS 65536 /* a power of two */

struct slot {
	uint64_t serial, ms, host; /* ms + 1: 0 is a free slot */
};

/* two generations: the newer fills up to half, then becomes the older and the older is emptied */
struct scl_dedup {
	struct slot *v[2];
	size_t len;   /* in v[cur] */
	int cur;
};

int scl_dedup_new(scl_dedup **ret)
{
	scl_dedup *d = calloc(1, sizeof(*d));

	if (!d || !(d->v[0] = calloc(DEDUP_SLOTS, sizeof(struct slot))) ||
	    !(d->v[1] = calloc(DEDUP_SLOTS, sizeof(struct slot)))) {
		if (d)
			free(d->v[0]);
		free(d);
		return -ENOMEM;
	}
	*ret = d;
	return 0;
}

void scl_dedup_free(scl_dedup *d)
{
	if (!d)
		return;
	free(d->v[0]);
	free(d->v[1]);
	free(d);
}

/* FNV-1a, 64 bits */
static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot of (serial, ms, host) in v: its own, or the free one where it would go. */
static struct slot *find(struct slot *v, uint64_t serial, uint64_t ms, uint64_t host)
{
	uint64_t h = (serial * 0x9e3779b97f4a7c15ULL) ^ ms ^ host;
	size_t j;

	h ^= h >> 29;
	for (j = h & (DEDUP_SLOTS - 1); v[j].ms; j = (j + 1) & (DEDUP_SLOTS - 1))
		if (v[j].serial == serial && v[j].ms == ms && v[j].host == host)
			break;
	return &v[j];
}

int scl_dedup_seen(scl_dedup *d, const scl_record *rec)
{
	uint64_t ms, host;
	struct slot *s;

	if (!(rec->fields & SCL_F_TIME))
		return 0;
	ms = rec->time_sec * 1000 + rec->time_msec + 1;
	host = hash_bytes(rec->host.p, rec->host.n);
	if (find(d->v[!d->cur], rec->serial, ms, host)->ms)
		return 1;
	s = find(d->v[d->cur], rec->serial, ms, host);
	if (s->ms)
		return 1;
	*s = (struct slot){ rec->serial, ms, host };
	if (++d->len * 2 >= DEDUP_SLOTS) {
		d->cur = !d->cur;
		memset(d->v[d->cur], 0, DEDUP_SLOTS * sizeof(struct slot));
		d->len = 0;
	}
	return 0;
}
