/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scmplog collect --follow-file (collect.h): text log files followed like
 * tail -F through the library's scanner, on the one live loop (cli-loop.h):
 * poll() always finds a regular file readable, so the files are looked at
 * as a due time, every FOLLOW_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli-loop.h"
#include "cli/cli-notify.h"
#include "cli/cli.h"
#include "cli/collect.h"
#include "scmplog/num.h"
#include "scmplog/stream.h"
#include "lib/util.h"

#define FOLLOW_MS 200

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
static uint64_t collect_follow_suppressed(const struct follow *fs, size_t n)
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

/* Every file once: what was appended, a rotation, a truncation.  0, -ENOMEM, or -1 after an error was logged. */
static int follow_all(struct collect *C)
{
	for (size_t i = 0; i < C->n_follows; i++) {
		int r = follow_poll(C, &C->follows[i]);

		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			log_error("cannot read log file '%s': %s", C->follows[i].path, strerror(-r));
			return -1;
		}
	}
	return 0;
}

/* The files when due, then the interval's write. */
static int files_round(void *ud, int64_t now)
{
	struct collect *C = ud;
	int r;

	if (now >= C->next_follow) {
		r = follow_all(C);
		if (r < 0)
			return r == -ENOMEM ? r : -EIO;
		now = scl_now_ms();
		C->next_follow = now + FOLLOW_MS;
	}
	if (now >= C->next_flush) {
		r = collect_interval_flush(C, now);
		if (r == -ENOMEM)
			return r;
		collect_notify_status(C, collect_follow_suppressed(C->follows, C->n_follows));
	}
	return 0;
}

static int64_t files_due(void *ud, int64_t now)
{
	struct collect *C = ud;

	(void)now;
	return C->next_follow < C->next_flush ? C->next_follow : C->next_flush;
}

/*
 * Follow the files until a signal, writing every interval; at the signal,
 * what they hold then is read and every profile written.  Returns the failed
 * writes of the last flush, -ENOMEM, or -1 after logging an error.
 */
static int collect_files(struct collect *C, bool from_start)
{
	static const struct cli_loop_ops ops = { .round = files_round, .due = files_due };
	int r;

	for (size_t i = 0; i < C->n_follows; i++) {
		struct follow *f = &C->follows[i];

		r = follow_open(f, !from_start);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOENT) {
			if (!cli_quiet)
				log_warn("cannot open log file '%s': %s, waiting for it", f->path, strerror(-r));
			continue;
		}
		if (r < 0) {
			log_error("cannot open log file '%s': %s", f->path, strerror(-r));
			return -1;
		}
	}
	cli_loop_init(&C->loop, NULL, C->sig_fd, &ops, C);
	C->loop.watchdog_ms = C->watchdog_ms;
	C->next_flush = scl_now_ms() + C->interval_ms;
	C->next_follow = scl_now_ms();
	collect_notify_status(C, 0);
	r = cli_loop_run(&C->loop);
	if (r < 0)
		return r == -ENOMEM ? r : -1;
	r = follow_all(C);
	if (r < 0)
		return r;
	return collect_flush(C, true);
}

/* --follow-file: ready, follow, summary.  The exit status, -ENOMEM, or -1 after an error was logged. */
int collect_files_run(struct collect *C, bool from_start)
{
	scl_live_stats st = { 0 };
	int r;

	r = collect_files(C, from_start);
	st.suppressed = collect_follow_suppressed(C->follows, C->n_follows);
	return collect_finish(C, r, "from the log files", &st);
}
