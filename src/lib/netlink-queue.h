/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_NETLINK_QUEUE_H
#define SCL_NETLINK_QUEUE_H

/*
 * The audit netlink reader thread.  kauditd waits at most 100 ms (the audit
 * socket's sk_sndtimeo, HZ / 10) for room in a daemon's full socket, then
 * gives up on the daemon for the rest of its queue, and records it then
 * cannot place are dropped -- silently when the kernel booted without
 * audit=1 (kauditd_hold_skb()).  The receive buffer holds about 100 ms at
 * full rate, so a collector whose one thread stops reading for about 200 ms
 * (writing and fsyncing its profiles, a slow disk, a full one) loses
 * records.  This thread does nothing but read the socket into memory, so
 * the socket is emptied while the main thread writes.
 *
 * The thread reads one socket at a time.  It holds no capability (it drops
 * them all for itself when it starts: it needs none to read a bound socket)
 * and blocks every signal.  It never calls malloc: the queue is chunks it
 * maps itself, recycled.  Records pass without a lock (one writer, one
 * reader: atomics publish what is written); while they flow the thread
 * reads the socket once a millisecond and wakes the main thread once per
 * read, not once per record.  When the queue holds max_bytes the thread stops
 * reading until the main thread catches up, so the kernel socket fills and
 * the kernel's own backpressure and overflow accounting (ENOBUFS) apply.
 */
#include <stddef.h>
#include <stdint.h>

typedef struct scl_nlq scl_nlq;

/* An entry's flags. */
#define SCL_NLQ_TRUNC 1u    /* the datagram did not fit: its length is what was kept */
#define SCL_NLQ_SWITCHED 2u /* no datagram: the thread read the old socket to its end and now reads
			       the one given to scl_nlq_switch(); aux is the old socket */

/*
 * The reader thread runs this much ahead of the process's nice value (as
 * auditd's priority_boost), when it may (CAP_SYS_NICE); see boost_priority().
 */
#define SCL_NLQ_PRIORITY_BOOST 4

/*
 * Start the thread reading fd (its owner stays the caller), buffering at
 * most max_bytes.  buf_size: the largest datagram.  Returns 0 or -errno.
 */
int scl_nlq_start(int fd, size_t buf_size, size_t max_bytes, scl_nlq **ret);

/* Readable when entries are waiting (for poll()). */
int scl_nlq_fd(const scl_nlq *q);

/*
 * The next entry, in the order read.  Returns 1 with *data (valid until the
 * next call or scl_nlq_release()), *len, *flags and *aux (a datagram's: the sender's
 * netlink port, 0 for the kernel and for a socket of another family); 0
 * when there is none; -errno when the thread stopped on a read error (or
 * at the end of a shut-down socket: -ENOTCONN) and everything before it was
 * taken.
 */
int scl_nlq_next(scl_nlq *q, const char **data, size_t *len, unsigned *flags, int *aux);

/* Give back what scl_nlq_next() returned; keeps scl_nlq_fd() readable while entries wait. */
void scl_nlq_release(scl_nlq *q);

/*
 * Read fd (-1: nothing) instead, once the current socket is read to its
 * end; an SCL_NLQ_SWITCHED entry then marks the place.  Returns 0, or
 * -EBUSY while an earlier switch is not done.
 */
int scl_nlq_switch(scl_nlq *q, int fd);

/* Receive overflows (ENOBUFS) the thread saw; the most the queue held, in bytes. */
void scl_nlq_counters(scl_nlq *q, uint64_t *ret_overflows, size_t *ret_peak_bytes);

/* Stop and join the thread and free everything; NULL is fine. */
void scl_nlq_stop(scl_nlq *q);

#endif
