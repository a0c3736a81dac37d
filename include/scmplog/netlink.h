/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_NETLINK_H
#define SCMPLOG_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "scmplog/live.h"

/*
 * Collecting audit records from the kernel over NETLINK_AUDIT, in one of two
 * ways:
 *
 *   daemon     register as the audit daemon (AUDIT_SET pid; CAP_AUDIT_CONTROL,
 *              initial user and pid namespaces, and no other daemon).  Records
 *              come by unicast; when the kernel queue (backlog_limit) is full
 *              the logging tasks wait (backlog_wait_time) instead of records
 *              being dropped, so nothing is lost while we read.  For the time
 *              of the collection the backlog limit and wait time are raised.
 *   multicast  a read-only member of AUDIT_NLGRP_READLOG (CAP_AUDIT_READ,
 *              initial network namespace), beside auditd or journald.  Never
 *              throttles the workload; a full socket buffer drops records
 *              (seen as ENOBUFS once per overflow episode and as serial gaps).
 *
 * Both use a receive buffer forced to SCL_NETLINK_RCVBUF bytes when allowed,
 * and a thread of their own that only reads the socket into a queue of at
 * most SCL_NETLINK_QUEUE bytes, so the socket is emptied while the caller
 * does other work (writing and syncing files): a daemon's socket that stays
 * full for 100 ms makes the kernel give up on it for the rest of its queue.
 * scl_netlink_fd() is readable when that queue holds records.  The thread
 * holds no capability, blocks every signal and ends in scl_netlink_free().
 * Opening sends a start marker (see live.h) and waits for it to come back,
 * which proves records really arrive (a socket in another network namespace
 * binds fine and receives nothing) and gives the serial from which gaps are
 * counted.
 *
 * The library never prints.  Settings changed in the kernel are restored by
 * scl_netlink_restore() or scl_netlink_free(); a caller that can be
 * interrupted calls scl_netlink_restore() from its exit paths.
 */

typedef enum scl_netlink_mode {
	SCL_NETLINK_AUTO = 0,    /* daemon if no live daemon is registered, else multicast */
	SCL_NETLINK_DAEMON,
	SCL_NETLINK_MULTICAST,
} scl_netlink_mode;

const char *scl_netlink_mode_str(scl_netlink_mode m);

#define SCL_NETLINK_RCVBUF (64 * 1024 * 1024)
/* Bytes of records the reader thread holds for the caller (about 350k records). */
#define SCL_NETLINK_QUEUE (128 * 1024 * 1024)
#define SCL_NETLINK_BACKLOG_LIMIT 65536u
/* Jiffies: 60 s at HZ=1000, 240 s at HZ=250; the kernel caps it at 600 * HZ. */
#define SCL_NETLINK_BACKLOG_WAIT 60000u

/* The kernel's audit status (AUDIT_GET). */
typedef struct scl_audit_status {
	uint32_t enabled;
	uint32_t failure;
	uint32_t pid;
	uint32_t rate_limit;
	uint32_t backlog_limit;
	uint32_t lost;
	uint32_t backlog;
	uint32_t backlog_wait_time;
} scl_audit_status;

/* Query the status on a short-lived socket.  -EPERM without CAP_AUDIT_CONTROL, -errno. */
int scl_audit_get_status(scl_audit_status *ret);

/*
 * Send a user message (the text of a marker) as a record.  The kernel drops
 * user messages other than AUDIT_USER_AVC while audit is disabled
 * (enabled=0), so the type is AUDIT_USER_AVC then and AUDIT_TRUSTED_APP
 * otherwise.  Needs CAP_AUDIT_WRITE in the initial pid namespace.  Returns the
 * type used, or -errno (the kernel's answer included).
 */
int scl_audit_send_marker(const scl_marker *m);
/*
 * The same on a control socket opened once with scl_audit_socket() (a
 * NETLINK_AUDIT socket, -errno), for a source that keeps one: a confined
 * scmplog cannot open a socket per call.  fd < 0: as above.
 */
int scl_audit_socket(void);
int scl_audit_get_status_fd(int fd, scl_audit_status *ret);
int scl_audit_send_marker_fd(int fd, const scl_marker *m);

struct scl_netlink_info;

typedef struct scl_netlink_options {
	scl_netlink_mode mode;
	uint32_t backlog_limit;     /* daemon: raise to at least this; 0: SCL_NETLINK_BACKLOG_LIMIT */
	uint32_t backlog_wait_time; /* daemon: raise to at least this; 0: SCL_NETLINK_BACKLOG_WAIT */
	int rcvbuf;                 /* bytes; 0: SCL_NETLINK_RCVBUF */
	int start_timeout_ms;       /* wait for the start marker; 0: 10000 (a busy machine delays kauditd) */
	/*
	 * daemon: called once registered, before any limit is raised, with the
	 * old values and the ones about to be set (only when one will be
	 * raised), so that the caller can note them where a later run finds
	 * them should this one be killed before it restores them.
	 */
	void (*before_raise)(const struct scl_netlink_info *planned, void *userdata);
	void *userdata;
} scl_netlink_options;

typedef struct scl_netlink scl_netlink;

/*
 * Open a collector.  o may be NULL (auto, defaults).  Returns 0, or:
 *   -EEXIST     daemon: another audit daemon is registered and alive;
 *   -EPERM      missing capability or not in the initial namespaces;
 *   -ETIMEDOUT  the start marker did not come back (another network
 *               namespace, audit rules that drop user messages, ...);
 *   -EPROTONOSUPPORT  the kernel has no audit support;
 *   -ENOMEM, other -errno.
 * In auto mode, a failure of the daemon way falls back to multicast; the
 * daemon's error is kept (scl_netlink_info) and multicast's is returned.
 */
int scl_netlink_open(const scl_netlink_options *o, scl_netlink **ret);

typedef struct scl_netlink_info {
	scl_netlink_mode mode;      /* DAEMON or MULTICAST */
	int daemon_error;           /* auto mode: why not daemon (0 if daemon) */
	uint32_t other_daemon_pid;  /* the registered daemon when multicast was chosen, if known */
	bool lost_slot;             /* was the daemon, went on by multicast (or died) after losing the slot */
	int rcvbuf;                 /* receive buffer the kernel reports (doubled) */
	bool rcvbuf_forced;         /* SO_RCVBUFFORCE worked */
	uint32_t old_backlog_limit, backlog_limit;         /* daemon: before and during */
	uint32_t old_backlog_wait_time, backlog_wait_time; /* daemon: before and during */
} scl_netlink_info;
void scl_netlink_get_info(const scl_netlink *nl, scl_netlink_info *ret);

/*
 * For poll(): readable when the reader thread has queued messages (an
 * eventfd: do not read it).  The same fd for the collector's life, also
 * across a switch to multicast (see below).
 */
int scl_netlink_fd(const scl_netlink *nl);
/* A duplicate of the control socket (F_DUPFD_CLOEXEC), for a source taking over; -1 if none. */
int scl_netlink_ctl_dup(const scl_netlink *nl);

/*
 * Call scl_netlink_dispatch() at least this often (ms), records or not: it
 * watches the audit daemon slot.
 */
#define SCL_NETLINK_CHECK_MS 1000

/*
 * Read what is queued, at most about 4096 messages, without blocking, calling
 * ops for SECCOMP and LOGIN records.  Returns the number of messages read (0:
 * nothing queued), or a negative ops return, or -errno; -ENOTCONN once the
 * collector cannot read any more (a SCL_NETLINK_EVENT_SLOT_LOST with an
 * error).  ENOBUFS is counted as an overflow episode, not returned.
 *
 * At most once per SCL_NETLINK_CHECK_MS it also asks the kernel who holds the
 * audit daemon slot (AUDIT_GET on the control socket; as the daemon, not after
 * a record came since the last time, which shows the slot is ours: the kernel
 * makes any request wait for backlog room while the backlog is over its limit,
 * and the queue would fill meanwhile):
 *   - as the daemon, when the kernel's audit pid is no longer ours (a kernel
 *     gives up a daemon whose socket refuses delivery, and old kernels without
 *     the AUDIT_REPLACE probe let any new daemon replace a live one), it reads
 *     what our socket still holds, stops being the daemon (it will not
 *     unregister: the slot is someone else's now) and goes on reading by
 *     multicast.  Records the
 *     kernel sent in between reached nobody here: they are serial gaps (see
 *     scl_live_stats.slot_gap).  If multicast cannot be joined, the collector
 *     is dead; its settings are still restored by scl_netlink_restore().
 *   - by multicast, it notices a daemon that registers or goes away.
 * Each of these, and every refused registration of another process while we
 * are the daemon, is queued as an event for scl_netlink_next_event().
 */
int scl_netlink_dispatch(scl_netlink *nl, const scl_live_ops *ops, void *ud);

typedef enum scl_netlink_event_kind {
	/* daemon: pid tried to register as the audit daemon and was refused (EEXIST) */
	SCL_NETLINK_EVENT_REFUSED = 1,
	/*
	 * daemon: the kernel's audit pid is pid (0: nobody), not ours.  error 0:
	 * now reading by multicast; else why multicast could not be joined
	 * (-errno): nothing more is read.  last_serial: the last serial read as
	 * the daemon (0 if none).
	 */
	SCL_NETLINK_EVENT_SLOT_LOST,
	/*
	 * After SLOT_LOST: the first record by multicast, serial first_serial.
	 * gap = first_serial - last_serial - 1 serials went by meanwhile (an
	 * upper bound of the records missed: other processes' records take
	 * serials too).
	 */
	SCL_NETLINK_EVENT_RESUMED,
	/* multicast: the registered daemon changed from old_pid to pid (0: none) */
	SCL_NETLINK_EVENT_DAEMON_CHANGED,
} scl_netlink_event_kind;

typedef struct scl_netlink_event {
	scl_netlink_event_kind kind;
	uint32_t pid, old_pid;
	int error;
	uint64_t last_serial, first_serial, gap;
} scl_netlink_event;

/*
 * Take the oldest event queued by scl_netlink_dispatch(): 1 with *ret, 0 if
 * there is none.  Up to 16 wait; more are dropped until some are taken.
 */
int scl_netlink_next_event(scl_netlink *nl, scl_netlink_event *ret);

/*
 * Send a drain marker (see live.h).  Once scl_netlink_dispatch() has read it,
 * every record queued before the call has been read, and the serial-gap count
 * ends at the marker's serial.  Records started before the marker but queued
 * after it (another task's, on another CPU) still come: scl_netlink_drained()
 * is true once no hole below the marker's serial is left open, or
 * SCL_NETLINK_SETTLE_MS after the marker came; a hole left then counts as
 * lost.  Calling it again before the marker came sends the same marker again
 * (any copy counts); after, while holes may still fill, it does nothing.
 * -errno if it cannot be sent.
 */
#define SCL_NETLINK_SETTLE_MS 500
int scl_netlink_drain_start(scl_netlink *nl);
bool scl_netlink_drained(const scl_netlink *nl);
/*
 * Call scl_netlink_dispatch() within this many ms, records or not: at most
 * SCL_NETLINK_CHECK_MS, less while a drain waits for late records.
 */
int scl_netlink_poll_ms(const scl_netlink *nl);

/*
 * Loss accounting since the start marker.  The kernel's lost counter is
 * read now (AUDIT_GET); lost_known is false when it cannot be.
 * no_unseen_loss is set when no task started since opening can have waited
 * out a full backlog wait: the backlog is unlimited, or the kernel's summed
 * wait (backlog_wait_time_actual) grew by less than backlog_wait_time, or
 * less time than that has passed since opening.
 */
int scl_netlink_stats(scl_netlink *nl, scl_live_stats *ret);

/*
 * For progress reports while collecting (a status line, STATUS=, each
 * interval): as scl_netlink_stats(), but as the registered daemon with
 * records arriving since the last read, the kernel's lost counter is the one
 * read last, not asked for again.  A request while records flow can hold the
 * caller in the kernel's audit_receive() for up to backlog_wait_time, the
 * backlog being over its limit, while its queue fills and the socket
 * overflows (tests/data/KERNEL-NOTES.md, "The daemon's own requests under
 * load").  The final account is scl_netlink_stats()'s.
 */
int scl_netlink_progress(scl_netlink *nl, scl_live_stats *ret);

/*
 * Undo what opening changed: unregister as the daemon (only while the
 * kernel's audit pid is still ours: a daemon that took the slot after us
 * keeps it), put back the backlog limit and wait time (each only if it still
 * has the value we set, so a change made by someone else meanwhile stays;
 * also after the slot was lost: they were raised by us, and a new daemon
 * that wants other values sets its own).  Everything is attempted;
 * returns 0 or the first -errno.  What failed is tried again by the next
 * call (scl_netlink_free() makes one); what succeeded is not repeated.  The
 * socket stays open.
 */
int scl_netlink_restore(scl_netlink *nl);

/*
 * Put back limits a collector raised and could not restore (it was killed):
 * each value that still equals what it was raised to gets its old value.
 * Returns the number of values put back, or -errno.
 */
int scl_audit_restore_limits(uint32_t old_backlog_limit, uint32_t backlog_limit, uint32_t old_wait_time,
			     uint32_t wait_time);

/* Restore (if not done) and close.  Accepts NULL. */
void scl_netlink_free(scl_netlink *nl);
static inline void scl_netlink_freep(scl_netlink **nl)
{
	scl_netlink_free(*nl);
}

#endif
