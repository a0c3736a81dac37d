/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness: the cgroup-path parser and the /proc readers' parsers
 * (container.h).  The whole input is each parser's buffer, copied to an
 * allocation of exactly its size (no terminator to lean on); the parser
 * flags come from the input's length, the pid for /proc/PID/stat from its
 * leading digits, so real files are seeds as they are.  Also checked: the
 * documented returns, "*ret written only on success", and the result's
 * invariants (NUL-terminated ids, no id without a runtime).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/container.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_container(int r, const scl_container *c, const scl_container *before)
{
	if (r < 0) {
		CHECK(r == -EINVAL || r == -ENAMETOOLONG || r == -EBADMSG || r == -E2BIG);
		CHECK(!memcmp(c, before, sizeof(*c)));
		return;
	}
	CHECK(r == 0 || r == 1);
	CHECK((unsigned)c->runtime < _SCL_RUNTIME_MAX && (unsigned)c->qos < _SCL_QOS_MAX);
	CHECK(memchr(c->id, '\0', sizeof(c->id)) && memchr(c->pod_uid, '\0', sizeof(c->pod_uid)));
	CHECK((r == 1) == (c->runtime != SCL_RUNTIME_NONE));
	CHECK((r == 1) == (c->id[0] != '\0'));
	CHECK(!c->pod_uid[0] || c->qos != SCL_QOS_NONE);
	CHECK(scl_container_runtime_str(c->runtime) && scl_k8s_qos_str(c->qos));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b = malloc(size ? size : 1);
	unsigned flags = (unsigned)size & 3;
	scl_container c, before;
	uint64_t v, vbefore;
	uint32_t pid = 0;
	int r;

	if (!b)
		return 0;
	memcpy(b, data, size);
	memset(&before, 0xa5, sizeof(before));

	c = before;
	r = scl_container_parse_path(b, size, flags, &c);
	check_container(r, &c, &before);
	c = before;
	r = scl_container_parse_proc_cgroup(b, size, flags, &c);
	check_container(r, &c, &before);

	for (size_t i = 0; i < size && i < 10 && b[i] >= '0' && b[i] <= '9'; i++)
		pid = pid * 10 + (uint32_t)(b[i] - '0');
	vbefore = v = 0xa5a5a5a5a5a5a5a5ULL;
	r = scl_container_parse_stat_starttime(b, size, pid, &v);
	CHECK(r == 0 || ((r == -EBADMSG || r == -E2BIG) && v == vbefore));
	if (r == 0)
		(void)scl_container_may_have_made(v, 1700000000, 100, 1700000100);
	v = vbefore;
	r = scl_container_parse_btime(b, size, &v);
	CHECK(r == 0 || ((r == -EBADMSG || r == -E2BIG) && v == vbefore));
	free(b);
	return 0;
}
