/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal source: the only file that talks to sd-journal.  Field data
 * comes back as (pointer, length) "KEY=value" without a NUL, valid only until
 * the next sd_journal_get_data() on the same journal: MESSAGE is fetched last
 * and handed on in place, everything else is copied or parsed first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-journal.h>

#include "internal.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "util.h"

#define WAIT_USEC_DEFAULT 1000000

static const unsigned char journal_magic[8] = { 'L', 'P', 'K', 'S', 'H', 'H', 'R', 'H' };

bool scl_journal_file_magic(const unsigned char *buf, size_t n)
{
	return n >= sizeof(journal_magic) && memcmp(buf, journal_magic, sizeof(journal_magic)) == 0;
}

static void journal_closep(sd_journal **j)
{
	if (*j)
		sd_journal_close(*j);
}
#define _cleanup_journal_ _cleanup_(journal_closep)

/* Value of field (without "FIELD=") into *v; -ENOENT if absent. */
static int field(sd_journal *j, const char *name, const char **v, size_t *vn)
{
	const void *d;
	size_t l, nl = strlen(name);
	int r = sd_journal_get_data(j, name, &d, &l);

	if (r < 0)
		return r;
	/* sd-journal matched the name already; check rather than trust a pointer offset */
	if (l < nl + 1 || memcmp(d, name, nl) || ((const char *)d)[nl] != '=')
		return -EBADMSG;
	*v = (const char *)d + nl + 1;
	*vn = l - nl - 1;
	return 0;
}

static bool is(const char *v, size_t n, const char *lit)
{
	return n == strlen(lit) && !memcmp(v, lit, n);
}

static int skip(const scl_scan_ops *ops, void *ud, scl_skip_reason why, uint64_t index)
{
	return ops->skip ? ops->skip(ud, why, index) : 0;
}

/* One matched entry. */
static int entry(sd_journal *j, uint64_t index, const scl_scan_ops *ops, void *ud)
{
	char host[SCL_MAX_HOST];
	size_t host_n = 0, vn;
	const char *v;
	uint64_t serial = 0, srt = 0, rt = 0;
	bool audit = false, kernel = false;
	scl_skip_reason why = SCL_SKIP_NONE;
	scl_record rec;
	int r;

	r = field(j, "_TRANSPORT", &v, &vn);
	if (r == 0) {
		audit = is(v, vn, "audit");
		kernel = is(v, vn, "kernel");
	}
	if (audit) {
		r = field(j, "_AUDIT_TYPE", &v, &vn);
		audit = r == 0 && is(v, vn, "1326");
	}
	if (!audit && !kernel)
		return 0;
	if (field(j, "_HOSTNAME", &v, &vn) == 0 && vn <= sizeof(host)) {
		memcpy(host, v, vn);
		host_n = vn;
	}
	if (field(j, "_AUDIT_ID", &v, &vn) == 0)
		(void)scl_parse_u64(v, vn, UINT64_MAX, &serial);
	if (field(j, "_SOURCE_REALTIME_TIMESTAMP", &v, &vn) == 0)
		(void)scl_parse_u64(v, vn, UINT64_MAX, &srt);
	if (!srt && sd_journal_get_realtime_usec(j, &rt) < 0)
		rt = 0;

	r = field(j, "MESSAGE", &v, &vn);
	if (r < 0)
		/* a kernel entry without a readable MESSAGE cannot be told apart from any other */
		return audit ? skip(ops, ud, SCL_SKIP_BAD_JOURNAL, index) : 0;
	if (kernel && !memmem(v, vn, "type=1326", 9))
		return 0;
	if (vn > SCL_MAX_LINE)
		return skip(ops, ud, SCL_SKIP_TOO_LONG, index);
	r = scl_journal_message(v, vn, host, host_n, serial, srt ? srt : rt, SCL_FRAME_JOURNAL, &rec, &why);
	if (r == SCL_LINE_RECORD)
		return ops->record ? ops->record(ud, &rec, index) : 0;
	if (r < 0)
		return skip(ops, ud, why, index);
	return audit ? skip(ops, ud, SCL_SKIP_BAD_JOURNAL, index) : 0;
}

/* (_TRANSPORT=kernel) OR (_TRANSPORT=audit AND _AUDIT_TYPE=1326) */
static int add_matches(sd_journal *j)
{
	int r;

	if ((r = sd_journal_add_match(j, "_TRANSPORT=kernel", 0)) < 0 || (r = sd_journal_add_disjunction(j)) < 0 ||
	    (r = sd_journal_add_match(j, "_TRANSPORT=audit", 0)) < 0 ||
	    (r = sd_journal_add_match(j, "_AUDIT_TYPE=1326", 0)) < 0)
		return r;
	return 0;
}

static bool stopped(const scl_journal_opts *o)
{
	return o->stop && *o->stop;
}

static int scan(sd_journal *j, const scl_journal_opts *o, const scl_scan_ops *ops, void *ud, char **ret_cursor)
{
	static const scl_journal_opts none = { 0 };
	static const scl_scan_ops no_ops = { 0 };
	bool positioned = false, pending = false;
	uint64_t index = 0;
	int r;

	if (!o)
		o = &none;
	if (!ops)
		ops = &no_ops;
	r = add_matches(j);
	if (r < 0)
		return r;
	/* big enough to tell an over-long MESSAGE from one at the limit, small enough to bound memory */
	r = sd_journal_set_data_threshold(j, sizeof("MESSAGE=") - 1 + SCL_MAX_LINE + 1);
	if (r < 0)
		return r;

	if (o->cursor) {
		if (strnlen(o->cursor, SCL_MAX_JOURNAL_CURSOR + 1) > SCL_MAX_JOURNAL_CURSOR || !o->cursor[0])
			return -EINVAL;
		r = sd_journal_seek_cursor(j, o->cursor);
		if (r < 0)
			return r;
		/* lands on the cursor's entry, or the first after it if that one is gone */
		r = sd_journal_next(j);
		if (r < 0)
			return r;
		if (r > 0) {
			r = sd_journal_test_cursor(j, o->cursor);
			if (r < 0)
				return r;
			positioned = r > 0;
			pending = r == 0;
		}
	} else if (o->tail) {
		r = sd_journal_seek_tail(j);
		if (r < 0)
			return r;
		r = sd_journal_previous(j);
		if (r < 0)
			return r;
		positioned = r > 0;
	} else {
		r = sd_journal_seek_head(j);
		if (r < 0)
			return r;
	}

	while (!stopped(o)) {
		if (pending) {
			pending = false;
			r = 1;
		} else {
			r = sd_journal_next(j);
		}
		if (r < 0)
			return r;
		if (r > 0) {
			positioned = true;
			r = entry(j, ++index, ops, ud);
			if (r < 0)
				return r;
			continue;
		}
		if (!o->follow)
			break;
		if (o->idle && (r = o->idle(ud)) < 0)
			return r;
		if (stopped(o))
			break;
		r = sd_journal_wait(j, o->wait_usec ? o->wait_usec : WAIT_USEC_DEFAULT);
		if (r < 0 && r != -EINTR)
			return r;
	}

	if (ret_cursor) {
		char *c = NULL;
		if (positioned) {
			r = sd_journal_get_cursor(j, &c);
			if (r < 0)
				return r;
		} else if (o->cursor) {
			c = strdup(o->cursor);
			if (!c)
				return -ENOMEM;
		}
		*ret_cursor = c;
	}
	return 0;
}

int scl_journal_scan_files(const char *const *paths, size_t n, const scl_scan_ops *ops, void *ud,
			   const scl_journal_opts *opts, char **ret_cursor)
{
	_cleanup_journal_ sd_journal *j = NULL;
	_cleanup_free_ const char **v = NULL;
	int r;

	if (n == 0 || !paths || n > SIZE_MAX / sizeof(*v) - 1)
		return -EINVAL;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!paths[i])
			return -EINVAL;
		v[i] = paths[i];
	}
	r = sd_journal_open_files(&j, v, 0);
	if (r < 0)
		return r;
	return scan(j, opts, ops, ud, ret_cursor);
}

int scl_journal_scan_dir(const char *dir, const scl_scan_ops *ops, void *ud, const scl_journal_opts *opts,
			 char **ret_cursor)
{
	_cleanup_journal_ sd_journal *j = NULL;
	int r;

	if (!dir)
		return -EINVAL;
	r = sd_journal_open_directory(&j, dir, 0);
	if (r < 0)
		return r;
	return scan(j, opts, ops, ud, ret_cursor);
}

int scl_journal_scan_system(const scl_scan_ops *ops, void *ud, const scl_journal_opts *opts, char **ret_cursor)
{
	_cleanup_journal_ sd_journal *j = NULL;
	int r;

	r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (r < 0)
		return r;
	return scan(j, opts, ops, ud, ret_cursor);
}
