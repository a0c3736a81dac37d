/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gen: produce real SECCOMP (type 1326) audit records for scmplog's fixtures.
 * Built and driven by tests/data/capture.sh; not part of scmplog itself.
 *
 *   gen log CMD [ARG...]      LOG-by-default filter (x86_64 + x86 + x32), no_new_privs,
 *                             then exec CMD: every syscall from execve on is logged.
 *   gen lognative CMD [ARG...] LOG-by-default filter for x86_64 only (bad-arch action
 *                             KILL_THREAD), exec CMD: a 32-bit CMD dies on its first
 *                             syscall (code=0x0 sig=31 arch=40000003).
 *   gen errno|trap|trace|notif|kill-process|kill-thread
 *                             fork a child whose filter (loaded with
 *                             SECCOMP_FILTER_FLAG_LOG) allows everything but mkdir(2),
 *                             which gets that action; the parent reports how it ended.
 *                             kill-thread applies the filter to a second thread only.
 *   gen x32                   LOG filter, then a raw x32 getpid: syscall(0x40000000|39).
 *   gen names                 LOG filter, then getpid under several comm values that
 *                             the kernel must hex-encode (space, quote, ESC, UTF-8).
 *   gen burst N               LOG filter, then N getppid() calls.
 *   gen odd                   LOG filter, then syscall(-1) and syscall(99999): numbers
 *                             no table knows, both logged as the kernel sees them.
 *   gen segv                  no filter: a child dereferences NULL, so the kernel prints
 *                             an unrelated "segfault at 0" line (show_unhandled_signals).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MKDIR_PATH "/nonexistent-scmplog-dir/x"

static void die(const char *what, int rc)
{
	fprintf(stderr, "gen: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	exit(2);
}

static void add_arches(scmp_filter_ctx ctx)
{
	int rc;

	if ((rc = seccomp_arch_add(ctx, SCMP_ARCH_X86)) < 0 && rc != -EEXIST)
		die("seccomp_arch_add(x86)", rc);
	if ((rc = seccomp_arch_add(ctx, SCMP_ARCH_X32)) < 0 && rc != -EEXIST)
		die("seccomp_arch_add(x32)", rc);
}

static void no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
}

/* Default LOG for every arch of the x86 family. */
static void load_log_filter(int all_arches)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_LOG);
	int rc;

	if (!ctx)
		die("seccomp_init", ENOMEM);
	if (all_arches)
		add_arches(ctx);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS", errno);
	if ((rc = seccomp_load(ctx)) < 0)
		die("seccomp_load", rc);
	seccomp_release(ctx);
}

/* Allow everything except mkdir, which gets ACTION; SECCOMP_FILTER_FLAG_LOG set. */
static int load_deny_filter(uint32_t action)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc, fd = -1;

	if (!ctx)
		die("seccomp_init", ENOMEM);
	add_arches(ctx);
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1)) < 0)
		die("SCMP_FLTATR_CTL_LOG", rc);
	if ((rc = seccomp_rule_add(ctx, action, SCMP_SYS(mkdir), 0)) < 0)
		die("seccomp_rule_add(mkdir)", rc);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS", errno);
	if ((rc = seccomp_load(ctx)) < 0)
		die("seccomp_load", rc);
	if (action == SCMP_ACT_NOTIFY)
		fd = seccomp_notify_fd(ctx);
	seccomp_release(ctx);
	return fd;
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "gen: child got SIGSYS (TRAP)\n";

	(void)sig; (void)si; (void)uc;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(0);
}

static void *kill_thread_main(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "gen-victim", 0, 0, 0);
	/* libseccomp does not TSYNC by default: the filter binds this thread only. */
	load_deny_filter(SCMP_ACT_KILL_THREAD);
	mkdir(MKDIR_PATH, 0700);
	fprintf(stderr, "gen: thread survived mkdir?\n");
	return NULL;
}

static int run_child(const char *mode)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		uint32_t action;
		int fd;

		no_core();
		if (!strcmp(mode, "kill-thread")) {
			pthread_t t;

			prctl(PR_SET_NAME, "gen-killthread", 0, 0, 0);
			if ((errno = pthread_create(&t, NULL, kill_thread_main, NULL)))
				die("pthread_create", errno);
			pthread_join(t, NULL);
			fprintf(stderr, "gen: main thread alive after KILL_THREAD\n");
			_exit(0);
		}
		if (!strcmp(mode, "errno"))
			action = SCMP_ACT_ERRNO(EPERM);
		else if (!strcmp(mode, "trap")) {
			struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

			sigaction(SIGSYS, &sa, NULL);
			action = SCMP_ACT_TRAP;
		} else if (!strcmp(mode, "trace"))
			action = SCMP_ACT_TRACE(42);
		else if (!strcmp(mode, "notif"))
			action = SCMP_ACT_NOTIFY;
		else if (!strcmp(mode, "kill-process"))
			action = SCMP_ACT_KILL_PROCESS;
		else
			die("unknown mode", EINVAL);
		fd = load_deny_filter(action);
		if (fd >= 0)
			close(fd); /* no listener: the kernel fails the call with ENOSYS */
		if (mkdir(MKDIR_PATH, 0700) < 0)
			fprintf(stderr, "gen: child mkdir: %s\n", strerror(errno));
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid", errno);
	if (WIFSIGNALED(st))
		fprintf(stderr, "gen: %s: child %d killed by signal %d\n", mode, (int)pid, WTERMSIG(st));
	else
		fprintf(stderr, "gen: %s: child %d exited %d\n", mode, (int)pid, WEXITSTATUS(st));
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "log") || !strcmp(mode, "lognative")) {
		if (argc < 3)
			die("log: missing command", EINVAL);
		if (!strcmp(mode, "lognative"))
			no_core();
		load_log_filter(!strcmp(mode, "log"));
		execvp(argv[2], argv + 2);
		die("execvp", errno);
	}
	if (!strcmp(mode, "x32")) {
		long r;

		load_log_filter(1);
		r = syscall(0x40000000L | SYS_getpid);
		fprintf(stderr, "gen: x32 getpid -> %ld (%s)\n", r, r < 0 ? strerror(errno) : "ok");
		return 0;
	}
	if (!strcmp(mode, "names")) {
		static const char *const names[] = {
			"a b\"c",          /* space and quote */
			"\x1b[31mred\x1b[0m", /* ANSI escape */
			"caf\xc3\xa9",       /* UTF-8 */
			"../../etc/x",       /* quoted, but path-like */
			"tab\there",
		};
		load_log_filter(1);
		/* Each prctl is logged under the previous name (the record is made on entry). */
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			prctl(PR_SET_NAME, names[i], 0, 0, 0);
		syscall(SYS_getpid);
		return 0;
	}
	if (!strcmp(mode, "burst")) {
		long n = argc > 2 ? strtol(argv[2], NULL, 10) : 30;

		load_log_filter(1);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (!strcmp(mode, "odd")) {
		load_log_filter(1);
		syscall(-1L);
		syscall(99999L);
		return 0;
	}
	if (!strcmp(mode, "segv")) {
		pid_t pid = fork();

		if (pid == 0) {
			no_core();
			*(volatile int *)0 = 1;
			_exit(1);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return 0;
	}
	if (!strcmp(mode, "errno") || !strcmp(mode, "trap") || !strcmp(mode, "trace") ||
	    !strcmp(mode, "notif") || !strcmp(mode, "kill-process") || !strcmp(mode, "kill-thread"))
		return run_child(mode);
	fprintf(stderr, "usage: gen log|lognative CMD... | errno|trap|trace|notif|kill-process|kill-thread | x32 | names | burst N | odd | segv\n");
	return 2;
}
