/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/runtime.h"

#include "lib/runtime-table.h"

size_t scl_runtime_count(void)
{
	return sizeof(runtimes) / sizeof(runtimes[0]);
}

const scl_runtime *scl_runtime_at(size_t i)
{
	return i < scl_runtime_count() ? &runtimes[i] : NULL;
}

const scl_runtime *scl_runtime_by_id(const char *id)
{
	for (size_t i = 0; i < scl_runtime_count(); i++)
		if (!strcmp(runtimes[i].id, id))
			return &runtimes[i];
	return NULL;
}

static bool allowed(const scl_profile *p, const char *name)
{
	scl_profile_syscall s;

	return scl_profile_get(p, name, &s) == 0;
}

int scl_runtime_apply(scl_profile *p, const scl_runtime *rt, scl_runtime_change **ret, size_t *ret_n)
{
	scl_runtime_change *v = NULL;
	size_t n = 0, cap = 0;
	int r;

	for (size_t pi = 0; pi < rt->n_parts; pi++) {
		const scl_runtime_part *part = rt->parts[pi];

		for (size_t i = 0; i < part->n_syscalls; i++) {
			const scl_runtime_syscall *s = &part->syscalls[i];

			/* also a name an earlier part added: each counts once, for the first */
			if (allowed(p, s->name))
				continue;
			r = scl_profile_allow(p, s->name, 0);
			if (r < 0)
				goto fail;
			if (n == cap) {
				size_t c = cap ? cap * 2 : 32;
				scl_runtime_change *nv = reallocarray(v, c, sizeof(*nv));
				if (!nv) {
					r = -ENOMEM;
					goto fail;
				}
				v = nv;
				cap = c;
			}
			v[n++] = (scl_runtime_change){ .syscall = s, .part = part };
		}
	}
	if (ret) {
		*ret = v;
		v = NULL;
	}
	if (ret_n)
		*ret_n = n;
	r = 0;
fail:
	free(v);
	return r;
}
