/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-learn.h"
#include "cli/cli.h"
#include "scmplog/num.h"
#include "lib/util.h"

/* ---- learned entries -> profile ---- */

int cli_learn_init(struct cli_learn *b)
{
	memset(b, 0, sizeof(*b));
	return scl_mapper_new(&b->mapper);
}

void cli_learn_done(struct cli_learn *b)
{
	scl_mapper_free(b->mapper);
	free(b->unknown);
	memset(b, 0, sizeof(*b));
}

static int note_unknown(struct cli_learn *b, uint32_t arch, uint32_t nr, bool bad_arch, uint64_t count)
{
	struct cli_unknown *n;

	for (size_t i = 0; i < b->n_unknown; i++)
		if (b->unknown[i].arch == arch && b->unknown[i].bad_arch == bad_arch &&
		    (bad_arch || b->unknown[i].nr == nr)) {
			b->unknown[i].count += count;
			return 0;
		}
	n = realloc(b->unknown, (b->n_unknown + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->unknown = n;
	n[b->n_unknown++] = (struct cli_unknown){ arch, nr, bad_arch, count };
	return 0;
}

int cli_learn_to_profile(struct cli_learn *b, const scl_learn_entry *e, size_t n, scl_profile *p)
{
	for (size_t i = 0; i < n; i++) {
		const char *name;
		uint32_t eff;
		int r;

		if (e[i].key.action != SCL_ACT_LOG && !b->include_denied) {
			b->denied += e[i].count;
			continue;
		}
		if (e[i].key.action == SCL_ACT_ALLOW)
			continue;
		r = scl_mapper_name(b->mapper, e[i].key.arch, e[i].key.nr, &name, &eff);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			if (note_unknown(b, e[i].key.arch, e[i].key.nr, r == -EAFNOSUPPORT, e[i].count) < 0)
				return -ENOMEM;
			continue;
		}
		r = scl_profile_add_arch(p, scl_arch_native_of(e[i].key.arch, e[i].key.compat));
		if (r < 0 && r != -EAFNOSUPPORT)
			return r;
		r = scl_profile_allow(p, name, e[i].count);
		if (r < 0)
			return r;
	}
	return 0;
}

int cli_learn_report_unknown(const struct cli_learn *b, bool strict)
{
	void (*say)(const char *fmt, ...) __attribute__((format(printf, 1, 2))) = strict ? log_error : log_warn;
	const char *outcome = strict ? "fatal with --strict" : "not in the profile";

	for (size_t i = 0; i < b->n_unknown; i++) {
		const struct cli_unknown *u = &b->unknown[i];
		const scl_arch_info *a = scl_arch_by_token(u->arch);
		if (u->bad_arch)
			say("unknown architecture arch=%08x (%llu record%s)%s, %s", u->arch,
			    (unsigned long long)u->count, u->count == 1 ? "" : "s",
			    a ? ": libseccomp cannot map its syscalls" : "", outcome);
		else
			say("unknown syscall %d on %s (%llu record%s), %s", (int32_t)u->nr, a ? a->name : "?",
			    (unsigned long long)u->count, u->count == 1 ? "" : "s", outcome);
	}
	return strict && b->n_unknown ? EXIT_RUNTIME : 0;
}
