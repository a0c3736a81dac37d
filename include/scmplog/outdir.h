/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_OUTDIR_H
#define SCMPLOG_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "scmplog/container.h"
#include "scmplog/limits.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"

/*
 * An output directory that holds one profile per key (a container, a host,
 * an executable, ...), for `collect` and `build --split-by`:
 *
 *   - opened once, relative to which every file is opened (a descriptor, not
 *     a path: a name taken from input never becomes a path);
 *   - each key gets a file name of its own, the same on every run: the
 *     sanitised key (scl_sanitize_filename()); a key whose name another key
 *     already has (the sanitiser's hash collided, or two names differ only in
 *     case, which is one file on a case-insensitive file system) gets the
 *     first of scl_sanitize_filename_alt()'s alternatives no other key has;
 *   - a key's profile from an earlier run is read back (resume);
 *   - profiles are written atomically (scl_write_atomic()).
 *
 * Only names the sanitiser hashed can collide.  Of two colliding keys the
 * one named first keeps the plain name (and the profile an earlier run left
 * under it); the other's alternative depends on its key only, and a key
 * whose alternative is in the directory from an earlier run takes it again
 * at once, so a later run that sees the two in the other order keeps both
 * names.
 *
 * The library never prints: what a caller may want to say (a collision, an
 * alternative taken again) comes back in scl_outdir_name.  All functions
 * return >= 0 or -errno; output parameters are written only on success.  An
 * scl_outdir is not thread-safe.
 */
typedef struct scl_outdir scl_outdir;

/* Alternative names tried for a key (scl_sanitize_filename_alt() attempts 0..N-1). */
#define SCL_OUTDIR_NAME_ATTEMPTS 16

/*
 * Open the directory path, creating it (mode 0755 minus the umask) when it
 * does not exist.  Its last component must not be a symbolic link: -ELOOP
 * (not followed, with or without a trailing '/'); not a directory: -ENOTDIR.  The descriptor is O_RDONLY,
 * close-on-exec (it may be flock()ed or fsynced).
 *
 * ext is the extension of the file that holds a key's profile between runs
 * (".json": collect resumes from OCI JSON, also beside YAML; build its
 * format's scl_format_ext()), used to find an alternative name an earlier
 * run gave a key; NULL means ".json".  -ENOMEM, or the errno of mkdir/open.
 */
int scl_outdir_open(const char *path, const char *ext, scl_outdir **ret);
/* Accepts NULL; closes the descriptor. */
void scl_outdir_free(scl_outdir *d);
static inline void scl_outdir_freep(scl_outdir **d)
{
	scl_outdir_free(*d);
}

/* The directory's descriptor, owned by d; its path as given to scl_outdir_open(). */
int scl_outdir_fd(const scl_outdir *d);
const char *scl_outdir_path(const scl_outdir *d);

/* What scl_outdir_file() found. */
typedef struct scl_outdir_name {
	size_t index;      /* the key's file: scl_outdir_base(d, index) */
	bool is_new;       /* first time this key was named (the fields below are only set then) */
	/*
	 * The sanitised name was another key's: this one got an alternative.
	 * other: that key's index; taken: the name it would have had, which
	 * differs from other's name only in case when case_only.
	 */
	bool collision;
	bool case_only;
	size_t other;
	char taken[SCL_MAX_FILE_NAME + 1];
	/* The key took again the alternative name an earlier run gave it (its file is in the directory). */
	bool resumed_alt;
} scl_outdir_name;

/*
 * The file of key[0..n) (any bytes), named at first sight by the rules
 * above; the same index for the same key afterwards.  -EEXIST when every
 * one of SCL_OUTDIR_NAME_ATTEMPTS names is another key's (*ret untouched,
 * nothing added), -ENOMEM.
 */
int scl_outdir_file(scl_outdir *d, const char *key, size_t n, scl_outdir_name *ret);
/* The index of key's file if it was named, else -1 (nothing added). */
long scl_outdir_find(const scl_outdir *d, const char *key, size_t n);
/* Keys named so far; a file's base name (no extension) and its key (*ret_n bytes, not NUL-terminated). */
size_t scl_outdir_count(const scl_outdir *d);
const char *scl_outdir_base(const scl_outdir *d, size_t index);
const char *scl_outdir_key(const scl_outdir *d, size_t index, size_t *ret_n);

/* Room for a container's key, NUL included: "NAMESPACE_POD_CONTAINER". */
#define SCL_OUTDIR_CONTAINER_KEY_MAX (SCL_MAX_K8S_LABEL * 2 + SCL_MAX_K8S_NAME + 3)
/*
 * A container's key (collect's file per container): "NAMESPACE_POD_CONTAINER"
 * when kubelet's directories name its container (scl_container_k8s_names()
 * with pods_dir and containers_dir, from its pod_uid), else its id.
 * Returns buf, or c->id.
 */
const char *scl_outdir_container_key(const scl_container *c, const char *pods_dir, const char *containers_dir,
				     char buf[SCL_OUTDIR_CONTAINER_KEY_MAX]);

/*
 * Read back the OCI JSON profile BASE.json an earlier run left (resume).
 * Returns 0 with *ret NULL when there is none, 0 with the profile (and the
 * reader's warnings in *ret_warnings, if not NULL), or -errno with a reason
 * in err (if err and errlen): -ELOOP "a symbolic link, not followed",
 * -EINVAL "not a regular file" or the reader's message, the open or read
 * error.  Never blocks on a FIFO, never follows a link.
 */
int scl_outdir_read(const scl_outdir *d, const char *base, scl_profile **ret, char ***ret_warnings, char *err,
		    size_t errlen);

/*
 * Write p as BASE + scl_format_ext(fmt) in format fmt (scl_profile_write()
 * with o, which may be NULL), atomically (scl_write_atomic(): a temporary
 * file in the directory, renamed over the old one; a replaced file keeps
 * its mode and owner, a new one gets 0644 minus the umask; on failure the
 * old file is untouched and no temporary file is left).  The k8s
 * metadata.name is base unless o sets one.  Same errors as
 * scl_write_atomic() (-ELOOP for a symbolic link, -EISDIR, -EINVAL for
 * another non-regular file) and the writer.
 */
int scl_outdir_write(const scl_outdir *d, const char *base, const scl_profile *p, scl_format fmt,
		     const scl_profile_write_options *o);

#endif
