/*
 * One process tree of tests/bench/bench-load.sh:
 *   load-tree CGROUP_PROCS[,CGROUP_PROCS...] SECONDS WORKERS
 * joins the cgroups (each named by its cgroup.procs file; one per hierarchy,
 * as runtimes do) and execs itself; loads a filter that logs getppid() (SCMP_ACT_LOG) and
 * allows everything else; forks WORKERS children that call getppid() as fast
 * as they can for SECONDS; prints the number of calls they made, which is
 * the number of SECCOMP records the kernel must produce for this tree: one a
 * call, nothing else.  Exits 1 if a worker failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long long total = 0, *calls;
	double secs, end;
	scmp_filter_ctx c;
	long workers;
	int fd, st, bad = 0;

	if (argc != 4)
		return 2;
	secs = strtod(argv[2], NULL);
	workers = strtol(argv[3], NULL, 10);
	if (secs <= 0 || workers < 1 || workers > 64)
		return 2;
	if (strcmp(argv[1], "-")) {
		/* join, then exec: the collector sees the tree's first process in the cgroups */
		for (char *save = NULL, *p = strtok_r(argv[1], ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			fd = open(p, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, "0", 1) != 1) {
				perror(p);
				return 1;
			}
			close(fd);
		}
		argv[1] = "-";
		execv("/proc/self/exe", argv);
		perror("exec");
		return 1;
	}
	calls = mmap(NULL, (size_t)workers * sizeof(*calls), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	c = seccomp_init(SCMP_ACT_ALLOW);
	if (calls == MAP_FAILED || !c || seccomp_rule_add(c, SCMP_ACT_LOG, SCMP_SYS(getppid), 0) < 0 ||
	    seccomp_load(c) < 0) {
		fprintf(stderr, "load-tree: setup failed\n");
		return 1;
	}
	seccomp_release(c);
	end = now() + secs;
	for (long w = 0; w < workers; w++) {
		pid_t p = fork();

		if (p < 0) {
			perror("fork");
			return 1;
		}
		if (p == 0) {
			unsigned long long n = 0;

			/* the clock is read through the vDSO: no syscall, no record */
			do {
				for (int i = 0; i < 256; i++)
					syscall(SYS_getppid);
				n += 256;
			} while (now() < end);
			calls[w] = n;
			_exit(0);
		}
	}
	for (long w = 0; w < workers; w++) {
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	for (long w = 0; w < workers; w++)
		total += calls[w];
	printf("%llu\n", total);
	return bad;
}
