/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_LEARN_H
#define SCL_CLI_LEARN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "scmplog/arch.h"
#include "scmplog/filter.h"
#include "scmplog/kmsg.h"
#include "scmplog/learn.h"
#include "scmplog/live.h"
#include "scmplog/netlink.h"
#include "scmplog/profile.h"
#include "scmplog/record.h"
#include "cli/self-confine.h"

/*
 * Pieces shared by the commands that learn (build, run) and run commands
 * under filters (run, exec), and the live sources for `explain --follow`.
 */

/* ---- learned entries -> profile (what build does, for run) ---- */

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

/* ---- live sources ---- */

enum cli_source { CLI_SOURCE_AUTO, CLI_SOURCE_DAEMON, CLI_SOURCE_MULTICAST, CLI_SOURCE_KMSG };

/* "auto", "daemon", "multicast", "kmsg".  Logs a usage error and returns -1 otherwise. */
int cli_source_parse(const char *s, enum cli_source *ret);

struct cli_live {
	enum cli_source kind;      /* the one in use: DAEMON, MULTICAST or KMSG */
	bool switched;             /* began as the audit daemon, lost the slot, went on by multicast or kmsg */
	scl_netlink *nl;
	scl_kmsg *km;              /* the reader when set (after nl died, nl stays for its stats and restore) */
};

/*
 * Open a source.  auto: the audit daemon way when no daemon is registered,
 * else multicast; when neither netlink way works, /dev/kmsg.  Logs errors
 * (and, with cli_verbose, the choice).  While open, an atexit() handler
 * restores the kernel's audit settings if the process exits without
 * cli_live_close().  rcvbuf: netlink receive buffer in bytes (0: 64 MiB).
 * Returns 0 or -errno.
 */
int cli_live_open(struct cli_live *lv, enum cli_source want, int rcvbuf);
/* "as the audit daemon", "from audit multicast", "from /dev/kmsg" (to follow "read"). */
const char *cli_live_name(const struct cli_live *lv);
/* Changes when the source switches: ask again before each poll(). */
int cli_live_fd(const struct cli_live *lv);
/* The longest poll() between two dispatches (ms; -1: no limit): netlink watches the daemon slot. */
int cli_live_poll_ms(const struct cli_live *lv);
/*
 * Read what is queued.  What happens to the audit daemon slot meanwhile is
 * said on stderr: another process refused the slot we hold (once per pid),
 * the slot lost (then multicast, or /dev/kmsg when multicast cannot be
 * joined), the daemon coming or going while we read multicast.
 */
int cli_live_dispatch(struct cli_live *lv, const scl_live_ops *ops, void *ud);
/* Send (or send again) the drain marker.  -EOPNOTSUPP: kmsg without CAP_AUDIT_WRITE. */
int cli_live_drain_start(struct cli_live *lv);
bool cli_live_drained(const struct cli_live *lv);
int cli_live_stats(struct cli_live *lv, scl_live_stats *ret);
/* Warn about a daemon slot lost during the collection (nothing if it was not). */
void cli_live_report_slot(const scl_live_stats *st);
/* Restore the kernel's settings and close; logs a failed restore.  Returns 0 or -errno. */
int cli_live_close(struct cli_live *lv);

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

/* ---- running a command under a filter ---- */

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
