/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scmplog collect's sources other than the audit socket (collect.h): the
 * journal (sd-journal scans stopped for each write, the cursor file, gaps),
 * text log files followed like tail -F through the scanner, and auditd's
 * plugin input on standard input.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-learn.h"
#include "cli/cli-notify.h"
#include "cli/cli-options.h"
#include "cli/cli-outdir.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/collect.h"
#include "cli/self-confine.h"
#include "scmplog/collector.h"
#include "scmplog/container.h"
#include "scmplog/journal.h"
#include "scmplog/learn.h"
#include "scmplog/limits.h"
#include "scmplog/notify.h"
#include "scmplog/num.h"
#include "scmplog/outdir.h"
#include "scmplog/output.h"
#include "scmplog/proc-connector.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "scmplog/stream.h"
#include "scmplog/sysset.h"
#include "lib/util.h"

/* ---- the journal as the source ---- */

/* A saved cursor: one line.  0 with *ret (NULL when there is no file yet), or -errno. */
static int cursor_load(const char *path, char **ret)
{
	char buf[SCL_MAX_JOURNAL_CURSOR + 2];
	_cleanup_close_ int fd = -1;
	size_t n = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*ret = NULL;
			return 0;
		}
		return -errno;
	}
	for (;;) {
		ssize_t k = read(fd, buf + n, sizeof(buf) - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n == sizeof(buf))
			return -E2BIG;
	}
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

static void check_signals(struct collect *C)
{
	struct signalfd_siginfo si;

	while (read(C->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD) {
			C->terminate = true;
			C->scan_stop = 1;
		}
}

/* The scan stops (and returns its cursor) when it is time to write, or on a signal. */
static int on_journal_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct collect *C = ud;
	int r = collect_on_record(C, rec);

	if (r < 0)
		return r;
	int64_t now = now_ms();

	if ((C->calls & 1023) == 0)
		check_signals(C);
	collect_watchdog_kick(C, now);
	if (now >= C->next_flush)
		C->scan_stop = 1;
	return 0;
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
	int64_t now = now_ms();

	/* the files removed before now were checked for a gap (and none was found) */
	C->jremoved[0] = '\0';
	C->jremoved_n = C->jremoved_named = 0;

	check_signals(C);
	collect_watchdog_kick(C, now);
	if (now >= C->next_flush)
		C->scan_stop = 1;
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

/*
 * Follow the journal, writing the profiles and then the cursor every
 * interval: a scan is stopped for each write, as only a finished scan tells
 * its cursor, and started again after it.  Returns the failed writes of the
 * last flush, -ENOMEM, or -1 after logging an error.
 */
int collect_journal(struct collect *C, const char *jdir, const char *cursor_file, uint64_t interval)
{
	static const scl_scan_ops ops = { .record = on_journal_record, .skip = on_journal_skip };
	_cleanup_free_ char *cursor = NULL;
	int r;

	C->jfiles = scl_journal_files_new();
	if (!C->jfiles)
		return -ENOMEM;
	C->cursor_file = cursor_file;
	C->jfirst = true;
	if (cursor_file) {
		r = cursor_load(cursor_file, &cursor);
		if (r < 0) {
			log_error("cannot read cursor file '%s': %s", cursor_file, strerror(-r));
			return -1;
		}
		if (cursor && cli_verbose)
			log_info("resuming after the cursor in '%s'", cursor_file);
	}
	for (bool last = false;;) {
		scl_journal_opts jo = {
			.cursor = cursor,
			/* the system journal is followed from now on; a directory (copied logs) from its start */
			.tail = !jdir,
			.follow = !last,
			.wait_usec = 200000,
			.stop = &C->scan_stop,
			.idle = on_journal_idle,
			.files = C->jfiles,
			.file_changed = on_journal_file,
			.gap = on_journal_gap,
		};
		char *next = NULL;

		C->scan_stop = 0;
		C->next_flush = now_ms() + (last ? 3000 : (int64_t)interval * 1000);
		r = jdir ? scl_journal_scan_dir(jdir, &ops, C, &jo, &next) : scl_journal_scan_system(&ops, C, &jo, &next);
		C->jfirst = false;
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (jdir)
				log_error("cannot read journal directory '%s': %s", jdir, strerror(-r));
			else
				log_error("cannot read the system journal: %s", strerror(-r));
			return -1;
		}
		if (next) {
			free(cursor);
			cursor = next;
		}
		if (C->terminate && !last) {
			/*
			 * A signal stops the scan where it is: a collector behind (a busy
			 * machine) would leave the entries already written unread, and
			 * uncounted.  Those are read first, to the end (3 s at most).
			 */
			last = true;
			continue;
		}
		r = collect_flush(C, C->terminate);
		if (r < 0)
			return r;
		/* only once the profiles hold every record before it */
		if (r == 0 && cursor_file && cursor) {
			int w = scl_write_atomic_path(cursor_file, cursor_write, cursor, 0644);
			if (w < 0) {
				log_error("cannot write cursor file '%s': %s", cursor_file, strerror(-w));
				C->errors++;
			}
		}
		collect_notify_status(C, collect_journal_lost(C));
		if (C->terminate)
			return r;
		collect_watchdog_kick(C, now_ms());
	}
}

/* ---- text log files, followed like tail -F ---- */

struct follow_ud {
	struct collect *C;
	struct follow *f;
};

static int follow_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct collect *C = ((struct follow_ud *)ud)->C;
	int r;

	(void)lineno;
	/* journald's two copies of a record are dropped as build drops them (scl_collector_record()) */
	r = collect_on_record(C, rec);
	return r == -ENOMEM ? r : 0;
}

static int follow_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	(void)why;
	(void)lineno;
	((struct follow_ud *)ud)->C->malformed++;
	return 0;
}

static int follow_suppressed(void *ud, uint64_t count, uint64_t lineno)
{
	struct follow *f = ((struct follow_ud *)ud)->f;

	(void)lineno;
	f->suppressed = scl_sat_add(f->suppressed, count);
	return 0;
}

static const scl_scan_ops follow_ops = {
	.record = follow_record,
	.skip = follow_skip,
	.suppressed = follow_suppressed,
};

/* Records printk dropped, as the followed files said. */
uint64_t collect_follow_suppressed(const struct follow *fs, size_t n)
{
	uint64_t t = 0;

	for (size_t i = 0; i < n; i++)
		t = scl_sat_add(t, fs[i].suppressed);
	return t;
}

/* Read what was appended and scan it; a partial line or entry waits in the scanner. */
static int follow_read(struct collect *C, struct follow *f)
{
	struct follow_ud ud = { C, f };
	char chunk[65536];

	for (;;) {
		ssize_t k = read(f->fd, chunk, sizeof(chunk));
		int r;

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			return 0;
		f->off += k;
		r = scl_scanner_feed(f->scan, chunk, (size_t)k, &follow_ops, &ud);
		if (r < 0)
			return r;
		if (C->oom)
			return -ENOMEM;
	}
}

/* The end of a file's content (rotated away): its last line without a newline, an entry not closed. */
static int follow_end(struct collect *C, struct follow *f)
{
	struct follow_ud ud = { C, f };

	return scl_scanner_end(f->scan, &follow_ops, &ud);
}

/* Open f->path; at_end: skip what it holds now. */
static int follow_open(struct follow *f, bool at_end)
{
	struct stat st;
	int fd, r;

	if (!f->scan && (r = scl_scanner_new(&f->scan)) < 0)
		return r;
	fd = open(f->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->off = 0;
	scl_scanner_reset(f->scan);
	if (at_end) {
		off_t o = lseek(fd, 0, SEEK_END);
		if (o > 0)
			f->off = o;
	}
	return 0;
}

/*
 * One round over a file: read what was appended, then look for rotation (the
 * path names another file: the old one was read to its end above, the new
 * one is read from its start) or truncation (read again from the start).
 */
static int follow_poll(struct collect *C, struct follow *f)
{
	struct stat st;
	int r;

	if (f->fd < 0) {
		r = follow_open(f, false);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		if (cli_verbose)
			log_info("following '%s'", f->path);
	}
	r = follow_read(C, f);
	if (r < 0)
		return r;
	if (stat(f->path, &st) < 0)
		return errno == ENOENT ? 0 : -errno; /* moved away, not replaced yet */
	if (st.st_dev != f->dev || st.st_ino != f->ino) {
		/* what was written to the old file after the read above, and a last line without its newline */
		r = follow_read(C, f);
		if (r == 0)
			r = follow_end(C, f);
		if (r < 0)
			return r;
		close(f->fd);
		f->fd = -1;
		if (cli_verbose)
			log_info("'%s' was rotated, reopening it", f->path);
		r = follow_open(f, false);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
		return follow_read(C, f);
	}
	if (fstat(f->fd, &st) == 0 && st.st_size < f->off) {
		if (cli_verbose)
			log_info("'%s' was truncated, reading it from its start", f->path);
		if (lseek(f->fd, 0, SEEK_SET) < 0)
			return -errno;
		f->off = 0;
		scl_scanner_reset(f->scan);
		return follow_read(C, f);
	}
	return 0;
}

/* Follow the files until a signal, writing every interval.  Returns as collect_journal(). */
int collect_files(struct collect *C, struct follow *fs, size_t n, bool from_start, uint64_t interval)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		r = follow_open(&fs[i], !from_start);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT) {
			if (!cli_quiet)
				log_warn("cannot open log file '%s': %s, waiting for it", fs[i].path, strerror(-r));
			continue;
		}
		if (r < 0) {
			log_error("cannot open log file '%s': %s", fs[i].path, strerror(-r));
			return -1;
		}
	}
	C->next_flush = now_ms() + (int64_t)interval * 1000;
	for (;;) {
		check_signals(C);
		for (size_t i = 0; i < n; i++) {
			r = follow_poll(C, &fs[i]);
			if (r == -ENOMEM)
				return r;
			if (r < 0) {
				log_error("cannot read log file '%s': %s", fs[i].path, strerror(-r));
				return -1;
			}
		}
		if (C->terminate || now_ms() >= C->next_flush) {
			r = collect_flush(C, C->terminate);
			if (r < 0 || C->terminate)
				return r;
			collect_notify_status(C, collect_follow_suppressed(fs, n));
			C->next_flush = now_ms() + (int64_t)interval * 1000;
		}
		collect_watchdog_kick(C, now_ms());
		/* regular files are always readable to poll(): look again in a while */
		(void)poll(NULL, 0, 200);
	}
}

/* ---- an auditd plugin: what auditd passes on standard input ---- */

/*
 * One collector per DIR: auditd starts a plugin again while the one before
 * may still be writing its profiles (a restart of auditd: SIGTERM and the end
 * of its input, then a new auditd and a new plugin), and the new one must
 * resume from what that one wrote.  Waits up to 30 s.
 */
int collect_audisp_lock(struct collect *C)
{
	for (int i = 0; i < 300; i++) {
		if (flock(collect_dfd(C), LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		if (i == 0 && cli_verbose)
			log_info("waiting for the collector that writes to '%s' to exit", C->dir);
		(void)poll(NULL, 0, 100);
	}
	log_error("cannot lock output directory '%s': %s", C->dir,
		  errno == EWOULDBLOCK ? "another collector writes to it" : strerror(errno));
	return -1;
}

/*
 * Records missing for an interval are said as they are found, in syslog where
 * auditd says its queue to the plugins overflowed (a hole younger than that
 * may still be a record arriving late, out of serial order).
 */
static void audisp_say_loss(const scl_live_stats *st, uint64_t *prev, uint64_t *said)
{
	uint64_t settled = st->serial_gaps < *prev ? st->serial_gaps : *prev;

	if (settled > *said) {
		log_warn("lost: %llu record%s never reached this plugin (serial gaps; %llu in all): auditd's queue to its "
			 "plugins overflowed (q_depth, overflow_action in auditd.conf) or the kernel dropped them: the "
			 "profiles may be incomplete",
			 (unsigned long long)(settled - *said), settled - *said == 1 ? "" : "s",
			 (unsigned long long)settled);
		*said = settled;
	}
	*prev = st->serial_gaps;
}

/*
 * Read standard input until its end (auditd stopped or dropped the plugin),
 * or 3 s after SIGTERM, SIGINT or SIGQUIT (auditd sends SIGTERM before it
 * closes the socket: what it passed is read first); SIGHUP (auditd
 * reconfigured) writes the profiles.  Returns as collect_journal().
 */
static int collect_audisp(struct collect *C, scl_stream *in, uint64_t interval)
{
	scl_live_ops ops = { .record = collect_on_record };
	uint64_t prev = 0, said = 0;
	int64_t deadline = 0;
	scl_live_stats st;
	int r;

	C->next_flush = now_ms() + (int64_t)interval * 1000;
	for (;;) {
		struct pollfd pf[3] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ C->sig_fd, POLLIN, 0 },
			{ C->conn ? scl_proc_conn_fd(C->conn) : -1, POLLIN, 0 },
		};
		struct signalfd_siginfo si;
		int64_t now = now_ms(), timeout = C->next_flush - now;
		bool hup = false, ended;

		if (scl_collector_next_due(C->col) && scl_collector_next_due(C->col) - now < timeout)
			timeout = scl_collector_next_due(C->col) - now;
		if (C->watchdog_ms && C->next_watchdog - now < timeout)
			timeout = C->next_watchdog - now;
		if (deadline && deadline - now < timeout)
			timeout = deadline - now;
		if (timeout < 0)
			timeout = 0;
		if (poll(pf, 3, (int)timeout) < 0 && errno != EINTR) {
			log_error("poll: %m");
			return -1;
		}
		scl_collector_set_time(C->col, now_ms());
		/* process events first: a record's fork event was queued before the record */
		collect_drain_proc_events(C);
		if (C->oom)
			return -ENOMEM;
		scl_collector_new_batch(C->col);
		r = scl_stream_dispatch(in, &ops, C);
		if (r == -ENOMEM)
			return r;
		if (r == -EPROTO) {
			log_error("standard input is not auditd's string format: set 'format = string' in the plugin's "
				  "configuration (/etc/audit/plugins.d/scmplog.conf)");
			return -1;
		}
		if (r < 0) {
			log_error("cannot read standard input: %s", strerror(-r));
			return -1;
		}
		ended = r == 1;
		while (read(C->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGHUP)
				hup = true;
			else if (si.ssi_signo != SIGCHLD && !deadline)
				deadline = now_ms() + 3000;
		}
		now = now_ms();
		if (ended || (deadline && now >= deadline)) {
			if (cli_verbose)
				log_info(ended ? "end of the input (auditd stopped), writing the profiles"
					       : "stopped by a signal before the end of the input, writing the profiles");
			break;
		}
		if (hup || now >= C->next_flush) {
			r = collect_flush(C, false);
			if (r == -ENOMEM)
				return r;
			collect_forget_idle(C, now);
			/* not the kernel's lost counter: AUDIT_GET would wait while auditd is behind */
			scl_stream_stats(in, false, &st);
			audisp_say_loss(&st, &prev, &said);
			collect_notify_status(C, scl_live_stats_lost(&st));
			C->next_flush = now + (int64_t)interval * 1000;
		}
		if (scl_collector_next_due(C->col) && now >= scl_collector_next_due(C->col)) {
			r = collect_write_gone(C, now);
			if (r == -ENOMEM)
				return r;
		}
		collect_watchdog_kick(C, now);
	}
	return collect_flush(C, true);
}

/* Set up, confine, collect, report: the exit status, or -ENOMEM, or -1 after an error was logged. */
int collect_audisp_run(struct collect *C, enum cli_confine_mode confine, uint64_t interval)
{
	scl_stream *in = NULL;
	scl_live_stats st;
	int r;

	r = cli_log_syslog_open();
	if (r < 0 && cli_verbose)
		log_info("no syslog to write to (/dev/log: %s): messages go to standard error only", strerror(-r));
	/* the kernel's lost counter: AUDIT_GET needs CAP_AUDIT_CONTROL, kept for it */
	r = scl_stream_new(STDIN_FILENO, true, &in);
	if (r < 0)
		return r;
	/* standard input is open already: nothing to keep but reading /proc and DIR */
	if (cli_confine(confine, "collect",
			CLI_CAP(CAP_DAC_READ_SEARCH) | CLI_CAP(CAP_AUDIT_CONTROL) | (C->conn ? CLI_CAP(CAP_NET_ADMIN) : 0),
			collect_dfd(C)) < 0) {
		scl_stream_free(in);
		return -1;
	}
	if (cli_verbose)
		log_info("collecting the records auditd passes on standard input into '%s', writing every %llu s", C->dir,
			 (unsigned long long)interval);
	(void)cli_notify("READY=1");
	collect_notify_status(C, 0);
	r = collect_audisp(C, in, interval);
	if (r < 0) {
		scl_stream_free(in);
		return r;
	}
	(void)cli_notify("STOPPING=1");
	scl_stream_stats(in, true, &st);
	if (!cli_quiet)
		collect_summary(C, "from auditd", &st);
	if (st.serial_gaps)
		log_warn("lost: %llu record%s never reached this plugin (serial gaps): auditd drops what its queue to the "
			 "plugins cannot take (q_depth, overflow_action in auditd.conf; it logs 'queue to plugins is "
			 "full - dropping event'), or the kernel dropped them",
			 (unsigned long long)st.serial_gaps, st.serial_gaps == 1 ? "" : "s");
	if (scl_stream_untracked(in))
		log_warn("%llu records of nodes past SCL_MAX_STREAM_NODES (%d): their serials were not counted, loss "
			 "among them unknown",
			 (unsigned long long)scl_stream_untracked(in), SCL_MAX_STREAM_NODES);
	scl_stream_free(in);
	return r > 0 || C->errors ? EXIT_RUNTIME : EXIT_OK;
}

/* --follow-file: ready, follow, summary.  The exit status, -ENOMEM, or -1 after an error was logged. */
int collect_files_run(struct collect *C, bool from_start, uint64_t interval)
{
	scl_live_stats st;
	int r;

	(void)cli_notify("READY=1");
	collect_notify_status(C, 0);
	r = collect_files(C, C->follows, C->n_follows, from_start, interval);
	if (r == -ENOMEM)
		return -ENOMEM;
	if (r < 0)
		return -1;
	(void)cli_notify("STOPPING=1");
	if (!cli_quiet) {
		memset(&st, 0, sizeof(st));
		st.suppressed = collect_follow_suppressed(C->follows, C->n_follows);
		collect_summary(C, "from the log files", &st);
	}
	return r > 0 || C->errors ? EXIT_RUNTIME : EXIT_OK;
}

/* The journal: ready, follow, summary.  The exit status, -ENOMEM, or -1 after an error was logged. */
int collect_journal_run(struct collect *C, const char *journal_dir, uint64_t interval)
{
	scl_collector_stats cs;
	scl_live_stats st;
	int r;

	if (!cli_quiet)
		log_warn("journald rate-limits the audit stream and drops records under load (it kept 656 "
			 "of ~10,000 in a burst on one machine): the profiles may be incomplete");
	if (cli_verbose)
		log_info("collecting from %s into '%s', writing every %llu s",
			 journal_dir ? "a journal directory" : "the system journal", C->dir,
			 (unsigned long long)interval);
	(void)cli_notify("READY=1");
	collect_notify_status(C, 0);
	r = collect_journal(C, journal_dir, C->cursor_file, interval);
	if (r == -ENOMEM)
		return -ENOMEM;
	if (r < 0)
		return -1;
	(void)cli_notify("STOPPING=1");
	if (!cli_quiet) {
		memset(&st, 0, sizeof(st));
		collect_summary(C, journal_dir ? "from the journal directory" : "from the system journal", &st);
		scl_collector_stats_get(C->col, &cs);
		if (cs.duplicates && cli_verbose)
			log_info("%llu journal copies of records already read were skipped",
				 (unsigned long long)cs.duplicates);
	}
	return r > 0 || C->errors ? EXIT_RUNTIME : EXIT_OK;
}
