// Make a running process make one system call itself, from outside (x86_64):
//     inject-syscall PID NR [ARG...]
// prints what the call returned in that process (-errno on failure).  It
// attaches with ptrace, points the stopped task at the `syscall` instruction
// it is sitting behind (it waits in poll or read), single-steps it through
// that instruction with the registers it wants, and puts everything back.
// The call is the task's own, so its seccomp filter decides it: the live test
// of self-confinement uses it to show that a confined scmplog cannot call
// socket() or execve().  (gdb's `call` cannot write the FPU state here.)
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	struct user_regs_struct saved, r;
	pid_t pid;
	int st;
	long word;

	if (argc < 3 || argc > 9) {
		fprintf(stderr, "usage: inject-syscall PID NR [ARG...]\n");
		return 2;
	}
	pid = (pid_t)atoi(argv[1]);
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) {
		perror("PTRACE_ATTACH");
		return 1;
	}
	if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st)) {
		perror("waitpid");
		return 1;
	}
	if (ptrace(PTRACE_GETREGS, pid, 0, &saved) < 0) {
		perror("PTRACE_GETREGS");
		return 1;
	}
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, (void *)(saved.rip - 2), 0);
	if (errno || (word & 0xffff) != 0x050f) {
		fprintf(stderr, "the task is not stopped behind a syscall instruction (rip %llx)\n",
			(unsigned long long)saved.rip);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return 1;
	}
	r = saved;
	r.rip = saved.rip - 2;
	r.rax = r.orig_rax = strtoull(argv[2], NULL, 0);
	r.rdi = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	r.rsi = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
	r.rdx = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;
	r.r10 = argc > 6 ? strtoull(argv[6], NULL, 0) : 0;
	r.r8 = argc > 7 ? strtoull(argv[7], NULL, 0) : 0;
	r.r9 = argc > 8 ? strtoull(argv[8], NULL, 0) : 0;
	if (ptrace(PTRACE_SETREGS, pid, 0, &r) < 0 || ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0) {
		perror("PTRACE_SETREGS/SINGLESTEP");
		ptrace(PTRACE_SETREGS, pid, 0, &saved);
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return 1;
	}
	if (waitpid(pid, &st, __WALL) < 0 || !WIFSTOPPED(st) || ptrace(PTRACE_GETREGS, pid, 0, &r) < 0) {
		perror("single step");
		return 1;
	}
	printf("%lld\n", (long long)r.rax);
	/* back to where it was: the interrupted call returns EINTR or restarts */
	ptrace(PTRACE_SETREGS, pid, 0, &saved);
	ptrace(PTRACE_DETACH, pid, 0, 0);
	return 0;
}
