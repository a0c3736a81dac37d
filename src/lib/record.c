/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/record.h"
#include "internal.h"
#include "util.h"

/*
 * Record body, as kernel/auditsc.c audit_seccomp() + audit_log_task() print it:
 *   auid= uid= gid= ses= [subj=] pid= comm= exe= sig= arch= syscall= compat= ip= code=
 * Fields are found by key.  code= is always last, so a record without it was
 * truncated.  subj= is printed raw by the LSM and may hold spaces and '='.
 */

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define STR_(x) #x
#define STR(x) STR_(x)

static const char *const skip_names[_SCL_SKIP_MAX] = {
	[SCL_SKIP_NONE] = "none",
	[SCL_SKIP_BAD_ARCH] = "bad arch",
	[SCL_SKIP_BAD_SYSCALL] = "bad syscall",
	[SCL_SKIP_BAD_CODE] = "bad code",
	[SCL_SKIP_BAD_NUMBER] = "bad number",
	[SCL_SKIP_BAD_STRING] = "bad string",
	[SCL_SKIP_BAD_FIELD] = "bad field",
	[SCL_SKIP_DUPLICATE_KEY] = "duplicate key",
	[SCL_SKIP_TOO_LONG] = "record over SCL_MAX_RECORD (" STR(SCL_MAX_RECORD) " bytes)",
	[SCL_SKIP_NUL_BYTE] = "NUL byte",
	[SCL_SKIP_TRUNCATED] = "truncated",
	[SCL_SKIP_BAD_HEADER] = "bad header",
	[SCL_SKIP_BAD_JOURNAL] = "bad journal entry",
	[SCL_SKIP_LINE_TOO_LONG] = "line over SCL_MAX_LINE (" STR(SCL_MAX_LINE) " bytes)",
	[SCL_SKIP_HOST_TOO_LONG] = "host name over SCL_MAX_HOST (" STR(SCL_MAX_HOST) " bytes)",
	[SCL_SKIP_COMM_TOO_LONG] = "comm over SCL_MAX_COMM (" STR(SCL_MAX_COMM) " bytes)",
	[SCL_SKIP_EXE_TOO_LONG] = "exe over SCL_MAX_EXE (" STR(SCL_MAX_EXE) " bytes)",
	[SCL_SKIP_NO_ARCH] = "no arch",
	[SCL_SKIP_BAD_NAME] = "unknown name",
};

static const char *const skip_hints[_SCL_SKIP_MAX] = {
	[SCL_SKIP_BAD_ARCH] = "expected arch=HEX (an AUDIT_ARCH value such as c000003e)",
	[SCL_SKIP_BAD_SYSCALL] = "expected syscall=DECIMAL",
	[SCL_SKIP_BAD_CODE] = "expected code=0xHEX, a seccomp action (allow is never logged)",
	[SCL_SKIP_BAD_NUMBER] = "expected an unsigned decimal (ip=0xHEX, compat=0 or 1)",
	[SCL_SKIP_BAD_STRING] = "expected \"text\" or upper-case hex without NUL bytes",
	[SCL_SKIP_BAD_FIELD] = "expected key=value",
	[SCL_SKIP_DUPLICATE_KEY] = "expected each key once",
	[SCL_SKIP_NUL_BYTE] = "expected text without NUL bytes",
	[SCL_SKIP_TRUNCATED] = "expected the record up to its last field, code=",
	[SCL_SKIP_BAD_HEADER] = "expected audit(SECONDS.MSEC:SERIAL): (ausearch --raw), or ausearch -i's audit(DATE HH:MM:SS.MSEC:SERIAL) :",
	[SCL_SKIP_BAD_JOURNAL] = "expected a journal entry with a SECCOMP MESSAGE",
	[SCL_SKIP_NO_ARCH] = "a kernel before 3.16 logs no arch=: give --assume-arch ARCH",
	[SCL_SKIP_BAD_NAME] = "an ausearch -i name scmplog cannot map back: read the log with ausearch --raw",
};

const char *scl_skip_reason_hint(scl_skip_reason r)
{
	if ((unsigned)r >= _SCL_SKIP_MAX || !skip_hints[r])
		return "";
	return skip_hints[r];
}

static __thread scl_slice skip_key;

scl_slice scl_record_skip_key(void)
{
	return skip_key;
}

static void set_skip_key(const char *p, size_t n)
{
	skip_key.p = p;
	skip_key.n = n;
}

void scl_record_set_skip_key(const char *p, size_t n)
{
	set_skip_key(p, n);
}

/* The key=value token at p (up to a space, or the end, at most 200 bytes). */
static void set_skip_token(const char *p, const char *end)
{
	const char *e = p;

	while (e < end && *e != ' ' && e - p < 200)
		e++;
	set_skip_key(p, (size_t)(e - p));
}

static uint32_t assume_arch;

void scl_record_set_assume_arch(uint32_t arch)
{
	assume_arch = arch;
}

/* The 32-bit arch a compat=1 syscall of a 64-bit arch is (what arch= would have said). */
static uint32_t compat_arch(uint32_t arch)
{
	switch (arch) {
	case 0xc000003eU: return 0x40000003U; /* x86_64 -> x86 */
	case 0xc00000b7U: return 0x40000028U; /* aarch64 -> arm */
	case 0x80000016U: return 0x00000016U; /* s390x -> s390 */
	case 0x80000015U: return 0x00000014U; /* ppc64 -> ppc */
	case 0x80000008U: return 0x00000008U; /* mips64 -> mips */
	case 0xc0000008U: return 0x40000008U; /* mipsel64 -> mipsel */
	default: return arch;
	}
}

const char *scl_skip_reason_str(scl_skip_reason r)
{
	if ((unsigned)r >= _SCL_SKIP_MAX || !skip_names[r])
		return "unknown";
	return skip_names[r];
}

static const char *const frame_names[_SCL_FRAME_MAX] = {
	[SCL_FRAME_NONE] = "none",
	[SCL_FRAME_BODY] = "netlink",
	[SCL_FRAME_PRINTK] = "printk",
	[SCL_FRAME_DMESG] = "dmesg",
	[SCL_FRAME_DMESG_RAW] = "dmesg -r",
	[SCL_FRAME_KMSG] = "kmsg",
	[SCL_FRAME_SYSLOG] = "syslog",
	[SCL_FRAME_AUDITD] = "audit.log",
	[SCL_FRAME_ENRICHED] = "audit.log (enriched)",
	[SCL_FRAME_JOURNAL_SHORT] = "journalctl short",
	[SCL_FRAME_JOURNAL_EXPORT] = "journal export",
	[SCL_FRAME_JOURNAL_JSON] = "journal json",
	[SCL_FRAME_JOURNAL] = "journal",
	[SCL_FRAME_AUSEARCH] = "ausearch -i",
};

const char *scl_framing_str(scl_framing f)
{
	if ((unsigned)f >= _SCL_FRAME_MAX || !frame_names[f])
		return "unknown";
	return frame_names[f];
}

const char *scl_action_str(uint32_t action)
{
	switch (action) {
	case SCL_ACT_KILL_PROCESS: return "kill_process";
	case SCL_ACT_KILL_THREAD: return "kill_thread";
	case SCL_ACT_TRAP: return "trap";
	case SCL_ACT_ERRNO: return "errno";
	case SCL_ACT_USER_NOTIF: return "user_notif";
	case SCL_ACT_TRACE: return "trace";
	case SCL_ACT_LOG: return "log";
	case SCL_ACT_ALLOW: return "allow";
	default: return "unknown";
	}
}

static int code_valid(uint64_t v)
{
	switch (v) {
	case SCL_ACT_KILL_PROCESS: case SCL_ACT_KILL_THREAD: case SCL_ACT_TRAP:
	case SCL_ACT_ERRNO: case SCL_ACT_USER_NOTIF: case SCL_ACT_TRACE:
	case SCL_ACT_LOG:
		return 1; /* ALLOW is never logged (kernel/seccomp.c seccomp_log()) */
	default:
		return 0;
	}
}

/*
 * Is the hex text of code= a proper prefix of an action's ("7ffc000",
 * "5000")?  Then the line was cut inside it: the kernel prints the whole
 * value, and taking the prefix as a number would invent an action.
 */
static bool code_cut(const char *hex, size_t n)
{
	static const char *const full[] = { "80000000", "30000", "50000", "7fc00000", "7ff00000", "7ffc0000" };

	for (size_t i = 0; i < ELEMENTSOF(full); i++) {
		size_t l = strlen(full[i]);
		if (n < l && !strncasecmp(hex, full[i], n))
			return true;
	}
	return false;
}

/* 0..15 for a hex digit, -1 otherwise (num.h's table holds value + 1). */
static inline int hexval(unsigned char c)
{
	return (int)scl_hex_table[c] - 1;
}

int scl_record_decode_str(scl_slice s, bool hex, char *buf, size_t size)
{
	size_t out;

	if (size == 0)
		return -ENAMETOOLONG;
	if (!hex) {
		if (s.n >= size)
			return -ENAMETOOLONG;
		if (memchr(s.p, 0, s.n))
			return -EINVAL;
		memcpy(buf, s.p, s.n);
		buf[s.n] = '\0';
		return (int)s.n;
	}
	if (s.n % 2)
		return -EINVAL;
	if (s.n / 2 >= size)
		return -ENAMETOOLONG;
	for (out = 0; out < s.n / 2; out++) {
		int hi = hexval((unsigned char)s.p[2 * out]), lo = hexval((unsigned char)s.p[2 * out + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -EINVAL;
		buf[out] = (char)(hi << 4 | lo);
	}
	buf[out] = '\0';
	return (int)out;
}

/*
 * Eight ASCII digits at once (Lemire's SWAR): s[0..n), n <= 8, with 8
 * readable bytes at s.  Leading positions are padded with '0'.
 */
static inline int swar8(const char *s, size_t n, uint64_t *out)
{
	uint64_t c;

	memcpy(&c, s, 8);
	if (n < 8)
		c = (c << ((8 - n) * 8)) | (0x3030303030303030ULL >> (n * 8));
	if (((c & 0xF0F0F0F0F0F0F0F0ULL) | (((c + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) !=
	    0x3333333333333333ULL)
		return -1;
	c -= 0x3030303030303030ULL;
	c = (c * 10) + (c >> 8);
	c = (((c & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
	     (((c >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >> 32;
	*out = c;
	return 0;
}

/*
 * scl_parse_u64() for the hot path: same rules, but uses SWAR when the
 * buffer holds 8 bytes past every chunk it loads (end is the buffer end).
 */
static inline int dec_fast(const char *s, size_t n, const char *end, uint64_t max, uint64_t *ret)
{
	uint64_t hi, lo;

	if (n == 0 || n > 16 || end - s < 8 + (n > 8 ? (ptrdiff_t)(n - 8) : 0))
		return scl_parse_u64(s, n, max, ret);
	if (n <= 8) {
		if (swar8(s, n, &lo) < 0)
			return -EINVAL;
		hi = 0;
	} else {
		if (swar8(s, n - 8, &hi) < 0 || swar8(s + n - 8, 8, &lo) < 0)
			return -EINVAL;
	}
	lo += hi * 100000000ULL;
	if (lo > max)
		return -ERANGE;
	*ret = lo;
	return 0;
}

/* avail: bytes readable at p (>= n); a 16-byte load may cover the tail when avail allows. */
static int valid_string(const char *p, size_t n, size_t avail, bool hex, size_t limit)
{
	if (n == 0)
		return !hex; /* comm="" is possible; empty hex is not */
	if (hex) {
		if (n % 2 || n / 2 > limit)
			return 0;
		for (size_t i = 0; i < n; i += 2) {
			int hi = hexval((unsigned char)p[i]), lo = hexval((unsigned char)p[i + 1]);
			/* a C string from the kernel never holds a NUL */
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return 0;
		}
		return 1;
	}
	/* the kernel quotes only strings without '"', blanks, controls or bytes > 0x7e */
	if (n > limit)
		return 0;
	size_t i = 0;
#ifdef __SSE2__
	/* 0x21..0x7e are exactly the bytes > 0x20 and < 0x7f as signed chars */
	const __m128i lo = _mm_set1_epi8(0x20), hi = _mm_set1_epi8(0x7f), dq = _mm_set1_epi8('"');
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi));
		ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, dq), ok);
		if (_mm_movemask_epi8(ok) != 0xffff)
			return 0;
	}
	if (i < n && avail - i >= 16) {
		/* the tail in one load: only its n - i bytes count */
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i ok = _mm_and_si128(_mm_cmpgt_epi8(x, lo), _mm_cmplt_epi8(x, hi));
		unsigned want = (1u << (n - i)) - 1;
		ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, dq), ok);
		return ((unsigned)_mm_movemask_epi8(ok) & want) == want;
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x21 || c > 0x7e || c == '"')
			return 0;
	}
	return 1;
}

/* "audit(SEC.MSEC:SERIAL): " -> bytes consumed, or -1. */
static long parse_header(const char *p, size_t n, scl_record *rec)
{
	const char *end = p + n, *q = p + 6, *dot, *colon, *close;
	uint64_t sec, msec, serial;

	if (!STARTSWITH(p, n, "audit("))
		return -1;
	close = memchr(q, ')', (size_t)(end - q));
	if (!close || close - q > 48)
		return -1;
	dot = memchr(q, '.', (size_t)(close - q));
	if (!dot)
		return -1;
	colon = memchr(dot, ':', (size_t)(close - dot));
	if (!colon)
		return -1;
	if (scl_parse_u64(q, (size_t)(dot - q), UINT64_MAX / 2, &sec) < 0 || colon - dot != 4 ||
	    scl_parse_u64(dot + 1, 3, 999, &msec) < 0 ||
	    scl_parse_u64(colon + 1, (size_t)(close - colon - 1), UINT64_MAX, &serial) < 0)
		return -1;
	if (end - close < 2 || close[1] != ':')
		return -1;
	rec->time_sec = sec;
	rec->time_msec = (uint32_t)msec;
	rec->serial = serial;
	rec->fields |= SCL_F_TIME;
	q = close + 2;
	if (q < end && *q == ' ')
		q++;
	return q - p;
}


static inline __attribute__((always_inline)) int set_u32(scl_record *rec, uint32_t bit, uint32_t *dst, scl_slice v,
							const char *end, scl_skip_reason *why)
{
	uint64_t x;

	if (rec->fields & bit) {
		*why = SCL_SKIP_DUPLICATE_KEY;
		return -1;
	}
	if (dec_fast(v.p, v.n, end, UINT32_MAX, &x) < 0) {
		*why = SCL_SKIP_BAD_NUMBER;
		return -1;
	}
	*dst = (uint32_t)x;
	rec->fields |= bit;
	return 0;
}

static inline __attribute__((always_inline)) int set_str(scl_record *rec, uint32_t bit, scl_slice *dst, bool *dst_hex, scl_slice v,
		   bool quoted, size_t limit, const char *end, scl_skip_reason *why)
{
	if (rec->fields & bit) {
		*why = SCL_SKIP_DUPLICATE_KEY;
		return -1;
	}
	/* a well-formed value over the limit says which limit (valid_string() rejects it too) */
	if ((quoted ? v.n : v.n / 2) > limit && (quoted || v.n % 2 == 0)) {
		*why = bit == SCL_F_COMM ? SCL_SKIP_COMM_TOO_LONG : SCL_SKIP_EXE_TOO_LONG;
		return -1;
	}
	/* exe=(null) for tasks without an mm (kernel threads) */
	if (!quoted && !(v.n == 6 && !memcmp(v.p, "(null)", 6)) &&
	    !valid_string(v.p, v.n, (size_t)(end - v.p), true, limit)) {
		*why = SCL_SKIP_BAD_STRING;
		return -1;
	}
	if (quoted && !valid_string(v.p, v.n, (size_t)(end - v.p), false, limit)) {
		*why = SCL_SKIP_BAD_STRING;
		return -1;
	}
	*dst = v;
	*dst_hex = !quoted && !(v.n == 6 && !memcmp(v.p, "(null)", 6));
	rec->fields |= bit;
	return 0;
}

/*
 * Index of the first byte in p[i..n) equal to a or b, or n.  Values and keys
 * are short and vary in length, so a byte loop mispredicts at every field end;
 * a 16-byte compare finds the end of most fields in one step.  Never reads
 * past p + n.
 */
static inline size_t find2(const char *p, size_t i, size_t n, char a, char b)
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

enum key_id {
	K_UNKNOWN, K_AUID, K_UID, K_GID, K_SES, K_PID, K_COMM, K_EXE, K_SIG, K_ARCH, K_SYSCALL, K_COMPAT,
	K_IP, K_CODE, K_SUBJ,
};

/* The order audit_seccomp() prints the keys in: tried first, one compare per field. */
static const struct {
	char text[9];
	unsigned char len; /* with the '=' */
	unsigned char id;
} key_order[] = {
	{ "auid=", 5, K_AUID }, { "uid=", 4, K_UID }, { "gid=", 4, K_GID }, { "ses=", 4, K_SES },
	{ "pid=", 4, K_PID }, { "comm=", 5, K_COMM }, { "exe=", 4, K_EXE }, { "sig=", 4, K_SIG },
	{ "arch=", 5, K_ARCH }, { "syscall=", 8, K_SYSCALL }, { "compat=", 7, K_COMPAT }, { "ip=", 3, K_IP },
	{ "code=", 5, K_CODE },
};

/* Does the expected key key_order[oi] start at q (8 readable bytes)? */
static inline bool key_at(const char *q, size_t oi)
{
	uint64_t w, k;
	unsigned len = key_order[oi].len;

	memcpy(&w, q, 8);
	/*
	 * text is zero-padded to 9 bytes: one fixed 8-byte load.  Copying len
	 * bytes into a zeroed word made byte stores that the 8-byte compare
	 * then waited on (a store-forwarding stall, a third of the parse).
	 */
	memcpy(&k, key_order[oi].text, 8);
	if (len < 8)
		w &= (1ULL << (len * 8)) - 1;
	return w == k;
}

static enum key_id key_lookup(const char *k, size_t n)
{
#define K(lit, id) if (n == sizeof(lit) - 1 && !memcmp(k, lit, n)) return id
	switch (n) {
	case 2: K("ip", K_IP); break;
	case 3: K("uid", K_UID); K("gid", K_GID); K("pid", K_PID); K("ses", K_SES); K("sig", K_SIG);
		K("exe", K_EXE); break;
	case 4: K("auid", K_AUID); K("comm", K_COMM); K("arch", K_ARCH); K("code", K_CODE); K("subj", K_SUBJ);
		break;
	case 6: K("compat", K_COMPAT); break;
	case 7: K("syscall", K_SYSCALL); break;
	}
#undef K
	return K_UNKNOWN;
}

static int parse_fields(const char *p, size_t n, scl_record *rec, scl_skip_reason *why, size_t *bad)
{
	size_t i = 0, oi = 0;

	while (i < n) {
		scl_slice v;
		bool quoted = false;
		enum key_id id;

		*bad = i;

		if (oi < ELEMENTSOF(key_order) && n - i >= 8 && key_at(p + i, oi)) {
			/* the kernel's own order: no scan for '=' */
			id = (enum key_id)key_order[oi].id;
			i += key_order[oi].len;
			oi++;
		} else {
			size_t ks = i;
			i = find2(p, i, n, '=', ' ');
			if (i >= n) {
				*why = SCL_SKIP_TRUNCATED;
				return -1;
			}
			if (p[i] != '=' || i == ks) {
				*why = SCL_SKIP_BAD_FIELD;
				return -1;
			}
			id = key_lookup(p + ks, i - ks);
			i++;
			/* resynchronise the expected order after a known key */
			for (size_t j = 0; j < ELEMENTSOF(key_order); j++)
				if (key_order[j].id == id) {
					oi = j + 1;
					break;
				}
		}
		if (id == K_SUBJ) {
			/* The LSM label runs up to " pid=", which always follows it. */
			const char *e = memmem(p + i, n - i, " pid=", 5);
			if (!e) {
				*why = SCL_SKIP_TRUNCATED;
				return -1;
			}
			if (rec->fields & SCL_F_SUBJ) {
				*why = SCL_SKIP_DUPLICATE_KEY;
				return -1;
			}
			rec->subj.p = p + i;
			rec->subj.n = (size_t)(e - (p + i));
			rec->fields |= SCL_F_SUBJ;
			i = (size_t)(e - p) + 1;
			continue;
		}
		if (i < n && p[i] == '"') {
			const char *q = memchr(p + i + 1, '"', n - i - 1);
			if (!q) {
				*why = SCL_SKIP_TRUNCATED;
				return -1;
			}
			quoted = true;
			v.p = p + i + 1;
			v.n = (size_t)(q - v.p);
			i = (size_t)(q - p) + 1;
			if (i < n && p[i] != ' ') {
				*why = SCL_SKIP_BAD_STRING;
				return -1;
			}
		} else {
			size_t j = find2(p, i, n, ' ', ' ');
			v.p = p + i;
			v.n = j - i;
			i = j;
		}
		if (i < n)
			i++; /* the separating space */

		switch (id) {
		case K_IP: {
			uint64_t x;
			if (rec->fields & SCL_F_IP) {
				*why = SCL_SKIP_DUPLICATE_KEY;
				return -1;
			}
			if (quoted || scl_parse_0x64(v.p, v.n, UINT64_MAX, &x) < 0) {
				*why = SCL_SKIP_BAD_NUMBER;
				return -1;
			}
			rec->ip = x;
			rec->fields |= SCL_F_IP;
			break;
		}
		case K_UID:
			if (quoted || set_u32(rec, SCL_F_UID, &rec->uid, v, p + n, why) < 0)
				goto bad_number;
			break;
		case K_GID:
			if (quoted || set_u32(rec, SCL_F_GID, &rec->gid, v, p + n, why) < 0)
				goto bad_number;
			break;
		case K_PID:
			if (quoted || set_u32(rec, SCL_F_PID, &rec->pid, v, p + n, why) < 0)
				goto bad_number;
			break;
		case K_SES:
			if (quoted || set_u32(rec, SCL_F_SES, &rec->ses, v, p + n, why) < 0)
				goto bad_number;
			break;
		case K_SIG:
			if (quoted || set_u32(rec, SCL_F_SIG, &rec->sig, v, p + n, why) < 0)
				goto bad_number;
			break;
		case K_AUID:
			if (quoted || set_u32(rec, SCL_F_AUID, &rec->auid, v, p + n, why) < 0)
				goto bad_number;
			break;
		case K_EXE:
			if (set_str(rec, SCL_F_EXE, &rec->exe, &rec->exe_hex, v, quoted, SCL_MAX_EXE, p + n, why) < 0)
				return -1;
			break;
		case K_COMM:
			if (set_str(rec, SCL_F_COMM, &rec->comm, &rec->comm_hex, v, quoted, SCL_MAX_COMM, p + n, why) < 0)
				return -1;
			break;
		case K_ARCH: {
			uint64_t x;
			if (rec->fields & SCL_F_ARCH) {
				*why = SCL_SKIP_DUPLICATE_KEY;
				return -1;
			}
			if (quoted || v.n > 8 || scl_parse_x64(v.p, v.n, UINT32_MAX, &x) < 0) {
				*why = SCL_SKIP_BAD_ARCH;
				return -1;
			}
			rec->arch = (uint32_t)x;
			rec->fields |= SCL_F_ARCH;
			break;
		}
		case K_CODE: {
			uint64_t x;
			if (rec->fields & SCL_F_CODE) {
				*why = SCL_SKIP_DUPLICATE_KEY;
				return -1;
			}
			if (quoted || scl_parse_0x64(v.p, v.n, UINT32_MAX, &x) < 0) {
				*why = SCL_SKIP_BAD_CODE;
				return -1;
			}
			if (!code_valid(x) && code_cut(v.p + 2, v.n - 2)) {
				/* "0x7ffc000": printk cut the record inside code=, not an undefined action */
				*why = SCL_SKIP_TRUNCATED;
				return -1;
			}
			if (scl_record_set_code(rec, (uint32_t)x) < 0) {
				*why = SCL_SKIP_BAD_CODE;
				return -1;
			}
			break;
		}
		case K_COMPAT:
			if (quoted || set_u32(rec, SCL_F_COMPAT, &rec->compat, v, p + n, why) < 0 || rec->compat > 1)
				goto bad_number;
			break;
		case K_SYSCALL: {
			uint64_t x;
			bool neg = v.n > 1 && v.p[0] == '-';
			if (rec->fields & SCL_F_SYSCALL) {
				*why = SCL_SKIP_DUPLICATE_KEY;
				return -1;
			}
			/* seccomp_data.nr is an int: -1 is possible, printed with %ld */
			if (quoted || dec_fast(v.p + neg, v.n - neg, p + n, neg ? 0x80000000ULL : UINT32_MAX, &x) < 0) {
				*why = SCL_SKIP_BAD_SYSCALL;
				return -1;
			}
			rec->syscall = neg ? (uint32_t)(0 - x) : (uint32_t)x;
			rec->fields |= SCL_F_SYSCALL;
			break;
		}
		default:
			/* Unknown keys (a newer kernel) are accepted and ignored. */
			break;
		}
		continue;
bad_number:
		if (*why != SCL_SKIP_DUPLICATE_KEY)
			*why = SCL_SKIP_BAD_NUMBER;
		return -1;
	}
	*bad = SIZE_MAX;
	/* code= is the last field: without it the line was cut short */
	if (!(rec->fields & SCL_F_CODE)) {
		*why = SCL_SKIP_TRUNCATED;
		set_skip_key("code=", 5);
		return -1;
	}
	if (!(rec->fields & SCL_F_SYSCALL)) {
		*why = SCL_SKIP_BAD_SYSCALL;
		set_skip_key("syscall=", 8);
		return -1;
	}
	return scl_record_finish_arch(rec, why);
}

int scl_record_finish_arch(scl_record *rec, scl_skip_reason *why)
{
	if (rec->fields & SCL_F_ARCH)
		return 0;
	if (!assume_arch) {
		/* the field is missing, not bad: kernels before 3.16 do not log it */
		*why = SCL_SKIP_NO_ARCH;
		set_skip_key("arch=", 5);
		return -1;
	}
	rec->arch = (rec->fields & SCL_F_COMPAT) && rec->compat == 1 ? compat_arch(assume_arch) : assume_arch;
	rec->fields |= SCL_F_ARCH | SCL_F_ARCH_ASSUMED;
	return 0;
}

int scl_record_set_code(scl_record *rec, uint32_t code)
{
	uint32_t action = code & SCL_ACT_MASK;

	/*
	 * 3.5-3.x kernels logged the data bits too (code=0x50001: errno 1).
	 * An action the kernel does not define is a kill of the process:
	 * kernel/seccomp.c's __seccomp_filter() action switch ends in
	 * "case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_KILL_PROCESS:
	 * default:", and seccomp_log() logs it as such.  ALLOW is never logged.
	 */
	if (action == SCL_ACT_ALLOW)
		return -1;
	if (!code_valid(action)) {
		action = SCL_ACT_KILL_PROCESS;
		rec->fields |= SCL_F_CODE_UNDEFINED;
	}
	rec->code = action;
	rec->fields |= SCL_F_CODE;
	return 0;
}

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
		if (!e || e + 1 >= end || e[1] != ' ' || !valid_string(q + 1, (size_t)(e - q - 1), (size_t)(end - q - 1), false, limit))
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
		if (!valid_string(q, (size_t)(e - q), (size_t)(end - q), true, limit))
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
static inline long fast_header(const char *p, size_t n, scl_record *rec)
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

static bool parse_fields_fast(const char *p, size_t n, scl_record *rec)
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
	else if (!fast_hex(&q, end, 8, true, &x) || !code_valid(x))
		return false;
	rec->code = (uint32_t)x;
#undef NEED16
	rec->fields |= SCL_F_AUID | SCL_F_UID | SCL_F_GID | SCL_F_SES | SCL_F_PID | SCL_F_COMM | SCL_F_EXE |
		       SCL_F_SIG | SCL_F_ARCH | SCL_F_SYSCALL | SCL_F_COMPAT | SCL_F_IP | SCL_F_CODE;
	return true;
}
#undef FAST_KEY

static int parse_body(const char *p, size_t n, scl_framing framing, bool nul_checked, bool fast_ok,
		      scl_record *ret, scl_skip_reason *ret_reason);

int scl_record_parse_body(const char *p, size_t n, scl_framing framing, scl_record *ret,
			  scl_skip_reason *ret_reason)
{
	return parse_body(p, n, framing, false, true, ret, ret_reason);
}

int scl_record_parse_body_generic(const char *p, size_t n, scl_framing framing, scl_record *ret,
				  scl_skip_reason *ret_reason)
{
	return parse_body(p, n, framing, false, false, ret, ret_reason);
}

/*
 * The body fields (not the header's time and serial, nor the framing's
 * host).  Only `fields` says what is valid, but the record is a value the
 * caller may compare or print: no stale bytes.  Zeroing the whole record
 * costs 7% here.
 */
static inline void reset_fields(scl_record *rec, uint32_t keep)
{
	rec->fields = keep;
	rec->ip = 0;
	rec->auid = rec->uid = rec->gid = rec->ses = rec->pid = rec->sig = 0;
	rec->arch = rec->syscall = rec->compat = rec->code = 0;
	rec->comm_hex = rec->exe_hex = false;
	rec->comm.p = rec->exe.p = rec->subj.p = NULL;
	rec->comm.n = rec->exe.n = rec->subj.n = 0;
}

static int parse_body(const char *p, size_t n, scl_framing framing, bool nul_checked, bool fast_ok,
		      scl_record *ret, scl_skip_reason *ret_reason)
{
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	long off = 0;

	rec.framing = framing;
	rec.time_sec = rec.serial = 0;
	rec.time_msec = 0;
	rec.host.p = NULL;
	rec.host.n = 0;
	reset_fields(&rec, 0);
	if (n > SCL_MAX_RECORD) {
		why = SCL_SKIP_TOO_LONG;
		set_skip_key(NULL, 0);
		goto fail;
	}
	if (!nul_checked && memchr(p, '\0', n)) {
		why = SCL_SKIP_NUL_BYTE;
		set_skip_key(NULL, 0);
		goto fail;
	}
	if (n >= 6 && p[0] == 'a' && STARTSWITH(p, n, "audit(")) {
		off = fast_ok ? fast_header(p, n, &rec) : -1;
		if (off < 0)
			off = parse_header(p, n, &rec);
		if (off < 0) {
			/* ausearch -i: "audit(08/22/2022 17:15:56.273:401) : auid=unset ..." */
			if (scl_ausearch_body(p, n, &rec, &why) == 0) {
				rec.framing = SCL_FRAME_AUSEARCH;
				*ret = rec;
				return 1;
			}
			if (why == SCL_SKIP_NONE) {
				why = SCL_SKIP_BAD_HEADER;
				set_skip_token(p, p + n);
			}
			goto fail;
		}
	}
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	fast_ok = false; /* the SWAR digit code reads words little-endian */
#endif
	if (!(fast_ok && parse_fields_fast(p + off, n - (size_t)off, &rec))) {
		/* the fast path may have filled some fields: start again */
		if (fast_ok)
			reset_fields(&rec, rec.fields & (SCL_F_TIME | SCL_F_HOST));
		size_t bad = SIZE_MAX;
		set_skip_key(NULL, 0);
		if (parse_fields(p + off, n - (size_t)off, &rec, &why, &bad) < 0) {
			if (bad != SIZE_MAX)
				set_skip_token(p + off + bad, p + n);
			goto fail;
		}
	}
	*ret = rec;
	return 1;
fail:
	if (ret_reason)
		*ret_reason = why;
	return -EBADMSG;
}

/* The whitespace-delimited token that ends right before `end` (skipping blanks). */
static scl_slice prev_token(const char *start, const char *end)
{
	scl_slice s = { NULL, 0 };
	const char *b;

	while (end > start && end[-1] == ' ')
		end--;
	b = end;
	while (b > start && b[-1] != ' ')
		b--;
	if (b < end) {
		s.p = b;
		s.n = (size_t)(end - b);
	}
	return s;
}

/*
 * Whether the token before a syslog or journal tag is a host name.  Lines
 * without one put a time there ("Jul 19 10:54:26 audit[5231]: ...",
 * "1658228066.123456 audit[5231]: ..." from short-unix, "[ 5724.41] ..."):
 * host names hold no ':', brackets or '=', and a bare number is a time
 * unless it has an IPv4 address's three dots.
 */
static bool host_ok(scl_slice h)
{
	size_t dots = 0;
	bool number = true, digit = false;

	if (h.n == 0 || (h.n == 1 && h.p[0] == '-'))
		return false;
	for (size_t i = 0; i < h.n; i++) {
		char c = h.p[i];
		if (c == ':' || c == '[' || c == ']' || c == '<' || c == '>' || c == '=' || c == '(' || c == '"')
			return false;
		if (c == '.')
			dots++;
		else if (c < '0' || c > '9')
			number = false;
		else
			digit = true;
	}
	return !number || !digit || dots == 3;
}

static void set_host(scl_record *rec, scl_slice h)
{
	if (h.n == 0)
		return;
	rec->host = h;
	rec->fields |= SCL_F_HOST;
}

/* The token after `p` (skipping blanks) and where it ends. */
static scl_slice next_token(const char *p, const char *end)
{
	scl_slice s = { NULL, 0 };

	while (p < end && *p == ' ')
		p++;
	s.p = p;
	while (p < end && *p != ' ')
		p++;
	s.n = (size_t)(p - s.p);
	return s;
}

/* Framing of a printk line from what precedes "audit: type=1326". */
static scl_framing printk_framing(const char *line, const char *prefix_end, scl_slice *host)
{
	const char *e = prefix_end, *start = line;
	size_t n = (size_t)(prefix_end - line);

	host->n = 0;
	if (n == 0)
		return SCL_FRAME_PRINTK;
	if (line[0] == '<') {
		/* "<5>[ 5703.22] audit: ..." (dmesg -r), or a syslog line that kept its <PRI> */
		const char *q = line + 1;
		while (q < e && *q >= '0' && *q <= '9')
			q++;
		if (q == line + 1 || q >= e || *q != '>' || q + 1 >= e || q[1] == '[')
			return SCL_FRAME_DMESG_RAW;
		start = q + 1;
		if (e - start >= 2 && start[0] == '1' && start[1] == ' ') {
			/* RFC 5424: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG" */
			scl_slice ts = next_token(start + 2, e), h = next_token(ts.p + ts.n, e);
			if (ts.n && host_ok(h))
				*host = h;
			return SCL_FRAME_SYSLOG;
		}
	}
	if (start[0] == '[')
		return SCL_FRAME_DMESG;
	if (e > line && e[-1] == ';' && line[0] >= '0' && line[0] <= '9' && memchr(line, ',', n))
		return SCL_FRAME_KMSG;
	/* "... host kernel: [ 5724.41] ", with a printk caller id "[26083697.71][   T55] ", or "... host kernel: " */
	for (int b = 0; b < 2; b++) {
		while (e > start && e[-1] == ' ')
			e--;
		if (e > start && e[-1] == ']') {
			const char *o = e;
			while (o > start && o[-1] != '[')
				o--;
			if (o > start)
				e = o - 1;
		}
	}
	while (e > start && e[-1] == ' ')
		e--;
	if (e - start >= 7 && !memcmp(e - 7, "kernel:", 7)) {
		scl_slice h = prev_token(start, e - 7);
		if (host_ok(h))
			*host = h;
		return SCL_FRAME_SYSLOG;
	}
	return SCL_FRAME_PRINTK;
}

/*
 * The host of a relayed line: "<PRI>1 TIMESTAMP HOST APP ..." (RFC 5424), or
 * "... HOST TAG: " (RFC 3164, RFC 3339 stamps, with or without <PRI>).
 */
static scl_slice relay_host(const char *line, const char *k)
{
	scl_slice none = { NULL, 0 }, tag, h;
	const char *q = line;

	if (q < k && *q == '<') {
		while (++q < k && *q >= '0' && *q <= '9')
			;
		if (q >= k || *q != '>')
			return none;
		q++;
		if (k - q >= 2 && q[0] == '1' && q[1] == ' ') {
			scl_slice ts = next_token(q + 2, k);
			h = next_token(ts.p + ts.n, k);
			return ts.n && host_ok(h) ? h : none;
		}
	}
	tag = prev_token(q, k);
	if (tag.n < 2 || tag.p[tag.n - 1] != ':')
		return none;
	h = prev_token(q, tag.p);
	return host_ok(h) ? h : none;
}

static int after_is_body(const char *p, const char *end)
{
	if (end - p >= 6 && !memcmp(p, "audit(", 6))
		return 1;
	while (p < end && *p >= 'a' && *p <= 'z')
		p++;
	return p < end && *p == '=';
}

/* A bare body (no type=): a SECCOMP one has sig= and syscall=, a SYSCALL one success= or exit= */
static bool seccomp_fields(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	return memmem(p, n, " syscall=", 9) && memmem(p, n, " sig=", 5) && !memmem(p, n, " success=", 9) &&
	       !memmem(p, n, " exit=", 6);
}

/*
 * ENRICHED records whose 0x1d separator did not survive: lost in a copy
 * ("code=0x7ffc0000AUID=..."), escaped by rsyslog ("code=0x7ffc0000#035AUID=",
 * its default control-character escape) or by other tools ("\x1d", "^]").
 * The interpreted part of a SECCOMP record starts with AUID=.  Returns where
 * the record ends, or NULL.
 */
static const char *enriched_cut(const char *body, const char *end)
{
	static const char *const seps[] = { "#035", "\\x1d", "\\x1D", "\\035", "\\u001d", "^]" };
	const char *c = memmem(body, (size_t)(end - body), " code=", 6), *a;

	if (!c)
		return NULL;
	c += 6;
	a = memmem(c, (size_t)MIN(end - c, 40), "AUID=", 5);
	if (!a)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(seps); i++) {
		size_t l = strlen(seps[i]);
		if ((size_t)(a - c) >= l && !memcmp(a - l, seps[i], l))
			return a - l;
	}
	return a;
}

/* "SECCOMP " (journald), or "AUDIT1326 " (journald built without the type's name) */
static size_t journal_prefix(const char *p, const char *end)
{
	if (STARTSWITH(p, (size_t)(end - p), "SECCOMP "))
		return 8;
	if (STARTSWITH(p, (size_t)(end - p), "AUDIT1326 "))
		return 10;
	return 0;
}

static int fail_line(scl_skip_reason why, scl_skip_reason *ret_reason, const char *k, size_t kn)
{
	if (ret_reason)
		*ret_reason = why;
	set_skip_key(k, kn);
	return -EBADMSG;
}

int scl_record_parse_line(const char *line, size_t n, scl_record *ret,
			  scl_skip_reason *ret_reason, uint64_t *ret_suppressed)
{
	const char *end = line + n, *p = line, *body, *k;
	scl_framing framing;
	scl_slice host = { NULL, 0 }, node = { NULL, 0 };
	scl_record rec;
	bool nul_checked = false;
	size_t jp;
	int r;

	if (n == 0)
		return SCL_LINE_OTHER;
	if (line[0] == '{')
		return scl_journal_json_line(line, n, ret, ret_reason);

	if (STARTSWITH(p, n, "node=")) {
		const char *sp = memchr(p, ' ', n);
		if (!sp)
			return SCL_LINE_OTHER;
		node.p = p + 5;
		node.n = (size_t)(sp - node.p);
		p = sp + 1;
	}
	if (STARTSWITH(p, (size_t)(end - p), "type=")) {
		/* auditd: cheap rejection of every other record type */
		size_t m = (size_t)(end - p);
		if (STARTSWITH(p, m, "type=SECCOMP msg="))
			body = p + 17;
		else if (STARTSWITH(p, m, "type=1326 msg=") ||
			 (STARTSWITH(p, m, "type=1701 msg=") && memmem(p, m, "reason=\"seccomp\"", 16)))
			body = p + 14; /* 3.5-3.7 kernels: seccomp records were ANOM_ABEND (1701) ones */
		else if (STARTSWITH(p, m, "type=UNKNOWN[1326] msg="))
			body = p + 23;
		else if (STARTSWITH(p, m, "type=ANOM_ABEND msg=") && memmem(p, m, "reason=\"seccomp\"", 16))
			body = p + 20;
		else
			return SCL_LINE_OTHER;
		framing = SCL_FRAME_AUDITD;
		host = node;
		/* one pass finds both the ENRICHED separator and a NUL in the record */
		k = body + find2(body, 0, (size_t)(end - body), 0x1d, '\0');
		if (k < end && *k == '\0')
			return fail_line(SCL_SKIP_NUL_BYTE, ret_reason, NULL, 0);
		if (k < end) {
			end = k;
			framing = SCL_FRAME_ENRICHED;
		}
		nul_checked = true;
		goto parse;
	}
	if (STARTSWITH(p, (size_t)(end - p), "audit(") || STARTSWITH(p, (size_t)(end - p), "auid=")) {
		/* a bare netlink body, as tools that log the payload write it, with or without its header */
		if (!seccomp_fields(p, end))
			return SCL_LINE_OTHER;
		body = p;
		framing = SCL_FRAME_BODY;
		host = node;
		goto parse;
	}

	k = memmem(p, (size_t)(end - p), "type=1326", 9);
	if (!k) {
		/* 3.5-3.7 kernels: "type=1701 audit(...): ... reason="seccomp" sig=0 syscall=..." */
		k = memmem(p, (size_t)(end - p), "type=1701 audit(", 16);
		if (k && !memmem(k, (size_t)(end - k), "reason=\"seccomp\"", 16))
			k = NULL;
	}
	if (k) {
		const char *pre = k;
		bool printk = k - p >= 7 && !memcmp(k - 7, "audit: ", 7);
		if (printk)
			pre = k - 7;
		if ((size_t)(end - k) >= 16 && !memcmp(k + 9, " audit(", 7)) {
			body = k + 10;
			framing = printk_framing(line, pre, &host);
			goto parse;
		}
		if (printk) {
			/* "audit: type=1326" without its record: cut short, or a mangled header */
			size_t rest = (size_t)(end - k - 9);
			return fail_line(rest == 0 || (rest < 7 && !memcmp(k + 9, " audit(", rest)) ? SCL_SKIP_TRUNCATED
												      : SCL_SKIP_BAD_HEADER,
					 ret_reason, k, (size_t)MIN(end - k, 40));
		}
	}
	k = memmem(p, (size_t)(end - p), "type=SECCOMP msg=audit(", 23);
	if (k) {
		/* forwarded by audisp-syslog or a syslog relay: "... node=h type=SECCOMP ..." */
		body = k + 17;
		framing = SCL_FRAME_AUDITD;
		if (k - p >= 1) {
			scl_slice t = prev_token(p, k);
			if (t.n > 5 && !memcmp(t.p, "node=", 5)) {
				host.p = t.p + 5;
				host.n = t.n - 5;
			}
		}
		if (!host.n)
			host = node;
		if (!host.n)
			host = relay_host(p, k);
		k = memchr(body, 0x1d, (size_t)(end - body));
		if (k) {
			end = k;
			framing = SCL_FRAME_ENRICHED;
		}
		goto parse;
	}
	if ((jp = journal_prefix(p, end)) && after_is_body(p + jp, end)) {
		/* journald audit transport MESSAGE= */
		body = p + jp;
		framing = SCL_FRAME_JOURNAL;
		goto parse;
	}
	k = memmem(p, (size_t)(end - p), ": SECCOMP ", 10);
	if (!k)
		k = memmem(p, (size_t)(end - p), ": AUDIT1326 ", 12);
	if (k && (jp = journal_prefix(k + 2, end)) && after_is_body(k + 2 + jp, end)) {
		/* journalctl -o short*: "... host audit[7178]: SECCOMP auid=...", the host may be missing */
		scl_slice tag = prev_token(p, k + 1);
		body = k + 2 + jp;
		framing = SCL_FRAME_JOURNAL_SHORT;
		if (tag.n) {
			scl_slice h = prev_token(p, tag.p);
			if (host_ok(h))
				host = h;
		}
		goto parse;
	}
	k = memmem(p, (size_t)(end - p), "_printk_skb: ", 13);
	if (k && ((k - p >= 7 && !memcmp(k - 7, "kauditd", 7)) || (k - p >= 5 && !memcmp(k - 5, "audit", 5)))) {
		/* "kauditd_printk_skb: N callbacks suppressed"; "audit_printk_skb: " on kernels before 4.10 */
		const char *num = k + 13, *sp = memchr(num, ' ', (size_t)(end - num));
		uint64_t cnt;
		if (sp && STARTSWITH(sp, (size_t)(end - sp), " callbacks suppressed") &&
		    scl_parse_u64(num, (size_t)(sp - num), UINT32_MAX, &cnt) == 0) {
			if (ret_suppressed)
				*ret_suppressed = cnt;
			return SCL_LINE_SUPPRESSED;
		}
	}
	return SCL_LINE_OTHER;

parse:
	if ((size_t)(end - body) > SCL_MAX_RECORD)
		return fail_line(SCL_SKIP_TOO_LONG, ret_reason, NULL, 0);
	/* a trailing CR from files written on other systems */
	if (end > body && end[-1] == '\r')
		end--;
	r = parse_body(body, (size_t)(end - body), framing, nul_checked, true, &rec, ret_reason);
	if (r < 0 && framing == SCL_FRAME_AUDITD) {
		const char *cut = enriched_cut(body, end);
		if (cut)
			r = parse_body(body, (size_t)(cut - body), SCL_FRAME_ENRICHED, nul_checked, true, &rec, ret_reason);
	}
	if (r < 0)
		return r;
	if (host.n > SCL_MAX_HOST)
		/* no host name is that long: keeping the record without it would file it under no host */
		return fail_line(SCL_SKIP_HOST_TOO_LONG, ret_reason, host.p, 64);
	set_host(&rec, host);
	*ret = rec;
	return SCL_LINE_RECORD;
}
