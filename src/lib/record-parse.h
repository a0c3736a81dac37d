/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_RECORD_PARSE_H
#define SCL_RECORD_PARSE_H

/*
 * What the record parser's three files share: record.c (the body, fields
 * found by key, with every check and the skip reasons), record-fast.c (the
 * fast path for the kernel's own field order) and record-line.c (a line's
 * framing: which source wrote it and where its body starts).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scmplog/record.h"

/* An action the kernel logs: ALLOW is never logged (kernel/seccomp.c seccomp_log()). */
static inline int scl_record_code_valid(uint64_t v)
{
	switch (v) {
	case SCL_ACT_KILL_PROCESS: case SCL_ACT_KILL_THREAD: case SCL_ACT_TRAP:
	case SCL_ACT_ERRNO: case SCL_ACT_USER_NOTIF: case SCL_ACT_TRACE:
	case SCL_ACT_LOG:
		return 1;
	default:
		return 0;
	}
}

/*
 * Index of the first byte in p[i..n) equal to a or b, or n.  Values and keys
 * are short and vary in length, so a byte loop mispredicts at every field end;
 * a 16-byte compare finds the end of most fields in one step.  Never reads
 * past p + n.
 */
static inline size_t scl_find2(const char *p, size_t i, size_t n, char a, char b)
{
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	while (i + 16 <= n) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
	if (i < n && n >= 16) {
		/* the tail in one load that ends at p + n, bytes before i masked off */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
		m &= ~0u << (16 - (n - i));
		return m ? n - 16 + (size_t)__builtin_ctz(m) : n;
	}
#endif
	while (i < n && p[i] != a && p[i] != b)
		i++;
	return i;
}

/*
 * A comm= or exe= value of n bytes at p, hex or quoted (without the
 * quotes), of at most limit decoded bytes.  avail: bytes readable at p (>=
 * n); a 16-byte load may cover the tail when avail allows.  1 if valid.
 */
int scl_record_valid_string(const char *p, size_t n, size_t avail, bool hex, size_t limit);

/* The fast path (record-fast.c): see there. */
long scl_record_fast_header(const char *p, size_t n, scl_record *rec);
bool scl_record_fast_fields(const char *p, size_t n, scl_record *rec);

/*
 * scl_record_parse_body() for the framings: nul_checked, the caller has
 * checked that the body holds no NUL; fast_ok, the fast path may be tried.
 */
int scl_record_parse_body_at(const char *p, size_t n, scl_framing framing, bool nul_checked, bool fast_ok,
			     scl_record *ret, scl_skip_reason *ret_reason);

#endif
