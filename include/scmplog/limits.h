/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_LIMITS_H
#define SCMPLOG_LIMITS_H

/*
 * Every size that input controls has a named limit here.  Going over one is an
 * error that names the limit; nothing is silently truncated.
 */

/* One audit record body (kernel: MAX_AUDIT_MESSAGE_LENGTH in include/uapi/linux/audit.h). */
#define SCL_MAX_RECORD 8970
/* One input line, including framing (syslog prefix, ENRICHED tail, JSON wrapping). */
#define SCL_MAX_LINE 65536
/* A decoded comm (kernel TASK_COMM_LEN is 16, we allow slack for other kernels). */
#define SCL_MAX_COMM 64
/* A decoded exe path (PATH_MAX). */
#define SCL_MAX_EXE 4096
/* A hostname from syslog, journal or node= prefixes (HOST_NAME_MAX is 64; FQDNs are longer). */
#define SCL_MAX_HOST 255
/* A syscall name as it appears in a profile. */
#define SCL_MAX_SYSCALL_NAME 64
/* Syscall numbers we track per architecture (mips n32 starts at 6000; x32 bit is stripped). */
#define SCL_MAX_SYSCALL_NR 8192
/* One journal export entry (all fields together). */
#define SCL_MAX_JOURNAL_ENTRY (1024 * 1024)
/* A profile file read by scmplog. */
#define SCL_MAX_PROFILE_SIZE (16 * 1024 * 1024)
/* Nesting depth accepted in JSON input. */
#define SCL_MAX_JSON_DEPTH 32
/* Distinct groups for --split-by. */
#define SCL_MAX_GROUPS 100000
/* A file name derived from input (sanitised, before the extension). */
#define SCL_MAX_FILE_NAME 200

#endif
