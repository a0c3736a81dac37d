/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_H
#define SCL_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Exit codes, documented in --help, scmplog(1) and README:
 *   0 success (diff: no differences)
 *   1 runtime error (diff: differences found; build --strict: skipped records)
 *   2 usage error
 *   run/exec: the command's own exit status, 128+N if killed by signal N
 */
#define EXIT_OK 0
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* The CLI is the only place that prints.  "scmplog: <msg>" on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * From now on, a copy of every message also goes to syslog (/dev/log,
 * facility daemon), where auditd and its plugins report: an auditd plugin's
 * standard error is usually /dev/null.  The socket is connected now (before
 * self-confinement); -errno when there is no syslog daemon to take it.
 */
int cli_log_syslog_open(void);
extern int cli_verbose;
extern int cli_quiet;

/*
 * Write untrusted text (comm, exe, host, cgroup) to a stream with control
 * bytes, DEL and non-UTF-8-safe high bytes escaped as \xNN, so a record
 * cannot rewrite the user's terminal.
 */
void cli_put_escaped(FILE *f, const char *s, size_t n);

/* Flush stdout and check that it was really written. Returns 0 or -errno. */
int cli_finish_stdout(void);

/* Commands: argv[0] is the command name. Each returns an exit code. */
int cmd_build(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_log_profile(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_coverage(int argc, char **argv);

#endif
