/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli-input.h"
#include "cli/cli.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/source.h"
#include "lib/util.h"

static int push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int push_u32(uint32_t **v, size_t *n, uint32_t x)
{
	uint32_t *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = x;
	return 0;
}

/* digits at s[0..n) into *v, or -1 */
static int fixed(const char *s, size_t n, uint64_t max, int *v)
{
	uint64_t x;
	if (scl_parse_u64(s, n, max, &x) < 0)
		return -1;
	*v = (int)x;
	return 0;
}

int cli_parse_time(const char *s, uint64_t *ret_ms)
{
	size_t n = strlen(s);
	const char *dot;
	uint64_t sec, frac = 0;
	struct tm tm = { 0 };
	time_t t;

	if (n > 0 && s[0] == '@') {
		s++;
		n--;
	}
	if (n > 0 && s[0] >= '0' && s[0] <= '9' && !memchr(s, '-', n)) {
		dot = memchr(s, '.', n);
		size_t in = dot ? (size_t)(dot - s) : n;
		if (scl_parse_u64(s, in, UINT64_MAX / 1000 - 1, &sec) < 0)
			return -EINVAL;
		if (dot) {
			size_t fn = n - in - 1;
			if (fn == 0 || fn > 9 || scl_parse_u64(dot + 1, fn, UINT64_MAX, &frac) < 0)
				return -EINVAL;
			while (fn < 3) {
				frac *= 10;
				fn++;
			}
			while (fn > 3) {
				frac /= 10;
				fn--;
			}
		}
		*ret_ms = sec * 1000 + frac;
		return 0;
	}
	/* YYYY-MM-DD[( |T)HH:MM[:SS]] local time */
	if (n != 10 && n != 16 && n != 19)
		return -EINVAL;
	if (fixed(s, 4, 9999, &tm.tm_year) || s[4] != '-' || fixed(s + 5, 2, 12, &tm.tm_mon) ||
	    s[7] != '-' || fixed(s + 8, 2, 31, &tm.tm_mday))
		return -EINVAL;
	if (n >= 16) {
		if ((s[10] != ' ' && s[10] != 'T') || fixed(s + 11, 2, 23, &tm.tm_hour) || s[13] != ':' ||
		    fixed(s + 14, 2, 59, &tm.tm_min))
			return -EINVAL;
		if (n == 19 && (s[16] != ':' || fixed(s + 17, 2, 60, &tm.tm_sec)))
			return -EINVAL;
	}
	if (tm.tm_mon < 1 || tm.tm_mday < 1)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || t < 0)
		return -EINVAL;
	*ret_ms = (uint64_t)t * 1000;
	return 0;
}

int cli_filter_option(struct cli_filter *f, int opt, const char *arg)
{
	uint64_t v;
	int r = 0;

	switch (opt) {
	case OPT_PID:
	case OPT_UID:
		if (scl_parse_u64_str(arg, UINT32_MAX, &v) < 0) {
			log_error("invalid %s '%s': expected a decimal number", opt == OPT_PID ? "--pid" : "--uid", arg);
			return -1;
		}
		r = opt == OPT_PID ? push_u32(&f->pids, &f->n_pids, (uint32_t)v)
				   : push_u32(&f->uids, &f->n_uids, (uint32_t)v);
		break;
	case OPT_EXE:
		r = push_str(&f->exes, &f->n_exes, arg);
		break;
	case OPT_COMM:
		r = push_str(&f->comms, &f->n_comms, arg);
		break;
	case OPT_HOST:
		r = push_str(&f->hosts, &f->n_hosts, arg);
		break;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (cli_parse_time(arg, &v) < 0) {
			log_error("invalid time '%s' for %s", arg, opt == OPT_SINCE ? "--since" : "--until");
			return -1;
		}
		if (opt == OPT_SINCE) {
			f->has_since = true;
			f->since_ms = v;
		} else {
			f->has_until = true;
			f->until_ms = v;
		}
		break;
	default:
		return 0;
	}
	if (r < 0) {
		log_error("out of memory");
		return -1;
	}
	return 1;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void cli_filter_free(struct cli_filter *f)
{
	free(f->pids);
	free(f->uids);
	free_strv(f->exes, f->n_exes);
	free_strv(f->comms, f->n_comms);
	free_strv(f->hosts, f->n_hosts);
	memset(f, 0, sizeof(*f));
}

static bool match_str(char **v, size_t n, const char *s, size_t sn)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i]) == sn && !memcmp(v[i], s, sn))
			return true;
	return false;
}

static bool match_u32(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool selected(const struct cli_filter *f, const scl_record *rec)
{
	char buf[SCL_MAX_EXE + 1];
	int n;

	if (f->n_pids && (!(rec->fields & SCL_F_PID) || !match_u32(f->pids, f->n_pids, rec->pid)))
		return false;
	if (f->n_uids && (!(rec->fields & SCL_F_UID) || !match_u32(f->uids, f->n_uids, rec->uid)))
		return false;
	if (f->n_hosts && (!(rec->fields & SCL_F_HOST) || !match_str(f->hosts, f->n_hosts, rec->host.p, rec->host.n)))
		return false;
	if (f->has_since || f->has_until) {
		uint64_t ms;
		if (!(rec->fields & SCL_F_TIME))
			return false;
		ms = rec->time_sec * 1000 + rec->time_msec;
		if ((f->has_since && ms < f->since_ms) || (f->has_until && ms >= f->until_ms))
			return false;
	}
	if (f->n_exes) {
		if (!(rec->fields & SCL_F_EXE) || (n = scl_record_decode_str(rec->exe, rec->exe_hex, buf, sizeof(buf))) < 0 ||
		    !match_str(f->exes, f->n_exes, buf, (size_t)n))
			return false;
	}
	if (f->n_comms) {
		if (!(rec->fields & SCL_F_COMM) || (n = scl_record_decode_str(rec->comm, rec->comm_hex, buf, sizeof(buf))) < 0 ||
		    !match_str(f->comms, f->n_comms, buf, (size_t)n))
			return false;
	}
	return true;
}

static int on_skip(void *ud, scl_skip_reason why, uint64_t lineno)
{
	struct cli_input *in = ud;

	in->skipped++;
	in->skip_by_reason[why]++;
	if (in->skipped == 1)
		snprintf(in->first_skip, sizeof(in->first_skip), "%s:%llu", in->cur_name, (unsigned long long)lineno);
	if (in->strict) {
		log_error("%s:%llu: malformed SECCOMP record (%s)", in->cur_name, (unsigned long long)lineno,
			  scl_skip_reason_str(why));
		return -ECANCELED;
	}
	return 0;
}

static int on_suppressed(void *ud, uint64_t count, uint64_t lineno)
{
	struct cli_input *in = ud;

	if (in->suppressed == 0)
		snprintf(in->first_suppressed, sizeof(in->first_suppressed), "%s:%llu", in->cur_name,
			 (unsigned long long)lineno);
	in->suppressed += count;
	return 0;
}

/* Group key bytes for a record into buf; returns its length. */
static size_t group_key(const struct cli_input *in, const scl_record *rec, char *buf, size_t size)
{
	int n, m;

	switch (in->group_by) {
	case GROUP_EXE:
		if (!(rec->fields & SCL_F_EXE) || (n = scl_record_decode_str(rec->exe, rec->exe_hex, buf, size)) < 0)
			return 0;
		return (size_t)n;
	case GROUP_COMM:
		if (!(rec->fields & SCL_F_COMM) || (n = scl_record_decode_str(rec->comm, rec->comm_hex, buf, size)) < 0)
			return 0;
		return (size_t)n;
	case GROUP_HOST:
		if (!(rec->fields & SCL_F_HOST) || rec->host.n >= size)
			return 0;
		memcpy(buf, rec->host.p, rec->host.n);
		return rec->host.n;
	case GROUP_EXPLAIN:
		/* "exe\0comm" */
		n = 0;
		if ((rec->fields & SCL_F_EXE) && (n = scl_record_decode_str(rec->exe, rec->exe_hex, buf, size - SCL_MAX_COMM - 2)) < 0)
			n = 0;
		buf[n] = '\0';
		m = 0;
		if ((rec->fields & SCL_F_COMM) &&
		    (m = scl_record_decode_str(rec->comm, rec->comm_hex, buf + n + 1, size - (size_t)n - 1)) < 0)
			m = 0;
		return (size_t)n + 1 + (size_t)m;
	default:
		return 0;
	}
}

#define DEDUP_SLOTS 65536

/*
 * Without auditd, journald stores each record twice: the audit-transport
 * entry (_AUDIT_ID, _SOURCE_REALTIME_TIMESTAMP) and the kernel-transport
 * printk copy (audit(T:S) in MESSAGE).  Both carry the same (serial, time).
 * A bounded table of recent ones finds the copy; it is cleared when full, as
 * the two copies are written close together.
 */
static bool duplicate(struct cli_input *in, const scl_record *rec)
{
	uint64_t ms, h;
	size_t j;

	if (!(rec->fields & SCL_F_TIME) || (rec->framing != SCL_FRAME_JOURNAL_EXPORT &&
					    rec->framing != SCL_FRAME_JOURNAL_JSON && rec->framing != SCL_FRAME_JOURNAL))
		return false;
	if (!in->dedup) {
		in->dedup = calloc(DEDUP_SLOTS, sizeof(*in->dedup));
		if (!in->dedup)
			return false;
	}
	if (in->dedup_len * 2 >= DEDUP_SLOTS) {
		memset(in->dedup, 0, DEDUP_SLOTS * sizeof(*in->dedup));
		in->dedup_len = 0;
	}
	ms = rec->time_sec * 1000 + rec->time_msec + 1;
	h = (rec->serial * 0x9e3779b97f4a7c15ULL) ^ ms;
	h ^= h >> 29;
	for (j = h & (DEDUP_SLOTS - 1); in->dedup[j].ms; j = (j + 1) & (DEDUP_SLOTS - 1))
		if (in->dedup[j].serial == rec->serial && in->dedup[j].ms == ms)
			return true;
	in->dedup[j].serial = rec->serial;
	in->dedup[j].ms = ms;
	in->dedup_len++;
	return false;
}

static int on_record(void *ud, const scl_record *rec, uint64_t lineno)
{
	struct cli_input *in = ud;
	char key[SCL_MAX_EXE + SCL_MAX_COMM + 4];
	size_t kn = 0;
	int r;

	if (duplicate(in, rec)) {
		in->duplicates++;
		return 0;
	}
	in->records++;
	if (!selected(&in->filter, rec))
		return 0;
	in->selected++;
	if (in->group_by != GROUP_NONE)
		kn = group_key(in, rec, key, sizeof(key));
	r = scl_learn_add(in->learn, rec, key, kn);
	if (r == -E2BIG) {
		log_error("%s:%llu: more than %d groups, the limit (SCL_MAX_GROUPS)", in->cur_name,
			  (unsigned long long)lineno, SCL_MAX_GROUPS);
		return r;
	}
	if (r < 0) {
		log_error("out of memory");
		return r;
	}
	return 0;
}

int cli_input_read(struct cli_input *in, char **files, int nfiles)
{
	static char *stdin_only[] = { (char *)"-" };
	const scl_scan_ops ops = { on_record, on_skip, on_suppressed };
	int r;

	if (!in->learn && scl_learn_new(&in->learn) < 0) {
		log_error("out of memory");
		return EXIT_RUNTIME;
	}
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles; i++) {
		scl_reader *rd = NULL;

		r = scl_reader_open(files[i], &rd);
		if (r < 0) {
			log_error("cannot open '%s': %s", files[i], strerror(-r));
			return EXIT_RUNTIME;
		}
		in->cur_name = scl_reader_name(rd);
		in->files++;
		r = scl_scan(rd, &ops, in);
		if (r < 0 && r != -ECANCELED && r != -E2BIG && r != -ENOMEM) {
			if (r == -EBADMSG)
				log_error("cannot read '%s': corrupt gzip data", files[i]);
			else
				log_error("cannot read '%s': %s", files[i], strerror(-r));
		}
		in->cur_name = NULL;
		scl_reader_free(rd);
		if (r < 0)
			return EXIT_RUNTIME;
	}
	return 0;
}

int cli_input_report(const struct cli_input *in)
{
	if (in->skipped) {
		char detail[512];
		size_t off = 0;
		for (int i = 1; i < _SCL_SKIP_MAX; i++) {
			if (!in->skip_by_reason[i])
				continue;
			int k = snprintf(detail + off, sizeof(detail) - off, "%s%llu %s", off ? ", " : "",
					 (unsigned long long)in->skip_by_reason[i], scl_skip_reason_str((scl_skip_reason)i));
			if (k < 0 || (size_t)k >= sizeof(detail) - off)
				break;
			off += (size_t)k;
		}
		log_warn("skipped %llu malformed SECCOMP record%s (%s); first at %s", (unsigned long long)in->skipped,
			 in->skipped == 1 ? "" : "s", detail, in->first_skip);
	}
	if (in->suppressed)
		log_warn("the kernel dropped %llu audit records (kauditd_printk_skb: callbacks suppressed, first at %s); "
			 "the profile may be incomplete",
			 (unsigned long long)in->suppressed, in->first_suppressed);
	if (in->strict && (in->skipped || in->suppressed))
		return EXIT_RUNTIME;
	return 0;
}

void cli_input_free(struct cli_input *in)
{
	cli_filter_free(&in->filter);
	free(in->dedup);
	in->dedup = NULL;
	scl_learn_free(in->learn);
	in->learn = NULL;
}
