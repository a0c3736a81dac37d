/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "unit-util.h"

#define BUF 8

/* A file holding n bytes of a known pattern, read from its start. */
static int file_of(size_t n)
{
	char b[256];
	int fd = memfd_create("scl-test-util", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_le(n, sizeof(b));
	for (size_t i = 0; i < n; i++)
		b[i] = (char)('a' + i % 26);
	ck_assert_int_eq(write(fd, b, n), (ssize_t)n);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void assert_pattern(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(buf[i], 'a' + (int)(i % 26));
}

/* A stream whose reads return one piece each (a datagram per read()): short reads before the end. */
static int pieces_of(const char *const *pieces, size_t n)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(write(sv[1], pieces[i], strlen(pieces[i])), (ssize_t)strlen(pieces[i]));
	close(sv[1]); /* the end */
	return sv[0];
}

static const struct small_case {
	const char *what;
	size_t file;   /* bytes in the file */
	int r;         /* scl_read_small() into BUF bytes */
} small_cases[] = {
	{ "empty", 0, 0 },
	{ "short", 3, 0 },
	{ "one byte less than the buffer: the most that fits", BUF - 1, 0 },
	{ "exactly the buffer: too long (no byte left to tell the end)", BUF, -E2BIG },
	{ "over-long", 100, -E2BIG },
};

START_TEST(test_read_small)
{
	const struct small_case *c = &small_cases[_i];
	char buf[BUF + 1];
	size_t n = 777;
	int fd = file_of(c->file), r;

	memset(buf, '#', sizeof(buf));
	r = scl_read_small(fd, buf, BUF, &n);
	close(fd);
	ck_assert_msg(r == c->r, "%s: %d, want %d", c->what, r, c->r);
	if (r == 0) {
		ck_assert_uint_eq(n, c->file);
		assert_pattern(buf, n);
		ck_assert_int_eq(buf[n], '#'); /* not terminated: the caller's choice */
	} else {
		ck_assert_uint_eq(n, 777); /* untouched on failure */
		assert_pattern(buf, BUF); /* what fitted */
		ck_assert_int_eq(buf[BUF], '#');
	}
}
END_TEST

START_TEST(test_read_small_errors)
{
	char buf[BUF];
	size_t n = 777;
	int fd;

	/* a file that could not be opened leaves no fd: the helper is handed -1 */
	ck_assert_int_eq(scl_read_small(-1, buf, sizeof(buf), &n), -EBADF);
	ck_assert_uint_eq(n, 777);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(scl_read_small(fd, buf, sizeof(buf), &n), -EISDIR);
	ck_assert_uint_eq(n, 777);
	close(fd);
}
END_TEST

START_TEST(test_read_small_short_reads)
{
	static const char *const fits[] = { "ab", "cde", "f" }, *const over[] = { "abc", "defg", "hi" };
	char buf[BUF];
	size_t n = 0;
	int fd;

	fd = pieces_of(fits, ELEMENTSOF(fits));
	ck_assert_int_eq(scl_read_small(fd, buf, sizeof(buf), &n), 0);
	close(fd);
	ck_assert_uint_eq(n, 6);
	ck_assert(memcmp(buf, "abcdef", 6) == 0);

	fd = pieces_of(over, ELEMENTSOF(over));
	ck_assert_int_eq(scl_read_small(fd, buf, sizeof(buf), &n), -E2BIG);
	close(fd);
	ck_assert(memcmp(buf, "abcdefgh", BUF) == 0);
}
END_TEST

START_TEST(test_read_full)
{
	static const char *const pieces[] = { "ab", "cde", "fgh", "ij" };
	char buf[BUF];
	int fd;

	/* a file of exactly size bytes: all of it, then the end */
	fd = file_of(BUF);
	ck_assert_int_eq(scl_read_full(fd, buf, sizeof(buf)), BUF);
	assert_pattern(buf, BUF);
	ck_assert_int_eq(scl_read_full(fd, buf, sizeof(buf)), 0);
	close(fd);

	/* longer: size bytes, then the rest, short */
	fd = file_of(BUF + 3);
	ck_assert_int_eq(scl_read_full(fd, buf, sizeof(buf)), BUF);
	ck_assert_int_eq(scl_read_full(fd, buf, sizeof(buf)), 3);
	ck_assert(memcmp(buf, "ijk", 3) == 0);
	close(fd);

	/* short reads go on to size */
	fd = pieces_of(pieces, ELEMENTSOF(pieces));
	ck_assert_int_eq(scl_read_full(fd, buf, sizeof(buf)), BUF);
	ck_assert(memcmp(buf, "abcdefgh", BUF) == 0);
	ck_assert_int_eq(scl_read_full(fd, buf, sizeof(buf)), 2);
	ck_assert(memcmp(buf, "ij", 2) == 0);
	close(fd);

	ck_assert_int_eq(scl_read_full(-1, buf, sizeof(buf)), -EBADF);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("read_small");

	tcase_add_loop_test(tc, test_read_small, 0, (int)ELEMENTSOF(small_cases));
	tcase_add_test(tc, test_read_small_short_reads);
	tcase_add_test(tc, test_read_small_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("read_full");
	tcase_add_test(tc, test_read_full);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(util_suite());
}
