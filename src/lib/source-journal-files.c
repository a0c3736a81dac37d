/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal source's files (journal.h: opts.files, scl_journal_files):
 * listed by device and inode, to tell journald's rotation (a file renamed
 * to its archived name) from vacuuming (a file gone) between two listings.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <systemd/sd-id128.h>

#include "lib/source-journal-internal.h"
#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "util.h"

scl_journal_files *scl_journal_files_new(void)
{
	return calloc(1, sizeof(scl_journal_files));
}

static void files_clear(scl_journal_files *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].path);
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}

void scl_journal_files_free(scl_journal_files *fs)
{
	if (!fs)
		return;
	files_clear(fs);
	free(fs);
}

void scl_jsrc_files_freep(scl_journal_files *fs)
{
	files_clear(fs);
}

static int files_add(scl_journal_files *fs, const char *path, const struct stat *st)
{
	if (fs->n == SCL_MAX_JOURNAL_FILES)
		return -E2BIG;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		struct jfile *nv = realloc(fs->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		fs->v = nv;
		fs->cap = cap;
	}
	fs->v[fs->n].path = strdup(path);
	if (!fs->v[fs->n].path)
		return -ENOMEM;
	fs->v[fs->n].dev = st->st_dev;
	fs->v[fs->n].ino = st->st_ino;
	fs->n++;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

static bool id128_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 32;
}

/*
 * The journal files in dir, and in its machine-id subdirectories (only the
 * one named only, if set) when sub.  A directory that cannot be read is
 * left out (sd-journal leaves it out too): only -ENOMEM and -E2BIG.
 */
static int list_dir(scl_journal_files *fs, const char *dir, bool sub, const char *only)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOMEM ? -ENOMEM : 0;
	while (r == 0 && (de = readdir(d))) {
		char path[4096];
		struct stat st;
		int k;

		if (de->d_name[0] == '.')
			continue;
		k = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (k < 0 || (size_t)k >= sizeof(path) || stat(path, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode) && (ends_with(de->d_name, ".journal") || ends_with(de->d_name, ".journal~")))
			r = files_add(fs, path, &st);
		else if (S_ISDIR(st.st_mode) && sub && id128_name(de->d_name) && (!only || !strcmp(de->d_name, only)))
			r = list_dir(fs, path, false, NULL);
	}
	closedir(d);
	return r;
}

static int jfile_cmp(const void *a, const void *b)
{
	const struct jfile *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

int scl_jsrc_list_source(scl_journal_files *fs, const struct source *src)
{
	int r = 0;

	if (src->paths) {
		for (size_t i = 0; r == 0 && src->paths[i]; i++) {
			struct stat st;
			if (stat(src->paths[i], &st) == 0)
				r = files_add(fs, src->paths[i], &st);
		}
	} else if (src->dir) {
		r = list_dir(fs, src->dir, true, NULL);
	} else {
		char mid[33];
		sd_id128_t id;

		if (sd_id128_get_machine(&id) < 0)
			return 0;
		sd_id128_to_string(id, mid);
		r = list_dir(fs, "/run/log/journal", true, mid);
		if (r == 0)
			r = list_dir(fs, "/var/log/journal", true, mid);
	}
	if (r == 0 && fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), jfile_cmp);
	return r;
}

static int tell(const scl_journal_opts *o, void *ud, scl_journal_file_change what, const char *path,
		const char *new_path)
{
	return o->file_changed ? o->file_changed(ud, what, path, new_path) : 0;
}

/*
 * Compare the source's files with o->files, tell the changes and keep the
 * new listing.  *ret_removed: a file went, or it cannot be told.
 */
int scl_jsrc_files_update(const struct source *src, const scl_journal_opts *o, void *ud, bool *ret_removed)
{
	_cleanup_(scl_jsrc_files_freep) scl_journal_files now = { 0 };
	scl_journal_files *old = o->files;
	size_t i = 0, k = 0;
	bool removed = false;
	int r;

	r = scl_jsrc_list_source(&now, src);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		files_clear(old);
		old->init = old->over = true;
		*ret_removed = true;
		return 0;
	}
	if (!old->init || old->over) {
		*ret_removed = old->over;
		files_clear(old);
		*old = now;
		old->init = true;
		now = (scl_journal_files){ 0 };
		return 0;
	}
	r = 0;
	while (r >= 0 && (i < old->n || k < now.n)) {
		const struct jfile *a = i < old->n ? old->v + i : NULL, *b = k < now.n ? now.v + k : NULL;
		int c;

		if (!a)
			c = 1;
		else if (!b)
			c = -1;
		else if (a->dev != b->dev)
			c = a->dev < b->dev ? -1 : 1;
		else
			c = a->ino == b->ino ? 0 : a->ino < b->ino ? -1 : 1;
		if (c < 0 && a) {
			removed = true;
			r = tell(o, ud, SCL_JOURNAL_FILE_REMOVED, a->path, NULL);
			i++;
		} else if (c > 0 && b) {
			r = tell(o, ud, SCL_JOURNAL_FILE_ADDED, b->path, NULL);
			k++;
		} else if (a && b) { /* the same inode */
			const char *base = strrchr(a->path, '/');

			/*
			 * journald renames an active file (no '@') to its archived
			 * name; an archived one is never renamed: the same inode
			 * under another name is a new file in a deleted one's inode.
			 */
			if (!strcmp(a->path, b->path)) {
				r = 0;
			} else if (!strchr(base ? base : a->path, '@')) {
				r = tell(o, ud, SCL_JOURNAL_FILE_ARCHIVED, a->path, b->path);
			} else {
				removed = true;
				r = tell(o, ud, SCL_JOURNAL_FILE_REMOVED, a->path, NULL);
				if (r >= 0)
					r = tell(o, ud, SCL_JOURNAL_FILE_ADDED, b->path, NULL);
			}
			i++;
			k++;
		}
	}
	files_clear(old);
	*old = now;
	old->init = true;
	now = (scl_journal_files){ 0 };
	*ret_removed = removed;
	return r < 0 ? r : 0;
}
