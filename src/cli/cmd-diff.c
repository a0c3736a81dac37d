/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-options.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "lib/util.h"
#include "scmplog/arch.h"
#include "scmplog/profile.h"
#include "scmplog/syscall-groups.h"

/* diff follows diff(1): 0 same, 1 different, 2 trouble. */
#define DIFF_SAME 0
#define DIFF_DIFFERENT 1
#define DIFF_TROUBLE 2

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog diff [OPTIONS] OLD.json NEW.json\n\n"
	       "Compare two OCI JSON profiles: per architecture (of either profile, with\n"
	       "sub-architectures), the syscalls NEW allows that OLD does not (+) and the\n"
	       "other way round (-); also the default action and the other rules.\n\n");
	cli_options_help(stdout, options);
	printf("\nText output, for people and CI logs: per architecture a header line, then\n"
	       "'+ ARCH: NAME' and '- ARCH: NAME' lines grouped by systemd's syscall groups\n"
	       "(@mount, @privileged, @network-io, @file-system, ...; risky groups first;\n"
	       "see systemd-analyze syscall-filter), sorted by name.  An architecture with\n"
	       "the same changes as one before it is one line.  An added syscall that\n"
	       "Docker's default profile blocks (mount, unshare, bpf, ptrace, keyctl, ...) is\n"
	       "marked '[risk: ...]' and listed with the reason before the summary line.\n"
	       "JSON output, for machines: \"added\" and \"removed\" names per architecture,\n"
	       "the default actions, the other rules, and per changed syscall its group and\n"
	       "whether Docker's default profile blocks it (\"syscalls\", \"riskyAdded\").\n\n"
	       "Exit status: 0 the profiles are the same; 1 they differ; 2 usage error or a\n"
	       "profile could not be read.\n");
}

/* "any" when neither profile lists architectures (scl_profile_diff() uses arch 0). */
static const char *arch_name(uint32_t token)
{
	const scl_arch_info *a = scl_arch_by_token(token);

	return a ? a->name : "any";
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

/* One architecture's changes: ch[start, end). */
struct arch_block {
	size_t start, end;
	size_t added, removed;
	size_t same_as; /* index of an earlier block with the same changes, or SIZE_MAX */
};

static bool same_changes(const scl_profile_change *ch, const struct arch_block *x,
			 const struct arch_block *y)
{
	if (x->end - x->start != y->end - y->start)
		return false;
	for (size_t i = 0; i < x->end - x->start; i++)
		if (ch[x->start + i].added != ch[y->start + i].added ||
		    strcmp(ch[x->start + i].name, ch[y->start + i].name))
			return false;
	return true;
}

/* Split the changes (ordered by architecture) into blocks; *ret is malloc'd. */
static int arch_blocks(const scl_profile_change *ch, size_t n, struct arch_block **ret, size_t *ret_n)
{
	struct arch_block *b = calloc(n ? n : 1, sizeof(*b));
	size_t nb = 0;

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || ch[i].arch != ch[i - 1].arch) {
			b[nb].start = i;
			nb++;
		}
		b[nb - 1].end = i + 1;
		if (ch[i].added)
			b[nb - 1].added++;
		else
			b[nb - 1].removed++;
	}
	for (size_t i = 0; i < nb; i++) {
		b[i].same_as = SIZE_MAX;
		for (size_t j = 0; j < i && b[i].same_as == SIZE_MAX; j++)
			if (b[j].same_as == SIZE_MAX && same_changes(ch, &b[i], &b[j]))
				b[i].same_as = j;
	}
	*ret = b;
	*ret_n = nb;
	return 0;
}

struct grouped {
	const scl_profile_change *c;
	const scl_sysgroup *g;
	size_t rank;
};

static int cmp_grouped(const void *a, const void *b)
{
	const struct grouped *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->c->name, y->c->name);
}

static void put_counts(size_t added, size_t removed)
{
	if (added)
		printf("%zu added", added);
	if (added && removed)
		fputs(", ", stdout);
	if (removed)
		printf("%zu removed", removed);
}

static void print_block(const scl_profile_change *ch, const struct arch_block *b, struct grouped *tmp)
{
	size_t n = b->end - b->start;

	for (size_t i = 0; i < n; i++) {
		tmp[i].c = &ch[b->start + i];
		tmp[i].g = scl_sysgroup_of(tmp[i].c->name);
		tmp[i].rank = scl_sysgroup_rank(tmp[i].g);
	}
	qsort(tmp, n, sizeof(*tmp), cmp_grouped);
	for (size_t i = 0; i < n; i++) {
		const scl_docker_blocked *d = tmp[i].c->added ? scl_docker_blocked_lookup(tmp[i].c->name) : NULL;

		if (i == 0 || tmp[i].rank != tmp[i - 1].rank) {
			if (tmp[i].g)
				printf("  %s (%s)\n", tmp[i].g->name, tmp[i].g->description);
			else
				fputs("  (in no systemd group)\n", stdout);
		}
		printf("%c %s: %s", tmp[i].c->added ? '+' : '-', arch_name(tmp[i].c->arch), tmp[i].c->name);
		if (d && !d->conditional)
			fputs("  [risk: Docker's default profile blocks it]", stdout);
		else if (d)
			fputs("  [note: Docker's default profile allows it only with restricted arguments]",
			      stdout);
		fputc('\n', stdout);
	}
}

/* The added syscalls Docker's default profile blocks outright, each name once. */
static void print_risks(const scl_profile_change *ch, size_t n)
{
	size_t risky = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const scl_docker_blocked *d;
			bool seen = false;

			if (!ch[i].added || !(d = scl_docker_blocked_lookup(ch[i].name)) || d->conditional)
				continue;
			for (size_t j = 0; j < i && !seen; j++)
				seen = ch[j].added && !strcmp(ch[j].name, ch[i].name);
			if (seen)
				continue;
			if (pass == 0) {
				risky++;
				continue;
			}
			printf("!   %s: %s\n", d->name, d->reason);
		}
		if (pass == 0 && !risky)
			return;
		if (pass == 0)
			printf("! risk: %zu added syscall%s %s blocked by Docker's default seccomp profile:\n",
			       risky, risky == 1 ? "" : "s", risky == 1 ? "is" : "are");
	}
}

static int print_text(const scl_profile *old, const scl_profile *new_, const scl_profile_change *ch,
		      size_t n, bool action_differs, bool rules_differ)
{
	_cleanup_free_ struct arch_block *b = NULL;
	_cleanup_free_ struct grouped *tmp = NULL;
	size_t added = 0, removed = 0, nb = 0;
	int r;

	r = arch_blocks(ch, n, &b, &nb);
	if (r < 0)
		return r;
	tmp = calloc(n ? n : 1, sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (size_t i = 0; i < nb; i++) {
		printf("%s: ", arch_name(ch[b[i].start].arch));
		added += b[i].added;
		removed += b[i].removed;
		if (b[i].same_as != SIZE_MAX) {
			printf("the same changes as %s\n", arch_name(ch[b[b[i].same_as].start].arch));
			continue;
		}
		put_counts(b[i].added, b[i].removed);
		fputc('\n', stdout);
		print_block(ch, &b[i], tmp);
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
		return 0;
	}
	print_risks(ch, n);
	printf("%zu added, %zu removed on %zu architecture%s%s%s\n", added, removed, nb,
	       nb == 1 ? "" : "s", action_differs ? ", default action changed" : "",
	       rules_differ ? ", other rules changed" : "");
	return 0;
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
			printf("%s\n    \"%s\": [\n", open ? "\n    ]," : "", arch_name(ch[i].arch));
			open = true;
			arch = ch[i].arch;
		} else {
			fputs(",\n", stdout);
		}
		printf("      \"%s\"", ch[i].name);
	}
	fputs(open ? "\n    ]\n  },\n" : "},\n", stdout);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Per changed name: its display group and Docker's verdict.  Group names,
 * descriptions and reasons are constant ASCII without quotes or backslashes
 * (tests/unit/test-syscall-groups.c checks): no escaping needed.
 */
static int print_json_syscalls(const scl_profile_change *ch, size_t n)
{
	_cleanup_free_ const char **names = calloc(n ? n : 1, sizeof(*names));
	size_t nn = 0, risky = 0;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		names[i] = ch[i].name;
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[nn - 1]))
			names[nn++] = names[i];
	fputs("  \"syscalls\": {", stdout);
	for (size_t i = 0; i < nn; i++) {
		const scl_sysgroup *g = scl_sysgroup_of(names[i]);
		const scl_docker_blocked *d = scl_docker_blocked_lookup(names[i]);

		printf("%s\n    \"%s\": {\n      \"group\": ", i ? "," : "", names[i]);
		if (g)
			printf("\"%s\",\n", g->name);
		else
			fputs("null,\n", stdout);
		printf("      \"dockerBlocked\": %s", d ? "true" : "false");
		if (d)
			printf(",\n      \"dockerConditional\": %s,\n      \"dockerReason\": \"%s\"",
			       d->conditional ? "true" : "false", d->reason);
		fputs("\n    }", stdout);
	}
	fputs(nn ? "\n  },\n" : "},\n", stdout);
	fputs("  \"riskyAdded\": [", stdout);
	for (size_t i = 0; i < nn; i++) {
		const scl_docker_blocked *d = scl_docker_blocked_lookup(names[i]);
		bool added = false;

		if (!d || d->conditional)
			continue;
		for (size_t j = 0; j < n && !added; j++)
			added = ch[j].added && !strcmp(ch[j].name, names[i]);
		if (added)
			printf("%s\n    \"%s\"", risky++ ? "," : "", names[i]);
	}
	fputs(risky ? "\n  ]\n" : "]\n", stdout);
	return 0;
}

static int print_json(const scl_profile *old, const scl_profile *new_, const scl_profile_change *ch,
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
	printf("  \"otherRules\": {\n    \"old\": %zu,\n    \"new\": %zu,\n    \"equal\": %s\n  },\n",
	       scl_profile_rule_count(old), scl_profile_rule_count(new_),
	       rules_differ ? "false" : "true");
	if (print_json_syscalls(ch, n) < 0)
		return -ENOMEM;
	fputs("}\n", stdout);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	_cleanup_(scl_profile_freep) scl_profile *old = NULL;
	_cleanup_(scl_profile_freep) scl_profile *new_ = NULL;
	_cleanup_free_ scl_profile_change *ch = NULL;
	bool action_differs, rules_differ;
	int json = 0, first, rc, r;
	size_t n;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPT_REPORT_FORMAT(&json),
		CLI_OPT_QUIET("print nothing, only set the exit status"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "diff", options, help, 0 };

	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		return rc == EXIT_OK ? EXIT_OK : DIFF_TROUBLE;
	if (argc - first != 2) {
		log_error("diff needs two profiles, OLD and NEW; see 'scmplog diff --help'");
		return DIFF_TROUBLE;
	}
	if (cli_profile_read(argv[first], &old) < 0 || cli_profile_read(argv[first + 1], &new_) < 0)
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
	if (!cli_quiet) {
		if (json)
			r = print_json(old, new_, ch, n, action_differs, rules_differ);
		else
			r = print_text(old, new_, ch, n, action_differs, rules_differ);
		if (r < 0) {
			log_error("cannot compare profiles: %s", strerror(-r));
			return DIFF_TROUBLE;
		}
		if (cli_finish_stdout() < 0) {
			log_error("cannot write to stdout: %m");
			return DIFF_TROUBLE;
		}
	}
	return n || action_differs || rules_differ ? DIFF_DIFFERENT : DIFF_SAME;
}
