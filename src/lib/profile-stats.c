/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics files (build --stats): the writer, and the reader of exactly
 * that shape; the counts they hold live in the profile model (profile.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/profile-fmt.h"
#include "lib/profile-internal.h"
#include "lib/util.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/profile-io.h"

/* ---------------------------------------------------------------- writer */

/* Runs in a canonical order, so that merging in any order writes the same file. */
static int cmp_run(const void *a, const void *b)
{
	const scl_profile_run *x = a, *y = b;

	if (x->has_window != y->has_window)
		return x->has_window ? -1 : 1;
	if (x->first_ms != y->first_ms)
		return x->first_ms < y->first_ms ? -1 : 1;
	if (x->last_ms != y->last_ms)
		return x->last_ms < y->last_ms ? -1 : 1;
	if (x->has_lost != y->has_lost)
		return x->has_lost ? -1 : 1;
	if (x->lost != y->lost)
		return x->lost < y->lost ? -1 : 1;
	return 0;
}

static void put_count(FILE *f, bool has, uint64_t v)
{
	if (has)
		fprintf(f, "%" PRIu64, v);
	else
		fputs("null", f);
}

int scl_profile_write_stats(const scl_profile *p, FILE *f)
{
	_cleanup_free_ scl_profile_syscall *v = NULL;
	_cleanup_free_ scl_profile_run *runs = NULL;
	size_t n, n_runs = scl_profile_run_info_count(p);
	int r;

	r = scl_profile_syscalls(p, &v, &n);
	if (r < 0)
		return r;
	if (n_runs) {
		runs = calloc(n_runs, sizeof(*runs));
		if (!runs)
			return -ENOMEM;
		for (size_t i = 0; i < n_runs; i++)
			runs[i] = *scl_profile_run_info_at(p, i);
		qsort(runs, n_runs, sizeof(*runs), cmp_run);
	}
	fputs("{\n", f);
	if (scl_profile_runs_known(p)) {
		uint64_t plain = scl_profile_run_count(p) - n_runs;

		fputs(scl_profile_run_count(p) ? "  \"runs\": [\n" : "  \"runs\": [],\n", f);
		for (size_t i = 0; i < n_runs; i++) {
			const scl_profile_run *run = &runs[i];

			fputs("    { \"lost\": ", f);
			put_count(f, run->has_lost, run->lost);
			fputs(", \"first\": ", f);
			put_count(f, run->has_window, run->first_ms);
			fputs(", \"last\": ", f);
			put_count(f, run->has_window, run->last_ms);
			fputs(i + 1 < n_runs || plain ? " },\n" : " }\n", f);
		}
		for (uint64_t i = 0; i < plain; i++)
			fprintf(f, "    { \"lost\": null, \"first\": null, \"last\": null }%s\n",
				i + 1 < plain ? "," : "");
		if (scl_profile_run_count(p))
			fputs("  ],\n", f);
	}
	if (n == 0) {
		fputs("  \"syscalls\": {}\n}\n", f);
		return scl_pfmt_stream_result(f);
	}
	fputs("  \"syscalls\": {\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "    \"%s\": { \"records\": %" PRIu64 ", \"runs\": %" PRIu64 " }%s\n",
			v[i].name, v[i].records, v[i].runs, i + 1 < n ? "," : "");
	fputs("  }\n}\n", f);
	return scl_pfmt_stream_result(f);
}

/* ---------------------------------------------------------------- reader */

/*
 * A statistics file is the fixed shape scl_profile_write_stats() writes, so
 * it is read here with a small parser for exactly that shape rather than a
 * general JSON reader: no nesting beyond it, no escapes (syscall names have
 * none), integer counts only.  Any JSON whitespace and member order is
 * accepted, so a file reformatted by jq still reads.
 */
struct stats_parser {
	const char *s;
	size_t n, i;
	char *err;
	size_t errlen;
};

static int stats_fail(struct stats_parser *sp, const char *what)
{
	uint64_t line = 1;

	for (size_t k = 0; k < sp->i && k < sp->n; k++)
		line += sp->s[k] == '\n';
	if (sp->err && sp->errlen)
		snprintf(sp->err, sp->errlen, "line %llu: %s", (unsigned long long)line, what);
	return -EBADMSG;
}

static void stats_ws(struct stats_parser *sp)
{
	while (sp->i < sp->n && (sp->s[sp->i] == ' ' || sp->s[sp->i] == '\t' || sp->s[sp->i] == '\n' ||
				 sp->s[sp->i] == '\r'))
		sp->i++;
}

/* Skip whitespace, then consume c if it is next. */
static bool stats_take(struct stats_parser *sp, char c)
{
	stats_ws(sp);
	if (sp->i < sp->n && sp->s[sp->i] == c) {
		sp->i++;
		return true;
	}
	return false;
}

/* A string without escapes: its bytes in [*ret, *ret + *ret_n). */
static int stats_string(struct stats_parser *sp, const char **ret, size_t *ret_n)
{
	size_t start;

	if (!stats_take(sp, '"'))
		return stats_fail(sp, "expected a string");
	start = sp->i;
	while (sp->i < sp->n && sp->s[sp->i] != '"') {
		unsigned char c = (unsigned char)sp->s[sp->i];
		if (c == '\\' || c < 0x20)
			return stats_fail(sp, "unexpected escape or control byte in a string");
		sp->i++;
	}
	if (sp->i >= sp->n)
		return stats_fail(sp, "unterminated string");
	*ret = sp->s + start;
	*ret_n = sp->i - start;
	sp->i++;
	return 0;
}

/* A member's key (or a syscall's name): its start in *at, for a message about it. */
static int stats_key(struct stats_parser *sp, const char **ret, size_t *ret_n, size_t *at)
{
	stats_ws(sp);
	*at = sp->i;
	return stats_string(sp, ret, ret_n);
}

/* The end of a list of members ('}') or elements (']'), after the last ','-separated one. */
static int stats_close(struct stats_parser *sp, char c)
{
	if (stats_take(sp, c))
		return 0;
	return stats_fail(sp, c == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

static int stats_count(struct stats_parser *sp, uint64_t *ret)
{
	size_t start;

	stats_ws(sp);
	start = sp->i;
	while (sp->i < sp->n && sp->s[sp->i] >= '0' && sp->s[sp->i] <= '9')
		sp->i++;
	if (sp->i == start || (sp->i - start > 1 && sp->s[start] == '0') ||
	    (sp->i < sp->n && (sp->s[sp->i] == '.' || sp->s[sp->i] == 'e' || sp->s[sp->i] == 'E')) ||
	    scl_parse_u64(sp->s + start, sp->i - start, UINT64_MAX, ret) < 0) {
		sp->i = start;
		return stats_fail(sp, "expected a count (an integer from 0 to 18446744073709551615)");
	}
	return 0;
}

/* A count or null: *ret_has false for null. */
static int stats_count_or_null(struct stats_parser *sp, uint64_t *ret, bool *ret_has)
{
	stats_ws(sp);
	if (sp->n - sp->i >= 4 && !memcmp(sp->s + sp->i, "null", 4)) {
		sp->i += 4;
		*ret = 0;
		*ret_has = false;
		return 0;
	}
	*ret_has = true;
	return stats_count(sp, ret);
}

/* { "lost": N|null, "first": N|null, "last": N|null }, counted in p */
static int stats_run(struct stats_parser *sp, scl_profile *p)
{
	static const char *const keys[] = { "lost", "first", "last" };
	uint64_t v[3] = { 0 };
	bool has[3] = { false }, seen[3] = { false };
	scl_profile_run run = { 0 };
	size_t start;
	int r;

	stats_ws(sp);
	start = sp->i;
	if (!stats_take(sp, '{'))
		return stats_fail(sp, "expected '{' for a run");
	if (!stats_take(sp, '}')) {
		do {
			const char *k = NULL;
			size_t kn = 0, at, which = ELEMENTSOF(keys);

			if ((r = stats_key(sp, &k, &kn, &at)) < 0)
				return r;
			for (size_t i = 0; i < ELEMENTSOF(keys); i++)
				if (kn == strlen(keys[i]) && !memcmp(k, keys[i], kn) && !seen[i])
					which = i;
			if (which == ELEMENTSOF(keys)) {
				sp->i = at;
				return stats_fail(sp, "expected \"lost\", \"first\" or \"last\", once each");
			}
			if (!stats_take(sp, ':'))
				return stats_fail(sp, "expected ':'");
			seen[which] = true;
			if ((r = stats_count_or_null(sp, &v[which], &has[which])) < 0)
				return r;
		} while (stats_take(sp, ','));
		if ((r = stats_close(sp, '}')) < 0)
			return r;
	}
	if (!seen[0] || !seen[1] || !seen[2]) {
		sp->i = start;
		return stats_fail(sp, "a run needs \"lost\", \"first\" and \"last\"");
	}
	if (has[1] != has[2] || (has[1] && v[1] > v[2])) {
		sp->i = start;
		return stats_fail(sp, "a run's \"first\" and \"last\" are both null or first <= last");
	}
	run.has_lost = has[0];
	run.lost = v[0];
	run.has_window = has[1];
	run.first_ms = v[1];
	run.last_ms = v[2];
	return scl_prof_add_runs(p, &run, 1, 0);
}

/* [ run, ... ] */
static int stats_runs(struct stats_parser *sp, scl_profile *p)
{
	int r;

	if (!stats_take(sp, '['))
		return stats_fail(sp, "expected '[' after \"runs\"");
	if (stats_take(sp, ']'))
		return 0;
	do {
		if ((r = stats_run(sp, p)) < 0)
			return r;
	} while (stats_take(sp, ','));
	if ((r = stats_close(sp, ']')) < 0)
		return r;
	return 0;
}

/* { "records": N, "runs": N } for syscall name[0..nn) */
static int stats_entry(struct stats_parser *sp, scl_profile *p, const char *name, size_t nn)
{
	uint64_t records = 0, runs = 0;
	bool has_records = false, has_runs = false;
	const char *k = NULL;
	size_t kn = 0;
	int r;

	if (!stats_take(sp, '{'))
		return stats_fail(sp, "expected '{' after a syscall name");
	if (!stats_take(sp, '}')) {
		do {
			size_t at;

			if ((r = stats_key(sp, &k, &kn, &at)) < 0)
				return r;
			if (!stats_take(sp, ':'))
				return stats_fail(sp, "expected ':'");
			if (kn == 7 && !memcmp(k, "records", 7) && !has_records) {
				has_records = true;
				r = stats_count(sp, &records);
			} else if (kn == 4 && !memcmp(k, "runs", 4) && !has_runs) {
				has_runs = true;
				r = stats_count(sp, &runs);
			} else {
				sp->i = at;
				return stats_fail(sp, "expected \"records\" or \"runs\", once each");
			}
			if (r < 0)
				return r;
		} while (stats_take(sp, ','));
		if ((r = stats_close(sp, '}')) < 0)
			return r;
	}
	if (!has_records || !has_runs)
		return stats_fail(sp, "a syscall needs both \"records\" and \"runs\"");
	r = scl_profile_allow_n(p, name, nn, records);
	if (r < 0)
		return r;
	scl_prof_lookup(p, name, nn)->runs = runs;
	return 0;
}

static int stats_body(struct stats_parser *sp, scl_profile *p)
{
	const char *k = NULL;
	size_t kn = 0;
	bool seen = false, seen_runs = false;
	int r;

	if (!stats_take(sp, '{'))
		return stats_fail(sp, "expected '{': not a statistics file of scmplog");
	if (!stats_take(sp, '}')) {
		do {
			if ((r = stats_string(sp, &k, &kn)) < 0)
				return r;
			if (kn == 4 && !memcmp(k, "runs", 4) && !seen_runs) {
				seen_runs = true;
				if (!stats_take(sp, ':'))
					return stats_fail(sp, "expected ':' after \"runs\"");
				if ((r = stats_runs(sp, p)) < 0)
					return r;
				continue;
			}
			if (kn != 8 || memcmp(k, "syscalls", 8) || seen)
				return stats_fail(sp, "expected the keys \"syscalls\" and \"runs\", once each: not a statistics file of scmplog");
			seen = true;
			if (!stats_take(sp, ':') || !stats_take(sp, '{'))
				return stats_fail(sp, "expected ': {' after \"syscalls\"");
			if (stats_take(sp, '}'))
				continue;
			do {
				size_t at;

				if ((r = stats_key(sp, &k, &kn, &at)) < 0)
					return r;
				if (!scl_profile_name_valid(k, kn)) {
					sp->i = at;
					return stats_fail(sp, "invalid syscall name (1..64 of a-z, 0-9, _)");
				}
				if (scl_prof_lookup(p, k, kn)) {
					sp->i = at;
					return stats_fail(sp, "a syscall is listed twice");
				}
				if (!stats_take(sp, ':'))
					return stats_fail(sp, "expected ':'");
				if ((r = stats_entry(sp, p, k, kn)) < 0)
					return r;
			} while (stats_take(sp, ','));
			if ((r = stats_close(sp, '}')) < 0)
				return r;
		} while (stats_take(sp, ','));
		if (!stats_take(sp, '}'))
			return stats_fail(sp, "expected '}'");
	}
	if (!seen)
		return stats_fail(sp, "no \"syscalls\": not a statistics file of scmplog");
	p->runs_unknown = !seen_runs;
	stats_ws(sp);
	if (sp->i != sp->n)
		return stats_fail(sp, "trailing data after the statistics");
	return 0;
}

int scl_profile_parse_stats(const char *buf, size_t n, scl_profile **ret, char *err, size_t errlen)
{
	struct stats_parser sp = { .s = buf, .n = n, .err = err, .errlen = errlen };
	scl_profile *p = NULL;
	int r;

	if (n > SCL_MAX_PROFILE_SIZE)
		return scl_pfmt_too_large(err, errlen);
	r = scl_profile_new(&p);
	if (r < 0)
		return r;
	r = stats_body(&sp, p);
	if (r < 0) {
		if (r == -ENOMEM && err && errlen)
			snprintf(err, errlen, "out of memory");
		scl_profile_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int scl_profile_read_stats_file(const char *path, scl_profile **ret, char *err, size_t errlen)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	size_t n = 0;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	r = fd < 0 ? -errno : scl_pfmt_read_fd(fd, &buf, &n);
	if (r == -EFBIG)
		return scl_pfmt_too_large(err, errlen);
	if (r < 0) {
		if (r != -ENOMEM && err && errlen)
			snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	return scl_profile_parse_stats(buf, n, ret, err, errlen);
}

long scl_profile_set_stats_from(scl_profile *p, const scl_profile *stats)
{
	scl_profile_run *infos = NULL;
	long set = 0;

	if (stats->n_infos) {
		infos = malloc(stats->n_infos * sizeof(*infos));
		if (!infos)
			return -ENOMEM;
		memcpy(infos, stats->infos, stats->n_infos * sizeof(*infos));
	}
	free(p->infos);
	p->infos = infos;
	p->n_infos = p->cap_infos = stats->n_infos;
	p->n_plain = stats->n_plain;
	p->runs_unknown = stats->runs_unknown;
	for (size_t i = 0; i < p->n_entries; i++) {
		struct entry *e = &p->entries[i];
		const struct entry *s = scl_prof_lookup(stats, e->name, strlen(e->name));

		if (!s)
			continue;
		e->records = s->records;
		e->runs = s->runs;
		set++;
	}
	return set;
}
