/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The helpers of util.h that are not inline: reading a file whole. */
#include <errno.h>
#include <unistd.h>

#include "lib/util.h"

ssize_t scl_read_full(int fd, void *buf, size_t size)
{
	char *p = buf;
	size_t n = 0;

	while (n < size) {
		ssize_t k = read(fd, p + n, size - n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	return (ssize_t)n;
}

int scl_read_small(int fd, char *buf, size_t size, size_t *ret_n)
{
	ssize_t n = scl_read_full(fd, buf, size);

	if (n < 0)
		return (int)n;
	if ((size_t)n == size)
		return -E2BIG;
	*ret_n = (size_t)n;
	return 0;
}
