/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "scmplog/limits.h"
#include "scmplog/source.h"
#include "util.h"

#define BUF_SIZE (4u * 1024 * 1024)
#define ZIN_SIZE BUF_SIZE

struct scl_reader {
	int fd;
	bool own_fd;
	char *name;
	char *buf;
	size_t start, end; /* unread bytes are buf[start..end) */
	bool eof;          /* no more input from the fd / inflater */
	bool discard;      /* inside the remainder of an over-long line */
	uint64_t lineno;
	/* a byte range of a regular file, read with pread (parallel scans) */
	bool ranged;
	off_t off, end_off;
	/* a ranged reader maps its range: lines are slices of the page cache, no copy */
	char *map;
	size_t map_len, map_dropped;
	/* gzip */
	bool detected;
	bool gz;
	bool gz_done;      /* inflate reached a member end with no more input */
	z_stream zs;
	unsigned char *zin;
};

static int reader_new(int fd, bool own, const char *name, scl_reader **ret)
{
	scl_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->fd = fd;
	r->own_fd = own;
	r->name = strdup(name);
	r->buf = malloc(BUF_SIZE);
	if (!r->name || !r->buf) {
		r->own_fd = false;
		scl_reader_free(r);
		return -ENOMEM;
	}
	*ret = r;
	return 0;
}

int scl_reader_open(const char *path, scl_reader **ret)
{
	int fd, rc;

	if (!strcmp(path, "-"))
		return reader_new(STDIN_FILENO, false, "<stdin>", ret);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	rc = reader_new(fd, true, path, ret);
	if (rc < 0)
		close(fd);
	else
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return rc;
}

int scl_reader_open_fd(int fd, const char *name, scl_reader **ret)
{
	return reader_new(fd, false, name, ret);
}

int scl_reader_open_range(int fd, const char *name, uint64_t start, uint64_t len, scl_reader **ret)
{
	scl_reader *r = NULL;
	int rc = reader_new(fd, false, name, &r);

	if (rc < 0)
		return rc;
	r->ranged = true;
	r->off = (off_t)start;
	r->end_off = (off_t)(start + len);
	if (len > 0) {
		/* mmap wants a page-aligned offset: map from the page holding `start` */
		uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), base = start / page * page;
		void *m = mmap(NULL, (size_t)(start + len - base), PROT_READ, MAP_PRIVATE, fd, (off_t)base);
		if (m != MAP_FAILED) {
			madvise(m, (size_t)(start + len - base), MADV_SEQUENTIAL);
			free(r->buf);
			r->map = m;
			r->map_len = (size_t)(start + len - base);
			r->buf = r->map;
			r->start = (size_t)(start - base);
			r->end = r->map_len;
			r->eof = true;
			r->detected = true;
		}
	}
	*ret = r;
	return 0;
}

/*
 * Give back the mapped pages behind the cursor, so that the resident set
 * stays flat however large the file (the page cache keeps them).
 */
static void drop_behind(scl_reader *r)
{
	const size_t step = 2u * 1024 * 1024;

	if (!r->map || r->start < r->map_dropped + 2 * step)
		return;
	madvise(r->map + r->map_dropped, step, MADV_DONTNEED);
	r->map_dropped += step;
}

void scl_reader_free(scl_reader *r)
{
	if (!r)
		return;
	if (r->gz)
		inflateEnd(&r->zs);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->zin);
	if (r->map)
		munmap(r->map, r->map_len);
	else
		free(r->buf);
	free(r->name);
	free(r);
}

uint64_t scl_reader_lineno(const scl_reader *r)
{
	return r->lineno;
}

const char *scl_reader_name(const scl_reader *r)
{
	return r->name;
}

static ssize_t read_fd(int fd, void *p, size_t n)
{
	for (;;) {
		ssize_t k = read(fd, p, n);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

/* Inflate into buf[end..cap).  Handles concatenated gzip members. */
static int fill_gz(scl_reader *r)
{
	size_t room = BUF_SIZE - r->end;

	while (room > 0) {
		int z;
		if (r->zs.avail_in == 0) {
			ssize_t k = read_fd(r->fd, r->zin, ZIN_SIZE);
			if (k < 0)
				return -errno;
			if (k == 0) {
				if (!r->gz_done)
					return -EBADMSG; /* truncated gzip stream */
				r->eof = true;
				return 0;
			}
			r->zs.next_in = r->zin;
			r->zs.avail_in = (uInt)k;
		}
		if (r->gz_done) {
			/* another member follows */
			if (inflateReset(&r->zs) != Z_OK)
				return -EBADMSG;
			r->gz_done = false;
		}
		r->zs.next_out = (unsigned char *)r->buf + r->end;
		r->zs.avail_out = (uInt)room;
		z = inflate(&r->zs, Z_NO_FLUSH);
		r->end += room - r->zs.avail_out;
		room = BUF_SIZE - r->end;
		if (z == Z_STREAM_END)
			r->gz_done = true;
		else if (z != Z_OK && z != Z_BUF_ERROR)
			return -EBADMSG;
		if (r->end > r->start)
			return 0;
	}
	return 0;
}

/* Move unread bytes to the front and read more.  0 on progress or EOF. */
static int fill(scl_reader *r)
{
	ssize_t k;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->eof || r->end == BUF_SIZE)
		return 0;
	if (r->gz)
		return fill_gz(r);
	if (r->ranged) {
		size_t want = BUF_SIZE - r->end;
		if ((off_t)want > r->end_off - r->off)
			want = (size_t)(r->end_off - r->off);
		do
			k = want ? pread(r->fd, r->buf + r->end, want, r->off) : 0;
		while (k < 0 && errno == EINTR);
		if (k > 0)
			r->off += k;
		r->detected = true; /* ranges are only made of plain files */
	} else {
		k = read_fd(r->fd, r->buf + r->end, BUF_SIZE - r->end);
	}
	if (k < 0)
		return -errno;
	if (k == 0)
		r->eof = true;
	r->end += (size_t)k;
	if (!r->detected) {
		r->detected = true;
		if (r->end >= 2 && (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
			/* gzip: what was read so far is compressed input for the inflater */
			r->zin = malloc(ZIN_SIZE);
			if (!r->zin)
				return -ENOMEM;
			memset(&r->zs, 0, sizeof(r->zs));
			if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK)
				return -ENOMEM;
			r->gz = true;
			memcpy(r->zin, r->buf, r->end);
			r->zs.next_in = r->zin;
			r->zs.avail_in = (uInt)r->end;
			r->end = 0;
			r->eof = false;
			return fill_gz(r);
		}
	}
	return 0;
}

int scl_reader_line(scl_reader *r, scl_slice *line, bool *too_long)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = memchr(r->buf + r->start + scanned, '\n', r->end - r->start - scanned);
		if (nl) {
			size_t len = (size_t)(nl - (r->buf + r->start));
			if (r->discard) {
				r->discard = false;
				r->start += len + 1;
				scanned = 0;
				continue;
			}
			/*
			 * Over SCL_MAX_LINE: its first SCL_MAX_LINE bytes, whether
			 * or not the newline was in the buffer already, so the
			 * verdict never depends on where a read or a gzip member
			 * ended.
			 */
			line->p = r->buf + r->start;
			line->n = len > SCL_MAX_LINE ? SCL_MAX_LINE : len;
			*too_long = len > SCL_MAX_LINE;
			r->start += len + 1;
			r->lineno++;
			drop_behind(r);
			return 1;
		}
		scanned = r->end - r->start;
		if (!r->discard && scanned > SCL_MAX_LINE) {
			/* hand out the first SCL_MAX_LINE bytes, drop the rest of the line */
			line->p = r->buf + r->start;
			line->n = SCL_MAX_LINE;
			*too_long = true;
			r->start += scanned;
			r->discard = true;
			r->lineno++;
			return 1;
		}
		if (r->discard) {
			r->start = r->end;
			scanned = 0;
		}
		if (r->eof) {
			if (r->end > r->start && !r->discard) {
				size_t len = r->end - r->start;
				line->p = r->buf + r->start;
				line->n = len > SCL_MAX_LINE ? SCL_MAX_LINE : len;
				*too_long = len > SCL_MAX_LINE;
				r->start = r->end;
				r->lineno++;
				return 1;
			}
			return 0;
		}
		/* fill() moves the unread bytes to the front: `scanned` stays valid */
		int rc = fill(r);
		if (rc < 0)
			return rc;
	}
}

int scl_reader_take(scl_reader *r, size_t n, scl_slice *out)
{
	if (n > BUF_SIZE)
		return -E2BIG;
	while (r->end - r->start < n) {
		if (r->eof)
			return -EBADMSG;
		size_t before = r->end - r->start;
		int rc = fill(r);
		if (rc < 0)
			return rc;
		if (r->end - r->start == before && r->eof)
			return -EBADMSG;
	}
	out->p = r->buf + r->start;
	out->n = n;
	r->start += n;
	return 0;
}
