/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli-options.h"
#include "cli/cli-profile.h"
#include "cli/cli-spawn.h"
#include "cli/cli.h"
#include "scmplog/arch.h"
#include "scmplog/filter.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "lib/util.h"

static void help(const struct cli_option *options)
{
	printf("Usage: scmplog exec --profile PROFILE [OPTIONS] -- CMD [ARGS...]\n\n"
	       "Run CMD under a seccomp profile, without a container runtime: the OCI JSON that\n"
	       "'build' and 'run' write, or any OCI profile scmplog can read (Docker's,\n"
	       "containers/common's).  CMD runs with no_new_privs.  The filter is built as\n"
	       "runc builds it: default action, architectures (with their sub-architectures;\n"
	       "the native ones when the profile lists none; of an archMap, this machine's),\n"
	       "allowed names, other rules with their argument conditions; includes/excludes\n"
	       "are checked per architecture, against this process's capability bounding set\n"
	       "and the running kernel.\n\n");
	cli_options_help(stdout, options);
	printf("\n"
	       "scmplog execs CMD in its own place (like env(1)): CMD keeps the pid, the\n"
	       "terminal and the signals, and its exit status is CMD's own (a shell shows 128+N\n"
	       "for signal N; SIGSYS (159) is the usual sign of a KILL action).\n\n"
	       "Exit status: CMD's; 126/127 if it could not be executed; 1 on errors; 2 usage.\n");
}

int cmd_exec(int argc, char **argv)
{
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_filter_freep) scl_filter *f = NULL;
	_cleanup_(scl_strv_freep) char **warn = NULL;
	_cleanup_free_ char *prog = NULL;
	const char *profile = NULL;
	bool log_denied = false, dump = false;
	int first, rc, r;
	const struct cli_option options[] = {
		CLI_OPT_GROUP("Options:", 0),
		CLI_OPT_STRING('p', "profile", &profile, "PROFILE", "the profile (required; '-' reads stdin)"),
		CLI_OPT_FLAG(0, "log-denied", &log_denied,
			     "load with SECCOMP_FILTER_FLAG_LOG: ERRNO, TRAP and TRACE\n"
			     "denials are audited too ('scmplog explain' shows them)"),
		CLI_OPT_FLAG(0, "dump-pfc", &dump, "print libseccomp's pseudo filter code and exit"),
		CLI_OPT_QUIET("no warnings about the profile"),
		CLI_OPT_HELP(),
		CLI_OPT_END(),
	};
	const struct cli_command_options cmd = { "exec", options, help, CLI_OPTIONS_STOP_AT_OPERAND };

	first = cli_options_parse(&cmd, argc, argv, &rc);
	if (!first)
		return rc;
	if (!profile) {
		log_error("exec: --profile is required");
		return EXIT_USAGE;
	}
	if (first >= argc && !dump) {
		log_error("exec: no command given (scmplog exec --profile PROFILE -- CMD [ARGS...])");
		return EXIT_USAGE;
	}
	/* exec installs rules it cannot simplify as they are: no "kept as-is" notes */
	if (cli_profile_read_notes(profile, &p, false) < 0)
		return EXIT_RUNTIME;
	r = scl_filter_new_profile(p, log_denied, &f, NULL, &warn);
	if (r < 0) {
		if (r == -EAFNOSUPPORT) {
			const scl_arch_info *a = scl_arch_by_token(scl_arch_native());
			log_error("profile '%s' does not cover this machine's architecture (%s)", profile,
				  a ? a->name : "?");
		} else if (r == -EOPNOTSUPP) {
			log_error("profile '%s' uses SCMP_ACT_NOTIFY, which needs a seccomp supervisor: "
				  "scmplog exec cannot run it", profile);
		} else {
			log_error("cannot build a filter from '%s': %s", profile, strerror(-r));
		}
		return EXIT_RUNTIME;
	}
	for (char **w = warn; !cli_quiet && w && *w; w++)
		log_warn("'%s': %s", profile, *w);
	if (dump) {
		fflush(stdout);
		r = scl_filter_export_pfc(f, STDOUT_FILENO);
		if (r < 0) {
			log_error("cannot export the filter: %s", strerror(-r));
			return EXIT_RUNTIME;
		}
		return EXIT_OK;
	}

	r = cli_find_program(argv[first], &prog);
	if (r < 0) {
		log_error("cannot execute '%s': %s", argv[first], strerror(-r));
		return r == -ENOENT ? 127 : 126;
	}
	/*
	 * In place, as env(1) does: the command keeps our pid, our parent sees
	 * its exit status or signal (a shell shows 128+N), and no extra process
	 * shows up in what it observes.
	 */
	if (fflush(stdout) != 0 || fflush(stderr) != 0) {
		log_error("cannot flush output: %m");
		return EXIT_RUNTIME;
	}
	r = scl_filter_install(f);
	if (r < 0) {
		log_error("cannot install the seccomp filter: %s", strerror(-r));
		return EXIT_RUNTIME;
	}
	execv(prog, argv + first);
	/* Under the filter now: this message needs write(2) to be allowed. */
	r = errno;
	log_error("cannot execute '%s': %s%s", argv[first], strerror(r),
		  r == EPERM || r == EACCES ? " (does the profile allow execve?)" : "");
	return r == ENOENT ? 127 : 126;
}
