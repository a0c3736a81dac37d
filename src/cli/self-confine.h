/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_SELF_CONFINE_H
#define SCL_CLI_SELF_CONFINE_H

#include <stdint.h>

#include "cli/cli-options.h"

/*
 * scmplog confines itself once its sources are open: it drops every
 * capability it does not need from then on (effective, permitted,
 * inheritable, ambient and the bounding set), sets no_new_privs and
 * installs its own seccomp allowlist, profiles/scmplog-self.json, built
 * into the binary.  That profile was learned from the test suite with
 * `scmplog run` (make self-profile) and may not allow execve, execveat,
 * socket, socketpair or the other syscalls in cli_confine_forbidden:
 * confined, scmplog cannot start a program or open a socket it has not
 * already.  Its default action is SCMP_ACT_ERRNO (EPERM), loaded with
 * SECCOMP_FILTER_FLAG_LOG, so a denial fails that one call, with an error
 * message, and is logged as a SECCOMP record.
 *
 * Modes (--self-confine MODE, --no-self-confine, or SCMPLOG_SELF_CONFINE in
 * the environment; the option wins):
 *   enforce  the default: capabilities dropped, the allowlist installed;
 *   learn    capabilities dropped, complain mode instead of the allowlist:
 *            what it allows passes, every other syscall is logged
 *            (SCMP_ACT_LOG), and the process is renamed "scmplog-learn"
 *            (its records' comm=): what make self-profile runs the test
 *            suite with (an empty profile: everything is logged);
 *   off      neither (debugging; valgrind).
 * Builds with AddressSanitizer default to off: LeakSanitizer's exit check
 * needs ptrace and clone.
 */
enum cli_confine_mode {
	CLI_CONFINE_UNSET = 0,
	CLI_CONFINE_ENFORCE,
	CLI_CONFINE_LEARN,
	CLI_CONFINE_OFF,
};

enum {
	CLI_OPT_SELF_CONFINE = 1500,
	CLI_OPT_NO_SELF_CONFINE,
};

/* Option table entries (cli-options.h) for an enum cli_confine_mode *m. */
#define CLI_OPTS_CONFINE(m)                                                                            \
	CLI_OPT_CALLBACK(0, "self-confine", cli_confine_option_cb, (m), CLI_OPT_SELF_CONFINE, "MODE",    \
			 "enforce (default): once the sources are open, drop the\n"                      \
			 "capabilities no longer needed and install scmplog's own\n"                     \
			 "seccomp allowlist (no execve, no new sockets); learn: log\n"                   \
			 "what it does not allow instead (make self-profile); off"),                     \
	CLI_OPT_CALLBACK(0, "no-self-confine", cli_confine_option_cb, (m), CLI_OPT_NO_SELF_CONFINE, NULL, \
			 "the same as --self-confine off (debugging)")

/* An option table's callback: opt->value is the mode, opt->id the option; -1: bad value (reported). */
int cli_confine_option_cb(const struct cli_option *opt, const char *arg);

/* Capabilities (CAP_* numbers) to keep, as a mask. */
#define CLI_CAP(c) (UINT64_C(1) << (c))

/*
 * Confine the calling process.  The capabilities are the calling thread's;
 * the seccomp filter goes on every thread (TSYNC): another thread must have
 * dropped its own capabilities (the netlink reader does) and must be done
 * starting (scl_netlink_open() waits for that).  keep_caps: the capabilities still needed (those not held are
 * not gained); out_dirfd: the directory profiles are written to, or -1:
 * CAP_DAC_OVERRIDE is kept only when the process does not own it.  who
 * names the command in messages.  Returns 0 (confined, or mode off) or -1
 * with an error reported: scmplog never runs unconfined by accident.
 */
int cli_confine(enum cli_confine_mode mode, const char *who, uint64_t keep_caps, int out_dirfd);

#endif
