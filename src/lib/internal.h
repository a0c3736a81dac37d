/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_INTERNAL_H
#define SCL_INTERNAL_H

#include "scmplog/record.h"

/* journalctl -o json line (record.c calls it for lines starting with '{'). */
int scl_journal_json_line(const char *line, size_t n, scl_record *ret, scl_skip_reason *ret_reason);

/*
 * Complete a record parsed from a journal MESSAGE with the entry's fields:
 * hostname, _AUDIT_ID (serial) and realtime timestamp (usec) when the body had
 * no audit(T:S) header.  Any pointer may be NULL / zero length.
 */
int scl_journal_message(const char *msg, size_t msg_n, const char *host, size_t host_n,
			uint64_t audit_serial, uint64_t realtime_usec, scl_framing framing,
			scl_record *ret, scl_skip_reason *ret_reason);

/*
 * scl_record_parse_body() without the fast path for the kernel's own field
 * order: the reference the fast path is tested against.
 */
int scl_record_parse_body_generic(const char *p, size_t n, scl_framing framing, scl_record *ret,
				  scl_skip_reason *ret_reason);

#endif
