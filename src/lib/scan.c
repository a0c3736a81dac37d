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

int scl_scan(scl_reader *r, const scl_scan_ops *ops, void *ud)
{
	struct export_entry e = { 0 };
	_cleanup_free_ char *msg = NULL;
	scl_slice line;
	bool too_long;
	int rc;

	while ((rc = scl_reader_line(r, &line, &too_long)) > 0) {
		uint64_t ln = scl_reader_lineno(r);
		scl_record rec;
		scl_skip_reason why = SCL_SKIP_NONE;
		uint64_t supp = 0;

		if (!e.active && line.n > 0 && line.p[0] == '_' && export_start(line.p, line.n)) {
			if (!msg) {
				msg = malloc(SCL_MAX_LINE);
				if (!msg)
					return -ENOMEM;
				e.msg = msg;
			}
			entry_reset(&e, ln);
		}
		if (e.active) {
			const char *eq;
			if (line.n == 0) {
				rc = entry_finish(&e, ops, ud);
				if (rc < 0)
					return rc;
				continue;
			}
			if (too_long) {
				e.bad = true;
				continue;
			}
			eq = memchr(line.p, '=', line.n);
			if (eq && is_field_name(line.p, (size_t)(eq - line.p))) {
				if (STARTSWITH(line.p, line.n, "MESSAGE="))
					e.lineno = ln;
				entry_field(&e, line.p, (size_t)(eq - line.p), eq + 1, line.n - (size_t)(eq - line.p) - 1);
				continue;
			}
			if (!eq && is_field_name(line.p, line.n)) {
				/* binary field: u64le size, data, '\n' */
				char name[65];
				scl_slice sz, data, nl;
				uint64_t len = 0;
				memcpy(name, line.p, line.n);
				size_t nn = line.n;
				if (scl_reader_take(r, 8, &sz) < 0) {
					e.bad = true;
					break;
				}
				for (int i = 7; i >= 0; i--)
					len = len << 8 | (unsigned char)sz.p[i];
				if (len > SCL_MAX_JOURNAL_ENTRY) {
					e.bad = true;
					break; /* cannot resynchronise inside a huge binary field */
				}
				if (scl_reader_take(r, (size_t)len, &data) < 0 || scl_reader_take(r, 1, &nl) < 0 ||
				    nl.p[0] != '\n') {
					e.bad = true;
					break;
				}
				entry_field(&e, name, nn, data.p, data.n);
				continue;
			}
			/* not export syntax after all: close the entry, read the line normally */
			rc = entry_finish(&e, ops, ud);
			if (rc < 0)
				return rc;
		}

		if (too_long) {
			/* over SCL_MAX_LINE: a record if its first part says so */
			if (memmem(line.p, line.n, "type=1326", 9) || memmem(line.p, line.n, "type=SECCOMP", 12) ||
			    memmem(line.p, line.n, ": SECCOMP ", 10)) {
				scl_record_set_skip_key(NULL, 0);
				if ((rc = do_skip(ops, ud, SCL_SKIP_LINE_TOO_LONG, ln, line.p, MIN(line.n, 4096))) < 0)
					return rc;
			}
			continue;
		}
		rc = scl_record_parse_line(line.p, line.n, &rec, &why, &supp);
		if (rc == SCL_LINE_RECORD) {
			if (ops->record && (rc = ops->record(ud, &rec, ln)) < 0)
				return rc;
		} else if (rc == SCL_LINE_SUPPRESSED) {
			if (ops->suppressed && (rc = ops->suppressed(ud, supp, ln)) < 0)
				return rc;
		} else if (rc < 0) {
			if ((rc = do_skip(ops, ud, why, ln, line.p, line.n)) < 0)
				return rc;
		}
	}
	if (e.active) {
		int rc2 = entry_finish(&e, ops, ud);
		if (rc2 < 0)
			return rc2;
	}
	return rc < 0 ? rc : 0;
}
