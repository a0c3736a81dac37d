/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One journal file read whole, around damage (journal.h: opts.damaged,
 * scl_journal_check_dir()): passes forward and backward, with and without
 * the matches, and first a dry run in a child for the entries libsystemd
 * aborts on.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "lib/source-journal-internal.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "util.h"

/*
 * The entry count in a journal file's header (systemd's journal-def.h:
 * n_entries, a little-endian u64 at offset 152 in every format version), or
 * 0 when the file has no such header.  Read before sd-journal opens the
 * file: entries an active file gets meanwhile only make the count reached
 * larger.
 */
static uint64_t header_entries(const char *path)
{
	unsigned char h[160];
	uint64_t hsize, n;
	int fd;
	ssize_t k;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	k = pread(fd, h, sizeof(h), 0);
	close(fd);
	if (k != (ssize_t)sizeof(h) || !scl_journal_file_magic(h, sizeof(h)))
		return 0;
	memcpy(&hsize, h + 88, sizeof(hsize));
	memcpy(&n, h + 152, sizeof(n));
	return le64toh(hsize) >= sizeof(h) ? le64toh(n) : 0;
}

/* The sequence numbers of the entries read, to read each once across passes. */
struct seen {
	uint64_t *v;
	size_t n, cap, sorted; /* v[0..sorted) is in order */
};

static int seqnum_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool seen_has(const struct seen *s, uint64_t q)
{
	if (s->sorted && bsearch(&q, s->v, s->sorted, sizeof(*s->v), seqnum_cmp))
		return true;
	for (size_t i = s->sorted; i < s->n; i++)
		if (s->v[i] == q)
			return true;
	return false;
}

static int seen_add(struct seen *s, uint64_t q)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *nv = reallocarray(s->v, cap, sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = q;
	if (s->sorted == s->n - 1 && (s->n == 1 || s->v[s->n - 2] < q))
		s->sorted = s->n; /* a forward pass appends in order */
	return 0;
}

/* After a pass: everything in order, for the next pass's lookups. */
static void seen_sort(struct seen *s)
{
	if (s->sorted < s->n)
		qsort(s->v, s->n, sizeof(*s->v), seqnum_cmp);
	s->sorted = s->n;
}

/* The current entry's sequence number (from its cursor); -errno. */
static int cur_seqnum(sd_journal *j, uint64_t *ret)
{
	_cleanup_free_ char *c = NULL;
	scl_journal_pos p;
	int r;

	r = sd_journal_get_cursor(j, &c);
	if (r < 0)
		return r;
	r = scl_journal_cursor_pos(c, strlen(c), &p);
	if (r < 0)
		return r;
	*ret = p.seqnum;
	return 0;
}

/* A whole file's read (scl_jsrc_scan_whole_file()), its passes sharing what they found. */
struct whole {
	const char *path;
	const scl_journal_opts *o;
	const scl_scan_ops *ops;
	void *ud;
	struct seen seen;   /* entries read */
	struct seen poison; /* entries sd-journal aborts on: passed over */
	uint64_t index;
	scl_journal_damage d;
	int progress_fd;    /* a dry run: each entry's sequence number, before its fields are read */
	char *last;         /* the cursor of the last entry read, when asked for */
	bool want_last;
};

/*
 * One pass over the file, forward or backward, with scl_jsrc_add_matches() or without
 * (then scl_jsrc_entry() does their choice), reading the entries not read before.  It
 * ends at the end, or where sd-journal stops: at damage sd-journal drops the
 * file (systemd 252's real_journal_next(): "Can't iterate through %s,
 * ignoring", at debug level) and reports the end, seldom an error.  Field
 * damage costs one entry (d.corrupt).  Returns 0, -ENOMEM or a callback's
 * return; the first sd-journal error goes to d.error.
 */
static int pass(struct whole *w, bool backward, bool matched)
{
	_cleanup_journal_ sd_journal *j = NULL;
	const char *one[] = { w->path, NULL };
	int r;

	r = sd_journal_open_files(&j, one, 0);
	if (r < 0)
		return r;
	if (matched && (r = scl_jsrc_add_matches(j)) < 0)
		return r;
	r = sd_journal_set_data_threshold(j, sizeof("MESSAGE=") - 1 + SCL_MAX_LINE + 1);
	if (r < 0)
		return r;
	r = backward ? sd_journal_seek_tail(j) : sd_journal_seek_head(j);
	if (r < 0)
		return r;
	while (!scl_jsrc_stopped(w->o)) {
		uint64_t q;
		int bad = 0;

		r = backward ? sd_journal_previous(j) : sd_journal_next(j);
		if (r <= 0)
			break;
		r = cur_seqnum(j, &q);
		if (r == -ENOMEM)
			return r;
		if (r < 0 || seen_has(&w->seen, q))
			continue; /* read before (a cursor sd-journal writes always parses) */
		r = seen_add(&w->seen, q);
		if (r < 0)
			return r;
		w->d.read++;
		if (seen_has(&w->poison, q)) {
			w->d.aborts++;
			continue;
		}
		if (w->progress_fd >= 0 && write(w->progress_fd, &q, sizeof(q)) != (ssize_t)sizeof(q))
			return -EIO;
		r = scl_jsrc_entry(j, !matched, true, &w->index, w->ops, w->ud, &bad);
		if (r < 0)
			return r;
		if (r > 0)
			w->d.corrupt++;
		if (r == 1 && !w->d.error)
			w->d.error = bad;
		if (w->want_last && !backward)
			(void)scl_jsrc_save_cursor(j, &w->last);
	}
	if (r < 0 && !w->d.error)
		w->d.error = r;
	return 0;
}

/*
 * Every entry in order, as journalctl --file reads them (ours picked by
 * scl_jsrc_entry()), and when that did not reach every entry the header counts,
 * again from the tail and along the matches' own entry lists, which may
 * lead around the damage.
 */
static int passes(struct whole *w)
{
	static const struct {
		bool backward, matched;
	} more[] = { { true, false }, { false, true }, { true, true } };
	int r;

	r = pass(w, false, false);
	for (size_t i = 0;
	     r == 0 && !scl_jsrc_stopped(w->o) && i < ELEMENTSOF(more) && (w->d.error || w->d.read < w->d.entries); i++) {
		seen_sort(&w->seen);
		r = pass(w, more[i].backward, more[i].matched);
	}
	return r;
}

/*
 * libsystemd 252 aborts the process on some damaged zstd data: one byte
 * changed in a frame header fails an assertion in decompress_blob_zstd() or
 * decompress_startswith_zstd() (journalctl --file dies the same way).  So
 * the passes are first made in a child that reads nothing out and says
 * which entry it is at: if it dies of a signal there, that entry is passed
 * over (w->poison) and the child runs again.  1: the passes can be made
 * here; 0: one more entry to pass over; -errno (-ECHILD: it died between
 * entries, which cannot be passed over).
 */
static int dry_run(struct whole *w)
{
	static const int fatal_signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
	uint64_t q, last = 0;
	bool any = false;
	int fds[2], status, r;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		static const scl_journal_opts none = { 0 };
		struct rlimit no_core = { 0, 0 };
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		/* libsystemd's "Assertion ... failed" is the parent's to tell, and no core file */
		if (null >= 0)
			(void)dup2(null, STDERR_FILENO);
		/* dying of the signal is the answer: no handler of the parent's (a sanitizer's, libFuzzer's) */
		for (size_t i = 0; i < ELEMENTSOF(fatal_signals); i++)
			(void)signal(fatal_signals[i], SIG_DFL);
		(void)setrlimit(RLIMIT_CORE, &no_core);
		(void)prctl(PR_SET_DUMPABLE, 0);
		close(fds[0]);
		w->o = &none;
		w->ops = NULL;
		w->want_last = false;
		w->progress_fd = fds[1];
		q = UINT64_MAX; /* done */
		_exit(passes(w) < 0 || write(fds[1], &q, sizeof(q)) != (ssize_t)sizeof(q) ? 1 : 0);
	}
	close(fds[1]);
	for (;;) {
		ssize_t k = read(fds[0], &q, sizeof(q));
		if (k < 0 && errno == EINTR)
			continue;
		if (k != (ssize_t)sizeof(q))
			break;
		last = q;
		any = true;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && any && last == UINT64_MAX)
		return 1;
	if (!WIFSIGNALED(status))
		return 1; /* another failure (out of memory): the passes here will meet it */
	if (!any || last == UINT64_MAX || seen_has(&w->poison, last))
		return -ECHILD;
	r = seen_add(&w->poison, last);
	if (r < 0)
		return r;
	seen_sort(&w->poison);
	return 0;
}

/*
 * A whole file, read around damage (passes(), dry_run()); any damage goes
 * to opts->damaged.  o->stop ends it like scan() (no damage told then).
 */
int scl_jsrc_scan_whole_file(const char *path, const scl_journal_opts *o, const scl_scan_ops *ops, void *ud,
			   char **ret_cursor)
{
	static const scl_journal_opts none = { 0 };
	struct whole w = {
		.path = path,
		.o = o ? o : &none,
		.ops = ops,
		.ud = ud,
		.d = { .path = path, .entries = header_entries(path) },
		.progress_fd = -1,
		.want_last = ret_cursor != NULL,
	};
	int r;

	/* sd-journal cannot open it at all: that error */
	{
		_cleanup_journal_ sd_journal *j = NULL;

		r = sd_journal_open_files(&j, (const char *[]){ path, NULL }, 0);
		if (r < 0)
			return r;
	}
	for (int k = 0; (r = dry_run(&w)) == 0; k++)
		if (k == SCL_MAX_JOURNAL_ABORTS) {
			r = -ECHILD;
			break;
		}
	if (r < 0) {
		free(w.poison.v);
		return r;
	}
	r = passes(&w);
	free(w.seen.v);
	free(w.poison.v);
	if (r < 0) {
		free(w.last);
		return r;
	}
	if ((w.d.error || w.d.corrupt || w.d.aborts || w.d.read < w.d.entries) && !scl_jsrc_stopped(w.o) &&
	    w.o->damaged) {
		r = w.o->damaged(ud, &w.d);
		if (r < 0) {
			free(w.last);
			return r;
		}
	}
	if (ret_cursor)
		*ret_cursor = w.last;
	else
		free(w.last);
	return 0;
}

struct check {
	int (*damaged)(void *ud, const scl_journal_damage *d);
	void *ud;
	int ret; /* the callback's last return */
};

static int check_damaged(void *ud, const scl_journal_damage *d)
{
	struct check *c = ud;

	c->ret = c->damaged(c->ud, d);
	return c->ret;
}

int scl_journal_check_dir(const char *dir, int (*damaged)(void *ud, const scl_journal_damage *d), void *ud)
{
	_cleanup_(scl_jsrc_files_freep) scl_journal_files fs = { 0 };
	struct check c = { damaged, ud, 0 };
	const scl_journal_opts o = { .damaged = check_damaged };
	struct source src = { .dir = dir };
	int r;

	if (!dir || !damaged)
		return -EINVAL;
	r = scl_jsrc_list_source(&fs, &src);
	if (r < 0)
		return r;
	for (size_t i = 0; i < fs.n; i++) {
		r = scl_jsrc_scan_whole_file(fs.v[i].path, &o, NULL, &c, NULL);
		if (c.ret < 0)
			return c.ret;
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			/* not readable at all (or aborting past SCL_MAX_JOURNAL_ABORTS): every entry missing */
			scl_journal_damage d = { .path = fs.v[i].path, .error = r, .entries = header_entries(fs.v[i].path) };

			r = damaged(ud, &d);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
