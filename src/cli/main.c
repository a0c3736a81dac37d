/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "build", cmd_build, "build a profile from SECCOMP audit records in files or stdin" },
	{ "explain", cmd_explain, "list denied syscalls by exe and syscall, with counts" },
	{ "merge", cmd_merge, "union of profiles" },
	{ "diff", cmd_diff, "compare two profiles (exit 1 when they differ)" },
	{ "log-profile", cmd_log_profile, "print the log-everything (or complain-mode) profile" },
	{ "resolve", cmd_resolve, "syscall number <-> name for an architecture" },
	{ "run", cmd_run, "learn a command's profile live from the kernel" },
	{ "exec", cmd_exec, "run a command under a profile" },
	{ "review", cmd_review, "allow, deny or skip each new syscall, write the profile" },
	{ "collect", cmd_collect, "node collector: one profile per container, learned live" },
	{ "listen", cmd_listen, "seccomp listener: record the denials of runc containers" },
	{ "coverage", cmd_coverage, "is learning done: runs, losses, rare syscalls, the chance of a miss" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: scmplog [--version] [--help] COMMAND [ARGS...]\n\n"
		   "Turn the kernel's SECCOMP audit records (type 1326) into seccomp allowlist profiles.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'scmplog COMMAND --help' describes a command; scmplog(1) has the details.\n\n"
		   "Exit status: 0 success; 1 runtime error (diff: profiles differ; coverage: a gate\n"
		   "failed; --strict: records skipped); 2 usage error; run/exec: the command's status\n"
		   "(128+N for signal N).\n");
}

int main(int argc, char **argv)
{
	const char *name;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("scmplog %s\n", SCMPLOG_VERSION);
		return cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	log_error("unknown command '%s'; see 'scmplog --help'", name);
	return EXIT_USAGE;
}
