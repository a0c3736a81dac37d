/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_KMSG_H
#define SCMPLOG_KMSG_H

#include <stdbool.h>

#include "scmplog/live.h"

/*
 * Following /dev/kmsg: the fallback for hosts where neither audit netlink way
 * works.  The kernel prints audit records there only while no audit daemon is
 * registered, and through printk_ratelimit() (about 10 records per 5 s); the
 * rest are announced by "kauditd_printk_skb: N callbacks suppressed" lines,
 * counted as suppressed (system-wide) in the stats.  A reader that falls
 * behind the ring buffer gets EPIPE: counted as an overflow.
 */
typedef struct scl_kmsg scl_kmsg;

/*
 * Open path (NULL: /dev/kmsg) at its end: only lines logged from now on are
 * read.  If a marker can be sent (CAP_AUDIT_WRITE), a start marker is sent
 * and awaited (re-sent each second, timeout_ms in all; 0: 16000, over three of
 * printk_ratelimit()'s 5 s intervals), which shows
 * that audit records reach the log (-ETIMEDOUT: an audit daemon takes them,
 * or printk drops them).  Returns 0 or -errno.
 */
int scl_kmsg_open(const char *path, int timeout_ms, scl_kmsg **ret);
/*
 * The same with ctl as its NETLINK_AUDIT control socket (markers, the lost
 * counter), which it then owns (closed on error too); ctl < 0: it opens one.
 * A confined scmplog cannot open a socket: it passes a duplicate of one.
 */
int scl_kmsg_open_ctl(const char *path, int timeout_ms, int ctl, scl_kmsg **ret);
/* False when markers cannot be sent: the drain cannot be proven. */
bool scl_kmsg_can_mark(const scl_kmsg *k);
int scl_kmsg_fd(const scl_kmsg *k);
/* As scl_netlink_dispatch(): lines queued now, at most about 4096, no blocking. */
int scl_kmsg_dispatch(scl_kmsg *k, const scl_live_ops *ops, void *ud);
/* As scl_netlink_drain_start(); call again (about every second) while not drained. */
int scl_kmsg_drain_start(scl_kmsg *k);
bool scl_kmsg_drained(const scl_kmsg *k);
int scl_kmsg_stats(scl_kmsg *k, scl_live_stats *ret);
void scl_kmsg_free(scl_kmsg *k);

#endif
