/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli-options.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/coverage.h"
#include "scmplog/profile.h"

/* Like diff: 0 the gate passed (or none), 1 it failed, 2 trouble. */
#define COV_PASS 0
#define COV_FAIL 1
#define COV_TROUBLE 2

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog coverage [OPTIONS] PROFILE\n\n"
	       "Is learning done?  From the statistics of the runs PROFILE was learned from\n"
	       "('build', 'run' or 'merge' --stats FILE): the runs, their observation window,\n"
	       "the records each run lost, the syscalls seen in only one or two runs, and an\n"
	       "estimate of the chance that the next run needs a syscall PROFILE lacks.\n\n");
	cli_options_help(stdout, options);
	printf("\n"
	       "The estimate: Chao2 for the syscalls no run showed; (1 - C) U / T, from Chao\n"
	       "and Jost's sample coverage C for incidence data, for the new syscalls the next\n"
	       "run needs; and the gate's number, Good-Turing's Q1/T (Q1: syscalls seen in one\n"
	       "run, T: runs), an upper bound of the chance that it needs one\n"
	       "(scmplog-coverage(1) says which, why, and the limits).  Runs must be\n"
	       "comparable: the same workload, tests or pods of one deployment.\n\n"
	       "Exit status: 0 no gate, or the gates passed; 1 a gate failed; 2 usage error\n"
	       "or a file could not be read.\n");
}

/*
 * A fraction 0..1: digits, optionally '.' and up to 9 digits, nothing else
 * ("0.05", "1", ".5" is refused: write 0.5).
 */
static int parse_fraction(const char *s, double *ret)
{
	uint64_t whole = 0, frac = 0, scale = 1;
	size_t i = 0, nd = 0;

	while (s[i] >= '0' && s[i] <= '9' && i < 2)
		whole = whole * 10 + (uint64_t)(s[i++] - '0');
	if (i == 0)
		return -EINVAL;
	if (s[i] == '.') {
		i++;
		while (s[i] >= '0' && s[i] <= '9' && nd < 9) {
			frac = frac * 10 + (uint64_t)(s[i++] - '0');
			scale *= 10;
			nd++;
		}
		if (nd == 0)
			return -EINVAL;
	}
	if (s[i] != '\0')
		return -EINVAL;
	if (whole > 1 || (whole == 1 && frac))
		return -ERANGE;
	*ret = (double)whole + (double)frac / (double)scale;
	return 0;
}

/* "2026-12-06 06:40:40.123 UTC" (or the ISO form for JSON) */
static void put_time(FILE *f, uint64_t ms, bool iso)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[64];

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm)) {
		fprintf(f, "%" PRIu64 " ms", ms);
		return;
	}
	fprintf(f, "%s.%03u%s", buf, (unsigned)(ms % 1000), iso ? "Z" : " UTC");
}

static void put_duration(FILE *f, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (s >= 86400)
		fprintf(f, "%" PRIu64 " d %" PRIu64 " h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		fprintf(f, "%" PRIu64 " h %" PRIu64 " min", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		fprintf(f, "%" PRIu64 " min %" PRIu64 " s", s / 60, s % 60);
	else
		fprintf(f, "%" PRIu64 ".%03" PRIu64 " s", s, ms % 1000);
}

static const char *status_text(scl_coverage_status st)
{
	switch (st) {
	case SCL_COVERAGE_OK:
		return "ok";
	case SCL_COVERAGE_RUNS_UNKNOWN:
		return "runs unknown";
	case SCL_COVERAGE_TOO_FEW_RUNS:
		return "not enough runs";
	case SCL_COVERAGE_INCONSISTENT:
		return "inconsistent";
	}
	return "?";
}

struct cov {
	const char *profile_path, *stats_path;
	const scl_profile *profile, *stats;
	scl_coverage c;
	scl_profile_syscall *obs;   /* the statistics' syscalls, sorted */
	size_t n_obs;
	size_t allowed;
	/* names, pointing into the profiles */
	const char **rare1, **rare2, **not_observed, **not_allowed;
	size_t n_rare1, n_rare2, n_not_observed, n_not_allowed;
	/* the gate */
	bool has_max_miss, fail_on_loss;
	double max_miss;
	bool miss_failed, loss_failed;
};

static void cov_free(struct cov *v)
{
	free(v->obs);
	free(v->rare1);
	free(v->rare2);
	free(v->not_observed);
	free(v->not_allowed);
}

static int cov_lists(struct cov *v)
{
	_cleanup_free_ scl_profile_syscall *al = NULL;
	size_t n_al;
	int r;

	r = scl_profile_syscalls(v->stats, &v->obs, &v->n_obs);
	if (r < 0)
		return r;
	r = scl_profile_syscalls(v->profile, &al, &n_al);
	if (r < 0)
		return r;
	v->allowed = n_al;
	v->rare1 = calloc(v->n_obs + 1, sizeof(char *));
	v->rare2 = calloc(v->n_obs + 1, sizeof(char *));
	v->not_allowed = calloc(v->n_obs + 1, sizeof(char *));
	v->not_observed = calloc(n_al + 1, sizeof(char *));
	if (!v->rare1 || !v->rare2 || !v->not_allowed || !v->not_observed)
		return -ENOMEM;
	for (size_t i = 0; i < v->n_obs; i++) {
		scl_profile_syscall s;

		if (v->obs[i].runs == 1)
			v->rare1[v->n_rare1++] = v->obs[i].name;
		else if (v->obs[i].runs == 2)
			v->rare2[v->n_rare2++] = v->obs[i].name;
		if (v->obs[i].runs && v->stats != v->profile && scl_profile_get(v->profile, v->obs[i].name, &s) == -ENOENT)
			v->not_allowed[v->n_not_allowed++] = v->obs[i].name;
	}
	for (size_t i = 0; i < n_al; i++) {
		scl_profile_syscall s;

		if (scl_profile_get(v->stats, al[i].name, &s) < 0 || s.runs == 0)
			v->not_observed[v->n_not_observed++] = al[i].name;
	}
	return 0;
}

static void put_names(const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf(" %s", names[i]);
	putchar('\n');
}

static void print_text(const struct cov *v)
{
	const scl_coverage *c = &v->c;
	const scl_profile *st = v->stats;
	uint64_t runs = scl_profile_run_count(st);

	printf("profile: %s (%zu syscalls allowed)\n", v->profile_path, v->allowed);
	if (v->stats_path)
		printf("statistics: %s\n", v->stats_path);
	else
		printf("statistics: none (--stats FILE): the profile counts as one run\n");
	if (c->status == SCL_COVERAGE_RUNS_UNKNOWN)
		printf("runs: unknown (a statistics file without a run list, from an older scmplog); at least %" PRIu64
		       "\n",
		       c->max_incidence);
	else
		printf("runs: %" PRIu64 "\n", runs);
	if (c->has_window) {
		fputs("window: ", stdout);
		put_time(stdout, c->first_ms, false);
		fputs(" .. ", stdout);
		put_time(stdout, c->last_ms, false);
		fputs(" (", stdout);
		put_duration(stdout, c->last_ms - c->first_ms);
		printf("; known for %" PRIu64 " of %" PRIu64 " runs)\n", c->runs_window_known, runs);
	} else {
		printf("window: unknown\n");
	}
	if (c->status == SCL_COVERAGE_RUNS_UNKNOWN)
		printf("lost records: unknown\n");
	else if (c->runs_loss_known == 0)
		printf("lost records: unknown for every run\n");
	else
		printf("lost records: %" PRIu64 " in %" PRIu64 " of the %" PRIu64 " runs whose loss is known%s\n",
		       c->lost, c->runs_lossy, c->runs_loss_known,
		       c->runs_loss_known < runs ? " (unknown for the others)" : "");
	for (size_t i = 0; i < scl_profile_run_info_count(st); i++) {
		const scl_profile_run *run = scl_profile_run_info_at(st, i);

		if (run->has_lost && run->lost)
			printf("  run %zu lost %" PRIu64 " record%s\n", i + 1, run->lost, run->lost == 1 ? "" : "s");
	}
	printf("syscalls seen: %" PRIu64 " (%" PRIu64 " incidences: a syscall counts once per run that saw it)\n",
	       c->observed, c->incidences);
	printf("seen in 1 run: %zu", v->n_rare1);
	put_names(v->rare1, v->n_rare1);
	printf("seen in 2 runs: %zu", v->n_rare2);
	put_names(v->rare2, v->n_rare2);
	if (v->n_not_observed) {
		printf("allowed, seen in no run: %zu", v->n_not_observed);
		put_names(v->not_observed, v->n_not_observed);
	}
	if (v->n_not_allowed) {
		printf("seen, not allowed by the profile: %zu", v->n_not_allowed);
		put_names(v->not_allowed, v->n_not_allowed);
	}
	switch (c->status) {
	case SCL_COVERAGE_OK:
		printf("estimate (Chao2, %ssample coverage for incidence data):\n",
		       c->bias_corrected ? "bias-corrected as Q2 = 0; " : "");
		printf("  syscalls no run showed: %.1f (of %.1f in all)\n", c->undetected, c->chao2);
		printf("  sample coverage: %.4f\n", c->sample_coverage);
		printf("  new syscalls the next run needs (Chao): %.4f expected\n", c->new_next);
		printf("  next run needs a syscall the profile lacks: chance at most %.4f (Good-Turing, Q1/T)\n",
		       c->miss);
		break;
	case SCL_COVERAGE_TOO_FEW_RUNS:
		printf("estimate: not enough runs (%" PRIu64 "; at least %d)\n", runs, SCL_COVERAGE_MIN_RUNS);
		break;
	case SCL_COVERAGE_RUNS_UNKNOWN:
		printf("estimate: none: the number of runs is not known\n");
		break;
	case SCL_COVERAGE_INCONSISTENT:
		printf("estimate: none: the statistics are inconsistent (a syscall seen in more runs than were counted)\n");
		break;
	}
	if (v->has_max_miss)
		printf("gate --max-miss %g: %s\n", v->max_miss, v->miss_failed ? "failed" : "passed");
	if (v->fail_on_loss)
		printf("gate --fail-on-loss: %s\n", v->loss_failed ? "failed" : "passed");
}

static void put_json_names(const char *key, const char *const *names, size_t n, bool last)
{
	printf("  \"%s\": [", key);
	for (size_t i = 0; i < n; i++)
		printf("%s\"%s\"", i ? ", " : "", names[i]);
	printf("]%s\n", last ? "" : ",");
}

static void put_json_count(bool has, uint64_t v)
{
	if (has)
		printf("%" PRIu64, v);
	else
		fputs("null", stdout);
}

static void print_json(const struct cov *v)
{
	const scl_coverage *c = &v->c;
	const scl_profile *st = v->stats;
	bool known = c->status != SCL_COVERAGE_RUNS_UNKNOWN;
	uint64_t runs = scl_profile_run_count(st), plain = runs - scl_profile_run_info_count(st);

	printf("{\n  \"stats\": %s,\n", v->stats_path ? "true" : "false");
	printf("  \"allowed\": %zu,\n  \"runs\": ", v->allowed);
	put_json_count(known, runs);
	printf(",\n  \"runsAtLeast\": %" PRIu64 ",\n", known ? runs : c->max_incidence);
	printf("  \"window\": ");
	if (c->has_window) {
		printf("{ \"first\": \"");
		put_time(stdout, c->first_ms, true);
		printf("\", \"last\": \"");
		put_time(stdout, c->last_ms, true);
		printf("\", \"seconds\": %" PRIu64 ".%03" PRIu64 ", \"runsKnown\": %" PRIu64 " },\n",
		       (c->last_ms - c->first_ms) / 1000, (c->last_ms - c->first_ms) % 1000, c->runs_window_known);
	} else {
		printf("null,\n");
	}
	printf("  \"lost\": { \"records\": %" PRIu64 ", \"runsLossy\": %" PRIu64 ", \"runsKnown\": %" PRIu64
	       ", \"perRun\": [",
	       c->lost, c->runs_lossy, c->runs_loss_known);
	if (known) {
		size_t k = 0;

		for (size_t i = 0; i < scl_profile_run_info_count(st); i++, k++) {
			const scl_profile_run *run = scl_profile_run_info_at(st, i);

			fputs(k ? ", " : "", stdout);
			put_json_count(run->has_lost, run->lost);
		}
		for (uint64_t i = 0; i < plain; i++, k++)
			fputs(k ? ", null" : "null", stdout);
	}
	printf("] },\n");
	printf("  \"observed\": %" PRIu64 ",\n  \"incidences\": %" PRIu64 ",\n", c->observed, c->incidences);
	put_json_names("seenInOneRun", v->rare1, v->n_rare1, false);
	put_json_names("seenInTwoRuns", v->rare2, v->n_rare2, false);
	put_json_names("allowedNotSeen", v->not_observed, v->n_not_observed, false);
	put_json_names("seenNotAllowed", v->not_allowed, v->n_not_allowed, false);
	printf("  \"estimate\": {\n    \"status\": \"%s\",\n    \"minRuns\": %d,\n    \"q1\": %" PRIu64
	       ",\n    \"q2\": %" PRIu64 ",\n",
	       status_text(c->status), SCL_COVERAGE_MIN_RUNS, c->q1, c->q2);
	if (c->status == SCL_COVERAGE_OK)
		printf("    \"estimator\": \"chao2%s\",\n    \"undetected\": %.6f,\n    \"chao2\": %.6f,\n"
		       "    \"sampleCoverage\": %.6f,\n    \"expectedNew\": %.6f,\n    \"miss\": %.6f\n",
		       c->bias_corrected ? "-bias-corrected" : "", c->undetected, c->chao2, c->sample_coverage,
		       c->new_next, c->miss);
	else
		printf("    \"estimator\": null,\n    \"undetected\": null,\n    \"chao2\": null,\n"
		       "    \"sampleCoverage\": null,\n    \"expectedNew\": null,\n    \"miss\": null\n");
	printf("  },\n  \"gate\": { \"maxMiss\": ");
	if (v->has_max_miss)
		printf("%g", v->max_miss);
	else
		fputs("null", stdout);
	printf(", \"failOnLoss\": %s, \"passed\": %s }\n}\n", v->fail_on_loss ? "true" : "false",
	       v->miss_failed || v->loss_failed ? "false" : "true");
}

/* --max-miss P: opt->value is the struct cov */
static int max_miss_cb(const struct cli_option *opt, const char *arg)
{
	struct cov *v = opt->value;

	if (parse_fraction(arg, &v->max_miss) < 0) {
		log_error("invalid --max-miss '%s': expected a fraction from 0 to 1 (0.05)", arg);
		return -1;
	}
	v->has_max_miss = true;
	return 0;
}

int cmd_coverage(int argc, char **argv)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_profile_freep) scl_profile *st = NULL;
	struct cov v = { 0 };
	int json = 0, first, r, rc = COV_TROUBLE;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPT_STRING(0, "stats", &v.stats_path, "FILE",
			       "the statistics file of PROFILE (without it PROFILE\n"
			       "counts as one run: no estimate)"),
		CLI_OPT_REPORT_FORMAT(&json),
		CLI_OPT_CALLBACK(0, "max-miss", max_miss_cb, &v, 0, "P",
				 "fail (exit 1) when the estimated chance that the next\n"
				 "run needs a syscall PROFILE lacks is above P (0 to 1),\n"
				 "or when there is no estimate (fewer than " CLI_STR(SCL_COVERAGE_MIN_RUNS) " runs,\n"
				 "statistics without a run list)"),
		CLI_OPT_FLAG(0, "fail-on-loss", &v.fail_on_loss, "fail (exit 1) when a run lost records"),
		CLI_OPT_QUIET("print nothing, only set the exit status"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "coverage", options, help, 0 };

	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		return rc == EXIT_OK ? EXIT_OK : COV_TROUBLE;
	if (argc - first != 1) {
		log_error("coverage needs one profile; see 'scmplog coverage --help'");
		return COV_TROUBLE;
	}
	v.profile_path = argv[first];
	if (cli_profile_read(v.profile_path, &p) < 0)
		return COV_TROUBLE;
	v.profile = p;
	v.stats = p;
	if (v.stats_path) {
		char err[512] = "";

		r = scl_profile_read_stats_file(v.stats_path, &st, err, sizeof(err));
		if (r < 0) {
			log_error("cannot read statistics '%s': %s", v.stats_path, err[0] ? err : strerror(-r));
			return COV_TROUBLE;
		}
		v.stats = st;
	}
	r = scl_coverage_compute(v.stats, &v.c);
	if (r >= 0)
		r = cov_lists(&v);
	if (r < 0) {
		log_error("cannot compute the coverage: %s", strerror(-r));
		goto out;
	}
	/* No estimate is no pass: a gate that cannot tell fails. */
	v.miss_failed = v.has_max_miss && (v.c.status != SCL_COVERAGE_OK || v.c.miss > v.max_miss);
	v.loss_failed = v.fail_on_loss && v.c.runs_lossy > 0;
	if (!cli_quiet) {
		if (json)
			print_json(&v);
		else
			print_text(&v);
		if (cli_finish_stdout() < 0) {
			log_error("cannot write to stdout: %m");
			goto out;
		}
	}
	if (v.miss_failed && !cli_quiet) {
		if (v.c.status == SCL_COVERAGE_OK)
			log_error("the chance that the next run needs a syscall the profile lacks, %.4f, is above --max-miss %g",
				  v.c.miss, v.max_miss);
		else if (v.c.status == SCL_COVERAGE_RUNS_UNKNOWN)
			log_error("no estimate for --max-miss %g: the statistics file has no run list (an older "
				  "scmplog's): start a new one",
				  v.max_miss);
		else if (v.c.status == SCL_COVERAGE_TOO_FEW_RUNS)
			log_error("no estimate for --max-miss %g: not enough runs (%" PRIu64 "; at least %d)%s",
				  v.max_miss, v.c.runs, SCL_COVERAGE_MIN_RUNS,
				  v.stats_path ? "" : ": give the runs' statistics with --stats FILE");
		else
			log_error("no estimate for --max-miss %g: the statistics are inconsistent", v.max_miss);
	}
	if (v.loss_failed && !cli_quiet)
		log_error("%" PRIu64 " of the runs lost records (%" PRIu64 " in all): the profile may lack what they held",
			  v.c.runs_lossy, v.c.lost);
	rc = v.miss_failed || v.loss_failed ? COV_FAIL : COV_PASS;
out:
	cov_free(&v);
	return rc;
}
