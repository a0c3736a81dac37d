/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_LEARN_H
#define SCL_CLI_LEARN_H

#include <stdbool.h>
#include <stdint.h>

#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"
/* until cmd-collect.c includes them itself: it took them from here */
#include "cli/cli-live.h"
#include "cli/cli-spawn.h"

/* Learned entries -> profile: what build does, for run. */

struct cli_unknown {
	uint32_t arch, nr;
	bool bad_arch;
	uint64_t count;
};

struct cli_learn {
	scl_mapper *mapper;        /* owned; created by cli_learn_init() */
	bool include_denied;
	uint64_t denied;           /* denial records left out */
	struct cli_unknown *unknown;
	size_t n_unknown;
};

int cli_learn_init(struct cli_learn *b);
void cli_learn_done(struct cli_learn *b);
/* Add the LOG entries (and denials with include_denied) to p.  -ENOMEM or a profile -errno. */
int cli_learn_to_profile(struct cli_learn *b, const scl_learn_entry *e, size_t n, scl_profile *p);
/* Warn about unmappable syscalls.  Returns EXIT_RUNTIME under strict when there were any. */
int cli_learn_report_unknown(const struct cli_learn *b, bool strict);

#endif
