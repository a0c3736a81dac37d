/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/record.h"
#include "lib/internal.h"
#include "unit-util.h"

#define BODY "audit(1795706294.916:7): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=3055 comm=\"logt\" " \
	     "exe=\"/tmp/logt\" sig=0 arch=c000003e syscall=59 compat=0 ip=0x7f9d83b6aad7 code=0x7ffc0000"

/* Lines that must parse, with what they must yield. */
static const struct ok_case {
	const char *line;
	scl_framing framing;
	uint32_t arch, syscall, code, pid;
	const char *host;
	const char *comm; /* decoded */
	const char *exe;
} ok_cases[] = {
	{ "[   77.244806] audit: type=1326 " BODY, SCL_FRAME_DMESG, 0xc000003e, 59, 0x7ffc0000, 3055, NULL, "logt", "/tmp/logt" },
	{ "<5>[   77.244806] audit: type=1326 " BODY, SCL_FRAME_DMESG_RAW, 0xc000003e, 59, 0x7ffc0000, 3055, NULL, "logt", NULL },
	{ "5,341,5724412345,-;audit: type=1326 " BODY, SCL_FRAME_KMSG, 0xc000003e, 59, 0x7ffc0000, 3055, NULL, NULL, NULL },
	{ "type=SECCOMP msg=" BODY, SCL_FRAME_AUDITD, 0xc000003e, 59, 0x7ffc0000, 3055, NULL, NULL, NULL },
	{ "type=SECCOMP msg=" BODY "\x1d" "AUID=\"unset\" UID=\"root\" GID=\"root\" ARCH=x86_64 SYSCALL=unknown-syscall(-1)",
	  SCL_FRAME_ENRICHED, 0xc000003e, 59, 0x7ffc0000, 3055, NULL, NULL, NULL },
	{ "node=web-1 type=SECCOMP msg=" BODY, SCL_FRAME_AUDITD, 0xc000003e, 59, 0x7ffc0000, 3055, "web-1", NULL, NULL },
	{ "2026-11-23T08:39:06.416428+00:00 vm kernel: [ 5724.41] audit: type=1326 " BODY, SCL_FRAME_SYSLOG,
	  0xc000003e, 59, 0x7ffc0000, 3055, "vm", NULL, NULL },
	{ "Nov 23 08:39:06 node7 kernel: audit: type=1326 " BODY, SCL_FRAME_SYSLOG, 0xc000003e, 59, 0x7ffc0000, 3055,
	  "node7", NULL, NULL },
	{ "Nov 23 08:08:50 host1 audit[7178]: SECCOMP auid=0 uid=0 gid=0 ses=1 pid=7178 comm=\"ls\" exe=\"/usr/bin/ls\" "
	  "sig=0 arch=c000003e syscall=0 compat=0 ip=0x7f code=0x7ffc0000",
	  SCL_FRAME_JOURNAL_SHORT, 0xc000003e, 0, 0x7ffc0000, 7178, "host1", "ls", "/usr/bin/ls" },
	/* hex-encoded comm and exe (space, quote) */
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=6120622263 exe=2F746D702F782079 sig=0 "
	  "arch=c000003e syscall=39 compat=0 ip=0x1 code=0x7ffc0000",
	  SCL_FRAME_AUDITD, 0xc000003e, 39, 0x7ffc0000, 9, NULL, "a b\"c", "/tmp/x y" },
	/* AppArmor subj with spaces and '=' */
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 subj==unconfined (complain) pid=9 comm=\"a\" exe=\"/a\" "
	  "sig=0 arch=40000003 syscall=102 compat=1 ip=0x1 code=0x50000",
	  SCL_FRAME_AUDITD, 0x40000003, 102, 0x50000, 9, NULL, "a", "/a" },
	/* early-boot uptime timestamp; kill_process with sig=31 */
	{ "[  114.040000] audit: type=1326 audit(114.040:1178): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=1 "
	  "comm=\"init\" exe=\"/sbin/init\" sig=31 arch=c00000b7 syscall=221 compat=0 ip=0xffff code=0x80000000",
	  SCL_FRAME_DMESG, 0xc00000b7, 221, 0x80000000, 1, NULL, "init", NULL },
	/* x32 number */
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e "
	  "syscall=1073741863 compat=0 ip=0x1 code=0x7ffc0000",
	  SCL_FRAME_AUDITD, 0xc000003e, 1073741863, 0x7ffc0000, 9, NULL, NULL, NULL },
	/* journald audit-transport MESSAGE */
	{ "SECCOMP auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000",
	  SCL_FRAME_JOURNAL, 0xc000003e, 1, 0x7ffc0000, 9, NULL, NULL, NULL },
	/* journalctl -o json */
	{ "{\"_HOSTNAME\":\"jhost\",\"__REALTIME_TIMESTAMP\":\"1795706294916000\",\"MESSAGE\":\"audit: type=1326 " "audit(1795706294.916:7): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=3055 comm=\\\"logt\\\" exe=\\\"/tmp/logt\\\" sig=0 arch=c000003e syscall=59 compat=0 ip=0x7f9d83b6aad7 code=0x7ffc0000\",\"_TRANSPORT\":\"kernel\"}",
	  SCL_FRAME_JOURNAL_JSON, 0xc000003e, 59, 0x7ffc0000, 3055, "jhost", "logt", NULL },
	/* exe=(null): kernel threads */
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"kw\" exe=(null) sig=0 arch=c000003e "
	  "syscall=3 compat=0 ip=0x1 code=0x7ffc0000",
	  SCL_FRAME_AUDITD, 0xc000003e, 3, 0x7ffc0000, 9, NULL, "kw", "(null)" },
};

START_TEST(test_ok)
{
	const struct ok_case *t = &ok_cases[_i];
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	char buf[SCL_MAX_EXE + 1];
	int r;

	r = scl_record_parse_line(t->line, strlen(t->line), &rec, &why, NULL);
	ck_assert_msg(r == SCL_LINE_RECORD, "case %d: r=%d why=%s", _i, r, scl_skip_reason_str(why));
	ck_assert_int_eq(rec.framing, t->framing);
	ck_assert_uint_eq(rec.arch, t->arch);
	ck_assert_uint_eq(rec.syscall, t->syscall);
	ck_assert_uint_eq(rec.code, t->code);
	ck_assert_uint_eq(rec.pid, t->pid);
	if (t->host) {
		ck_assert(rec.fields & SCL_F_HOST);
		ck_assert_int_eq((int)rec.host.n, (int)strlen(t->host));
		ck_assert(!memcmp(rec.host.p, t->host, rec.host.n));
	} else {
		ck_assert(!(rec.fields & SCL_F_HOST));
	}
	if (t->comm) {
		r = scl_record_decode_str(rec.comm, rec.comm_hex, buf, sizeof(buf));
		ck_assert_int_ge(r, 0);
		ck_assert_str_eq(buf, t->comm);
	}
	if (t->exe) {
		r = scl_record_decode_str(rec.exe, rec.exe_hex, buf, sizeof(buf));
		ck_assert_int_ge(r, 0);
		ck_assert_str_eq(buf, t->exe);
	}
}
END_TEST

/* Lines that are SECCOMP records but malformed: skipped, with this reason. */
static const struct bad_case {
	const char *line;
	size_t len; /* 0: strlen */
	scl_skip_reason why;
} bad_cases[] = {
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=zzz syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_ARCH },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=12abc compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_SYSCALL },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_SYSCALL },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_NO_ARCH },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e arch=40000003 syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_DUPLICATE_KEY },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1", 0, SCL_SKIP_TRUNCATED },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc", 0, SCL_SKIP_TRUNCATED },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a", 0, SCL_SKIP_TRUNCATED },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000 pid=3", 0, SCL_SKIP_DUPLICATE_KEY },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=-1 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_NUMBER },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=61G exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_STRING },
	{ "type=SECCOMP msg=audit(1x001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_HEADER },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\0\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 140, SCL_SKIP_NUL_BYTE },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=2 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_NUMBER },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=+1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_SYSCALL },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=99999999999 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_SYSCALL },
	{ "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=1c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_ARCH },
	{ "[ 1.0] audit: type=1326 audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000 junk", 0, SCL_SKIP_TRUNCATED },
	{ "[ 1.0] audit: type=1326 audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9  comm=\"a\" exe=\"/a\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 0, SCL_SKIP_BAD_FIELD },
	{ "{\"MESSAGE\":\"SECCOMP auid=0 uid=0\",broken", 0, SCL_SKIP_BAD_JOURNAL },
};

START_TEST(test_bad)
{
	const struct bad_case *t = &bad_cases[_i];
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	size_t n = t->len ? t->len : strlen(t->line);
	int r;

	memset(&rec, 0xa5, sizeof(rec));
	r = scl_record_parse_line(t->line, n, &rec, &why, NULL);
	ck_assert_msg(r == -EBADMSG, "case %d: r=%d", _i, r);
	ck_assert_msg(why == t->why, "case %d: why=%s, want %s", _i, scl_skip_reason_str(why), scl_skip_reason_str(t->why));
	/* ret untouched on failure */
	ck_assert_uint_eq(rec.arch, 0xa5a5a5a5U);
}
END_TEST

static const char *const other_lines[] = {
	"",
	"type=SYSCALL msg=audit(1.001:2): arch=c000003e syscall=59 success=yes",
	"type=DAEMON_START msg=audit(1.001:2): op=start ver=3.0.9",
	"[    1.265745] random: crng reseeded due to virtual machine fork",
	"Nov 23 08:08:50 host sshd[1]: Accepted publickey for root",
	"[ 1.0] audit: type=1400 audit(1.001:2): apparmor=\"DENIED\"",
	"{\"MESSAGE\":\"hello\",\"_HOSTNAME\":\"h\"}",
	"{not json at all",
	"myapp: SECCOMP is a kernel feature",
};

START_TEST(test_other)
{
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	int r = scl_record_parse_line(other_lines[_i], strlen(other_lines[_i]), &rec, &why, NULL);
	ck_assert_msg(r == SCL_LINE_OTHER, "case %d: r=%d", _i, r);
}
END_TEST

START_TEST(test_suppressed)
{
	const char *l = "[ 5703.220409] kauditd_printk_skb: 1234 callbacks suppressed";
	scl_record rec;
	uint64_t n = 0;
	ck_assert_int_eq(scl_record_parse_line(l, strlen(l), &rec, NULL, &n), SCL_LINE_SUPPRESSED);
	ck_assert_uint_eq(n, 1234);
}
END_TEST

START_TEST(test_too_long)
{
	size_t n = SCL_MAX_RECORD + 200;
	char *l = malloc(n + 1);
	const char *pre = "type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm=\"a\" exe=\"/";
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;

	memset(l, 'x', n);
	memcpy(l, pre, strlen(pre));
	memcpy(l + n - 60, "\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000", 60);
	ck_assert_int_eq(scl_record_parse_line(l, n, &rec, &why, NULL), -EBADMSG);
	ck_assert_int_eq(why, SCL_SKIP_TOO_LONG);
	ck_assert_str_eq(scl_skip_reason_str(why), "record over SCL_MAX_RECORD (8970 bytes)");
	free(l);
}
END_TEST

/*
 * comm= and exe= at their limits (quoted and hex) are kept; one byte more is
 * skipped with the limit's name, not as a bad string.
 */
START_TEST(test_string_limits)
{
	static const struct {
		const char *key;
		size_t limit;
		scl_skip_reason why;
		const char *str;
	} c[] = {
		{ "comm", SCL_MAX_COMM, SCL_SKIP_COMM_TOO_LONG, "comm over SCL_MAX_COMM (64 bytes)" },
		{ "exe", SCL_MAX_EXE, SCL_SKIP_EXE_TOO_LONG, "exe over SCL_MAX_EXE (4096 bytes)" },
	};
	char *l = malloc(SCL_MAX_RECORD);

	ck_assert_ptr_nonnull(l);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		for (int hex = 0; hex <= 1; hex++)
			for (size_t len = c[i].limit; len <= c[i].limit + 1; len++) {
				scl_record rec;
				scl_skip_reason why = SCL_SKIP_NONE;
				int n = snprintf(l, SCL_MAX_RECORD, "audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 %s=",
						 !strcmp(c[i].key, "comm") ? "exe=\"/a\" comm" : "comm=\"a\" exe");
				int r;

				if (!hex)
					l[n++] = '"';
				for (size_t k = 0; k < len; k++) {
					if (hex) {
						l[n++] = '4';
						l[n++] = '1';
					} else {
						l[n++] = 'A';
					}
				}
				if (!hex)
					l[n++] = '"';
				n += snprintf(l + n, SCL_MAX_RECORD - (size_t)n,
					      " sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000");
				r = scl_record_parse_body(l, (size_t)n, SCL_FRAME_BODY, &rec, &why);
				if (len == c[i].limit) {
					ck_assert_msg(r == 1, "%s hex=%d len=%zu: %d (%s)", c[i].key, hex, len, r,
						      scl_skip_reason_str(why));
				} else {
					ck_assert_int_lt(r, 0);
					ck_assert_int_eq(why, c[i].why);
					ck_assert_str_eq(scl_skip_reason_str(why), c[i].str);
				}
			}
	free(l);
}
END_TEST

/* pre, hn bytes of host name, post: kept at SCL_MAX_HOST, skipped with the limit's name past it. */
static void host_case(const char *pre, size_t hn, const char *post)
{
	size_t n = strlen(pre) + hn + strlen(post);
	char *l = malloc(n);
	scl_record rec;
	scl_skip_reason why = SCL_SKIP_NONE;
	int r;

	ck_assert(l != NULL);
	memcpy(l, pre, strlen(pre));
	memset(l + strlen(pre), 'h', hn);
	memcpy(l + strlen(pre) + hn, post, strlen(post));
	r = scl_record_parse_line(l, n, &rec, &why, NULL);
	if (hn == SCL_MAX_HOST) {
		ck_assert_int_eq(r, SCL_LINE_RECORD);
		ck_assert_uint_eq(rec.host.n, SCL_MAX_HOST);
	} else {
		ck_assert_int_eq(r, -EBADMSG);
		ck_assert_int_eq(why, SCL_SKIP_HOST_TOO_LONG);
		ck_assert_str_eq(scl_skip_reason_str(why), "host name over SCL_MAX_HOST (255 bytes)");
	}
	free(l);
}

/* A syslog host name, or a journal JSON line's _HOSTNAME, of SCL_MAX_HOST bytes is kept; one byte more skips the record. */
START_TEST(test_host_limit)
{
	for (size_t hn = SCL_MAX_HOST; hn <= SCL_MAX_HOST + 1; hn++) {
		host_case("2026-11-23T08:39:06.416428+00:00 ", hn, " kernel: audit: type=1326 " BODY);
		host_case("{\"_HOSTNAME\":\"", hn,
			  "\",\"MESSAGE\":\"audit: type=1326 audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 "
			  "comm=\\\"a\\\" exe=\\\"/a\\\" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 "
			  "code=0x7ffc0000\",\"_TRANSPORT\":\"kernel\"}");
	}
}
END_TEST

START_TEST(test_decode)
{
	char buf[8];
	scl_slice s = { "41424344", 8 };
	ck_assert_int_eq(scl_record_decode_str(s, true, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "ABCD");
	s.p = "414243444546474849";
	s.n = 18;
	ck_assert_int_eq(scl_record_decode_str(s, true, buf, sizeof(buf)), -ENAMETOOLONG);
	s.p = "4100";
	s.n = 4;
	ck_assert_int_eq(scl_record_decode_str(s, true, buf, sizeof(buf)), -EINVAL);
	s.p = "1b5b326a";
	s.n = 8;
	ck_assert_int_eq(scl_record_decode_str(s, true, buf, sizeof(buf)), 4);
	ck_assert_int_eq(buf[0], 0x1b);
}
END_TEST

static const struct num_case {
	const char *s;
	int base; /* 10, 16, 0 for 0x */
	uint64_t max;
	int r;
	uint64_t v;
} num_cases[] = {
	{ "0", 10, 10, 0, 0 },
	{ "18446744073709551615", 10, UINT64_MAX, 0, UINT64_MAX },
	{ "18446744073709551616", 10, UINT64_MAX, -ERANGE, 0 },
	{ "11", 10, 10, -ERANGE, 0 },
	{ "", 10, 10, -EINVAL, 0 },
	{ " 1", 10, 10, -EINVAL, 0 },
	{ "1 ", 10, 10, -EINVAL, 0 },
	{ "-1", 10, 10, -EINVAL, 0 },
	{ "+1", 10, 10, -EINVAL, 0 },
	{ "c000003e", 16, UINT32_MAX, 0, 0xc000003e },
	{ "C000003E", 16, UINT32_MAX, 0, 0xc000003e },
	{ "0xc000003e", 16, UINT32_MAX, -EINVAL, 0 },
	{ "0x7ffc0000", 0, UINT32_MAX, 0, 0x7ffc0000 },
	{ "0x", 0, UINT32_MAX, -EINVAL, 0 },
	{ "7ffc0000", 0, UINT32_MAX, -EINVAL, 0 },
	{ "0x1ffffffff", 0, UINT32_MAX, -ERANGE, 0 },
	{ "0x10000000000000000", 0, UINT64_MAX, -ERANGE, 0 },
};

/*
 * The fast path for the kernel's own field order against the generic
 * parser: the same verdict, reason and record for every body of the
 * fixtures and for mutations of them (a byte deleted, replaced, inserted,
 * the body cut short).  Each body is parsed from a heap copy of exactly its
 * length, so an over-read shows under ASan.
 */
static long diff_runs, diff_fast_ok;

static void same_record(const scl_record *a, const scl_record *b, const char *what, size_t pos)
{
	ck_assert_msg(a->fields == b->fields, "%s@%zu: fields %x != %x", what, pos, a->fields, b->fields);
	ck_assert_msg(a->framing == b->framing && a->time_sec == b->time_sec && a->time_msec == b->time_msec &&
			      a->serial == b->serial, "%s@%zu: header differs", what, pos);
	ck_assert_msg(a->auid == b->auid && a->uid == b->uid && a->gid == b->gid && a->ses == b->ses &&
			      a->pid == b->pid && a->sig == b->sig, "%s@%zu: ids differ", what, pos);
	ck_assert_msg(a->arch == b->arch && a->syscall == b->syscall && a->compat == b->compat && a->ip == b->ip &&
			      a->code == b->code, "%s@%zu: arch/syscall/compat/ip/code differ (%x/%u vs %x/%u)", what,
		      pos, a->arch, a->syscall, b->arch, b->syscall);
	ck_assert_msg(a->comm.p == b->comm.p && a->comm.n == b->comm.n && a->comm_hex == b->comm_hex &&
			      a->exe.p == b->exe.p && a->exe.n == b->exe.n && a->exe_hex == b->exe_hex &&
			      a->subj.p == b->subj.p && a->subj.n == b->subj.n && a->host.p == b->host.p &&
			      a->host.n == b->host.n, "%s@%zu: strings differ", what, pos);
}

static void diff_one(const char *body, size_t n, const char *what, size_t pos)
{
	char *buf = malloc(n ? n : 1);
	scl_record a, b;
	scl_skip_reason ra = SCL_SKIP_NONE, rb = SCL_SKIP_NONE;
	int r1, r2;

	ck_assert(buf != NULL);
	memcpy(buf, body, n);
	r1 = scl_record_parse_body(buf, n, SCL_FRAME_BODY, &a, &ra);
	r2 = scl_record_parse_body_generic(buf, n, SCL_FRAME_BODY, &b, &rb);
	ck_assert_msg(r1 == r2, "%s@%zu: fast %d, generic %d (reasons %s, %s)", what, pos, r1, r2,
		      scl_skip_reason_str(ra), scl_skip_reason_str(rb));
	if (r1 < 0)
		ck_assert_msg(ra == rb, "%s@%zu: reason %s != %s", what, pos, scl_skip_reason_str(ra),
			      scl_skip_reason_str(rb));
	else
		same_record(&a, &b, what, pos);
	diff_runs++;
	diff_fast_ok += r1 > 0;
	free(buf);
}

static void diff_mutations(const char *body, size_t n)
{
	static const char subst[] = { ' ', '"', '0', '1', '9', 'a', 'f', 'F', 'g', 'x', '=', '-', '(', ')',
				      '.', ':', '\t', '\x1d', '\x7f', (char)0x80, 'p' };
	char *m = malloc(n + 2);

	ck_assert(m != NULL);
	diff_one(body, n, "as is", 0);
	for (size_t i = 0; i <= n; i++) {
		diff_one(body, i, "cut", i); /* truncated to i bytes */
		if (i < n) {
			memcpy(m, body, i);
			memcpy(m + i, body + i + 1, n - i - 1);
			diff_one(m, n - 1, "delete", i);
			for (size_t k = 0; k < sizeof(subst); k++) {
				memcpy(m, body, n);
				if (m[i] == subst[k])
					continue;
				m[i] = subst[k];
				diff_one(m, n, "replace", i);
			}
		}
		for (size_t k = 0; k < sizeof(subst); k += 4) {
			memcpy(m, body, i);
			m[i] = subst[k];
			memcpy(m + i + 1, body + i, n - i);
			diff_one(m, n + 1, "insert", i);
		}
	}
	free(m);
}

static const char *const diff_files[] = {
	"audit-raw.log", "audit-enriched.log", "audit-node.log", "dmesg.log", "dmesg-raw.log", "kmsg.log",
	"syslog-rfc3339.log", "syslog-traditional.log", "journal-short.txt", "malformed.log", "foreign-arches.log",
};

/* Extra bodies: LSM labels, hex strings, (null), every action, big and odd numbers. */
static const char *const diff_bodies[] = {
	BODY,
	"audit(1795706294.916:7): auid=0 uid=0 gid=0 ses=1 subj=unconfined pid=3 comm=\"a\" exe=\"/a\" sig=0 "
	"arch=c000003e syscall=1 compat=0 ip=0x1 code=0x7ffc0000",
	"audit(1.000:1): auid=0 uid=0 gid=0 ses=1 subj==unconfined (complain) pid=3 comm=\"a\" exe=\"/a\" sig=0 "
	"arch=c000003e syscall=1 compat=0 ip=0x1 code=0x50000",
	"audit(114.040:1178): auid=4294967295 uid=4294967295 gid=4294967295 ses=4294967295 pid=4194304 "
	"comm=782079 exe=(null) sig=31 arch=40000003 syscall=4294967295 compat=1 ip=0xffffffffffffffff code=0x80000000",
	"audit(18446744073709551.999:18446744073709551615): auid=0 uid=0 gid=0 ses=0 pid=1 comm=\"x\" exe=\"/x\" "
	"sig=0 arch=c000003e syscall=1073741824 compat=0 ip=0x0 code=0x0",
	"audit(1795706294.916:7): auid=0 uid=0 gid=0 ses=0 pid=1 comm=\"0123456789abcdef\" "
	"exe=\"/usr/lib/very/long/path/to/some/binary-with-a-long-name\" sig=0 arch=c00000b7 syscall=221 compat=0 "
	"ip=0xABCDEF0123 code=0x7ff00000",
	"auid=0 uid=0 gid=0 ses=1 pid=7178 comm=\"ls\" exe=\"/usr/bin/ls\" sig=0 arch=c000003e syscall=0 compat=0 "
	"ip=0x7f code=0x30000",
	"audit(1795706294.916:7): auid=4294967296 uid=0 gid=0 ses=1 pid=3 comm=\"a\" exe=\"/a\" sig=0 "
	"arch=c000003e syscall=-1 compat=0 ip=0X1 code=0x7fc00000",
	"audit(1795706294.916:7): auid=00000000001 uid=0 gid=0 ses=1 pid=3 comm=\"a\" exe=\"/a\" sig=0 "
	"arch=0c000003e syscall=01 compat=00 ip=0x00000000000000001 code=0x07ffc0000",
};

START_TEST(test_fast_vs_generic)
{
	diff_runs = diff_fast_ok = 0;
	for (size_t b = 0; b < sizeof(diff_bodies) / sizeof(diff_bodies[0]); b++)
		diff_mutations(diff_bodies[b], strlen(diff_bodies[b]));
	for (size_t f = 0; f < sizeof(diff_files) / sizeof(diff_files[0]); f++) {
		size_t len, nbodies = 0;
		char *text = unit_read_file(diff_files[f], &len);
		char *line = text, *end = text + len;

		while (line < end) {
			char *nl = memchr(line, '\n', (size_t)(end - line));
			char *le = nl ? nl : end;
			char *a = memmem(line, (size_t)(le - line), "audit(", 6);
			if (a) {
				char *be = memchr(a, 0x1d, (size_t)(le - a));
				size_t bn = (size_t)((be ? be : le) - a);
				/* every body as it is; the first few of each file mutated */
				if (nbodies++ < 4)
					diff_mutations(a, bn);
				else
					diff_one(a, bn, diff_files[f], 0);
			}
			line = le + 1;
		}
		free(text);
	}
	/* the comparison is only worth something where the fast path said yes */
	ck_assert_msg(diff_fast_ok > 1000, "fast path accepted only %ld of %ld bodies", diff_fast_ok, diff_runs);
	ck_assert_msg(diff_fast_ok < diff_runs / 2, "fast path accepted %ld of %ld: mutations not reaching it?",
		      diff_fast_ok, diff_runs);
}
END_TEST

START_TEST(test_num)
{
	const struct num_case *t = &num_cases[_i];
	uint64_t v = 42;
	int r;

	if (t->base == 10)
		r = scl_parse_u64(t->s, strlen(t->s), t->max, &v);
	else if (t->base == 16)
		r = scl_parse_x64(t->s, strlen(t->s), t->max, &v);
	else
		r = scl_parse_0x64(t->s, strlen(t->s), t->max, &v);
	ck_assert_msg(r == t->r, "case %d '%s': r=%d", _i, t->s, r);
	ck_assert_uint_eq(v, r == 0 ? t->v : 42);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_ok, 0, sizeof(ok_cases) / sizeof(ok_cases[0]));
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_loop_test(tc, test_other, 0, sizeof(other_lines) / sizeof(other_lines[0]));
	tcase_add_test(tc, test_suppressed);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_host_limit);
	tcase_add_test(tc, test_string_limits);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_fast_vs_generic);
	tcase_add_loop_test(tc, test_num, 0, sizeof(num_cases) / sizeof(num_cases[0]));
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
