/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer harness: every framing of the record parser (the scanner over
 * whole files is fuzz-scan.c).  Also checked:
 * the documented returns, "*ret written only on success", that a record's
 * slices lie inside the input, and that the body parser's fast path agrees
 * with the generic one. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"
#include "scmplog/limits.h"
#include "scmplog/record.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static int on_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	char buf[SCL_MAX_EXE + 1];
	(void)ud;
	(void)lineno;
	CHECK((unsigned)rec->framing < _SCL_FRAME_MAX);
	CHECK(scl_framing_str(rec->framing) && scl_action_str(scl_record_action(rec)));
	if (rec->fields & SCL_F_COMM)
		scl_record_decode_str(rec->comm, rec->comm_hex, buf, sizeof(buf));
	if (rec->fields & SCL_F_EXE)
		scl_record_decode_str(rec->exe, rec->exe_hex, buf, sizeof(buf));
	return 0;
}

static void check_slice(scl_slice s, const char *lo, size_t n)
{
	CHECK(!s.n || (s.p >= lo && s.p + s.n <= lo + n));
}

static void check_record(const scl_record *rec, const char *lo, size_t n)
{
	/* ausearch -i: comm and exe may be in a thread-local buffer (escapes undone) */
	if (rec->framing != SCL_FRAME_AUSEARCH) {
		check_slice(rec->comm, lo, n);
		check_slice(rec->exe, lo, n);
	}
	check_slice(rec->subj, lo, n);
	check_slice(rec->host, lo, n);
	on_record(NULL, rec, 0);
}

static bool same_slice(scl_slice a, scl_slice b)
{
	return a.n == b.n && (!a.n || a.p == b.p);
}

/* Field by field: padding is not part of the value. */
static bool same_record(const scl_record *a, const scl_record *b)
{
	return a->fields == b->fields && a->framing == b->framing && a->time_sec == b->time_sec &&
	       a->time_msec == b->time_msec && a->serial == b->serial && a->auid == b->auid && a->uid == b->uid &&
	       a->gid == b->gid && a->ses == b->ses && a->pid == b->pid && a->sig == b->sig && a->arch == b->arch &&
	       a->syscall == b->syscall && a->compat == b->compat && a->ip == b->ip && a->code == b->code &&
	       same_slice(a->comm, b->comm) && a->comm_hex == b->comm_hex && same_slice(a->exe, b->exe) &&
	       a->exe_hex == b->exe_hex && same_slice(a->subj, b->subj) && same_slice(a->host, b->host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scl_record rec, before;
	scl_skip_reason why;
	uint64_t n;
	int r;

	/* the line parser on the raw bytes (NULs included, no terminator) */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(&before, 0xa5, sizeof(before));
	rec = before;
	r = scl_record_parse_line(copy, size, &rec, &why, &n);
	CHECK(r == SCL_LINE_RECORD || r == SCL_LINE_OTHER || r == SCL_LINE_SUPPRESSED || r == -EBADMSG);
	if (r == SCL_LINE_RECORD) {
		/* a json line's slices point into a thread-local buffer instead */
		if (size && copy[0] != '{')
			check_record(&rec, copy, size);
		else
			on_record(NULL, &rec, 0);
	} else {
		CHECK(!memcmp(&rec, &before, sizeof(rec)));
		if (r < 0) {
			/* the key a skip names: in the line, or a literal ("code=") */
			scl_slice k = scl_record_skip_key();
			CHECK(why > SCL_SKIP_NONE && why < _SCL_SKIP_MAX);
			CHECK(scl_skip_reason_hint(why) != NULL);
			if (size && copy[0] != '{')
				CHECK(!k.n || (k.p >= copy && k.p + k.n <= copy + size) || k.n <= 8);
		}
	}

	/*
	 * The body parser under every framing it may be told, and the same
	 * without its fast path: the kernel-order fast path must agree with the
	 * generic parser on every input, record and reason.
	 */
	for (int f = SCL_FRAME_NONE; f < _SCL_FRAME_MAX; f++) {
		scl_record grec = before;
		scl_skip_reason gwhy = SCL_SKIP_NONE;
		int g;

		rec = before;
		why = SCL_SKIP_NONE;
		r = scl_record_parse_body(copy, size, (scl_framing)f, &rec, &why);
		CHECK(r == 1 || r == -EBADMSG);
		if (r == 1) {
			/* an ausearch -i header says its own framing */
			CHECK(rec.framing == (scl_framing)f || rec.framing == SCL_FRAME_AUSEARCH);
			check_record(&rec, copy, size);
		} else {
			CHECK(!memcmp(&rec, &before, sizeof(rec)));
			CHECK(why > SCL_SKIP_NONE && why < _SCL_SKIP_MAX);
		}
		g = scl_record_parse_body_generic(copy, size, (scl_framing)f, &grec, &gwhy);
		CHECK(g == r);
		CHECK(r == 1 ? same_record(&rec, &grec) : gwhy == why);
	}
	free(copy);
	return 0;
}
