/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Record selection shared by build, explain, review and run (cli-filter.h):
 * the --pid/--exe/--comm/--uid/--host/--since/--until options, their TIME
 * format, --assume-arch, and whether a record passes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli-filter.h"
#include "cli/cli.h"
#include "scmplog/arch.h"
#include "scmplog/limits.h"
#include "scmplog/num.h"
#include "scmplog/record.h"

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

/* Parse TIME (cli-filter.h's --since, --until) into epoch milliseconds. */
static int cli_parse_time(const char *s, uint64_t *ret_ms)
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

/*
 * Handle one of the options (opt: OPT_PID...): returns 1 if the option was a
 * filter option and consumed, 0 if not ours, -1 after logging a usage error.
 */
static int cli_filter_option(struct cli_filter *f, int opt, const char *arg)
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
	case OPT_ASSUME_ARCH: {
		const scl_arch_info *a = scl_arch_by_name(arg);
		if (!a) {
			log_error("invalid --assume-arch '%s': expected an architecture (x86_64, x86, aarch64, arm, ...)", arg);
			return -1;
		}
		f->assume_arch = a->token;
		scl_record_set_assume_arch(a->token);
		break;
	}
	default:
		return 0;
	}
	if (r < 0) {
		log_error("out of memory");
		return -1;
	}
	return 1;
}

int cli_filter_option_cb(const struct cli_option *opt, const char *arg)
{
	return cli_filter_option(opt->value, opt->id, arg) < 0 ? -1 : 0;
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

bool cli_filter_selected(const struct cli_filter *f, const scl_record *rec)
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
