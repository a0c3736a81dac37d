/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/source.h"
#include "unit-util.h"

#define JOURNAL "journal/seccomp.journal"

/* a sentinel for "*ret_cursor is written only on success" */
static char untouched[] = "untouched";

/* Every record as one comparable line; skips as "skip <reason> <index>". */
struct collect {
	char **v;
	size_t n, cap;
	size_t records, skips;
	size_t stop_after;            /* set *stop after this many records (0: never) */
	volatile sig_atomic_t *stop;
	int fail_at;                  /* return -ECANCELED at this record (0: never) */
	scl_skip_reason last_skip;
	uint64_t last_index;
	bool index_monotonic;
};

static void push(struct collect *c, const char *s)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		ck_assert(c->v != NULL);
	}
	c->v[c->n] = strdup(s);
	ck_assert(c->v[c->n] != NULL);
	c->n++;
}

static void collect_init(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->index_monotonic = true;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
}

static int on_record(void *ud, const scl_record *r, uint64_t index)
{
	struct collect *c = ud;
	char comm[SCL_MAX_COMM + 1] = "", exe[SCL_MAX_EXE + 1] = "", line[SCL_MAX_EXE + 512];

	if (index <= c->last_index)
		c->index_monotonic = false;
	c->last_index = index;
	if (r->fields & SCL_F_COMM)
		ck_assert(scl_record_decode_str(r->comm, r->comm_hex, comm, sizeof(comm)) >= 0);
	if (r->fields & SCL_F_EXE)
		ck_assert(scl_record_decode_str(r->exe, r->exe_hex, exe, sizeof(exe)) >= 0);
	snprintf(line, sizeof(line), "arch=%08x syscall=%u serial=%llu time=%llu.%03u pid=%u code=0x%x comm=%s exe=%s host=%.*s",
		 r->arch, r->syscall, (unsigned long long)r->serial, (unsigned long long)r->time_sec, r->time_msec,
		 r->pid, r->code, comm, exe, (int)r->host.n, r->host.p ? r->host.p : "");
	push(c, line);
	c->records++;
	if (c->fail_at && c->records == (size_t)c->fail_at)
		return -ECANCELED;
	if (c->stop_after && c->records == c->stop_after)
		*c->stop = 1;
	return 0;
}

static int on_skip(void *ud, scl_skip_reason why, uint64_t index)
{
	struct collect *c = ud;
	char line[128];

	snprintf(line, sizeof(line), "skip %s", scl_skip_reason_str(why));
	push(c, line);
	c->skips++;
	c->last_skip = why;
	c->last_index = index;
	return 0;
}

static const scl_scan_ops ops = { on_record, on_skip, NULL };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Same multiset of records (order may differ between sources). */
static void assert_same(struct collect *a, struct collect *b)
{
	qsort(a->v, a->n, sizeof(*a->v), cmp_str);
	qsort(b->v, b->n, sizeof(*b->v), cmp_str);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		ck_assert_str_eq(a->v[i], b->v[i]);
}

static int scan_path(const char *path, const scl_journal_opts *o, struct collect *c, char **cursor)
{
	const char *p[] = { path };
	return scl_journal_scan_files(p, 1, &ops, c, o, cursor);
}

static bool have_journalctl(void)
{
	return system("journalctl --version >/dev/null 2>&1") == 0;
}

/* The records scl_scan() finds in `journalctl -o export` of the same file. */
static void export_records(const char *journal, struct collect *c)
{
	char cmd[4200];
	scl_reader *rd;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "journalctl --file='%s' -o export", journal);
	f = popen(cmd, "r");
	ck_assert(f != NULL);
	ck_assert_int_eq(scl_reader_open_fd(fileno(f), "journalctl", &rd), 0);
	ck_assert_int_eq(scl_scan(rd, &ops, c), 0);
	scl_reader_free(rd);
	ck_assert_int_eq(pclose(f), 0);
}

/* The real journald file: the same records as its export text, record for record. */
START_TEST(test_real_vs_export)
{
	struct collect j, e;
	char *cursor = NULL;

	collect_init(&j);
	collect_init(&e);
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), NULL, &j, &cursor), 0);
	ck_assert_ptr_nonnull(cursor);
	ck_assert(j.index_monotonic);
	/* both transports: the audit entries and their printk copies */
	ck_assert_uint_gt(j.records, 20);
	if (have_journalctl()) {
		export_records(unit_data_path(JOURNAL), &e);
	} else {
		/*
		 * tests/data/capture.sh writes journal-export.txt from this very
		 * file (audit entries of its own programs, every kernel entry).
		 */
		scl_reader *rd;
		ck_assert_int_eq(scl_reader_open(unit_data_path("journal-export.txt"), &rd), 0);
		ck_assert_int_eq(scl_scan(rd, &ops, &e), 0);
		scl_reader_free(rd);
	}
	/* the same records, and the same skips (printk cuts a long record short) */
	ck_assert_uint_eq(j.records, e.records);
	ck_assert_uint_eq(j.skips, e.skips);
	assert_same(&j, &e);
	free(cursor);
	collect_free(&j);
	collect_free(&e);
}
END_TEST

/* The committed export text came from the same capture as the binary file. */
START_TEST(test_real_vs_export_fixture)
{
	struct collect j, e;
	scl_reader *rd;

	if (access(unit_data_path("journal-export.txt"), R_OK) < 0)
		return;
	collect_init(&j);
	collect_init(&e);
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), NULL, &j, NULL), 0);
	ck_assert_int_eq(scl_reader_open(unit_data_path("journal-export.txt"), &rd), 0);
	ck_assert_int_eq(scl_scan(rd, &ops, &e), 0);
	scl_reader_free(rd);
	assert_same(&j, &e);
	collect_free(&j);
	collect_free(&e);
}
END_TEST

START_TEST(test_dir_and_twice)
{
	struct collect a, b, d;
	char tmp[] = "/tmp/scl-journal-XXXXXX", copy[64], cmd[4200];
	const char *paths[3];

	collect_init(&a);
	collect_init(&b);
	collect_init(&d);
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), NULL, &a, NULL), 0);
	/* the directory */
	ck_assert_int_eq(scl_journal_scan_dir(unit_data_path("journal"), &ops, &d, NULL, NULL), 0);
	assert_same(&a, &d);
	/* the same file twice, under two names: every entry once */
	ck_assert(mkdtemp(tmp) != NULL);
	snprintf(copy, sizeof(copy), "%s/copy.journal", tmp);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", unit_data_path(JOURNAL), copy);
	ck_assert_int_eq(system(cmd), 0);
	paths[0] = unit_data_path(JOURNAL);
	paths[1] = copy;
	paths[2] = unit_data_path(JOURNAL);
	ck_assert_int_eq(scl_journal_scan_files(paths, 3, &ops, &b, NULL, NULL), 0);
	assert_same(&a, &b);
	unlink(copy);
	rmdir(tmp);
	collect_free(&a);
	collect_free(&b);
	collect_free(&d);
}
END_TEST

START_TEST(test_cursor_resume)
{
	struct collect all, first, rest, none;
	volatile sig_atomic_t stop = 0;
	scl_journal_opts o = { 0 };
	char *end_cursor = NULL, *mid = NULL, *again = NULL;
	size_t k;

	collect_init(&all);
	collect_init(&first);
	collect_init(&rest);
	collect_init(&none);
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), NULL, &all, &end_cursor), 0);
	ck_assert_uint_gt(all.records, 10);
	k = all.records / 3;

	/* stop after k records: the cursor names the k-th record's entry */
	first.stop_after = k;
	first.stop = &stop;
	o.stop = &stop;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &first, &mid), 0);
	ck_assert_uint_eq(first.records, k);
	ck_assert_ptr_nonnull(mid);
	/* resume: exactly the others */
	memset(&o, 0, sizeof(o));
	o.cursor = mid;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &rest, &again), 0);
	ck_assert_uint_eq(rest.records, all.records - k);
	ck_assert_str_eq(again, end_cursor);
	for (size_t i = 0; i < first.n; i++)
		push(&rest, first.v[i]);
	assert_same(&all, &rest);
	free(again);
	again = NULL;

	/* resume at the end: nothing new, the same cursor back */
	o.cursor = end_cursor;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &none, &again), 0);
	ck_assert_uint_eq(none.records, 0);
	ck_assert_str_eq(again, end_cursor);
	free(again);
	again = NULL;

	/* tail: nothing, positioned at the last entry */
	memset(&o, 0, sizeof(o));
	o.tail = true;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &none, &again), 0);
	ck_assert_uint_eq(none.records, 0);
	ck_assert_str_eq(again, end_cursor);
	free(again);
	again = untouched;

	/* bad cursors; *ret_cursor untouched on failure */
	memset(&o, 0, sizeof(o));
	o.cursor = "garbage";
	ck_assert_int_lt(scan_path(unit_data_path(JOURNAL), &o, &none, &again), 0);
	o.cursor = "";
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &none, &again), -EINVAL);
	{
		char *longc = malloc(SCL_MAX_JOURNAL_CURSOR + 2);
		ck_assert(longc != NULL);
		memset(longc, 's', SCL_MAX_JOURNAL_CURSOR + 1);
		longc[SCL_MAX_JOURNAL_CURSOR + 1] = '\0';
		o.cursor = longc;
		ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &none, &again), -EINVAL);
		free(longc);
	}
	ck_assert_str_eq(again, "untouched");
	ck_assert_uint_eq(none.records, 0);

	free(end_cursor);
	free(mid);
	collect_free(&all);
	collect_free(&first);
	collect_free(&rest);
	collect_free(&none);
}
END_TEST

START_TEST(test_errors)
{
	struct collect c;
	char *cursor = untouched;
	const char *none[] = { NULL };

	collect_init(&c);
	ck_assert_int_eq(scan_path("/nonexistent/x.journal", NULL, &c, &cursor), -ENOENT);
	/* not a journal */
	ck_assert_int_lt(scan_path(unit_data_path("journal-export.txt"), NULL, &c, &cursor), 0);
	ck_assert_int_lt(scan_path(unit_data_path("proc/1001/stat"), NULL, &c, &cursor), 0);
	ck_assert_int_eq(scl_journal_scan_files(none, 0, &ops, &c, NULL, &cursor), -EINVAL);
	ck_assert_int_eq(scl_journal_scan_files(none, 1, &ops, &c, NULL, &cursor), -EINVAL);
	ck_assert_int_eq(scl_journal_scan_dir(NULL, &ops, &c, NULL, &cursor), -EINVAL);
	ck_assert_str_eq(cursor, "untouched");
	/* a callback's error stops the scan and comes back */
	c.fail_at = 3;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), NULL, &c, &cursor), -ECANCELED);
	ck_assert_uint_eq(c.records, 3);
	ck_assert_str_eq(cursor, "untouched");
	/* NULL ops and cursor: fine */
	ck_assert_int_eq(scl_journal_scan_files((const char *const[]){ unit_data_path(JOURNAL) }, 1, NULL, NULL, NULL,
						NULL),
			 0);
	collect_free(&c);
}
END_TEST

START_TEST(test_magic)
{
	size_t n;
	char *buf = unit_read_file(JOURNAL, &n);

	ck_assert(scl_journal_file_magic((const unsigned char *)buf, n));
	ck_assert(scl_journal_file_magic((const unsigned char *)buf, 8));
	ck_assert(!scl_journal_file_magic((const unsigned char *)buf, 7));
	ck_assert(!scl_journal_file_magic((const unsigned char *)"__CURSOR=s=", 11));
	ck_assert(!scl_journal_file_magic((const unsigned char *)"LPKSHHRX", 8));
	ck_assert(!scl_journal_file_magic(NULL, 0));
	free(buf);
}
END_TEST

/* ------------------------------------ one entry's fields, no sd-journal */

#define EBODY "auid=0 uid=0 gid=0 ses=1 pid=7 comm=\"c\" exe=\"/e\" sig=0 arch=c000003e syscall=3 compat=0 " \
	      "ip=0x1 code=0x7ffc0000"
#define EREC(serial, time, host) "arch=c000003e syscall=3 serial=" serial " time=" time \
	" pid=7 code=0x7ffc0000 comm=c exe=/e host=" host

static const struct entry_case {
	const char *name;
	const char *fields[8]; /* "NAME=value", NULL-terminated; "\x01" marks a NULL data pointer */
	const char *want;      /* the one line collected, NULL for nothing */
} entry_cases[] = {
	{ "audit", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "_AUDIT_ID=9", "_HOSTNAME=h",
		     "_SOURCE_REALTIME_TIMESTAMP=1795707636904000", "__REALTIME_TIMESTAMP=1795707636999000",
		     "MESSAGE=SECCOMP " EBODY },
	  EREC("9", "1795707636.904", "h") },
	{ "entry time without source time", { "MESSAGE=SECCOMP " EBODY, "__REALTIME_TIMESTAMP=1795707636999000",
					       "_AUDIT_TYPE=1326", "_TRANSPORT=audit" },
	  EREC("0", "1795707636.999", "") },
	{ "first of a name counts", { "_TRANSPORT=audit", "_TRANSPORT=syslog", "_AUDIT_TYPE=1326",
				      "MESSAGE=SECCOMP " EBODY, "MESSAGE=hello" },
	  EREC("0", "0.000", "") },
	{ "kernel printk copy", { "_TRANSPORT=kernel", "MESSAGE=audit: type=1326 audit(1795707636.904:5): " EBODY },
	  EREC("5", "1795707636.904", "") },
	{ "kernel line not a record", { "_TRANSPORT=kernel", "MESSAGE=eth0: link up" }, NULL },
	{ "kernel without message", { "_TRANSPORT=kernel" }, NULL },
	{ "audit without message", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326" }, "skip bad journal entry" },
	{ "audit message not a record", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "MESSAGE=hello" },
	  "skip bad journal entry" },
	{ "audit empty message", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "MESSAGE=" }, "skip bad journal entry" },
	{ "other audit type", { "_TRANSPORT=audit", "_AUDIT_TYPE=1300", "MESSAGE=SECCOMP " EBODY }, NULL },
	{ "forged via syslog", { "_TRANSPORT=syslog", "_AUDIT_TYPE=1326", "MESSAGE=SECCOMP " EBODY }, NULL },
	{ "no transport", { "_AUDIT_TYPE=1326", "MESSAGE=SECCOMP " EBODY }, NULL },
	{ "transport prefix only", { "_TRANSPORT=audi", "_AUDIT_TYPE=1326", "MESSAGE=SECCOMP " EBODY }, NULL },
	{ "name without '='", { "_TRANSPORT", "_TRANSPORTaudit", "_AUDIT_TYPE=1326", "MESSAGE=SECCOMP " EBODY }, NULL },
	{ "NULL data ignored", { "\x01", "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "MESSAGE=SECCOMP " EBODY },
	  EREC("0", "0.000", "") },
	{ "malformed record", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "MESSAGE=SECCOMP arch=zz syscall=1" },
	  "skip bad arch" },
	{ "bad numbers ignored", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "_AUDIT_ID=-1",
				   "_SOURCE_REALTIME_TIMESTAMP=12x", "__REALTIME_TIMESTAMP= 5", "MESSAGE=SECCOMP " EBODY },
	  EREC("0", "0.000", "") },
	{ "empty", { NULL }, NULL },
};

START_TEST(test_entry_fields)
{
	const struct entry_case *tc = &entry_cases[_i];
	scl_journal_field f[8];
	struct collect c;
	size_t n = 0;

	for (; n < 8 && tc->fields[n]; n++) {
		bool null = !strcmp(tc->fields[n], "\x01");
		f[n] = (scl_journal_field){ null ? NULL : tc->fields[n], null ? 5 : strlen(tc->fields[n]) };
	}
	collect_init(&c);
	ck_assert_int_eq(scl_journal_entry(f, n, 42, &ops, &c), 0);
	if (!tc->want) {
		ck_assert_msg(c.n == 0, "%s: got %s", tc->name, c.n ? c.v[0] : "");
	} else {
		ck_assert_msg(c.n == 1, "%s: %zu lines", tc->name, c.n);
		ck_assert_msg(!strcmp(c.v[0], tc->want), "%s: got %s", tc->name, c.v[0]);
		ck_assert_uint_eq(c.last_index, 42);
	}
	/* the same without callbacks, and a callback's error comes back */
	ck_assert_int_eq(scl_journal_entry(f, n, 42, NULL, NULL), 0);
	c.fail_at = (int)c.records + 1;
	if (tc->want && strncmp(tc->want, "skip", 4))
		ck_assert_int_eq(scl_journal_entry(f, n, 43, &ops, &c), -ECANCELED);
	collect_free(&c);
}
END_TEST

/* MESSAGE over SCL_MAX_LINE (sd-journal returns up to its data threshold). */
START_TEST(test_entry_too_long)
{
	size_t ln = sizeof("MESSAGE=") - 1 + SCL_MAX_LINE + 1;
	char *m = malloc(ln);
	scl_journal_field f[2] = { { "_TRANSPORT=kernel", 17 }, { m, ln } };
	struct collect c;

	ck_assert_ptr_nonnull(m);
	memset(m, 'x', ln);
	memcpy(m, "MESSAGE=audit: type=1326 ", 25);
	collect_init(&c);
	ck_assert_int_eq(scl_journal_entry(f, 2, 1, &ops, &c), 0);
	ck_assert_uint_eq(c.skips, 1);
	ck_assert_int_eq(c.last_skip, SCL_SKIP_TOO_LONG);
	f[1].n--; /* at the limit: handed to the parser, which skips it for its own reason */
	ck_assert_int_eq(scl_journal_entry(f, 2, 1, &ops, &c), 0);
	ck_assert_uint_eq(c.skips, 2);
	ck_assert_int_eq(scl_journal_entry(NULL, 3, 1, &ops, &c), 0);
	ck_assert_uint_eq(c.n, 2);
	collect_free(&c);
	free(m);
}
END_TEST

/* --------------------------------------------- a journal written here */

static const char *journal_remote(void)
{
	static const char *const cands[] = { "/lib/systemd/systemd-journal-remote",
					     "/usr/lib/systemd/systemd-journal-remote" };
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++)
		if (access(cands[i], X_OK) == 0)
			return cands[i];
	return NULL;
}

#define BOOT "d0c1063855c14f3a84c5b7d4554d137e"
#define BODY(sc) "auid=4294967295 uid=0 gid=0 ses=4294967295 pid=77 comm=\"gen\" exe=\"/tmp/gen\" sig=0 " \
		 "arch=c000003e syscall=" #sc " compat=0 ip=0x7f code=0x7ffc0000"

struct field {
	const char *k;
	const char *v;
	size_t n; /* 0: strlen; set for binary values */
};

static void put_entry(FILE *f, uint64_t rt, const struct field *fs, size_t nf)
{
	fprintf(f, "__REALTIME_TIMESTAMP=%llu\n__MONOTONIC_TIMESTAMP=%llu\n_BOOT_ID=" BOOT "\n",
		(unsigned long long)rt, (unsigned long long)(rt % 1000000000));
	for (size_t i = 0; i < nf; i++) {
		size_t n = fs[i].n ? fs[i].n : strlen(fs[i].v);
		if (memchr(fs[i].v, '\n', n) || memchr(fs[i].v, '\0', n)) {
			unsigned char le[8];
			for (int b = 0; b < 8; b++)
				le[b] = (unsigned char)((uint64_t)n >> (8 * b));
			fprintf(f, "%s\n", fs[i].k);
			fwrite(le, 1, 8, f);
			fwrite(fs[i].v, 1, n, f);
			fputc('\n', f);
		} else {
			fprintf(f, "%s=%.*s\n", fs[i].k, (int)n, fs[i].v);
		}
	}
	fputc('\n', f);
}

#define E(...) (const struct field[]){ __VA_ARGS__ }, sizeof((const struct field[]){ __VA_ARGS__ }) / sizeof(struct field)

/* Write the crafted entries to an export stream and through systemd-journal-remote. */
static bool craft(const char *dir, char *out, size_t outsz)
{
	const char *remote = journal_remote();
	char exp[256], cmd[1024], *longmsg, *longhost;
	static const char nul_msg[] = "SECCOMP " BODY(5) "\0hidden";
	static const char nl_msg[] = "SECCOMP " BODY(6) "\nSECCOMP " BODY(7);
	FILE *f;
	size_t ln = SCL_MAX_LINE + 100;

	if (!remote)
		return false;
	snprintf(exp, sizeof(exp), "%s/in.export", dir);
	snprintf(out, outsz, "%s/crafted.journal", dir);
	f = fopen(exp, "w");
	ck_assert(f != NULL);
	longmsg = malloc(ln + 1);
	ck_assert(longmsg != NULL);
	snprintf(longmsg, ln, "audit: type=1326 audit(1795707636.904:9): %s", BODY(8));
	for (size_t i = strlen(longmsg); i < ln; i++)
		longmsg[i] = 'x';
	longmsg[ln] = '\0';
	longhost = malloc(SCL_MAX_HOST + 50);
	ck_assert(longhost != NULL);
	memset(longhost, 'h', SCL_MAX_HOST + 49);
	longhost[SCL_MAX_HOST + 49] = '\0';

	/* 1: audit transport, the usual */
	put_entry(f, 1795707636905000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "500" },
				     { "_SOURCE_REALTIME_TIMESTAMP", "1795707636904000" }, { "_HOSTNAME", "node-1" },
				     { "MESSAGE", "SECCOMP " BODY(1) }));
	/* 2: its printk copy, kernel transport */
	put_entry(f, 1795707636906000, E({ "_TRANSPORT", "kernel" }, { "_HOSTNAME", "node-1" },
				     { "MESSAGE", "audit: type=1326 audit(1795707636.904:500): " BODY(1) }));
	/* 3: a user's forgery through syslog and stdout: never a record */
	put_entry(f, 1795707636907000, E({ "_TRANSPORT", "syslog" }, { "_AUDIT_TYPE", "1326" },
				     { "MESSAGE", "audit: type=1326 audit(1795707636.904:501): " BODY(2) }));
	put_entry(f, 1795707636907100, E({ "_TRANSPORT", "stdout" },
				     { "MESSAGE", "SECCOMP " BODY(2) }));
	/* 4: NUL inside MESSAGE */
	put_entry(f, 1795707636908000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "502" },
				     { "MESSAGE", nul_msg, sizeof(nul_msg) - 1 }));
	/* 5: a newline and a second record inside MESSAGE */
	put_entry(f, 1795707636909000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "503" },
				     { "MESSAGE", nl_msg, sizeof(nl_msg) - 1 }));
	/* 6: audit entry whose MESSAGE is not a record, and one with none */
	put_entry(f, 1795707636910000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "MESSAGE", "hello" }));
	put_entry(f, 1795707636911000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "504" }));
	/* 7: over SCL_MAX_LINE */
	put_entry(f, 1795707636912000, E({ "_TRANSPORT", "kernel" }, { "MESSAGE", longmsg }));
	/* 8: another audit type, and unrelated kernel lines */
	put_entry(f, 1795707636913000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1300" },
				     { "MESSAGE", "SYSCALL arch=c000003e syscall=59 success=yes" }));
	put_entry(f, 1795707636914000, E({ "_TRANSPORT", "kernel" }, { "MESSAGE", "eth0: link up" }));
	put_entry(f, 1795707636914500, E({ "_TRANSPORT", "kernel" }, { "MESSAGE", "mentions type=1326 in passing" }));
	/* 9: a hostname over SCL_MAX_HOST is dropped, the record kept; no _SOURCE_REALTIME: entry time */
	put_entry(f, 1795707636915000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "505" },
				     { "_HOSTNAME", longhost }, { "MESSAGE", "SECCOMP " BODY(10) }));
	/* 10: hex comm with an escape sequence, path-like comm */
	put_entry(f, 1795707636916000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "506" },
				     { "MESSAGE", "SECCOMP auid=0 uid=0 gid=0 ses=1 pid=9 comm=1B5B33316D7265641B5B306D "
						  "exe=\"../../etc/x\" sig=0 arch=c000003e syscall=11 compat=0 ip=0x1 code=0x50000" }));
	/* 11: printk line cut short */
	put_entry(f, 1795707636917000, E({ "_TRANSPORT", "kernel" }, { "MESSAGE", "audit: type=1326" }));
	/* 12: garbage numbers for _AUDIT_ID and timestamps: ignored, record kept */
	put_entry(f, 1795707636918000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "-1" },
				     { "_SOURCE_REALTIME_TIMESTAMP", "12x" }, { "MESSAGE", "SECCOMP " BODY(12) }));
	ck_assert_int_eq(fclose(f), 0);
	free(longmsg);
	free(longhost);
	snprintf(cmd, sizeof(cmd), "'%s' --output='%s' --split-mode=none - <'%s' 2>/dev/null", remote, out, exp);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	unlink(exp);
	return true;
}

START_TEST(test_crafted)
{
	char dir[] = "/tmp/scl-journal-XXXXXX", path[256], cmd[300];
	struct collect c;
	static const char *const want[] = {
		"arch=c000003e syscall=1 serial=500 time=1795707636.904 pid=77 code=0x7ffc0000 comm=gen exe=/tmp/gen host=node-1",
		"arch=c000003e syscall=1 serial=500 time=1795707636.904 pid=77 code=0x7ffc0000 comm=gen exe=/tmp/gen host=node-1",
		"skip NUL byte",
		"skip bad code",
		"skip bad journal entry",
		"skip bad journal entry",
		"skip too long",
		"arch=c000003e syscall=10 serial=505 time=1795707636.915 pid=77 code=0x7ffc0000 comm=gen exe=/tmp/gen host=",
		"arch=c000003e syscall=11 serial=506 time=1795707636.916 pid=9 code=0x50000 comm=\x1b[31mred\x1b[0m "
		"exe=../../etc/x host=",
		"skip truncated",
		"arch=c000003e syscall=12 serial=0 time=1795707636.918 pid=77 code=0x7ffc0000 comm=gen exe=/tmp/gen host=",
	};

	ck_assert(mkdtemp(dir) != NULL);
	if (!craft(dir, path, sizeof(path))) {
		fprintf(stderr, "test_crafted: systemd-journal-remote not installed, skipped\n");
		rmdir(dir);
		return;
	}
	collect_init(&c);
	ck_assert_int_eq(scan_path(path, NULL, &c, NULL), 0);
	if (c.n != sizeof(want) / sizeof(want[0]))
		for (size_t i = 0; i < c.n; i++)
			fprintf(stderr, "  %zu: %s\n", i, c.v[i]);
	ck_assert_uint_eq(c.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c.n; i++)
		ck_assert_str_eq(c.v[i], want[i]);
	collect_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Follow a journal file while systemd-journal-remote is still writing it. */
struct follow_ctx {
	struct collect c;
	FILE *feed;
	int idles;
	volatile sig_atomic_t stop;
};

static int follow_idle(void *ud)
{
	struct follow_ctx *f = ud;

	f->idles++;
	if (f->idles == 1) {
		put_entry(f->feed, 1795707640000000,
			  E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "601" },
			    { "MESSAGE", "SECCOMP " BODY(21) }));
		fflush(f->feed);
	}
	if (f->c.records >= 2 || f->idles > 200)
		f->stop = 1;
	return 0;
}

START_TEST(test_follow)
{
	const char *remote = journal_remote();
	char dir[] = "/tmp/scl-journal-XXXXXX", path[256], cmd[1024];
	struct follow_ctx f;
	scl_journal_opts o = { 0 };
	char *cursor = NULL;
	struct stat st;
	int i;

	if (!remote) {
		fprintf(stderr, "test_follow: systemd-journal-remote not installed, skipped\n");
		return;
	}
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/live.journal", dir);
	snprintf(cmd, sizeof(cmd), "exec '%s' --output='%s' --split-mode=none - 2>/dev/null", remote, path);
	memset(&f, 0, sizeof(f));
	collect_init(&f.c);
	f.feed = popen(cmd, "w");
	ck_assert(f.feed != NULL);
	put_entry(f.feed, 1795707639000000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "600" },
					  { "MESSAGE", "SECCOMP " BODY(20) }));
	fflush(f.feed);
	/* the file exists once journal-remote has written the first entry */
	for (i = 0; i < 100 && (stat(path, &st) < 0 || st.st_size == 0); i++)
		usleep(50000);
	ck_assert_msg(i < 100, "journal-remote did not create %s", path);
	usleep(200000);

	o.follow = true;
	o.wait_usec = 50000;
	o.stop = &f.stop;
	o.idle = follow_idle;
	ck_assert_int_eq(scl_journal_scan_files((const char *const[]){ path }, 1, &ops, &f, &o, &cursor), 0);
	ck_assert_uint_eq(f.c.records, 2);
	ck_assert_ptr_nonnull(strstr(f.c.v[0], "syscall=20 "));
	ck_assert_ptr_nonnull(strstr(f.c.v[1], "syscall=21 "));
	ck_assert_ptr_nonnull(cursor);
	ck_assert_int_eq(pclose(f.feed), 0);

	/* an idle callback's error ends a follow */
	{
		struct follow_ctx g;
		memset(&g, 0, sizeof(g));
		collect_init(&g.c);
		o.cursor = cursor;
		o.idle = NULL;
		o.stop = &g.stop;
		g.stop = 1; /* already stopped: returns at once, cursor unchanged */
		{
			char *c2 = NULL;
			ck_assert_int_eq(scl_journal_scan_files((const char *const[]){ path }, 1, &ops, &g, &o, &c2), 0);
			ck_assert_str_eq(c2, cursor);
			free(c2);
		}
		collect_free(&g.c);
	}
	free(cursor);
	collect_free(&f.c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static int idle_fail(void *ud)
{
	(void)ud;
	return -ETIMEDOUT;
}

START_TEST(test_follow_idle_error)
{
	scl_journal_opts o = { 0 };
	struct collect c;
	char *cursor = untouched;

	collect_init(&c);
	o.follow = true;
	o.idle = idle_fail;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &c, &cursor), -ETIMEDOUT);
	ck_assert_uint_gt(c.records, 20);
	ck_assert_str_eq(cursor, "untouched");
	collect_free(&c);
}
END_TEST

/* The live system journal opens (possibly empty on a host without journald). */
START_TEST(test_system)
{
	scl_journal_opts o = { 0 };
	struct collect c;
	char *cursor = NULL;
	int r;

	collect_init(&c);
	o.tail = true;
	r = scl_journal_scan_system(&ops, &c, &o, &cursor);
	ck_assert_msg(r == 0 || r == -EACCES || r == -EPERM, "r=%d", r);
	ck_assert_uint_eq(c.records, 0);
	free(cursor);
	collect_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_real_vs_export);
	tcase_add_test(tc, test_real_vs_export_fixture);
	tcase_add_test(tc, test_dir_and_twice);
	tcase_add_test(tc, test_cursor_resume);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_magic);
	tcase_add_loop_test(tc, test_entry_fields, 0, sizeof(entry_cases) / sizeof(entry_cases[0]));
	tcase_add_test(tc, test_entry_too_long);
	tcase_add_test(tc, test_crafted);
	tcase_add_test(tc, test_follow);
	tcase_add_test(tc, test_follow_idle_error);
	tcase_add_test(tc, test_system);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
