/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-options.h"
#include "cli/cli.h"
#include "unit-util.h"

/* What the table below stores, reset before each case. */
static struct values {
	const char *output, *out_dir;
	unsigned jobs;
	uint64_t interval;
	int split;
	bool all;
	int arches;
	char arch_seen[64];
	int helped;
} V;

static int arch_cb(const struct cli_option *opt, const char *arg)
{
	struct values *v = opt->value;

	if (strcmp(arg, "x86_64") && strcmp(arg, "aarch64")) {
		log_error("unknown architecture '%s'", arg);
		return -1;
	}
	v->arches++;
	strncat(v->arch_seen, arg, sizeof(v->arch_seen) - strlen(v->arch_seen) - 1);
	return 0;
}

static int refuse_cb(const struct cli_option *opt, const char *arg)
{
	log_error("--%s: refused (%s)", opt->long_name, arg);
	return -1;
}

static void help(const struct cli_option *options)
{
	V.helped++;
	printf("Usage: scmplog t [OPTIONS] [FILE...]\n\n");
	cli_options_help(stdout, options);
}

static const struct cli_option_choice splits[] = { { "exe", 1 }, { "comm", 2 }, { "host", 3 }, { NULL, 0 } };

static const struct cli_option options[] = {
	CLI_OPT_GROUP("Output:", 0),
	CLI_OPT_STRING('o', "output", &V.output, "FILE", "write to FILE"),
	CLI_OPT_STRING(0, "out-dir", &V.out_dir, "DIR", "the directory"),
	CLI_OPT_UINT('j', "jobs", &V.jobs, 1, 1024, NULL, "N", "threads"),
	CLI_OPT_UINT(0, "interval", &V.interval, 1, 86400, "seconds", "SEC", "write every SEC seconds,\n1..86400"),
	CLI_OPT_ENUM(0, "split-by", &V.split, splits, "KEY", "exe, comm or host"),
	CLI_OPT_FLAG(0, "all", &V.all, "every one"),
	CLI_OPT_CALLBACK('a', "arch", arch_cb, &V, 0, "ARCH", "an architecture (repeatable)"),
	CLI_OPT_CALLBACK(0, "namespace", refuse_cb, NULL, 0, "NS", NULL),
	CLI_OPT_QUIET("no summary"),
	CLI_OPT_VERBOSE("more"),
	CLI_OPT_HELP(),
	CLI_OPT_GROUP("Long ones:", 20),
	CLI_OPT_FLAG(0, "a-very-long-flag", &V.all, "its text on the next line"),
	CLI_OPT_TEXT("  free text\n"),
	CLI_OPT_END(),
};

static const struct parse_case {
	const char *args[12];
	unsigned flags;
	int exit;             /* -1: goes on */
	const char *operands; /* space-separated, in order */
	const char *output, *out_dir;
	unsigned jobs;
	uint64_t interval;
	int split, quiet, verbose, arches;
	const char *err; /* a line of stderr, or NULL: stderr empty */
} cases[] = {
	/* 0: options anywhere, operands keep their order */
	{ { "a", "-o", "x", "b", "--out-dir=d", "c" }, 0, -1, "a b c", "x", "d", 0, 0, 0, 0, 0, 0, NULL },
	/* 1: '--' ends the options; '-' is an operand */
	{ { "-q", "--", "-o", "x" }, 0, -1, "-o x", NULL, NULL, 0, 0, 0, 1, 0, 0, NULL },
	{ { "-", "-v" }, 0, -1, "-", NULL, NULL, 0, 0, 0, 0, 1, 0, NULL },
	/* 3: "+": the first operand ends the options, even before a '--' */
	{ { "-q", "cmd", "-o", "x", "--", "y" }, CLI_OPTIONS_STOP_AT_OPERAND, -1, "cmd -o x -- y", NULL, NULL, 0, 0, 0,
	  1, 0, 0, NULL },
	{ { "-o", "f", "--", "cmd", "--help" }, CLI_OPTIONS_STOP_AT_OPERAND, -1, "cmd --help", "f", NULL, 0, 0, 0, 0, 0,
	  0, NULL },
	/* 5: values: "-oVALUE", "--long VALUE", a value that looks like an option */
	{ { "-ox", "--out-dir", "--all" }, 0, -1, "", "x", "--all", 0, 0, 0, 0, 0, 0, NULL },
	/* 6: bundled flags, the last one taking the rest */
	{ { "-qvj4" }, 0, -1, "", NULL, NULL, 4, 0, 0, 1, 1, 0, NULL },
	{ { "-qva", "x86_64", "-a", "aarch64" }, 0, -1, "", NULL, NULL, 0, 0, 0, 1, 1, 2, NULL },
	/* 8: bounds */
	{ { "-j", "1024", "--interval", "86400" }, 0, -1, "", NULL, NULL, 1024, 86400, 0, 0, 0, 0, NULL },
	{ { "-j", "0" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --jobs '0': expected 1..1024" },
	{ { "--jobs=1025" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --jobs '1025': expected 1..1024" },
	{ { "--interval", "5s" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --interval '5s': expected seconds, 1..86400" },
	{ { "--interval", "+5" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --interval '+5': expected seconds, 1..86400" },
	{ { "--interval", "99999999999999999999" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --interval '99999999999999999999': expected seconds, 1..86400" },
	/* 14: enums */
	{ { "--split-by", "host" }, 0, -1, "", NULL, NULL, 0, 0, 3, 0, 0, 0, NULL },
	{ { "--split-by", "arch" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --split-by 'arch': expected exe, comm or host" },
	{ { "--split-by", "HOST" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --split-by 'HOST': expected exe, comm or host" },
	/* 17: unknown options, missing and unwanted values */
	{ { "a", "--bogus" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, "scmplog t: unknown option '--bogus'" },
	{ { "-qx" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 1, 0, 0, "scmplog t: unknown option '-x'" },
	{ { "a", "-o" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, "scmplog t: option '-o' needs a value" },
	{ { "--output" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog t: option '--output' needs a value" },
	{ { "--all=yes" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, "scmplog t: option '--all' takes no value" },
	/* 22: a callback's refusal is a usage error; a hidden option is still an option */
	{ { "-a", "vax" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, "scmplog: unknown architecture 'vax'" },
	{ { "--namespace", "x" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, "scmplog: --namespace: refused (x)" },
	/* 24: abbreviations, as getopt_long: a unique prefix, an exact name first, else ambiguous */
	{ { "--outp", "x", "--inter=9", "--al" }, 0, -1, "", "x", NULL, 0, 9, 0, 0, 0, 0, NULL },
	{ { "--out", "x" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog t: option '--out' is ambiguous; possibilities: '--output' '--out-dir'" },
	{ { "--a" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog t: option '--a' is ambiguous; possibilities: '--all' '--arch' '--a-very-long-flag'" },
	{ { "--all" }, 0, -1, "", NULL, NULL, 0, 0, 0, 0, 0, 0, NULL },
	/* 28: --help, in order: a bad value before it is an error, after it is not read */
	{ { "--help", "-j", "0" }, 0, EXIT_OK, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL },
	{ { "-j", "0", "--help" }, 0, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog: invalid --jobs '0': expected 1..1024" },
	{ { "-qh" }, 0, EXIT_OK, NULL, NULL, NULL, 0, 0, 0, 1, 0, 0, NULL },
	{ { "--he" }, 0, EXIT_OK, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL },
	/* 32: "+": an option after the command is the command's */
	{ { "cmd", "--bogus" }, CLI_OPTIONS_STOP_AT_OPERAND, -1, "cmd --bogus", NULL, NULL, 0, 0, 0, 0, 0, 0, NULL },
	{ { "--bogus", "cmd" }, CLI_OPTIONS_STOP_AT_OPERAND, EXIT_USAGE, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0,
	  "scmplog t: unknown option '--bogus'" },
	{ { NULL }, 0, -1, "", NULL, NULL, 0, 0, 0, 0, 0, 0, NULL },
};

/* stderr of the case, captured */
static char *captured_err;
static size_t captured_len;

START_TEST(test_parse)
{
	const struct parse_case *c = &cases[_i];
	const struct cli_command_options cmd = { "t", options, help, c->flags };
	char store[16][32] = { "t" }, *argv[16] = { store[0] }, ops[256] = "";
	FILE *saved_err = stderr, *saved_out = stdout;
	int argc = 1, ex = -1, first;

	memset(&V, 0, sizeof(V));
	cli_quiet = cli_verbose = 0;
	for (size_t i = 0; c->args[i]; i++, argc++) {
		snprintf(store[argc], sizeof(store[argc]), "%s", c->args[i]);
		argv[argc] = store[argc];
	}
	stderr = open_memstream(&captured_err, &captured_len);
	stdout = fopen("/dev/null", "w");
	ck_assert_ptr_nonnull(stderr);
	ck_assert_ptr_nonnull(stdout);
	first = cli_options_parse(&cmd, argc, argv, &ex);
	fclose(stderr);
	fclose(stdout);
	stderr = saved_err;
	stdout = saved_out;

	ck_assert_ptr_null(argv[argc]);
	if (c->exit >= 0) {
		ck_assert_int_eq(first, 0);
		ck_assert_int_eq(ex, c->exit);
		ck_assert_int_eq(V.helped, c->exit == EXIT_OK);
	} else {
		ck_assert_int_gt(first, 0);
		ck_assert_int_le(first, argc);
		ck_assert_int_eq(V.helped, 0);
		for (int i = first; i < argc; i++) {
			strcat(ops, argv[i]);
			if (i + 1 < argc)
				strcat(ops, " ");
		}
		ck_assert_str_eq(ops, c->operands);
		if (c->output)
			ck_assert_str_eq(V.output, c->output);
		else
			ck_assert_ptr_null(V.output);
		if (c->out_dir)
			ck_assert_str_eq(V.out_dir, c->out_dir);
		else
			ck_assert_ptr_null(V.out_dir);
		ck_assert_uint_eq(V.jobs, c->jobs);
		ck_assert_uint_eq(V.interval, c->interval);
		ck_assert_int_eq(V.split, c->split);
		ck_assert_int_eq(V.arches, c->arches);
		ck_assert_int_eq(cli_verbose, c->verbose);
	}
	ck_assert_int_eq(cli_quiet, c->quiet);
	if (c->err) {
		ck_assert_msg(strstr(captured_err, c->err), "stderr '%s' lacks '%s'", captured_err, c->err);
		if (c->exit == EXIT_USAGE && strstr(c->err, "scmplog t: "))
			ck_assert_msg(strstr(captured_err, "\nTry 'scmplog t --help'.\n"), "no hint: '%s'", captured_err);
	} else {
		ck_assert_str_eq(captured_err, "");
	}
	free(captured_err);
	captured_err = NULL;
}
END_TEST

/* The help is the table's: columns, continuation lines, groups, hidden entries. */
START_TEST(test_help)
{
	static const char want[] = "Output:\n"
				   "  -o, --output FILE        write to FILE\n"
				   "      --out-dir DIR        the directory\n"
				   "  -j, --jobs N             threads\n"
				   "      --interval SEC       write every SEC seconds,\n"
				   "                           1..86400\n"
				   "      --split-by KEY       exe, comm or host\n"
				   "      --all                every one\n"
				   "  -a, --arch ARCH          an architecture (repeatable)\n"
				   "  -q, --quiet              no summary\n"
				   "  -v, --verbose            more\n"
				   "  -h, --help               this text\n"
				   "\n"
				   "Long ones:\n"
				   "      --a-very-long-flag\n"
				   "                    its text on the next line\n"
				   "  free text\n";
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	cli_options_help(f, options);
	fclose(f);
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");

	tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);
	return unit_run_suite(s);
}
