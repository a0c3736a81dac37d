/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_JOURNAL_H
#define SCMPLOG_JOURNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/source.h"

/*
 * SECCOMP records from systemd's journal (binary journal files, a journal
 * directory, or the live system journal), through sd-journal.
 *
 * Only two kinds of entries are read (sd-journal matches, then a check of
 * MESSAGE): _TRANSPORT=audit with _AUDIT_TYPE=1326 (MESSAGE "SECCOMP
 * auid=..."), and _TRANSPORT=kernel whose MESSAGE holds "type=1326" (the
 * printk copy, "audit: type=1326 audit(T:S): ...").  Without an audit daemon
 * each record is there twice, with the same (serial, time): deduplicate on
 * them (the CLI does).  Entries of other transports are never taken, even if
 * their MESSAGE looks like a record: any local user can write one.
 *
 * Each record is built from MESSAGE, _HOSTNAME, _AUDIT_ID and
 * _SOURCE_REALTIME_TIMESTAMP (else the entry's realtime) and handed to
 * ops->record with framing SCL_FRAME_JOURNAL; its slices are valid only during
 * the call.  A malformed one goes to ops->skip with the reason (an audit
 * entry without MESSAGE, or whose MESSAGE is not a SECCOMP record:
 * SCL_SKIP_BAD_JOURNAL; MESSAGE over SCL_MAX_LINE: SCL_SKIP_LINE_TOO_LONG, _HOSTNAME over SCL_MAX_HOST: SCL_SKIP_HOST_TOO_LONG; a corrupt
 * entry: SCL_SKIP_BAD_JOURNAL).  ops->suppressed is never called: printk's
 * "callbacks suppressed" says nothing about the audit-transport copies.  The
 * line number passed is the 1-based index of the entry among those matched
 * in this scan.  A negative return from a callback stops the scan and is
 * returned.
 *
 * journald reads audit records from the multicast group and rate-limits, so
 * the journal may lack records under load; nothing here can tell.
 *
 * Rotation and vacuuming.  journald renames a full (or --rotate'd) file to
 * an archived name and starts a new one; sd-journal follows both, so a
 * rotation loses nothing.  Vacuuming deletes archived files: one that still
 * held entries not read yet (a follower that was behind, or stopped, or a
 * cursor saved before the files went) takes them along.  journald numbers
 * every entry it writes in one sequence (system and user journals alike, the
 * "i=" of a cursor in the "s=" sequence), so a removal is measured: the
 * entries of any kind between the last one read and the first one left after
 * it.  Matched or not: that is an upper bound of the records lost, exact only
 * if every entry was a record.  See opts->gap.
 */

/* A journal position, from a cursor's fields s= (sequence id), i= (sequence number), t= (realtime). */
typedef struct scl_journal_pos {
	char seqnum_id[33]; /* 32 lowercase hex digits */
	uint64_t seqnum;
	uint64_t realtime;  /* usec since the epoch; 0 if the cursor has no t= */
} scl_journal_pos;

/*
 * Parse a cursor as sd_journal_get_cursor() writes it ("s=ID;i=HEX;b=...;
 * m=HEX;t=HEX;x=HEX"): ';'-separated KEY=VALUE items, s= and i= required
 * (32 hex digits, a hex number), t= optional, other keys ignored.  n bytes,
 * no NUL needed.  0, or -EINVAL (malformed, an item repeated, n over
 * SCL_MAX_JOURNAL_CURSOR); *ret is written only on success.
 */
int scl_journal_cursor_pos(const char *cursor, size_t n, scl_journal_pos *ret);

/*
 * Entries missing between a and b: true with *ret_missing = b.seqnum -
 * a.seqnum - 1 when both are in one sequence and b comes after a; false
 * (*ret_missing untouched) when they cannot be compared (another sequence:
 * journald started over, another machine) or b is not after a.
 */
bool scl_journal_pos_gap(const scl_journal_pos *a, const scl_journal_pos *b, uint64_t *ret_missing);

/*
 * Entries the journal no longer has, found before they were read: between
 * the entry of last (the last one read, or opts->cursor) and the first entry
 * there is after it, next.  last_pos/next_pos are their parsed cursors
 * (seqnum_id[0] == 0 where one did not parse).
 */
typedef struct scl_journal_gap {
	const char *last, *next;
	scl_journal_pos last_pos, next_pos;
	/* known: missing is the number of journal entries of every kind in between (records: up to it) */
	bool known;
	uint64_t missing;
	bool resumed; /* found when the scan started from opts->cursor, not while following */
} scl_journal_gap;

typedef enum scl_journal_file_change {
	SCL_JOURNAL_FILE_ADDED,
	SCL_JOURNAL_FILE_REMOVED,
	SCL_JOURNAL_FILE_ARCHIVED, /* renamed: journald rotated it (path -> new_path) */
} scl_journal_file_change;

/*
 * The journal files a source had last time it was looked at, kept by the
 * caller across scans (opts->files) so that a file removed between two scans
 * is named too.  Tracks up to SCL_MAX_JOURNAL_FILES files; past that it
 * stops telling changes (file_changed is no longer called, every change of
 * the file set is checked for a gap).  scl_journal_files_free(NULL) is fine.
 */
typedef struct scl_journal_files scl_journal_files;
scl_journal_files *scl_journal_files_new(void);
void scl_journal_files_free(scl_journal_files *files);

/*
 * A damaged journal file, read whole (scl_journal_scan_files() with one
 * file, no cursor, tail or follow).  sd-journal stops at damage without
 * saying so (it drops the file and reports the end), so the entries reached
 * are counted against the count in the file's header; the file is read
 * again from its tail and along the matches' entry lists, which may lead
 * around the damage, each entry once.
 */
typedef struct scl_journal_damage {
	const char *path;
	int error;        /* the first -errno sd-journal returned for the file; 0: none, it just stopped */
	uint64_t entries; /* entries the header counts (0: unknown) */
	uint64_t read;    /* entries reached, of every kind */
	/*
	 * Of those, entries with a field sd-journal could not read: skipped when
	 * it returned an error, read without it when it skipped it silently (a
	 * SECCOMP audit entry without _AUDIT_ID, _SOURCE_REALTIME_TIMESTAMP or
	 * MESSAGE, which journald always writes; other entries cannot be told).
	 */
	uint64_t corrupt;
	/*
	 * Of those, entries sd-journal aborts the process on (libsystemd 252's
	 * assertions on some damaged zstd data; journalctl dies too): found by
	 * reading the file in a child process first, and passed over.  Past
	 * SCL_MAX_JOURNAL_ABORTS of them the scan fails with -ECHILD.
	 */
	uint64_t aborts;
} scl_journal_damage;

typedef struct scl_journal_opts {
	/*
	 * Resume: start after the entry this cursor names (as returned in
	 * *ret_cursor); if that entry is gone, at the first one after where it
	 * was.  At most SCL_MAX_JOURNAL_CURSOR bytes.  NULL: from the head, or
	 * the tail when tail is set.
	 */
	const char *cursor;
	bool tail;         /* without cursor: skip existing entries (only new ones, with follow) */
	bool follow;       /* at the end, wait for new entries until stopped */
	/* follow: longest single wait (0: one second); stop and idle are checked after each */
	uint64_t wait_usec;
	/* follow: stop (return 0) once *stop is nonzero; a signal also ends the current wait */
	const volatile sig_atomic_t *stop;
	/* follow: called whenever all entries are read; a negative return stops the scan with it */
	int (*idle)(void *ud);
	/*
	 * The source's journal files as last seen (NULL: not tracked).  The
	 * first scan with it only records them; then, at the start of each scan
	 * and whenever sd-journal says files came or went while following,
	 * file_changed (may be NULL) is called for each file added, removed or
	 * archived, in that order of the inode numbers.  For a directory or the
	 * system journal: every *.journal and *.journal~ in it and its
	 * machine-id subdirectories (the system journal: /run/log/journal and
	 * /var/log/journal, this machine's only); for files: those paths.
	 */
	scl_journal_files *files;
	int (*file_changed)(void *ud, scl_journal_file_change what, const char *path, const char *new_path);
	/*
	 * Entries gone before they were read (see above): called with what is
	 * known of the gap, when the scan starts from opts->cursor and finds its
	 * entry gone (or files were removed since the last scan with the same
	 * opts->files), and while following when a file was removed (every
	 * change of the file set without opts->files).  Nothing is called when
	 * the entries after the last one read are all there, or when its entry
	 * is there and the journal goes on in another sequence.  A negative
	 * return stops the scan with it.  NULL: gaps are not looked for.
	 */
	int (*gap)(void *ud, const scl_journal_gap *g);
	/*
	 * A file read whole had damage (see scl_journal_damage): called once,
	 * after its entries, when sd-journal returned an error, an entry was
	 * corrupt or fewer entries were reached than its header counts.  A
	 * negative return is returned.  NULL: not told.
	 */
	int (*damaged)(void *ud, const scl_journal_damage *d);
} scl_journal_opts;

/*
 * Read the journal files at paths[0..n) as one journal (interleaved by time;
 * an entry present in two files, as the same file given twice, is read
 * once).  One file without opts->cursor, tail and follow is read whole,
 * around damage (scl_journal_damage, opts->damaged; a child process is
 * forked for it).  opts may be NULL.  On success returns 0 and, if
 * ret_cursor is not NULL, stores a malloc'd cursor of the last entry read, or of the position
 * after opts->cursor if nothing was read, or NULL if there is neither: save
 * it and pass it back as opts->cursor to resume.  Errors: -EINVAL (n == 0, a
 * malformed or over-long cursor), -errno from opening (-ENOENT, -EACCES,
 * -EBADMSG or -EPROTONOSUPPORT for a file that is not a journal sd-journal
 * can read), -ECHILD (a file read whole on which sd-journal aborts more than
 * SCL_MAX_JOURNAL_ABORTS times, or between entries), -ENOMEM, or a
 * callback's return.
 */
int scl_journal_scan_files(const char *const *paths, size_t n, const scl_scan_ops *ops, void *ud,
			   const scl_journal_opts *opts, char **ret_cursor);

/*
 * Read every journal file in dir and its machine-id subdirectories whole,
 * as scl_journal_scan_files() does with one file, handing no record out,
 * and call damaged for each damaged one (also for a file sd-journal cannot
 * read at all: error set, nothing read).  The follow scans below read a
 * directory through sd-journal's matches, which stop at damage without a
 * word: check first.  0, -EINVAL, -ENOMEM, -errno listing dir, or
 * damaged's negative return.  Forks a child process per file.
 */
int scl_journal_check_dir(const char *dir, int (*damaged)(void *ud, const scl_journal_damage *d), void *ud);

/* The same for every journal file in dir and its machine-id subdirectories (/var/log/journal). */
int scl_journal_scan_dir(const char *dir, const scl_scan_ops *ops, void *ud, const scl_journal_opts *opts,
			 char **ret_cursor);

/*
 * The local system journal (runtime and persistent, this machine only): the
 * live source.  Typically opts->follow with opts->cursor from the last run,
 * or opts->tail on the first one.  Needs read access to the system journal
 * (root, or the systemd-journal or adm group).
 */
int scl_journal_scan_system(const scl_scan_ops *ops, void *ud, const scl_journal_opts *opts, char **ret_cursor);

/*
 * The same reads one step at a time, for a caller's own poll loop (the scans
 * above are these steps with a wait in between: one code path).
 *
 * scl_journal_follow_open() opens the source: paths[0..n) (n > 0), else dir,
 * else the local system journal; opts as for the scans (copied, with its
 * pointers: *opts->stop, opts->files and the callbacks must outlive the
 * object; opts->cursor is read at the open; wait_usec is the scans' only).
 * The open does what a scan does first: the file listing (opts->files,
 * file_changed) and, resuming from opts->cursor, the gap check.  A file is
 * not read whole around damage here (that is scl_journal_scan_files()'s with
 * one file and no cursor, tail or follow): the follow reads through
 * sd-journal's matches, which stop at damage silently; check a directory
 * with scl_journal_check_dir() first.  0, or the errors of the scans.
 *
 * scl_journal_follow_step() never blocks: it takes in what sd-journal's
 * inotify fd says (sd_journal_process(): files came or went, told through
 * file_changed and gap as while a scan follows), then reads the entries
 * there are now, calling ops, at most a few thousand.  Returns
 *   SCL_JOURNAL_STEP_IDLE  every entry there is read, opts->idle called
 *                          (follow only): poll scl_journal_follow_fd() for
 *                          POLLIN, at most scl_journal_follow_timeout() ms,
 *                          then step again;
 *   SCL_JOURNAL_STEP_MORE  entries may be left: step again soon (the
 *                          timeout is 0), after the caller's other work;
 *   SCL_JOURNAL_STEP_END   done: at the end without opts->follow, or
 *                          *opts->stop set; every later step says so too;
 * or a negative errno (sd-journal's, -ENOMEM, a callback's return).
 *
 * scl_journal_follow_fd(): sd-journal's inotify fd (sd_journal_get_fd()),
 * the same for the object's life; -errno.
 * scl_journal_follow_timeout(): how long the caller may wait on the fd
 * before the next step, in ms for poll(): -1 (only when the fd is readable),
 * 0 (step now: after SCL_JOURNAL_STEP_MORE or _END, or without follow), or
 * sd-journal's own recheck time (sd_journal_get_timeout(): journal files on
 * a network file system, which inotify does not see change).
 * scl_journal_follow_cursor(): a malloc'd cursor to resume from, as a scan's
 * *ret_cursor (NULL when there is none); 0 or -ENOMEM.
 * scl_journal_follow_close(NULL) is fine.
 */
typedef struct scl_journal_follow scl_journal_follow;
#define SCL_JOURNAL_STEP_IDLE 0
#define SCL_JOURNAL_STEP_MORE 1
#define SCL_JOURNAL_STEP_END 2
int scl_journal_follow_open(const char *const *paths, size_t n, const char *dir, const scl_scan_ops *ops,
			    void *ud, const scl_journal_opts *opts, scl_journal_follow **ret);
int scl_journal_follow_step(scl_journal_follow *f);
int scl_journal_follow_fd(scl_journal_follow *f);
int scl_journal_follow_timeout(scl_journal_follow *f);
int scl_journal_follow_cursor(scl_journal_follow *f, char **ret);
void scl_journal_follow_close(scl_journal_follow *f);

/*
 * One field of a journal entry as sd_journal_get_data() returns it:
 * "NAME=value", not NUL-terminated, the value any bytes.
 */
typedef struct scl_journal_field {
	const void *data;
	size_t n;
} scl_journal_field;

/*
 * What the scans above do with each entry they read, on the entry's fields
 * (in any order, from sd-journal or elsewhere: a test, a fuzzer).  Looked at:
 * _TRANSPORT, _AUDIT_TYPE, MESSAGE, _HOSTNAME, _AUDIT_ID,
 * _SOURCE_REALTIME_TIMESTAMP and __REALTIME_TIMESTAMP (the entry's realtime
 * in decimal usec, named as in the export format); the first field of a name
 * counts, one without '=' is ignored.  The entry is taken, skipped or ignored
 * as described above and handed to ops (may be NULL) with index; the
 * record's slices point into the fields.  Returns 0 or a callback's negative
 * return.
 */
int scl_journal_entry(const scl_journal_field *fields, size_t n, uint64_t index, const scl_scan_ops *ops,
		      void *ud);

/* A journal file's first 8 bytes ("LPKSHHRH"); false when n < 8. */
bool scl_journal_file_magic(const unsigned char *buf, size_t n);

#endif
