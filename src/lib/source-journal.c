/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal source: the only file that talks to sd-journal.  Field data
 * comes back as (pointer, length) "KEY=value" without a NUL, valid only until
 * the next sd_journal_get_data() on the same journal: MESSAGE is fetched last
 * and handed on in place, everything else is copied first.  What an entry's
 * fields make is decided by scl_journal_entry() (journal-text.c), which needs
 * no sd-journal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-journal.h>

#include "internal.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
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

/* The fields scl_journal_entry() reads besides MESSAGE and the realtime. */
static const char *const small_fields[] = {
	"_TRANSPORT", "_AUDIT_TYPE", "_HOSTNAME", "_AUDIT_ID", "_SOURCE_REALTIME_TIMESTAMP",
};
/*
 * Longest of them worth copying: a longer one cannot be valid (a transport
 * name, a number, a host name over SCL_MAX_HOST), so it is left out.
 */
#define SMALL_FIELD_MAX (sizeof("_SOURCE_REALTIME_TIMESTAMP=") - 1 + SCL_MAX_HOST)

/* One matched entry: its fields, then scl_journal_entry() on them. */
static int entry(sd_journal *j, uint64_t index, const scl_scan_ops *ops, void *ud)
{
	char small[ELEMENTSOF(small_fields)][SMALL_FIELD_MAX];
	char realtime[sizeof("__REALTIME_TIMESTAMP=") + 20];
	scl_journal_field f[ELEMENTSOF(small_fields) + 2];
	size_t n = 0, l;
	const void *d;
	uint64_t rt;

	/* copied: the next sd_journal_get_data() may reuse the memory it returned */
	for (size_t i = 0; i < ELEMENTSOF(small_fields); i++) {
		if (sd_journal_get_data(j, small_fields[i], &d, &l) < 0 || l > sizeof(small[i]))
			continue;
		memcpy(small[i], d, l);
		f[n++] = (scl_journal_field){ small[i], l };
	}
	if (sd_journal_get_realtime_usec(j, &rt) >= 0) {
		int k = snprintf(realtime, sizeof(realtime), "__REALTIME_TIMESTAMP=%" PRIu64, rt);
		if (k > 0 && (size_t)k < sizeof(realtime))
			f[n++] = (scl_journal_field){ realtime, (size_t)k };
	}
	/* last, and handed on in place (up to SCL_MAX_LINE + 1 bytes: not copied) */
	if (sd_journal_get_data(j, "MESSAGE", &d, &l) >= 0)
		f[n++] = (scl_journal_field){ d, l };
	return scl_journal_entry(f, n, index, ops, ud);
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
