/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_STREAM_H
#define SCMPLOG_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "scmplog/limits.h"
#include "scmplog/live.h"

/*
 * A text stream of audit records read as it comes: what auditd gives a
 * plugin on its standard input (format = string: one record per line, as in
 * audit.log, "node=NAME " first with name_format, ENRICHED with
 * log_format = ENRICHED), or any text of lines that never ends.
 *
 * auditd passes every record the kernel sends it, of every type, so the
 * serials (audit(T:S)) of the kernel's records show the ones that never came:
 * records auditd dropped when its queue to the plugins was full (q_depth,
 * overflow_action in auditd.conf: it says so only in syslog), or the kernel
 * dropped after their serial.  They are counted per node (serials are the
 * sending kernel's), leaving out auditd's own DAEMON_* records (its own
 * numbers), as serial_gaps of scl_live_stats.
 */

typedef struct scl_stream scl_stream;

/*
 * Read fd (kept by the caller; blocking or not: it is read only when poll()
 * says it is readable).  With audit_ctl, the kernel's lost counter is read
 * now and by scl_stream_stats() on a NETLINK_AUDIT socket opened here
 * (CAP_AUDIT_CONTROL; without it the counter is unknown).  Returns 0, -ENOMEM.
 */
int scl_stream_new(int fd, bool audit_ctl, scl_stream **ret);
void scl_stream_free(scl_stream *s);

/*
 * Read what fd holds now, parse each complete line, and call ops->record for
 * each SECCOMP record (ops->skip for a malformed one).  Returns 0 when more
 * may come, 1 at the end of the input (a last line without its newline is
 * parsed then), -EPROTO when the input is not text (auditd's binary format:
 * its header's NUL bytes at the start), -errno on a read error, or a
 * callback's negative return.  A line over SCL_MAX_LINE counts as malformed;
 * its serial still counts.
 */
int scl_stream_dispatch(scl_stream *s, const scl_live_ops *ops, void *ud);
/* True after the end of the input. */
bool scl_stream_ended(const scl_stream *s);

/*
 * Counters: messages (lines), records, malformed, serials_tracked (true),
 * serial_gaps (every serial missing between the first and the highest seen
 * of each node: at the end of the input, none can come any more), and
 * kernel_lost when known.  With kernel_lost, the kernel's lost counter is
 * read now: an AUDIT_GET request, and the kernel makes any sender wait (up to
 * backlog_wait_time) while its backlog is over the limit, as it is when
 * auditd falls behind: ask at the end, not while auditd may be behind.
 */
void scl_stream_stats(scl_stream *s, bool kernel_lost, scl_live_stats *ret);
/* Lines of nodes past SCL_MAX_STREAM_NODES, whose serials were not counted. */
uint64_t scl_stream_untracked(const scl_stream *s);

#endif
