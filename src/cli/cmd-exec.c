/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli-learn.h"
#include "cli/cli-profile.h"
#include "cli/cli.h"
#include "scmplog/filter.h"
#include "scmplog/profile-io.h"
#include "scmplog/profile.h"
#include "lib/util.h"

static void help(void)
{
	printf("Usage: scmplog exec --profile PROFILE [OPTIONS] -- CMD [ARGS...]\n\n"
	       "Run CMD under a seccomp profile, without a container runtime: the OCI JSON that\n"
	       "'build' and 'run' write, or any OCI profile scmplog can read (Docker's,\n"
	       "containers/common's).  CMD runs with no_new_privs.  The filter is built as\n"
	       "runc builds it: default action, architectures (with their sub-architectures;\n"
	       "the native ones when the profile lists none), allowed names, other rules with\n"
	       "their argument conditions; includes/excludes are checked per architecture,\n"
	       "against this process's capability bounding set and the running kernel.\n\n"
	       "Options:\n"
	       "  -p, --profile PROFILE    the profile (required; '-' reads stdin)\n"
	       "      --log-denied         load with SECCOMP_FILTER_FLAG_LOG: ERRNO, TRAP and TRACE\n"
	       "                           denials are audited too ('scmplog explain' shows them)\n"
	       "      --dump-pfc           print libseccomp's pseudo filter code and exit\n"
	       "  -q, --quiet              no warnings about the profile\n"
	       "  -h, --help               this text\n\n"
	       "SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on to CMD.\n\n"
	       "Exit status: CMD's (128+N if killed by signal N); 126/127 if it could not be\n"
	       "executed; 1 on errors; 2 usage.\n");
}

enum { OPT_LOG_DENIED = 1300, OPT_DUMP_PFC };

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "profile", required_argument, NULL, 'p' },
		{ "log-denied", no_argument, NULL, OPT_LOG_DENIED },
		{ "dump-pfc", no_argument, NULL, OPT_DUMP_PFC },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(scl_profile_freep) scl_profile *p = NULL;
	_cleanup_(scl_filter_freep) scl_filter *f = NULL;
	_cleanup_(scl_strv_freep) char **warn = NULL;
	struct cli_signals sig = { .fd = -1 };
	struct cli_child child = { .pid = -1, .msg_fd = -1 };
	struct cli_child_msg err = { 0 };
	const char *profile = NULL;
	bool log_denied = false, dump = false, alive, failed = false;
	int c, r, rc = EXIT_RUNTIME, status = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+hqp:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			return cli_finish_stdout() < 0 ? EXIT_RUNTIME : EXIT_OK;
		case 'q':
			cli_quiet = 1;
			break;
		case 'p':
			profile = optarg;
			break;
		case OPT_LOG_DENIED:
			log_denied = true;
			break;
		case OPT_DUMP_PFC:
			dump = true;
			break;
		default:
			fprintf(stderr, "Try 'scmplog exec --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (!profile) {
		log_error("exec: --profile is required");
		return EXIT_USAGE;
	}
	if (optind >= argc && !dump) {
		log_error("exec: no command given (scmplog exec --profile PROFILE -- CMD [ARGS...])");
		return EXIT_USAGE;
	}
	if (cli_profile_read(profile, &p) < 0)
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

	if (cli_signals_setup(&sig) < 0) {
		log_error("cannot set up signal handling: %m");
		return EXIT_RUNTIME;
	}
	r = cli_spawn(f, argv + optind, false, &sig, &child);
	if (r < 0) {
		log_error("cannot start '%s': %s", argv[optind], strerror(-r));
		goto out;
	}
	alive = true;
	while (alive) {
		struct pollfd pf[2] = { { sig.fd, POLLIN, 0 }, { child.msg_fd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		struct cli_child_msg m;

		if (poll(pf, child.msg_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
			log_error("poll: %m");
			goto out;
		}
		while ((r = cli_child_read(&child, &m)) > 0)
			if (!failed) {
				err = m;
				failed = true;
			}
		while (read(sig.fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGCHLD)
				cli_forward_signal(&child, true, UINT32_MAX, (int)si.ssi_signo, si.ssi_code, si.ssi_pid);
		}
		for (;;) {
			pid_t w = waitpid(child.pid, &status, WNOHANG);
			if (w == child.pid)
				alive = false;
			if (w < 0 && errno == EINTR)
				continue;
			break;
		}
	}
	{
		struct cli_child_msg m;
		while (cli_child_read(&child, &m) > 0)
			if (!failed) {
				err = m;
				failed = true;
			}
	}
	cli_signals_restore(&sig);
	if (failed) {
		rc = cli_child_report(&err, argv[optind]);
		goto out;
	}
	rc = cli_exit_code(status);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && !cli_quiet)
		log_warn("'%s' was killed by SIGSYS: a syscall the profile denies with a kill action "
			 "(run with --log-denied and see 'scmplog explain')",
			 argv[optind]);
out:
	cli_signals_restore(&sig);
	if (child.msg_fd >= 0)
		close(child.msg_fd);
	return rc;
}
