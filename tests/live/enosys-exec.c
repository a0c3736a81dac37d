/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * enosys-exec NAME... -- CMD [ARG...]: install a seccomp filter that answers
 * ENOSYS for each NAME (allowing everything else), then exec CMD: an older
 * kernel, as the C library sees it.  Under `scmplog run` the filter stacks
 * on the learning filter: ERRNO is more restrictive than LOG, so the named
 * syscalls fail with ENOSYS and are not logged (no SECCOMP_FILTER_FLAG_LOG),
 * everything else is logged as before.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);
	int i, r;

	if (!c)
		return 125;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		int nr = seccomp_syscall_resolve_name(argv[i]);

		if (nr == __NR_SCMP_ERROR) {
			fprintf(stderr, "enosys-exec: unknown syscall '%s'\n", argv[i]);
			return 125;
		}
		r = seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		if (r < 0) {
			fprintf(stderr, "enosys-exec: '%s': %s\n", argv[i], strerror(-r));
			return 125;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: enosys-exec NAME... -- CMD [ARG...]\n");
		return 125;
	}
	r = seccomp_load(c);
	if (r < 0) {
		fprintf(stderr, "enosys-exec: cannot load the filter: %s\n", strerror(-r));
		return 125;
	}
	seccomp_release(c);
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "enosys-exec: cannot run '%s': %s\n", argv[i + 1], strerror(errno));
	return 127;
}
