/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli-input.h"
#include "cli/cli-options.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "cli/review.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/learn.h"
#include "scmplog/profile.h"
#include "scmplog/syscall-groups.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog review [OPTIONS] OLD.json NEW.json\n"
	       "       scmplog review [OPTIONS] --since-profile PROFILE.json [FILE...]\n\n"
	       "Review new syscalls one by one, in the manner of AppArmor's aa-logprof, and\n"
	       "write the profile that results.  The syscalls are those NEW allows and OLD\n"
	       "does not; or, with --since-profile, those that the SECCOMP records in FILEs\n"
	       "(input as for 'scmplog build': logged in learning or complain mode, or denied\n"
	       "by an enforcing profile) show used and PROFILE does not allow.  They come\n"
	       "grouped by systemd's syscall groups (@mount, @privileged, @network-io,\n"
	       "@file-system, ...; risky groups first), each with the architectures, the\n"
	       "programs (exe) that used it, and a warning when Docker's default profile\n"
	       "blocks it.  For each, answer:\n"
	       "  a  allow: add it to the profile\n"
	       "  d  deny: keep it out, and list it in the profile in a rule with the default\n"
	       "     action and the comment \"" REVIEW_DENY_COMMENT "\", so that its denials\n"
	       "     are expected: later reviews count them and do not review_ask again\n"
	       "  s  skip: leave it out for now; the next review asks again\n"
	       "  A  allow it and the rest of its group   D  deny it and the rest of its group\n"
	       "  f  finish: skip what is left and write the profile\n"
	       "  q  quit: write nothing\n"
	       "  ?  this list\n"
	       "On a terminal one key answers; otherwise answers are read from standard\n"
	       "input, one per line (the first letter counts; an empty line skips), so a\n"
	       "review can be scripted.  At the end of input the rest is skipped.  When the\n"
	       "records come from standard input, answers are read from /dev/tty.\n"
	       "Questions go to standard error.\n\n"
	       "The profile written is OLD (or PROFILE) with the allowed syscalls added\n"
	       "(on the architectures NEW allows them on) and the denied ones in the\n"
	       "review rule; OLD's default action, other rules and counts are kept.\n\n");
	cli_options_help(stdout, options);
	printf("\nExit status: 0 the profile was written; 1 an error, or quit without writing;\n"
	       "2 usage error.\n");
}

/* ------------------------------------------------------------ the command */

/*
 * One byte order in the result, as merge does without --arch: an archMap
 * gives this machine's entry; profiles that together list both byte orders
 * keep this machine's.  b and its path may be NULL.  -ENOMEM (logged).
 */
static int narrow_inputs(scl_profile *a, const char *a_path, scl_profile *b, const char *b_path)
{
	scl_profile *v[2] = { a, b };
	const char *paths[2] = { a_path, b_path };
	uint32_t native = scl_arch_native();
	bool le = false, be = false;
	char what[4200];

	for (size_t i = 0; i < 2 && v[i]; i++) {
		snprintf(what, sizeof(what), "'%s'", !strcmp(paths[i], "-") ? "stdin" : paths[i]);
		if (scl_profile_has_arch_map(v[i]) && cli_profile_narrow(v[i], native, what, false) < 0)
			return -ENOMEM;
		for (size_t k = 0; k < scl_profile_arch_count(v[i]); k++)
			*(scl_arch_little_endian(scl_profile_arch_at(v[i], k)) ? &le : &be) = true;
	}
	for (size_t i = 0; i < 2 && v[i] && le && be; i++) {
		snprintf(what, sizeof(what), "'%s'", !strcmp(paths[i], "-") ? "stdin" : paths[i]);
		if (cli_profile_narrow(v[i], native, what, false) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Was any record selection (or --assume-arch) given? */
static bool filter_given(const struct cli_filter *f)
{
	return f->n_pids || f->n_exes || f->n_comms || f->n_uids || f->n_hosts || f->has_since || f->has_until ||
	       f->assume_arch;
}

int cmd_review(int argc, char **argv)
{
	struct cli_input in = { .group_by = GROUP_EXPLAIN };
	struct cli_profile_out out;
	struct review rv = { 0 };
	struct review_ui ui = { .fd = -1 };
	_cleanup_(scl_profile_freep) scl_profile *base = NULL;
	_cleanup_(scl_profile_freep) scl_profile *new_ = NULL;
	_cleanup_(scl_profile_freep) scl_profile *result = NULL;
	scl_mapper *m = NULL;
	const char *since = NULL;
	bool records_on_stdin = false, filtered;
	uint64_t unknown = 0;
	size_t counts[4] = { 0 };
	int first, r, rc = EXIT_RUNTIME;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPT_STRING(0, "since-profile", &since, "PROFILE", "review the records in FILEs against PROFILE"),
		CLI_OPTS_PROFILE_OUT(&out),
		CLI_OPT_FLAG(0, "strict", &in.strict, "fail on the first malformed record"),
		CLI_OPT_QUIET("no summary on stderr"),
		CLI_OPT_HELP(),
		CLI_OPTS_FILTER(&in.filter),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "review", options, help, 0 };

	cli_profile_out_init(&out);
	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		goto out;
	rc = EXIT_RUNTIME;
	filtered = filter_given(&in.filter);
	if (!since && argc - first != 2) {
		log_error("review needs OLD and NEW profiles, or --since-profile PROFILE and logs; see 'scmplog review --help'");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!since && (filtered || in.strict)) {
		log_error("record selection and --strict apply to --since-profile only");
		rc = EXIT_USAGE;
		goto out;
	}
	if (since) {
		records_on_stdin = argc == first;
		for (int i = first; i < argc; i++)
			if (!strcmp(argv[i], "-"))
				records_on_stdin = true;
		/* -o over OLD or --since-profile is the update in place; over a log it is a mistake */
		for (int i = first; i < argc; i++)
			if (cli_refuse_same_file(out.output, "-o", argv[i], "the input file") < 0) {
				rc = EXIT_USAGE;
				goto out;
			}
		if (records_on_stdin && argc == first &&
		    cli_refuse_same_file(out.output, "-o", "-", "the input file") < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
	}

	if (cli_profile_read(since ? since : argv[first], &base) < 0)
		goto out;
	rv.base = base;
	if (!since) {
		if (cli_profile_read(argv[first + 1], &new_) < 0)
			goto out;
		/* the result is one machine's: of an archMap this one's entry, one byte order (merge's rule) */
		if (narrow_inputs(base, argv[first], new_, argv[first + 1]) < 0)
			goto out;
		r = review_collect_profiles(&rv, base, new_);
	} else {
		if (narrow_inputs(base, since, NULL, NULL) < 0)
			goto out;
		if (scl_mapper_new(&m) < 0)
			goto oom;
		rc = cli_input_read(&in, argv + first, argc - first);
		if (rc)
			goto out;
		rc = EXIT_RUNTIME;
		r = review_collect_records(&rv, base, in.learn, m, &unknown);
	}
	if (r < 0)
		goto fail_r;
	/* qsort's base must not be NULL, even for no elements */
	if (rv.n > 1)
		qsort(rv.items, rv.n, sizeof(*rv.items), review_cmp_item);
	for (size_t i = 0; i < rv.n; i++)
		if (rv.items[i].n_users > 1)
			qsort(rv.items[i].users, rv.items[i].n_users, sizeof(*rv.items[i].users), review_cmp_user);
	if (unknown)
		log_warn("%llu record%s of syscalls libseccomp cannot name left out of the review",
			 (unsigned long long)unknown, unknown == 1 ? "" : "s");
	if (rv.n_expected)
		log_info("%zu syscall%s denied on purpose by the profile's rules (%llu record%s): expected, not asked",
			 rv.n_expected, rv.n_expected == 1 ? "" : "s", (unsigned long long)rv.expected,
			 rv.expected == 1 ? "" : "s");

	if (rv.n == 0) {
		log_info("nothing to review: no syscall is new%s", since ? " in these records" : " in NEW");
	} else {
		size_t groups = 0;

		for (size_t i = 0; i < rv.n; i++)
			groups += i == 0 || rv.items[i].rank != rv.items[i - 1].rank;
		if (review_ui_open(&ui, records_on_stdin) < 0)
			goto out;
		fprintf(stderr, "scmplog review: %zu new syscall%s in %zu group%s.  ? explains the answers.\n",
			rv.n, rv.n == 1 ? "" : "s", groups, groups == 1 ? "" : "s");
		r = review_ask(&rv, &ui);
		review_ui_close(&ui);
		if (r < 0)
			goto fail_r;
		if (r > 0) {
			log_error("review quit: nothing written");
			goto out;
		}
	}
	for (size_t i = 0; i < rv.n; i++)
		counts[rv.items[i].d]++;
	r = review_build_result(&rv, &result);
	if (r < 0)
		goto fail_r;
	if (cli_profile_write(&out, result) < 0)
		goto out;
	if (rv.n)
		log_info("review: %zu allowed, %zu denied, %zu skipped", counts[ALLOW], counts[DENY], counts[SKIP]);
	if (since)
		rc = cli_input_report(&in);
	else
		rc = EXIT_OK;
	goto out;
fail_r:
	if (r == -ENOMEM)
		goto oom;
	log_error("cannot review: %s", strerror(-r));
	goto out;
oom:
	log_error("out of memory");
	rc = EXIT_RUNTIME;
out:
	review_ui_close(&ui);
	review_free(&rv);
	scl_mapper_free(m);
	cli_input_free(&in);
	cli_profile_out_free(&out);
	return rc;
}
