/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness: the sd-journal entry path (scl_journal_entry(), what
 * source-journal.c does with each entry) without sd-journal.  The input is
 * journal export text, one or more entries separated by an empty line:
 * "NAME=value\n", or "NAME\n" + u64le size + bytes + "\n" for a binary
 * value, so `journalctl -o export` output is a seed as it is.  Each field is
 * copied into its own allocation of exactly its size, so reading past a
 * field is an ASan report.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scmplog/journal.h"
#include "scmplog/limits.h"
#include "scmplog/record.h"

#define MAX_FIELDS 64

static void check_slice(scl_slice s, const scl_journal_field *f, size_t n)
{
	if (!s.n)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *d = f[i].data;
		if (d && s.p >= d && s.p + s.n <= d + f[i].n)
			return;
	}
	__builtin_trap(); /* a record slice outside the entry's fields */
}

struct ctx {
	const scl_journal_field *f;
	size_t n;
};

static int on_record(void *ud, const scl_record *rec, uint64_t index)
{
	const struct ctx *c = ud;
	char buf[SCL_MAX_EXE + 1];

	if (index != 7)
		__builtin_trap();
	check_slice(rec->comm, c->f, c->n);
	check_slice(rec->exe, c->f, c->n);
	check_slice(rec->subj, c->f, c->n);
	check_slice(rec->host, c->f, c->n);
	if (rec->fields & SCL_F_COMM)
		scl_record_decode_str(rec->comm, rec->comm_hex, buf, sizeof(buf));
	if (rec->fields & SCL_F_EXE)
		scl_record_decode_str(rec->exe, rec->exe_hex, buf, sizeof(buf));
	return 0;
}

static int on_skip(void *ud, scl_skip_reason why, uint64_t index)
{
	(void)ud;
	if (index != 7 || why <= SCL_SKIP_NONE || why >= _SCL_SKIP_MAX)
		__builtin_trap();
	return 0;
}

static void run_entry(scl_journal_field *f, size_t n)
{
	const scl_scan_ops ops = { on_record, on_skip, NULL };
	struct ctx c = { f, n };

	if (scl_journal_entry(f, n, 7, &ops, &c) != 0)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		free((void *)f[i].data);
}

static void add(scl_journal_field *f, size_t *n, const uint8_t *p, size_t len)
{
	char *d;

	if (*n == MAX_FIELDS)
		return;
	d = malloc(len ? len : 1);
	if (!d)
		abort();
	memcpy(d, p, len);
	f[(*n)++] = (scl_journal_field){ d, len };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scl_journal_field f[MAX_FIELDS];
	const uint8_t *p = data, *end = data + size;
	size_t n = 0;

	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *le = nl ? nl : end;
		size_t len = (size_t)(le - p);

		if (len == 0) {
			/* end of an entry */
			run_entry(f, n);
			n = 0;
			p = le + 1;
			continue;
		}
		if (!memchr(p, '=', len) && nl && (size_t)(end - nl - 1) >= 8) {
			/* binary field: NAME, u64le size, data, '\n' */
			const uint8_t *q = nl + 1;
			uint64_t sz = 0;
			for (int i = 7; i >= 0; i--)
				sz = sz << 8 | q[i];
			q += 8;
			if (sz <= (uint64_t)(end - q)) {
				uint8_t *d = malloc(len + 1 + (size_t)sz);
				if (!d)
					abort();
				memcpy(d, p, len);
				d[len] = '=';
				memcpy(d + len + 1, q, (size_t)sz);
				add(f, &n, d, len + 1 + (size_t)sz);
				free(d);
				p = q + sz;
				if (p < end && *p == '\n')
					p++;
				continue;
			}
		}
		add(f, &n, p, len);
		p = nl ? nl + 1 : end;
	}
	run_entry(f, n);
	return 0;
}
