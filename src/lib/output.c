/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/output.h"

static bool plain_name(const char *name)
{
	return name && name[0] && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static void random_suffix(char *s, size_t n)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[16];

	if (getrandom(rnd, n, GRND_NONBLOCK) != (ssize_t)n) {
		/* No entropy yet (early boot): O_EXCL keeps us correct anyway. */
		static unsigned counter;
		uint64_t x = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)s ^ ++counter;
		for (size_t i = 0; i < n; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
			rnd[i] = (unsigned char)(x >> 56);
	}
	for (size_t i = 0; i < n; i++)
		s[i] = chars[rnd[i] % (sizeof(chars) - 1)];
}

static int stream_error(void)
{
	return errno > 0 ? -errno : -EIO;
}

enum {
	AF_NONE = 0,    /* released, or never prepared */
	AF_PREPARED,    /* tmp holds the new content */
	AF_CREATED,     /* renamed to a name that did not exist */
	AF_SWAPPED,     /* exchanged: name holds the new content, tmp the old */
	AF_LINKED,      /* backup links the old content, tmp renamed over name */
	AF_NO_UNDO,     /* renamed over name, the old content is gone */
	AF_UNDONE,      /* put back as it was: nothing left to remove */
};

/* Check what NAME is now: 0 (regular, *exists set), or -ELOOP/-EISDIR/-EINVAL/-errno. */
static int check_target(int dirfd, const char *name, struct stat *st, bool *exists)
{
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st->st_mode))
			return -ELOOP;
		if (S_ISDIR(st->st_mode))
			return -EISDIR;
		if (!S_ISREG(st->st_mode))
			return -EINVAL;
		*exists = true;
		return 0;
	}
	if (errno != ENOENT)
		return -errno;
	*exists = false;
	return 0;
}

/* Create ".NAME.XXXXXX" in dirfd; its name in tmp (NAME_MAX + 1 bytes).  Returns the fd or -errno. */
static int create_tmp(int dirfd, const char *name, char *tmp, mode_t mode)
{
	size_t len = strlen(name);
	int fd = -1;

	tmp[0] = '.';
	memcpy(tmp + 1, name, len);
	tmp[len + 1] = '.';
	tmp[len + 8] = '\0';
	for (int tries = 0; tries < 100; tries++) {
		random_suffix(tmp + len + 2, 6);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	return fd >= 0 ? fd : -errno;
}

/*
 * The replacement of an existing file keeps its owner, group and mode.  The
 * temporary file was created with the old permission bits, so the umask is
 * the only reason to change them; fchown and fchmod are only called when
 * something differs (a confined collector's own files need neither).
 */
static int keep_owner_mode(int fd, const struct stat *old)
{
	mode_t want = old->st_mode & 07777;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((st.st_uid != old->st_uid || st.st_gid != old->st_gid) && fchown(fd, old->st_uid, old->st_gid) < 0) {
		/* not ours to give away: keep at least the group if we may, and no set-id bits */
		if (st.st_gid != old->st_gid)
			(void)fchown(fd, (uid_t)-1, old->st_gid);
		want &= ~(mode_t)(S_ISUID | S_ISGID);
		if (fstat(fd, &st) < 0)
			return -errno;
	}
	if ((st.st_mode & 07777) != want && fchmod(fd, want) < 0)
		return -errno;
	return 0;
}

int scl_write_prepare(int dirfd, const char *name, scl_write_fn fn, void *userdata, mode_t mode,
		      scl_atomic_file *ret)
{
	scl_atomic_file a = { .dirfd = -1 };
	struct stat old;
	bool exists = false;
	FILE *f;
	int fd, r;

	if (!plain_name(name) || !fn || !ret)
		return -EINVAL;
	if (strlen(name) + 8 > NAME_MAX)
		return -ENAMETOOLONG;
	r = check_target(dirfd, name, &old, &exists);
	if (r < 0)
		return r;
	/* our own descriptor of the directory: the caller's may be gone by the commit */
	a.dirfd = dirfd == AT_FDCWD ? open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)
				    : fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (a.dirfd < 0)
		return -errno;
	memcpy(a.name, name, strlen(name) + 1);

	fd = create_tmp(a.dirfd, name, a.tmp, exists ? old.st_mode & 0777 : mode);
	if (fd < 0) {
		close(a.dirfd);
		return fd;
	}
	a.state = AF_PREPARED;
	r = exists ? keep_owner_mode(fd, &old) : 0;
	if (r < 0) {
		close(fd);
		goto fail;
	}
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	r = fn(f, userdata);
	if (r >= 0) {
		errno = 0;
		if (fflush(f) != 0 || ferror(f))
			r = stream_error();
		else if (fsync(fd) < 0)
			r = -errno;
	}
	if (fclose(f) != 0 && r >= 0)
		r = stream_error();
	if (r < 0)
		goto fail;
	*ret = a;
	return 0;
fail:
	scl_write_abort(&a);
	return r;
}

int scl_write_prepare_path(const char *path, scl_write_fn fn, void *userdata, mode_t mode, scl_atomic_file *ret)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	const char *slash, *base;

	if (!path || !path[0])
		return -EINVAL;
	slash = strrchr(path, '/');
	if (!slash)
		return scl_write_prepare(AT_FDCWD, path, fn, userdata, mode, ret);
	base = slash + 1;
	if (!base[0])
		return -EISDIR;
	if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	dfd = open(dir, O_DIRECTORY | O_CLOEXEC | O_PATH);
	if (dfd < 0)
		return -errno;
	return scl_write_prepare(dfd, base, fn, userdata, mode, ret);
}

void scl_write_abort(scl_atomic_file *f)
{
	if (!f || f->state == AF_NONE)
		return;
	if (f->state == AF_PREPARED || f->state == AF_SWAPPED)
		(void)unlinkat(f->dirfd, f->tmp, 0);
	if (f->state == AF_LINKED)
		(void)unlinkat(f->dirfd, f->backup, 0);
	close(f->dirfd);
	f->dirfd = -1;
	f->state = AF_NONE;
}

static bool no_exchange(int e)
{
	/* not supported by the file system, the kernel, or a seccomp filter */
	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == EPERM;
}

/* One file into place, so that it can be undone.  Returns 0 or -errno (nothing changed). */
static int put_in_place(scl_atomic_file *f)
{
	struct stat st;
	bool exists = false;
	int r;

	for (int tries = 0; tries < 2; tries++) {
		r = check_target(f->dirfd, f->name, &st, &exists);
		if (r < 0)
			return r;
		if (!exists) {
			if (renameat2(f->dirfd, f->tmp, f->dirfd, f->name, RENAME_NOREPLACE) == 0) {
				f->state = AF_CREATED;
				return 0;
			}
			if (errno == EEXIST)
				continue; /* it appeared meanwhile: replace it as an existing one */
			if (!no_exchange(errno))
				return -errno;
			if (renameat(f->dirfd, f->tmp, f->dirfd, f->name) < 0)
				return -errno;
			f->state = AF_CREATED;
			return 0;
		}
		if (renameat2(f->dirfd, f->tmp, f->dirfd, f->name, RENAME_EXCHANGE) == 0) {
			f->state = AF_SWAPPED;
			return 0;
		}
		if (errno == ENOENT)
			continue; /* it went away meanwhile */
		if (!no_exchange(errno))
			return -errno;
		/* no exchange here: keep the old content under a second name */
		memcpy(f->backup, f->tmp, sizeof(f->backup));
		f->state = AF_NO_UNDO;
		for (int k = 0; k < 100; k++) {
			random_suffix(f->backup + strlen(f->name) + 2, 6);
			if (linkat(f->dirfd, f->name, f->dirfd, f->backup, 0) == 0) {
				f->state = AF_LINKED;
				break;
			}
			if (errno != EEXIST)
				break;
		}
		if (renameat(f->dirfd, f->tmp, f->dirfd, f->name) < 0) {
			r = -errno;
			if (f->state == AF_LINKED)
				(void)unlinkat(f->dirfd, f->backup, 0);
			f->state = AF_PREPARED;
			return r;
		}
		return 0;
	}
	return -EAGAIN;
}

/* Give NAME its old content back; returns whether that worked. */
static bool undo(scl_atomic_file *f)
{
	switch (f->state) {
	case AF_CREATED:
		if (unlinkat(f->dirfd, f->name, 0) < 0)
			return false;
		f->state = AF_UNDONE;
		return true;
	case AF_SWAPPED:
		if (renameat2(f->dirfd, f->tmp, f->dirfd, f->name, RENAME_EXCHANGE) < 0)
			return false;
		f->state = AF_PREPARED; /* tmp holds the new content again: removed on release */
		return true;
	case AF_LINKED:
		if (renameat(f->dirfd, f->backup, f->dirfd, f->name) < 0)
			return false;
		f->state = AF_UNDONE;
		return true;
	default:
		return false;
	}
}

int scl_write_commit(scl_atomic_file *f, size_t n, size_t *ret_failed)
{
	size_t i;
	int r = 0;

	for (i = 0; i < n; i++)
		f[i].in_place = 0;
	for (i = 0; i < n; i++) {
		if (f[i].state != AF_PREPARED) {
			r = -EINVAL;
			break;
		}
		/* one file alone needs no undo: a plain rename, as scl_write_atomic() always did */
		if (n == 1) {
			if (renameat(f[i].dirfd, f[i].tmp, f[i].dirfd, f[i].name) < 0) {
				r = -errno;
				break;
			}
			f[i].state = AF_NO_UNDO;
		} else {
			r = put_in_place(&f[i]);
			if (r < 0)
				break;
		}
		f[i].in_place = 1;
	}
	if (r < 0) {
		if (ret_failed)
			*ret_failed = i;
		while (i-- > 0)
			if (undo(&f[i]))
				f[i].in_place = 0;
	}
	for (i = 0; i < n; i++) {
		/* make the renames durable; a failure here does not undo them */
		if (r == 0 && f[i].state != AF_NONE) {
			_cleanup_close_ int dfd = openat(f[i].dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0)
				(void)fsync(dfd);
		}
		scl_write_abort(&f[i]);
	}
	return r;
}

int scl_write_atomic(int dirfd, const char *name, scl_write_fn fn, void *userdata, mode_t mode)
{
	scl_atomic_file a = { .dirfd = -1 };
	int r = scl_write_prepare(dirfd, name, fn, userdata, mode, &a);

	return r < 0 ? r : scl_write_commit(&a, 1, NULL);
}

int scl_write_atomic_path(const char *path, scl_write_fn fn, void *userdata, mode_t mode)
{
	scl_atomic_file a = { .dirfd = -1 };
	int r = scl_write_prepare_path(path, fn, userdata, mode, &a);

	return r < 0 ? r : scl_write_commit(&a, 1, NULL);
}

static bool keep_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool ends_like_hash(const char *in, size_t n)
{
	if (n < SCL_FILENAME_HASH_LEN || in[n - SCL_FILENAME_HASH_LEN] != '-')
		return false;
	for (size_t i = n - SCL_FILENAME_HASH_LEN + 1; i < n; i++)
		if (!((in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'f')))
			return false;
	return true;
}

int scl_sanitize_filename(const char *in, size_t n, char *out, size_t outlen)
{
	return scl_sanitize_filename_alt(in, n, 0, out, outlen);
}

static void put_hash(char *buf, size_t *len, uint64_t h)
{
	static const char hex[] = "0123456789abcdef";

	if (*len > SCL_MAX_FILE_NAME - SCL_FILENAME_HASH_LEN)
		*len = SCL_MAX_FILE_NAME - SCL_FILENAME_HASH_LEN;
	if (*len == 0)
		buf[(*len)++] = '_';
	buf[(*len)++] = '-';
	for (int i = 7; i >= 0; i--)
		buf[(*len)++] = hex[(h >> (i * 4 + 32)) & 15];
}

int scl_sanitize_filename_alt(const char *in, size_t n, unsigned attempt, char *out, size_t outlen)
{
	char buf[SCL_MAX_FILE_NAME + 1];
	bool changed = n == 0 || n > SCL_MAX_FILE_NAME || ends_like_hash(in, n);
	size_t body = n < SCL_MAX_FILE_NAME ? n : SCL_MAX_FILE_NAME;
	size_t len;

	for (size_t i = 0; i < body; i++) {
		unsigned char c = (unsigned char)in[i];
		if (!keep_byte(c) || (i == 0 && c == '.')) {
			buf[i] = '_';
			changed = true;
		} else {
			buf[i] = (char)c;
			if (c >= 'A' && c <= 'Z')
				changed = true;
		}
	}
	len = body;
	if (changed)
		put_hash(buf, &len, scl_fnv1a(SCL_FNV_OFFSET, in, n));
	if (attempt > 0)
		/* another start value: a hash independent of the first, of the same whole input */
		put_hash(buf, &len, scl_fnv1a(SCL_FNV_OFFSET ^ scl_mix64(attempt), in, n));
	if (outlen < len + 1)
		return -ENOBUFS;
	memcpy(out, buf, len);
	out[len] = '\0';
	return (int)len;
}
