/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <strings.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/output.h"
#include "unit-util.h"

/* ------------------------------------------------------------ sanitiser */

#define HASHED true
#define KEPT false

static const struct san_case {
	const char *in;
	size_t n;           /* 0: strlen(in) */
	bool hashed;
	const char *prefix; /* the body before "-XXXXXXXX", or the whole result when KEPT */
} san_cases[] = {
	{ "nginx", 0, KEPT, "nginx" },
	{ "a_b", 0, KEPT, "a_b" },
	{ "libc.so.6", 0, KEPT, "libc.so.6" },
	{ "x-1.2_3", 0, KEPT, "x-1.2_3" },
	{ "a/b", 0, HASHED, "a_b" },
	{ "../../etc/x", 0, HASHED, "_._.._etc_x" },
	{ "/", 0, HASHED, "_" },
	{ "/usr/bin/python3", 0, HASHED, "_usr_bin_python3" },
	{ "a\0b", 3, HASHED, "a_b" },
	{ "a\nb", 0, HASHED, "a_b" },
	{ "tab\there", 0, HASHED, "tab_here" },
	{ ".hidden", 0, HASHED, "_hidden" },
	{ ".", 0, HASHED, "_" },
	{ "..", 0, HASHED, "_." },
	{ "", 0, HASHED, "_" },
	{ "Foo", 0, HASHED, "Foo" },
	{ "foo", 0, KEPT, "foo" },
	{ "caf\xc3\xa9", 0, HASHED, "caf__" },
	{ "abc-12345678", 0, HASHED, "abc-12345678" },  /* looks hashed already */
	{ "abc-1234567g", 0, KEPT, "abc-1234567g" },
	{ "abc-ABCDEF12", 0, HASHED, "abc-ABCDEF12" },   /* upper case */
	{ "a b", 0, HASHED, "a_b" },
	{ "$(reboot)", 0, HASHED, "__reboot_" },
};

static bool allowed_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '-';
}

static void check_safe(const char *out, int len)
{
	ck_assert_int_gt(len, 0);
	ck_assert_int_le(len, SCL_MAX_FILE_NAME);
	ck_assert_uint_eq(strlen(out), (size_t)len);
	ck_assert(out[0] != '.');
	for (int i = 0; i < len; i++)
		ck_assert_msg(allowed_char(out[i]), "bad char 0x%02x in '%s'", (unsigned char)out[i], out);
}

static bool has_hash_suffix(const char *out, size_t len)
{
	if (len < SCL_FILENAME_HASH_LEN || out[len - SCL_FILENAME_HASH_LEN] != '-')
		return false;
	for (size_t i = len - SCL_FILENAME_HASH_LEN + 1; i < len; i++)
		if (!((out[i] >= '0' && out[i] <= '9') || (out[i] >= 'a' && out[i] <= 'f')))
			return false;
	return true;
}

START_TEST(test_sanitize)
{
	const struct san_case *t = &san_cases[_i];
	size_t n = t->n ? t->n : strlen(t->in);
	char out[SCL_MAX_FILE_NAME + 1], again[SCL_MAX_FILE_NAME + 1];
	int len = scl_sanitize_filename(t->in, n, out, sizeof(out));

	check_safe(out, len);
	if (t->hashed) {
		ck_assert_msg(has_hash_suffix(out, (size_t)len), "case %d: '%s' lacks a hash", _i, out);
		ck_assert_uint_eq((size_t)len, strlen(t->prefix) + SCL_FILENAME_HASH_LEN);
		ck_assert_msg(!strncmp(out, t->prefix, strlen(t->prefix)), "case %d: '%s'", _i, out);
	} else {
		ck_assert_str_eq(out, t->prefix);
	}
	/* Deterministic. */
	ck_assert_int_eq(scl_sanitize_filename(t->in, n, again, sizeof(again)), len);
	ck_assert_str_eq(out, again);
}
END_TEST

/* Pairs of inputs that must not give the same file name. */
static const struct pair {
	const char *a, *b;
} distinct_pairs[] = {
	{ "a/b", "a_b" },
	{ "Foo", "foo" },
	{ "FOO", "foo" },
	{ "a/b", "a\\b" },
	{ "x y", "x\ty" },
	{ ".a", "_a" },
	{ "", "_" },
	{ "abc-12345678", "abc" },
};

START_TEST(test_sanitize_distinct)
{
	const struct pair *t = &distinct_pairs[_i];
	char a[SCL_MAX_FILE_NAME + 1], b[SCL_MAX_FILE_NAME + 1];

	ck_assert_int_gt(scl_sanitize_filename(t->a, strlen(t->a), a, sizeof(a)), 0);
	ck_assert_int_gt(scl_sanitize_filename(t->b, strlen(t->b), b, sizeof(b)), 0);
	ck_assert_msg(strcasecmp(a, b) != 0, "'%s' and '%s' collide (case-insensitively)", a, b);
}
END_TEST

START_TEST(test_sanitize_long)
{
	char in1[300], in2[300], o1[SCL_MAX_FILE_NAME + 1], o2[SCL_MAX_FILE_NAME + 1];
	int l1, l2;

	memset(in1, 'a', sizeof(in1));
	memcpy(in2, in1, sizeof(in2));
	in2[299] = 'b';
	l1 = scl_sanitize_filename(in1, sizeof(in1), o1, sizeof(o1));
	l2 = scl_sanitize_filename(in2, sizeof(in2), o2, sizeof(o2));
	check_safe(o1, l1);
	check_safe(o2, l2);
	ck_assert_int_eq(l1, SCL_MAX_FILE_NAME);
	ck_assert(has_hash_suffix(o1, (size_t)l1));
	ck_assert_str_ne(o1, o2);

	/* Exactly at the limit is kept; one more is cut and hashed. */
	memset(in1, 'c', SCL_MAX_FILE_NAME + 1);
	l1 = scl_sanitize_filename(in1, SCL_MAX_FILE_NAME, o1, sizeof(o1));
	ck_assert_int_eq(l1, SCL_MAX_FILE_NAME);
	ck_assert(!has_hash_suffix(o1, (size_t)l1));
	l1 = scl_sanitize_filename(in1, SCL_MAX_FILE_NAME + 1, o1, sizeof(o1));
	ck_assert_int_eq(l1, SCL_MAX_FILE_NAME);
	ck_assert(has_hash_suffix(o1, (size_t)l1));
}
END_TEST

START_TEST(test_sanitize_small_buffer)
{
	char out[8];

	memcpy(out, "XXXXXXX", 8);
	ck_assert_int_eq(scl_sanitize_filename("abcdefgh", 8, out, sizeof(out)), -ENOBUFS);
	ck_assert_str_eq(out, "XXXXXXX");
	ck_assert_int_eq(scl_sanitize_filename("abcdefg", 7, out, sizeof(out)), 7);
	ck_assert_int_eq(scl_sanitize_filename("a/b", 3, out, sizeof(out)), -ENOBUFS);
}
END_TEST

/* Alternative names (scl_sanitize_filename_alt): for every case above, attempt 0 is the name itself. */
START_TEST(test_sanitize_alt)
{
	const struct san_case *t = &san_cases[_i];
	size_t n = t->n ? t->n : strlen(t->in);
	char name[SCL_MAX_FILE_NAME + 1], alt[4][SCL_MAX_FILE_NAME + 1], again[SCL_MAX_FILE_NAME + 1];
	int len = scl_sanitize_filename(t->in, n, name, sizeof(name));

	ck_assert_int_eq(scl_sanitize_filename_alt(t->in, n, 0, alt[0], sizeof(alt[0])), len);
	ck_assert_str_eq(alt[0], name);
	for (unsigned k = 1; k < 4; k++) {
		int l = scl_sanitize_filename_alt(t->in, n, k, alt[k], sizeof(alt[k]));

		check_safe(alt[k], l);
		/* the name, and another hash of the same input */
		ck_assert_int_eq(l, len + SCL_FILENAME_HASH_LEN);
		ck_assert(!strncmp(alt[k], name, (size_t)len));
		ck_assert(has_hash_suffix(alt[k], (size_t)l));
		for (unsigned j = 0; j < k; j++)
			ck_assert_msg(strcasecmp(alt[k], alt[j]), "case %d: attempts %u and %u give '%s'", _i, j, k,
				      alt[k]);
		/* it depends on the input and the attempt only */
		ck_assert_int_eq(scl_sanitize_filename_alt(t->in, n, k, again, sizeof(again)), l);
		ck_assert_str_eq(again, alt[k]);
	}
}
END_TEST

START_TEST(test_sanitize_alt_collision)
{
	/* Two inputs whose names collide (found by search, also in tests/cli/test-build.sh). */
	char a[SCL_MAX_FILE_NAME + 1], b[SCL_MAX_FILE_NAME + 1], in[300];
	int la, lb;

	ck_assert_int_gt(scl_sanitize_filename_alt("c\x92\xda\xed", 4, 0, a, sizeof(a)), 0);
	ck_assert_int_gt(scl_sanitize_filename_alt("c\xb1\x90\x80", 4, 0, b, sizeof(b)), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_gt(scl_sanitize_filename_alt("c\x92\xda\xed", 4, 1, a, sizeof(a)), 0);
	ck_assert_int_gt(scl_sanitize_filename_alt("c\xb1\x90\x80", 4, 1, b, sizeof(b)), 0);
	ck_assert_str_ne(a, b);

	/* long names stay within SCL_MAX_FILE_NAME: the body is cut for the second hash */
	memset(in, 'a', sizeof(in));
	la = scl_sanitize_filename_alt(in, sizeof(in), 1, a, sizeof(a));
	lb = scl_sanitize_filename_alt(in, SCL_MAX_FILE_NAME, 1, b, sizeof(b));
	check_safe(a, la);
	check_safe(b, lb);
	ck_assert_int_eq(la, SCL_MAX_FILE_NAME);
	ck_assert_int_eq(lb, SCL_MAX_FILE_NAME);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(scl_sanitize_filename_alt("x", 1, 1, a, SCL_FILENAME_HASH_LEN + 1), -ENOBUFS);
}
END_TEST

/* ------------------------------------------------------------ atomic writes */

static char tmpdir[64];

static void setup_dir(void)
{
	strcpy(tmpdir, "/tmp/scl-test-output.XXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
}

static void teardown_dir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int dfd;

	if (!d)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dfd, e->d_name, 0) < 0)
			(void)unlinkat(dfd, e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	rmdir(tmpdir);
}

static char *path_in(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

static char *slurp(const char *name)
{
	static char buf[4096];
	FILE *f = fopen(path_in(name), "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void put(const char *name, const char *content)
{
	FILE *f = fopen(path_in(name), "w");

	ck_assert(f != NULL);
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Number of directory entries other than . and .. */
static int entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

struct writer {
	const char *text;
	int ret;       /* what the callback returns after writing text */
};

static int write_fn(FILE *f, void *userdata)
{
	const struct writer *w = userdata;

	fputs(w->text, f);
	return w->ret;
}

START_TEST(test_atomic_new_and_replace)
{
	struct writer w = { "first\n", 0 };
	int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(scl_write_atomic(dfd, "p.json", write_fn, &w, 0600), 0);
	ck_assert_str_eq(slurp("p.json"), "first\n");
	ck_assert_int_eq(stat(path_in("p.json"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0077, 0);
	w.text = "second\n";
	ck_assert_int_eq(scl_write_atomic(dfd, "p.json", write_fn, &w, 0644), 0);
	ck_assert_str_eq(slurp("p.json"), "second\n");
	ck_assert_int_eq(entries(), 1);
	close(dfd);
}
END_TEST

/* The callback fails: the old file is intact and no temporary file is left. */
static const int fail_codes[] = { -EIO, -ENOMEM, -EINVAL, -EOPNOTSUPP };

START_TEST(test_atomic_callback_fails)
{
	struct writer w = { "half a profile", fail_codes[_i] };

	put("p.json", "old\n");
	ck_assert_int_eq(scl_write_atomic(AT_FDCWD, path_in("p.json"), write_fn, &w, 0644), -EINVAL);
	ck_assert_int_eq(scl_write_atomic_path(path_in("p.json"), write_fn, &w, 0644), fail_codes[_i]);
	ck_assert_str_eq(slurp("p.json"), "old\n");
	ck_assert_int_eq(entries(), 1);
	/* Same for a file that did not exist: nothing is created. */
	ck_assert_int_eq(scl_write_atomic_path(path_in("new.json"), write_fn, &w, 0644), fail_codes[_i]);
	ck_assert_int_eq(entries(), 1);
}
END_TEST

START_TEST(test_atomic_symlink_refused)
{
	struct writer w = { "evil\n", 0 };

	put("target", "precious\n");
	ck_assert_int_eq(symlink("target", path_in("link.json")), 0);
	ck_assert_int_eq(scl_write_atomic_path(path_in("link.json"), write_fn, &w, 0644), -ELOOP);
	ck_assert_str_eq(slurp("target"), "precious\n");
	/* A dangling link too. */
	ck_assert_int_eq(symlink("/nonexistent/x", path_in("dangling.json")), 0);
	ck_assert_int_eq(scl_write_atomic_path(path_in("dangling.json"), write_fn, &w, 0644), -ELOOP);
	ck_assert_int_eq(entries(), 3);
}
END_TEST

START_TEST(test_atomic_not_regular)
{
	struct writer w = { "x\n", 0 };

	ck_assert_int_eq(mkdir(path_in("dir"), 0755), 0);
	ck_assert_int_eq(scl_write_atomic_path(path_in("dir"), write_fn, &w, 0644), -EISDIR);
	ck_assert_int_eq(mkfifo(path_in("fifo"), 0644), 0);
	ck_assert_int_eq(scl_write_atomic_path(path_in("fifo"), write_fn, &w, 0644), -EINVAL);
	ck_assert_int_eq(entries(), 2);
}
END_TEST

static const struct bad_name {
	const char *name;
	int err;
} bad_names[] = {
	{ "", -EINVAL },
	{ ".", -EINVAL },
	{ "..", -EINVAL },
	{ "a/b", -EINVAL },
	{ "/etc/passwd", -EINVAL },
};

START_TEST(test_atomic_bad_name)
{
	struct writer w = { "x\n", 0 };
	int dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_eq(scl_write_atomic(dfd, bad_names[_i].name, write_fn, &w, 0644), bad_names[_i].err);
	ck_assert_int_eq(entries(), 0);
	close(dfd);
}
END_TEST

START_TEST(test_atomic_path)
{
	struct writer w = { "x\n", 0 };
	char longname[256], p[512];

	ck_assert_int_eq(scl_write_atomic_path(path_in("missing/p.json"), write_fn, &w, 0644), -ENOENT);
	ck_assert_int_eq(scl_write_atomic_path(path_in("p/"), write_fn, &w, 0644), -EISDIR);
	ck_assert_int_eq(scl_write_atomic_path("", write_fn, &w, 0644), -EINVAL);
	memset(longname, 'n', 250);
	longname[250] = '\0';
	snprintf(p, sizeof(p), "%s/%s", tmpdir, longname);
	ck_assert_int_eq(scl_write_atomic_path(p, write_fn, &w, 0644), -ENAMETOOLONG);
	ck_assert_int_eq(mkdir(path_in("sub"), 0755), 0);
	ck_assert_int_eq(scl_write_atomic_path(path_in("sub/q.json"), write_fn, &w, 0644), 0);
	ck_assert_str_eq(slurp("sub/q.json"), "x\n");
	ck_assert_int_eq(unlink(path_in("sub/q.json")), 0);
}
END_TEST

/* A replaced file keeps its mode (whatever the umask) and, as root, its owner; a new one gets mode minus the umask. */
static const struct mode_case {
	mode_t old, umask_, arg, want;
} mode_cases[] = {
	{ 0600, 022, 0644, 0600 },
	{ 0664, 022, 0644, 0664 },
	{ 0444, 022, 0644, 0444 },
	{ 0640, 077, 0644, 0640 },
	{ 0, 022, 0644, 0644 },  /* no old file */
	{ 0, 077, 0644, 0600 },
};

START_TEST(test_atomic_keeps_mode_owner)
{
	const struct mode_case *c = &mode_cases[_i];
	struct writer w = { "new\n", 0 };
	mode_t um;
	struct stat st;
	int r;

	if (c->old) {
		put("p.json", "old\n");
		ck_assert_int_eq(chmod(path_in("p.json"), c->old), 0);
		if (geteuid() == 0)
			ck_assert_int_eq(chown(path_in("p.json"), 4321, 4322), 0);
	}
	um = umask(c->umask_);
	r = scl_write_atomic_path(path_in("p.json"), write_fn, &w, c->arg);
	umask(um);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(slurp("p.json"), "new\n");
	ck_assert_int_eq(stat(path_in("p.json"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, c->want);
	if (c->old && geteuid() == 0) {
		ck_assert_uint_eq(st.st_uid, 4321);
		ck_assert_uint_eq(st.st_gid, 4322);
	} else {
		ck_assert_uint_eq(st.st_uid, geteuid());
	}
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* Two files prepared and committed together: both in place. */
START_TEST(test_commit_both)
{
	struct writer w1 = { "profile\n", 0 }, w2 = { "stats\n", 0 };
	scl_atomic_file f[2];

	put("p.json", "old profile\n");
	ck_assert_int_eq(scl_write_prepare_path(path_in("p.json"), write_fn, &w1, 0644, &f[0]), 0);
	ck_assert_int_eq(scl_write_prepare_path(path_in("s.json"), write_fn, &w2, 0644, &f[1]), 0);
	ck_assert_str_eq(slurp("p.json"), "old profile\n");
	ck_assert_int_eq(entries(), 3); /* p.json and two temporary files */
	ck_assert_int_eq(scl_write_commit(f, 2, NULL), 0);
	ck_assert_int_eq(f[0].in_place, 1);
	ck_assert_int_eq(f[1].in_place, 1);
	ck_assert_str_eq(slurp("p.json"), "profile\n");
	ck_assert_str_eq(slurp("s.json"), "stats\n");
	ck_assert_int_eq(entries(), 2);
}
END_TEST

/*
 * The second rename fails (its name became a directory after the files were
 * written): the first file gets its old content back, or is removed again
 * when it did not exist; no temporary file is left.
 */
START_TEST(test_commit_neither)
{
	struct writer w1 = { "profile\n", 0 }, w2 = { "stats\n", 0 };
	bool existed = _i == 0;
	scl_atomic_file f[2];
	size_t failed = 99;

	if (existed)
		put("p.json", "old profile\n");
	ck_assert_int_eq(scl_write_prepare_path(path_in("p.json"), write_fn, &w1, 0644, &f[0]), 0);
	ck_assert_int_eq(scl_write_prepare_path(path_in("s.json"), write_fn, &w2, 0644, &f[1]), 0);
	ck_assert_int_eq(mkdir(path_in("s.json"), 0755), 0);
	ck_assert_int_eq(scl_write_commit(f, 2, &failed), -EISDIR);
	ck_assert_uint_eq(failed, 1);
	ck_assert_int_eq(f[0].in_place, 0);
	ck_assert_int_eq(f[1].in_place, 0);
	if (existed)
		ck_assert_str_eq(slurp("p.json"), "old profile\n");
	else
		ck_assert_int_eq(access(path_in("p.json"), F_OK), -1);
	ck_assert_int_eq(entries(), existed ? 2 : 1);
	ck_assert_int_eq(rmdir(path_in("s.json")), 0);
}
END_TEST

/*
 * A file system (or a seccomp filter) without renameat2: the old content is
 * kept through a hard link instead, and put back when the second file fails.
 * In a child, under a filter that makes renameat2 fail with EINVAL.
 */
static int no_exchange_child(bool second_fails)
{
	struct writer w1 = { "profile\n", 0 }, w2 = { "stats\n", 0 };
	scl_atomic_file f[2];
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	const char *p;

	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL), SCMP_SYS(renameat2), 0) < 0 ||
	    seccomp_load(ctx) < 0)
		return 10;
	seccomp_release(ctx);
	put("p.json", "old profile\n");
	if (scl_write_prepare_path(path_in("p.json"), write_fn, &w1, 0644, &f[0]) < 0 ||
	    scl_write_prepare_path(path_in("s.json"), write_fn, &w2, 0644, &f[1]) < 0)
		return 11;
	if (second_fails && mkdir(path_in("s.json"), 0755) < 0)
		return 12;
	if (scl_write_commit(f, 2, NULL) != (second_fails ? -EISDIR : 0))
		return 13;
	p = slurp("p.json");
	if (!p || strcmp(p, second_fails ? "old profile\n" : "profile\n"))
		return 14;
	if (f[0].in_place != !second_fails || f[1].in_place != !second_fails)
		return 15;
	if (!second_fails && (!slurp("s.json") || strcmp(slurp("s.json"), "stats\n")))
		return 16;
	if (entries() != 2) /* p.json and s.json: no backup, no temporary file */
		return 17;
	return 0;
}

START_TEST(test_commit_no_exchange)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(no_exchange_child(_i == 1));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	if (_i == 1)
		ck_assert_int_eq(rmdir(path_in("s.json")), 0);
}
END_TEST

/* An aborted prepared file leaves nothing; abort of a released or zeroed one does nothing. */
START_TEST(test_prepare_abort)
{
	struct writer w = { "x\n", 0 };
	scl_atomic_file f, z;
	int fd0 = fcntl(0, F_GETFD);

	memset(&z, 0, sizeof(z));
	put("p.json", "old\n");
	ck_assert_int_eq(scl_write_prepare_path(path_in("p.json"), write_fn, &w, 0644, &f), 0);
	ck_assert_int_eq(entries(), 2);
	scl_write_abort(&f);
	scl_write_abort(&f);
	scl_write_abort(&z);
	scl_write_abort(NULL);
	ck_assert_int_eq(fcntl(0, F_GETFD), fd0); /* a zeroed one's dirfd 0 was not closed */
	ck_assert_str_eq(slurp("p.json"), "old\n");
	ck_assert_int_eq(entries(), 1);
	w.ret = -EIO;
	memset(&f, 0x55, sizeof(f));
	ck_assert_int_eq(scl_write_prepare_path(path_in("p.json"), write_fn, &w, 0644, &f), -EIO);
	ck_assert_int_eq(f.state, 0x55555555); /* untouched on failure */
	ck_assert_int_eq(entries(), 1);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("sanitize");

	tcase_add_loop_test(tc, test_sanitize, 0, (int)(sizeof(san_cases) / sizeof(san_cases[0])));
	tcase_add_loop_test(tc, test_sanitize_distinct, 0,
			    (int)(sizeof(distinct_pairs) / sizeof(distinct_pairs[0])));
	tcase_add_test(tc, test_sanitize_long);
	tcase_add_test(tc, test_sanitize_small_buffer);
	tcase_add_loop_test(tc, test_sanitize_alt, 0, (int)(sizeof(san_cases) / sizeof(san_cases[0])));
	tcase_add_test(tc, test_sanitize_alt_collision);
	suite_add_tcase(s, tc);

	tc = tcase_create("atomic");
	tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
	tcase_add_test(tc, test_atomic_new_and_replace);
	tcase_add_loop_test(tc, test_atomic_callback_fails, 0,
			    (int)(sizeof(fail_codes) / sizeof(fail_codes[0])));
	tcase_add_test(tc, test_atomic_symlink_refused);
	tcase_add_test(tc, test_atomic_not_regular);
	tcase_add_loop_test(tc, test_atomic_bad_name, 0, (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, test_atomic_path);
	tcase_add_loop_test(tc, test_atomic_keeps_mode_owner, 0, (int)(sizeof(mode_cases) / sizeof(mode_cases[0])));
	tcase_add_test(tc, test_commit_both);
	tcase_add_loop_test(tc, test_commit_neither, 0, 2);
	tcase_add_loop_test(tc, test_commit_no_exchange, 0, 2);
	tcase_add_test(tc, test_prepare_abort);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(output_suite());
}
