/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_OUTPUT_H
#define SCMPLOG_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Writing output files atomically, and turning names taken from input into
 * safe file names.
 */

/* Writer callback: write everything to f, return >= 0 or -errno. */
typedef int (*scl_write_fn)(FILE *f, void *userdata);

/*
 * Replace the file `name` in the directory dirfd (or AT_FDCWD) atomically:
 * create ".NAME.XXXXXX" next to it (openat O_CREAT|O_EXCL|O_NOFOLLOW|
 * O_CLOEXEC, `mode` minus the umask for a new file), call fn, fflush, fsync,
 * then renameat over NAME and fsync the directory (best effort).  On any
 * failure the temporary file is removed and an existing NAME is left
 * untouched.
 *
 * A replaced NAME keeps its permission bits and, where this process may set
 * them (root, or its own file), its owner and group; `mode` only applies to
 * a new file.  When the owner cannot be kept the file becomes the writer's,
 * without set-user-ID and set-group-ID bits.  ACLs and extended attributes
 * are not copied.
 *
 * name must be a plain file name: not empty, no '/', not "." or "..",
 * -EINVAL otherwise; -ENAMETOOLONG if the temporary name would exceed
 * NAME_MAX.  An existing NAME that is a symbolic link is refused with -ELOOP
 * (renameat would replace the link, not its target, but a link where we
 * write is suspicious enough to stop); a directory gives -EISDIR and any
 * other non-regular file (device, FIFO, socket) -EINVAL.  Errors of fn are
 * returned as they are; a stream error without errno gives -EIO.
 */
int scl_write_atomic(int dirfd, const char *name, scl_write_fn fn, void *userdata, mode_t mode);

/*
 * Same for a path: the directory part (if any) is opened with
 * O_DIRECTORY|O_CLOEXEC|O_PATH, the last component is the name.  A path
 * ending in '/' is -EISDIR.
 */
int scl_write_atomic_path(const char *path, scl_write_fn fn, void *userdata, mode_t mode);

/*
 * Outputs that must change together (a profile and its statistics): each is
 * written in full to its temporary file first (scl_write_prepare*()), then
 * scl_write_commit() puts them all in place, or none.
 */
typedef struct scl_atomic_file {
	/* private: set by scl_write_prepare*(), released by commit or abort */
	int dirfd;
	int state;
	char name[256];
	char tmp[256];    /* the new content; after an exchange, the old one */
	char backup[256]; /* a hard link to the old content, when exchange is not supported */
	/* public: after scl_write_commit(), whether NAME holds the new content */
	int in_place;
} scl_atomic_file;

/*
 * The first half of scl_write_atomic(): same checks, same temporary file,
 * same handling of mode and owner, fn called, flushed and fsynced; nothing
 * is renamed yet.  On success *ret owns the temporary file and a descriptor
 * of the directory until scl_write_commit() or scl_write_abort(); on failure
 * nothing is left behind and *ret is untouched.  Same errors as
 * scl_write_atomic().
 */
int scl_write_prepare(int dirfd, const char *name, scl_write_fn fn, void *userdata, mode_t mode,
		      scl_atomic_file *ret);
int scl_write_prepare_path(const char *path, scl_write_fn fn, void *userdata, mode_t mode, scl_atomic_file *ret);

/*
 * Put the n prepared files in place, in order, each atomically.  All or
 * none: when a rename fails, the files already renamed get their old
 * content back (renameat2 RENAME_EXCHANGE swaps the new file in, and the
 * old content stays under the temporary name until all are in place; where
 * the file system cannot exchange, a hard link keeps the old content; a
 * file that did not exist is removed again).  Only when that undoing fails
 * too (or the file system has neither exchange nor hard links) may some
 * files hold their new content: in_place says which.  A crash between two
 * renames leaves the first file new and the old content under its
 * temporary name ".NAME.XXXXXX".
 *
 * Returns 0 (every in_place set), or the -errno of the rename that failed
 * (*ret_failed, if not NULL, is its index).  Every file is released either
 * way: temporary files removed, directories closed.
 */
int scl_write_commit(scl_atomic_file *f, size_t n, size_t *ret_failed);

/* Remove a prepared file's temporary file and release it; a released or zeroed one is left alone. */
void scl_write_abort(scl_atomic_file *f);

/* Length of the hash suffix, "-" and hex digits, that scl_sanitize_filename() may append. */
#define SCL_FILENAME_HASH_LEN 9

/*
 * Turn any bytes in[0..n) (NULs included) into a file name that is safe to
 * create in an output directory, and distinct for distinct inputs:
 *
 *   1. every byte outside [A-Za-z0-9._-] becomes '_';
 *   2. a leading '.' becomes '_' (no hidden files, no "." or "..");
 *   3. if anything was replaced, the input is empty, it holds an upper-case
 *      letter (so names differing only in case stay distinct on
 *      case-insensitive file systems), it already ends in '-' and 8
 *      lower-case hex digits (so an unchanged name never looks like a
 *      changed one), or it is longer than SCL_MAX_FILE_NAME, then the body
 *      is cut to SCL_MAX_FILE_NAME - SCL_FILENAME_HASH_LEN bytes and
 *      "-XXXXXXXX" is appended: 8 hex digits of a 64-bit FNV-1a hash of the
 *      original bytes.
 *
 * The result is never empty, never longer than SCL_MAX_FILE_NAME, and only
 * holds [A-Za-z0-9._-].  Names that need no change are kept as they are.
 * The hash is not cryptographic: callers that create one file per input
 * must still open with O_EXCL or check for duplicates.
 *
 * Returns the length written to out (NUL-terminated); -ENOBUFS if outlen is
 * too small for the result (SCL_MAX_FILE_NAME + 1 is always enough).
 */
int scl_sanitize_filename(const char *in, size_t n, char *out, size_t outlen);

/*
 * A caller that creates one file per input and finds the name of an input
 * taken by another one (the hash suffix collided, or the two differ only in
 * case) asks for alternative names: attempt 0 is scl_sanitize_filename();
 * attempt k >= 1 is that name, cut to SCL_MAX_FILE_NAME -
 * SCL_FILENAME_HASH_LEN bytes, and "-XXXXXXXX" of another hash of the whole
 * input (FNV-1a from a start value derived from k).  An alternative depends on
 * the input and k only: the same input gets the same names on every run.
 * Same result guarantees and returns as scl_sanitize_filename().
 */
int scl_sanitize_filename_alt(const char *in, size_t n, unsigned attempt, char *out, size_t outlen);

#endif
