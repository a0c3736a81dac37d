/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_MERGE_WORKLOAD_H
#define SCL_CLI_MERGE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli-profile.h"

/*
 * merge --by workload --out-dir OUT DIR...: each DIR a node's collector
 * output (NAMESPACE_POD_CONTAINER.json), one profile per (namespace,
 * workload, container) into OUT, with NAME.stats.json (a pod is a run) and
 * NAME.workload.json (pods and nodes, per syscall).  target/has_target as
 * merge's --arch.  Logs; returns an exit code.
 */
int merge_by_workload(struct cli_profile_out *out, const char *out_dir, char **dirs, size_t n_dirs, uint32_t target,
		      bool has_target);

#endif
