/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/source.h"
#include "util.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/*
 * journalctl -o export: entries of "KEY=value" lines ended by an empty line;
 * a field whose value is binary is "KEY\n" + little-endian u64 size + bytes +
 * "\n" (systemd's JOURNAL_EXPORT_FORMATS.md).  We keep only what a record
 * needs.
 */
struct export_entry {
	bool active;
	bool has_msg;
	bool bad;
	uint64_t lineno;
	char *msg;
	size_t msg_n;
	char host[SCL_MAX_HOST + 1];
	size_t host_n;
	uint64_t serial, rt, srt;
	bool audit_1326;
};

static int do_skip(const scl_scan_ops *ops, void *ud, scl_skip_reason why, uint64_t ln, const char *p, size_t n)
{
	scl_slice line = { p, n };

	if (ops->skip_line)
		return ops->skip_line(ud, why, ln, line);
	return ops->skip ? ops->skip(ud, why, ln) : 0;
}

static bool is_field_name(const char *p, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

/* Does this line start a journal export entry? */
static bool export_start(const char *p, size_t n)
{
	return STARTSWITH(p, n, "__CURSOR=") || STARTSWITH(p, n, "__REALTIME_TIMESTAMP=");
}

static void entry_field(struct export_entry *e, const char *k, size_t kn, const char *v, size_t vn)
{
	uint64_t x;

#define K(lit) (kn == sizeof(lit) - 1 && !memcmp(k, lit, kn))
	if (K("MESSAGE")) {
		if (vn > SCL_MAX_LINE) {
			e->bad = true;
			return;
		}
		memcpy(e->msg, v, vn);
		e->msg_n = vn;
		e->has_msg = true;
	} else if (K("_HOSTNAME")) {
		if (vn <= SCL_MAX_HOST) {
			memcpy(e->host, v, vn);
			e->host_n = vn;
		}
	} else if (K("_AUDIT_TYPE")) {
		e->audit_1326 = vn == 4 && !memcmp(v, "1326", 4);
	} else if (K("_AUDIT_ID")) {
		if (scl_parse_u64(v, vn, UINT64_MAX, &x) == 0)
			e->serial = x;
	} else if (K("__REALTIME_TIMESTAMP")) {
		if (scl_parse_u64(v, vn, UINT64_MAX, &x) == 0)
			e->rt = x;
	} else if (K("_SOURCE_REALTIME_TIMESTAMP")) {
		if (scl_parse_u64(v, vn, UINT64_MAX, &x) == 0)
			e->srt = x;
	}
#undef K
}

static int entry_finish(struct export_entry *e, const scl_scan_ops *ops, void *ud)
{
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	int r = 0;

	e->active = false;
	if (e->bad) {
		bool seccomp = e->has_msg && (memmem(e->msg, e->msg_n, "SECCOMP", 7) ||
					      memmem(e->msg, e->msg_n, "type=1326", 9));
		if (seccomp) {
			scl_record_set_skip_key(NULL, 0);
			r = do_skip(ops, ud, SCL_SKIP_BAD_JOURNAL, e->lineno, e->msg, e->has_msg ? MIN(e->msg_n, 4096) : 0);
		}
		return r;
	}
	if (!e->has_msg && !e->audit_1326)
		return 0;
	r = scl_journal_message(e->msg, e->msg_n, e->host, e->host_n, e->serial, e->srt ? e->srt : e->rt,
				SCL_FRAME_JOURNAL_EXPORT, e->audit_1326, &rec, &why);
	if (r == SCL_LINE_RECORD)
		return ops->record ? ops->record(ud, &rec, e->lineno) : 0;
	if (r < 0)
		return do_skip(ops, ud, why, e->lineno, e->msg, e->msg_n);
	return 0;
}

static void entry_reset(struct export_entry *e, uint64_t lineno)
{
	e->active = true;
	e->has_msg = e->bad = e->audit_1326 = false;
	e->lineno = lineno;
	e->msg_n = e->host_n = 0;
	e->serial = e->rt = e->srt = 0;
}

/* A line is a binary field's name: its size and data follow (export format). */
#define SCAN_BINARY 1

/*
 * One line of any form: an export entry's field (SCAN_BINARY when the field
 * is binary: the caller reads its size and bytes, then calls entry_field()),
 * the empty line that ends an entry, or a line of its own.  Returns 0,
 * SCAN_BINARY, -ENOMEM or a callback's negative return.
 */
static inline int scan_line(struct export_entry *e, const char *p, size_t n, bool too_long, uint64_t ln,
			    const scl_scan_ops *ops, void *ud)
{
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	uint64_t supp = 0;
	int rc;

	if (!e->active && n > 0 && p[0] == '_' && export_start(p, n)) {
		if (!e->msg && !(e->msg = malloc(SCL_MAX_LINE)))
			return -ENOMEM;
		entry_reset(e, ln);
	}
	if (e->active) {
		const char *eq;
		if (n == 0)
			return (rc = entry_finish(e, ops, ud)) < 0 ? rc : 0;
		if (too_long) {
			e->bad = true;
			return 0;
		}
		eq = memchr(p, '=', n);
		if (eq && is_field_name(p, (size_t)(eq - p))) {
			if (STARTSWITH(p, n, "MESSAGE="))
				e->lineno = ln;
			entry_field(e, p, (size_t)(eq - p), eq + 1, n - (size_t)(eq - p) - 1);
			return 0;
		}
		if (!eq && is_field_name(p, n))
			return SCAN_BINARY;
		/* not export syntax after all: close the entry, read the line normally */
		if ((rc = entry_finish(e, ops, ud)) < 0)
			return rc;
	}
	if (too_long) {
		/* over SCL_MAX_LINE: a record if its first part says so */
		if (memmem(p, n, "type=1326", 9) || memmem(p, n, "type=SECCOMP", 12) || memmem(p, n, ": SECCOMP ", 10)) {
			scl_record_set_skip_key(NULL, 0);
			if ((rc = do_skip(ops, ud, SCL_SKIP_LINE_TOO_LONG, ln, p, MIN(n, 4096))) < 0)
				return rc;
		}
		return 0;
	}
	rc = scl_record_parse_line(p, n, &rec, &why, &supp);
	if (rc == SCL_LINE_RECORD) {
		if (ops->record && (rc = ops->record(ud, &rec, ln)) < 0)
			return rc;
	} else if (rc == SCL_LINE_SUPPRESSED) {
		if (ops->suppressed && (rc = ops->suppressed(ud, supp, ln)) < 0)
			return rc;
	} else if (rc < 0) {
		if ((rc = do_skip(ops, ud, why, ln, p, n)) < 0)
			return rc;
	}
	return 0;
}

/* A binary field's 8 size bytes (little-endian). */
static uint64_t binary_size(const char *p)
{
	uint64_t len = 0;

	for (int i = 7; i >= 0; i--)
		len = len << 8 | (unsigned char)p[i];
	return len;
}

static void entry_free(struct export_entry *e)
{
	free(e->msg);
}

int scl_scan(scl_reader *r, const scl_scan_ops *ops, void *ud)
{
	_cleanup_(entry_free) struct export_entry e = { 0 };
	scl_slice line;
	bool too_long;
	int rc;

	while ((rc = scl_reader_line(r, &line, &too_long)) > 0) {
		char name[65];
		scl_slice sz, data, nl;
		uint64_t len;
		size_t nn;

		rc = scan_line(&e, line.p, line.n, too_long, scl_reader_lineno(r), ops, ud);
		if (rc < 0)
			return rc;
		if (rc != SCAN_BINARY)
			continue;
		/* binary field: u64le size, data, '\n' */
		memcpy(name, line.p, line.n);
		nn = line.n;
		if (scl_reader_take(r, 8, &sz) < 0) {
			e.bad = true;
			break;
		}
		len = binary_size(sz.p);
		if (len > SCL_MAX_JOURNAL_ENTRY) {
			e.bad = true;
			break; /* cannot resynchronise inside a huge binary field */
		}
		if (scl_reader_take(r, (size_t)len, &data) < 0 || scl_reader_take(r, 1, &nl) < 0 || nl.p[0] != '\n') {
			e.bad = true;
			break;
		}
		entry_field(&e, name, nn, data.p, data.n);
	}
	if (e.active) {
		int rc2 = entry_finish(&e, ops, ud);
		if (rc2 < 0)
			return rc2;
	}
	return rc < 0 ? rc : 0;
}

/* ---- the same, fed as bytes come (a followed file) ---- */

enum feed_state { FEED_LINE, FEED_SIZE, FEED_DATA, FEED_NL };

struct scl_scanner {
	struct export_entry e;
	enum feed_state state;
	char *line;            /* a line in progress, SCL_MAX_LINE bytes */
	size_t n;
	bool overlong;         /* the line went over SCL_MAX_LINE: the rest is dropped */
	uint64_t lineno;
	/* a binary field of an export entry */
	char name[65];
	size_t name_n;
	char size[8];
	size_t size_n;
	uint64_t len, got;
	char *data;            /* its first SCL_MAX_LINE + 1 bytes: more is as bad as that for what we read */
};

int scl_scanner_new(scl_scanner **ret)
{
	scl_scanner *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->line = malloc(SCL_MAX_LINE);
	if (!s->line) {
		free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}

void scl_scanner_free(scl_scanner *s)
{
	if (!s)
		return;
	entry_free(&s->e);
	free(s->line);
	free(s->data);
	free(s);
}

uint64_t scl_scanner_lineno(const scl_scanner *s)
{
	return s->lineno;
}

/* A whole line (cut at SCL_MAX_LINE when too_long): switches to a binary field when it names one. */
static int feed_line(scl_scanner *s, const char *p, size_t n, bool too_long, const scl_scan_ops *ops, void *ud)
{
	int rc = scan_line(&s->e, p, n, too_long, ++s->lineno, ops, ud);

	if (rc != SCAN_BINARY)
		return rc;
	memcpy(s->name, p, n);
	s->name_n = n;
	s->size_n = 0;
	s->state = FEED_SIZE;
	return 0;
}

/* The binary field is cut short or malformed: the entry is bad, and what follows is read as lines. */
static int feed_bad_field(scl_scanner *s, const scl_scan_ops *ops, void *ud)
{
	int rc;

	s->state = FEED_LINE;
	s->e.bad = true;
	rc = entry_finish(&s->e, ops, ud);
	return rc < 0 ? rc : 0;
}

int scl_scanner_feed(scl_scanner *s, const char *p, size_t n, const scl_scan_ops *ops, void *ud)
{
	const char *end = p + n;
	int rc;

	while (p < end) {
		size_t k, left = (size_t)(end - p);
		const char *nl;

		switch (s->state) {
		case FEED_LINE:
			nl = memchr(p, '\n', left);
			k = (size_t)((nl ? nl : end) - p);
			if (s->overlong) {
				/* the rest of a line over the limit, handed on when it began */
			} else if (s->n + k > SCL_MAX_LINE) {
				size_t keep = SCL_MAX_LINE - s->n;

				memcpy(s->line + s->n, p, keep);
				s->n = 0;
				s->overlong = true;
				if ((rc = feed_line(s, s->line, SCL_MAX_LINE, true, ops, ud)) < 0)
					return rc;
			} else if (nl && !s->n) {
				/* a whole line in the chunk: no copy */
				if ((rc = feed_line(s, p, k, false, ops, ud)) < 0)
					return rc;
			} else {
				memcpy(s->line + s->n, p, k);
				s->n += k;
				if (nl) {
					size_t m = s->n;

					s->n = 0;
					if ((rc = feed_line(s, s->line, m, false, ops, ud)) < 0)
						return rc;
				}
			}
			if (nl)
				s->overlong = false;
			p += k + (nl != NULL);
			break;
		case FEED_SIZE:
			k = MIN(left, sizeof(s->size) - s->size_n);
			memcpy(s->size + s->size_n, p, k);
			s->size_n += k;
			p += k;
			if (s->size_n < sizeof(s->size))
				break;
			s->len = binary_size(s->size);
			s->got = 0;
			if (s->len > SCL_MAX_JOURNAL_ENTRY) {
				/* cannot resynchronise inside a huge binary field: go on with lines */
				if ((rc = feed_bad_field(s, ops, ud)) < 0)
					return rc;
				break;
			}
			if (!s->data && !(s->data = malloc(SCL_MAX_LINE + 1)))
				return -ENOMEM;
			s->state = s->len ? FEED_DATA : FEED_NL;
			break;
		case FEED_DATA:
			k = (size_t)MIN((uint64_t)left, s->len - s->got);
			if (s->got < SCL_MAX_LINE + 1)
				memcpy(s->data + s->got, p, (size_t)MIN((uint64_t)k, SCL_MAX_LINE + 1 - s->got));
			s->got += k;
			p += k;
			if (s->got == s->len)
				s->state = FEED_NL;
			break;
		case FEED_NL:
			if (*p != '\n') {
				/* not where a field ends: the byte begins the next line */
				if ((rc = feed_bad_field(s, ops, ud)) < 0)
					return rc;
				break;
			}
			p++;
			s->state = FEED_LINE;
			entry_field(&s->e, s->name, s->name_n, s->data, (size_t)MIN(s->len, (uint64_t)SCL_MAX_LINE + 1));
			break;
		}
	}
	return 0;
}

int scl_scanner_end(scl_scanner *s, const scl_scan_ops *ops, void *ud)
{
	int rc = 0;

	if (s->state == FEED_LINE && s->n && !s->overlong) {
		size_t m = s->n;

		s->n = 0;
		rc = feed_line(s, s->line, m, false, ops, ud);
	}
	if (s->state != FEED_LINE)
		s->e.bad = true; /* a binary field cut short */
	if (rc >= 0 && s->e.active)
		rc = entry_finish(&s->e, ops, ud);
	scl_scanner_reset(s);
	return rc < 0 ? rc : 0;
}

void scl_scanner_reset(scl_scanner *s)
{
	s->state = FEED_LINE;
	s->n = 0;
	s->overlong = false;
	s->e.active = false;
}
