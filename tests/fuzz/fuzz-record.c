/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: every framing of the record parser, and the scanner
 * (journal export entries, gzip) over the same bytes as a file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scmplog/limits.h"
#include "scmplog/record.h"
#include "scmplog/source.h"

static int on_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	char buf[SCL_MAX_EXE + 1];
	(void)ud;
	(void)lineno;
	if (rec->fields & SCL_F_COMM)
		scl_record_decode_str(rec->comm, rec->comm_hex, buf, sizeof(buf));
	if (rec->fields & SCL_F_EXE)
		scl_record_decode_str(rec->exe, rec->exe_hex, buf, sizeof(buf));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scl_record rec;
	scl_skip_reason why;
	uint64_t n;
	int p[2];

	/* the line parser on the raw bytes (NULs included, no terminator) */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (scl_record_parse_line(copy, size, &rec, &why, &n) == SCL_LINE_RECORD)
		on_record(NULL, &rec, 0);
	if (scl_record_parse_body(copy, size, SCL_FRAME_BODY, &rec, &why) == 1)
		on_record(NULL, &rec, 0);
	free(copy);

	/* the scanner over a pipe: multi-line export entries, gzip, long lines */
	if (size < 60000 && pipe(p) == 0) {
		scl_reader *r = NULL;
		const scl_scan_ops ops = { on_record, NULL, NULL };
		if (write(p[1], data, size) != (ssize_t)size) {
			close(p[0]);
			close(p[1]);
			return 0;
		}
		close(p[1]);
		if (scl_reader_open_fd(p[0], "fuzz", &r) == 0) {
			scl_scan(r, &ops, NULL);
			scl_reader_free(r);
		}
		close(p[0]);
	}
	return 0;
}
