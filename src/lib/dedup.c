/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
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

/* ---- journalctl -o short: the two copies paired by content ---- */

struct pair_slot {
	uint64_t key;    /* 0: free */
	int64_t balance; /* > 0: audit copies waiting for their kernel copy; < 0: the other way */
};

struct scl_dedup_text {
	struct pair_slot *pairs; /* NULL until a JOURNAL_SHORT line came */
	size_t len;
	scl_record last_syslog;  /* the last kernel line's record before that (slices stale, never read) */
	bool have_last_syslog;
};

int scl_dedup_text_new(scl_dedup_text **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

void scl_dedup_text_free(scl_dedup_text *t)
{
	if (!t)
		return;
	free(t->pairs);
	free(t);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

/* A record's content: every number and the strings' lengths. */
static uint64_t content_hash(const scl_record *rec)
{
	uint64_t h, host_n = (rec->fields & SCL_F_HOST) ? rec->host.n : 0;

	h = mix(0, (uint64_t)rec->pid << 32 | rec->syscall);
	h = mix(h, (uint64_t)rec->arch << 32 | rec->code);
	h = mix(h, rec->ip);
	h = mix(h, (uint64_t)rec->auid << 32 | rec->ses);
	h = mix(h, (uint64_t)rec->uid << 32 | rec->gid);
	h = mix(h, (uint64_t)rec->sig << 40 | (uint64_t)rec->compat << 32 | rec->comm.n << 16 | rec->exe.n);
	h = mix(h, host_n);
	return h | 1; /* 0 marks a free slot */
}

static bool pair(scl_dedup_text *t, uint64_t h, int64_t dir)
{
	size_t j;

	for (j = h & (DEDUP_SLOTS - 1); t->pairs[j].key; j = (j + 1) & (DEDUP_SLOTS - 1))
		if (t->pairs[j].key == h)
			break;
	if (!t->pairs[j].key) {
		t->pairs[j].key = h;
		t->len++;
	}
	if (t->pairs[j].balance * dir < 0) {
		t->pairs[j].balance += dir;
		return true;
	}
	t->pairs[j].balance += dir;
	return false;
}

int scl_dedup_text_seen(scl_dedup_text *t, const scl_record *rec)
{
	if (rec->framing != SCL_FRAME_JOURNAL_SHORT && rec->framing != SCL_FRAME_SYSLOG)
		return 0;
	if (!t->pairs) {
		if (rec->framing == SCL_FRAME_SYSLOG) {
			t->last_syslog = *rec;
			t->have_last_syslog = true;
			return 0;
		}
		t->pairs = calloc(DEDUP_SLOTS, sizeof(*t->pairs));
		if (!t->pairs)
			return -ENOMEM;
		if (t->have_last_syslog)
			pair(t, content_hash(&t->last_syslog), -1);
	}
	if (t->len * 2 >= DEDUP_SLOTS) {
		memset(t->pairs, 0, DEDUP_SLOTS * sizeof(*t->pairs));
		t->len = 0;
	}
	return pair(t, content_hash(rec), rec->framing == SCL_FRAME_JOURNAL_SHORT ? 1 : -1);
}
