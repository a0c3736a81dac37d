/*
 * noise SECS [nofilter]: call sysinfo() in a loop for SECS seconds, under its
 * own SCMP_ACT_LOG filter unless "nofilter" (then the caller's filter logs).
 */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 5;
	struct timespec t0, t;
	struct sysinfo si;

	if (!(argc > 2 && !strcmp(argv[2], "nofilter"))) {
		scmp_filter_ctx c = seccomp_init(SCMP_ACT_LOG);
		if (!c || seccomp_arch_add(c, SCMP_ARCH_X86) < 0 || seccomp_arch_add(c, SCMP_ARCH_X32) < 0 ||
		    seccomp_load(c) < 0) {
			fprintf(stderr, "noise: cannot load the log filter\n");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sysinfo(&si);
		usleep(2000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	return 0;
}
