/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "scmplog/live.h"
#include "scmplog/num.h"
#include "util.h"

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t lost(const scl_live_stats *st, bool with_kernel)
{
	uint64_t n = sat_add(sat_add(with_kernel ? st->kernel_lost : 0, st->serial_gaps), st->suppressed);

	/*
	 * An overflow episode dropped at least one record; how many is what the
	 * serial gaps say.  Without them, count each episode once.
	 */
	if (st->overflows && (!st->serials_tracked || st->serial_gaps == 0))
		n = sat_add(n, st->overflows);
	/*
	 * The records missed while the daemon slot was lost are serial gaps;
	 * without serials the whole span counts, and a switch not followed by
	 * any record yet counts once: something may have been missed.
	 */
	if (!st->serials_tracked)
		n = sat_add(n, st->slot_gap);
	n = sat_add(n, st->slot_gap_open);
	return n;
}

uint64_t scl_live_stats_lost(const scl_live_stats *st)
{
	return lost(st, true);
}

bool scl_live_kernel_lost_not_ours(const scl_live_stats *st)
{
	return st->kernel_lost && st->lost_known && st->serials_tracked && st->no_unseen_loss;
}

uint64_t scl_live_stats_lost_new_tasks(const scl_live_stats *st)
{
	return lost(st, !scl_live_kernel_lost_not_ours(st));
}

int scl_marker_new(scl_marker *m, const char *kind)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[16];
	size_t k = strlen(kind), off = 0;

	if (k + 8 + 1 + 2 * sizeof(rnd) + 1 > sizeof(m->text))
		return -EINVAL;
	for (size_t got = 0; got < sizeof(rnd);) {
		ssize_t r = getrandom(rnd + got, sizeof(rnd) - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	memcpy(m->text, "scmplog-", 8);
	off = 8;
	memcpy(m->text + off, kind, k);
	off += k;
	m->text[off++] = '=';
	for (size_t i = 0; i < sizeof(rnd); i++) {
		m->text[off++] = hex[rnd[i] >> 4];
		m->text[off++] = hex[rnd[i] & 15];
	}
	m->text[off] = '\0';
	m->n = off;
	return 0;
}

bool scl_marker_match(const scl_marker *m, const char *body, size_t n)
{
	/* The kernel logs a user message as msg='TEXT' (quotes included). */
	char want[SCL_MARKER_MAX + 8];

	if (m->n == 0)
		return false;
	memcpy(want, "msg='", 5);
	memcpy(want + 5, m->text, m->n);
	want[5 + m->n] = '\'';
	return memmem(body, n, want, m->n + 6) != NULL;
}

/* Whether key= starts a field at i (after a space, or at the start); its value up to the next space. */
static bool field_at(const char *p, size_t n, size_t i, const char *key, size_t kl, const char **ret, size_t *ret_n)
{
	size_t j = i + kl;

	if ((i > 0 && p[i - 1] != ' ') || memcmp(p + i, key, kl))
		return false;
	while (j < n && p[j] != ' ')
		j++;
	*ret = p + i + kl;
	*ret_n = j - i - kl;
	return true;
}

/* Value of " key=" (or key= at the start) up to the next space. */
static int find_field(const char *p, size_t n, const char *key, const char **ret, size_t *ret_n)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i + kl <= n; i++)
		if (field_at(p, n, i, key, kl, ret, ret_n))
			return 0;
	return -ENOENT;
}

int scl_live_parse_login(const char *body, size_t n, uint32_t *ret_old_ses, uint32_t *ret_ses)
{
	const char *v;
	size_t vn;
	uint64_t old_ses, ses;

	if (find_field(body, n, "old-ses=", &v, &vn) < 0 || scl_parse_u64(v, vn, UINT32_MAX, &old_ses) < 0)
		return -EBADMSG;
	if (find_field(body, n, "ses=", &v, &vn) < 0 || scl_parse_u64(v, vn, UINT32_MAX, &ses) < 0)
		return -EBADMSG;
	*ret_old_ses = (uint32_t)old_ses;
	*ret_ses = (uint32_t)ses;
	return 0;
}

/* The last " key=" value: res= ends the record, after a raw subj= that may hold anything. */
static int find_last_field(const char *p, size_t n, const char *key, const char **ret, size_t *ret_n)
{
	size_t kl = strlen(key);

	for (size_t i = n >= kl ? n - kl + 1 : 0; i-- > 0;)
		if (field_at(p, n, i, key, kl, ret, ret_n))
			return 0;
	return -ENOENT;
}

int scl_live_parse_pid_change(const char *body, size_t n, uint32_t *ret_new, uint32_t *ret_old, bool *ret_res)
{
	const char *v;
	size_t vn;
	uint64_t new_pid, old_pid, res;

	if (find_field(body, n, "audit_pid=", &v, &vn) < 0)
		return -ENOENT;
	if (scl_parse_u64(v, vn, UINT32_MAX, &new_pid) < 0)
		return -EBADMSG;
	if (find_field(body, n, "old=", &v, &vn) < 0 || scl_parse_u64(v, vn, UINT32_MAX, &old_pid) < 0)
		return -EBADMSG;
	if (find_last_field(body, n, "res=", &v, &vn) < 0 || scl_parse_u64(v, vn, 1, &res) < 0)
		return -EBADMSG;
	*ret_new = (uint32_t)new_pid;
	*ret_old = (uint32_t)old_pid;
	*ret_res = res == 1;
	return 0;
}

uint64_t scl_live_body_serial(const char *body, size_t n)
{
	const char *colon, *close;
	uint64_t v;

	if (!STARTSWITH(body, n, "audit("))
		return 0;
	close = memchr(body, ')', n < 64 ? n : 64);
	if (!close)
		return 0;
	colon = memchr(body, ':', (size_t)(close - body));
	if (!colon)
		return 0;
	if (scl_parse_u64(colon + 1, (size_t)(close - colon - 1), UINT64_MAX, &v) < 0)
		return 0;
	return v;
}

#define WORDS (SCL_SERIAL_WINDOW / 64)

static bool bit_get(const uint64_t *b, uint64_t s)
{
	uint64_t i = s % SCL_SERIAL_WINDOW;
	return (b[i / 64] >> (i % 64)) & 1;
}

static void bit_set(uint64_t *b, uint64_t s, bool v)
{
	uint64_t i = s % SCL_SERIAL_WINDOW;
	if (v)
		b[i / 64] |= 1ULL << (i % 64);
	else
		b[i / 64] &= ~(1ULL << (i % 64));
}

int scl_serials_start(scl_serials *s, uint64_t base)
{
	uint64_t *bits = calloc(WORDS, sizeof(uint64_t));

	if (!bits)
		return -ENOMEM;
	free(s->bits);
	s->bits = bits;
	s->started = true;
	s->lo = base + 1;
	s->max = base;
	s->gaps = 0;
	return 0;
}

void scl_serials_seen(scl_serials *s, uint64_t serial)
{
	if (!s->started || serial < s->lo)
		return;
	if (serial >= s->lo + SCL_SERIAL_WINDOW) {
		uint64_t new_lo = serial - SCL_SERIAL_WINDOW + 1;

		/* A jump past a whole window: everything in between is missing. */
		if (new_lo - s->lo >= SCL_SERIAL_WINDOW) {
			for (uint64_t x = s->lo; x < s->lo + SCL_SERIAL_WINDOW; x++)
				if (!bit_get(s->bits, x))
					s->gaps++;
			s->gaps += new_lo - s->lo - SCL_SERIAL_WINDOW;
			memset(s->bits, 0, WORDS * sizeof(uint64_t));
			s->lo = new_lo;
		} else {
			for (; s->lo < new_lo; s->lo++) {
				if (!bit_get(s->bits, s->lo))
					s->gaps++;
				else
					bit_set(s->bits, s->lo, false);
			}
		}
	}
	bit_set(s->bits, serial, true);
	if (serial > s->max)
		s->max = serial;
}

uint64_t scl_serials_gaps(const scl_serials *s)
{
	uint64_t g = s->gaps;

	if (!s->started)
		return 0;
	for (uint64_t x = s->lo; x <= s->max; x++)
		if (!bit_get(s->bits, x))
			g++;
	return g;
}

void scl_serials_done(scl_serials *s)
{
	free(s->bits);
	s->bits = NULL;
	s->started = false;
}
