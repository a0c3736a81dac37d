/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_AUDIT_ASKER_H
#define SCL_AUDIT_ASKER_H

/*
 * The kernel's audit status (AUDIT_GET), asked on a thread and a socket of
 * its own, for source-netlink.c's checks while records flow.  Every sender
 * to the audit netlink socket, the daemon too, waits in audit_receive() for
 * backlog room (uninterruptibly, up to backlog_wait_time) while the backlog
 * is over its limit.  Asked on the collector's main thread, that wait held it
 * for seconds on a busy machine while its reader thread filled the queue to
 * its limit, and the kernel dropped records (tests/data/KERNEL-NOTES.md,
 * "The daemon's own requests under load").  Here only this thread waits.
 */
#include <linux/audit.h>
#include <stdbool.h>

typedef struct scl_asker scl_asker;

typedef struct scl_asker_answer {
	int r;                  /* 0 or -errno of scl_actl_get_status() */
	struct audit_status st;
	bool wait_known;
} scl_asker_answer;

/* Start the thread on fd (a control socket of its own: the asker closes it).  0, -errno. */
int scl_asker_start(int fd, scl_asker **ret);
/* Ask once more, unless an ask is still unanswered (asks do not pile up). */
void scl_asker_ask(scl_asker *a);
/*
 * The answer not taken yet: 1 with it in *ret, 0 with none.  With wait_ms
 * > 0 and an ask unanswered, wait for it that long at most.
 */
int scl_asker_take(scl_asker *a, int wait_ms, scl_asker_answer *ret);
/*
 * Stop the thread and free it (NULL: nothing).  A thread still waiting in
 * the kernel after 2 s is left to end on its own, and frees itself then.
 */
void scl_asker_stop(scl_asker *a);

#endif
