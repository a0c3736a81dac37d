/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
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

int scl_write_atomic(int dirfd, const char *name, scl_write_fn fn, void *userdata, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	size_t len;
	struct stat st;
	FILE *f;
	int fd = -1, r;

	if (!plain_name(name) || !fn)
		return -EINVAL;
	len = strlen(name);
	if (len + 8 > NAME_MAX)
		return -ENAMETOOLONG;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
	} else if (errno != ENOENT) {
		return -errno;
	}

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
	if (fd < 0)
		return -errno;

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
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		r = -errno;
		goto fail;
	}
	{
		/* Make the rename durable; a failure here does not undo the write. */
		_cleanup_close_ int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0)
			(void)fsync(dfd);
	}
	return 0;
fail:
	(void)unlinkat(dirfd, tmp, 0);
	return r;
}

int scl_write_atomic_path(const char *path, scl_write_fn fn, void *userdata, mode_t mode)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	const char *slash, *base;

	if (!path || !path[0])
		return -EINVAL;
	slash = strrchr(path, '/');
	if (!slash)
		return scl_write_atomic(AT_FDCWD, path, fn, userdata, mode);
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
	return scl_write_atomic(dfd, base, fn, userdata, mode);
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
