/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

/*
 * The records scl_scan() finds in `journalctl -o export` of the same file
 * (damaged: what it prints before it fails, its message kept out).
 */
static void export_records_of(const char *journal, bool damaged, struct collect *c)
{
	char cmd[4200];
	scl_reader *rd;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "journalctl --file='%s' -o export%s", journal, damaged ? " 2>/dev/null; true" : "");
	f = popen(cmd, "r");
	ck_assert(f != NULL);
	ck_assert_int_eq(scl_reader_open_fd(fileno(f), "journalctl", &rd), 0);
	ck_assert_int_eq(scl_scan(rd, &ops, c), 0);
	scl_reader_free(rd);
	ck_assert_int_eq(pclose(f), 0);
}

static void export_records(const char *journal, struct collect *c)
{
	export_records_of(journal, false, c);
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

/*
 * Damaged copies of the fixture, made the same way every time (bytes of
 * objects found with the file's header and object sizes: journal-def.h).
 * sd-journal stops at damage without an error (systemd 252 drops the file
 * from the journal at debug level) and skips bad data objects silently: the
 * scan reads around it (from the tail, along the matches' entry lists),
 * every entry once, and tells what is missing.
 */
#define INVERT (-1)
static const struct damage_case {
	const char *what;
	size_t off, len;
	int fill;                  /* each byte set to this, or inverted (INVERT) */
	uint64_t unreached, corrupt, aborts;
	size_t records, skips;     /* what the scan reads of it */
} damage_cases[] = {
	/* the pristine file: nothing told */
	{ "none", 0, 0, INVERT, 0, 0, 0, 75, 1 },
	/* before this change: 21 entries read (the matches' lists end in it) */
	{ "a zeroed page (entries and entry arrays)", 65536, 4096, 0, 7, 0, 0, 67, 1 },
	/* five audit entries lose _SOURCE_REALTIME_TIMESTAMP, _PID, ... silently */
	{ "a zeroed page (data objects too)", 90112, 4096, 0, 5, 5, 0, 70, 1 },
	/* journalctl --file reads nothing either */
	{ "a zeroed page (the data hash table): nothing reachable", 40960, 4096, 0, 84, 0, 0, 0, 0 },
	/* before: 29 entries read */
	{ "an entry object's type byte", 70264, 1, INVERT, 1, 0, 0, 74, 1 },
	/* journalctl --file reads 1 entry of this one: the rest from the tail */
	{ "the first item of the global entry array", 43456 + 24, 8, INVERT, 1, 0, 0, 75, 1 },
	/* an audit entry without its MESSAGE: a skip */
	{ "compressed data (zstd) of a MESSAGE", 108936 + 80, 8, INVERT, 0, 1, 0, 74, 2 },
	/*
	 * A byte of a zstd frame header (0x05 -> 0x10): libsystemd 252 fails an
	 * assertion and aborts (journalctl too): found in a child, passed over
	 */
	{ "a zstd frame header (sd-journal aborts)", 108936 + 80, 1, 0x10, 0, 0, 1, 74, 1 },
};

struct damage_seen {
	struct collect c;
	int calls, ret;
	scl_journal_damage d;
	char path[128];
};

static int on_damaged(void *ud, const scl_journal_damage *d)
{
	struct damage_seen *s = ud;

	s->calls++;
	s->d = *d;
	snprintf(s->path, sizeof(s->path), "%s", d->path);
	return s->ret;
}

START_TEST(test_damaged)
{
	const struct damage_case *t = &damage_cases[_i];
	char tmp[] = "/tmp/scl-journal-XXXXXX", path[64];
	scl_journal_opts o = { .damaged = on_damaged };
	struct damage_seen s = { 0 };
	struct collect e;
	size_t n, k;
	char *buf;
	FILE *f;

	buf = unit_read_file(JOURNAL, &n);
	ck_assert_uint_ge(n, t->off + t->len);
	for (size_t i = t->off; i < t->off + t->len; i++)
		buf[i] = t->fill == INVERT ? (char)~buf[i] : (char)t->fill;
	ck_assert(mkdtemp(tmp) != NULL);
	snprintf(path, sizeof(path), "%s/bad.journal", tmp);
	f = fopen(path, "w");
	ck_assert(f != NULL);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	free(buf);

	collect_init(&s.c);
	ck_assert_int_eq(scl_journal_scan_files((const char *const[]){ path }, 1, &ops, &s, &o, NULL), 0);
	if (!t->unreached && !t->corrupt && !t->aborts) {
		ck_assert_int_eq(s.calls, 0);
	} else {
		ck_assert_int_eq(s.calls, 1);
		ck_assert_str_eq(s.path, path);
		ck_assert_uint_eq(s.d.entries, 84);
		ck_assert_uint_eq(s.d.read, 84 - t->unreached);
		ck_assert_uint_eq(s.d.corrupt, t->corrupt);
		ck_assert_uint_eq(s.d.aborts, t->aborts);
	}
	ck_assert_uint_eq(s.c.records, t->records);
	ck_assert_uint_eq(s.c.skips, t->skips);
	/* every record journalctl --file finds in it is read (and, mostly, more) */
	if (have_journalctl()) {
		collect_init(&e);
		export_records_of(path, true, &e);
		if (e.n)
			qsort(e.v, e.n, sizeof(*e.v), cmp_str);
		if (s.c.n)
			qsort(s.c.v, s.c.n, sizeof(*s.c.v), cmp_str);
		k = 0;
		for (size_t i = 0; i < e.n; i++) {
			/*
			 * journalctl stops at the damage in the middle of an entry
			 * ("Invalid field."): the entry it printed last is cut short
			 * (no MESSAGE), a skip of its text that the file does not have
			 */
			if (!strncmp(e.v[i], "skip ", 5))
				continue;
			while (k < s.c.n && strcmp(s.c.v[k], e.v[i]) < 0)
				k++;
			ck_assert_msg(k < s.c.n && !strcmp(s.c.v[k], e.v[i]), "journalctl has '%s', the scan not", e.v[i]);
			k++;
		}
		collect_free(&e);
	}
	/* --strict's way: the callback's error is returned */
	collect_free(&s.c);
	collect_init(&s.c);
	s.ret = -ECANCELED;
	ck_assert_int_eq(scl_journal_scan_files((const char *const[]){ path }, 1, &ops, &s, &o, NULL),
			 t->unreached || t->corrupt || t->aborts ? -ECANCELED : 0);
	unlink(path);
	rmdir(tmp);
	collect_free(&s.c);
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

#define H16 "hhhhhhhhhhhhhhhh"
#define H255 H16 H16 H16 H16 H16 H16 H16 H16 H16 H16 H16 H16 H16 H16 H16 "hhhhhhhhhhhhhhh"

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
	{ "host name at SCL_MAX_HOST", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "_HOSTNAME=" H255,
					  "MESSAGE=SECCOMP " EBODY },
	  EREC("0", "0.000", H255) },
	{ "host name over SCL_MAX_HOST", { "_TRANSPORT=audit", "_AUDIT_TYPE=1326", "_HOSTNAME=" H255 "h",
					    "MESSAGE=SECCOMP " EBODY },
	  "skip host name over SCL_MAX_HOST (255 bytes)" },
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
	ck_assert_int_eq(c.last_skip, SCL_SKIP_LINE_TOO_LONG);
	f[1].n--; /* at the limit: handed to the parser, which skips it for its own reason */
	ck_assert_int_eq(scl_journal_entry(f, 2, 1, &ops, &c), 0);
	ck_assert_uint_eq(c.skips, 2);
	ck_assert_int_eq(scl_journal_entry(NULL, 3, 1, &ops, &c), 0);
	ck_assert_uint_eq(c.n, 2);
	collect_free(&c);
	free(m);
}
END_TEST

/* --------------------------------------------- cursors and gaps */

static const struct cursor_case {
	const char *in;
	int r;
	const char *sid;
	uint64_t seqnum, realtime;
} cursor_cases[] = {
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=27d;b=6f694673aef44117a73d84b420bd4621;m=5485a6a0d;"
	  "t=661a63a973f0f;x=86844d785e781d24",
	  0, "b49188d8c9924aa1a61e07c61251ccb9", 0x27d, 0x661a63a973f0f },
	/* order and unknown keys do not matter; upper-case hex is folded; no t= */
	{ "b=x;i=1;s=B49188D8C9924AA1A61E07C61251CCB9;zz=9", 0, "b49188d8c9924aa1a61e07c61251ccb9", 1, 0 },
	{ "s=00000000000000000000000000000000;i=ffffffffffffffff", 0, "00000000000000000000000000000000",
	  UINT64_MAX, 0 },
	/* malformed */
	{ "", -EINVAL, NULL, 0, 0 },
	{ "garbage", -EINVAL, NULL, 0, 0 },
	{ "i=27d;b=6f69", -EINVAL, NULL, 0, 0 },                                   /* no s= */
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;b=6f69", -EINVAL, NULL, 0, 0 },       /* no i= */
	{ "s=b49188d8c9924aa1a61e07c61251ccb;i=1", -EINVAL, NULL, 0, 0 },          /* 31 digits */
	{ "s=b49188d8c9924aa1a61e07c61251ccb99;i=1", -EINVAL, NULL, 0, 0 },        /* 33 digits */
	{ "s=g49188d8c9924aa1a61e07c61251ccb9;i=1", -EINVAL, NULL, 0, 0 },
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=", -EINVAL, NULL, 0, 0 },
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=-1", -EINVAL, NULL, 0, 0 },
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=10000000000000000", -EINVAL, NULL, 0, 0 }, /* over 64 bits */
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=1;i=2", -EINVAL, NULL, 0, 0 },     /* repeated */
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=1;t=zz", -EINVAL, NULL, 0, 0 },
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=1;", -EINVAL, NULL, 0, 0 },        /* empty item */
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=1;x", -EINVAL, NULL, 0, 0 },       /* no '=' */
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i=1;=5", -EINVAL, NULL, 0, 0 },      /* no key */
	{ "s=b49188d8c9924aa1a61e07c61251ccb9;i= 1", -EINVAL, NULL, 0, 0 },
};

START_TEST(test_cursor_pos)
{
	const struct cursor_case *tc = &cursor_cases[_i];
	scl_journal_pos p, untouched_pos;
	size_t n = strlen(tc->in);
	char *copy = malloc(n + 1);

	memset(&untouched_pos, 0x5a, sizeof(untouched_pos));
	p = untouched_pos;
	/* not NUL-terminated: a copy without the NUL, read up to n */
	ck_assert(copy != NULL);
	memcpy(copy, tc->in, n);
	copy[n] = ';';
	ck_assert_int_eq(scl_journal_cursor_pos(copy, n, &p), tc->r);
	if (tc->r == 0) {
		ck_assert_str_eq(p.seqnum_id, tc->sid);
		ck_assert_uint_eq(p.seqnum, tc->seqnum);
		ck_assert_uint_eq(p.realtime, tc->realtime);
	} else {
		ck_assert_mem_eq(&p, &untouched_pos, sizeof(p));
	}
	free(copy);
}
END_TEST

START_TEST(test_cursor_pos_limits)
{
	char *longc = malloc(SCL_MAX_JOURNAL_CURSOR + 2);
	scl_journal_pos p;
	int k;

	ck_assert(longc != NULL);
	k = snprintf(longc, SCL_MAX_JOURNAL_CURSOR + 2, "s=b49188d8c9924aa1a61e07c61251ccb9;i=1;q=");
	memset(longc + k, 'a', SCL_MAX_JOURNAL_CURSOR + 1 - (size_t)k);
	ck_assert_int_eq(scl_journal_cursor_pos(longc, SCL_MAX_JOURNAL_CURSOR + 1, &p), -EINVAL);
	ck_assert_int_eq(scl_journal_cursor_pos(longc, SCL_MAX_JOURNAL_CURSOR, &p), 0);
	ck_assert_int_eq(scl_journal_cursor_pos(NULL, 5, &p), -EINVAL);
	free(longc);
}
END_TEST

START_TEST(test_pos_gap)
{
	scl_journal_pos a = { "b49188d8c9924aa1a61e07c61251ccb9", 0x27d, 1 }, b = a, other = a;
	uint64_t m = 77;

	/* the next entry: nothing missing */
	b.seqnum = 0x27e;
	ck_assert(scl_journal_pos_gap(&a, &b, &m));
	ck_assert_uint_eq(m, 0);
	b.seqnum = 0x27d + 10;
	ck_assert(scl_journal_pos_gap(&a, &b, &m));
	ck_assert_uint_eq(m, 9);
	/* not after it, or another sequence: not comparable, *ret untouched */
	m = 77;
	ck_assert(!scl_journal_pos_gap(&b, &a, &m));
	ck_assert(!scl_journal_pos_gap(&a, &a, &m));
	other.seqnum_id[0] = 'c';
	other.seqnum = 0x300;
	ck_assert(!scl_journal_pos_gap(&a, &other, &m));
	memset(&other, 0, sizeof(other));
	ck_assert(!scl_journal_pos_gap(&other, &b, &m));
	ck_assert(!scl_journal_pos_gap(NULL, &b, &m));
	ck_assert_uint_eq(m, 77);
	a.seqnum = 0;
	b.seqnum = UINT64_MAX;
	ck_assert(scl_journal_pos_gap(&a, &b, &m));
	ck_assert_uint_eq(m, UINT64_MAX - 1);
}
END_TEST

/* What the gap and file callbacks were told. */
struct gaps {
	struct collect c;
	int n;
	scl_journal_gap last;
	char next[SCL_MAX_JOURNAL_CURSOR + 1];
	int added, removed, archived;
	char removed_path[256];
};

static int on_gap(void *ud, const scl_journal_gap *g)
{
	struct gaps *s = ud;

	s->n++;
	s->last = *g;
	snprintf(s->next, sizeof(s->next), "%s", g->next ? g->next : "");
	s->last.next = s->next;
	s->last.last = NULL;
	return 0;
}

static int on_file(void *ud, scl_journal_file_change what, const char *path, const char *new_path)
{
	struct gaps *s = ud;

	(void)new_path;
	if (what == SCL_JOURNAL_FILE_ADDED)
		s->added++;
	else if (what == SCL_JOURNAL_FILE_REMOVED) {
		s->removed++;
		snprintf(s->removed_path, sizeof(s->removed_path), "%s", path);
	} else
		s->archived++;
	return 0;
}

static int on_gap_fail(void *ud, const scl_journal_gap *g)
{
	(void)ud;
	(void)g;
	return -ECANCELED;
}

/*
 * Resuming from a cursor whose entry is gone.  The fixture is an archived
 * file of a real journald, its entries 0x246..0x299 of sequence 008de514...:
 * a cursor of that sequence at 0x23c names an entry the file does not have,
 * 9 before its first; one of another sequence cannot be measured.
 */
#define FIX_SID "008de51424da4dc0afd2f50ddaf1ec88"
#define FIX_REST ";b=d0c1063855c14f3a84c5b7d4554d137e;m=10e621000;t=661307d9bc000;x=1"

START_TEST(test_resume_gap)
{
	struct gaps s;
	scl_journal_opts o = { 0 };
	struct collect all;
	char *cursor = NULL, *mid = NULL;
	volatile sig_atomic_t stop = 0;

	collect_init(&all);
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), NULL, &all, NULL), 0);

	/* 9 entries gone before the first one there is: up to 9 records, and every record still read */
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	o.cursor = "s=" FIX_SID ";i=23c" FIX_REST;
	o.gap = on_gap;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, &cursor), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert(s.last.known);
	ck_assert(s.last.resumed);
	ck_assert_uint_eq(s.last.missing, 9);
	ck_assert_uint_eq(s.last.last_pos.seqnum, 0x23c);
	ck_assert_uint_eq(s.last.next_pos.seqnum, 0x246);
	ck_assert_str_eq(s.last.next_pos.seqnum_id, FIX_SID);
	ck_assert_uint_eq(s.last.last_pos.realtime, 0x661307d9bc000);
	ck_assert_ptr_nonnull(strstr(s.next, "i=246;"));
	ck_assert_uint_eq(s.c.records, all.records);
	free(cursor);
	cursor = NULL;
	collect_free(&s.c);

	/*
	 * told once: a scan stopped before it read anything returns a cursor of
	 * the gap's end, which names no entry; resuming from it tells nothing
	 * and reads every record (none skipped)
	 */
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	stop = 1;
	o.stop = &stop;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, &cursor), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(s.c.records, 0);
	ck_assert_str_eq(cursor, "s=" FIX_SID ";i=245;t=661307d9bcff9");
	collect_free(&s.c);
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	stop = 0;
	o.stop = NULL;
	o.cursor = cursor;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, NULL), 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(s.c.records, all.records);
	assert_same(&all, &s.c);
	free(cursor);
	cursor = NULL;
	collect_free(&s.c);

	/* the entry just before the first: nothing missing, nothing told */
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	o.cursor = "s=" FIX_SID ";i=245" FIX_REST;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, NULL), 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(s.c.records, all.records);
	collect_free(&s.c);

	/* another sequence, its entry gone: a gap of unknown size */
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	o.cursor = "s=11111111111111111111111111111111;i=5" FIX_REST;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, NULL), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert(!s.last.known);
	ck_assert_str_eq(s.last.next_pos.seqnum_id, FIX_SID);
	collect_free(&s.c);

	/* a real cursor: its entry is there, no gap; the rest read */
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	s.c.stop_after = 3;
	s.c.stop = &stop;
	memset(&o, 0, sizeof(o));
	o.stop = &stop;
	o.gap = on_gap;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, &mid), 0);
	collect_free(&s.c);
	collect_init(&s.c);
	o.cursor = mid;
	o.stop = NULL;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, NULL), 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_uint_eq(s.c.records, all.records - 3);
	collect_free(&s.c);

	/* the callback's error stops the scan, *ret_cursor untouched */
	collect_init(&s.c);
	o.cursor = "s=" FIX_SID ";i=23c" FIX_REST;
	o.gap = on_gap_fail;
	cursor = untouched;
	ck_assert_int_eq(scan_path(unit_data_path(JOURNAL), &o, &s.c, &cursor), -ECANCELED);
	ck_assert_str_eq(cursor, "untouched");
	ck_assert_uint_eq(s.c.records, 0);
	collect_free(&s.c);
	free(mid);
	collect_free(&all);
}
END_TEST

/*
 * A directory's files tracked across scans: the first scan records them,
 * the next tells a file added, one removed (with a gap if it held entries
 * after the cursor: here a copy of the fixture under another name does, as
 * sd-journal reads the same entries from both) and one renamed.
 */
START_TEST(test_files_tracked)
{
	char dir[] = "/tmp/scl-journal-XXXXXX", a[80], b[80], c[80], d[80], cmd[4300];
	scl_journal_files *fs = scl_journal_files_new();
	scl_journal_opts o = { 0 };
	struct gaps s;
	char *cursor = NULL;

	ck_assert_ptr_nonnull(fs);
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(a, sizeof(a), "%s/system.journal", dir);
	snprintf(b, sizeof(b), "%s/system@x.journal", dir);
	snprintf(c, sizeof(c), "%s/user-1000.journal", dir);
	snprintf(d, sizeof(d), "%s/user-1000@y.journal", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && cp '%s' '%s' && : >'%s/notes.txt'", unit_data_path(JOURNAL), a,
		 unit_data_path(JOURNAL), c, dir);
	ck_assert_int_eq(system(cmd), 0);

	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	o.files = fs;
	o.file_changed = on_file;
	o.gap = on_gap;
	o.tail = true;
	ck_assert_int_eq(scl_journal_scan_dir(dir, &ops, &s, &o, &cursor), 0);
	ck_assert_int_eq(s.added + s.removed + s.archived, 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_ptr_nonnull(cursor);

	/* rotated: system.journal archived as system@x, a new system.journal; user-1000 removed */
	ck_assert_int_eq(rename(a, b), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", unit_data_path(JOURNAL), a);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(unlink(c), 0);
	collect_free(&s.c);
	collect_init(&s.c);
	o.tail = false;
	o.cursor = cursor;
	ck_assert_int_eq(scl_journal_scan_dir(dir, &ops, &s, &o, NULL), 0);
	ck_assert_int_eq(s.archived, 1);
	ck_assert_int_eq(s.added, 1);
	ck_assert_int_eq(s.removed, 1);
	ck_assert_str_eq(s.removed_path, c);
	/* the tail entry is still there (in three files) and nothing after it: no gap */
	ck_assert_int_eq(s.n, 0);

	/* an archived name under the same inode is not a rename: removed and added */
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);
	ck_assert_int_eq(rename(b, d), 0);
	ck_assert_int_eq(scl_journal_scan_dir(dir, &ops, &s, &o, NULL), 0);
	ck_assert_int_eq(s.archived, 0);
	ck_assert_int_eq(s.added, 1);
	ck_assert_int_eq(s.removed, 1);
	ck_assert_str_eq(s.removed_path, b);
	collect_free(&s.c);

	free(cursor);
	scl_journal_files_free(fs);
	scl_journal_files_free(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
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
		"skip line over SCL_MAX_LINE (65536 bytes)",
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

/* ------------------------------------------ the step API (a caller's loop) */

/*
 * A step never waits: each is bounded by an alarm (SIGALRM kills the test
 * process, which Check reports as an error), and 20 steps with nothing new
 * must take less than STEP_BOUND_S together (a step that waited even a
 * second for inotify, as sd_journal_wait() does, would not).
 */
#define STEP_BOUND_S 5
#define STR_(x) #x
#define STR(x) STR_(x)

static void step_blocked(int sig)
{
	static const char m[] = "a journal step blocked (SIGALRM after " STR(STEP_BOUND_S) " s)\n";

	(void)sig;
	(void)!write(STDERR_FILENO, m, sizeof(m) - 1);
	_exit(3);
}

/* Check's own SIGALRM handler (inherited) would kill the test without a word */
static void alarm_arm(void)
{
	struct sigaction sa = { .sa_handler = step_blocked };

	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(STEP_BOUND_S);
}

static int step(scl_journal_follow *f)
{
	int r;

	alarm_arm();
	r = scl_journal_follow_step(f);
	alarm(0);
	return r;
}

static void assert_idle_steps_do_not_wait(scl_journal_follow *f)
{
	alarm_arm();
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(scl_journal_follow_step(f), SCL_JOURNAL_STEP_IDLE);
	alarm(0);
}

/* Step (polling the fd in between, as a caller's loop does) until want records or 20 s. */
static void step_until(scl_journal_follow *f, struct collect *c, size_t want)
{
	int fd = scl_journal_follow_fd(f);

	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 100 && c->records < want; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int t = scl_journal_follow_timeout(f), r;

		/* bounded here: a test waits on a condition, at most 200 ms a round */
		r = poll(&p, 1, t < 0 || t > 200 ? 200 : t);
		ck_assert_int_ge(r, 0);
		r = step(f);
		ck_assert_msg(r == SCL_JOURNAL_STEP_IDLE || r == SCL_JOURNAL_STEP_MORE, "step: %d", r);
	}
	ck_assert_uint_eq(c->records, want);
}

/* The fixture to its end without blocking: the same records as the whole-file read and the blocking scan. */
START_TEST(test_step_fixture)
{
	const char *paths[] = { unit_data_path(JOURNAL) };
	struct collect whole, stepped, scanned;
	scl_journal_opts o = { .follow = true };
	scl_journal_follow *f = NULL;
	char *cursor = NULL, *end = NULL;
	int r, n = 0, fd;

	collect_init(&whole);
	collect_init(&stepped);
	collect_init(&scanned);
	ck_assert_int_eq(scan_path(paths[0], NULL, &whole, NULL), 0);
	ck_assert_uint_gt(whole.records, 20);

	ck_assert_int_eq(scl_journal_follow_open(paths, 1, NULL, &ops, &stepped, &o, &f), 0);
	fd = scl_journal_follow_fd(f);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(scl_journal_follow_fd(f), fd);
	while ((r = step(f)) == SCL_JOURNAL_STEP_MORE)
		n++;
	ck_assert_int_eq(r, SCL_JOURNAL_STEP_IDLE);
	ck_assert_int_eq(n, 0); /* a few hundred entries: one step */
	assert_same(&whole, &stepped);
	ck_assert(stepped.index_monotonic);
	/* an archived file on a local file system: nothing but inotify to wait for */
	ck_assert_int_eq(scl_journal_follow_timeout(f), -1);
	/* nothing new: the fd stays quiet a while, and the steps read nothing */
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ck_assert_int_eq(poll(&p, 1, 100), 0);
	}
	assert_idle_steps_do_not_wait(f);
	ck_assert_uint_eq(stepped.records, whole.records);
	ck_assert_int_eq(scl_journal_follow_cursor(f, &cursor), 0);
	ck_assert_ptr_nonnull(cursor);
	scl_journal_follow_close(f);
	scl_journal_follow_close(NULL);

	/* the blocking scan (two names of the file: not read whole) gives the same, and the same cursor */
	{
		const char *twice[] = { paths[0], paths[0] };
		ck_assert_int_eq(scl_journal_scan_files(twice, 2, &ops, &scanned, NULL, &end), 0);
	}
	assert_same(&whole, &scanned);
	ck_assert_str_eq(cursor, end);
	free(end);

	/* without follow: to the end, then SCL_JOURNAL_STEP_END for good, timeout 0 */
	collect_free(&stepped);
	collect_init(&stepped);
	o.follow = false;
	ck_assert_int_eq(scl_journal_follow_open(paths, 1, NULL, &ops, &stepped, &o, &f), 0);
	ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_END);
	ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_END);
	ck_assert_int_eq(scl_journal_follow_timeout(f), 0);
	assert_same(&whole, &stepped);
	scl_journal_follow_close(f);

	/* resumed from the end's cursor: nothing more, the cursor kept */
	collect_free(&stepped);
	collect_init(&stepped);
	o.follow = true;
	o.cursor = cursor;
	ck_assert_int_eq(scl_journal_follow_open(paths, 1, NULL, &ops, &stepped, &o, &f), 0);
	ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_IDLE);
	ck_assert_uint_eq(stepped.records, 0);
	ck_assert_int_eq(scl_journal_follow_cursor(f, &end), 0);
	ck_assert_str_eq(end, cursor);
	free(end);
	scl_journal_follow_close(f);

	/* bad arguments */
	ck_assert_int_eq(scl_journal_follow_open(paths, 1, "dir", &ops, NULL, NULL, &f), -EINVAL);
	ck_assert_int_eq(scl_journal_follow_open(paths, 0, NULL, &ops, NULL, NULL, &f), -EINVAL);
	ck_assert_int_eq(scl_journal_follow_open((const char *[]){ "/nonexistent/x.journal" }, 1, NULL, &ops, NULL, NULL,
						 &f),
			 -ENOENT);
	ck_assert_int_eq(scl_journal_follow_step(NULL), -EINVAL);

	free(cursor);
	collect_free(&whole);
	collect_free(&stepped);
	collect_free(&scanned);
}
END_TEST

/* *stop ends the steps, for good. */
START_TEST(test_step_stop)
{
	const char *paths[] = { unit_data_path(JOURNAL) };
	volatile sig_atomic_t stop = 0;
	scl_journal_opts o = { .follow = true, .stop = &stop };
	scl_journal_follow *f = NULL;
	struct collect c;
	char *cursor = NULL;

	collect_init(&c);
	c.stop = &stop;
	c.stop_after = 3;
	ck_assert_int_eq(scl_journal_follow_open(paths, 1, NULL, &ops, &c, &o, &f), 0);
	ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_END);
	ck_assert_uint_eq(c.records, 3);
	stop = 0;
	ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_END);
	ck_assert_uint_eq(c.records, 3);
	ck_assert_int_eq(scl_journal_follow_cursor(f, &cursor), 0);
	ck_assert_ptr_nonnull(cursor);
	free(cursor);
	scl_journal_follow_close(f);
	collect_free(&c);
}
END_TEST

/* A journal-remote writing path, fed entries through the returned stream. */
static FILE *writer(const char *remote, const char *path)
{
	char cmd[1024];
	FILE *feed;

	snprintf(cmd, sizeof(cmd), "exec '%s' --output='%s' --split-mode=none - 2>/dev/null", remote, path);
	feed = popen(cmd, "w");
	ck_assert(feed != NULL);
	return feed;
}

static void wait_file(const char *path)
{
	struct stat st;
	int i;

	for (i = 0; i < 200 && (stat(path, &st) < 0 || st.st_size == 0); i++)
		usleep(50000);
	ck_assert_msg(i < 200, "journal-remote did not create %s", path);
}

/*
 * A directory followed in steps while journal-remote writes it: an entry
 * appended between steps is read; a rotation (the file renamed to an
 * archived name, a new one started) is told as archived + added, and the
 * new file's entries are read; a vacuum (the archived file deleted) as
 * removed.
 */
START_TEST(test_step_append_rotate)
{
	const char *remote = journal_remote();
	char dir[] = "/tmp/scl-journal-XXXXXX", live[256], archived[300], cmd[600];
	scl_journal_files *fs = scl_journal_files_new();
	scl_journal_opts o = { 0 };
	scl_journal_follow *f = NULL;
	struct gaps s;
	FILE *feed;

	if (!remote) {
		fprintf(stderr, "test_step_append_rotate: systemd-journal-remote not installed, skipped\n");
		scl_journal_files_free(fs);
		return;
	}
	ck_assert_ptr_nonnull(fs);
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(live, sizeof(live), "%s/system.journal", dir);
	snprintf(archived, sizeof(archived), "%s/system@0123456789abcdef0123456789abcdef-0000000000000001-0005f0000000000.journal",
		 dir);
	memset(&s, 0, sizeof(s));
	collect_init(&s.c);

	feed = writer(remote, live);
	put_entry(feed, 1795707650000000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "700" },
					{ "MESSAGE", "SECCOMP " BODY(30) }));
	fflush(feed);
	wait_file(live);

	o.follow = true;
	o.files = fs;
	o.file_changed = on_file;
	o.gap = on_gap;
	ck_assert_int_eq(scl_journal_follow_open(NULL, 0, dir, &ops, &s, &o, &f), 0);
	step_until(f, &s.c, 1);
	ck_assert_ptr_nonnull(strstr(s.c.v[0], "syscall=30 "));

	/* appended between steps */
	put_entry(feed, 1795707651000000, E({ "_TRANSPORT", "kernel" },
					{ "MESSAGE", "audit: type=1326 audit(1795707651.000:701): " BODY(31) }));
	fflush(feed);
	step_until(f, &s.c, 2);
	ck_assert_ptr_nonnull(strstr(s.c.v[1], "syscall=31 "));
	ck_assert_int_eq(pclose(feed), 0);
	ck_assert_int_eq(s.added + s.removed + s.archived, 0);

	/* rotated: archived under journald's name for it, a new file started */
	ck_assert_int_eq(rename(live, archived), 0);
	feed = writer(remote, live);
	put_entry(feed, 1795707652000000, E({ "_TRANSPORT", "audit" }, { "_AUDIT_TYPE", "1326" }, { "_AUDIT_ID", "702" },
					{ "MESSAGE", "SECCOMP " BODY(32) }));
	fflush(feed);
	wait_file(live);
	step_until(f, &s.c, 3);
	ck_assert_ptr_nonnull(strstr(s.c.v[2], "syscall=32 "));
	/* the inotify events may come over more than one step: a few more rounds to hear them all */
	for (int i = 0; i < 50 && (s.archived < 1 || s.added < 1); i++) {
		usleep(20000);
		ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_IDLE);
	}
	ck_assert_int_eq(s.archived, 1);
	ck_assert_int_eq(s.added, 1);
	ck_assert_int_eq(s.removed, 0);
	ck_assert_int_eq(s.n, 0);
	ck_assert_int_eq(pclose(feed), 0);

	/* vacuumed: the archived file deleted, its entries all read */
	ck_assert_int_eq(unlink(archived), 0);
	for (int i = 0; i < 100 && s.removed < 1; i++) {
		struct pollfd p = { .fd = scl_journal_follow_fd(f), .events = POLLIN };
		ck_assert_int_ge(poll(&p, 1, 200), 0);
		ck_assert_int_eq(step(f), SCL_JOURNAL_STEP_IDLE);
	}
	ck_assert_int_eq(s.removed, 1);
	ck_assert_str_eq(s.removed_path, archived);
	ck_assert_uint_eq(s.c.records, 3);
	assert_idle_steps_do_not_wait(f);

	scl_journal_follow_close(f);
	scl_journal_files_free(fs);
	collect_free(&s.c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
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
	tcase_add_loop_test(tc, test_damaged, 0, sizeof(damage_cases) / sizeof(damage_cases[0]));
	tcase_add_loop_test(tc, test_entry_fields, 0, sizeof(entry_cases) / sizeof(entry_cases[0]));
	tcase_add_test(tc, test_entry_too_long);
	tcase_add_test(tc, test_crafted);
	tcase_add_test(tc, test_follow);
	tcase_add_test(tc, test_follow_idle_error);
	tcase_add_test(tc, test_system);
	tcase_add_test(tc, test_step_fixture);
	tcase_add_test(tc, test_step_stop);
	tcase_add_test(tc, test_step_append_rotate);
	tcase_add_loop_test(tc, test_cursor_pos, 0, sizeof(cursor_cases) / sizeof(cursor_cases[0]));
	tcase_add_test(tc, test_cursor_pos_limits);
	tcase_add_test(tc, test_pos_gap);
	tcase_add_test(tc, test_resume_gap);
	tcase_add_test(tc, test_files_tracked);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
