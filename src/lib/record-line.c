/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A line's framing: printk (dmesg, /dev/kmsg, syslog), auditd (RAW and
 * ENRICHED), journald and their relays, each to its record body.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/record.h"
#include "internal.h"
#include "record-parse.h"
#include "util.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* The whitespace-delimited token that ends right before `end` (skipping blanks). */
static scl_slice prev_token(const char *start, const char *end)
{
	scl_slice s = { NULL, 0 };
	const char *b;

	while (end > start && end[-1] == ' ')
		end--;
	b = end;
	while (b > start && b[-1] != ' ')
		b--;
	if (b < end) {
		s.p = b;
		s.n = (size_t)(end - b);
	}
	return s;
}

/*
 * Whether the token before a syslog or journal tag is a host name.  Lines
 * without one put a time there ("Jul 19 10:54:26 audit[5231]: ...",
 * "1658228066.123456 audit[5231]: ..." from short-unix, "[ 5724.41] ..."):
 * host names hold no ':', brackets or '=', and a bare number is a time
 * unless it has an IPv4 address's three dots.
 */
static bool host_ok(scl_slice h)
{
	size_t dots = 0;
	bool number = true, digit = false;

	if (h.n == 0 || (h.n == 1 && h.p[0] == '-'))
		return false;
	for (size_t i = 0; i < h.n; i++) {
		char c = h.p[i];
		if (c == ':' || c == '[' || c == ']' || c == '<' || c == '>' || c == '=' || c == '(' || c == '"')
			return false;
		if (c == '.')
			dots++;
		else if (c < '0' || c > '9')
			number = false;
		else
			digit = true;
	}
	return !number || !digit || dots == 3;
}

static void set_host(scl_record *rec, scl_slice h)
{
	if (h.n == 0)
		return;
	rec->host = h;
	rec->fields |= SCL_F_HOST;
}

/* The token after `p` (skipping blanks) and where it ends. */
static scl_slice next_token(const char *p, const char *end)
{
	scl_slice s = { NULL, 0 };

	while (p < end && *p == ' ')
		p++;
	s.p = p;
	while (p < end && *p != ' ')
		p++;
	s.n = (size_t)(p - s.p);
	return s;
}

/* Framing of a printk line from what precedes "audit: type=1326". */
static scl_framing printk_framing(const char *line, const char *prefix_end, scl_slice *host)
{
	const char *e = prefix_end, *start = line;
	size_t n = (size_t)(prefix_end - line);

	host->n = 0;
	if (n == 0)
		return SCL_FRAME_PRINTK;
	if (line[0] == '<') {
		/* "<5>[ 5703.22] audit: ..." (dmesg -r), or a syslog line that kept its <PRI> */
		const char *q = line + 1;
		while (q < e && *q >= '0' && *q <= '9')
			q++;
		if (q == line + 1 || q >= e || *q != '>' || q + 1 >= e || q[1] == '[')
			return SCL_FRAME_DMESG_RAW;
		start = q + 1;
		if (e - start >= 2 && start[0] == '1' && start[1] == ' ') {
			/* RFC 5424: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG" */
			scl_slice ts = next_token(start + 2, e), h = next_token(ts.p + ts.n, e);
			if (ts.n && host_ok(h))
				*host = h;
			return SCL_FRAME_SYSLOG;
		}
	}
	if (start[0] == '[')
		return SCL_FRAME_DMESG;
	if (e > line && e[-1] == ';' && line[0] >= '0' && line[0] <= '9' && memchr(line, ',', n))
		return SCL_FRAME_KMSG;
	/* "... host kernel: [ 5724.41] ", with a printk caller id "[26083697.71][   T55] ", or "... host kernel: " */
	for (int b = 0; b < 2; b++) {
		while (e > start && e[-1] == ' ')
			e--;
		if (e > start && e[-1] == ']') {
			const char *o = e;
			while (o > start && o[-1] != '[')
				o--;
			if (o > start)
				e = o - 1;
		}
	}
	while (e > start && e[-1] == ' ')
		e--;
	if (e - start >= 7 && !memcmp(e - 7, "kernel:", 7)) {
		scl_slice h = prev_token(start, e - 7);
		if (host_ok(h))
			*host = h;
		return SCL_FRAME_SYSLOG;
	}
	return SCL_FRAME_PRINTK;
}

/*
 * The host of a relayed line: "<PRI>1 TIMESTAMP HOST APP ..." (RFC 5424), or
 * "... HOST TAG: " (RFC 3164, RFC 3339 stamps, with or without <PRI>).
 */
static scl_slice relay_host(const char *line, const char *k)
{
	scl_slice none = { NULL, 0 }, tag, h;
	const char *q = line;

	if (q < k && *q == '<') {
		while (++q < k && *q >= '0' && *q <= '9')
			;
		if (q >= k || *q != '>')
			return none;
		q++;
		if (k - q >= 2 && q[0] == '1' && q[1] == ' ') {
			scl_slice ts = next_token(q + 2, k);
			h = next_token(ts.p + ts.n, k);
			return ts.n && host_ok(h) ? h : none;
		}
	}
	tag = prev_token(q, k);
	if (tag.n < 2 || tag.p[tag.n - 1] != ':')
		return none;
	h = prev_token(q, tag.p);
	return host_ok(h) ? h : none;
}

static int after_is_body(const char *p, const char *end)
{
	if (end - p >= 6 && !memcmp(p, "audit(", 6))
		return 1;
	while (p < end && *p >= 'a' && *p <= 'z')
		p++;
	return p < end && *p == '=';
}

/* A bare body (no type=): a SECCOMP one has sig= and syscall=, a SYSCALL one success= or exit= */
static bool seccomp_fields(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	return memmem(p, n, " syscall=", 9) && memmem(p, n, " sig=", 5) && !memmem(p, n, " success=", 9) &&
	       !memmem(p, n, " exit=", 6);
}

/*
 * ENRICHED records whose 0x1d separator did not survive: lost in a copy
 * ("code=0x7ffc0000AUID=..."), escaped by rsyslog ("code=0x7ffc0000#035AUID=",
 * its default control-character escape) or by other tools ("\x1d", "^]").
 * The interpreted part of a SECCOMP record starts with AUID=.  Returns where
 * the record ends, or NULL.
 */
static const char *enriched_cut(const char *body, const char *end)
{
	static const char *const seps[] = { "#035", "\\x1d", "\\x1D", "\\035", "\\u001d", "^]" };
	const char *c = memmem(body, (size_t)(end - body), " code=", 6), *a;

	if (!c)
		return NULL;
	c += 6;
	a = memmem(c, (size_t)MIN(end - c, 40), "AUID=", 5);
	if (!a)
		return NULL;
	for (size_t i = 0; i < ELEMENTSOF(seps); i++) {
		size_t l = strlen(seps[i]);
		if ((size_t)(a - c) >= l && !memcmp(a - l, seps[i], l))
			return a - l;
	}
	return a;
}

/* "SECCOMP " (journald), or "AUDIT1326 " (journald built without the type's name) */
static size_t journal_prefix(const char *p, const char *end)
{
	if (STARTSWITH(p, (size_t)(end - p), "SECCOMP "))
		return 8;
	if (STARTSWITH(p, (size_t)(end - p), "AUDIT1326 "))
		return 10;
	return 0;
}

static int fail_line(scl_skip_reason why, scl_skip_reason *ret_reason, const char *k, size_t kn)
{
	if (ret_reason)
		*ret_reason = why;
	scl_record_set_skip_key(k, kn);
	return -EBADMSG;
}

int scl_record_parse_line(const char *line, size_t n, scl_record *ret,
			  scl_skip_reason *ret_reason, uint64_t *ret_suppressed)
{
	const char *end = line + n, *p = line, *body, *k;
	scl_framing framing;
	scl_slice host = { NULL, 0 }, node = { NULL, 0 };
	scl_record rec;
	bool nul_checked = false;
	size_t jp;
	int r;

	if (n == 0)
		return SCL_LINE_OTHER;
	if (line[0] == '{')
		return scl_journal_json_line(line, n, ret, ret_reason);

	if (STARTSWITH(p, n, "node=")) {
		const char *sp = memchr(p, ' ', n);
		if (!sp)
			return SCL_LINE_OTHER;
		node.p = p + 5;
		node.n = (size_t)(sp - node.p);
		p = sp + 1;
	}
	if (STARTSWITH(p, (size_t)(end - p), "type=")) {
		/* auditd: cheap rejection of every other record type */
		size_t m = (size_t)(end - p);
		if (STARTSWITH(p, m, "type=SECCOMP msg="))
			body = p + 17;
		else if (STARTSWITH(p, m, "type=1326 msg=") ||
			 (STARTSWITH(p, m, "type=1701 msg=") && memmem(p, m, "reason=\"seccomp\"", 16)))
			body = p + 14; /* 3.5-3.7 kernels: seccomp records were ANOM_ABEND (1701) ones */
		else if (STARTSWITH(p, m, "type=UNKNOWN[1326] msg="))
			body = p + 23;
		else if (STARTSWITH(p, m, "type=ANOM_ABEND msg=") && memmem(p, m, "reason=\"seccomp\"", 16))
			body = p + 20;
		else
			return SCL_LINE_OTHER;
		framing = SCL_FRAME_AUDITD;
		host = node;
		/* one pass finds both the ENRICHED separator and a NUL in the record */
		k = body + scl_find2(body, 0, (size_t)(end - body), 0x1d, '\0');
		if (k < end && *k == '\0')
			return fail_line(SCL_SKIP_NUL_BYTE, ret_reason, NULL, 0);
		if (k < end) {
			end = k;
			framing = SCL_FRAME_ENRICHED;
		}
		nul_checked = true;
		goto parse;
	}
	if (STARTSWITH(p, (size_t)(end - p), "audit(") || STARTSWITH(p, (size_t)(end - p), "auid=")) {
		/* a bare netlink body, as tools that log the payload write it, with or without its header */
		if (!seccomp_fields(p, end))
			return SCL_LINE_OTHER;
		body = p;
		framing = SCL_FRAME_BODY;
		host = node;
		goto parse;
	}

	k = memmem(p, (size_t)(end - p), "type=1326", 9);
	if (!k) {
		/* 3.5-3.7 kernels: "type=1701 audit(...): ... reason="seccomp" sig=0 syscall=..." */
		k = memmem(p, (size_t)(end - p), "type=1701 audit(", 16);
		if (k && !memmem(k, (size_t)(end - k), "reason=\"seccomp\"", 16))
			k = NULL;
	}
	if (k) {
		const char *pre = k;
		bool printk = k - p >= 7 && !memcmp(k - 7, "audit: ", 7);
		if (printk)
			pre = k - 7;
		if ((size_t)(end - k) >= 16 && !memcmp(k + 9, " audit(", 7)) {
			body = k + 10;
			framing = printk_framing(line, pre, &host);
			goto parse;
		}
		if (printk) {
			/* "audit: type=1326" without its record: cut short, or a mangled header */
			size_t rest = (size_t)(end - k - 9);
			return fail_line(rest == 0 || (rest < 7 && !memcmp(k + 9, " audit(", rest)) ? SCL_SKIP_TRUNCATED
												      : SCL_SKIP_BAD_HEADER,
					 ret_reason, k, (size_t)MIN(end - k, 40));
		}
	}
	k = memmem(p, (size_t)(end - p), "type=SECCOMP msg=audit(", 23);
	if (k) {
		/* forwarded by audisp-syslog or a syslog relay: "... node=h type=SECCOMP ..." */
		body = k + 17;
		framing = SCL_FRAME_AUDITD;
		if (k - p >= 1) {
			scl_slice t = prev_token(p, k);
			if (t.n > 5 && !memcmp(t.p, "node=", 5)) {
				host.p = t.p + 5;
				host.n = t.n - 5;
			}
		}
		if (!host.n)
			host = node;
		if (!host.n)
			host = relay_host(p, k);
		k = memchr(body, 0x1d, (size_t)(end - body));
		if (k) {
			end = k;
			framing = SCL_FRAME_ENRICHED;
		}
		goto parse;
	}
	if ((jp = journal_prefix(p, end)) && after_is_body(p + jp, end)) {
		/* journald audit transport MESSAGE= */
		body = p + jp;
		framing = SCL_FRAME_JOURNAL;
		goto parse;
	}
	k = memmem(p, (size_t)(end - p), ": SECCOMP ", 10);
	if (!k)
		k = memmem(p, (size_t)(end - p), ": AUDIT1326 ", 12);
	if (k && (jp = journal_prefix(k + 2, end)) && after_is_body(k + 2 + jp, end)) {
		/* journalctl -o short*: "... host audit[7178]: SECCOMP auid=...", the host may be missing */
		scl_slice tag = prev_token(p, k + 1);
		body = k + 2 + jp;
		framing = SCL_FRAME_JOURNAL_SHORT;
		if (tag.n) {
			scl_slice h = prev_token(p, tag.p);
			if (host_ok(h))
				host = h;
		}
		goto parse;
	}
	k = memmem(p, (size_t)(end - p), "_printk_skb: ", 13);
	if (k && ((k - p >= 7 && !memcmp(k - 7, "kauditd", 7)) || (k - p >= 5 && !memcmp(k - 5, "audit", 5)))) {
		/* "kauditd_printk_skb: N callbacks suppressed"; "audit_printk_skb: " on kernels before 4.10 */
		const char *num = k + 13, *sp = memchr(num, ' ', (size_t)(end - num));
		uint64_t cnt;
		if (sp && STARTSWITH(sp, (size_t)(end - sp), " callbacks suppressed") &&
		    scl_parse_u64(num, (size_t)(sp - num), UINT32_MAX, &cnt) == 0) {
			if (ret_suppressed)
				*ret_suppressed = cnt;
			return SCL_LINE_SUPPRESSED;
		}
	}
	return SCL_LINE_OTHER;

parse:
	if ((size_t)(end - body) > SCL_MAX_RECORD)
		return fail_line(SCL_SKIP_TOO_LONG, ret_reason, NULL, 0);
	/* a trailing CR from files written on other systems */
	if (end > body && end[-1] == '\r')
		end--;
	r = scl_record_parse_body_at(body, (size_t)(end - body), framing, nul_checked, true, &rec, ret_reason);
	if (r < 0 && framing == SCL_FRAME_AUDITD) {
		const char *cut = enriched_cut(body, end);
		if (cut)
			r = scl_record_parse_body_at(body, (size_t)(cut - body), SCL_FRAME_ENRICHED, nul_checked, true, &rec, ret_reason);
	}
	if (r < 0)
		return r;
	if (host.n > SCL_MAX_HOST)
		/* no host name is that long: keeping the record without it would file it under no host */
		return fail_line(SCL_SKIP_HOST_TOO_LONG, ret_reason, host.p, 64);
	set_host(&rec, host);
	*ret = rec;
	return SCL_LINE_RECORD;
}
