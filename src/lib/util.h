/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_UTIL_H
#define SCL_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Ownership helpers (systemd style): destructors accept NULL. */
#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void scl_freep(void *p) { free(*(void **)p); }
/* for streams only read from: one written to is closed, and checked, explicitly */
static inline void scl_fclosep(FILE **f) { if (*f) (void)fclose(*f); }
static inline void scl_closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void scl_closedirp(DIR **d) { if (*d) (void)closedir(*d); }

#define _cleanup_free_ _cleanup_(scl_freep)
#define _cleanup_fclose_ _cleanup_(scl_fclosep)
#define _cleanup_close_ _cleanup_(scl_closep)
#define _cleanup_closedir_ _cleanup_(scl_closedirp)

/* Take ownership out of a cleanup variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* a + b, or UINT64_MAX where it would wrap (counters). */
static inline uint64_t scl_sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Is x one of v[0..n)? */
static inline bool scl_u32_in(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Append x to the array *v of *n unless it holds x: 1 added, 0 already there, -ENOMEM. */
static inline int scl_u32_add(uint32_t **v, size_t *n, uint32_t x)
{
	uint32_t *nv;

	if (scl_u32_in(*v, *n, x))
		return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = x;
	*v = nv;
	return 1;
}

/* CLOCK_MONOTONIC in milliseconds: deadlines and intervals. */
static inline int64_t scl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int scl_startswith(const char *s, size_t n, const char *prefix, size_t plen)
{
	return n >= plen && memcmp(s, prefix, plen) == 0;
}
#define STARTSWITH(s, n, lit) scl_startswith((s), (n), (lit), sizeof(lit) - 1)

/* murmur3's 64-bit finaliser: spreads every input bit over the low bits. */
static inline uint64_t scl_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* FNV-1a over n bytes, from a given start value (0xcbf29ce484222325 is FNV's). */
static inline uint64_t scl_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}
#define SCL_FNV_OFFSET 0xcbf29ce484222325ULL

/*
 * read() until size bytes or the end of the file, EINTR retried: the bytes
 * read (fewer than size only at the end), or -errno of read().  Nothing is
 * NUL-terminated.
 */
ssize_t scl_read_full(int fd, void *buf, size_t size);
/*
 * A small file read whole from fd into buf (size > 0), as scl_read_full():
 * 0 with *ret_n the bytes read (at most size - 1: a caller may terminate the
 * text), -E2BIG when the file fills buf (size bytes or more; buf then holds
 * the first size), or -errno of read().
 */
int scl_read_small(int fd, char *buf, size_t size, size_t *ret_n);

#endif
