/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fixture-driven tests: tests/data/malformed.log and foreign-arches.log carry
 * "# expect: OUTCOME [| ALTERNATIVE] -- why" before each case line; the real
 * captures (dmesg, kmsg, audit.log RAW/ENRICHED/node, syslog, journalctl) must
 * parse completely, every line that holds a SECCOMP record.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/record.h"
#include "scmplog/source.h"
#include "unit-util.h"

/* "bad_string" -> compare with scl_skip_reason_str() "bad string", case-insensitively */
/* "skip NAME" in the fixtures: the enum's name without SCL_SKIP_, in lower case */
static int reason_matches(scl_skip_reason why, const char *want, size_t n)
{
	static const struct {
		const char *name;
		scl_skip_reason r;
	} names[] = {
		{ "bad_arch", SCL_SKIP_BAD_ARCH },	   { "bad_syscall", SCL_SKIP_BAD_SYSCALL },
		{ "bad_code", SCL_SKIP_BAD_CODE },	   { "bad_number", SCL_SKIP_BAD_NUMBER },
		{ "bad_string", SCL_SKIP_BAD_STRING },	   { "bad_field", SCL_SKIP_BAD_FIELD },
		{ "duplicate_key", SCL_SKIP_DUPLICATE_KEY }, { "too_long", SCL_SKIP_TOO_LONG },
		{ "nul_byte", SCL_SKIP_NUL_BYTE },	   { "truncated", SCL_SKIP_TRUNCATED },
		{ "bad_header", SCL_SKIP_BAD_HEADER },	   { "bad_journal", SCL_SKIP_BAD_JOURNAL },
		{ "line_too_long", SCL_SKIP_LINE_TOO_LONG }, { "host_too_long", SCL_SKIP_HOST_TOO_LONG },
		{ "comm_too_long", SCL_SKIP_COMM_TOO_LONG }, { "exe_too_long", SCL_SKIP_EXE_TOO_LONG },
		{ "no_arch", SCL_SKIP_NO_ARCH },	   { "bad_name", SCL_SKIP_BAD_NAME },
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == _SCL_SKIP_MAX - 1, "every reason has a name");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !memcmp(names[i].name, want, n))
			return why == names[i].r;
	ck_abort_msg("unknown skip reason '%.*s' in a fixture", (int)n, want);
	return 0;
}

static size_t unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		if (s[i] == '\\' && i + 3 < n + 0 && s[i + 1] == 'x' && scl_parse_x64(s + i + 2, 2, 255, &v) == 0) {
			out[o++] = (char)v;
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* Check one "k=v" (or flag) against the record; returns NULL or a message. */
static const char *check_kv(const scl_record *r, const char *k, size_t kn, const char *v, size_t vn)
{
	static char msg[256];
	uint64_t x;
	char buf[SCL_MAX_EXE + 1], want[512];
	int n;

#define IS(lit) (kn == sizeof(lit) - 1 && !memcmp(k, lit, kn))
	if (IS("comm_hex"))
		return r->comm_hex ? NULL : "comm not hex";
	/* how a value was obtained (the forms corpus) */
	if (IS("time_local"))
		return r->fields & SCL_F_TIME_LOCAL ? NULL : "time not local";
	if (IS("time_ambiguous"))
		return r->fields & SCL_F_TIME_AMBIGUOUS ? NULL : "time not ambiguous";
	if (IS("arch_assumed"))
		return r->fields & SCL_F_ARCH_ASSUMED ? NULL : "arch not assumed";
	if (IS("code_undefined"))
		return r->fields & SCL_F_CODE_UNDEFINED ? NULL : "code not undefined";
	if (IS("no_host"))
		return r->fields & SCL_F_HOST ? "has a host" : NULL;
	if (IS("arch"))
		return scl_parse_x64(v, vn, UINT32_MAX, &x) == 0 && x == r->arch ? NULL : "arch differs";
	if (IS("syscall")) {
		if (vn && v[0] == '-')
			return scl_parse_u64(v + 1, vn - 1, 0x80000000ULL, &x) == 0 && (uint32_t)(0 - x) == r->syscall ? NULL : "syscall differs";
		return scl_parse_u64(v, vn, UINT32_MAX, &x) == 0 && x == r->syscall ? NULL : "syscall differs";
	}
	if (IS("code"))
		return scl_parse_0x64(v, vn, UINT32_MAX, &x) == 0 && x == r->code ? NULL : "code differs";
	if (IS("pid"))
		return scl_parse_u64(v, vn, UINT32_MAX, &x) == 0 && x == r->pid ? NULL : "pid differs";
	if (IS("sig"))
		return scl_parse_u64(v, vn, UINT32_MAX, &x) == 0 && x == r->sig ? NULL : "sig differs";
	if (IS("compat"))
		return scl_parse_u64(v, vn, 1, &x) == 0 && x == r->compat ? NULL : "compat differs";
	if (IS("serial"))
		return scl_parse_u64(v, vn, UINT64_MAX, &x) == 0 && x == r->serial ? NULL : "serial differs";
	if (IS("time")) {
		const char *dot = memchr(v, '.', vn);
		uint64_t ms;
		if (!dot || scl_parse_u64(v, (size_t)(dot - v), UINT64_MAX, &x) < 0 ||
		    scl_parse_u64(dot + 1, vn - (size_t)(dot - v) - 1, 999, &ms) < 0)
			return "bad expectation";
		return x == r->time_sec && ms == r->time_msec ? NULL : "time differs";
	}
	if (IS("subj")) {
		if (!(r->fields & SCL_F_SUBJ) || r->subj.n != vn || memcmp(r->subj.p, v, vn))
			return "subj differs";
		return NULL;
	}
	if (IS("comm") || IS("exe") || IS("host")) {
		size_t wn = unescape(v, vn, want);
		if (IS("host")) {
			if (!(r->fields & SCL_F_HOST) || r->host.n != wn || memcmp(r->host.p, want, wn))
				return "host differs";
			return NULL;
		}
		n = IS("comm") ? scl_record_decode_str(r->comm, r->comm_hex, buf, sizeof(buf))
			       : scl_record_decode_str(r->exe, r->exe_hex, buf, sizeof(buf));
		if (n < 0 || (size_t)n != wn || memcmp(buf, want, wn)) {
			snprintf(msg, sizeof(msg), "%.*s differs", (int)kn, k);
			return msg;
		}
		return NULL;
	}
#undef IS
	snprintf(msg, sizeof(msg), "unknown expectation key '%.*s'", (int)kn, k);
	return msg;
}

/* One alternative: "record k=v...", "skip reason", "other", "suppressed N". */
static const char *check_alt(const char *a, size_t an, int rc, const scl_record *rec, scl_skip_reason why,
			     uint64_t supp)
{
	while (an && a[0] == ' ')
		a++, an--;
	while (an && a[an - 1] == ' ')
		an--;
	if (an >= 5 && !memcmp(a, "other", 5))
		return rc == SCL_LINE_OTHER ? NULL : "expected other";
	if (an >= 11 && !memcmp(a, "suppressed ", 11)) {
		uint64_t n;
		if (scl_parse_u64(a + 11, an - 11, UINT64_MAX, &n) < 0)
			return "bad expectation";
		return rc == SCL_LINE_SUPPRESSED && supp == n ? NULL : "expected suppressed";
	}
	if (an >= 5 && !memcmp(a, "skip ", 5))
		return rc == -EBADMSG && reason_matches(why, a + 5, an - 5) ? NULL : "expected another skip";
	if (an >= 6 && !memcmp(a, "record", 6)) {
		const char *p = a + 6, *end = a + an;
		if (rc != SCL_LINE_RECORD)
			return "expected a record";
		/* tokens by space; a token without '=' continues the previous value (subj) */
		while (p < end) {
			const char *k, *eq, *v, *ve;
			while (p < end && *p == ' ')
				p++;
			if (p >= end)
				break;
			k = p;
			while (p < end && *p != ' ')
				p++;
			eq = memchr(k, '=', (size_t)(p - k));
			if (!eq) {
				const char *m = check_kv(rec, k, (size_t)(p - k), NULL, 0);
				if (m)
					return m;
				continue;
			}
			v = eq + 1;
			ve = p;
			for (;;) {
				const char *q = ve, *t;
				while (q < end && *q == ' ')
					q++;
				t = q;
				while (t < end && *t != ' ')
					t++;
				if (q < end && !memchr(q, '=', (size_t)(t - q))) {
					ve = t;
					p = t;
					continue;
				}
				break;
			}
			const char *m = check_kv(rec, k, (size_t)(eq - k), v, (size_t)(ve - v));
			if (m)
				return m;
		}
		return NULL;
	}
	return "bad expectation";
}

static void run_expect_file(const char *rel, int min_cases)
{
	size_t len;
	char *buf = unit_read_file(rel, &len);
	char *p = buf, *end = buf + len;
	int cases = 0;
	const char *h;

	/* "# tz: ZONE" and "# assume-arch: HEX" in a file's header apply to it (the forms corpus) */
	setenv("TZ", "UTC", 1);
	if ((h = memmem(buf, len, "\n# tz: ", 7))) {
		char zone[64];
		const char *e = memchr(h + 7, '\n', (size_t)(end - h - 7));
		size_t zn = e ? (size_t)(e - h - 7) : 0;
		ck_assert(zn > 0 && zn < sizeof(zone));
		memcpy(zone, h + 7, zn);
		zone[zn] = '\0';
		setenv("TZ", zone, 1);
	}
	tzset();
	scl_record_set_assume_arch(0);
	if ((h = memmem(buf, len, "\n# assume-arch: ", 16))) {
		uint64_t a;
		const char *e = memchr(h + 16, '\n', (size_t)(end - h - 16));
		ck_assert(e && scl_parse_x64(h + 16, (size_t)(e - h - 16), UINT32_MAX, &a) == 0);
		scl_record_set_assume_arch((uint32_t)a);
	}

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (le - p > 10 && !memcmp(p, "# expect: ", 10)) {
			const char *exp = p + 10, *dash = NULL;
			size_t en = (size_t)(le - exp);
			char *line = le < end ? le + 1 : end;
			char *lnl = memchr(line, '\n', (size_t)(end - line));
			size_t ln = lnl ? (size_t)(lnl - line) : (size_t)(end - line);
			scl_record rec;
			scl_skip_reason why = SCL_SKIP_NONE;
			uint64_t supp = 0;
			int rc;
			const char *first_msg = NULL;
			int ok = 0;

			for (const char *q = exp; q + 4 <= exp + en; q++)
				if (!memcmp(q, " -- ", 4)) {
					dash = q;
					break;
				}
			if (dash)
				en = (size_t)(dash - exp);
			rc = scl_record_parse_line(line, ln, &rec, &why, &supp);
			/* alternatives separated by " | " */
			const char *a = exp;
			while (a < exp + en) {
				const char *bar = NULL;
				for (const char *q = a; q + 3 <= exp + en; q++)
					if (!memcmp(q, " | ", 3)) {
						bar = q;
						break;
					}
				size_t an = bar ? (size_t)(bar - a) : (size_t)(exp + en - a);
				const char *m = check_alt(a, an, rc, &rec, why, supp);
				if (!m) {
					ok = 1;
					break;
				}
				if (!first_msg)
					first_msg = m;
				a = bar ? bar + 3 : exp + en;
			}
			ck_assert_msg(ok, "%s: case '%.*s': %s (rc=%d why=%s)", rel, (int)(le - p - 10), p + 10, first_msg, rc,
				      scl_skip_reason_str(why));
			cases++;
			p = lnl ? lnl + 1 : end;
			continue;
		}
		p = nl ? nl + 1 : end;
	}
	free(buf);
	scl_record_set_assume_arch(0);
	ck_assert_msg(cases >= min_cases, "%s: only %d cases", rel, cases);
}

/* tests/data/forms: real-world forms, each case with its expectation (forms/README.md) */
static const char *const forms[] = {
	"forms/enriched-lost-separator.log", "forms/undefined-action.log", "forms/old-kernels.log",
	"forms/old-kernels-assumed.log", "forms/hosts.log", "forms/bare-body.log", "forms/ausearch-i-dst.log",
	"forms/ausearch-i-hakoniwa.log", "forms/ausearch-i-chromeos.log",
};

START_TEST(test_forms)
{
	run_expect_file(forms[_i], 3);
}
END_TEST

START_TEST(test_malformed)
{
	run_expect_file("malformed.log", 60);
}
END_TEST

START_TEST(test_foreign)
{
	run_expect_file("foreign-arches.log", 20);
}
END_TEST

/* Real captures: every line that carries a SECCOMP record parses. */
static const char *const captures[] = {
	"dmesg.log", "dmesg-raw.log", "dmesg-ctime.log", "kmsg.log", "audit-raw.log", "audit-enriched.log",
	"audit-node.log", "syslog-rfc3339.log", "syslog-traditional.log", "journal-short.txt",
	"journal-short-iso.txt", "journal-short-precise.txt", "journal-short-monotonic.txt",
	"journal-json.txt", "journal-export.txt",
};

struct counts {
	uint64_t records, skipped, truncated;
};

static int c_rec(void *ud, const scl_record *r, uint64_t ln)
{
	(void)r;
	(void)ln;
	((struct counts *)ud)->records++;
	return 0;
}

static int c_skip(void *ud, scl_skip_reason w, uint64_t ln)
{
	(void)ln;
	((struct counts *)ud)->skipped++;
	if (w == SCL_SKIP_TRUNCATED)
		((struct counts *)ud)->truncated++;
	return 0;
}

START_TEST(test_capture)
{
	const char *rel = captures[_i];
	size_t len;
	char *buf = unit_read_file(rel, &len);
	uint64_t expect = 0, expect_cut = 0;
	struct counts c = { 0, 0, 0 };
	const scl_scan_ops ops = { c_rec, c_skip, NULL };
	scl_reader *r = NULL;
	int export_fmt = !strcmp(rel, "journal-export.txt");

	/* independent count: lines naming a SECCOMP record in any of the forms */
	for (char *p = buf; p < buf + len;) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);
		if ((export_fmt ? (n > 8 && !memcmp(p, "MESSAGE=", 8)) : 1) &&
		    (memmem(p, n, "type=1326 ", 10) || memmem(p, n, "type=SECCOMP ", 13) || memmem(p, n, "SECCOMP auid=", 13))) {
			expect++;
			/* printk cuts a line at 1024 bytes: a long exe= loses code= (a real record here) */
			if (!memmem(p, n, " code=0x", 8))
				expect_cut++;
		}
		p = nl ? nl + 1 : buf + len;
	}
	free(buf);
	ck_assert_msg(expect > 0, "%s holds no SECCOMP record", rel);
	ck_assert_int_eq(scl_reader_open(unit_data_path(rel), &r), 0);
	ck_assert_int_eq(scl_scan(r, &ops, &c), 0);
	scl_reader_free(r);
	ck_assert_msg(c.skipped == expect_cut, "%s: %llu skipped, %llu cut lines", rel, (unsigned long long)c.skipped,
		      (unsigned long long)expect_cut);
	ck_assert_msg(c.truncated == c.skipped, "%s: a skip other than truncated", rel);
	ck_assert_msg(c.records + c.skipped == expect, "%s: %llu records, %llu lines", rel,
		      (unsigned long long)c.records, (unsigned long long)expect);
}
END_TEST

/*
 * The scanner fed bytes as a followed file gives them (scl_scanner_feed):
 * the same records, skips and printk suppressions as scl_scan() of the whole
 * file, wherever the pieces are cut (export entries and their binary fields
 * included), and a last line without its newline at the end.
 */
struct digest {
	uint64_t records, skipped, suppressed, sum;
};

static uint64_t mix64(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL + (v << 7);
}

static int d_rec(void *ud, const scl_record *r, uint64_t ln)
{
	struct digest *d = ud;

	d->records++;
	d->sum = mix64(d->sum, ln);
	d->sum = mix64(d->sum, r->serial);
	d->sum = mix64(d->sum, (uint64_t)r->arch << 32 | r->syscall);
	d->sum = mix64(d->sum, r->fields);
	if (r->fields & SCL_F_HOST)
		for (size_t i = 0; i < r->host.n; i++)
			d->sum = mix64(d->sum, (unsigned char)r->host.p[i]);
	return 0;
}

static int d_skip(void *ud, scl_skip_reason w, uint64_t ln)
{
	struct digest *d = ud;

	d->skipped++;
	d->sum = mix64(d->sum, ln << 8 | (uint64_t)w);
	return 0;
}

static int d_supp(void *ud, uint64_t count, uint64_t ln)
{
	struct digest *d = ud;

	d->suppressed += count;
	d->sum = mix64(d->sum, ln);
	return 0;
}

static const size_t feed_sizes[] = { 1, 2, 7, 9, 64, 4093, 1 << 20 };

START_TEST(test_capture_fed)
{
	const char *rel = captures[_i / (sizeof(feed_sizes) / sizeof(feed_sizes[0]))];
	size_t step = feed_sizes[_i % (sizeof(feed_sizes) / sizeof(feed_sizes[0]))], len;
	char *buf = unit_read_file(rel, &len);
	const scl_scan_ops ops = { d_rec, d_skip, d_supp, NULL };
	struct digest whole = { 0 }, fed = { 0 };
	scl_reader *r = NULL;
	scl_scanner *sc = NULL;

	ck_assert_int_eq(scl_reader_open(unit_data_path(rel), &r), 0);
	ck_assert_int_eq(scl_scan(r, &ops, &whole), 0);
	scl_reader_free(r);
	ck_assert_int_eq(scl_scanner_new(&sc), 0);
	/* without its last newline: the end says the last line is whole */
	if (len && buf[len - 1] == '\n')
		len--;
	for (size_t off = 0; off < len; off += step)
		ck_assert_int_eq(scl_scanner_feed(sc, buf + off, len - off < step ? len - off : step, &ops, &fed), 0);
	ck_assert_int_eq(scl_scanner_end(sc, &ops, &fed), 0);
	scl_scanner_free(sc);
	free(buf);
	ck_assert_msg(whole.records > 0, "%s: no records", rel);
	ck_assert_msg(fed.records == whole.records && fed.skipped == whole.skipped &&
			      fed.suppressed == whole.suppressed && fed.sum == whole.sum,
		      "%s fed by %zu: %llu records, %llu skipped, %llu suppressed; whole: %llu, %llu, %llu", rel, step,
		      (unsigned long long)fed.records, (unsigned long long)fed.skipped,
		      (unsigned long long)fed.suppressed, (unsigned long long)whole.records,
		      (unsigned long long)whole.skipped, (unsigned long long)whole.suppressed);
}
END_TEST

/* Lines over SCL_MAX_LINE, an export entry cut in its binary field at the end, reset and reuse. */
START_TEST(test_scanner_edges)
{
	const scl_scan_ops ops = { d_rec, d_skip, d_supp, NULL };
	static const char rec[] = "type=SECCOMP msg=audit(1700000000.000:5): auid=0 uid=0 gid=0 ses=1 pid=7 "
				  "comm=\"x\" exe=\"/x\" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n";
	static const char entry[] = "__CURSOR=c\n_HOSTNAME=h\nMESSAGE=audit: type=1326 audit(1700000000.000:6): "
				    "auid=0 uid=0 gid=0 ses=1 pid=7 comm=\"x\" exe=\"/x\" sig=0 arch=c000003e "
				    "syscall=1 compat=0 ip=0x1 code=0x7ffc0000\n_COMM\n";
	struct digest d = { 0 };
	scl_scanner *sc = NULL;
	char *big = malloc(SCL_MAX_LINE + 100);

	ck_assert_ptr_nonnull(big);
	memset(big, 'a', SCL_MAX_LINE + 100);
	memcpy(big, "type=SECCOMP ", 13);
	ck_assert_int_eq(scl_scanner_new(&sc), 0);
	/* a line over the limit in two pieces, then a record: one skip, one record */
	ck_assert_int_eq(scl_scanner_feed(sc, big, SCL_MAX_LINE - 10, &ops, &d), 0);
	ck_assert_int_eq(scl_scanner_feed(sc, big, 110, &ops, &d), 0);
	ck_assert_int_eq(scl_scanner_feed(sc, "\n", 1, &ops, &d), 0);
	ck_assert_int_eq(scl_scanner_feed(sc, rec, sizeof(rec) - 1, &ops, &d), 0);
	ck_assert_uint_eq(d.skipped, 1);
	ck_assert_uint_eq(d.records, 1);
	ck_assert_uint_eq(scl_scanner_lineno(sc), 2);
	/* an entry whose binary field is cut short by the end: the entry is bad, not a record */
	ck_assert_int_eq(scl_scanner_feed(sc, entry, sizeof(entry) - 1, &ops, &d), 0);
	ck_assert_int_eq(scl_scanner_feed(sc, "\x05\0\0\0", 4, &ops, &d), 0);
	ck_assert_int_eq(scl_scanner_end(sc, &ops, &d), 0);
	ck_assert_uint_eq(d.records, 1);
	ck_assert_uint_eq(d.skipped, 2);
	/* the same entry whole: a record with its host */
	ck_assert_int_eq(scl_scanner_feed(sc, entry, sizeof(entry) - 1, &ops, &d), 0);
	ck_assert_int_eq(scl_scanner_feed(sc, "\x02\0\0\0\0\0\0\0ab\n\n", 12, &ops, &d), 0);
	ck_assert_uint_eq(d.records, 2);
	/* a partial line dropped by a reset (a truncated file) */
	ck_assert_int_eq(scl_scanner_feed(sc, rec, 40, &ops, &d), 0);
	scl_scanner_reset(sc);
	ck_assert_int_eq(scl_scanner_end(sc, &ops, &d), 0);
	ck_assert_uint_eq(d.records, 2);
	ck_assert_uint_eq(d.skipped, 2);
	scl_scanner_free(sc);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fixtures");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_foreign);
	tcase_add_loop_test(tc, test_forms, 0, sizeof(forms) / sizeof(forms[0]));
	tcase_add_loop_test(tc, test_capture, 0, sizeof(captures) / sizeof(captures[0]));
	tcase_add_loop_test(tc, test_capture_fed, 0, (int)((sizeof(captures) / sizeof(captures[0])) * (sizeof(feed_sizes) / sizeof(feed_sizes[0]))));
	tcase_add_test(tc, test_scanner_edges);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
