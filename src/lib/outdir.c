/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "scmplog/outdir.h"
#include "scmplog/output.h"

/* One key's file. */
struct ofile {
	char base[SCL_MAX_FILE_NAME + 1];
	char *key;   /* key_n bytes, any */
	size_t key_n;
};

struct scl_outdir {
	int fd;
	char *path;
	char ext[16];
	struct ofile *files;
	size_t n_files, files_cap;
	/* files by key and by base name folded to lower case: indexes (+1; 0 is empty), at most half full */
	uint32_t *by_key, *by_base;
	size_t index_cap;
};

int scl_outdir_open(const char *path, const char *ext, scl_outdir **ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *plain = NULL;
	scl_outdir *d;

	if (!path || !path[0] || !ret)
		return -EINVAL;
	if (!ext)
		ext = ".json";
	if (strlen(ext) >= sizeof(d->ext))
		return -EINVAL;
	/* "link/" would resolve the link: the last component without its trailing slashes */
	plain = strdup(path);
	if (!plain)
		return -ENOMEM;
	for (size_t n = strlen(plain); n > 1 && plain[n - 1] == '/'; n--)
		plain[n - 1] = '\0';
	if (mkdir(plain, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* O_NOFOLLOW: a link planted where the directory should be is not followed (ELOOP) */
	fd = open(plain, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		struct stat st;
		int r = -errno;

		/* with O_DIRECTORY the kernel says ENOTDIR for a link, before O_NOFOLLOW's ELOOP */
		if (r == -ENOTDIR && lstat(plain, &st) == 0 && S_ISLNK(st.st_mode))
			r = -ELOOP;
		return r;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->path = strdup(path);
	if (!d->path) {
		free(d);
		return -ENOMEM;
	}
	memcpy(d->ext, ext, strlen(ext) + 1);
	d->fd = TAKE_FD(fd);
	*ret = d;
	return 0;
}

void scl_outdir_free(scl_outdir *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_files; i++)
		free(d->files[i].key);
	free(d->files);
	free(d->by_key);
	free(d->by_base);
	free(d->path);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

int scl_outdir_fd(const scl_outdir *d)
{
	return d->fd;
}

const char *scl_outdir_path(const scl_outdir *d)
{
	return d->path;
}

size_t scl_outdir_count(const scl_outdir *d)
{
	return d->n_files;
}

const char *scl_outdir_base(const scl_outdir *d, size_t index)
{
	return index < d->n_files ? d->files[index].base : NULL;
}

const char *scl_outdir_key(const scl_outdir *d, size_t index, size_t *ret_n)
{
	if (index >= d->n_files)
		return NULL;
	if (ret_n)
		*ret_n = d->files[index].key_n;
	return d->files[index].key;
}

static uint64_t file_hash(const char *s, size_t n, bool fold)
{
	uint64_t h = SCL_FNV_OFFSET;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (fold && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 0x100000001b3ULL;
	}
	return scl_mix64(h);
}

/*
 * The index of the file with key s (by_base false), or whose base name
 * equals s but for case (by_base true: two names that differ only in case
 * are one file on a case-insensitive file system); -1 if none.
 */
static long file_find(const scl_outdir *d, bool by_base, const char *s, size_t n)
{
	const uint32_t *x = by_base ? d->by_base : d->by_key;
	size_t mask = d->index_cap - 1;

	if (!d->index_cap)
		return -1;
	for (size_t i = file_hash(s, n, by_base) & mask; x[i]; i = (i + 1) & mask) {
		const struct ofile *f = &d->files[x[i] - 1];

		if (by_base ? strlen(f->base) == n && !strncasecmp(f->base, s, n)
			    : f->key_n == n && !memcmp(f->key, s, n))
			return (long)x[i] - 1;
	}
	return -1;
}

long scl_outdir_find(const scl_outdir *d, const char *key, size_t n)
{
	return file_find(d, false, key, n);
}

static void index_put(scl_outdir *d, size_t k)
{
	const struct ofile *f = &d->files[k];
	size_t mask = d->index_cap - 1, i;

	for (i = file_hash(f->key, f->key_n, false) & mask; d->by_key[i]; i = (i + 1) & mask)
		;
	d->by_key[i] = (uint32_t)k + 1;
	for (i = file_hash(f->base, strlen(f->base), true) & mask; d->by_base[i]; i = (i + 1) & mask)
		;
	d->by_base[i] = (uint32_t)k + 1;
}

/* Room for one more file and its index entries. */
static int files_reserve(scl_outdir *d)
{
	if (d->n_files >= UINT32_MAX - 1)
		return -ENOMEM;
	if (d->n_files == d->files_cap) {
		size_t cap = d->files_cap ? d->files_cap * 2 : 16;
		struct ofile *nf = realloc(d->files, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		d->files = nf;
		d->files_cap = cap;
	}
	if ((d->n_files + 1) * 2 > d->index_cap) {
		size_t cap = d->index_cap ? d->index_cap * 2 : 64;
		uint32_t *bk = calloc(cap, sizeof(*bk)), *bb = calloc(cap, sizeof(*bb));

		if (!bk || !bb) {
			free(bk);
			free(bb);
			return -ENOMEM;
		}
		free(d->by_key);
		free(d->by_base);
		d->by_key = bk;
		d->by_base = bb;
		d->index_cap = cap;
		for (size_t k = 0; k < d->n_files; k++)
			index_put(d, k);
	}
	return 0;
}

/* BASE.EXT is in the directory (or is something a read or write will refuse): a file of an earlier run. */
static bool on_disk(const scl_outdir *d, const char *base)
{
	char fname[SCL_MAX_FILE_NAME + sizeof(d->ext)];
	struct stat st;

	snprintf(fname, sizeof(fname), "%s%s", base, d->ext);
	return fstatat(d->fd, fname, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

int scl_outdir_file(scl_outdir *d, const char *key, size_t key_n, scl_outdir_name *ret)
{
	char base[SCL_MAX_FILE_NAME + 1];
	scl_outdir_name res = { 0 };
	long k = file_find(d, false, key, key_n);
	struct ofile *nf;
	unsigned attempt;
	int len, r;

	if (k >= 0) {
		*ret = (scl_outdir_name){ .index = (size_t)k };
		return 0;
	}
	len = scl_sanitize_filename_alt(key, key_n, 0, base, sizeof(base));
	if (len < 0)
		return len; /* cannot happen: the buffer is always large enough */
	/* a hashed name: an alternative an earlier run gave this key, still in the directory, is taken again */
	if ((size_t)len != key_n || memcmp(base, key, key_n)) {
		for (attempt = 1; attempt < SCL_OUTDIR_NAME_ATTEMPTS && !res.resumed_alt; attempt++) {
			len = scl_sanitize_filename_alt(key, key_n, attempt, base, sizeof(base));
			res.resumed_alt = len > 0 && file_find(d, true, base, (size_t)len) < 0 && on_disk(d, base);
		}
	}
	for (attempt = 0; !res.resumed_alt && attempt < SCL_OUTDIR_NAME_ATTEMPTS; attempt++) {
		len = scl_sanitize_filename_alt(key, key_n, attempt, base, sizeof(base));
		if (len < 0)
			return len;
		k = file_find(d, true, base, (size_t)len);
		if (k < 0)
			break;
		if (!res.collision) {
			res.collision = true;
			res.other = (size_t)k;
			memcpy(res.taken, base, (size_t)len + 1);
			res.case_only = strcmp(base, d->files[k].base) != 0;
		}
	}
	if (!res.resumed_alt && attempt == SCL_OUTDIR_NAME_ATTEMPTS)
		return -EEXIST;
	r = files_reserve(d);
	if (r < 0)
		return r;
	nf = &d->files[d->n_files];
	memset(nf, 0, sizeof(*nf));
	nf->key = malloc(key_n ? key_n : 1);
	if (!nf->key)
		return -ENOMEM;
	if (key_n)
		memcpy(nf->key, key, key_n);
	nf->key_n = key_n;
	memcpy(nf->base, base, strlen(base) + 1);
	index_put(d, d->n_files);
	res.index = d->n_files++;
	res.is_new = true;
	*ret = res;
	return 0;
}

const char *scl_outdir_container_key(const scl_container *c, const char *pods_dir, const char *containers_dir,
				     char buf[SCL_OUTDIR_CONTAINER_KEY_MAX])
{
	scl_k8s_names k;

	if (c->pod_uid[0] && scl_container_k8s_names(pods_dir, containers_dir, c->pod_uid, c->id, &k) == 0 &&
	    k.container[0]) {
		snprintf(buf, SCL_OUTDIR_CONTAINER_KEY_MAX, "%s_%s_%s", k.namespace_, k.pod, k.container);
		return buf;
	}
	return c->id;
}

static void set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

int scl_outdir_read(const scl_outdir *d, const char *base, scl_profile **ret, char ***ret_warnings, char *err,
		    size_t errlen)
{
	char fname[SCL_MAX_FILE_NAME + 8];
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (!base || !base[0] || strchr(base, '/') || strlen(base) > SCL_MAX_FILE_NAME || !ret)
		return -EINVAL;
	snprintf(fname, sizeof(fname), "%s.json", base);
	fd = openat(d->fd, fname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*ret = NULL;
			return 0;
		}
		r = -errno;
		set_err(err, errlen, r == -ELOOP ? "a symbolic link, not followed" : strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		set_err(err, errlen, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "not a regular file");
		return -EINVAL;
	}
	return scl_profile_read_oci_fd(fd, ret, ret_warnings, err, errlen);
}

struct write_ctx {
	const scl_profile *p;
	scl_format fmt;
	scl_profile_write_options o;
};

static int write_cb(FILE *f, void *userdata)
{
	const struct write_ctx *c = userdata;

	return scl_profile_write(c->p, c->fmt, &c->o, f);
}

int scl_outdir_write(const scl_outdir *d, const char *base, const scl_profile *p, scl_format fmt,
		     const scl_profile_write_options *o)
{
	struct write_ctx c = { .p = p, .fmt = fmt };
	char fname[SCL_MAX_FILE_NAME + 16];
	const char *ext = scl_format_ext(fmt);

	if (!base || !base[0] || strlen(base) > SCL_MAX_FILE_NAME || !p || !ext[0])
		return -EINVAL;
	if (o)
		c.o = *o;
	if (!c.o.k8s.name)
		c.o.k8s.name = base;
	snprintf(fname, sizeof(fname), "%s%s", base, ext);
	return scl_write_atomic(d->fd, fname, write_cb, &c, 0644);
}
