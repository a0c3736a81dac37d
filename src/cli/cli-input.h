/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_INPUT_H
#define SCL_CLI_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli-filter.h"
#include "cli/cli-options.h"
#include "scmplog/dedup.h"
#include "scmplog/learn.h"
#include "scmplog/record.h"

/* Records read but not selectable: the field an option selects on is missing. */
struct cli_counts {
	uint64_t no_time, no_host, no_other; /* under --since/--until, --host, --pid/--uid/--exe/--comm */
	uint64_t arch_assumed, code_undefined, time_local, time_ambiguous;
	uint64_t first_ms, last_ms; /* the selected records' times (epoch ms), first_ms 0: none */
};

enum cli_group_by { GROUP_NONE, GROUP_EXE, GROUP_COMM, GROUP_HOST, GROUP_ARCH, GROUP_EXPLAIN };

/* What one scanner (one file, or one chunk of a file) counted. */
struct cli_input_part {
	struct cli_input *in;
	scl_learn *learn;
	const char *cur_name;
	uint64_t records, selected, skipped, suppressed, duplicates;
	uint64_t skip_by_reason[_SCL_SKIP_MAX];
	struct cli_counts counts;
	uint64_t first_skip_line, first_suppressed_line; /* 0: none */
	int error;                                        /* -errno from a callback */
	/* journald stores a record twice (audit and kernel transport): drop the copy */
	scl_dedup *dedup;
	/* journalctl -o short: the audit copy ("audit[PID]: SECCOMP ...") and the kernel's, paired by content */
	scl_dedup_text *text;
};

struct cli_input {
	struct cli_filter filter;
	enum cli_group_by group_by;
	bool strict;
	unsigned jobs;       /* threads for large plain files; 0: one per CPU (max 8) */
	scl_learn *learn;
	/* accounting, summed over files and chunks */
	uint64_t records, selected, skipped, suppressed, duplicates;
	uint64_t skip_by_reason[_SCL_SKIP_MAX];
	struct cli_counts counts;
	uint64_t verbose_listed; /* skips listed under -v */
	char first_skip[512];
	char first_suppressed[512];
	int files;
};

/* Read every file ("-" or none: stdin) into in->learn.  Returns 0 or an exit code. */
int cli_input_read(struct cli_input *in, char **files, int nfiles);
/*
 * Count one record from a live source: selection, grouping, aggregation as for
 * files.  Returns 1 if selected, 0 if not, -ENOMEM.
 */
int cli_input_add(struct cli_input *in, const scl_record *rec);
/* Print the skip/suppression summary to stderr. Returns EXIT_RUNTIME under --strict if anything was lost. */
int cli_input_report(const struct cli_input *in);
void cli_input_free(struct cli_input *in);

#endif
