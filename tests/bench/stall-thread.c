/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * stall-thread TID MS: stop one thread, not its whole process, for MS
 * milliseconds (ptrace: PTRACE_SEIZE, PTRACE_INTERRUPT, PTRACE_DETACH), as a
 * slow disk stalls a thread in write() or fsync().  A signal (SIGSTOP)
 * would stop every thread.  Fault injection for tests/bench/bench-load.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct timespec ts, t0, t1;
	long tid, ms;
	int st;

	if (argc != 3 || (tid = strtol(argv[1], NULL, 10)) <= 0 || (ms = strtol(argv[2], NULL, 10)) < 0) {
		fprintf(stderr, "usage: stall-thread TID MS\n");
		return 2;
	}
	if (ptrace(PTRACE_SEIZE, (pid_t)tid, NULL, NULL) < 0) {
		fprintf(stderr, "stall-thread: PTRACE_SEIZE %ld: %s\n", tid, strerror(errno));
		return 1;
	}
	if (ptrace(PTRACE_INTERRUPT, (pid_t)tid, NULL, NULL) < 0 || waitpid((pid_t)tid, &st, __WALL) < 0) {
		fprintf(stderr, "stall-thread: cannot stop %ld: %s\n", tid, strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ptrace(PTRACE_DETACH, (pid_t)tid, NULL, NULL) < 0) {
		fprintf(stderr, "stall-thread: PTRACE_DETACH %ld: %s\n", tid, strerror(errno));
		return 1;
	}
	printf("%.0f\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}
