/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_SPAWN_H
#define SCL_CLI_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "scmplog/filter.h"

/* Running a command under a filter (run, exec), and the signals it is passed. */

/* Signals forwarded to the command; SIGCHLD is blocked with them for the signalfd. */
struct cli_signals {
	int fd;                    /* signalfd */
	sigset_t old;
	bool blocked;
};
int cli_signals_setup(struct cli_signals *s);
void cli_signals_restore(struct cli_signals *s);

/* What the child tells the parent through its pipe. */
enum { CLI_CHILD_SESSION = 1, CLI_CHILD_ERR_SESSION, CLI_CHILD_ERR_FILTER, CLI_CHILD_ERR_EXEC };
struct cli_child_msg {
	uint32_t kind;
	uint32_t value;            /* session id, or errno */
};

struct cli_child {
	pid_t pid;
	int msg_fd;                /* read end, non-blocking; -1 once at EOF */
};

/*
 * Fork path (argv[0] found by cli_find_program()) under filter f.  With new_session, the child
 * first starts a new audit session (writes its loginuid, or its uid when
 * unset, to /proc/self/loginuid: a new session id that every descendant
 * inherits) and reports it.  The child restores the signal mask and
 * dispositions the caller had before cli_signals_setup().  Returns 0 or
 * -errno (fork/pipe failed).
 */
int cli_spawn(const scl_filter *f, const char *path, char *const *argv, bool new_session,
	      const struct cli_signals *sig, struct cli_child *ret);
/* Read one message: 1 with *m, 0 if none yet, -EPIPE at EOF (the command was executed, or died). */
int cli_child_read(struct cli_child *c, struct cli_child_msg *m);
/* Log why the child failed; returns the exit code to use (126/127 like env(1)). */
int cli_child_report(const struct cli_child_msg *m, const char *cmd);

/*
 * Forward a signal read from the signalfd: to the command while it lives,
 * else to every process left in audit session ses (when ses is valid).
 * Signals the terminal sent to the whole foreground group already reached
 * the command and are not sent again.
 */
void cli_forward_signal(const struct cli_child *c, bool child_alive, uint32_t ses, int sig, int32_t code);

/*
 * Find a program as execvp() would (a name with '/' is taken as it is; else
 * the first executable regular file in $PATH, default /usr/local/bin:/usr/bin:
 * /bin).  *ret is malloc'd.  -ENOENT, -EACCES (found, not executable), -ENOMEM.
 */
int cli_find_program(const char *name, char **ret);

/* The exit code for a wait status: the status, or 128+N for signal N. */
int cli_exit_code(int status);

#endif
