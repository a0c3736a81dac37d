/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_NUM_H
#define SCMPLOG_NUM_H

#include <stddef.h>
#include <errno.h>
#include <stdint.h>

/*
 * Strict number parsing on (pointer, length) slices: no sign, no whitespace,
 * no prefix unless asked for, the whole slice consumed, range checked.
 *
 * Returns 0 and writes *ret on success; -EINVAL for an empty slice or a
 * character that is not a digit of the base; -ERANGE above max.  *ret is
 * untouched on failure.
 */
static inline int scl_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *ret);
/* Hexadecimal digits only (either case), no "0x". */
static inline int scl_parse_x64(const char *s, size_t n, uint64_t max, uint64_t *ret);
/* Hexadecimal with a mandatory "0x" prefix (the kernel's ip= and code=). */
static inline int scl_parse_0x64(const char *s, size_t n, uint64_t max, uint64_t *ret);
/* NUL-terminated convenience for command-line options, same rules. */
int scl_parse_u64_str(const char *s, uint64_t max, uint64_t *ret);

/* Inline: these run several times per record on the hot path. */
/* digit value + 1 for hex digits, 0 otherwise. */
static const unsigned char scl_hex_table[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline int scl_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0)
		return -EINVAL;
	if (n <= 19) {
		/* 19 digits cannot overflow 64 bits: no per-digit check (this is the hot path) */
		for (size_t i = 0; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				return -EINVAL;
			v = v * 10 + d;
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				return -EINVAL;
			if (v > (UINT64_MAX - d) / 10) {
				/* still reject non-digits after the overflow point */
				for (; i < n; i++)
					if ((unsigned)((unsigned char)s[i] - '0') > 9)
						return -EINVAL;
				return -ERANGE;
			}
			v = v * 10 + d;
		}
	}
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

static inline int scl_parse_x64(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	int big = 0;

	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned d = scl_hex_table[(unsigned char)s[i]];
		if (d == 0)
			return -EINVAL;
		d--;
		if (v >> 60)
			big = 1;
		v = (v << 4) | d;
	}
	if (big || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

static inline int scl_parse_0x64(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	return scl_parse_x64(s + 2, n - 2, max, ret);
}

#endif
