/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_DEDUP_H
#define SCMPLOG_DEDUP_H

#include "scmplog/record.h"

/*
 * Copies of one record.  Without auditd, journald stores each record twice:
 * the audit-transport entry (_AUDIT_ID, _SOURCE_REALTIME_TIMESTAMP) and the
 * kernel-transport printk copy (audit(T:S) in MESSAGE), with the same
 * (time, serial) and the same _HOSTNAME.  A bounded table of the recent ones
 * finds the copy, as the two are written close together: the last 32,768
 * to 65,536 records are remembered (two generations of tables, 3 MiB).
 *
 * A record is known by its host, its time (milliseconds) and its serial:
 * serials and times are each node's own, so records of two hosts (a central
 * journal-remote's files) are never copies of each other, however their
 * serials and times fall.  Hosts are compared by a 64-bit hash of their
 * name.  Two nodes of the same name (every one "localhost") cannot be told
 * apart here: give them names.
 */
typedef struct scl_dedup scl_dedup;

int scl_dedup_new(scl_dedup **ret);
void scl_dedup_free(scl_dedup *d);
static inline void scl_dedup_freep(scl_dedup **d)
{
	scl_dedup_free(*d);
}

/*
 * 1 if rec was seen (a copy: drop it), 0 if not (now remembered).  Records
 * without a time (SCL_F_TIME) are never copies: 0, not remembered.
 */
int scl_dedup_seen(scl_dedup *d, const scl_record *rec);

/*
 * The same copies in `journalctl -o short` (or syslog) text: the audit
 * transport's line ("audit[PID]: SECCOMP ...": SCL_FRAME_JOURNAL_SHORT) and
 * the kernel's printk copy (SCL_FRAME_SYSLOG), in either order, with no
 * audit(T:S) on the first.  They are paired by content: every number of the
 * record and the lengths of its strings (no string bytes, so a copy whose
 * line is gone can still be matched); records equal in all of them are one
 * process at one instruction, the same record.  Plain syslog costs nothing
 * until a JOURNAL_SHORT line shows this is journalctl's output (the kernel
 * line just before it, its copy if journald stored that first, is
 * remembered).  The table is bounded (65,536 slots, cleared when half full).
 */
typedef struct scl_dedup_text scl_dedup_text;

int scl_dedup_text_new(scl_dedup_text **ret);
void scl_dedup_text_free(scl_dedup_text *t);
static inline void scl_dedup_text_freep(scl_dedup_text **t)
{
	scl_dedup_text_free(*t);
}
/*
 * 1 if rec is the second copy of a record whose first was seen (drop it), 0
 * if not, -ENOMEM (nothing remembered: a copy will be counted twice).  Other
 * framings than JOURNAL_SHORT and SYSLOG: 0.
 */
int scl_dedup_text_seen(scl_dedup_text *t, const scl_record *rec);

#endif
