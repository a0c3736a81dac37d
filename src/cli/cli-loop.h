/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_LOOP_H
#define SCL_CLI_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/signalfd.h>

#include "scmplog/live.h"
#include "scmplog/record.h"
#include "cli/cli-live.h"
#include "cli/self-confine.h"

/*
 * One live loop for the commands that read the kernel's audit stream or
 * follow records live (run, explain --follow, collect with every source):
 * one poll set, the caller's timers, one drain policy at the end, systemd's
 * watchdog and notifications, and one wording for what may have been lost.
 *
 * A round: poll() on the audit source (when there is one: its fd may change
 * when it switches), the signalfd and the caller's fds (cli_loop_watch(): a
 * child's pipe, the proc connector, a plugin's standard input), at most until
 * the earliest of the caller's due time, the source's own (it watches the
 * daemon slot) and the watchdog's; then
 *   ops->before_read   what must be read before the records (collect: the
 *                      process events, queued before the records they explain);
 *   the audit source   read with live_ops (-ECANCELED from a callback is a
 *                      request to stop, left to ops->round to act on);
 *   the signals        SIGCHLD is left to ops->round (reaping); any other goes
 *                      to ops->signal (NULL: it stops the loop);
 *   ops->round         the caller's other fds and timers;
 *   WATCHDOG=1         when due.
 * Each hook returns 0 to go on, CLI_LOOP_STOP to stop, or a negative errno it
 * has logged (-ENOMEM: not yet, the caller says "out of memory").
 *
 * collect's sources (cmd-collect.c, collect-journal.c, collect-follow.c,
 * collect-audisp.c): the proc connector's fd with cli_loop_watch() and its
 * events read in ops->before_read; the journal's inotify fd
 * (scl_journal_follow_fd()) watched, its timeout a due time, a step in
 * ops->round (live NULL); the auditd plugin's standard input watched and read
 * in ops->round (live NULL); followed files, which poll() always finds
 * readable, as a due time every 200 ms; the profile flush, the
 * gone-container sweep and the status line as due times.
 */

#define CLI_LOOP_STOP 1
#define CLI_LOOP_MAX_FDS 4

struct cli_loop;

struct cli_loop_ops {
	int (*before_read)(void *ud);
	int (*round)(void *ud, int64_t now);
	int (*signal)(void *ud, const struct signalfd_siginfo *si);
	/* When ops->round must run next (scl_now_ms() time), INT64_MAX: only when something comes. */
	int64_t (*due)(void *ud, int64_t now);
};

struct cli_loop {
	/* set by cli_loop_init(), the rest by the caller before cli_loop_run() */
	struct cli_live *live;       /* NULL: no audit source */
	scl_live_ops live_ops;       /* its callbacks (called with ud); may change between rounds */
	const struct cli_loop_ops *ops;
	void *ud;
	int sig_fd;
	const int *watch[CLI_LOOP_MAX_FDS]; /* the caller's fds, read each round (-1: none now) */
	size_t n_watch;
	int64_t watchdog_ms;         /* WATCHDOG=1 this often (half of WATCHDOG_USEC); 0: off */
	/* kept by the loop */
	bool draining;               /* in cli_loop_drain() */
	int64_t last_progress;       /* scl_now_ms() of the last read that gave records */
	int64_t next_watchdog;
};

void cli_loop_init(struct cli_loop *L, struct cli_live *live, int sig_fd, const struct cli_loop_ops *ops, void *ud);
/* Poll *fd too, as it is at each round.  -E2BIG past CLI_LOOP_MAX_FDS. */
int cli_loop_watch(struct cli_loop *L, const int *fd);
/*
 * Rounds until a hook says CLI_LOOP_STOP (returns 0) or fails (its negative
 * return); a failing poll() or audit source is logged here and returned.
 * Sends READY=1 first and STOPPING=1 at a stop (nothing without
 * NOTIFY_SOCKET: cli-notify.h).
 */
int cli_loop_run(struct cli_loop *L);

/*
 * The drain, one policy for every command: read what the kernel queued
 * before now, up to a drain marker that comes back behind it.  The marker is
 * sent, and sent again every second (printk may eat a kmsg copy, an overflow
 * a netlink one; a later copy also closes the serial-gap count over the
 * records after the last one read).  The drain is done when the source says
 * so (the marker back and no hole below it left open, or
 * SCL_NETLINK_SETTLE_MS after it came: live.h); it is given up, unconfirmed,
 * CLI_DRAIN_QUIET_MS after the last record read (while records still come,
 * it waits on) or at hard_ms after its start; without a marker (kmsg without
 * CAP_AUDIT_WRITE) it waits CLI_DRAIN_BLIND_MS and the end is unconfirmed.
 * The rounds go on as in cli_loop_run() (L->draining is set): records,
 * signals, ops->round, whose CLI_LOOP_STOP means nothing now; ops->signal's
 * CLI_LOOP_STOP (a second Ctrl-C) ends the drain at once, unconfirmed.
 * hard_ms: CLI_DRAIN_END_MS after a watched command ended (its records are
 * the output), CLI_DRAIN_STOP_MS after a stop request (someone waits:
 * systemd's stop timeout, a user).  Logs why an end is unconfirmed.  Returns
 * 0 (*unconfirmed set, *ms how long it took), or a hook's failure.
 */
#define CLI_DRAIN_RESEND_MS 1000
#define CLI_DRAIN_QUIET_MS 10000
#define CLI_DRAIN_BLIND_MS 2000
#define CLI_DRAIN_END_MS 120000
#define CLI_DRAIN_STOP_MS 10000
int cli_loop_drain(struct cli_loop *L, int64_t hard_ms, bool *unconfirmed, int64_t *ms);

/*
 * What a live collection may have missed, in one wording for every command
 * (nothing when nothing was):
 *   N SECCOMP records could not be parsed (not attributed)
 *   records were lost or may be missing: WHAT may be incomplete[HINT]
 *   lost: kernel lost counter +K (system-wide|system-wide, not ours|unknown), G serial gaps,
 *     O receive overflows, S suppressed by printk
 *   the end was not confirmed: records still queued in the kernel may not have been read
 * and a daemon slot lost meanwhile (cli_live_report_slot()).  new_tasks: the
 * records that count are of tasks started after the source opened (run), so
 * the kernel's lost counter counts only when it can be theirs
 * (scl_live_stats_lost_new_tasks()).  Returns true when WHAT may be
 * incomplete.
 */
bool cli_loop_report_loss(const scl_live_stats *st, bool new_tasks, bool unconfirmed, const char *what,
			  const char *hint);

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
