/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "scmplog/num.h"

int scl_parse_u64_str(const char *s, uint64_t max, uint64_t *ret)
{
	if (!s)
		return -EINVAL;
	return scl_parse_u64(s, strlen(s), max, ret);
}
