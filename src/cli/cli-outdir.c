/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli-outdir.h"
#include "cli/cli.h"

int cli_outdir_open(const char *path, const char *ext, scl_outdir **ret)
{
	struct stat st;
	bool existed = lstat(path, &st) == 0;
	int r = scl_outdir_open(path, ext, ret);

	if (r == -ELOOP)
		log_error("cannot open directory '%s': it is a symbolic link, not followed", path);
	else if (r < 0)
		log_error("cannot %s directory '%s': %s", existed ? "open" : "create", path, strerror(-r));
	return r;
}

void cli_outdir_say(const scl_outdir *d, const char *what, const char *key, size_t key_n, const scl_outdir_name *nm,
		    const char *ext)
{
	const char *dir = scl_outdir_path(d), *base = scl_outdir_base(d, nm->index);

	if (!nm->is_new)
		return;
	if (nm->collision) {
		size_t on;
		const char *other = scl_outdir_key(d, nm->other, &on);

		fprintf(stderr, "scmplog: warning: %ss '", what);
		cli_put_escaped(stderr, other, on);
		fputs("' and '", stderr);
		cli_put_escaped(stderr, key, key_n);
		fprintf(stderr, "' would both be written to '%s/%s%s' (%s): the second is written to '%s/%s%s'\n", dir,
			nm->taken, ext, nm->case_only ? "file names that differ only in case" : "file name hash collision",
			dir, base, ext);
	} else if (nm->resumed_alt && !cli_quiet) {
		fprintf(stderr, "scmplog: %s '", what);
		cli_put_escaped(stderr, key, key_n);
		fprintf(stderr, "' is written to '%s/%s%s', the alternative name an earlier run gave it (its own "
			"collides with another's)\n", dir, base, ext);
	}
}

void cli_outdir_say_full(const char *what, const char *key, size_t key_n, const char *consequence)
{
	fprintf(stderr, "scmplog: %s '", what);
	cli_put_escaped(stderr, key, key_n);
	fprintf(stderr, "': %d file names tried, all taken by others: %s\n", (int)SCL_OUTDIR_NAME_ATTEMPTS,
		consequence);
}
