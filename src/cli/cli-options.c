/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli-options.h"
#include "cli/cli.h"
#include "scmplog/num.h"

const struct cli_option_choice cli_report_formats[] = { { "text", 0 }, { "json", 1 }, { NULL, 0 } };

/* What a parse step tells the loop. */
enum { STEP_OK = 0, STEP_USAGE = -1, STEP_HELP = 1 };

static bool is_option(const struct cli_option *o)
{
	return o->kind >= CLI_OPTION_HELP;
}

static bool takes_value(const struct cli_option *o)
{
	switch (o->kind) {
	case CLI_OPTION_STRING:
	case CLI_OPTION_STRING_LIST:
	case CLI_OPTION_UINT:
	case CLI_OPTION_ENUM:
		return true;
	case CLI_OPTION_CALLBACK:
		return o->argh != NULL;
	default:
		return false;
	}
}

/* "scmplog CMD: ..." and the hint: the errors of the command line itself, as getopt's were. */
static int __attribute__((format(printf, 2, 3))) usage_error(const struct cli_command_options *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scmplog %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'scmplog %s --help'.\n", cmd->name);
	return STEP_USAGE;
}

/* The option's name in value errors: its long name, as the help lists it. */
static void option_name(const struct cli_option *o, char *buf, size_t size)
{
	if (o->long_name)
		snprintf(buf, size, "--%s", o->long_name);
	else
		snprintf(buf, size, "-%c", o->short_name);
}

static int set_uint(const struct cli_option *o, const char *arg)
{
	char name[64];
	uint64_t v;

	if (scl_parse_u64_str(arg, o->max, &v) == 0 && v >= o->min) {
		if (o->value_size == sizeof(uint64_t)) {
			memcpy(o->value, &v, sizeof(v));
		} else {
			uint32_t v32 = (uint32_t)v; /* max fits: the table's bounds are the target's */

			memcpy(o->value, &v32, sizeof(v32));
		}
		return STEP_OK;
	}
	option_name(o, name, sizeof(name));
	log_error("invalid %s '%s': expected %s%s%" PRIu64 "..%" PRIu64, name, arg, o->unit ? o->unit : "",
		  o->unit ? ", " : "", o->min, o->max);
	return STEP_USAGE;
}

static int set_enum(const struct cli_option *o, const char *arg)
{
	char name[64], list[256] = "";
	size_t n = 0, len = 0;

	for (const struct cli_option_choice *c = o->choices; c->name; c++, n++)
		if (!strcmp(c->name, arg)) {
			*(int *)o->value = c->value;
			return STEP_OK;
		}
	/* "a, b or c" */
	for (size_t i = 0; i < n && len < sizeof(list); i++) {
		int k = snprintf(list + len, sizeof(list) - len, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
				 o->choices[i].name);
		if (k < 0)
			break;
		len += (size_t)k;
	}
	option_name(o, name, sizeof(name));
	log_error("invalid %s '%s': expected %s", name, arg, list);
	return STEP_USAGE;
}

static int push_string(struct cli_string_list *l, const char *arg)
{
	const char **v = reallocarray(l->v, l->n + 1, sizeof(*v));

	if (!v) {
		log_error("out of memory");
		return STEP_USAGE;
	}
	v[l->n++] = arg;
	l->v = v;
	return STEP_OK;
}

static int apply(const struct cli_command_options *cmd, const struct cli_option *o, const char *arg)
{
	switch (o->kind) {
	case CLI_OPTION_HELP:
		return STEP_HELP;
	case CLI_OPTION_FLAG:
		*(bool *)o->value = true;
		return STEP_OK;
	case CLI_OPTION_COUNT:
		++*(int *)o->value;
		return STEP_OK;
	case CLI_OPTION_STRING:
		*(const char **)o->value = arg;
		return STEP_OK;
	case CLI_OPTION_STRING_LIST:
		return push_string(o->value, arg);
	case CLI_OPTION_UINT:
		return set_uint(o, arg);
	case CLI_OPTION_ENUM:
		return set_enum(o, arg);
	case CLI_OPTION_CALLBACK:
		return o->cb(o, arg) < 0 ? STEP_USAGE : STEP_OK;
	default:
		(void)cmd;
		return STEP_USAGE;
	}
}

/* An exact name, else the only option the name is a prefix of (getopt_long's abbreviations). */
static int find_long(const struct cli_command_options *cmd, const char *name, size_t len,
		     const struct cli_option **ret)
{
	const struct cli_option *found = NULL;
	size_t matches = 0;

	for (const struct cli_option *o = cmd->options; o->kind != CLI_OPTION_END; o++) {
		if (!is_option(o) || !o->long_name || strncmp(o->long_name, name, len))
			continue;
		if (strlen(o->long_name) == len) {
			*ret = o;
			return STEP_OK;
		}
		found = o;
		matches++;
	}
	if (matches == 1) {
		*ret = found;
		return STEP_OK;
	}
	if (matches == 0)
		return usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
	fprintf(stderr, "scmplog %s: option '--%.*s' is ambiguous; possibilities:", cmd->name, (int)len, name);
	for (const struct cli_option *o = cmd->options; o->kind != CLI_OPTION_END; o++)
		if (is_option(o) && o->long_name && !strncmp(o->long_name, name, len))
			fprintf(stderr, " '--%s'", o->long_name);
	fprintf(stderr, "\nTry 'scmplog %s --help'.\n", cmd->name);
	return STEP_USAGE;
}

static const struct cli_option *find_short(const struct cli_command_options *cmd, int c)
{
	for (const struct cli_option *o = cmd->options; o->kind != CLI_OPTION_END; o++)
		if (is_option(o) && o->short_name == c)
			return o;
	return NULL;
}

/* argv[*i] is "--NAME[=VALUE]"; a value may be the next argument. */
static int parse_long(const struct cli_command_options *cmd, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = NULL;
	int r;

	r = find_long(cmd, name, len, &o);
	if (r < 0 || !o)
		return STEP_USAGE;
	if (!takes_value(o)) {
		if (eq)
			return usage_error(cmd, "option '--%s' takes no value", o->long_name);
		return apply(cmd, o, NULL);
	}
	if (eq)
		return apply(cmd, o, eq + 1);
	if (*i + 1 >= argc)
		return usage_error(cmd, "option '--%s' needs a value", o->long_name);
	return apply(cmd, o, argv[++*i]);
}

/* argv[*i] is "-xyz": flags, the last one may take the rest ("-ofile") or the next argument. */
static int parse_short(const struct cli_command_options *cmd, int argc, char **argv, int *i)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct cli_option *o = find_short(cmd, (unsigned char)*p);
		int r;

		if (!o)
			return usage_error(cmd, "unknown option '-%c'", *p);
		if (!takes_value(o)) {
			r = apply(cmd, o, NULL);
			if (r != STEP_OK)
				return r;
			continue;
		}
		if (p[1])
			return apply(cmd, o, p + 1);
		if (*i + 1 >= argc)
			return usage_error(cmd, "option '-%c' needs a value", *p);
		return apply(cmd, o, argv[++*i]);
	}
	return STEP_OK;
}

int cli_options_parse(const struct cli_command_options *cmd, int argc, char **argv, int *ret_exit)
{
	int i, w = 1, n;

	/* operands seen so far go to argv[1..w): never ahead of i */
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		int r;

		if (a[0] != '-' || a[1] == '\0') {
			if (cmd->flags & CLI_OPTIONS_STOP_AT_OPERAND)
				break;
			argv[w++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		r = a[1] == '-' ? parse_long(cmd, argc, argv, &i) : parse_short(cmd, argc, argv, &i);
		if (r == STEP_HELP) {
			cmd->help(cmd->options);
			*ret_exit = cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
			return 0;
		}
		if (r < 0) {
			*ret_exit = EXIT_USAGE;
			return 0;
		}
	}
	while (i < argc)
		argv[w++] = argv[i++];
	n = w - 1;
	memmove(argv + argc - n, argv + 1, (size_t)n * sizeof(*argv));
	return argc - n;
}

/* "  -o, --output FILE" */
static int entry_head(const struct cli_option *o, char *buf, size_t size)
{
	int n;

	if (o->short_name && o->long_name)
		n = snprintf(buf, size, "  -%c, --%s", o->short_name, o->long_name);
	else if (o->short_name)
		n = snprintf(buf, size, "  -%c", o->short_name);
	else
		n = snprintf(buf, size, "      --%s", o->long_name);
	if (n >= 0 && (size_t)n < size && o->argh && takes_value(o))
		n += snprintf(buf + n, size - (size_t)n, " %s", o->argh);
	return n;
}

void cli_options_help(FILE *f, const struct cli_option *options)
{
	int column = CLI_OPTIONS_HELP_COLUMN;
	bool any = false;

	for (const struct cli_option *o = options; o->kind != CLI_OPTION_END; o++) {
		char head[128];
		int n;

		if (o->kind == CLI_OPTION_GROUP) {
			fprintf(f, "%s%s\n", any ? "\n" : "", o->help);
			column = o->min ? (int)o->min : CLI_OPTIONS_HELP_COLUMN;
			any = true;
			continue;
		}
		if (o->kind == CLI_OPTION_TEXT) {
			fputs(o->help, f);
			any = true;
			continue;
		}
		if (!o->help)
			continue;
		n = entry_head(o, head, sizeof(head));
		if (n < 0)
			continue;
		/* the text in its column; a head too wide for it has the text on the next line */
		if (n < column)
			fprintf(f, "%s%*s", head, column - n, "");
		else
			fprintf(f, "%s\n%*s", head, column, "");
		for (const char *s = o->help; *s;) {
			const char *nl = strchr(s, '\n');
			size_t len = nl ? (size_t)(nl - s) : strlen(s);

			(void)fwrite(s, 1, len, f);
			fputc('\n', f);
			if (!nl || !nl[1])
				break;
			s = nl + 1;
			fprintf(f, "%*s", column, "");
		}
		any = true;
	}
}
