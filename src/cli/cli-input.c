/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-input.h"
#include "cli/cli-learn.h"
#include "cli/cli.h"
#include "scmplog/arch.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/source.h"
#include "lib/util.h"

/* How many skipped records -v shows in full, after their reason. */
#define VERBOSE_FULL 5

/* Printable, bounded: a line from a log may hold control bytes. */
static void escape(const char *p, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, size - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (o + 5 >= size && size > 4)
		memcpy(out + size - 4, "...", 4);
	else
		out[o] = '\0';
}

static int count_skip(struct cli_input_part *pt, scl_skip_reason why, uint64_t lineno);

/*
 * -v: every skip as FILE:LINE: reason, hint (key=value); the first few with
 * their line.  A binary journal's entries have no line: FILE:ENTRY.
 */
static void list_skip(struct cli_input_part *pt, scl_skip_reason why, uint64_t lineno, scl_slice line)
{
	if (cli_verbose && !pt->in->strict) {
		scl_slice k = scl_record_skip_key();
		const char *hint = scl_skip_reason_hint(why);
		char key[256], full[1024];
		escape(k.p, k.p ? k.n : 0, key, sizeof(key));
		log_info("%s:%llu: %s%s%s%s%s%s", pt->cur_name, (unsigned long long)lineno, scl_skip_reason_str(why),
			 *hint ? ", " : "", hint, k.n ? " (" : "", key, k.n ? ")" : "");
		if (pt->in->verbose_listed++ < VERBOSE_FULL && line.p) {
			escape(line.p, line.n, full, sizeof(full));
			log_info("  %s", full);
		}
	}
}

static int on_skip_line(void *ud, scl_skip_reason why, uint64_t lineno, scl_slice line)
{
	list_skip(ud, why, lineno, line);
	return count_skip(ud, why, lineno);
}

static int on_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	scl_slice none = { NULL, 0 };

	list_skip(ud, why, lineno, none);
	return count_skip(ud, why, lineno);
}

static int count_skip(struct cli_input_part *pt, scl_skip_reason why, uint64_t lineno)
{
	pt->skipped++;
	pt->skip_by_reason[why]++;
	if (!pt->first_skip_line)
		pt->first_skip_line = lineno;
	if (pt->in->strict) {
		/* strict scans are never split: lineno is absolute */
		log_error("%s:%llu: malformed SECCOMP record (%s); fatal with --strict", pt->cur_name,
			  (unsigned long long)lineno, scl_skip_reason_str(why));
		return -ECANCELED;
	}
	return 0;
}

/*
 * A journal file sd-journal could not read whole: what it skipped, said
 * once per file; with --strict, fatal (the profile would lack its records).
 */
static int on_damaged(void *ud, const scl_journal_damage *d)
{
	struct cli_input_part *pt = ud;
	char err[128] = "", lost[160] = "", bad[96] = "", aborts[128] = "";
	uint64_t unreached = d->entries > d->read ? d->entries - d->read : 0;

	if (d->error)
		snprintf(err, sizeof(err), " (%s)", strerror(-d->error));
	if (unreached)
		snprintf(lost, sizeof(lost), "%llu of its %llu entries could not be read",
			 (unsigned long long)unreached, (unsigned long long)d->entries);
	else if (!d->corrupt && !d->aborts)
		snprintf(lost, sizeof(lost), "sd-journal stopped after %llu entries", (unsigned long long)d->read);
	if (d->corrupt)
		snprintf(bad, sizeof(bad), "%s%llu entr%s had fields sd-journal could not read", lost[0] ? ", " : "",
			 (unsigned long long)d->corrupt, d->corrupt == 1 ? "y" : "ies");
	if (d->aborts)
		snprintf(aborts, sizeof(aborts), "%s%llu entr%s made sd-journal abort (damaged compressed data)",
			 lost[0] || bad[0] ? ", " : "", (unsigned long long)d->aborts, d->aborts == 1 ? "y" : "ies");
	if (pt->in->strict) {
		log_error("journal file '%s' is damaged%s: %s%s%s; fatal with --strict", d->path, err, lost, bad, aborts);
		return -ECANCELED;
	}
	log_warn("journal file '%s' is damaged%s: %s%s%s, skipping; the SECCOMP records in them are missing or "
		 "incomplete ('journalctl --verify --file=%s' tells where)",
		 d->path, err, lost, bad, aborts, d->path);
	return 0;
}

static int on_suppressed(void *ud, uint64_t count, uint64_t lineno)
{
	struct cli_input_part *pt = ud;

	if (!pt->first_suppressed_line)
		pt->first_suppressed_line = lineno;
	pt->suppressed += count;
	if (pt->in->strict) {
		/* a loss is as fatal as a malformed record: the profile would be incomplete */
		log_error("%s:%llu: the kernel dropped %llu audit record%s (kauditd_printk_skb: callbacks suppressed); "
			  "fatal with --strict",
			  pt->cur_name, (unsigned long long)lineno, (unsigned long long)count, count == 1 ? "" : "s");
		return -ECANCELED;
	}
	return 0;
}

/* Group key bytes for a record into buf; returns its length. */
static size_t group_key(const struct cli_input *in, const scl_record *rec, char *buf, size_t size)
{
	int n, m;

	switch (in->group_by) {
	case GROUP_EXE:
		if (!(rec->fields & SCL_F_EXE) || (n = scl_record_decode_str(rec->exe, rec->exe_hex, buf, size)) < 0)
			return 0;
		return (size_t)n;
	case GROUP_COMM:
		if (!(rec->fields & SCL_F_COMM) || (n = scl_record_decode_str(rec->comm, rec->comm_hex, buf, size)) < 0)
			return 0;
		return (size_t)n;
	case GROUP_HOST:
		if (!(rec->fields & SCL_F_HOST) || rec->host.n >= size)
			return 0;
		memcpy(buf, rec->host.p, rec->host.n);
		return rec->host.n;
	case GROUP_ARCH: {
		/* the machine's: a compat record is its 64-bit parent's, x32 numbers come as x86_64 */
		const scl_arch_info *a = scl_arch_by_token(scl_arch_native_of(rec->arch, rec->compat));

		if (!a)
			return 0;
		n = snprintf(buf, size, "%s", a->name);
		return n > 0 && (size_t)n < size ? (size_t)n : 0;
	}
	case GROUP_EXPLAIN:
		/* "exe\0comm" */
		n = 0;
		if ((rec->fields & SCL_F_EXE) && (n = scl_record_decode_str(rec->exe, rec->exe_hex, buf, size - SCL_MAX_COMM - 2)) < 0)
			n = 0;
		buf[n] = '\0';
		m = 0;
		if ((rec->fields & SCL_F_COMM) &&
		    (m = scl_record_decode_str(rec->comm, rec->comm_hex, buf + n + 1, size - (size_t)n - 1)) < 0)
			m = 0;
		return (size_t)n + 1 + (size_t)m;
	default:
		return 0;
	}
}

/* journald's two copies of a record (scmplog/dedup.h); without memory, none is dropped */
static bool duplicate(struct cli_input_part *pt, const scl_record *rec)
{
	if (rec->framing != SCL_FRAME_JOURNAL_EXPORT && rec->framing != SCL_FRAME_JOURNAL_JSON &&
	    rec->framing != SCL_FRAME_JOURNAL)
		return false;
	if (!pt->dedup && scl_dedup_new(&pt->dedup) < 0)
		return false;
	return scl_dedup_seen(pt->dedup, rec) > 0;
}

/* the same two copies in journalctl -o short text (scmplog/dedup.h); without memory, none is dropped */
static bool short_copy(struct cli_input_part *pt, const scl_record *rec)
{
	if (rec->framing != SCL_FRAME_JOURNAL_SHORT && rec->framing != SCL_FRAME_SYSLOG)
		return false;
	if (!pt->text && scl_dedup_text_new(&pt->text) < 0)
		return false;
	return scl_dedup_text_seen(pt->text, rec) > 0;
}

/* Widen c's observation window to [first, last] (epoch ms, first 0: none). */
static void counts_window(struct cli_counts *c, uint64_t first, uint64_t last)
{
	if (!first)
		return;
	if (!c->first_ms || first < c->first_ms)
		c->first_ms = first;
	if (last > c->last_ms)
		c->last_ms = last;
}

/*
 * Selection, grouping and aggregation of one record into l: the same for a
 * file scan and a live source.  Returns 1 if selected, 0 if not, -errno.
 */
static int learn_record(const struct cli_input *in, scl_learn *l, const scl_record *rec, struct cli_counts *c)
{
	char key[SCL_MAX_EXE + SCL_MAX_COMM + 4];
	const struct cli_filter *f = &in->filter;
	size_t kn = 0;
	int r;

	c->arch_assumed += !!(rec->fields & SCL_F_ARCH_ASSUMED);
	c->code_undefined += !!(rec->fields & SCL_F_CODE_UNDEFINED);
	c->time_local += !!(rec->fields & SCL_F_TIME_LOCAL);
	c->time_ambiguous += !!(rec->fields & SCL_F_TIME_AMBIGUOUS);
	if (!cli_filter_selected(f, rec)) {
		/* not selected because the field is not there: said in the summary */
		if ((f->has_since || f->has_until) && !(rec->fields & SCL_F_TIME))
			c->no_time++;
		else if (f->n_hosts && !(rec->fields & SCL_F_HOST))
			c->no_host++;
		else if ((f->n_pids && !(rec->fields & SCL_F_PID)) || (f->n_uids && !(rec->fields & SCL_F_UID)) ||
			 (f->n_exes && !(rec->fields & SCL_F_EXE)) || (f->n_comms && !(rec->fields & SCL_F_COMM)))
			c->no_other++;
		return 0;
	}
	if (in->group_by != GROUP_NONE)
		kn = group_key(in, rec, key, sizeof(key));
	r = scl_learn_add(l, rec, key, kn);
	if (r >= 0 && (rec->fields & SCL_F_TIME) && rec->time_sec && rec->time_sec < UINT64_MAX / 1000 - 1)
		counts_window(c, rec->time_sec * 1000 + rec->time_msec, rec->time_sec * 1000 + rec->time_msec);
	return r < 0 ? r : 1;
}

static int on_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct cli_input_part *pt = ud;
	int r;

	(void)lineno;
	if (duplicate(pt, rec) || short_copy(pt, rec)) {
		pt->duplicates++;
		return 0;
	}
	pt->records++;
	r = learn_record(pt->in, pt->learn, rec, &pt->counts);
	if (r < 0) {
		pt->error = r;
		return r;
	}
	pt->selected += (uint64_t)r;
	return 0;
}

static int part_init(struct cli_input_part *pt, struct cli_input *in, const char *name, bool own_learn)
{
	memset(pt, 0, sizeof(*pt));
	pt->in = in;
	pt->cur_name = name;
	if (!own_learn) {
		pt->learn = in->learn;
		return 0;
	}
	return scl_learn_new(&pt->learn);
}

/* Add a part's counts to the totals; line numbers are offset by line_base. */
static int part_fold(struct cli_input *in, struct cli_input_part *pt, uint64_t line_base)
{
	in->records += pt->records;
	in->selected += pt->selected;
	in->duplicates += pt->duplicates;
	in->counts.no_time += pt->counts.no_time;
	in->counts.no_host += pt->counts.no_host;
	in->counts.no_other += pt->counts.no_other;
	in->counts.arch_assumed += pt->counts.arch_assumed;
	in->counts.code_undefined += pt->counts.code_undefined;
	in->counts.time_local += pt->counts.time_local;
	in->counts.time_ambiguous += pt->counts.time_ambiguous;
	counts_window(&in->counts, pt->counts.first_ms, pt->counts.last_ms);
	for (int i = 0; i < _SCL_SKIP_MAX; i++)
		in->skip_by_reason[i] += pt->skip_by_reason[i];
	if (pt->first_skip_line && !in->skipped)
		snprintf(in->first_skip, sizeof(in->first_skip), "%s:%llu", pt->cur_name,
			 (unsigned long long)(line_base + pt->first_skip_line));
	if (pt->first_suppressed_line && !in->suppressed)
		snprintf(in->first_suppressed, sizeof(in->first_suppressed), "%s:%llu", pt->cur_name,
			 (unsigned long long)(line_base + pt->first_suppressed_line));
	in->skipped += pt->skipped;
	in->suppressed += pt->suppressed;
	scl_dedup_free(pt->dedup);
	pt->dedup = NULL;
	scl_dedup_text_free(pt->text);
	pt->text = NULL;
	if (pt->learn != in->learn) {
		/* merge a chunk's table into the main one, by group name */
		scl_learn_entry *e = NULL;
		long n = scl_learn_entries(pt->learn, &e);
		int r = n < 0 ? (int)n : 0;
		for (long i = 0; i < n && r == 0; i++) {
			size_t gn;
			const char *g = scl_learn_group(pt->learn, e[i].key.group, &gn);
			r = scl_learn_add_key(in->learn, &e[i].key, g, gn, e[i].count);
		}
		free(e);
		scl_learn_free(pt->learn);
		pt->learn = NULL;
		return r;
	}
	return 0;
}

static void report_scan_error(const char *name, int r)
{
	if (r == -E2BIG)
		log_error("'%s': more than %d groups, the limit (SCL_MAX_GROUPS)", name, SCL_MAX_GROUPS);
	else if (r == -ENOMEM)
		log_error("out of memory");
	else if (r == -EBADMSG)
		log_error("cannot read '%s': corrupt gzip data", name);
	else if (r != -ECANCELED)
		log_error("cannot read '%s': %s", name, strerror(-r));
}

/* Parallel scan of one large plain file. */
struct chunk {
	struct cli_input_part part;
	pthread_t thread;
	int fd;
	uint64_t start, len, lines;
	int rc;
};

static void *chunk_main(void *arg)
{
	struct chunk *c = arg;
	const scl_scan_ops ops = { on_record, on_skip, on_suppressed, NULL };
	scl_reader *rd = NULL;

	c->rc = scl_reader_open_range(c->fd, c->part.cur_name, c->start, c->len, &rd);
	if (c->rc < 0)
		return NULL;
	c->rc = scl_scan(rd, &ops, &c->part);
	c->lines = scl_reader_lineno(rd);
	scl_reader_free(rd);
	return NULL;
}

/*
 * Where the chunk after `pos` may start: after the next "\n" for line-based
 * logs, after the next "\n\n" for journal export files (entries span lines).
 */
static int chunk_boundary(int fd, uint64_t pos, uint64_t size, bool export_fmt, uint64_t *ret)
{
	char buf[65536];

	while (pos < size) {
		ssize_t k = pread(fd, buf, sizeof(buf), (off_t)pos);
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		for (ssize_t i = 0; i < k; i++) {
			if (buf[i] != '\n')
				continue;
			if (!export_fmt) {
				*ret = pos + (uint64_t)i + 1;
				return 0;
			}
			if (i + 1 < k && buf[i + 1] == '\n') {
				*ret = pos + (uint64_t)i + 2;
				return 0;
			}
		}
		pos += (uint64_t)k - (export_fmt ? 1 : 0);
	}
	*ret = size;
	return 0;
}

#define PARALLEL_MIN_SIZE (32u * 1024 * 1024)
#define MAX_JOBS 8

/*
 * Try to scan a large regular uncompressed file in chunks on several threads.
 * Returns 1 if done (rc in *ret_rc), 0 if the file is not suitable.
 */
static int scan_parallel(struct cli_input *in, const char *path, int *ret_rc)
{
	struct chunk chunks[MAX_JOBS];
	unsigned jobs = in->jobs;
	unsigned char magic[16] = { 0 };
	struct stat st;
	uint64_t pos = 0, line_base = 0;
	int fd, rc = 0, nchunks = 0;

	if (in->strict || cli_verbose || !strcmp(path, "-"))
		return 0; /* strict and -v name lines as they come */
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (unsigned)n : 1;
	}
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if (jobs < 2)
		return 0;
	/*
	 * Only a regular file can be split.  Look before opening: opening a
	 * FIFO blocks until a writer comes, and closing it again takes the
	 * writer's only reader away (its data is lost, the serial open hangs).
	 */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0; /* the serial path reports the error */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < PARALLEL_MIN_SIZE ||
	    pread(fd, magic, sizeof(magic), 0) < 2 || (magic[0] == 0x1f && magic[1] == 0x8b)) {
		close(fd);
		return 0;
	}
	bool export_fmt = !memcmp(magic, "__CURSOR=", 9) || !memcmp(magic, "__REALTIME_TIME", 15);
	for (unsigned i = 0; i < jobs && pos < (uint64_t)st.st_size; i++) {
		uint64_t end = (uint64_t)st.st_size;
		if (i + 1 < jobs && chunk_boundary(fd, pos + (uint64_t)st.st_size / jobs, (uint64_t)st.st_size,
						   export_fmt, &end) < 0)
			end = (uint64_t)st.st_size;
		struct chunk *c = &chunks[nchunks];
		if (part_init(&c->part, in, path, true) < 0) {
			rc = -ENOMEM;
			break;
		}
		c->fd = fd;
		c->start = pos;
		c->len = end - pos;
		c->rc = 0;
		c->lines = 0;
		if (pthread_create(&c->thread, NULL, chunk_main, c) != 0) {
			scl_learn_free(c->part.learn);
			rc = -EAGAIN;
			break;
		}
		nchunks++;
		pos = end;
	}
	for (int i = 0; i < nchunks; i++)
		pthread_join(chunks[i].thread, NULL);
	for (int i = 0; i < nchunks; i++) {
		struct chunk *c = &chunks[i];
		int r = part_fold(in, &c->part, line_base);
		line_base += c->lines;
		if (!rc && c->rc < 0)
			rc = c->part.error ? c->part.error : c->rc;
		if (!rc && r < 0)
			rc = r;
	}
	close(fd);
	in->files++;
	if (rc < 0) {
		report_scan_error(path, rc);
		*ret_rc = EXIT_RUNTIME;
	} else {
		*ret_rc = 0;
	}
	return 1;
}

int cli_input_add(struct cli_input *in, const scl_record *rec)
{
	int r;

	if (!in->learn && scl_learn_new(&in->learn) < 0)
		return -ENOMEM;
	in->records++;
	r = learn_record(in, in->learn, rec, &in->counts);
	if (r < 0)
		return -ENOMEM;
	in->selected += (uint64_t)r;
	return r;
}

int cli_input_read(struct cli_input *in, char **files, int nfiles)
{
	static char dash[] = "-";
	static char *stdin_only[] = { dash };
	const scl_scan_ops ops = { on_record, on_skip, on_suppressed, on_skip_line };
	/* carried from file to file: a record given twice (a journal and its copy) counts once */
	_cleanup_(scl_dedup_freep) scl_dedup *dedup = NULL;
	_cleanup_(scl_dedup_text_freep) scl_dedup_text *text = NULL;
	int r;

	if (!in->learn && scl_learn_new(&in->learn) < 0) {
		log_error("out of memory");
		return EXIT_RUNTIME;
	}
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles; i++) {
		struct cli_input_part pt;
		scl_reader *rd = NULL;
		const char *one[] = { files[i] };
		unsigned char magic[8];
		bool journal = false;
		struct stat st;
		int prc;

		/*
		 * journald's binary files (/var/log/journal/ID/system.journal) go to
		 * sd-journal.  Only regular files are probed: opening a FIFO to look
		 * could block, or take the writer's only reader away.
		 */
		if (strcmp(files[i], "-") && stat(files[i], &st) == 0 && S_ISREG(st.st_mode)) {
			int fd = open(files[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
			if (fd >= 0) {
				journal = pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
					  scl_journal_file_magic(magic, sizeof(magic));
				close(fd);
			}
		}
		if (!journal && scan_parallel(in, files[i], &prc)) {
			if (prc)
				return prc;
			continue;
		}
		if (journal) {
			part_init(&pt, in, files[i], false);
		} else {
			r = scl_reader_open(files[i], &rd);
			if (r < 0) {
				log_error("cannot open '%s': %s", files[i], strerror(-r));
				return EXIT_RUNTIME;
			}
			part_init(&pt, in, scl_reader_name(rd), false);
		}
		in->files++;
		pt.dedup = TAKE_PTR(dedup);
		pt.text = TAKE_PTR(text);
		if (journal) {
			const scl_journal_opts jo = { .damaged = on_damaged };

			r = scl_journal_scan_files(one, 1, &ops, &pt, &jo, NULL);
		}
		else
			r = scl_scan(rd, &ops, &pt);
		if (r < 0 && pt.error)
			r = pt.error;
		dedup = TAKE_PTR(pt.dedup);
		text = TAKE_PTR(pt.text);
		part_fold(in, &pt, 0);
		if (r < 0 && journal && r != -ECANCELED && r != -E2BIG && r != -ENOMEM)
			log_error("cannot read journal file '%s': %s", files[i], strerror(-r));
		else if (r < 0)
			report_scan_error(files[i], r);
		scl_reader_free(rd);
		if (r < 0)
			return EXIT_RUNTIME;
	}
	return 0;
}

int cli_input_report(const struct cli_input *in)
{
	if (in->skipped) {
		char detail[512];
		size_t off = 0;
		for (int i = 1; i < _SCL_SKIP_MAX; i++) {
			if (!in->skip_by_reason[i])
				continue;
			int k = snprintf(detail + off, sizeof(detail) - off, "%s%llu %s", off ? ", " : "",
					 (unsigned long long)in->skip_by_reason[i], scl_skip_reason_str((scl_skip_reason)i));
			if (k < 0 || (size_t)k >= sizeof(detail) - off)
				break;
			off += (size_t)k;
		}
		log_warn("skipped %llu malformed SECCOMP record%s (%s); first at %s", (unsigned long long)in->skipped,
			 in->skipped == 1 ? "" : "s", detail, in->first_skip);
	}
	if (in->counts.arch_assumed)
		log_info("%llu record%s without arch= read as %s (--assume-arch)", (unsigned long long)in->counts.arch_assumed,
			 in->counts.arch_assumed == 1 ? "" : "s",
			 scl_arch_by_token(in->filter.assume_arch) ? scl_arch_by_token(in->filter.assume_arch)->name : "?");
	if (in->counts.code_undefined)
		log_info("%llu record%s with an action code the kernel does not define read as kill_process, as the kernel "
			 "treats it", (unsigned long long)in->counts.code_undefined, in->counts.code_undefined == 1 ? "" : "s");
	if (in->counts.time_ambiguous)
		log_warn("%llu of %llu ausearch -i record%s have a local time that occurs twice (a DST change in this "
			 "time zone, TZ=%s): the earlier instant was taken; for exact times read the log with ausearch --raw",
			 (unsigned long long)in->counts.time_ambiguous, (unsigned long long)in->counts.time_local,
			 in->counts.time_local == 1 ? "" : "s", getenv("TZ") ? getenv("TZ") : "unset, /etc/localtime");
	if (in->counts.no_time)
		log_warn("%llu record%s carry no audit timestamp (journalctl short lines, ...): --since/--until cannot "
			 "select them and left them out", (unsigned long long)in->counts.no_time,
			 in->counts.no_time == 1 ? "" : "s");
	if (in->counts.no_host)
		log_warn("%llu record%s carry no host name: --host cannot select them and left them out",
			 (unsigned long long)in->counts.no_host, in->counts.no_host == 1 ? "" : "s");
	if (in->counts.no_other)
		log_warn("%llu record%s lack the field --pid/--uid/--exe/--comm selects on (ausearch -i names a user "
			 "instead of a uid): left out", (unsigned long long)in->counts.no_other,
			 in->counts.no_other == 1 ? "" : "s");
	if (in->suppressed)
		log_warn("the kernel dropped %llu audit records (kauditd_printk_skb: callbacks suppressed, first at %s); "
			 "the profile may be incomplete",
			 (unsigned long long)in->suppressed, in->first_suppressed);
	if (in->strict && (in->skipped || in->suppressed))
		return EXIT_RUNTIME;
	return 0;
}

void cli_input_free(struct cli_input *in)
{
	cli_filter_free(&in->filter);
	scl_learn_free(in->learn);
	in->learn = NULL;
}
