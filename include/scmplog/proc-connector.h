/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_PROC_CONNECTOR_H
#define SCMPLOG_PROC_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC):
 * fork, exec and exit of every process, delivered as they happen, so that a
 * collector can keep attributing records of a process that exited before its
 * records were read (see scl_container_cache_fork() and friends).  Needs
 * CAP_NET_ADMIN in the initial user namespace, and the initial pid namespace
 * (pids are the host's).  The library never prints.
 *
 * Only process events are reported: threads are left out (a thread's fork
 * event has child pid != child tgid, its exit pid != tgid).  Every pid is a
 * tgid, as in the pid= field of an audit record.
 */

typedef enum scl_proc_event_type {
	SCL_PROC_FORK = 1,  /* pid was forked by parent_pid */
	SCL_PROC_EXEC,      /* pid executed a program */
	SCL_PROC_EXIT,      /* pid exited */
} scl_proc_event_type;

typedef struct scl_proc_event {
	scl_proc_event_type type;
	uint32_t pid;
	uint32_t parent_pid;  /* SCL_PROC_FORK only, else 0 */
} scl_proc_event;

/* Return 0 to go on; a negative value stops the dispatch and is returned by it. */
typedef int (*scl_proc_event_fn)(void *ud, const scl_proc_event *ev);

typedef struct scl_proc_conn scl_proc_conn;

/*
 * Open a connector socket (non-blocking, close-on-exec) and subscribe to
 * process events.  rcvbuf: receive buffer in bytes (0: 8 MiB), set with
 * SO_RCVBUFFORCE when allowed, else SO_RCVBUF.  Returns 0 with *ret, or
 * -errno (-EPERM without CAP_NET_ADMIN, -EPROTONOSUPPORT without
 * CONFIG_PROC_EVENTS or connector support).
 */
int scl_proc_conn_open(int rcvbuf, scl_proc_conn **ret);
/* Unsubscribe (best effort) and close.  NULL is fine. */
void scl_proc_conn_free(scl_proc_conn *c);
static inline void scl_proc_conn_freep(scl_proc_conn **c)
{
	scl_proc_conn_free(*c);
}
int scl_proc_conn_fd(const scl_proc_conn *c);

/*
 * Read every datagram available now and call cb for each process event.
 * Returns the number of events passed to cb, a negative return of cb, or
 * -errno of recv (not EAGAIN).  A receive buffer overflow (ENOBUFS: events
 * were dropped) is counted, not returned.
 */
int scl_proc_conn_dispatch(scl_proc_conn *c, scl_proc_event_fn cb, void *ud);
/* Overflow episodes (events dropped, count unknown) and datagrams ignored as malformed. */
uint64_t scl_proc_conn_overflows(const scl_proc_conn *c);
uint64_t scl_proc_conn_malformed(const scl_proc_conn *c);

/*
 * Parse one datagram as the kernel sends it (one or more netlink messages,
 * each a cn_msg holding a proc_event) and call cb for each process event.
 * Messages of other connectors, NLMSG_NOOP/DONE and events of other types are
 * ignored.  Returns the number of events passed to cb, a negative return of
 * cb, or -EBADMSG for a truncated or inconsistent message (events before it
 * were delivered).
 */
int scl_proc_conn_parse(const void *buf, size_t n, scl_proc_event_fn cb, void *ud);

#endif
