/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_OUTDIR_H
#define SCL_CLI_OUTDIR_H

#include <stddef.h>

#include "scmplog/outdir.h"

/*
 * The commands' side of an output directory of one profile per key
 * (scl_outdir): opening it and saying what its namer found, in the same
 * words for `build --split-by` and `collect`.
 */

/*
 * scl_outdir_open(), logging why not: "cannot create directory 'x': ..."
 * (it did not exist), "cannot open directory 'x': ..." (a symbolic link:
 * "it is a symbolic link, not followed").  Returns 0 or -errno.
 */
int cli_outdir_open(const char *path, const char *ext, scl_outdir **ret);

/*
 * Say what scl_outdir_file() found for key (what: "container", "host",
 * "exe", ...; ext: the extension of the files written, for the message):
 * a collision as a warning, once, naming both keys, the name they would
 * share and the alternative; an alternative an earlier run gave the key,
 * taken again (unless cli_quiet).  Nothing for a key named before.
 */
void cli_outdir_say(const scl_outdir *d, const char *what, const char *key, size_t key_n, const scl_outdir_name *nm,
		    const char *ext);

/* scl_outdir_file()'s -EEXIST: "what 'key': 16 file names tried, all taken by others: consequence". */
void cli_outdir_say_full(const char *what, const char *key, size_t key_n, const char *consequence);

#endif
