/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness: the scanner (scl_scan()) over the input as a file read
 * through a pipe: line splitting, journal export entries assembled across
 * lines (binary fields included), gzip members, over-long lines.  Apart from
 * fuzz-record.c because each reader costs a 4 MiB buffer, which would slow
 * the line parser's fuzzing twenty-fold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/record.h"
#include "scmplog/source.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static int on_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	char buf[SCL_MAX_EXE + 1];
	(void)ud;
	CHECK(lineno >= 1);
	CHECK((unsigned)rec->framing < _SCL_FRAME_MAX);
	if (rec->fields & SCL_F_COMM)
		scl_record_decode_str(rec->comm, rec->comm_hex, buf, sizeof(buf));
	if (rec->fields & SCL_F_EXE)
		scl_record_decode_str(rec->exe, rec->exe_hex, buf, sizeof(buf));
	return 0;
}

static int on_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	(void)ud;
	CHECK(lineno >= 1);
	CHECK(why > SCL_SKIP_NONE && why < _SCL_SKIP_MAX);
	return 0;
}

static int on_suppressed(void *ud, uint64_t count, uint64_t lineno)
{
	(void)ud;
	(void)count;
	CHECK(lineno >= 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const scl_scan_ops ops = { on_record, on_skip, on_suppressed };
	scl_reader *rd = NULL;
	int p[2];

	/* one write: fits the pipe buffer (64 KiB), no writer thread needed */
	if (size >= 60000 || pipe(p) != 0)
		return 0;
	if (write(p[1], data, size) != (ssize_t)size) {
		close(p[0]);
		close(p[1]);
		return 0;
	}
	close(p[1]);
	if (scl_reader_open_fd(p[0], "fuzz", &rd) == 0) {
		(void)scl_scan(rd, &ops, NULL);
		scl_reader_free(rd);
	}
	close(p[0]);
	return 0;
}
