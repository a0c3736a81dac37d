/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_LOOP_H
#define SCL_CLI_LOOP_H

#include "scmplog/record.h"
#include "cli/self-confine.h"

/*
 * Follow SECCOMP records live until SIGINT, SIGTERM or SIGHUP, calling cb for
 * each (for `explain --follow`).  source: NULL or "auto", "daemon",
 * "multicast", "kmsg".  cb returns 0 to go on, > 0 to stop (success), < 0 to
 * stop with an error it has logged.  On the way out the kernel's audit
 * settings are restored and any loss is reported on stderr.  Returns an exit
 * code: EXIT_OK, EXIT_RUNTIME (after logging), EXIT_USAGE (bad source).
 */
int cli_follow_records(int (*cb)(void *ud, const scl_record *rec), void *ud, const char *source,
		       enum cli_confine_mode confine);

#endif
