/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_SOURCE_H
#define SCMPLOG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/record.h"

/*
 * Line reader over a file or stdin, transparently gunzipping gzip input
 * (detected by its magic, concatenated members included).  Lines longer than
 * SCL_MAX_LINE are returned cut at the limit with *too_long set; the rest of
 * such a line is discarded.
 */
typedef struct scl_reader scl_reader;

/* path "-" is stdin.  Returns 0, or -errno (open failed, -ENOMEM). */
int scl_reader_open(const char *path, scl_reader **ret);
/* Read from an fd the caller keeps owning. */
int scl_reader_open_fd(int fd, const char *name, scl_reader **ret);
/*
 * Bytes [start, start+len) of a regular, uncompressed file, read with pread so
 * several readers can share the fd (parallel scans).  Line numbers count from
 * 1 at start.
 */
int scl_reader_open_range(int fd, const char *name, uint64_t start, uint64_t len, scl_reader **ret);
void scl_reader_free(scl_reader *r);
/*
 * Next line without its '\n'.  Returns 1 with *line, 0 at end of input,
 * -errno on a read error, -EBADMSG for corrupt gzip data.  The slice is valid
 * until the next call.
 */
int scl_reader_line(scl_reader *r, scl_slice *line, bool *too_long);
/* Exactly n raw bytes (journal export binary fields). -EBADMSG if input ends first. */
int scl_reader_take(scl_reader *r, size_t n, scl_slice *out);
/* 1-based number of the last line returned. */
uint64_t scl_reader_lineno(const scl_reader *r);
const char *scl_reader_name(const scl_reader *r);

/*
 * Scanning: every line is classified (scl_record_parse_line); journalctl -o
 * export entries are assembled across lines.  Callbacks may be NULL; a
 * negative return from one stops the scan and is returned.
 */
typedef struct scl_scan_ops {
	int (*record)(void *ud, const scl_record *rec, uint64_t lineno);
	int (*skip)(void *ud, scl_skip_reason why, uint64_t lineno);
	int (*suppressed)(void *ud, uint64_t count, uint64_t lineno);
	/*
	 * When set, called instead of skip with the skipped line (a journal
	 * export entry: its MESSAGE); scl_record_skip_key() holds the key the
	 * parser stopped at.  line is valid during the call only.
	 */
	int (*skip_line)(void *ud, scl_skip_reason why, uint64_t lineno, scl_slice line);
} scl_scan_ops;

int scl_scan(scl_reader *r, const scl_scan_ops *ops, void *ud);

/*
 * The same scan fed bytes as they come (a followed file): every form
 * scl_scan() reads, with lines and journal export entries (binary fields
 * included) cut anywhere between two calls.  Lines over SCL_MAX_LINE are cut
 * as the reader cuts them.  Line numbers count from 1 for the scanner's life.
 *
 * scl_scanner_feed() scans n bytes; a partial line or entry is kept for the
 * next call.  Returns 0, -ENOMEM, or a callback's negative return (the rest of
 * the bytes are then not scanned).  scl_scanner_end() is the end of an input
 * (a rotated file read to its end): a last line without its newline is
 * scanned and an open entry finished; scl_scanner_reset() drops them (a
 * truncated file).  Either way the scanner is ready for the next input.
 */
typedef struct scl_scanner scl_scanner;

int scl_scanner_new(scl_scanner **ret);
void scl_scanner_free(scl_scanner *s);
static inline void scl_scanner_freep(scl_scanner **s)
{
	scl_scanner_free(*s);
}
int scl_scanner_feed(scl_scanner *s, const char *p, size_t n, const scl_scan_ops *ops, void *ud);
int scl_scanner_end(scl_scanner *s, const scl_scan_ops *ops, void *ud);
void scl_scanner_reset(scl_scanner *s);
uint64_t scl_scanner_lineno(const scl_scanner *s);

#endif
