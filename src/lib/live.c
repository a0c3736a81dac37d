/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "scmplog/live.h"
#include "scmplog/num.h"
#include "util.h"

uint64_t scl_live_stats_overflows_open(const scl_live_stats *st)
{
	if (!st->serials_tracked || st->overflows_settled >= st->overflows)
		return st->serials_tracked ? 0 : st->overflows;
	return st->overflows - st->overflows_settled;
}

static uint64_t lost(const scl_live_stats *st, bool with_kernel)
{
	uint64_t n = scl_sat_add(scl_sat_add(with_kernel ? st->kernel_lost : 0, st->serial_gaps), st->suppressed);
	uint64_t open = scl_live_stats_overflows_open(st);

	/*
	 * An overflow episode may have dropped records; how many is what the
	 * serial gaps say, once a drain marker sent after it settled.  Before
	 * that, or without serials, each episode counts once.
	 */
	if (open && (!st->serials_tracked || st->serial_gaps == 0))
		n = scl_sat_add(n, open);
	/*
	 * The records missed while the daemon slot was lost are serial gaps;
	 * without serials the whole span counts, and a switch not followed by
	 * any record yet counts once: something may have been missed.
	 */
	if (!st->serials_tracked)
		n = scl_sat_add(n, st->slot_gap);
	n = scl_sat_add(n, st->slot_gap_open);
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

int scl_live_body_serial(const char *body, size_t n, uint64_t *ret)
{
	const char *colon, *close;
	uint64_t v;

	if (!STARTSWITH(body, n, "audit("))
		return -EBADMSG;
	close = memchr(body, ')', n < 64 ? n : 64);
	if (!close)
		return -EBADMSG;
	colon = memchr(body, ':', (size_t)(close - body));
	if (!colon)
		return -EBADMSG;
	if (scl_parse_u64(colon + 1, (size_t)(close - colon - 1), UINT64_MAX, &v) < 0)
		return -EBADMSG;
	*ret = v;
	return 0;
}

/*
 * Serials inside the tracker are unwrapped to 64 bits: the kernel's 32-bit
 * counter (audit_serial(): atomic_inc_return() on an atomic_t) wraps through
 * 0, and a serial is placed next to the highest one seen (within 2^31 either
 * way).  The first one is placed at EPOCH + serial, so that serials below it
 * never underflow.  SCL_SERIAL_WINDOW divides 2^32: a ring slot is the same
 * for a serial wrapped or not.
 */
#define WORDS (SCL_SERIAL_WINDOW / 64)
#define EPOCH (UINT64_C(1) << 32)

static uint64_t unwrap(const scl_serials *s, uint64_t serial)
{
	uint32_t v = (uint32_t)serial;

	if (!s->placed)
		return EPOCH + v;
	return s->max + (uint64_t)(int64_t)(int32_t)(v - (uint32_t)s->max);
}

static void bit_set(uint64_t *b, uint64_t s)
{
	uint64_t i = s % SCL_SERIAL_WINDOW;

	b[i / 64] |= UINT64_C(1) << (i % 64);
}

/* Serials of [from, to) not set (to - from at most the window); with clear, unset them all. */
static uint64_t unset_in(uint64_t *b, uint64_t from, uint64_t to, bool clear)
{
	uint64_t n = 0;

	while (from < to) {
		uint64_t i = from % SCL_SERIAL_WINDOW, off = i % 64, k = 64 - off;
		uint64_t mask;

		if (k > to - from)
			k = to - from;
		mask = (k == 64 ? ~UINT64_C(0) : (UINT64_C(1) << k) - 1) << off;
		n += k - (uint64_t)__builtin_popcountll(b[i / 64] & mask);
		if (clear)
			b[i / 64] &= ~mask;
		from += k;
	}
	return n;
}

/* The part of [from, to) where holes count: above the base, below the end. */
static bool counted(const scl_serials *s, uint64_t *from, uint64_t *to)
{
	if (!s->started)
		return false;
	if (*from <= s->base)
		*from = s->base + 1;
	if (s->ended && *to > s->end)
		*to = s->end;
	return *from < *to;
}

/* Move the window's start to new_lo: the holes it passes are final. */
static void slide(scl_serials *s, uint64_t new_lo)
{
	uint64_t from = s->lo, to = new_lo;

	if (new_lo - s->lo >= SCL_SERIAL_WINDOW) {
		/* a jump past the whole window: the window's holes, then everything it never held */
		uint64_t wfrom = s->lo, wto = s->lo + SCL_SERIAL_WINDOW;
		if (counted(s, &wfrom, &wto))
			s->gaps += unset_in(s->bits, wfrom, wto, false);
		from = s->lo + SCL_SERIAL_WINDOW;
		if (counted(s, &from, &to))
			s->gaps += to - from;
		memset(s->bits, 0, WORDS * sizeof(uint64_t));
	} else {
		if (counted(s, &from, &to))
			s->gaps += unset_in(s->bits, from, to, false);
		(void)unset_in(s->bits, s->lo, new_lo, true);
	}
	s->lo = new_lo;
}

int scl_serials_init(scl_serials *s)
{
	uint64_t *bits = s->bits;

	if (bits)
		memset(bits, 0, WORDS * sizeof(uint64_t));
	else if (!(bits = calloc(WORDS, sizeof(uint64_t))))
		return -ENOMEM;
	*s = (scl_serials){ .bits = bits };
	return 0;
}

int scl_serials_start(scl_serials *s, uint64_t base)
{
	uint64_t b;
	int r;

	if (!s->bits || s->started) {
		r = scl_serials_init(s);
		if (r < 0)
			return r;
	}
	if (!s->bits)
		return -ENOMEM;
	b = unwrap(s, base);
	if (!s->placed) {
		s->placed = true;
		s->lo = b + 1;
		s->max = b;
	} else if (b + 1 > s->lo) {
		/* what was seen up to the base is before the start */
		if (b + 1 - s->lo >= SCL_SERIAL_WINDOW)
			memset(s->bits, 0, WORDS * sizeof(uint64_t));
		else
			(void)unset_in(s->bits, s->lo, b + 1, true);
		s->lo = b + 1;
		if (b > s->max)
			s->max = b;
	} else if (b + 1 < s->lo) {
		/*
		 * The window moved past serials just above the base before the
		 * base came (over a window of records arrived ahead of the
		 * start marker): they were not kept, so they count as holes.
		 */
		s->gaps = s->lo - b - 1;
	}
	s->started = true;
	s->base = b;
	return 0;
}

void scl_serials_seen(scl_serials *s, uint64_t serial)
{
	uint64_t x;

	if (!s->bits || serial > UINT32_MAX)
		return;
	x = unwrap(s, serial);
	if (!s->placed) {
		/* before the base: keep room below the first serial for earlier ones arriving later */
		s->placed = true;
		s->lo = x - SCL_SERIAL_WINDOW / 2;
		s->max = x;
	}
	if (x < s->lo)
		return;
	if (x >= s->lo + SCL_SERIAL_WINDOW)
		slide(s, x - SCL_SERIAL_WINDOW + 1);
	bit_set(s->bits, x);
	if (x > s->max)
		s->max = x;
}

void scl_serials_end(scl_serials *s, uint64_t end)
{
	if (!s->started)
		return;
	s->end = unwrap(s, end);
	s->ended = true;
}

uint64_t scl_serials_open(const scl_serials *s)
{
	uint64_t from = s->lo, to = s->max + 1;

	if (!s->bits || !counted(s, &from, &to))
		return 0;
	return unset_in(s->bits, from, to, false);
}

uint64_t scl_serials_gaps(const scl_serials *s)
{
	uint64_t g = s->gaps + scl_serials_open(s);

	return g < s->gaps ? UINT64_MAX : g;
}

void scl_serials_done(scl_serials *s)
{
	free(s->bits);
	*s = (scl_serials){ 0 };
}
