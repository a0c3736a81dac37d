/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/outdir.h"
#include "scmplog/output.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "lib/util.h"
#include "unit-util.h"

#define _cleanup_outdir_ _cleanup_(scl_outdir_freep)

static char tmpdir[64];

static void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		(void)unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		char sub[512];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(sub);
		else
			(void)unlink(sub);
	}
	closedir(d);
	(void)rmdir(path);
}

static void setup_dir(void)
{
	strcpy(tmpdir, "/tmp/scl-test-outdir.XXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
}

static void teardown_dir(void)
{
	rm_tree(tmpdir);
}

static const char *path_in(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

/* Directory entries other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *ret_n)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	ck_assert(f != NULL && buf != NULL);
	n = fread(buf, 1, 65535, f);
	fclose(f);
	if (ret_n)
		*ret_n = n;
	return buf;
}

static scl_outdir *open_dir(const char *ext)
{
	scl_outdir *d = NULL;

	ck_assert_int_eq(scl_outdir_open(tmpdir, ext, &d), 0);
	ck_assert(d != NULL);
	return d;
}

static scl_profile *small_profile(void)
{
	scl_profile *p = NULL;

	ck_assert_int_eq(scl_profile_new(&p), 0);
	ck_assert_int_ge(scl_profile_add_arch(p, 0xc000003eU), 0);
	ck_assert_int_ge(scl_profile_allow(p, "read", 3), 0);
	ck_assert_int_ge(scl_profile_allow(p, "write", 1), 0);
	ck_assert_int_ge(scl_profile_allow(p, "openat", 2), 0);
	return p;
}

/* ------------------------------------------------------------ open */

START_TEST(test_open_creates)
{
	char sub[512];
	scl_outdir *d = NULL;
	struct stat st;
	mode_t um = umask(022);

	snprintf(sub, sizeof(sub), "%s/new.d", tmpdir);
	ck_assert_int_eq(scl_outdir_open(sub, NULL, &d), 0);
	umask(um);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0755);
	ck_assert_str_eq(scl_outdir_path(d), sub);
	ck_assert_int_ge(scl_outdir_fd(d), 0);
	ck_assert_int_eq(fcntl(scl_outdir_fd(d), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	scl_outdir_free(d);
	/* an existing one is opened as it is */
	ck_assert_int_eq(scl_outdir_open(sub, NULL, &d), 0);
	scl_outdir_free(d);
	scl_outdir_free(NULL);
}
END_TEST

START_TEST(test_open_refuses_symlink)
{
	char real[512], link[512];
	scl_outdir *d = (scl_outdir *)(uintptr_t)1;

	snprintf(real, sizeof(real), "%s/real", tmpdir);
	snprintf(link, sizeof(link), "%s/link", tmpdir);
	ck_assert_int_eq(mkdir(real, 0755), 0);
	ck_assert_int_eq(symlink("real", link), 0);
	ck_assert_int_eq(scl_outdir_open(link, NULL, &d), -ELOOP);
	ck_assert(d == (scl_outdir *)(uintptr_t)1); /* untouched */
	/* a trailing slash would resolve it: refused the same */
	strcat(link, "//");
	ck_assert_int_eq(scl_outdir_open(link, NULL, &d), -ELOOP);
	strcat(real, "/");
	ck_assert_int_eq(scl_outdir_open(real, NULL, &d), 0);
	scl_outdir_free(d);
	/* a dangling link is not followed to create its target either */
	ck_assert_int_eq(symlink("nowhere", path_in("dangling")), 0);
	ck_assert_int_eq(scl_outdir_open(path_in("dangling"), NULL, &d), -ELOOP);
	ck_assert_int_eq(access(path_in("nowhere"), F_OK), -1);
	/* a file is not a directory */
	ck_assert_int_eq(close(open(path_in("file"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
	ck_assert_int_eq(scl_outdir_open(path_in("file"), NULL, &d), -ENOTDIR);
	ck_assert_int_eq(scl_outdir_open("", NULL, &d), -EINVAL);
}
END_TEST

/* ------------------------------------------------------------ names */

static const struct name_case {
	const char *key;
	size_t n; /* 0: strlen(key) */
} name_cases[] = {
	{ "nginx", 0 }, { "../../etc/passwd", 0 }, { ".hidden", 0 }, { "..", 0 }, { "", 0 },
	{ "a\0b", 3 },  { "Node1", 0 },            { "tab\there", 0 }, { "x-12345678", 0 },
};

/* Every key's name is the sanitiser's, safe, and the same key gets the same file. */
START_TEST(test_name_sanitised)
{
	const struct name_case *c = &name_cases[_i];
	size_t n = c->n ? c->n : strlen(c->key), kn;
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	char want[SCL_MAX_FILE_NAME + 1];
	scl_outdir_name nm, again;
	const char *base, *key;

	ck_assert_int_ge(scl_sanitize_filename(c->key, n, want, sizeof(want)), 1);
	ck_assert_int_eq(scl_outdir_file(d, c->key, n, &nm), 0);
	ck_assert(nm.is_new);
	ck_assert(!nm.collision && !nm.resumed_alt);
	base = scl_outdir_base(d, nm.index);
	ck_assert_str_eq(base, want);
	ck_assert(base[0] != '.' && !strchr(base, '/'));
	key = scl_outdir_key(d, nm.index, &kn);
	ck_assert_uint_eq(kn, n);
	ck_assert(n == 0 || memcmp(key, c->key, n) == 0);
	ck_assert_int_eq(scl_outdir_find(d, c->key, n), (long)nm.index);
	ck_assert_int_eq(scl_outdir_file(d, c->key, n, &again), 0);
	ck_assert(!again.is_new);
	ck_assert_uint_eq(again.index, nm.index);
	ck_assert_uint_eq(scl_outdir_count(d), 1);
	ck_assert_int_eq(scl_outdir_find(d, "other", 5), -1);
	ck_assert(scl_outdir_base(d, 1) == NULL);
}
END_TEST

/* two keys whose sanitised names share the 32-bit hash (both "c___-feb1ae8f", see tests/cli/test-build.sh) */
static const char coll_a[] = "c\x92\xda\xed";
static const char coll_b[] = "c\xb1\x90\x80";
/* two keys whose sanitised names, upper case hashed, differ only in case (found by search) */
static const char case_a[] = "/AbCdeFgHIJklmnOPqRStuvwxYZabcdEfgHiJKlmn";
static const char case_b[] = "/ABCDEFGhijkLMnOpQRSTuVWXYzAbCdeFghIJKlmN";

static void alt_name(const char *key, unsigned attempt, char *out)
{
	ck_assert_int_gt(scl_sanitize_filename_alt(key, strlen(key), attempt, out, SCL_MAX_FILE_NAME + 1), 0);
}

START_TEST(test_name_hash_collision)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	char plain[SCL_MAX_FILE_NAME + 1], alt[SCL_MAX_FILE_NAME + 1];
	scl_outdir_name a, b;

	alt_name(coll_a, 0, plain);
	alt_name(coll_b, 0, alt);
	ck_assert_str_eq(plain, alt); /* the fixture collides */
	ck_assert_str_eq(plain, "c___-feb1ae8f");
	ck_assert_int_eq(scl_outdir_file(d, coll_a, strlen(coll_a), &a), 0);
	ck_assert(a.is_new && !a.collision);
	ck_assert_str_eq(scl_outdir_base(d, a.index), plain);
	ck_assert_int_eq(scl_outdir_file(d, coll_b, strlen(coll_b), &b), 0);
	ck_assert(b.is_new && b.collision && !b.case_only && !b.resumed_alt);
	ck_assert_uint_eq(b.other, a.index);
	ck_assert_str_eq(b.taken, plain);
	alt_name(coll_b, 1, alt);
	ck_assert_str_eq(scl_outdir_base(d, b.index), alt);
	ck_assert(strncmp(alt, "c___-feb1ae8f-", 14) == 0 && strlen(alt) == 22);
	/* named once: said once */
	ck_assert_int_eq(scl_outdir_file(d, coll_b, strlen(coll_b), &b), 0);
	ck_assert(!b.is_new && !b.collision);
}
END_TEST

START_TEST(test_name_case_folding)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	char na[SCL_MAX_FILE_NAME + 1], nb[SCL_MAX_FILE_NAME + 1];
	scl_outdir_name a, b;

	alt_name(case_a, 0, na);
	alt_name(case_b, 0, nb);
	ck_assert_str_ne(na, nb);
	ck_assert_int_eq(strcasecmp(na, nb), 0); /* the fixture differs only in case */
	ck_assert_int_eq(scl_outdir_file(d, case_a, strlen(case_a), &a), 0);
	ck_assert_int_eq(scl_outdir_file(d, case_b, strlen(case_b), &b), 0);
	ck_assert(b.collision && b.case_only);
	ck_assert_str_eq(b.taken, nb);
	ck_assert_uint_eq(b.other, a.index);
	alt_name(case_b, 1, nb);
	ck_assert_str_eq(scl_outdir_base(d, b.index), nb);
	ck_assert_str_eq(scl_outdir_base(d, a.index), na);
}
END_TEST

/* Many keys: the indexes grow and every key keeps its own file. */
START_TEST(test_name_many)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	char key[32];
	scl_outdir_name nm;

	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "host-%d", i);
		ck_assert_int_eq(scl_outdir_file(d, key, strlen(key), &nm), 0);
		ck_assert_uint_eq(nm.index, (size_t)i);
		ck_assert_str_eq(scl_outdir_base(d, nm.index), key);
	}
	for (int i = 0; i < 1000; i += 37) {
		snprintf(key, sizeof(key), "host-%d", i);
		ck_assert_int_eq(scl_outdir_find(d, key, strlen(key)), i);
	}
}
END_TEST

/*
 * The alternative an earlier run gave a key is taken again: a later run
 * that names the two in the other order keeps both names.
 */
START_TEST(test_name_resumed_alternative)
{
	const char *ext = _i ? ".yaml" : NULL;
	char plain[SCL_MAX_FILE_NAME + 1], alt[SCL_MAX_FILE_NAME + 1], f[SCL_MAX_FILE_NAME + 16];
	scl_outdir *d = open_dir(ext);
	scl_outdir_name a, b;

	ck_assert_int_eq(scl_outdir_file(d, coll_a, strlen(coll_a), &a), 0);
	ck_assert_int_eq(scl_outdir_file(d, coll_b, strlen(coll_b), &b), 0);
	alt_name(coll_a, 0, plain);
	alt_name(coll_b, 1, alt);
	ck_assert_str_eq(scl_outdir_base(d, b.index), alt);
	scl_outdir_free(d);
	/* the files of that run */
	snprintf(f, sizeof(f), "%s%s", plain, ext ? ext : ".json");
	ck_assert_int_eq(close(open(path_in(f), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
	snprintf(f, sizeof(f), "%s%s", alt, ext ? ext : ".json");
	ck_assert_int_eq(close(open(path_in(f), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);

	d = open_dir(ext);
	ck_assert_int_eq(scl_outdir_file(d, coll_b, strlen(coll_b), &b), 0);
	ck_assert(b.is_new && b.resumed_alt && !b.collision);
	ck_assert_str_eq(scl_outdir_base(d, b.index), alt);
	ck_assert_int_eq(scl_outdir_file(d, coll_a, strlen(coll_a), &a), 0);
	ck_assert(a.is_new && !a.resumed_alt && !a.collision);
	ck_assert_str_eq(scl_outdir_base(d, a.index), plain);
	scl_outdir_free(d);

	/* a file of another extension is not this directory's state */
	d = open_dir(ext ? ".conf" : ".yaml");
	ck_assert_int_eq(scl_outdir_file(d, coll_b, strlen(coll_b), &b), 0);
	ck_assert(!b.resumed_alt);
	ck_assert_str_eq(scl_outdir_base(d, b.index), plain);
	scl_outdir_free(d);
}
END_TEST

/* A container's key: its Kubernetes names when kubelet's directories have them (fixtures of test-container.c), else its id. */
static const struct ckey_case {
	const char *uid, *id, *want;
} ckey_cases[] = {
	/* POD1 and D1: kube-proxy */
	{ "6b0f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e", "3f4e1a9c2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef",
	  "kube-system_kube-proxy-x7k2p_kube-proxy" },
	/* no pod uid: the id, even where the link would name it */
	{ "", "3f4e1a9c2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef",
	  "3f4e1a9c2b7d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef" },
	/* POD2 and D2 (pause: no link): the pod alone does not name a container, so the id */
	{ "0d1e2f3a-4b5c-4d6e-9f70-8192a3b4c5d6", "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
	  "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c" },
};

START_TEST(test_container_key)
{
	const struct ckey_case *t = &ckey_cases[_i];
	char pods[4096], conts[4096], buf[SCL_OUTDIR_CONTAINER_KEY_MAX];
	scl_container c;

	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "%s", t->id);
	snprintf(c.pod_uid, sizeof(c.pod_uid), "%s", t->uid);
	snprintf(pods, sizeof(pods), "%s", unit_data_path("pods/log/pods"));
	snprintf(conts, sizeof(conts), "%s", unit_data_path("pods/log/containers"));
	ck_assert_str_eq(scl_outdir_container_key(&c, pods, conts, buf), t->want);
}
END_TEST

/* ------------------------------------------------------------ resume */

START_TEST(test_read_back)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	_cleanup_(scl_profile_freep) scl_profile *p = small_profile(), *q = NULL;
	scl_profile *none = (scl_profile *)(uintptr_t)1;
	char err[256] = "";

	/* nothing there yet */
	ck_assert_int_eq(scl_outdir_read(d, "web", &none, NULL, err, sizeof(err)), 0);
	ck_assert(none == NULL);
	ck_assert_int_eq(scl_outdir_write(d, "web", p, SCL_FORMAT_OCI, NULL), 0);
	ck_assert_int_eq(scl_outdir_read(d, "web", &q, NULL, err, sizeof(err)), 0);
	ck_assert(q != NULL);
	ck_assert_uint_eq(scl_profile_count(q), 3);
	ck_assert(scl_profile_allows(q, "openat") && scl_profile_allows(q, "read") && scl_profile_allows(q, "write"));
	ck_assert(scl_profile_has_arch(q, 0xc000003eU));
	ck_assert_int_eq(scl_outdir_read(d, "a/b", &q, NULL, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_read_refuses)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	scl_profile *q = (scl_profile *)(uintptr_t)1;
	char err[256];
	size_t n;
	char *s;

	/* a planted link is refused, not followed */
	ck_assert_int_eq(close(open(path_in("target"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644)), 0);
	ck_assert_int_eq(symlink("target", path_in("planted.json")), 0);
	ck_assert_int_eq(scl_outdir_read(d, "planted", &q, NULL, err, sizeof(err)), -ELOOP);
	ck_assert_str_eq(err, "a symbolic link, not followed");
	/* a FIFO: refused without blocking */
	ck_assert_int_eq(mkfifo(path_in("fifo.json"), 0644), 0);
	ck_assert_int_eq(scl_outdir_read(d, "fifo", &q, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "not a regular file");
	/* a file that is not a profile: the reader's message */
	ck_assert_int_eq(mkdir(path_in("dir.json"), 0755), 0);
	ck_assert_int_eq(scl_outdir_read(d, "dir", &q, NULL, err, sizeof(err)), -EINVAL);
	{
		FILE *f = fopen(path_in("bad.json"), "w");
		ck_assert(f != NULL);
		fputs("{\"defaultAction\": 7}\n", f);
		ck_assert_int_eq(fclose(f), 0);
	}
	ck_assert_int_eq(scl_outdir_read(d, "bad", &q, NULL, err, sizeof(err)), -EINVAL);
	ck_assert(err[0] != '\0');
	ck_assert(q == (scl_profile *)(uintptr_t)1);
	/* and writing there is refused too: the link and its target stay */
	{
		_cleanup_(scl_profile_freep) scl_profile *p = small_profile();

		ck_assert_int_eq(scl_outdir_write(d, "planted", p, SCL_FORMAT_OCI, NULL), -ELOOP);
	}
	s = slurp(path_in("target"), &n);
	ck_assert_uint_eq(n, 0);
	free(s);
	{
		struct stat st;
		ck_assert_int_eq(lstat(path_in("planted.json"), &st), 0);
		ck_assert(S_ISLNK(st.st_mode));
	}
}
END_TEST

/* ------------------------------------------------------------ writes */

/* In every format: the bytes of scl_profile_write(), the same bytes twice, no temporary file left. */
START_TEST(test_write_byte_stable)
{
	static const scl_format fmts[] = { SCL_FORMAT_OCI, SCL_FORMAT_K8S, SCL_FORMAT_SYSTEMD };
	scl_format fmt = fmts[_i];
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	_cleanup_(scl_profile_freep) scl_profile *p = small_profile();
	scl_profile_write_options o = { .k8s = { .name = "web" } };
	char name[64], *mem = NULL, *a, *b;
	size_t memn = 0, an, bn;
	FILE *f = open_memstream(&mem, &memn);

	ck_assert(f != NULL);
	ck_assert_int_eq(scl_profile_write(p, fmt, &o, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(scl_outdir_write(d, "web", p, fmt, NULL), 0);
	snprintf(name, sizeof(name), "web%s", scl_format_ext(fmt));
	a = slurp(path_in(name), &an);
	ck_assert_int_eq(scl_outdir_write(d, "web", p, fmt, NULL), 0);
	b = slurp(path_in(name), &bn);
	ck_assert_uint_eq(an, bn);
	ck_assert_uint_eq(an, memn);
	ck_assert(memcmp(a, b, an) == 0);
	ck_assert(memcmp(a, mem, an) == 0); /* the k8s name is the base name */
	ck_assert_int_eq(an > 0 && a[an - 1] == '\n', 1);
	ck_assert_int_eq(entries(tmpdir), 1);
	free(a);
	free(b);
	free(mem);
}
END_TEST

/* A writer that fails: the old file is untouched and no temporary file is left. */
START_TEST(test_write_failure_leaves_nothing)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	_cleanup_(scl_profile_freep) scl_profile *p = small_profile(), *empty = NULL;
	char *before, *after;
	size_t bn, an;

	ck_assert_int_eq(scl_outdir_write(d, "svc", p, SCL_FORMAT_SYSTEMD, NULL), 0);
	before = slurp(path_in("svc.conf"), &bn);
	/* systemd cannot express an empty allowlist: the writer fails after the temporary file was made */
	ck_assert_int_eq(scl_profile_new(&empty), 0);
	ck_assert_int_eq(scl_outdir_write(d, "svc", empty, SCL_FORMAT_SYSTEMD, NULL), -EOPNOTSUPP);
	after = slurp(path_in("svc.conf"), &an);
	ck_assert_uint_eq(an, bn);
	ck_assert(memcmp(before, after, an) == 0);
	ck_assert_int_eq(entries(tmpdir), 1);
	/* a new file that fails is not created at all */
	ck_assert_int_eq(scl_outdir_write(d, "new", empty, SCL_FORMAT_SYSTEMD, NULL), -EOPNOTSUPP);
	ck_assert_int_eq(entries(tmpdir), 1);
	/* bad base names */
	ck_assert_int_eq(scl_outdir_write(d, "", p, SCL_FORMAT_OCI, NULL), -EINVAL);
	ck_assert_int_eq(scl_outdir_write(d, "a/b", p, SCL_FORMAT_OCI, NULL), -EINVAL);
	ck_assert_int_eq(scl_outdir_write(d, "x", p, (scl_format)42, NULL), -EINVAL);
	ck_assert_int_eq(entries(tmpdir), 1);
	free(before);
	free(after);
}
END_TEST

/* A replaced file keeps its mode; a new one gets 0644 minus the umask. */
START_TEST(test_write_keeps_mode)
{
	_cleanup_outdir_ scl_outdir *d = open_dir(NULL);
	_cleanup_(scl_profile_freep) scl_profile *p = small_profile();
	struct stat st;
	mode_t um = umask(022);

	ck_assert_int_eq(scl_outdir_write(d, "m", p, SCL_FORMAT_OCI, NULL), 0);
	ck_assert_int_eq(stat(path_in("m.json"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(chmod(path_in("m.json"), 0600), 0);
	ck_assert_int_eq(scl_outdir_write(d, "m", p, SCL_FORMAT_OCI, NULL), 0);
	ck_assert_int_eq(stat(path_in("m.json"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	/* and its owner, where this process may give it (root) */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path_in("m.json"), 4321, 4322), 0);
		ck_assert_int_eq(scl_outdir_write(d, "m", p, SCL_FORMAT_OCI, NULL), 0);
		ck_assert_int_eq(stat(path_in("m.json"), &st), 0);
		ck_assert_int_eq(st.st_uid, 4321);
		ck_assert_int_eq(st.st_gid, 4322);
		ck_assert_int_eq(st.st_mode & 07777, 0600);
	}
	umask(um);
}
END_TEST

/* scl_profile_write(): one entry point, the format's writer; defaults without options. */
START_TEST(test_profile_write_entry)
{
	_cleanup_(scl_profile_freep) scl_profile *p = small_profile();
	char *mem = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&mem, &n);

	ck_assert_str_eq(scl_format_ext(SCL_FORMAT_OCI), ".json");
	ck_assert_str_eq(scl_format_ext(SCL_FORMAT_K8S), ".yaml");
	ck_assert_str_eq(scl_format_ext(SCL_FORMAT_SYSTEMD), ".conf");
	ck_assert(f != NULL);
	ck_assert_int_eq(scl_profile_write(p, SCL_FORMAT_K8S, NULL, f), 0);
	ck_assert_int_eq(scl_profile_write(p, (scl_format)42, NULL, f), -EINVAL);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert(strstr(mem, "kind: SeccompProfile\n") != NULL);
	ck_assert(strstr(mem, "  name: scmplog-profile\n") != NULL);
	free(mem);
}
END_TEST

static Suite *outdir_suite(void)
{
	Suite *s = suite_create("outdir");
	TCase *tc = tcase_create("outdir");

	tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
	tcase_add_test(tc, test_open_creates);
	tcase_add_test(tc, test_open_refuses_symlink);
	tcase_add_loop_test(tc, test_name_sanitised, 0, (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	tcase_add_test(tc, test_name_hash_collision);
	tcase_add_test(tc, test_name_case_folding);
	tcase_add_test(tc, test_name_many);
	tcase_add_loop_test(tc, test_name_resumed_alternative, 0, 2);
	tcase_add_loop_test(tc, test_container_key, 0, (int)(sizeof(ckey_cases) / sizeof(ckey_cases[0])));
	tcase_add_test(tc, test_read_back);
	tcase_add_test(tc, test_read_refuses);
	tcase_add_loop_test(tc, test_write_byte_stable, 0, 3);
	tcase_add_test(tc, test_write_failure_leaves_nothing);
	tcase_add_test(tc, test_write_keeps_mode);
	tcase_add_test(tc, test_profile_write_entry);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run_suite(outdir_suite());
}
