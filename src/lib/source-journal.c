/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal source: with source-journal-damage.c (a file read whole,
 * around damage), the only files that talk to sd-journal.  Field data
 * comes back as (pointer, length) "KEY=value" without a NUL, valid only until
 * the next sd_journal_get_data() on the same journal: MESSAGE is fetched last
 * and handed on in place, everything else is copied first.  What an entry's
 * fields make is decided by scl_journal_entry() (journal-text.c), which needs
 * no sd-journal.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "internal.h"
#include "lib/source-journal-internal.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "util.h"

#define WAIT_USEC_DEFAULT 1000000
/* entries looked at after a gap for the first one in the same sequence */
#define PROBE_MAX 1024

static const unsigned char journal_magic[8] = { 'L', 'P', 'K', 'S', 'H', 'H', 'R', 'H' };

bool scl_journal_file_magic(const unsigned char *buf, size_t n)
{
	return n >= sizeof(journal_magic) && memcmp(buf, journal_magic, sizeof(journal_magic)) == 0;
}

void scl_jsrc_journal_closep(sd_journal **j)
{
	if (*j)
		sd_journal_close(*j);
}

/* The fields scl_journal_entry() reads besides MESSAGE and the realtime. */
static const char *const small_fields[] = {
	"_TRANSPORT", "_AUDIT_TYPE", "_HOSTNAME", "_AUDIT_ID", "_SOURCE_REALTIME_TIMESTAMP",
};
/*
 * Longest of them worth copying: a longer one cannot be valid (a transport
 * name, a number, a host name over SCL_MAX_HOST), so it is left out.
 */
#define SMALL_FIELD_MAX (sizeof("_SOURCE_REALTIME_TIMESTAMP=") - 1 + SCL_MAX_HOST)

/* sd_journal_get_data()'s answer for a field that is there or not: anything else is damage. */
static bool field_ok(int r)
{
	return r >= 0 || r == -ENOENT;
}

/* "KEY=value" (n bytes) is key=want */
static bool field_is(const char *f, size_t n, const char *key, const char *want)
{
	size_t k = strlen(key), w = strlen(want);

	return n == k + 1 + w && !memcmp(f, key, k) && f[k] == '=' && !memcmp(f + k + 1, want, w);
}

/*
 * The current entry: its fields, then scl_journal_entry() on them, with
 * ++*index.  filter: the entry was not matched by sd-journal; one that
 * scl_jsrc_add_matches() would not have matched is left alone (0, index not
 * counted).  damage (a file read whole): damage is told.  A field sd-journal cannot
 * read (an error: -EBADMSG and the like) leaves the entry unread: 1 (ops not
 * called), *ret_error that -errno.  A bad data object is skipped by
 * sd-journal without an error (systemd 252: "Entry item %u data object is
 * bad, skipping over it", at debug level): an audit entry without one of
 * the fields journald always gives it is read as it is (MESSAGE holds the
 * record) and 2 returned.
 */
int scl_jsrc_entry(sd_journal *j, bool filter, bool damage, uint64_t *index, const scl_scan_ops *ops, void *ud,
		 int *ret_error)
{
	char small[ELEMENTSOF(small_fields)][SMALL_FIELD_MAX];
	char realtime[sizeof("__REALTIME_TIMESTAMP=") + 20];
	scl_journal_field f[ELEMENTSOF(small_fields) + 2];
	bool kernel = false, audit = false, seccomp = false, id = false, srt = false, msg = false;
	size_t n = 0, l;
	const void *d;
	uint64_t rt;
	int r;

	/* copied: the next sd_journal_get_data() may reuse the memory it returned */
	for (size_t i = 0; i < ELEMENTSOF(small_fields); i++) {
		r = sd_journal_get_data(j, small_fields[i], &d, &l);
		if (!field_ok(r) && damage) {
			*ret_error = r;
			return 1;
		}
		if (r < 0 || l > sizeof(small[i]))
			continue;
		memcpy(small[i], d, l);
		kernel = kernel || field_is(small[i], l, "_TRANSPORT", "kernel");
		audit = audit || field_is(small[i], l, "_TRANSPORT", "audit");
		seccomp = seccomp || field_is(small[i], l, "_AUDIT_TYPE", "1326");
		id = id || !strcmp(small_fields[i], "_AUDIT_ID");
		srt = srt || !strcmp(small_fields[i], "_SOURCE_REALTIME_TIMESTAMP");
		f[n++] = (scl_journal_field){ small[i], l };
	}
	if (filter && !kernel && !(audit && seccomp))
		return 0;
	r = sd_journal_get_realtime_usec(j, &rt);
	if (r < 0 && damage) {
		*ret_error = r;
		return 1;
	}
	if (r >= 0) {
		int k = snprintf(realtime, sizeof(realtime), "__REALTIME_TIMESTAMP=%" PRIu64, rt);
		if (k > 0 && (size_t)k < sizeof(realtime))
			f[n++] = (scl_journal_field){ realtime, (size_t)k };
	}
	/* last, and handed on in place (up to SCL_MAX_LINE + 1 bytes: not copied) */
	r = sd_journal_get_data(j, "MESSAGE", &d, &l);
	if (!field_ok(r) && damage) {
		*ret_error = r;
		return 1;
	}
	if (r >= 0) {
		f[n++] = (scl_journal_field){ d, l };
		msg = true;
	}
	r = scl_journal_entry(f, n, ++*index, ops, ud);
	if (r < 0)
		return r;
	return damage && audit && seccomp && (!id || !srt || !msg) ? 2 : 0;
}

/* (_TRANSPORT=kernel) OR (_TRANSPORT=audit AND _AUDIT_TYPE=1326) */
int scl_jsrc_add_matches(sd_journal *j)
{
	int r;

	if ((r = sd_journal_add_match(j, "_TRANSPORT=kernel", 0)) < 0 || (r = sd_journal_add_disjunction(j)) < 0 ||
	    (r = sd_journal_add_match(j, "_TRANSPORT=audit", 0)) < 0 ||
	    (r = sd_journal_add_match(j, "_AUDIT_TYPE=1326", 0)) < 0)
		return r;
	return 0;
}

/* all: every journal of the source, user journals too (their entries share journald's sequence) */
static int source_open(const struct source *src, bool all, sd_journal **ret)
{
	if (src->paths)
		return sd_journal_open_files(ret, src->paths, 0);
	if (src->dir)
		return sd_journal_open_directory(ret, src->dir, 0);
	return sd_journal_open(ret, SD_JOURNAL_LOCAL_ONLY | (all ? 0 : SD_JOURNAL_SYSTEM));
}

/* ---- gaps ---- */

static void pos_of(const char *cursor, scl_journal_pos *ret)
{
	if (!cursor || scl_journal_cursor_pos(cursor, strlen(cursor), ret) < 0)
		memset(ret, 0, sizeof(*ret));
}

/*
 * The first entry of any kind after the one of cursor (at pos), in every
 * journal of the source: the first in pos's sequence among the next
 * PROBE_MAX, else the first one.  1 with *ret_next (malloc'd) and its
 * position, 0 if there is none, or -errno.  *ret_here: cursor's entry is
 * still there.
 */
static int probe_after(const struct source *src, const char *cursor, const scl_journal_pos *pos, bool *ret_here,
		       char **ret_next, scl_journal_pos *ret_next_pos)
{
	_cleanup_journal_ sd_journal *j = NULL;
	_cleanup_free_ char *first = NULL;
	scl_journal_pos first_pos = { .seqnum_id = "" };
	int r;

	r = source_open(src, true, &j);
	if (r < 0)
		return r;
	r = sd_journal_seek_cursor(j, cursor);
	if (r < 0)
		return r;
	for (int k = 0; k < PROBE_MAX; k++) {
		scl_journal_pos p;
		char *c = NULL;

		r = sd_journal_next(j);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		r = sd_journal_test_cursor(j, cursor);
		if (r < 0)
			return r;
		if (r > 0) {
			*ret_here = true;
			continue;
		}
		r = sd_journal_get_cursor(j, &c);
		if (r < 0)
			return r;
		pos_of(c, &p);
		if (pos->seqnum_id[0] && !strcmp(p.seqnum_id, pos->seqnum_id)) {
			if (p.seqnum <= pos->seqnum) {
				/* its own entry, with other fields (another boot id in a crafted cursor) */
				free(c);
				continue;
			}
			*ret_next = c;
			*ret_next_pos = p;
			return 1;
		}
		if (!first) {
			first = c;
			first_pos = p;
		} else {
			free(c);
		}
	}
	if (!first)
		return 0;
	*ret_next = TAKE_PTR(first);
	*ret_next_pos = first_pos;
	return 1;
}

/*
 * Look for entries gone after *last's (see opts->gap).  A gap told moves
 * *last to its end, so that it is told once (by a later check, or a scan
 * resuming from the cursor returned): to a cursor of the last entry
 * missing, "s=ID;i=N-1;t=T-1" (N, T: the first entry there is after it), which
 * sd-journal seeks by sequence number and which names no entry, so that the
 * first one after it is still read; for a gap into another sequence, to
 * that first entry (which is then not read if the scan stops before it).
 * A journal that cannot be opened again for it gives no verdict: only
 * -ENOMEM and the callback's return.
 */
static int check_gap(const struct source *src, char **last, bool resumed, const scl_journal_opts *o, void *ud)
{
	scl_journal_gap g = { .last = *last, .resumed = resumed };
	_cleanup_free_ char *next = NULL;
	bool here = false;
	int r;

	if (!o->gap || !*last)
		return 0;
	pos_of(*last, &g.last_pos);
	r = probe_after(src, *last, &g.last_pos, &here, &next, &g.next_pos);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	if (r == 0)
		return 0; /* nothing after it (yet): nothing to tell */
	g.next = next;
	g.known = scl_journal_pos_gap(&g.last_pos, &g.next_pos, &g.missing);
	if (g.known ? g.missing == 0 : here)
		return 0;
	r = o->gap(ud, &g);
	if (r < 0)
		return r;
	if (g.known) {
		char end[sizeof("s=;i=;t=") + 32 + 2 * 16];

		if (g.next_pos.realtime)
			snprintf(end, sizeof(end), "s=%s;i=%" PRIx64 ";t=%" PRIx64, g.next_pos.seqnum_id,
				 g.next_pos.seqnum - 1, g.next_pos.realtime - 1);
		else
			snprintf(end, sizeof(end), "s=%s;i=%" PRIx64, g.next_pos.seqnum_id, g.next_pos.seqnum - 1);
		free(next);
		next = strdup(end);
		if (!next)
			return -ENOMEM;
	}
	free(*last);
	*last = TAKE_PTR(next);
	return 0;
}

bool scl_jsrc_stopped(const scl_journal_opts *o)
{
	return o->stop && *o->stop;
}

/* A copy of the current entry's cursor in *last; only -ENOMEM (the old one kept otherwise). */
int scl_jsrc_save_cursor(sd_journal *j, char **last)
{
	char *c = NULL;
	int r = sd_journal_get_cursor(j, &c);

	if (r < 0)
		return r == -ENOMEM ? r : 0;
	free(*last);
	*last = c;
	return 0;
}

/* ---- the follow: one step at a time, and the scans on top of it ---- */

/* entries read in one step at most, so that a caller's loop gets its turn while the journal is far behind */
#define STEP_MAX 4096

struct scl_journal_follow {
	sd_journal *j;
	struct source src;  /* its strings: */
	char **paths;       /* NULL-terminated copy, or NULL */
	const char **view;  /* the same, for sd-journal */
	char *dir;
	scl_journal_opts o; /* cursor: NULL after the open */
	scl_scan_ops ops;
	void *ud;
	/* last: the cursor of the last entry read (or o->cursor); unsaved: a newer one was read since */
	char *last;
	bool unsaved;
	bool pending;       /* the entry after o->cursor's is current, not read yet */
	bool more;          /* the last step stopped at STEP_MAX */
	bool ended;         /* the last step returned SCL_JOURNAL_STEP_END */
	uint64_t index;
};

void scl_journal_follow_close(scl_journal_follow *f)
{
	if (!f)
		return;
	if (f->j)
		sd_journal_close(f->j);
	if (f->paths)
		for (size_t i = 0; f->paths[i]; i++)
			free(f->paths[i]);
	free(f->paths);
	free(f->view);
	free(f->dir);
	free(f->last);
	free(f);
}

static void follow_closep(scl_journal_follow **f)
{
	scl_journal_follow_close(*f);
}
#define _cleanup_follow_ _cleanup_(follow_closep)

/* The source's strings copied into f (the caller's may go after the open). */
static int follow_source(scl_journal_follow *f, const char *const *paths, size_t n, const char *dir)
{
	if (n) {
		if (!paths || dir || n > SIZE_MAX / sizeof(*f->paths) - 1)
			return -EINVAL;
		f->paths = calloc(n + 1, sizeof(*f->paths));
		f->view = calloc(n + 1, sizeof(*f->view));
		if (!f->paths || !f->view)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			if (!paths[i])
				return -EINVAL;
			f->paths[i] = strdup(paths[i]);
			if (!f->paths[i])
				return -ENOMEM;
			f->view[i] = f->paths[i];
		}
		f->src.paths = f->view;
	} else if (dir) {
		f->dir = strdup(dir);
		if (!f->dir)
			return -ENOMEM;
		f->src.dir = f->dir;
	} else if (paths) {
		return -EINVAL;
	}
	return 0;
}

int scl_journal_follow_open(const char *const *paths, size_t n, const char *dir, const scl_scan_ops *ops,
			    void *ud, const scl_journal_opts *opts, scl_journal_follow **ret)
{
	_cleanup_follow_ scl_journal_follow *f = NULL;
	const scl_journal_opts *o;
	bool removed = false;
	int r;

	if (!ret)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (opts)
		f->o = *opts;
	if (ops)
		f->ops = *ops;
	f->ud = ud;
	o = &f->o;
	if (o->cursor && (strnlen(o->cursor, SCL_MAX_JOURNAL_CURSOR + 1) > SCL_MAX_JOURNAL_CURSOR || !o->cursor[0]))
		return -EINVAL;
	r = follow_source(f, paths, n, dir);
	if (r < 0)
		return r;
	r = source_open(&f->src, false, &f->j);
	if (r < 0)
		return r;
	r = scl_jsrc_add_matches(f->j);
	if (r < 0)
		return r;
	/* big enough to tell an over-long MESSAGE from one at the limit, small enough to bound memory */
	r = sd_journal_set_data_threshold(f->j, sizeof("MESSAGE=") - 1 + SCL_MAX_LINE + 1);
	if (r < 0)
		return r;
	/* watched before the files are listed: a change after the listing is seen by a step */
	if (o->follow) {
		r = sd_journal_get_fd(f->j);
		if (r < 0)
			return r;
	}
	if (o->files) {
		r = scl_jsrc_files_update(&f->src, o, ud, &removed);
		if (r < 0)
			return r;
	}

	if (o->cursor) {
		bool positioned = false;

		r = sd_journal_seek_cursor(f->j, o->cursor);
		if (r < 0)
			return r;
		/* lands on the cursor's entry, or the first after it if that one is gone */
		r = sd_journal_next(f->j);
		if (r < 0)
			return r;
		if (r > 0) {
			r = sd_journal_test_cursor(f->j, o->cursor);
			if (r < 0)
				return r;
			positioned = r > 0;
			f->pending = r == 0;
		}
		f->last = strdup(o->cursor);
		if (!f->last)
			return -ENOMEM;
		if (!positioned || removed) {
			r = check_gap(&f->src, &f->last, true, o, ud);
			if (r < 0)
				return r;
		}
	} else if (o->tail) {
		r = sd_journal_seek_tail(f->j);
		if (r < 0)
			return r;
		r = sd_journal_previous(f->j);
		if (r < 0)
			return r;
		f->unsaved = r > 0;
	} else {
		r = sd_journal_seek_head(f->j);
		if (r < 0)
			return r;
	}
	f->o.cursor = NULL; /* the caller's, read */
	*ret = TAKE_PTR(f);
	return 0;
}

int scl_journal_follow_fd(scl_journal_follow *f)
{
	if (!f)
		return -EINVAL;
	return sd_journal_get_fd(f->j);
}

int scl_journal_follow_timeout(scl_journal_follow *f)
{
	uint64_t t;
	struct timespec ts;
	uint64_t now;

	if (!f || f->more || f->ended || !f->o.follow)
		return 0;
	if (sd_journal_get_timeout(f->j, &t) < 0)
		return WAIT_USEC_DEFAULT / 1000;
	if (t == UINT64_MAX)
		return -1;
	/* sd-journal's time is CLOCK_MONOTONIC usec */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return WAIT_USEC_DEFAULT / 1000;
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	if (t <= now)
		return 0;
	t = (t - now + 999) / 1000;
	return t > INT_MAX ? INT_MAX : (int)t;
}

int scl_journal_follow_step(scl_journal_follow *f)
{
	const scl_journal_opts *o;
	int r;

	if (!f)
		return -EINVAL;
	o = &f->o;
	if (f->ended || scl_jsrc_stopped(o)) {
		f->ended = true;
		return SCL_JOURNAL_STEP_END;
	}
	if (o->follow) {
		/*
		 * Kept before sd-journal hears of changes: a file removed
		 * meanwhile takes the current entry with it (no cursor then), and
		 * a gap is measured from here.
		 */
		if (f->unsaved) {
			r = scl_jsrc_save_cursor(f->j, &f->last);
			if (r < 0)
				return r;
			f->unsaved = false;
		}
		/* what inotify said, never waiting for it (sd-journal's inotify fd is non-blocking) */
		r = sd_journal_process(f->j);
		if (r < 0)
			return r;
		if (r == SD_JOURNAL_INVALIDATE) {
			/* files came or went: a rotation (nothing lost), or a vacuum */
			bool removed = true;

			if (o->files) {
				r = scl_jsrc_files_update(&f->src, o, f->ud, &removed);
				if (r < 0)
					return r;
			}
			if (removed) {
				r = check_gap(&f->src, &f->last, false, o, f->ud);
				if (r < 0)
					return r;
			}
		}
	}
	f->more = false;
	for (size_t k = 0;; k++) {
		int bad;

		if (scl_jsrc_stopped(o)) {
			f->ended = true;
			return SCL_JOURNAL_STEP_END;
		}
		if (k == STEP_MAX) {
			f->more = true;
			return SCL_JOURNAL_STEP_MORE;
		}
		if (f->pending) {
			f->pending = false;
			r = 1;
		} else {
			r = sd_journal_next(f->j);
		}
		if (r < 0)
			return r;
		if (r == 0)
			break;
		f->unsaved = true;
		r = scl_jsrc_entry(f->j, false, false, &f->index, &f->ops, f->ud, &bad);
		if (r < 0)
			return r;
	}
	if (!o->follow) {
		f->ended = true;
		return SCL_JOURNAL_STEP_END;
	}
	if (o->idle && (r = o->idle(f->ud)) < 0)
		return r;
	if (scl_jsrc_stopped(o)) {
		f->ended = true;
		return SCL_JOURNAL_STEP_END;
	}
	if (f->unsaved) {
		r = scl_jsrc_save_cursor(f->j, &f->last);
		if (r < 0)
			return r;
		f->unsaved = false;
	}
	return SCL_JOURNAL_STEP_IDLE;
}

int scl_journal_follow_cursor(scl_journal_follow *f, char **ret)
{
	char *c = NULL;
	int r;

	if (!f || !ret)
		return -EINVAL;
	if (f->unsaved) {
		r = sd_journal_get_cursor(f->j, &c);
		if (r == -ENOMEM)
			return r;
		/*
		 * The entry's file is gone: sd-journal dropped it at damage
		 * (-EADDRNOTAVAIL: a collector stopped then failed), or it was
		 * removed.  The last cursor saved, as scl_jsrc_save_cursor() keeps it.
		 */
		if (r < 0)
			c = NULL;
	}
	if (!c && f->last) {
		c = strdup(f->last);
		if (!c)
			return -ENOMEM;
	}
	*ret = c;
	return 0;
}

/* Until the fd says something or wait_usec passed (or sd-journal's own timeout, if sooner); -errno. */
static int follow_wait(scl_journal_follow *f, uint64_t wait_usec)
{
	struct pollfd p = { .events = POLLIN };
	int ms = (int)((wait_usec + 999) / 1000), t;

	p.fd = scl_journal_follow_fd(f);
	if (p.fd < 0)
		return p.fd;
	t = scl_journal_follow_timeout(f);
	if (t >= 0 && t < ms)
		ms = t;
	if (poll(&p, 1, ms) < 0)
		return -errno;
	return 0;
}

/* A scan: the steps above, waiting in between. */
static int scan(const char *const *paths, size_t n, const char *dir, const scl_journal_opts *o,
		const scl_scan_ops *ops, void *ud, char **ret_cursor)
{
	_cleanup_follow_ scl_journal_follow *f = NULL;
	int r;

	r = scl_journal_follow_open(paths, n, dir, ops, ud, o, &f);
	if (r < 0)
		return r;
	for (;;) {
		r = scl_journal_follow_step(f);
		if (r < 0)
			return r;
		if (r == SCL_JOURNAL_STEP_END)
			break;
		if (r == SCL_JOURNAL_STEP_MORE)
			continue;
		r = follow_wait(f, f->o.wait_usec ? f->o.wait_usec : WAIT_USEC_DEFAULT);
		/* a signal ends the wait: the next step checks o->stop */
		if (r < 0 && r != -EINTR)
			return r;
	}
	return ret_cursor ? scl_journal_follow_cursor(f, ret_cursor) : 0;
}

int scl_journal_scan_files(const char *const *paths, size_t n, const scl_scan_ops *ops, void *ud,
			   const scl_journal_opts *opts, char **ret_cursor)
{
	if (n == 0 || !paths)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!paths[i])
			return -EINVAL;
	if (n == 1 && (!opts || (!opts->cursor && !opts->tail && !opts->follow)))
		return scl_jsrc_scan_whole_file(paths[0], opts, ops, ud, ret_cursor);
	return scan(paths, n, NULL, opts, ops, ud, ret_cursor);
}

int scl_journal_scan_dir(const char *dir, const scl_scan_ops *ops, void *ud, const scl_journal_opts *opts,
			 char **ret_cursor)
{
	if (!dir)
		return -EINVAL;
	return scan(NULL, 0, dir, opts, ops, ud, ret_cursor);
}

int scl_journal_scan_system(const scl_scan_ops *ops, void *ud, const scl_journal_opts *opts, char **ret_cursor)
{
	return scan(NULL, 0, NULL, opts, ops, ud, ret_cursor);
}
