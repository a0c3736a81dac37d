/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_AUDIT_CONTROL_H
#define SCL_AUDIT_CONTROL_H

/*
 * The audit control path, for source-netlink.c: requests on a NETLINK_AUDIT
 * socket of our own, each acknowledged (NLM_F_ACK) within 2 s.  Called from
 * the main thread, and scl_actl_get_status() from the asker's thread too
 * (audit-asker.h).  A request held for backlog room is followed by one
 * record ("wake" marker) that hands the kernel's wake-up on
 * (audit-control.c, pass_on_wake()).  The public part is in scmplog/netlink.h
 * (scl_audit_*).
 */
#include <linux/audit.h>
#include <stdbool.h>
#include <stdint.h>

#include "scmplog/live.h"

/* A bound NETLINK_AUDIT socket (close-on-exec), or -errno. */
int scl_actl_socket(bool nonblock);

/*
 * AUDIT_GET into *s.  ret_wait_known (may be NULL): the kernel's reply had
 * backlog_wait_time_actual (Linux 5.10).  0 or -errno (the kernel's answer
 * included: -EPERM without CAP_AUDIT_CONTROL).
 */
int scl_actl_get_status(int fd, struct audit_status *s, bool *ret_wait_known);
/*
 * AUDIT_SET: register pid as the audit daemon (0: unregister), from the
 * socket the records are to reach; the backlog limit; the backlog wait time
 * (jiffies).  0 or -errno (the kernel's answer).
 */
int scl_actl_set_pid(int fd, uint32_t pid);
int scl_actl_set_backlog_limit(int fd, uint32_t limit);
int scl_actl_set_backlog_wait_time(int fd, uint32_t jiffies);

/* The marker's type: AUDIT_USER_AVC while audit is disabled (or unknown), else AUDIT_TRUSTED_APP. */
uint16_t scl_actl_marker_type(int fd);
/* Send the marker's text as a user message of that type; 0 or -errno. */
int scl_actl_send_marker(int fd, const scl_marker *m, uint16_t type);

/* What a collector changed in the kernel, to put back. */
typedef struct scl_audit_undo {
	bool registered;          /* we registered as the audit daemon */
	uint32_t our_pid;         /* ... with this pid */
	bool set_backlog_limit;   /* raised from old_backlog_limit to backlog_limit */
	bool set_wait_time;       /* raised from old_wait_time to wait_time */
	uint32_t old_backlog_limit, backlog_limit;
	uint32_t old_wait_time, wait_time;
} scl_audit_undo;

/*
 * Unregister (only while the kernel's audit pid is still ours), put back
 * each raised value that still has ours (see scl_netlink_restore()).  What
 * is done is cleared in u; what failed stays for a later call.  0 or the
 * first -errno.
 */
int scl_actl_undo(int fd, scl_audit_undo *u);

#endif
