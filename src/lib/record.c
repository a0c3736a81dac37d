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
#include "record-parse.h"
#include "util.h"

/*
 * Record body, as kernel/auditsc.c audit_seccomp() + audit_log_task() print it:
 *   auid= uid= gid= ses= [subj=] pid= comm= exe= sig= arch= syscall= compat= ip= code=
 * Fields are found by key.  code= is always last, so a record without it was
 * truncated.  subj= is printed raw by the LSM and may hold spaces and '='.
 */

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
int scl_record_valid_string(const char *p, size_t n, size_t avail, bool hex, size_t limit)
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
	/* a well-formed value over the limit says which limit (scl_record_valid_string() rejects it too) */
	if ((quoted ? v.n : v.n / 2) > limit && (quoted || v.n % 2 == 0)) {
		*why = bit == SCL_F_COMM ? SCL_SKIP_COMM_TOO_LONG : SCL_SKIP_EXE_TOO_LONG;
		return -1;
	}
	/* exe=(null) for tasks without an mm (kernel threads) */
	if (!quoted && !(v.n == 6 && !memcmp(v.p, "(null)", 6)) &&
	    !scl_record_valid_string(v.p, v.n, (size_t)(end - v.p), true, limit)) {
		*why = SCL_SKIP_BAD_STRING;
		return -1;
	}
	if (quoted && !scl_record_valid_string(v.p, v.n, (size_t)(end - v.p), false, limit)) {
		*why = SCL_SKIP_BAD_STRING;
		return -1;
	}
	*dst = v;
	*dst_hex = !quoted && !(v.n == 6 && !memcmp(v.p, "(null)", 6));
	rec->fields |= bit;
	return 0;
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
			i = scl_find2(p, i, n, '=', ' ');
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
			size_t j = scl_find2(p, i, n, ' ', ' ');
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
			if (!scl_record_code_valid(x) && code_cut(v.p + 2, v.n - 2)) {
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
	if (!scl_record_code_valid(action)) {
		action = SCL_ACT_KILL_PROCESS;
		rec->fields |= SCL_F_CODE_UNDEFINED;
	}
	rec->code = action;
	rec->fields |= SCL_F_CODE;
	return 0;
}


int scl_record_parse_body(const char *p, size_t n, scl_framing framing, scl_record *ret,
			  scl_skip_reason *ret_reason)
{
	return scl_record_parse_body_at(p, n, framing, false, true, ret, ret_reason);
}

int scl_record_parse_body_generic(const char *p, size_t n, scl_framing framing, scl_record *ret,
				  scl_skip_reason *ret_reason)
{
	return scl_record_parse_body_at(p, n, framing, false, false, ret, ret_reason);
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

int scl_record_parse_body_at(const char *p, size_t n, scl_framing framing, bool nul_checked, bool fast_ok,
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
		off = fast_ok ? scl_record_fast_header(p, n, &rec) : -1;
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
	if (!(fast_ok && scl_record_fast_fields(p + off, n - (size_t)off, &rec))) {
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
