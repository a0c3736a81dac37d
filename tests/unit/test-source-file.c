/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "scmplog/limits.h"
#include "scmplog/source.h"
#include "unit-util.h"

/* A temporary file holding data[0..n); the caller unlinks and frees the path. */
static char *tmp_file(const void *data, size_t n)
{
	char *path = strdup("/tmp/scl-test-source-XXXXXX");
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	for (size_t off = 0; off < n;) {
		ssize_t k = write(fd, (const char *)data + off, n - off);
		ck_assert_int_gt(k, 0);
		off += (size_t)k;
	}
	close(fd);
	return path;
}

/* One gzip member of data[0..n), appended to *buf (realloc'd), *len updated. */
static void gzip_append(char **buf, size_t *len, const void *data, size_t n)
{
	z_stream zs;
	size_t cap = compressBound((uLong)n) + 64;
	int z;

	*buf = realloc(*buf, *len + cap);
	ck_assert_ptr_nonnull(*buf);
	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)*buf + *len;
	zs.avail_out = (uInt)cap;
	z = deflate(&zs, Z_FINISH);
	ck_assert_int_eq(z, Z_STREAM_END);
	*len += cap - zs.avail_out;
	deflateEnd(&zs);
}

struct line {
	char *p;
	size_t n;
	bool too_long;
	uint64_t lineno;
};

/* Read every line of path; returns the count, lines in *ret; rc of the last call in *ret_rc. */
static size_t read_all(const char *path, struct line **ret, int *ret_rc)
{
	scl_reader *r = NULL;
	struct line *v = NULL;
	size_t n = 0;
	scl_slice s;
	bool too_long;
	int rc;

	ck_assert_int_eq(scl_reader_open(path, &r), 0);
	ck_assert_str_eq(scl_reader_name(r), path);
	while ((rc = scl_reader_line(r, &s, &too_long)) > 0) {
		v = realloc(v, (n + 1) * sizeof(*v));
		ck_assert_ptr_nonnull(v);
		v[n].p = malloc(s.n + 1);
		ck_assert_ptr_nonnull(v[n].p);
		memcpy(v[n].p, s.p, s.n);
		v[n].p[s.n] = '\0';
		v[n].n = s.n;
		v[n].too_long = too_long;
		v[n].lineno = scl_reader_lineno(r);
		n++;
	}
	*ret_rc = rc;
	/* the end is sticky */
	if (rc == 0)
		ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 0);
	scl_reader_free(r);
	*ret = v;
	return n;
}

static void free_lines(struct line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].p);
	free(v);
}

/* Plain inputs and the lines they must give (NULL-terminated; "\a" marks a line cut as too long). */
static const struct plain_case {
	const char *data;
	size_t n; /* 0: strlen */
	const char *lines[6];
	size_t lens[6]; /* 0: strlen */
} plain_cases[] = {
	{ "", 0, { NULL }, { 0 } },
	{ "a\nb\n", 0, { "a", "b", NULL }, { 0 } },
	{ "a\nb", 0, { "a", "b", NULL }, { 0 } },           /* last line without newline */
	{ "\n\n", 0, { "", "", NULL }, { 0 } },             /* empty lines count */
	{ "x\r\ny\r\n", 0, { "x\r", "y\r", NULL }, { 0 } }, /* CR is the parser's business */
	{ "a\0b\nc\n", 6, { "a\0b", "c", NULL }, { 3, 0 } }, /* NUL bytes stay, with the length */
	{ "\0\0\0", 3, { "\0\0\0", NULL }, { 3 } },
	{ "one line no newline", 0, { "one line no newline", NULL }, { 0 } },
};

START_TEST(test_plain)
{
	const struct plain_case *t = &plain_cases[_i];
	size_t n = t->n ? t->n : strlen(t->data), want = 0, got;
	char *path = tmp_file(t->data, n);
	struct line *v;
	int rc;

	while (t->lines[want])
		want++;
	got = read_all(path, &v, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(got, want);
	for (size_t i = 0; i < got; i++) {
		size_t len = t->lens[i] ? t->lens[i] : strlen(t->lines[i]);
		ck_assert_uint_eq(v[i].n, len);
		ck_assert(!memcmp(v[i].p, t->lines[i], len));
		ck_assert(!v[i].too_long);
		ck_assert_uint_eq(v[i].lineno, i + 1);
	}
	free_lines(v, got);
	unlink(path);
	free(path);
}
END_TEST

/* The same lines, gzip-compressed as one member and as several (rotated logs concatenated). */
START_TEST(test_gzip)
{
	const char *text = "first\nsecond line\n\nfourth\nlast without newline";
	const size_t tn = strlen(text);
	/* member splits: inside a line, at a line end, and every byte */
	const size_t splits[][4] = { { tn, 0 }, { 3, tn, 0 }, { 6, 18, 19, tn }, { 0 } };
	int rc;

	for (size_t s = 0; s < 4; s++) {
		char *gz = NULL, *path;
		size_t gn = 0, from = 0;
		struct line *v;
		size_t got;

		if (s < 3) {
			for (size_t k = 0; k < 4 && splits[s][k]; k++) {
				gzip_append(&gz, &gn, text + from, splits[s][k] - from);
				from = splits[s][k];
			}
		} else {
			for (size_t k = 0; k < tn; k++)
				gzip_append(&gz, &gn, text + k, 1);
		}
		path = tmp_file(gz, gn);
		got = read_all(path, &v, &rc);
		ck_assert_msg(rc == 0, "split %zu: rc=%d", s, rc);
		ck_assert_uint_eq(got, 5);
		ck_assert_str_eq(v[0].p, "first");
		ck_assert_str_eq(v[1].p, "second line");
		ck_assert_str_eq(v[2].p, "");
		ck_assert_str_eq(v[3].p, "fourth");
		ck_assert_str_eq(v[4].p, "last without newline");
		ck_assert_uint_eq(v[4].lineno, 5);
		free_lines(v, got);
		unlink(path);
		free(path);
		free(gz);
	}
}
END_TEST

/* Damaged gzip: -EBADMSG, after whatever lines came before the damage. */
enum damage { CUT_HALF, CUT_TRAILER, FLIP_DATA, BAD_SECOND_MEMBER, ONLY_MAGIC, JUNK_AFTER };

START_TEST(test_gzip_corrupt)
{
	char text[8192], *gz = NULL, *path;
	size_t gn = 0, got, first_len;
	struct line *v;
	int rc;

	/* incompressible enough that a cut lands inside the deflate data */
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (i % 61 == 60) ? '\n' : (char)('!' + (i * 7919 % 89));
	gzip_append(&gz, &gn, text, sizeof(text));
	first_len = gn;
	switch ((enum damage)_i) {
	case CUT_HALF:
		gn /= 2;
		break;
	case CUT_TRAILER:
		gn -= 4; /* CRC and length are checked */
		break;
	case FLIP_DATA:
		gz[gn - 12] ^= 0x55; /* the CRC no longer matches, or the data breaks */
		break;
	case BAD_SECOND_MEMBER:
		gzip_append(&gz, &gn, "more\n", 5);
		gz[first_len + 3] = 0x7f; /* FLG with reserved bits */
		break;
	case ONLY_MAGIC:
		gn = 2;
		break;
	case JUNK_AFTER:
		gz = realloc(gz, gn + 16);
		memcpy(gz + gn, "not gzip at all\n", 16);
		gn += 16;
		break;
	}
	path = tmp_file(gz, gn);
	got = read_all(path, &v, &rc);
	ck_assert_msg(rc == -EBADMSG, "damage %d: rc=%d after %zu lines", _i, rc, got);
	/*
	 * Whatever came out before a cut is the real text; flipped bits may
	 * inflate to garbage first (the CRC is only checked at the member end).
	 */
	for (size_t i = 0; _i != FLIP_DATA && i < got; i++)
		ck_assert(!memcmp(v[i].p, text + i * 61, v[i].n));
	free_lines(v, got);
	unlink(path);
	free(path);
	free(gz);
}
END_TEST

/*
 * Over-long lines, plain and gzip: cut at SCL_MAX_LINE, counted as one line,
 * the rest dropped.  The long line is longer than the reader's 4 MiB buffer,
 * so that its end is not in sight when the limit is checked.
 */
START_TEST(test_too_long)
{
	const size_t big = (5u << 20) + 17, n = 2 + SCL_MAX_LINE + 1 + big + 1 + 3 + 200000;
	char *data = malloc(n), *gz = NULL, *path, *p = data;
	size_t gn = 0;

	ck_assert_ptr_nonnull(data);
	memcpy(p, "a\n", 2), p += 2;
	memset(p, 'x', SCL_MAX_LINE), p += SCL_MAX_LINE; /* exactly the limit: not too long */
	*p++ = '\n';
	memset(p, 'y', big), p += big;
	*p++ = '\n';
	memcpy(p, "zz\n", 3), p += 3;
	memset(p, 'w', 200000), p += 200000; /* over the limit at the end, no newline */
	ck_assert_uint_eq((size_t)(p - data), n);
	gzip_append(&gz, &gn, data, n);
	for (int form = 0; form < 2; form++) {
		struct line *v;
		size_t got;
		int rc;

		path = form ? tmp_file(gz, gn) : tmp_file(data, n);
		got = read_all(path, &v, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(got, 5);
		ck_assert_str_eq(v[0].p, "a");
		ck_assert_uint_eq(v[1].n, SCL_MAX_LINE);
		ck_assert(!v[1].too_long);
		ck_assert_uint_eq(v[2].n, SCL_MAX_LINE);
		ck_assert(v[2].too_long);
		ck_assert_int_eq(v[2].p[0], 'y');
		ck_assert_int_eq(v[2].p[SCL_MAX_LINE - 1], 'y');
		ck_assert_str_eq(v[3].p, "zz");
		ck_assert_uint_eq(v[3].lineno, 4);
		ck_assert(!v[3].too_long);
		ck_assert(v[4].too_long);
		ck_assert_uint_eq(v[4].n, SCL_MAX_LINE);
		ck_assert_uint_eq(v[4].lineno, 5);
		free_lines(v, got);
		unlink(path);
		free(path);
	}
	free(gz);
	free(data);
}
END_TEST

/*
 * The verdict on a line's length does not depend on where its newline is:
 * one SCL_MAX_LINE + 1 bytes long with the newline in the same buffer (or in
 * the same gzip member) is too long; one of exactly SCL_MAX_LINE bytes whose
 * newline comes only with the next gzip member is not.
 */
START_TEST(test_too_long_in_buffer)
{
	const size_t n = (SCL_MAX_LINE + 1) + 1 + 4 + 70000 + 1 + 3;
	char *data = malloc(n), *gz = NULL, *path, *p = data;
	char *lim = malloc(SCL_MAX_LINE);
	size_t gn = 0;

	ck_assert_ptr_nonnull(data);
	ck_assert_ptr_nonnull(lim);
	memset(p, 'x', SCL_MAX_LINE + 1), p += SCL_MAX_LINE + 1;
	*p++ = '\n';
	memcpy(p, "abc\n", 4), p += 4;
	memset(p, 'y', 70000), p += 70000;
	*p++ = '\n';
	memcpy(p, "zz\n", 3), p += 3;
	ck_assert_uint_eq((size_t)(p - data), n);
	gzip_append(&gz, &gn, data, n);
	for (int form = 0; form < 2; form++) {
		struct line *v;
		size_t got;
		int rc;

		path = form ? tmp_file(gz, gn) : tmp_file(data, n);
		got = read_all(path, &v, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(got, 4);
		ck_assert(v[0].too_long);
		ck_assert_uint_eq(v[0].n, SCL_MAX_LINE);
		ck_assert_str_eq(v[1].p, "abc");
		ck_assert(!v[1].too_long);
		ck_assert(v[2].too_long);
		ck_assert_uint_eq(v[2].n, SCL_MAX_LINE);
		ck_assert_uint_eq(v[2].lineno, 3);
		ck_assert_str_eq(v[3].p, "zz");
		ck_assert_uint_eq(v[3].lineno, 4);
		free_lines(v, got);
		unlink(path);
		free(path);
	}
	/* exactly the limit, its newline in the next gzip member */
	free(gz);
	gz = NULL;
	gn = 0;
	memset(lim, 'q', SCL_MAX_LINE);
	gzip_append(&gz, &gn, lim, SCL_MAX_LINE);
	gzip_append(&gz, &gn, "\nok\n", 4);
	{
		struct line *v;
		size_t got;
		int rc;

		path = tmp_file(gz, gn);
		got = read_all(path, &v, &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(got, 2);
		ck_assert_uint_eq(v[0].n, SCL_MAX_LINE);
		ck_assert(!v[0].too_long);
		ck_assert_str_eq(v[1].p, "ok");
		free_lines(v, got);
		unlink(path);
		free(path);
	}
	free(lim);
	free(gz);
	free(data);
}
END_TEST

/*
 * More than the 4 MiB buffer, plain and gzip: lines across every refill
 * come out whole.  Line i is i%997+1 bytes of one letter.
 */
START_TEST(test_large)
{
	size_t cap = 12u << 20, n = 0, lines = 0;
	char *data = malloc(cap), *gz = NULL, *path;
	size_t gn = 0;

	ck_assert_ptr_nonnull(data);
	while (n + 1000 < cap) {
		size_t len = lines % 997 + 1;
		memset(data + n, 'a' + (int)(lines % 26), len);
		n += len;
		data[n++] = '\n';
		lines++;
	}
	gzip_append(&gz, &gn, data, n / 2);
	gzip_append(&gz, &gn, data + n / 2, n - n / 2); /* n/2 is inside some line */
	for (int form = 0; form < 2; form++) {
		scl_reader *r = NULL;
		scl_slice s;
		bool too_long;
		size_t i = 0, off = 0;
		int rc;

		path = form ? tmp_file(gz, gn) : tmp_file(data, n);
		ck_assert_int_eq(scl_reader_open(path, &r), 0);
		while ((rc = scl_reader_line(r, &s, &too_long)) > 0) {
			size_t len = i % 997 + 1;
			ck_assert_msg(s.n == len, "form %d line %zu: %zu bytes, want %zu", form, i, s.n, len);
			ck_assert(!memcmp(s.p, data + off, len));
			off += len + 1;
			i++;
		}
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(i, lines);
		ck_assert_uint_eq(scl_reader_lineno(r), lines);
		scl_reader_free(r);
		unlink(path);
		free(path);
	}
	free(gz);
	free(data);
}
END_TEST

/* A byte range of a file: lines of the range only, numbered from 1. */
START_TEST(test_range)
{
	const char text[] = "l1\nl2\nl3\nl4\nl5\n";
	char *path = tmp_file(text, sizeof(text) - 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	scl_reader *r = NULL;
	scl_slice s;
	bool too_long;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(scl_reader_open_range(fd, "part", 6, 6, &r), 0);
	ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 1);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(!memcmp(s.p, "l3", 2));
	ck_assert_uint_eq(scl_reader_lineno(r), 1);
	ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 1);
	ck_assert(!memcmp(s.p, "l4", 2));
	ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 0);
	ck_assert_str_eq(scl_reader_name(r), "part");
	scl_reader_free(r);
	/* an empty range */
	ck_assert_int_eq(scl_reader_open_range(fd, "empty", 15, 0, &r), 0);
	ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 0);
	scl_reader_free(r);
	/* several readers share the fd */
	scl_reader *a = NULL, *b = NULL;
	ck_assert_int_eq(scl_reader_open_range(fd, "a", 0, 3, &a), 0);
	ck_assert_int_eq(scl_reader_open_range(fd, "b", 12, 3, &b), 0);
	ck_assert_int_eq(scl_reader_line(b, &s, &too_long), 1);
	ck_assert(!memcmp(s.p, "l5", 2));
	ck_assert_int_eq(scl_reader_line(a, &s, &too_long), 1);
	ck_assert(!memcmp(s.p, "l1", 2));
	scl_reader_free(a);
	scl_reader_free(b);
	close(fd); /* the caller's: the readers did not close it */
	unlink(path);
	free(path);
}
END_TEST

/* An fd the caller keeps (a pipe: no seeking, short reads), plain and gzip. */
START_TEST(test_fd_pipe)
{
	const char text[] = "p1\np2\n";
	char *gz = NULL;
	size_t gn = 0;

	gzip_append(&gz, &gn, text, sizeof(text) - 1);
	for (int form = 0; form < 2; form++) {
		int pfd[2];
		scl_reader *r = NULL;
		scl_slice s;
		bool too_long;

		ck_assert_int_eq(pipe(pfd), 0);
		if (form)
			ck_assert_int_eq(write(pfd[1], gz, gn), (ssize_t)gn);
		else
			ck_assert_int_eq(write(pfd[1], text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
		close(pfd[1]);
		ck_assert_int_eq(scl_reader_open_fd(pfd[0], "<pipe>", &r), 0);
		ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 1);
		ck_assert(s.n == 2 && !memcmp(s.p, "p1", 2));
		ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 1);
		ck_assert(s.n == 2 && !memcmp(s.p, "p2", 2));
		ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 0);
		scl_reader_free(r);
		ck_assert_int_ge(fcntl(pfd[0], F_GETFD), 0); /* still open: the caller closes it */
		close(pfd[0]);
	}
	free(gz);
}
END_TEST

/* scl_reader_take: raw bytes after a line (journal export binary fields). */
START_TEST(test_take)
{
	const char text[] = "F\n\x05\0\0\0\0\0\0\0hello\nend\nxy";
	char *path = tmp_file(text, sizeof(text) - 1);
	scl_reader *r = NULL;
	scl_slice s;
	bool too_long;

	ck_assert_int_eq(scl_reader_open(path, &r), 0);
	ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 1);
	ck_assert(s.n == 1 && s.p[0] == 'F');
	ck_assert_int_eq(scl_reader_take(r, 8, &s), 0);
	ck_assert_int_eq(s.p[0], 5);
	ck_assert_int_eq(scl_reader_take(r, 5, &s), 0);
	ck_assert(!memcmp(s.p, "hello", 5));
	ck_assert_int_eq(scl_reader_take(r, 1, &s), 0);
	ck_assert_int_eq(s.p[0], '\n');
	ck_assert_int_eq(scl_reader_line(r, &s, &too_long), 1);
	ck_assert(s.n == 3 && !memcmp(s.p, "end", 3));
	s.p = NULL;
	ck_assert_int_eq(scl_reader_take(r, 3, &s), -EBADMSG); /* only "xy" left */
	ck_assert_ptr_null(s.p);
	ck_assert_int_eq(scl_reader_take(r, 64u << 20, &s), -E2BIG);
	scl_reader_free(r);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_open_fail)
{
	scl_reader *r = (scl_reader *)(uintptr_t)0x1;

	ck_assert_int_eq(scl_reader_open("/nonexistent/scmplog-test", &r), -ENOENT);
	ck_assert_ptr_eq(r, (scl_reader *)(uintptr_t)0x1);
	ck_assert_int_eq(scl_reader_open("/", &r), 0); /* a directory opens; reading fails */
	{
		scl_slice s;
		bool too_long;
		ck_assert_int_eq(scl_reader_line(r, &s, &too_long), -EISDIR);
	}
	scl_reader_free(r);
	scl_reader_free(NULL);
}
END_TEST

/* A real capture: as many lines as wc -l (it ends with a newline), gzip or not. */
START_TEST(test_fixture)
{
	size_t len, nl = 0, gn = 0, got;
	char *buf = unit_read_file("audit-raw.log", &len), *gz = NULL, *path;
	struct line *v;
	int rc;

	for (size_t i = 0; i < len; i++)
		nl += buf[i] == '\n';
	gzip_append(&gz, &gn, buf, len);
	path = tmp_file(gz, gn);
	got = read_all(path, &v, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(got, nl);
	free_lines(v, got);
	got = read_all(unit_data_path("audit-raw.log"), &v, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(got, nl);
	free_lines(v, got);
	unlink(path);
	free(path);
	free(gz);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("source-file");
	TCase *tc = tcase_create("reader");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_plain, 0, (int)(sizeof(plain_cases) / sizeof(plain_cases[0])));
	tcase_add_test(tc, test_gzip);
	tcase_add_loop_test(tc, test_gzip_corrupt, CUT_HALF, JUNK_AFTER + 1);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_too_long_in_buffer);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_range);
	tcase_add_test(tc, test_fd_pipe);
	tcase_add_test(tc, test_take);
	tcase_add_test(tc, test_open_fail);
	tcase_add_test(tc, test_fixture);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
