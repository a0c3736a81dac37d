/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SCL_CLI_OPTIONS_H
#define SCL_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"

/*
 * One option table per command, after git's parse-options: each entry says
 * what the option is called, what it takes, where its value goes and what
 * its help line says.  One function parses argv from it, another prints the
 * option part of --help from it, so the parser and the help cannot disagree.
 *
 * Parsing is GNU's: options anywhere among the operands ("--" ends them;
 * "-" is an operand), "--long=VALUE" or "--long VALUE", "-xVALUE" or
 * "-x VALUE", bundled flags ("-qv"), a long option abbreviated to any
 * unique prefix (an exact name wins), as getopt_long took them.  With
 * CLI_OPTIONS_STOP_AT_OPERAND (getopt's "+": run, exec) the first operand
 * ends the options and the rest is the command's own.
 *
 * Values are checked as the option is read, in order: "CMD --format bad
 * --help" is a usage error, "CMD --help --format bad" prints the help.
 */

enum cli_option_kind {
	CLI_OPTION_END,
	CLI_OPTION_GROUP,    /* help only: a heading (help), the help column from here on (min) */
	CLI_OPTION_TEXT,     /* help only: help printed as it is */
	CLI_OPTION_HELP,     /* -h/--help: prints the command's help, the command exits */
	CLI_OPTION_FLAG,     /* no value: *(bool *)value = true */
	CLI_OPTION_COUNT,    /* no value: ++*(int *)value (cli_quiet, cli_verbose) */
	CLI_OPTION_STRING,   /* *(const char **)value = the argument (argv's own) */
	CLI_OPTION_STRING_LIST, /* repeatable: the arguments appended to a struct cli_string_list */
	CLI_OPTION_UINT,     /* a decimal number in min..max into an unsigned of value_size bytes */
	CLI_OPTION_ENUM,     /* one of choices' names: *(int *)value (an int or an enum) = its value */
	CLI_OPTION_CALLBACK, /* cb(opt, arg); arg NULL when takes_arg is false */
};

struct cli_option;

/* One name of an enum option and the value it stores. */
struct cli_option_choice {
	const char *name;
	int value;
};

/* What a CLI_OPTION_STRING_LIST collects: argv's own strings, in order; the caller frees v. */
struct cli_string_list {
	const char **v;
	size_t n;
};

/* Returns 0, or -1 after logging why the value is wrong (a usage error). */
typedef int cli_option_cb(const struct cli_option *opt, const char *arg);

struct cli_option {
	enum cli_option_kind kind;
	int short_name;             /* 0: none */
	const char *long_name;      /* NULL: none */
	void *value;                /* the target; CALLBACK: the callback's */
	size_t value_size;          /* UINT: sizeof the target (4 or 8) */
	const char *argh;           /* the value's name in the help (FILE); CALLBACK: NULL = no value */
	const char *help;           /* lines without their indent, '\n' between; NULL: not listed */
	uint64_t min, max;          /* UINT: bounds; GROUP: min is the help column */
	const char *unit;           /* UINT: "seconds", "bytes" in the error (NULL: none) */
	const struct cli_option_choice *choices; /* ENUM: ends with a NULL name */
	cli_option_cb *cb;          /* CALLBACK */
	int id;                     /* CALLBACK: which option, for a callback shared by several */
};

/* A number macro as help text: "fewer than " CLI_STR(SCL_COVERAGE_MIN_RUNS) " runs" */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

/* The column of the help text unless a CLI_OPT_GROUP says another one. */
#define CLI_OPTIONS_HELP_COLUMN 27

#define CLI_OPT_END() { .kind = CLI_OPTION_END }
#define CLI_OPT_GROUP(title, column) { .kind = CLI_OPTION_GROUP, .help = (title), .min = (column) }
#define CLI_OPT_TEXT(text) { .kind = CLI_OPTION_TEXT, .help = (text) }
#define CLI_OPT_HELP() { .kind = CLI_OPTION_HELP, .short_name = 'h', .long_name = "help", .help = "this text" }
#define CLI_OPT_QUIET(h) \
	{ .kind = CLI_OPTION_COUNT, .short_name = 'q', .long_name = "quiet", .value = &cli_quiet, .help = (h) }
#define CLI_OPT_VERBOSE(h) \
	{ .kind = CLI_OPTION_COUNT, .short_name = 'v', .long_name = "verbose", .value = &cli_verbose, .help = (h) }
/*
 * The targets' types are checked: a table that stores into the wrong type
 * does not compile ("comparison of distinct pointer types", an error with
 * WERROR=1), nor one whose number or enum has a size the parser does not
 * write.  Not _Generic: cppcheck cannot parse it in an initializer.
 */
#define CLI_TYPED(v, type) ((v) + 0 * sizeof((v) == (type)0))
#define CLI_SIZED(v, ok) ((v) + 0 * sizeof(char[(ok) ? 1 : -1]))
#define CLI_OPT_FLAG(s, l, v, h) \
	{ .kind = CLI_OPTION_FLAG, .short_name = (s), .long_name = (l), .value = CLI_TYPED(v, bool *), .help = (h) }
#define CLI_OPT_STRING(s, l, v, a, h)                                                                   \
	{ .kind = CLI_OPTION_STRING, .short_name = (s), .long_name = (l), .value = CLI_TYPED(v, const char **), \
	  .argh = (a), .help = (h) }
#define CLI_OPT_STRING_LIST(s, l, v, a, h)                                                \
	{ .kind = CLI_OPTION_STRING_LIST, .short_name = (s), .long_name = (l),             \
	  .value = CLI_TYPED(v, struct cli_string_list *), .argh = (a), .help = (h) }
/* v: an unsigned, uint32_t or uint64_t (or an int, hi at most INT_MAX) */
#define CLI_OPT_UINT(s, l, v, lo, hi, u, a, h)                                                           \
	{ .kind = CLI_OPTION_UINT, .short_name = (s), .long_name = (l),                                  \
	  .value = CLI_SIZED(v, sizeof(*(v)) == 4 || sizeof(*(v)) == 8), .value_size = sizeof(*(v)), \
	  .min = (lo), .max = (hi), .unit = (u), .argh = (a), .help = (h) }
/* v: an int or an enum (of an int's size) */
#define CLI_OPT_ENUM(s, l, v, c, a, h)                                                                        \
	{ .kind = CLI_OPTION_ENUM, .short_name = (s), .long_name = (l),                                       \
	  .value = CLI_SIZED(v, sizeof(*(v)) == sizeof(int)), .choices = (c), .argh = (a), \
	  .help = (h) }
#define CLI_OPT_CALLBACK(s, l, f, v, i, a, h)                                                            \
	{ .kind = CLI_OPTION_CALLBACK, .short_name = (s), .long_name = (l), .cb = (f), .value = (v), .id = (i), \
	  .argh = (a), .help = (h) }

/* --format text|json, the report commands' (diff, coverage): v, an int, becomes 1 for json. */
extern const struct cli_option_choice cli_report_formats[];
#define CLI_OPT_REPORT_FORMAT(v) CLI_OPT_ENUM(0, "format", (v), cli_report_formats, "FORMAT", "text (default) or json")

/* The first operand ends the options (getopt's "+"): for commands that run a command. */
#define CLI_OPTIONS_STOP_AT_OPERAND 1u

struct cli_command_options {
	const char *name;                /* the command, in messages: "build" */
	const struct cli_option *options;
	void (*help)(const struct cli_option *options); /* the whole --help text, to stdout */
	unsigned flags;
};

/*
 * Parse argv[1..argc) (argv[0] is the command name).  Returns the index of
 * the first operand (argc when there is none), the operands moved in their
 * order to argv[index..argc); argv[argc] stays NULL.  Returns 0 when the
 * command is to exit with *ret_exit: EXIT_OK after --help, EXIT_RUNTIME when
 * the help could not be written, EXIT_USAGE after a usage error, reported as
 * "scmplog CMD: unknown option '--x'" with a hint to --help, or, for a bad
 * value, the option's own message ("invalid --jobs '0': expected 1..1024").
 */
int cli_options_parse(const struct cli_command_options *cmd, int argc, char **argv, int *ret_exit);

/* Print the option part of --help: groups, entries with a help text, text. */
void cli_options_help(FILE *f, const struct cli_option *options);

#endif
