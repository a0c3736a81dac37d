/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/profile.h"

/* diff follows diff(1): 0 same, 1 different, 2 trouble. */
#define DIFF_SAME 0
#define DIFF_DIFFERENT 1
#define DIFF_TROUBLE 2

static void help(void)
{
	printf("Usage: scmplog diff [OPTIONS] OLD.json NEW.json\n\n"
	       "Compare two OCI JSON profiles: per architecture (of either profile, with\n"
	       "sub-architectures), the syscalls NEW allows that OLD does not (+) and the\n"
	       "other way round (-); also the default action and the other rules.\n\n"
	       "Options:\n"
	       "      --format FORMAT      text (default) or json\n"
	       "  -q, --quiet              print nothing, only set the exit status\n"
	       "  -h, --help               this text\n\n"
	       "Text output: '+ ARCH: NAME' and '- ARCH: NAME' lines, grouped by architecture\n"
	       "and sorted by name, then a summary line.\n\n"
	       "Exit status: 0 the profiles are the same; 1 they differ; 2 usage error or a\n"
	       "profile could not be read.\n");
}

static bool rules_equal(const scl_profile *a, const scl_profile *b)
{
	if (scl_profile_rule_count(a) != scl_profile_rule_count(b))
		return false;
	for (size_t i = 0; i < scl_profile_rule_count(a); i++)
		if (!scl_profile_rule_equal(scl_profile_rule_at(a, i), scl_profile_rule_at(b, i)))
			return false;
	return true;
}

static void put_action(FILE *f, const scl_profile *p)
{
	fputs(scl_profile_action_name(scl_profile_default_action(p)), f);
	if (scl_profile_default_action(p) == SCL_ACT_ERRNO)
		fprintf(f, " (errno %u)", scl_profile_default_errno(p));
}

static void print_text(const scl_profile *old, const scl_profile *new_, const scl_profile_change *ch,
		       size_t n, bool action_differs, bool rules_differ)
{
	size_t added = 0, removed = 0, n_arches = 0;

	for (size_t i = 0; i < n; i++) {
		printf("%c %s: %s\n", ch[i].added ? '+' : '-', scl_arch_by_token(ch[i].arch)->name,
		       ch[i].name);
		if (ch[i].added)
			added++;
		else
			removed++;
		if (i == 0 || ch[i].arch != ch[i - 1].arch)
			n_arches++;
	}
	if (action_differs) {
		fputs("~ default action: ", stdout);
		put_action(stdout, old);
		fputs(" -> ", stdout);
		put_action(stdout, new_);
		fputc('\n', stdout);
	}
	if (rules_differ)
		printf("~ other rules: %zu -> %zu, not the same\n", scl_profile_rule_count(old),
		       scl_profile_rule_count(new_));
	if (!n && !action_differs && !rules_differ) {
		printf("no differences\n");
		return;
	}
	printf("%zu added, %zu removed on %zu architecture%s%s%s\n", added, removed, n_arches,
	       n_arches == 1 ? "" : "s", action_differs ? ", default action changed" : "",
	       rules_differ ? ", other rules changed" : "");
}

/* Names and architectures are [a-z0-9_] and table names: no JSON escaping needed. */
static void print_json_side(const scl_profile_change *ch, size_t n, bool added)
{
	bool open = false;
	uint32_t arch = 0;

	printf("  \"%s\": {", added ? "added" : "removed");
	for (size_t i = 0; i < n; i++) {
		if (ch[i].added != added)
			continue;
		if (!open || ch[i].arch != arch) {
			printf("%s\n    \"%s\": [\n", open ? "\n    ]," : "",
			       scl_arch_by_token(ch[i].arch)->name);
			open = true;
			arch = ch[i].arch;
		} else {
			fputs(",\n", stdout);
		}
		printf("      \"%s\"", ch[i].name);
	}
	fputs(open ? "\n    ]\n  },\n" : "},\n", stdout);
}

static void print_json(const scl_profile *old, const scl_profile *new_, const scl_profile_change *ch,
		       size_t n, bool action_differs, bool rules_differ)
{
	printf("{\n  \"differ\": %s,\n", n || action_differs || rules_differ ? "true" : "false");
	print_json_side(ch, n, true);
	print_json_side(ch, n, false);
	printf("  \"defaultAction\": {\n    \"old\": \"%s\",\n    \"new\": \"%s\"\n  },\n",
	       scl_profile_action_name(scl_profile_default_action(old)),
	       scl_profile_action_name(scl_profile_default_action(new_)));
	printf("  \"defaultErrnoRet\": {\n    \"old\": %u,\n    \"new\": %u\n  },\n",
	       scl_profile_default_errno(old), scl_profile_default_errno(new_));
	printf("  \"otherRules\": {\n    \"old\": %zu,\n    \"new\": %zu,\n    \"equal\": %s\n  }\n}\n",
	       scl_profile_rule_count(old), scl_profile_rule_count(new_),
	       rules_differ ? "false" : "true");
}

int cmd_diff(int argc, char **argv)
{
	enum { OPT_FORMAT = 0x100 };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(scl_profile_freep) scl_profile *old = NULL;
	_cleanup_(scl_profile_freep) scl_profile *new_ = NULL;
	_cleanup_free_ scl_profile_change *ch = NULL;
	bool json = false, quiet = false, action_differs, rules_differ;
	size_t n;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return cli_finish_stdout() < 0 ? DIFF_TROUBLE : EXIT_OK;
		case 'q':
			quiet = true;
			cli_quiet = 1;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text")) {
				json = false;
			} else if (!strcmp(optarg, "json")) {
				json = true;
			} else {
				log_error("invalid --format '%s': expected text or json", optarg);
				return DIFF_TROUBLE;
			}
			break;
		default:
			fprintf(stderr, "Try 'scmplog diff --help'.\n");
			return DIFF_TROUBLE;
		}
	}
	if (argc - optind != 2) {
		log_error("diff needs two profiles, OLD and NEW; see 'scmplog diff --help'");
		return DIFF_TROUBLE;
	}
	if (cli_profile_read(argv[optind], &old) < 0 || cli_profile_read(argv[optind + 1], &new_) < 0)
		return DIFF_TROUBLE;
	r = scl_profile_diff(old, new_, &ch, &n);
	if (r < 0) {
		log_error("cannot compare profiles: %s", strerror(-r));
		return DIFF_TROUBLE;
	}
	action_differs = scl_profile_default_action(old) != scl_profile_default_action(new_) ||
			 (scl_profile_default_action(old) == SCL_ACT_ERRNO &&
			  scl_profile_default_errno(old) != scl_profile_default_errno(new_));
	rules_differ = !rules_equal(old, new_);
	if (!quiet) {
		if (json)
			print_json(old, new_, ch, n, action_differs, rules_differ);
		else
			print_text(old, new_, ch, n, action_differs, rules_differ);
		if (cli_finish_stdout() < 0) {
			log_error("cannot write to stdout: %m");
			return DIFF_TROUBLE;
		}
	}
	return n || action_differs || rules_differ ? DIFF_DIFFERENT : DIFF_SAME;
}
