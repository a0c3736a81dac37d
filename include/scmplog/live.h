/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_LIVE_H
#define SCMPLOG_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scmplog/record.h"

/*
 * What the live sources (netlink.h, kmsg.h) share: the callbacks they call,
 * their loss accounting, the drain marker and the serial-gap counter.
 */

/*
 * Callbacks of a live source.  Any may be NULL.  A negative return stops the
 * dispatch call and is returned by it.
 *   record:  one SECCOMP record (type 1326); slices valid during the call.
 *   skip:    a SECCOMP record that did not parse (counted in .malformed too).
 *   session: an AUDIT_LOGIN record (1006): a task left session old_ses for
 *            new_ses by writing /proc/self/loginuid.  A collector that
 *            follows a session uses it to follow a task that starts its own
 *            (pam_loginuid in the learned tree).  The kernel logs these only
 *            while audit is enabled (auditctl -e 1).
 */
typedef struct scl_live_ops {
	int (*record)(void *ud, const scl_record *rec);
	int (*skip)(void *ud, scl_skip_reason why);
	int (*session)(void *ud, uint32_t old_ses, uint32_t new_ses);
} scl_live_ops;

/* Loss accounting and counters of a live source.  All counters saturate. */
typedef struct scl_live_stats {
	uint64_t messages;      /* netlink messages or kmsg lines read */
	uint64_t records;       /* SECCOMP records passed to ops->record */
	uint64_t malformed;     /* SECCOMP records that did not parse */
	uint64_t overflows;     /* netlink ENOBUFS / kmsg EPIPE episodes (records dropped, count unknown) */
	/*
	 * Netlink, serials tracked: the first overflows_settled of them came
	 * before a drain marker that has since come back with no hole below it
	 * left open.  Whatever they dropped had a serial below the marker's, so
	 * it is in serial_gaps, or it was not lost: the kernel puts a record its
	 * unicast to the daemon timed out on (the overflow the daemon sees) on
	 * its retry queue and sends it again.
	 */
	uint64_t overflows_settled;
	bool serials_tracked;   /* every record type is seen: serial gaps are meaningful */
	uint64_t serial_gaps;   /* serials never seen since the source started */
	uint64_t suppressed;    /* kmsg: "callbacks suppressed" printk drops */
	bool lost_known;        /* the kernel's lost counter could be read at start and now */
	uint64_t kernel_lost;   /* growth of the kernel's lost counter (system-wide; a reset restarts it) */
	/*
	 * Netlink: no task started after the source opened can have lost a
	 * record before it got its serial -- the one loss a serial gap does not
	 * show, short of the kernel running out of memory (see
	 * source-netlink.c).
	 */
	bool no_unseen_loss;
	/*
	 * Netlink: the audit daemon slot was lost mid-collection (the kernel's
	 * audit pid stopped being ours) and reading went on by multicast.  What
	 * the kernel sent meanwhile went to nobody here: slot_gap is the number
	 * of serials between the last record read as the daemon and the first
	 * read by multicast, an upper bound of the records missed (the missing
	 * ones among them are serial gaps, when serials_tracked).  slot_gap_open
	 * counts switches after which no record has come by multicast yet: how
	 * many were missed is unknown.
	 */
	uint64_t slot_lost;
	uint64_t slot_gap;
	uint64_t slot_gap_open;
} scl_live_stats;

/*
 * Records that may be missing: overflows count as at least one (unless
 * settled: see overflows_settled), and so does a lost daemon slot whose gap
 * is still open (or not measurable by serials).
 */
uint64_t scl_live_stats_lost(const scl_live_stats *st);
/* The overflows that may have dropped records no serial gap shows (all without serials). */
uint64_t scl_live_stats_overflows_open(const scl_live_stats *st);

/*
 * For records of tasks started after the source opened (scmplog run): true
 * when the kernel's lost counter grew but provably not by any of them.  Every
 * record type is seen (serials_tracked), so a record lost after it got its
 * serial is a serial gap, and no_unseen_loss rules out a loss before.  The
 * growth is then someone else's: typically an audit daemon that stalled, its
 * records read here by multicast.
 */
bool scl_live_kernel_lost_not_ours(const scl_live_stats *st);
/* scl_live_stats_lost() for such records: kernel_lost left out when not theirs. */
uint64_t scl_live_stats_lost_new_tasks(const scl_live_stats *st);

/*
 * Drain markers.  A marker is a user message "scmplog-drain=<32 hex>" sent
 * through the audit netlink socket; the kernel queues its record behind every
 * record queued before it, so reading it back proves those were read.
 * Fill m with a fresh random nonce; -errno if getrandom() fails.
 */
#define SCL_MARKER_MAX 64
typedef struct scl_marker {
	char text[SCL_MARKER_MAX];  /* "scmplog-drain=..." NUL-terminated */
	size_t n;
} scl_marker;
int scl_marker_new(scl_marker *m, const char *kind);
/* True if the record body (any framing) carries msg='<marker text>'. */
bool scl_marker_match(const scl_marker *m, const char *body, size_t n);

/*
 * Parse the old-ses= and ses= fields of an AUDIT_LOGIN record body.  Returns
 * 0, or -EBADMSG when a field is missing or malformed.
 */
int scl_live_parse_login(const char *body, size_t n, uint32_t *ret_old_ses, uint32_t *ret_ses);

/*
 * Parse an AUDIT_CONFIG_CHANGE record body (1305) about the audit daemon
 * slot: "[op=set ]audit_pid=NEW old=OLD auid=... ses=... [subj=...] res=R".
 * The kernel logs one for a daemon that registers or unregisters (only
 * while audit is enabled) and, always, for a registration it refuses because
 * a healthy daemon holds the slot (res=0, old= the holder).  Returns 0, or
 * -ENOENT when the record is about something else, -EBADMSG when a field is
 * malformed.
 */
int scl_live_parse_pid_change(const char *body, size_t n, uint32_t *ret_new, uint32_t *ret_old, bool *ret_res);

/*
 * Serial-gap counting between two markers.  Audit serials are global and
 * consecutive (32 bits, wrapping), but a serial is taken when a record is
 * started and the record is queued when it ends, on any CPU
 * (kernel/audit.c: audit_log_start(), audit_log_end()), so records arrive out
 * of serial order on both sides of each marker: a record with a serial just
 * above the start marker's may arrive before it, one just below the drain
 * marker's after it.  The tracker therefore records serials from before the
 * start (scl_serials_init()), counts holes only between the start marker's
 * serial and the end marker's (scl_serials_end()), and a hole is final only
 * once it falls out of a window of SCL_SERIAL_WINDOW serials; until then
 * (scl_serials_open()) a late record may still fill it.
 */
#define SCL_SERIAL_WINDOW (1u << 20)
typedef struct scl_serials {
	bool placed;        /* the window has a position (a serial was seen or the base set) */
	bool started;       /* holes above base count */
	bool ended;         /* holes at end and above do not */
	uint64_t base, end; /* unwrapped serials (see live.c) */
	uint64_t lo;        /* first serial of the window; below it everything is final */
	uint64_t max;       /* highest serial seen */
	uint64_t gaps;      /* final holes */
	uint64_t *bits;     /* SCL_SERIAL_WINDOW bits, a ring indexed by serial */
} scl_serials;

/* Track serials from now on, before the start marker's is known.  -ENOMEM. */
int scl_serials_init(scl_serials *s);
/*
 * Count holes above serial `base` (the start marker's): serials above it seen
 * since scl_serials_init() count as seen.  Without scl_serials_init() (or
 * after an earlier start) the tracker starts afresh.  -ENOMEM.
 */
int scl_serials_start(scl_serials *s, uint64_t base);
/* A serial as the kernel prints it (32 bits); larger values are ignored. */
void scl_serials_seen(scl_serials *s, uint64_t serial);
/* Holes at serial `end` (the drain marker's) and above do not count. */
void scl_serials_end(scl_serials *s, uint64_t end);
/* Holes so far between the start and the end, the open ones included. */
uint64_t scl_serials_gaps(const scl_serials *s);
/* The holes among them that a late record may still fill. */
uint64_t scl_serials_open(const scl_serials *s);
void scl_serials_done(scl_serials *s);

/*
 * The serial of "audit(T:S): ..." at the start of a body, in *ret: 0, or
 * -EBADMSG if there is none or it is malformed.  (A kernel serial wraps
 * through 0, so 0 is a serial like any other.)
 */
int scl_live_body_serial(const char *body, size_t n, uint64_t *ret);

#endif
