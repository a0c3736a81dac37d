/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scmplog collect --source journal, --journal-dir (collect.h): the journal
 * read a step at a time (scl_journal_follow_step()) on the one live loop
 * (cli-loop.h), sd-journal's inotify fd watched, its timeout a due time; the
 * cursor file, the journal's gaps, its damaged files.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-loop.h"
#include "cli/cli-notify.h"
#include "cli/cli.h"
#include "cli/collect.h"
#include "scmplog/collector.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/output.h"
#include "lib/util.h"

/* A saved cursor: one line.  0 with *ret (NULL when there is no file yet), or -errno. */
static int cursor_load(const char *path, char **ret)
{
	char buf[SCL_MAX_JOURNAL_CURSOR + 2];
	_cleanup_close_ int fd = -1;
	size_t n = 0;
	int r;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*ret = NULL;
			return 0;
		}
		return -errno;
	}
	r = scl_read_small(fd, buf, sizeof(buf), &n);
	if (r < 0)
		return r;
	if (n && buf[n - 1] == '\n')
		n--;
	if (n == 0 || n > SCL_MAX_JOURNAL_CURSOR || memchr(buf, '\n', n) || memchr(buf, '\0', n))
		return -EBADMSG;
	*ret = strndup(buf, n);
	return *ret ? 0 : -ENOMEM;
}

static int cursor_write(FILE *f, void *ud)
{
	fputs(ud, f);
	fputc('\n', f);
	return 0;
}

static int on_journal_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	(void)lineno;
	return collect_on_record(ud, rec);
}

static int on_journal_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	struct collect *C = ud;

	C->malformed++;
	return 0;
}

static int on_journal_idle(void *ud)
{
	struct collect *C = ud;

	/* the files removed before now were checked for a gap (and none was found) */
	C->jremoved[0] = '\0';
	C->jremoved_n = C->jremoved_named = 0;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int on_journal_file(void *ud, scl_journal_file_change what, const char *path, const char *new_path)
{
	struct collect *C = ud;

	if (what == SCL_JOURNAL_FILE_REMOVED) {
		size_t l = strlen(C->jremoved);
		int k = snprintf(C->jremoved + l, sizeof(C->jremoved) - l, "%s'%s'", l ? ", " : "", base_name(path));

		/* names past the buffer are left out, their count is not */
		if (k < 0 || (size_t)k >= sizeof(C->jremoved) - l)
			C->jremoved[l] = '\0';
		else
			C->jremoved_named++;
		C->jremoved_n++;
	}
	if (!cli_verbose)
		return 0;
	if (what == SCL_JOURNAL_FILE_ARCHIVED)
		log_info("journal file '%s' archived as '%s' (rotated)", path, base_name(new_path));
	else
		log_info("journal file '%s' %s", path, what == SCL_JOURNAL_FILE_ADDED ? "added" : "removed");
	return 0;
}

/* A journal time (usec since the epoch) as "2025-01-31 12:34:56.789012 UTC"; "an unknown time" for 0. */
static const char *journal_time(uint64_t usec, char *buf, size_t n)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	char d[32];

	if (!usec || !gmtime_r(&t, &tm) || !strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S", &tm))
		return "an unknown time";
	snprintf(buf, n, "%s.%06llu UTC", d, (unsigned long long)(usec % 1000000));
	return buf;
}

/*
 * Entries the journal lost before they were read: say what is known, count
 * it as lost.  The count is of journal entries of every kind (journald
 * numbers them all in one sequence), so the records among them are up to it.
 */
/*
 * A damaged file in --journal-dir (scl_journal_check_dir()): the follow scan
 * reads through sd-journal's matches, which stop at damage silently, so it
 * is said before; one that makes sd-journal abort would end the collector.
 */
int collect_journal_damaged(void *ud, const scl_journal_damage *d)
{
	char err[128] = "", bad[96] = "";
	uint64_t unreached = d->entries > d->read ? d->entries - d->read : 0;

	(void)ud;
	if (d->error)
		snprintf(err, sizeof(err), " (%s)", strerror(-d->error));
	if (d->aborts) {
		log_error("journal file '%s' is damaged%s: %llu entr%s sd-journal abort (damaged compressed data); "
			  "collecting from it would crash: move it out of the directory ('scmplog build' reads around "
			  "the damage)",
			  d->path, err, (unsigned long long)d->aborts, d->aborts == 1 ? "y makes" : "ies make");
		return -ECANCELED;
	}
	if (d->corrupt)
		snprintf(bad, sizeof(bad), ", %llu had fields sd-journal could not read", (unsigned long long)d->corrupt);
	log_warn("journal file '%s' is damaged%s: %llu of its %llu entries could not be read%s; collect may miss more "
		 "of it ('scmplog build' reads around the damage, 'journalctl --verify --file=%s' tells where)",
		 d->path, err, (unsigned long long)unreached, (unsigned long long)d->entries, bad, d->path);
	return 0;
}

static int on_journal_gap(void *ud, const scl_journal_gap *g)
{
	struct collect *C = ud;
	char what[sizeof(C->jremoved) + 200], more[48] = "", t1[48], t2[48];

	C->jgaps++;
	if (g->known)
		C->jmissing += g->missing;
	else
		C->junknown++;
	if (C->jremoved_n > C->jremoved_named)
		snprintf(more, sizeof(more), " and %zu more", C->jremoved_n - C->jremoved_named);
	if (C->jremoved_named)
		snprintf(what, sizeof(what), "journal file%s %s%s %s removed (vacuumed) before scmplog read %s",
			 C->jremoved_n == 1 ? "" : "s", C->jremoved, more, C->jremoved_n == 1 ? "was" : "were",
			 C->jremoved_n == 1 ? "all of it" : "all of them");
	else if (g->resumed && C->jfirst && C->cursor_file)
		snprintf(what, sizeof(what),
			 "the journal no longer has the entry of the cursor in '%s' nor some after it (vacuumed while "
			 "scmplog was not running?)",
			 C->cursor_file);
	else
		snprintf(what, sizeof(what), "journal entries were removed (vacuumed) before scmplog read them");
	if (g->known)
		log_warn("%s: up to %llu SECCOMP record%s lost, journal entries %llu to %llu "
			 "(after %s, before %s; entries of every kind, so the records among them are fewer or as many): "
			 "the profiles may be incomplete",
			 what, (unsigned long long)g->missing, g->missing == 1 ? "" : "s",
			 (unsigned long long)g->last_pos.seqnum + 1, (unsigned long long)g->next_pos.seqnum - 1,
			 journal_time(g->last_pos.realtime, t1, sizeof(t1)),
			 journal_time(g->next_pos.realtime, t2, sizeof(t2)));
	else
		log_warn("%s: an unknown number of SECCOMP records lost after %s (the journal "
			 "goes on in another sequence, at %s): the profiles may be incomplete",
			 what, journal_time(g->last_pos.realtime, t1, sizeof(t1)),
			 journal_time(g->next_pos.realtime, t2, sizeof(t2)));
	C->jremoved[0] = '\0';
	C->jremoved_n = C->jremoved_named = 0;
	return 0;
}

/* A failed open or step, said: -ENOMEM, or the errno. */
static int journal_error(const struct collect *C, int r)
{
	if (r == -ENOMEM)
		return r;
	if (C->jdir)
		log_error("cannot read journal directory '%s': %s", C->jdir, strerror(-r));
	else
		log_error("cannot read the system journal: %s", strerror(-r));
	return r;
}

/* The profiles, then the cursor: only once the profiles hold every record before it.  As collect_flush(). */
static int journal_flush(struct collect *C, bool final, int64_t now)
{
	_cleanup_free_ char *cursor = NULL;
	int r, w;

	r = final ? collect_flush(C, true) : collect_interval_flush(C, now);
	if (r < 0)
		return r;
	if (r == 0 && C->cursor_file) {
		w = scl_journal_follow_cursor(C->jf, &cursor);
		if (w < 0)
			return w;
		if (cursor) {
			w = scl_write_atomic_path(C->cursor_file, cursor_write, cursor, 0644);
			if (w < 0) {
				log_error("cannot write cursor file '%s': %s", C->cursor_file, strerror(-w));
				C->errors++;
			}
		}
	}
	collect_notify_status(C, collect_journal_lost(C));
	return r;
}

/* sd-journal's inotify fd has something (the loop polled it, and tells no one which fd woke it). */
static bool journal_fd_ready(const struct collect *C)
{
	struct pollfd pf = { C->jfd, POLLIN, 0 };

	return poll(&pf, 1, 0) > 0;
}

/* A step when due (sd-journal's fd or timeout, or MORE: at once), then the interval's write. */
static int journal_round(void *ud, int64_t now)
{
	struct collect *C = ud;
	int r;

	if (C->jstep != SCL_JOURNAL_STEP_IDLE || now >= C->jnext || journal_fd_ready(C)) {
		r = scl_journal_follow_step(C->jf);
		if (r < 0)
			return journal_error(C, r);
		C->jstep = r;
		now = scl_now_ms();
	}
	if (now >= C->next_flush) {
		r = journal_flush(C, false, now);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* At once after MORE; else at sd-journal's timeout (-1: only when its fd says so). */
static int64_t journal_due(void *ud, int64_t now)
{
	struct collect *C = ud;
	int t = scl_journal_follow_timeout(C->jf);

	C->jnext = C->jstep != SCL_JOURNAL_STEP_IDLE || t == 0 ? now : t < 0 ? INT64_MAX : now + t;
	return C->jnext < C->next_flush ? C->jnext : C->next_flush;
}

/*
 * Follow the journal, writing the profiles and then the cursor every
 * interval.  At a signal the entries already written are read first (a
 * collector behind, on a busy machine, would leave them unread and
 * uncounted), to the end, 3 s at most.  Returns the failed writes of the last
 * flush, -ENOMEM, or -1 after logging an error.
 */
static int collect_journal(struct collect *C)
{
	static const scl_scan_ops sops = { .record = on_journal_record, .skip = on_journal_skip };
	static const struct cli_loop_ops ops = { .round = journal_round, .due = journal_due };
	_cleanup_free_ char *cursor = NULL;
	int64_t end;
	int r;

	C->jfiles = scl_journal_files_new();
	if (!C->jfiles)
		return -ENOMEM;
	C->jfirst = true;
	if (C->cursor_file) {
		r = cursor_load(C->cursor_file, &cursor);
		if (r < 0) {
			log_error("cannot read cursor file '%s': %s", C->cursor_file, strerror(-r));
			return -1;
		}
		if (cursor && cli_verbose)
			log_info("resuming after the cursor in '%s'", C->cursor_file);
	}
	{
		scl_journal_opts jo = {
			.cursor = cursor,
			/* the system journal is followed from now on; a directory (copied logs) from its start */
			.tail = !C->jdir,
			.follow = true,
			.idle = on_journal_idle,
			.files = C->jfiles,
			.file_changed = on_journal_file,
			.gap = on_journal_gap,
		};

		r = scl_journal_follow_open(NULL, 0, C->jdir, &sops, C, &jo, &C->jf);
	}
	C->jfirst = false;
	if (r >= 0)
		r = C->jfd = scl_journal_follow_fd(C->jf);
	if (r < 0)
		return journal_error(C, r) == -ENOMEM ? -ENOMEM : -1;
	C->jstep = SCL_JOURNAL_STEP_MORE; /* the first step at once */
	cli_loop_init(&C->loop, NULL, C->sig_fd, &ops, C);
	C->loop.watchdog_ms = C->watchdog_ms;
	(void)cli_loop_watch(&C->loop, &C->jfd);
	C->next_flush = scl_now_ms() + C->interval_ms;
	collect_notify_status(C, 0);
	r = cli_loop_run(&C->loop);
	if (r < 0)
		return r == -ENOMEM ? r : -1;
	/* the entries written before the signal, to the end: 3 s at most */
	end = scl_now_ms() + 3000;
	do {
		r = scl_journal_follow_step(C->jf);
		if (r < 0)
			return journal_error(C, r) == -ENOMEM ? -ENOMEM : -1;
	} while (r == SCL_JOURNAL_STEP_MORE && scl_now_ms() < end);
	return journal_flush(C, true, scl_now_ms());
}

/* The journal: ready, follow, summary.  The exit status, -ENOMEM, or -1 after an error was logged. */
int collect_journal_run(struct collect *C, const char *journal_dir)
{
	scl_collector_stats cs;
	scl_live_stats st = { 0 };
	int r;

	if (!cli_quiet)
		log_warn("journald rate-limits the audit stream and drops records under load (it kept 656 "
			 "of ~10,000 in a burst on one machine): the profiles may be incomplete");
	if (cli_verbose)
		log_info("collecting from %s into '%s', writing every %llu s",
			 journal_dir ? "a journal directory" : "the system journal", C->dir,
			 (unsigned long long)(C->interval_ms / 1000));
	C->jdir = journal_dir;
	r = collect_finish(C, collect_journal(C),
			   journal_dir ? "from the journal directory" : "from the system journal", &st);
	if (r >= 0 && !cli_quiet) {
		scl_collector_stats_get(C->col, &cs);
		if (cs.duplicates && cli_verbose)
			log_info("%llu journal copies of records already read were skipped",
				 (unsigned long long)cs.duplicates);
	}
	return r;
}

