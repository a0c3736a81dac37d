/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_LIVE_H
#define SCL_CLI_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "scmplog/kmsg.h"
#include "scmplog/live.h"
#include "scmplog/netlink.h"

/*
 * The live sources of run, collect and explain --follow: which one (the audit
 * daemon slot, multicast, /dev/kmsg) and the fallback between them, what
 * happens to the daemon slot while reading, and the file that keeps the
 * audit settings to restore should scmplog be killed.
 */

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
/* for a progress report while collecting: scl_netlink_progress() */
int cli_live_progress(struct cli_live *lv, scl_live_stats *ret);
/*
 * The loss line: "lost: kernel lost counter +K<kernel_note>, G serial gaps,
 * O receive overflows, S suppressed by printk<tail>" (kernel_note: which
 * lost counter, " (system-wide)"...), as a warning.
 */
void cli_live_report_lost(const scl_live_stats *st, const char *kernel_note, const char *tail);
/*
 * Say, as information, the receive overflows that lost nothing: a drain
 * marker sent after them came back with every serial below it read (the
 * kernel sent again what its unicast to the daemon timed out on).  Nothing
 * when there were none (the others are in the loss line).
 */
void cli_live_report_overflows(const scl_live_stats *st);
/* Warn about a daemon slot lost during the collection (nothing if it was not). */
void cli_live_report_slot(const scl_live_stats *st);
/* Restore the kernel's settings and close; logs a failed restore.  Returns 0 or -errno. */
int cli_live_close(struct cli_live *lv);

#endif
