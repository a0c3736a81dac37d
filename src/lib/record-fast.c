/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/record.h"
#include "record-parse.h"

/*
 * The fast path: the body exactly as the kernel prints it, keys in
 * audit_seccomp()'s order, each once, nothing else.  It accepts a subset of
 * what parse_fields() accepts and, for that subset, fills the record exactly
 * as parse_fields() would (tests/unit/test-record.c compares the two on every
 * fixture and on mutations of them); anything else, malformed or merely
 * unusual (an unknown key, "-1", "0X", more digits than the kernel prints),
 * returns false and parse_fields() decides, with the reason for a skip.
 * Straight-line code: one expected key after another, so the branches follow
 * the data instead of a per-field dispatch.
 */

/* Bit i set when byte i of x is not an ASCII digit (per byte, no carries). */
static inline uint64_t nondigit8(uint64_t x)
{
	uint64_t a = x ^ 0x3030303030303030ULL; /* digits -> 0..9 */

	return (((a & 0x7f7f7f7f7f7f7f7fULL) + 0x7676767676767676ULL) | a) & 0x8080808080808080ULL;
}

/* swar8() on bytes already known to be digits. */
static inline uint64_t digits8(uint64_t c, size_t n)
{
	if (n < 8)
		c = (c << ((8 - n) * 8)) | (0x3030303030303030ULL >> (n * 8));
	c -= 0x3030303030303030ULL;
	c = (c * 10) + (c >> 8);
	return (((c & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
		(((c >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >> 32;
}

/*
 * Decimal digits at *pp up to a space, at most UINT32_MAX; *pp moves past
 * the space.  16 readable bytes at *pp (the caller checks).
 */
static inline __attribute__((always_inline)) bool fast_dec(const char **pp, uint32_t *out)
{
	const char *q = *pp;
	uint64_t w0, w1, m0, m1, v;
	size_t len;

	memcpy(&w0, q, 8);
	memcpy(&w1, q + 8, 8);
	m0 = nondigit8(w0);
	if (m0) {
		len = (size_t)__builtin_ctzll(m0) / 8;
		if (len == 0)
			return false;
		v = digits8(w0, len);
	} else {
		m1 = nondigit8(w1);
		if (!m1)
			return false;
		len = 8 + (size_t)__builtin_ctzll(m1) / 8;
		if (len > 10)
			return false;
		v = digits8(w0, 8);
		if (len > 8)
			v = v * (len == 9 ? 10 : 100) + digits8(w1, len - 8);
		if (v > UINT32_MAX)
			return false;
	}
	if (q[len] != ' ')
		return false;
	*out = (uint32_t)v;
	*pp = q + len + 1;
	return true;
}

/* Hex digit values of the n <= 8 leading bytes of c (all hex digits), first digit highest. */
static inline uint64_t hex8(uint64_t c, size_t n)
{
	/* '0'-'9' -> 0-9; 'a'-'f' and 'A'-'F' (bit 6 set) -> 1-6 + 9 */
	c = (c & 0x0f0f0f0f0f0f0f0fULL) + 9 * ((c >> 6) & 0x0101010101010101ULL);
	if (n < 8)
		c <<= (8 - n) * 8; /* leading zeros, as swar8() */
	c = ((c & 0x000f000f000f000fULL) << 4) | ((c >> 8) & 0x000f000f000f000fULL);
	c = ((c & 0x000000ff000000ffULL) << 8) | ((c >> 16) & 0x000000ff000000ffULL);
	return ((c & 0xffffULL) << 16) | ((c >> 32) & 0xffffULL);
}

/*
 * 1..maxd (<= 16) hex digits at *pp ending at a space (or, with at_end, at
 * end); *pp moves past the space.
 */
static inline __attribute__((always_inline)) bool fast_hex(const char **pp, const char *end, size_t maxd,
							 bool at_end, uint64_t *out)
{
	const char *q = *pp;
	uint64_t v = 0;
	size_t i = 0;

#ifdef __SSE2__
	if (end - q >= 16) {
		const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
		const __m128i lc = _mm_or_si128(x, _mm_set1_epi8(0x20));
		__m128i dig = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
					    _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lc, _mm_set1_epi8('a' - 1)),
					      _mm_cmplt_epi8(lc, _mm_set1_epi8('f' + 1)));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(dig, alpha));
		uint64_t w0, wl;

		i = (size_t)__builtin_ctz(~m | 0x10000u);
		if (i == 0 || i > maxd)
			return false;
		memcpy(&w0, q, 8);
		if (i <= 8) {
			v = hex8(w0, i);
		} else {
			/* the first i - 8 digits, then the last 8 */
			memcpy(&wl, q + i - 8, 8);
			v = hex8(w0, i - 8) << 32 | hex8(wl, 8);
		}
	} else
#endif
	{
		for (; q + i < end && i <= maxd; i++) {
			unsigned d = scl_hex_table[(unsigned char)q[i]];
			if (d == 0)
				break;
			v = (v << 4) | (d - 1);
		}
		if (i == 0 || i > maxd)
			return false;
	}
	if (at_end ? q + i != end : (q + i >= end || q[i] != ' '))
		return false;
	*out = v;
	*pp = q + i + !at_end;
	return true;
}

/* comm= or exe= value: "quoted", hex, or (null) for exe; then a space. */
static inline __attribute__((always_inline)) bool fast_str(const char **pp, const char *end, size_t limit, bool null_ok, scl_slice *dst,
			    bool *dst_hex)
{
	const char *q = *pp, *e;

	if (q < end && *q == '"') {
		e = memchr(q + 1, '"', (size_t)(end - q - 1));
		if (!e || e + 1 >= end || e[1] != ' ' || !scl_record_valid_string(q + 1, (size_t)(e - q - 1), (size_t)(end - q - 1), false, limit))
			return false;
		dst->p = q + 1;
		dst->n = (size_t)(e - q - 1);
		*dst_hex = false;
		*pp = e + 2;
		return true;
	}
	e = memchr(q, ' ', (size_t)(end - q));
	if (!e)
		return false;
	if (null_ok && e - q == 6 && !memcmp(q, "(null)", 6)) {
		*dst_hex = false;
	} else {
		if (!scl_record_valid_string(q, (size_t)(e - q), (size_t)(end - q), true, limit))
			return false;
		*dst_hex = true;
	}
	dst->p = q;
	dst->n = (size_t)(e - q);
	*pp = e + 1;
	return true;
}

/* Does the literal key (len <= 8) start at q?  One masked 8-byte compare when 8 bytes remain. */
static inline __attribute__((always_inline)) bool key_eq(const char *q, const char *end, const char *lit,
						       size_t len)
{
	uint64_t w, k = 0;

	if (end - q < 8)
		return (size_t)(end - q) >= len && !memcmp(q, lit, len);
	memcpy(&w, q, 8);
	memcpy(&k, lit, len); /* a constant once inlined */
	if (len < 8)
		w &= (1ULL << (len * 8)) - 1;
	return w == k;
}

#define FAST_KEY(lit)                                                          \
	do {                                                                   \
		if (!key_eq(q, end, lit, sizeof(lit) - 1))                     \
			return false;                                          \
		q += sizeof(lit) - 1;                                          \
	} while (0)

/*
 * 1..16 decimal digits at q ending at the byte term; 16 readable bytes at q.
 * Returns the digit count, 0 when it does not hold.
 */
static inline __attribute__((always_inline)) size_t fast_digits16(const char *q, char term, uint64_t *out)
{
	static const uint64_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
	uint64_t w0, w1, m;
	size_t len;

	memcpy(&w0, q, 8);
	m = nondigit8(w0);
	if (m) {
		len = (size_t)__builtin_ctzll(m) / 8;
		if (len == 0)
			return 0;
		*out = digits8(w0, len);
	} else {
		memcpy(&w1, q + 8, 8);
		m = nondigit8(w1);
		if (!m)
			return 0;
		len = 8 + (size_t)__builtin_ctzll(m) / 8;
		*out = len == 8 ? digits8(w0, 8) : digits8(w0, 8) * pow10[len - 8] + digits8(w1, len - 8);
	}
	return q[len] == term ? len : 0;
}

/*
 * parse_header() for "audit(SEC.MSEC:SERIAL): " with at most 16 digits in
 * SEC and SERIAL: the same result where it returns >= 0; -1 leaves the
 * header to parse_header().
 */
long scl_record_fast_header(const char *p, size_t n, scl_record *rec)
{
	const char *q = p + 6, *m;
	uint64_t sec, serial;
	size_t len;

	if (n < 48)
		return -1;
	len = fast_digits16(q, '.', &sec);
	if (!len)
		return -1;
	m = q + len + 1;
	if ((unsigned)(m[0] - '0') > 9 || (unsigned)(m[1] - '0') > 9 || (unsigned)(m[2] - '0') > 9 || m[3] != ':')
		return -1;
	len = fast_digits16(m + 4, ')', &serial);
	if (!len || m[4 + len + 1] != ':')
		return -1;
	rec->time_sec = sec;
	rec->time_msec = (uint32_t)((m[0] - '0') * 100 + (m[1] - '0') * 10 + (m[2] - '0'));
	rec->serial = serial;
	rec->fields |= SCL_F_TIME;
	q = m + 4 + len + 2;
	if (q < p + n && *q == ' ')
		q++;
	return q - p;
}

bool scl_record_fast_fields(const char *p, size_t n, scl_record *rec)
{
	const char *q = p, *end = p + n, *e;
	uint64_t x;

	/*
	 * Every number ends 16 bytes or more before the end: sig=, arch=,
	 * syscall=, compat=, ip= and code= follow the last one that fast_dec reads.
	 */
#define NEED16() do { if (end - q < 16) return false; } while (0)
	FAST_KEY("auid=");
	NEED16();
	if (!fast_dec(&q, &rec->auid))
		return false;
	FAST_KEY("uid=");
	NEED16();
	if (!fast_dec(&q, &rec->uid))
		return false;
	FAST_KEY("gid=");
	NEED16();
	if (!fast_dec(&q, &rec->gid))
		return false;
	FAST_KEY("ses=");
	NEED16();
	if (!fast_dec(&q, &rec->ses))
		return false;
	if ((size_t)(end - q) > 5 && !memcmp(q, "subj=", 5)) {
		/* as parse_fields(): the label runs up to " pid=" */
		e = memmem(q + 5, (size_t)(end - q - 5), " pid=", 5);
		if (!e)
			return false;
		rec->subj.p = q + 5;
		rec->subj.n = (size_t)(e - (q + 5));
		rec->fields |= SCL_F_SUBJ;
		q = e + 1;
	}
	FAST_KEY("pid=");
	NEED16();
	if (!fast_dec(&q, &rec->pid))
		return false;
	FAST_KEY("comm=");
	if (!fast_str(&q, end, SCL_MAX_COMM, false, &rec->comm, &rec->comm_hex))
		return false;
	FAST_KEY("exe=");
	if (!fast_str(&q, end, SCL_MAX_EXE, true, &rec->exe, &rec->exe_hex))
		return false;
	FAST_KEY("sig=");
	NEED16();
	if (!fast_dec(&q, &rec->sig))
		return false;
	FAST_KEY("arch=");
	if (!fast_hex(&q, end, 8, false, &x))
		return false;
	rec->arch = (uint32_t)x;
	FAST_KEY("syscall=");
	NEED16();
	if (!fast_dec(&q, &rec->syscall))
		return false;
	FAST_KEY("compat=");
	if (end - q < 2 || (q[0] != '0' && q[0] != '1') || q[1] != ' ')
		return false;
	rec->compat = (uint32_t)(q[0] - '0');
	q += 2;
	FAST_KEY("ip=0x");
	if (!fast_hex(&q, end, 16, false, &rec->ip))
		return false;
	FAST_KEY("code=0x");
	if (end - q == 8 && !memcmp(q, "7ffc0000", 8))
		x = SCL_ACT_LOG; /* learning logs: nearly every record */
	else if (!fast_hex(&q, end, 8, true, &x) || !scl_record_code_valid(x))
		return false;
	rec->code = (uint32_t)x;
#undef NEED16
	rec->fields |= SCL_F_AUID | SCL_F_UID | SCL_F_GID | SCL_F_SES | SCL_F_PID | SCL_F_COMM | SCL_F_EXE |
		       SCL_F_SIG | SCL_F_ARCH | SCL_F_SYSCALL | SCL_F_COMPAT | SCL_F_IP | SCL_F_CODE;
	return true;
}
#undef FAST_KEY
