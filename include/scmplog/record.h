/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCMPLOG_RECORD_H
#define SCMPLOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A parsed SECCOMP audit record (type 1326).  A plain value: string fields are
 * slices into the caller's line buffer and stay valid only as long as it does.
 * comm and exe are kept as the kernel encoded them (quoted or hex); decode with
 * scl_record_decode_str().
 */

#define SCL_AUDIT_SECCOMP 1326

/* seccomp return actions as they appear in code= (SECCOMP_RET_ACTION_FULL). */
#define SCL_ACT_KILL_PROCESS 0x80000000U
#define SCL_ACT_KILL_THREAD 0x00000000U
#define SCL_ACT_TRAP 0x00030000U
#define SCL_ACT_ERRNO 0x00050000U
#define SCL_ACT_USER_NOTIF 0x7fc00000U
#define SCL_ACT_TRACE 0x7ff00000U
#define SCL_ACT_LOG 0x7ffc0000U
#define SCL_ACT_ALLOW 0x7fff0000U
#define SCL_ACT_MASK 0xffff0000U

/* Which framing a line came in. */
typedef enum scl_framing {
	SCL_FRAME_NONE = 0,
	SCL_FRAME_BODY,       /* bare "audit(T:S): ..." (netlink) */
	SCL_FRAME_PRINTK,     /* "audit: type=1326 audit(...)" somewhere in the line */
	SCL_FRAME_DMESG,      /* "[ 5703.220409] audit: ..." */
	SCL_FRAME_DMESG_RAW,  /* "<5>[ 5703.220409] audit: ..." */
	SCL_FRAME_KMSG,       /* "5,341,5724412345,-;audit: ..." */
	SCL_FRAME_SYSLOG,     /* rsyslog/syslog-ng "... host kernel: ..." */
	SCL_FRAME_AUDITD,     /* "type=SECCOMP msg=audit(...)" */
	SCL_FRAME_ENRICHED,   /* auditd RAW + 0x1d + interpreted fields */
	SCL_FRAME_JOURNAL_SHORT, /* journalctl -o short*: "host audit[7178]: SECCOMP ..." */
	SCL_FRAME_JOURNAL_EXPORT, /* journalctl -o export entry */
	SCL_FRAME_JOURNAL_JSON,   /* journalctl -o json line */
	SCL_FRAME_JOURNAL,    /* sd-journal entry */
	SCL_FRAME_AUSEARCH,   /* ausearch -i: "type=SECCOMP msg=audit(08/22/2022 17:15:56.273:401) : ..." */
	_SCL_FRAME_MAX,
} scl_framing;

/* Fields present in a record (bit per key). */
enum {
	SCL_F_TIME = 1u << 0,  /* time_sec/time_msec/serial from audit(T:S) */
	SCL_F_AUID = 1u << 1,
	SCL_F_UID = 1u << 2,
	SCL_F_GID = 1u << 3,
	SCL_F_SES = 1u << 4,
	SCL_F_PID = 1u << 5,
	SCL_F_COMM = 1u << 6,
	SCL_F_EXE = 1u << 7,
	SCL_F_SIG = 1u << 8,
	SCL_F_ARCH = 1u << 9,
	SCL_F_SYSCALL = 1u << 10,
	SCL_F_COMPAT = 1u << 11,
	SCL_F_IP = 1u << 12,
	SCL_F_CODE = 1u << 13,
	SCL_F_SUBJ = 1u << 14,
	SCL_F_HOST = 1u << 15,
	/* how a value was obtained, for the summaries */
	SCL_F_ARCH_ASSUMED = 1u << 16,  /* no arch= (kernel < 3.16): scl_record_set_assume_arch() */
	SCL_F_CODE_UNDEFINED = 1u << 17, /* code= an action the kernel does not define: read as kill_process */
	SCL_F_TIME_LOCAL = 1u << 18,    /* the time was local wall-clock time (ausearch -i), TZ rules applied */
	SCL_F_TIME_AMBIGUOUS = 1u << 19, /* ... that occurs twice (DST fold): the earlier instant taken */
};

typedef struct scl_slice {
	const char *p;
	size_t n;
} scl_slice;

typedef struct scl_record {
	uint32_t fields;       /* SCL_F_* present */
	scl_framing framing;
	uint64_t time_sec;     /* epoch seconds, or uptime for early-boot records */
	uint32_t time_msec;
	uint64_t serial;
	uint32_t auid, uid, gid, ses;
	uint32_t pid;
	uint32_t sig;
	uint32_t arch;         /* AUDIT_ARCH_* as logged */
	uint32_t syscall;      /* as logged; x32 keeps bit 0x40000000 */
	uint32_t compat;
	uint64_t ip;
	uint32_t code;         /* the action (SECCOMP_RET_ACTION_FULL); the kernel never logs the data bits */
	scl_slice comm;        /* encoded, without quotes for quoted form */
	bool comm_hex;         /* comm was hex-encoded */
	scl_slice exe;
	bool exe_hex;
	scl_slice subj;
	scl_slice host;        /* syslog/journal/node= hostname, if any */
} scl_record;

/* Why a SECCOMP line was skipped.  Keep in sync with scl_skip_reason_str(). */
typedef enum scl_skip_reason {
	SCL_SKIP_NONE = 0,
	SCL_SKIP_BAD_ARCH,      /* arch= missing or not hex */
	SCL_SKIP_BAD_SYSCALL,   /* syscall= missing or not decimal */
	SCL_SKIP_BAD_CODE,      /* code= not a seccomp action the kernel logs */
	SCL_SKIP_BAD_NUMBER,    /* another numeric field malformed */
	SCL_SKIP_BAD_STRING,    /* comm/exe not quoted nor valid hex */
	SCL_SKIP_BAD_FIELD,     /* text that is not key=value inside the body */
	SCL_SKIP_DUPLICATE_KEY,
	SCL_SKIP_TOO_LONG,      /* the record body over SCL_MAX_RECORD */
	SCL_SKIP_NUL_BYTE,
	SCL_SKIP_TRUNCATED,     /* line ends inside the record (no code=, open quote, ...) */
	SCL_SKIP_BAD_HEADER,    /* audit(T:S) malformed */
	SCL_SKIP_BAD_JOURNAL,   /* journal export/json entry malformed */
	SCL_SKIP_LINE_TOO_LONG, /* the line (or journal MESSAGE) over SCL_MAX_LINE */
	SCL_SKIP_HOST_TOO_LONG, /* the host name over SCL_MAX_HOST */
	SCL_SKIP_COMM_TOO_LONG, /* comm= decoded over SCL_MAX_COMM */
	SCL_SKIP_EXE_TOO_LONG,  /* exe= decoded over SCL_MAX_EXE */
	SCL_SKIP_NO_ARCH,       /* no arch= at all (kernel < 3.16) and no arch assumed */
	SCL_SKIP_BAD_NAME,      /* ausearch -i: a name with no number (syscall, arch, action) */
	_SCL_SKIP_MAX,
} scl_skip_reason;

const char *scl_skip_reason_str(scl_skip_reason r);
/* What the reason's field should have looked like ("expected ..."), for verbose listings. */
const char *scl_skip_reason_hint(scl_skip_reason r);
/*
 * After a parse on this thread returned -EBADMSG: the text it stopped at (a
 * "key=value", the header, the host), or an empty slice.  Points into the
 * parsed line (or a static string): valid until the next parse on this
 * thread, and only while the line is.
 */
scl_slice scl_record_skip_key(void);
/*
 * Records without arch= (kernels before 3.16 do not log it) are skipped as
 * SCL_SKIP_NO_ARCH unless an architecture is assumed: then they get this
 * arch (its 32-bit compat arch when compat=1) and SCL_F_ARCH_ASSUMED.
 * 0 assumes nothing.  Process-wide: set it before parsing starts.
 */
void scl_record_set_assume_arch(uint32_t arch);
const char *scl_framing_str(scl_framing f);

/*
 * Classify and parse one line of any supported text form (no trailing newline;
 * it may hold any byte, NULs included).
 *
 * Returns SCL_LINE_RECORD and fills *ret for a SECCOMP record;
 * SCL_LINE_OTHER for anything else (other record types, unrelated text);
 * SCL_LINE_SUPPRESSED for a printk "kauditd_printk_skb: N callbacks
 * suppressed" line, with N in *ret_suppressed;
 * -EBADMSG for a line that is a SECCOMP record but malformed, reason in
 * *ret_reason.  *ret is written only for SCL_LINE_RECORD.
 *
 * Journal export (multi-line) entries are not lines: see source.h.  A line
 * starting with '{' is read as journalctl -o json; its slices then point into
 * a thread-local buffer that the next call in the same thread overwrites; so
 * may comm and exe of an ausearch -i record (SCL_FRAME_AUSEARCH) whose
 * escapes were undone.
 */
enum { SCL_LINE_OTHER = 0, SCL_LINE_RECORD = 1, SCL_LINE_SUPPRESSED = 2 };
int scl_record_parse_line(const char *line, size_t n, scl_record *ret,
			  scl_skip_reason *ret_reason, uint64_t *ret_suppressed);

/*
 * Parse a record body: optionally "audit(T:S): " then "key=value ..." (the
 * netlink payload, or the MESSAGE of a journal audit-transport entry after
 * "SECCOMP ").  Same returns as above but never SCL_LINE_OTHER/SUPPRESSED:
 * 1 on success, -EBADMSG with *ret_reason.
 */
int scl_record_parse_body(const char *p, size_t n, scl_framing framing, scl_record *ret,
			  scl_skip_reason *ret_reason);

/*
 * Decode a comm/exe slice into buf (NUL-terminated).  Hex form is decoded;
 * the result may contain any byte but NUL.  Returns the decoded length, or
 * -ENAMETOOLONG when it does not fit in size - 1, -EINVAL for bad hex or an
 * embedded NUL.
 */
int scl_record_decode_str(scl_slice s, bool hex, char *buf, size_t size);

/* The action part of code= (code & SCL_ACT_MASK, with KILL_PROCESS kept). */
static inline uint32_t scl_record_action(const scl_record *r)
{
	return r->code & SCL_ACT_MASK;
}

/* True for SECCOMP_RET_LOG: the syscall was allowed and logged (learning). */
static inline bool scl_record_is_log(const scl_record *r)
{
	return (r->fields & SCL_F_CODE) && scl_record_action(r) == SCL_ACT_LOG;
}

/* Name of an action ("log", "errno", "kill_process", ...), "unknown" otherwise. */
const char *scl_action_str(uint32_t action);

#endif
