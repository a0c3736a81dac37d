/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness: damaged journal files through sd-journal, as build and
 * explain read them (scl_journal_scan_files() with one file, read whole
 * around damage).  A real journal file is larger than the inputs libFuzzer
 * makes, so the input is a list of edits to the real journald file
 * tests/data/journal/seccomp.journal (SCL_FUZZ_JOURNAL overrides the path):
 * each edit is a u32le offset (modulo the file's size), a u8 length n and n
 * bytes written there (cut at the end of the file).  The edited file is
 * written over one temporary file per process (in $TMPDIR, else /tmp; not a
 * memfd: sd-journal refuses a file without a link, -EIDRM), removed at exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/record.h"

static unsigned char *base;
static size_t base_n;
static char tmp_path[4096];
static int tmp_fd = -1;

static void remove_tmp(void)
{
	if (tmp_path[0])
		unlink(tmp_path);
}

static void load_base(void)
{
	const char *path = getenv("SCL_FUZZ_JOURNAL");
	FILE *f;
	long n;

	if (!path)
		path = "tests/data/journal/seccomp.journal";
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) < 0) {
		fprintf(stderr, "fuzz-journal-file: cannot read '%s' (run from the source tree, or set SCL_FUZZ_JOURNAL)\n",
			path);
		abort();
	}
	base_n = (size_t)n;
	base = malloc(base_n);
	if (!base || fread(base, 1, base_n, f) != base_n)
		abort();
	fclose(f);
	snprintf(tmp_path, sizeof(tmp_path), "%s/scl-fuzz-XXXXXX.journal", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	tmp_fd = mkstemps(tmp_path, 8);
	if (tmp_fd < 0)
		abort();
	atexit(remove_tmp);
}

struct ctx {
	int damaged;
	scl_journal_damage d;
};

static int on_record(void *ud, const scl_record *rec, uint64_t index)
{
	char buf[SCL_MAX_EXE + 1];

	(void)ud;
	if (index == 0)
		__builtin_trap();
	if (rec->fields & SCL_F_COMM)
		scl_record_decode_str(rec->comm, rec->comm_hex, buf, sizeof(buf));
	if (rec->fields & SCL_F_EXE)
		scl_record_decode_str(rec->exe, rec->exe_hex, buf, sizeof(buf));
	return 0;
}

static int on_skip(void *ud, scl_skip_reason why, uint64_t index)
{
	(void)ud;
	if (index == 0 || why <= SCL_SKIP_NONE || why >= _SCL_SKIP_MAX)
		__builtin_trap();
	return 0;
}

static int on_damaged(void *ud, const scl_journal_damage *d)
{
	struct ctx *c = ud;

	/* once per file, only with something to tell, and consistent */
	if (c->damaged++ || !d->path || d->corrupt + d->aborts > d->read || d->error > 0 ||
	    (!d->error && !d->corrupt && !d->aborts && d->read >= d->entries))
		__builtin_trap();
	c->d = *d;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const scl_scan_ops ops = { on_record, on_skip, NULL };
	const scl_journal_opts o = { .damaged = on_damaged };
	struct ctx c = { 0 };
	const char *one[1] = { tmp_path };
	unsigned char *buf;
	int r;

	if (!base)
		load_base();
	buf = malloc(base_n);
	if (!buf)
		abort();
	memcpy(buf, base, base_n);
	while (size >= 5) {
		uint32_t off;
		size_t n;

		memcpy(&off, data, sizeof(off));
		n = data[4];
		data += 5;
		size -= 5;
		if (n > size)
			n = size;
		off %= (uint32_t)base_n;
		memcpy(buf + off, data, n < base_n - off ? n : base_n - off);
		data += n;
		size -= n;
	}
	if (pwrite(tmp_fd, buf, base_n, 0) != (ssize_t)base_n)
		abort();
	free(buf);
	r = scl_journal_scan_files(one, 1, &ops, &c, &o, NULL);
	/*
	 * An error only when sd-journal cannot open it at all, or aborts on more
	 * than SCL_MAX_JOURNAL_ABORTS entries or between two: nothing told
	 */
	if (r > 0 || (r < 0 && c.damaged))
		__builtin_trap();
	return 0;
}
