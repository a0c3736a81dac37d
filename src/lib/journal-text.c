/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Journal text forms: journalctl -o json lines (a flat object per line), the
 * fields that complete a record taken from a journal MESSAGE, and one
 * sd-journal entry's fields (source-journal.c hands them over).  A small
 * strict scanner rather than json-c: the entries are flat, the lines are hot,
 * and every value's length is bounded by the line.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "util.h"

static __thread char msg_buf[SCL_MAX_LINE + 1];
static __thread char host_buf[SCL_MAX_HOST + 1];

int scl_journal_message(const char *msg, size_t msg_n, const char *host, size_t host_n,
			uint64_t audit_serial, uint64_t realtime_usec, scl_framing framing, bool audit_1326,
			scl_record *ret, scl_skip_reason *ret_reason)
{
	scl_record rec;
	int r;

	if (msg_n == 0 || msg[0] == '{') {
		if (!audit_1326)
			return SCL_LINE_OTHER;
		if (ret_reason)
			*ret_reason = SCL_SKIP_BAD_JOURNAL;
		scl_record_set_skip_key(msg, msg_n > 40 ? 40 : msg_n);
		return -EBADMSG;
	}
	r = scl_record_parse_line(msg, msg_n, &rec, ret_reason, NULL);
	if (r == SCL_LINE_OTHER && audit_1326) {
		/* a 1326 entry whose MESSAGE lacks the type name: the body itself ("auid=..."), else not a record */
		size_t k = 0;
		while (k < msg_n && msg[k] >= 'a' && msg[k] <= 'z')
			k++;
		if (k == 0 || k == msg_n || msg[k] != '=') {
			if (ret_reason)
				*ret_reason = SCL_SKIP_BAD_JOURNAL;
			scl_record_set_skip_key(msg, msg_n > 40 ? 40 : msg_n);
			return -EBADMSG;
		}
		r = scl_record_parse_body(msg, msg_n, framing, &rec, ret_reason) < 0 ? -EBADMSG : SCL_LINE_RECORD;
	}
	if (r != SCL_LINE_RECORD)
		return r == SCL_LINE_SUPPRESSED ? SCL_LINE_OTHER : r;
	rec.framing = framing;
	if (host_n > SCL_MAX_HOST) {
		/* as in scl_record_parse_line(): without it, the record would be filed under no host */
		if (ret_reason)
			*ret_reason = SCL_SKIP_HOST_TOO_LONG;
		return -EBADMSG;
	}
	if (host_n > 0) {
		rec.host.p = host;
		rec.host.n = host_n;
		rec.fields |= SCL_F_HOST;
	}
	if (!(rec.fields & SCL_F_TIME) && (audit_serial || realtime_usec)) {
		rec.serial = audit_serial;
		rec.time_sec = realtime_usec / 1000000;
		rec.time_msec = (uint32_t)(realtime_usec / 1000 % 1000);
		rec.fields |= SCL_F_TIME;
	}
	*ret = rec;
	return SCL_LINE_RECORD;
}

/* Value of the first field called name (without "name=") into *v; false if absent. */
static bool entry_field(const scl_journal_field *f, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < n; i++) {
		const char *d = f[i].data;
		if (d && f[i].n > nl && !memcmp(d, name, nl) && d[nl] == '=') {
			*v = d + nl + 1;
			*vn = f[i].n - nl - 1;
			return true;
		}
	}
	return false;
}

static bool is(const char *v, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(v, lit, n);
}

static int entry_skip(const scl_scan_ops *ops, void *ud, scl_skip_reason why, uint64_t index)
{
	return ops && ops->skip ? ops->skip(ud, why, index) : 0;
}

int scl_journal_entry(const scl_journal_field *f, size_t n, uint64_t index, const scl_scan_ops *ops, void *ud)
{
	const char *v, *host = NULL;
	size_t vn, host_n = 0;
	uint64_t serial = 0, srt = 0, rt = 0;
	bool audit = false, kernel = false;
	scl_skip_reason why = SCL_SKIP_NONE;
	scl_record rec;
	int r;

	if (!f)
		n = 0;
	scl_record_set_skip_key(NULL, 0); /* a skip below without a parse names no key */
	if (entry_field(f, n, "_TRANSPORT", &v, &vn)) {
		audit = is(v, vn, "audit");
		kernel = is(v, vn, "kernel");
	}
	if (audit)
		audit = entry_field(f, n, "_AUDIT_TYPE", &v, &vn) && is(v, vn, "1326");
	if (!audit && !kernel)
		return 0;
	if (entry_field(f, n, "_HOSTNAME", &v, &vn)) {
		host = v;
		host_n = vn;
	}
	if (entry_field(f, n, "_AUDIT_ID", &v, &vn))
		(void)scl_parse_u64(v, vn, UINT64_MAX, &serial);
	if (entry_field(f, n, "_SOURCE_REALTIME_TIMESTAMP", &v, &vn))
		(void)scl_parse_u64(v, vn, UINT64_MAX, &srt);
	if (!srt && entry_field(f, n, "__REALTIME_TIMESTAMP", &v, &vn))
		(void)scl_parse_u64(v, vn, UINT64_MAX, &rt);

	if (!entry_field(f, n, "MESSAGE", &v, &vn))
		/* a kernel entry without a readable MESSAGE cannot be told apart from any other */
		return audit ? entry_skip(ops, ud, SCL_SKIP_BAD_JOURNAL, index) : 0;
	if (kernel && !memmem(v, vn, "type=1326", 9))
		return 0;
	if (vn > SCL_MAX_LINE)
		return entry_skip(ops, ud, SCL_SKIP_LINE_TOO_LONG, index);
	r = scl_journal_message(v, vn, host, host_n, serial, srt ? srt : rt, SCL_FRAME_JOURNAL, audit, &rec, &why);
	if (r == SCL_LINE_RECORD)
		return ops && ops->record ? ops->record(ud, &rec, index) : 0;
	if (r < 0)
		return entry_skip(ops, ud, why, index);
	return audit ? entry_skip(ops, ud, SCL_SKIP_BAD_JOURNAL, index) : 0;
}

struct jscan {
	const char *p, *end;
};

static void ws(struct jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

static int hex4(const char *p, unsigned *out)
{
	uint64_t v;

	if (scl_parse_x64(p, 4, 0xffff, &v) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A JSON string at s->p (the opening quote).  Decoded into out[0..cap) if out. */
/* A JSON string into out (cap bytes); -2 when it did not fit, with the whole string read. */
static int jstring(struct jscan *s, char *out, size_t cap, size_t *ret_len)
{
	size_t n = 0;
	bool over = false;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	s->p++;
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p++;
		char tmp[4];
		size_t k = 1;

		if (c == '"') {
			if (ret_len)
				*ret_len = n;
			return over ? -2 : 0;
		}
		if (c < 0x20)
			return -1;
		tmp[0] = (char)c;
		if (c == '\\') {
			if (s->p >= s->end)
				return -1;
			c = (unsigned char)*s->p++;
			switch (c) {
			case '"': case '\\': case '/': tmp[0] = (char)c; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case 'n': tmp[0] = '\n'; break;
			case 'r': tmp[0] = '\r'; break;
			case 't': tmp[0] = '\t'; break;
			case 'u': {
				unsigned cp, lo;
				if (s->end - s->p < 4 || hex4(s->p, &cp) < 0)
					return -1;
				s->p += 4;
				if (cp >= 0xd800 && cp < 0xdc00) {
					if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
					    hex4(s->p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
						return -1;
					s->p += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else if (cp >= 0xdc00 && cp < 0xe000) {
					return -1;
				}
				k = put_utf8(tmp, cp);
				break;
			}
			default:
				return -1;
			}
		}
		if (out && !over) {
			if (n + k > cap)
				over = true; /* the rest is read, not kept */
			else
				memcpy(out + n, tmp, k);
		}
		if (!over)
			n += k;
	}
	return -1;
}

/* Skip a number, literal, or (for binary fields) decode an array of bytes into out. */
static int jvalue(struct jscan *s, char *out, size_t cap, size_t *ret_len, int *is_string)
{
	*is_string = 0;
	ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == '"') {
		*is_string = 1;
		return jstring(s, out, cap, ret_len);
	}
	if (*s->p == '[') {
		/* journalctl: binary data as an array of byte values; several values as strings */
		size_t n = 0;
		int first_string = -1;
		s->p++;
		ws(s);
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			if (ret_len)
				*ret_len = 0;
			return 0;
		}
		for (;;) {
			ws(s);
			if (s->p < s->end && *s->p == '"') {
				size_t l;
				if (jstring(s, first_string == -1 ? out : NULL, cap, &l) < 0)
					return -1;
				if (first_string == -1) {
					first_string = 1;
					n = l;
					*is_string = 1;
				}
			} else {
				const char *q = s->p;
				uint64_t v;
				while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
					s->p++;
				if (scl_parse_u64(q, (size_t)(s->p - q), 255, &v) < 0 || first_string == 1)
					return -1;
				first_string = 0;
				if (out) {
					if (n + 1 > cap)
						return -2;
					out[n] = (char)v;
				}
				n++;
			}
			ws(s);
			if (s->p < s->end && *s->p == ',') {
				s->p++;
				continue;
			}
			if (s->p < s->end && *s->p == ']') {
				s->p++;
				break;
			}
			return -1;
		}
		if (ret_len)
			*ret_len = n;
		*is_string = 1;
		return 0;
	}
	if (*s->p == '{')
		return -1; /* journal entries are flat */
	while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ' ')
		s->p++;
	return 0;
}

int scl_journal_json_line(const char *line, size_t n, scl_record *ret, scl_skip_reason *ret_reason)
{
	struct jscan s = { line, line + n };
	size_t msg_n = 0, host_n = 0;
	bool have_msg = false, audit_1326 = false;
	uint64_t serial = 0, rt = 0, srt = 0;
	char key[64], num[32];
	int r;

	s.p++;
	for (;;) {
		size_t kl, vl = 0;
		int is_str, rc;
		char *out = NULL;
		size_t cap = 0;

		ws(&s);
		if (s.p < s.end && *s.p == '}')
			break;
		rc = jstring(&s, key, sizeof(key) - 1, &kl);
		if (rc == -2) {
			/* a long key: not one we want (read to its end) */
			rc = 0;
			kl = 0;
		}
		if (rc < 0)
			goto bad;
		key[kl] = '\0';
		ws(&s);
		if (s.p >= s.end || *s.p != ':')
			goto bad;
		s.p++;
		if (!strcmp(key, "MESSAGE")) {
			out = msg_buf;
			cap = SCL_MAX_LINE;
		} else if (!strcmp(key, "_HOSTNAME")) {
			out = host_buf;
			cap = SCL_MAX_HOST;
		} else if (!strcmp(key, "_AUDIT_ID") || !strcmp(key, "__REALTIME_TIMESTAMP") ||
			   !strcmp(key, "_SOURCE_REALTIME_TIMESTAMP") || !strcmp(key, "_AUDIT_TYPE")) {
			out = num;
			cap = sizeof(num);
		}
		rc = jvalue(&s, out, cap, &vl, &is_str);
		if (rc == -2 && out == msg_buf) {
			scl_record_set_skip_key(NULL, 0);
			if (ret_reason)
				*ret_reason = SCL_SKIP_LINE_TOO_LONG;
			return memmem(line, n, "SECCOMP", 7) || memmem(line, n, "type=1326", 9) ?
				       -EBADMSG : SCL_LINE_OTHER;
		}
		if (rc < 0 && out != host_buf && out != num)
			goto bad;
		if (rc == 0 && out == msg_buf && is_str) {
			have_msg = true;
			msg_n = vl;
		} else if (rc == 0 && out == host_buf && is_str) {
			host_n = vl;
		} else if (rc == -2 && out == host_buf) {
			host_n = SCL_MAX_HOST + 1; /* scl_journal_message() says which limit */
		} else if (rc == 0 && out == num && is_str) {
			uint64_t v;
			if (scl_parse_u64(num, vl, UINT64_MAX, &v) == 0) {
				if (!strcmp(key, "_AUDIT_TYPE"))
					audit_1326 = v == SCL_AUDIT_SECCOMP;
				else if (key[1] == 'A')
					serial = v;
				else if (key[1] == '_')
					rt = v;
				else
					srt = v;
			}
		}
		ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (s.p < s.end && *s.p == '}')
			break;
		goto bad;
	}
	if (!have_msg && !audit_1326)
		return SCL_LINE_OTHER;
	r = scl_journal_message(msg_buf, msg_n, host_buf, host_n, serial, srt ? srt : rt, SCL_FRAME_JOURNAL_JSON,
				audit_1326, ret, ret_reason);
	return r;
bad:
	scl_record_set_skip_key(s.p, s.end - s.p > 40 ? 40 : (size_t)(s.end - s.p));
	if (memmem(line, n, "SECCOMP", 7) || memmem(line, n, "type=1326", 9)) {
		if (ret_reason)
			*ret_reason = SCL_SKIP_BAD_JOURNAL;
		return -EBADMSG;
	}
	return SCL_LINE_OTHER;
}

/* ---- cursors ---- */

int scl_journal_cursor_pos(const char *cursor, size_t n, scl_journal_pos *ret)
{
	scl_journal_pos pos = { .seqnum_id = "" };
	bool have_s = false, have_i = false, have_t = false;
	const char *p = cursor, *end = cursor + n;

	if (!cursor || n == 0 || n > SCL_MAX_JOURNAL_CURSOR)
		return -EINVAL;
	while (p <= end) {
		const char *semi = memchr(p, ';', (size_t)(end - p)), *item_end = semi ? semi : end;
		const char *eq = memchr(p, '=', (size_t)(item_end - p));
		const char *v;
		size_t kn, vn;

		if (!eq)
			return -EINVAL;
		kn = (size_t)(eq - p);
		v = eq + 1;
		vn = (size_t)(item_end - v);
		if (kn == 0)
			return -EINVAL;
		if (kn != 1)
			; /* not one of ours */
		else if (*p == 's') {
			uint64_t d;
			if (have_s || vn != 32)
				return -EINVAL;
			for (size_t i = 0; i < 32; i++) {
				if (scl_parse_x64(v + i, 1, 15, &d) < 0)
					return -EINVAL;
				pos.seqnum_id[i] = "0123456789abcdef"[d];
			}
			pos.seqnum_id[32] = '\0';
			have_s = true;
		} else if (*p == 'i') {
			if (have_i || scl_parse_x64(v, vn, UINT64_MAX, &pos.seqnum) < 0)
				return -EINVAL;
			have_i = true;
		} else if (*p == 't') {
			if (have_t || scl_parse_x64(v, vn, UINT64_MAX, &pos.realtime) < 0)
				return -EINVAL;
			have_t = true;
		}
		if (!semi)
			break;
		p = semi + 1;
	}
	if (!have_s || !have_i)
		return -EINVAL;
	*ret = pos;
	return 0;
}

bool scl_journal_pos_gap(const scl_journal_pos *a, const scl_journal_pos *b, uint64_t *ret_missing)
{
	if (!a || !b || !a->seqnum_id[0] || strcmp(a->seqnum_id, b->seqnum_id) || b->seqnum <= a->seqnum)
		return false;
	*ret_missing = b->seqnum - a->seqnum - 1;
	return true;
}
