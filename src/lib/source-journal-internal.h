/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_SOURCE_JOURNAL_INTERNAL_H
#define SCL_SOURCE_JOURNAL_INTERNAL_H

/*
 * What the journal source's files share: source-journal.c (entries, the
 * follow and the scans), source-journal-files.c (the source's files, for
 * rotation and vacuuming) and source-journal-damage.c (a file read whole,
 * around damage).  Not installed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-journal.h>

#include "scmplog/journal.h"
#include "util.h"

/* What a scan reads: files (NULL-terminated paths), a directory, or the system journal. */
struct source {
	const char **paths;
	const char *dir;
};

/* The source's files (scl_journal_files), to tell rotation and vacuuming apart. */
struct jfile {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct scl_journal_files {
	struct jfile *v;
	size_t n, cap;
	bool init; /* v holds a listing */
	bool over; /* the last listing was over SCL_MAX_JOURNAL_FILES: not tracked */
};

/* source-journal.c */
void scl_jsrc_journal_closep(sd_journal **j);
#define _cleanup_journal_ _cleanup_(scl_jsrc_journal_closep)
int scl_jsrc_entry(sd_journal *j, bool filter, bool damage, uint64_t *index, const scl_scan_ops *ops, void *ud,
		   int *ret_error);
int scl_jsrc_add_matches(sd_journal *j);
bool scl_jsrc_stopped(const scl_journal_opts *o);
int scl_jsrc_save_cursor(sd_journal *j, char **last);

/* source-journal-files.c */
void scl_jsrc_files_freep(scl_journal_files *fs);
int scl_jsrc_list_source(scl_journal_files *fs, const struct source *src);
int scl_jsrc_files_update(const struct source *src, const scl_journal_opts *o, void *ud, bool *ret_removed);

/* source-journal-damage.c */
int scl_jsrc_scan_whole_file(const char *path, const scl_journal_opts *o, const scl_scan_ops *ops, void *ud,
			     char **ret_cursor);

#endif
