/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reviewed runtime baselines (scmplog/runtime.h).  Included once, by
 * runtime.c.  Each syscall: why the runtime makes it after the container's
 * filter is loaded, and where (file: function, in the version the part
 * names).  profiles/README.md ("Runtime baselines") lists the same with the
 * measurements; the profiles/runtime/ files are written from this table
 * (tests/cli/test-runtime.sh checks them); change them together.
 *
 * S(): learned here, with the runtime under a log filter, many starts
 * (profiles/README.md says how often each was seen).  C(): read in the
 * source only: the code can make it in that window, no start here did.
 */

#define S(n, why_, where_) { .name = (n), .why = (why_), .where = (where_), .seen = true }
#define C(n, why_, where_) { .name = (n), .why = (why_), .where = (where_), .seen = false }
#define PART(id_, what_, v_) \
	{ .id = (id_), .what = (what_), .syscalls = (v_), .n_syscalls = sizeof(v_) / sizeof((v_)[0]) }

/*
 * runc 1.1.5 (Debian 12: 1.1.5+ds1-1+deb12u1, which carries the
 * CVE-2024-21626 fix of v1.1.12: the fds are closed before execve).
 * libcontainer/standard_init_linux.go, (*linuxStandardInit).Init: with
 * noNewPrivileges the filter is loaded just before the exec fifo is opened;
 * without it (Docker's default) before finalizeNamespace, so the user,
 * capability and fd work below runs under the filter too.
 */
static const scl_runtime_syscall runc_init[] = {
	S("openat", "opens the exec fifo through /proc/self/fd (it blocks until `runc start`), and /proc/self/fd to list the fds",
	  "libcontainer/standard_init_linux.go: Init (unix.Open(fifoPath)); libcontainer/utils/utils_unix.go: fdRangeFrom, CloseExecFrom"),
	S("fstatfs", "checks that /proc/self/fd is procfs before trusting its list",
	  "libcontainer/utils/utils_unix.go: EnsureProcHandle"),
	S("getdents64", "reads the list of /proc/self/fd", "libcontainer/utils/utils_unix.go: fdRangeFrom, CloseExecFrom (Readdirnames)"),
	S("close", "closes the init and log pipes, the fifo's O_PATH fd, and every fd not passed to the container",
	  "libcontainer/standard_init_linux.go: Init; libcontainer/utils/utils_unix.go: UnsafeCloseFrom (v1.1.12)"),
	S("epoll_ctl", "takes a closed *os.File (the init pipe, /proc/self/fd) out of the Go netpoller",
	  "internal/poll: (*FD).Close -> runtime: netpollclose (Go 1.19)"),
	S("write", "writes \"0\" to the exec fifo", "libcontainer/standard_init_linux.go: Init (unix.Write)"),
	S("getpid", "the pid for the state given to startContainer hooks", "libcontainer/standard_init_linux.go: Init (unix.Getpid)"),
	S("execve", "execs the container's process", "libcontainer/system/linux.go: Exec"),
	/* without noNewPrivileges */
	S("fcntl", "marks inherited fds close-on-exec (noNewPrivileges false)", "libcontainer/utils/utils_unix.go: CloseExecFrom (unix.CloseOnExec)"),
	S("fstat", "os.Open asks whether /proc/self/fd and /etc/passwd are pollable (noNewPrivileges false)",
	  "os/file_unix.go: newFile (Go 1.19)"),
	S("chdir", "process.cwd (noNewPrivileges false)", "libcontainer/init_linux.go: finalizeNamespace"),
	S("capget", "reads the capability sets to change (noNewPrivileges false)",
	  "libcontainer/capabilities/capabilities.go: New (gocapability: capsV3.Load)"),
	S("capset", "sets process.capabilities (noNewPrivileges false)",
	  "libcontainer/capabilities/capabilities.go: (*Caps).ApplyCaps"),
	S("prctl", "PR_CAPBSET_DROP per capability, PR_SET_KEEPCAPS, PR_CAP_AMBIENT, PR_SET_PDEATHSIG (noNewPrivileges false)",
	  "libcontainer/init_linux.go: finalizeNamespace (ApplyBoundingSet, system.SetKeepCaps); standard_init_linux.go: Init (pdeath.Restore)"),
	S("read", "reads the container's /etc/passwd and /etc/group (noNewPrivileges false)",
	  "libcontainer/init_linux.go: setupUser (user.GetExecUserPath)"),
	S("setgroups", "process.user.additionalGids (noNewPrivileges false)", "libcontainer/init_linux.go: setupUser"),
	S("setgid", "process.user.gid (noNewPrivileges false)", "libcontainer/init_linux.go: setupUser (system.Setgid)"),
	S("setuid", "process.user.uid (noNewPrivileges false)", "libcontainer/init_linux.go: setupUser (system.Setuid)"),
	S("getcwd", "seen in every start without noNewPrivileges, between finalizeNamespace and the exec", "not located in the code read"),
	S("getppid", "checks that the parent is still runc (noNewPrivileges false)", "libcontainer/standard_init_linux.go: Init (unix.Getppid)"),
	S("newfstatat", "looks process.args[0] up (noNewPrivileges false)", "os/exec: LookPath (os.Stat), from standard_init_linux.go: Init"),
	S("faccessat2", "checks that the executable may be executed (noexec mounts; noNewPrivileges false)",
	  "libcontainer/system/linux.go: Eaccess (unix.Faccessat with AT_EACCESS)"),
	C("geteuid", "before Linux 5.8 (faccessat2 ENOSYS) x/sys emulates AT_EACCESS: the effective uid",
	  "vendor/golang.org/x/sys/unix/syscall_linux.go: Faccessat"),
	C("getegid", "the same emulation, for a non-root process.user", "vendor/golang.org/x/sys/unix/syscall_linux.go: Faccessat"),
	C("getgroups", "the same emulation, for a non-root process.user", "vendor/golang.org/x/sys/unix/syscall_linux.go: Faccessat"),
};

/*
 * The Go runtime of runc's init (Go 1.19.8 in Debian's runc): any thread of
 * the process may make these at any moment (the filter is loaded with TSYNC
 * on every thread), whatever runc's own code does.
 */
static const scl_runtime_syscall go_runtime[] = {
	S("futex", "parks and wakes threads (notesleep, notewakeup, lock2): seen in 7 of 40 runc starts with noNewPrivileges, 20 of 40 without",
	  "runtime/os_linux.go: futexsleep, futexwakeup; lock_futex.go"),
	S("rt_sigreturn", "returns from the runtime's signal handler (SIGURG of an asynchronous preemption, SIGCHLD): seen in 7 of 40 runc starts, 9 of 40 under Docker",
	  "runtime/sys_linux_amd64.s: sigreturn__sigaction (the sa_restorer, os_linux.go: setsig)"),
	C("tgkill", "sysmon preempts a goroutine that ran 10 ms with SIGURG", "runtime/os_linux.go: signalM; proc.go: preemptone, signal_unix.go: preemptM"),
	C("getpid", "signalM's tgkill(getpid(), tid, sig)", "runtime/os_linux.go: signalM"),
	C("nanosleep", "sysmon sleeps 20 us to 10 ms between its checks", "runtime/os_linux.go: usleep (sys_linux_amd64.s); proc.go: sysmon"),
	C("sched_yield", "spinning for a lock or for another P's run queue", "runtime/sys_linux_amd64.s: osyield; lock_futex.go: lock2; proc.go: runqgrab"),
	C("epoll_pwait", "sysmon polls the netpoller when nobody did for 10 ms; an idle thread waits in it",
	  "runtime/netpoll_epoll.go: netpoll (epollwait is epoll_pwait on amd64); proc.go: sysmon, findrunnable"),
	C("read", "drains the netpoller's wake-up pipe", "runtime/netpoll_epoll.go: netpoll"),
	C("write", "wakes a thread blocked in the netpoller", "runtime/netpoll_epoll.go: netpollBreak"),
	C("mmap", "heap growth, goroutine stacks, GC metadata", "runtime/mem_linux.go: sysReserveOS, sysMapOS (mheap.grow, stackalloc)"),
	C("munmap", "frees address space", "runtime/mem_linux.go: sysFreeOS"),
	C("madvise", "the background scavenger returns free pages to the kernel; huge page hints",
	  "runtime/mem_linux.go: sysUnusedOS, sysHugePageOS; mgcscavenge.go: bgscavenge"),
	C("clone", "a new thread (M) when a goroutine blocks in a syscall (the exec fifo's open waits for `runc start`) while work is runnable",
	  "runtime/os_linux.go: newosproc; proc.go: newm, startm, handoffp"),
	C("rt_sigprocmask", "blocks signals around clone, then sets the new thread's mask",
	  "runtime/os_linux.go: newosproc; signal_unix.go: minitSignalMask"),
	C("sigaltstack", "the new thread's signal stack", "runtime/signal_unix.go: minitSignalStack (os_linux.go: minit)"),
	C("gettid", "the new thread's id", "runtime/os_linux.go: minit"),
	C("clock_gettime", "the time, when the kernel's vDSO cannot read the clocksource and falls back to the syscall",
	  "runtime/sys_linux_amd64.s: nanotime1, walltime (__vdso_clock_gettime)"),
};

/*
 * docker run --init: docker-init (tini 0.19, Debian's static build) is the
 * container's PID 1 under its filter for the container's whole life, and
 * forks the command.  A learning run without --init never sees it.
 */
static const scl_runtime_syscall docker_init[] = {
	S("brk", "the static C library's start", "glibc: __libc_start_main (static)"),
	S("arch_prctl", "the static C library's start (TLS)", "glibc: __libc_setup_tls (static)"),
	S("set_tid_address", "the static C library's start", "glibc: __libc_setup_tls (static)"),
	S("set_robust_list", "the static C library's start", "glibc: __libc_start_main (static)"),
	S("rseq", "the static C library's start", "glibc: rseq_register_current_thread"),
	S("prlimit64", "the static C library's start (stack limit)", "glibc: __libc_start_main (static)"),
	S("readlink", "the static C library's start (/proc/self/exe)", "glibc: _dl_relocate_static_pie, _dl_non_dynamic_init"),
	S("getrandom", "the static C library's start (malloc's tcache randomisation)", "glibc: malloc init"),
	S("mprotect", "the static C library's start (RELRO)", "glibc: _dl_protect_relro (static)"),
	S("rt_sigprocmask", "blocks the signals it forwards, unblocks them in the child", "tini.c: configure_signals, spawn"),
	S("rt_sigaction", "ignores SIGTTIN and SIGTTOU, resets them in the child", "tini.c: configure_signals, spawn"),
	S("getpid", "its own pid, to know whether it is PID 1", "tini.c: main"),
	S("clone", "forks the command (glibc fork)", "tini.c: spawn"),
	S("setpgid", "puts the child in its own process group", "tini.c: isolate_child"),
	S("getpgrp", "the foreground process group", "tini.c: isolate_child"),
	S("ioctl", "gives the child the terminal (tcsetpgrp; ENOTTY without one)", "tini.c: isolate_child"),
	S("execve", "execs the command in the child", "tini.c: spawn"),
	S("rt_sigtimedwait", "waits for a signal to forward, one second at a time", "tini.c: wait_and_forward_signal"),
	S("wait4", "reaps the child and orphans", "tini.c: reap_zombies (waitpid)"),
	C("kill", "forwards a signal (docker stop's SIGTERM) to the child", "tini.c: wait_and_forward_signal"),
	S("exit_group", "exits with the child's status", "tini.c: main"),
};

/*
 * crun 1.8.1, from its source only: it refuses this machine's hybrid
 * cgroups ("cgroups in hybrid mode not supported"), so none of this ran
 * here.  src/libcrun/container.c: with noNewPrivileges the filter is loaded
 * in container_init just before the exec; without it in
 * container_init_setup, before libcrun_set_caps.  crun is C: no runtime of
 * its own makes syscalls behind its back.
 */
static const scl_runtime_syscall crun_init[] = {
	C("close", "closes the seccomp fds, the sync socket and the exec fifo", "src/libcrun/container.c: container_init_setup, container_init (close_and_reset)"),
	C("execve", "execs the container's process", "src/libcrun/container.c: container_init (execv)"),
	/* without noNewPrivileges */
	C("prctl", "PR_CAPBSET_DROP per capability, PR_SET_KEEPCAPS, PR_CAP_AMBIENT, PR_SET_NO_NEW_PRIVS (noNewPrivileges false)",
	  "src/libcrun/linux.c: set_required_caps (libcrun_set_caps)"),
	C("setresgid", "process.user.gid (noNewPrivileges false)", "src/libcrun/linux.c: set_required_caps"),
	C("setresuid", "process.user.uid (noNewPrivileges false)", "src/libcrun/linux.c: set_required_caps"),
	C("capset", "process.capabilities (noNewPrivileges false)", "src/libcrun/linux.c: set_required_caps"),
	C("faccessat2", "eaccess() of the executable: glibc 2.36 takes faccessat2 (noNewPrivileges false)",
	  "src/libcrun/utils.c: check_access (find_executable)"),
	C("faccessat", "glibc's eaccess() on a kernel before 5.8 (faccessat2 ENOSYS)", "src/libcrun/utils.c: check_access"),
	C("newfstatat", "stat() of the executable: must be a regular file (noNewPrivileges false)",
	  "src/libcrun/utils.c: check_access (get_file_type)"),
	C("getcwd", "a relative process.args[0] (noNewPrivileges false)", "src/libcrun/utils.c: find_executable"),
	C("chdir", "process.cwd, when the chdir before the filter failed (noNewPrivileges false)",
	  "src/libcrun/container.c: container_init_setup"),
	C("brk", "malloc of the executable's path (noNewPrivileges false)", "src/libcrun/utils.c: find_executable (xstrdup)"),
	C("mmap", "malloc of the executable's path (noNewPrivileges false)", "src/libcrun/utils.c: find_executable (xstrdup)"),
	C("munmap", "free (noNewPrivileges false)", "src/libcrun/container.c: container_init_setup (cleanup_free)"),
	C("rt_sigprocmask", "unblocks every signal (noNewPrivileges false)", "src/libcrun/container.c: unblock_signals"),
	C("rt_sigaction", "SIG_DFL for every signal (noNewPrivileges false)", "src/libcrun/container.c: unblock_signals"),
	C("write", "sync 4 on the sync socket (noNewPrivileges false)", "src/libcrun/container.c: sync_socket_send_sync"),
	C("select", "crun create + start: waits on the exec fifo (glibc's select() takes select or pselect6 by version)",
	  "src/libcrun/container.c: container_init"),
	C("pselect6", "the same, where glibc's select() takes pselect6", "src/libcrun/container.c: container_init"),
	C("read", "crun create + start: reads the exec fifo (noNewPrivileges false)", "src/libcrun/container.c: container_init"),
};

static const scl_runtime_part part_runc = PART("runc-init", "runc 1.1.5 init (libcontainer)", runc_init);
static const scl_runtime_part part_go = PART("go", "Go 1.19 runtime of runc's init", go_runtime);
static const scl_runtime_part part_docker_init = PART("docker-init", "docker run --init: docker-init (tini 0.19)", docker_init);
static const scl_runtime_part part_crun = PART("crun", "crun 1.8.1 init (libcrun), from its source: untested here", crun_init);

static const scl_runtime runtimes[] = {
	{ .id = "runc", .what = "runc 1.1.5 (Go 1.19), after the container's filter is loaded", .tested = true,
	  .parts = { &part_runc, &part_go }, .n_parts = 2 },
	{ .id = "docker", .what = "Docker 20.10 (runc 1.1.5 under containerd 1.6), with docker run --init", .tested = true,
	  .parts = { &part_runc, &part_go, &part_docker_init }, .n_parts = 3 },
	{ .id = "crun", .what = "crun 1.8.1, from its source only (untested here)", .tested = false,
	  .parts = { &part_crun }, .n_parts = 1 },
};

#undef S
#undef C
#undef PART
