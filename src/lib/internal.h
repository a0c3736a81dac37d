/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_INTERNAL_H
#define SCL_INTERNAL_H

#include "scmplog/record.h"

/* journalctl -o json line (record-line.c calls it for lines starting with '{'). */
int scl_journal_json_line(const char *line, size_t n, scl_record *ret, scl_skip_reason *ret_reason);

/*
 * Complete a record parsed from a journal MESSAGE with the entry's fields:
 * hostname, _AUDIT_ID (serial) and realtime timestamp (usec) when the body had
 * no audit(T:S) header.  Any pointer may be NULL / zero length.  audit_1326:
 * the entry says _AUDIT_TYPE=1326, so a MESSAGE without the "SECCOMP " prefix
 * is still read as the record's body.
 */
int scl_journal_message(const char *msg, size_t msg_n, const char *host, size_t host_n,
			uint64_t audit_serial, uint64_t realtime_usec, scl_framing framing, bool audit_1326,
			scl_record *ret, scl_skip_reason *ret_reason);

/*
 * scl_record_parse_body() without the fast path for the kernel's own field
 * order: the reference the fast path is tested against.
 */
int scl_record_parse_body_generic(const char *p, size_t n, scl_framing framing, scl_record *ret,
				  scl_skip_reason *ret_reason);

/*
 * Record helpers shared by the parsers (record.c, ausearch.c).
 * scl_record_set_code(): code= value into rec (data bits dropped, an
 * undefined action as kill_process); -1 for allow, which is never logged.
 * scl_record_finish_arch(): a record without arch= gets the assumed arch, or
 * -1 with *why = SCL_SKIP_NO_ARCH.
 */
int scl_record_set_code(scl_record *rec, uint32_t code);
int scl_record_finish_arch(scl_record *rec, scl_skip_reason *why);

/*
 * ausearch -i (ausearch-report.c) body at p: "audit(DATE TIME.MSEC:SERIAL) : "
 * then interpreted fields.  0 with rec filled (framing left to the caller);
 * -1 with *why: SCL_SKIP_NONE when it is not that form at all.
 */
int scl_ausearch_body(const char *p, size_t n, scl_record *rec, scl_skip_reason *why);
/* Set the skip key (scl_record_skip_key()) from another parser module. */
void scl_record_set_skip_key(const char *p, size_t n);

#endif
