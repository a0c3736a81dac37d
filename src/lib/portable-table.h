/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reviewed table of equivalent syscall families (scmplog/portable.h).
 * Included once, by portable.c.  Every fact here is written down with its
 * source in profiles/README.md ("Portable profiles"); change both together.
 *
 * Kernel versions: the release that added the syscall on x86_64 ("" when
 * older than 2.6).  glibc/musl: the file and function that choose among the
 * members or fall back, read in bminor/glibc (2.36-2.41) and bminor/musl.
 */

#define M(n, role, k) { n, SCL_PORTABLE_##role, k }
#define FAMILY(id_, t64, why_, glibc_, musl_)                                                     \
	{ .id = #id_, .members = m_##id_, .n_members = sizeof(m_##id_) / sizeof(m_##id_[0]),     \
	  .time64 = (t64), .why = (why_), .glibc = (glibc_), .musl = (musl_) }

static const scl_portable_member m_clone[] = {
	M("clone3", NEWER, "5.3"), M("clone", ALT, ""), M("fork", ALT, ""), M("vfork", ALT, ""),
};
static const scl_portable_member m_stat[] = {
	M("statx", NEWER, "4.11"), M("newfstatat", ALT, "2.6.16"), M("fstat", ALT, ""),
	M("stat", ALT, ""), M("lstat", ALT, ""),
};
static const scl_portable_member m_open[] = {
	M("openat2", NEWER, "5.6"), M("openat", ALT, "2.6.16"), M("open", ALT, ""),
};
static const scl_portable_member m_access[] = {
	M("faccessat2", NEWER, "5.8"), M("faccessat", ALT, "2.6.16"), M("access", ALT, ""),
};
static const scl_portable_member m_epoll[] = {
	M("epoll_pwait2", NEWER, "5.11"), M("epoll_pwait", ALT, "2.6.19"), M("epoll_wait", ALT, "2.6"),
};
static const scl_portable_member m_close_range[] = {
	M("close_range", NEWER, "5.9"), M("close", TRIGGER, ""), M("getdents64", FALLBACK, "2.4"),
};
static const scl_portable_member m_rseq[] = {
	M("rseq", NEWER, "4.18"), M("set_tid_address", TRIGGER, "2.6"),
};
static const scl_portable_member m_futex_waitv[] = {
	M("futex_waitv", NEWER, "5.16"), M("futex", ALT, "2.6"),
};
static const scl_portable_member m_pidfd[] = {
	M("pidfd_open", NEWER, "5.3"), M("wait4", TRIGGER, ""), M("waitid", TRIGGER, "2.6.9"),
	M("kill", FALLBACK, ""),
};
static const scl_portable_member m_write[] = {
	M("write", ALT, ""), M("writev", ALT, "2.2"),
};
static const scl_portable_member m_read[] = {
	M("read", ALT, ""), M("readv", ALT, "2.2"),
};
static const scl_portable_member m_getrandom[] = {
	M("getrandom", NEWER, "3.17"), M("openat", FALLBACK, "2.6.16"), M("read", FALLBACK, ""),
};

/* The 32-bit time64 variants: added together in Linux 5.1 (i386, arm). */
#define T64(old, neu)                                                                           \
	static const scl_portable_member m_##old[] = { M(#neu, NEWER, "5.1"), M(#old, ALT, "") }
T64(clock_gettime, clock_gettime64);
T64(clock_getres, clock_getres_time64);
T64(clock_nanosleep, clock_nanosleep_time64);
T64(futex, futex_time64);
T64(ppoll, ppoll_time64);
T64(pselect6, pselect6_time64);
T64(utimensat, utimensat_time64);
T64(timerfd_settime, timerfd_settime64);
T64(timerfd_gettime, timerfd_gettime64);
T64(timer_settime, timer_settime64);
T64(timer_gettime, timer_gettime64);
T64(rt_sigtimedwait, rt_sigtimedwait_time64);
T64(recvmmsg, recvmmsg_time64);
T64(semtimedop, semtimedop_time64);
#undef T64

#define T64_GLIBC "sysdeps/unix/sysv/linux/<call>.c: __<call>64 tries the _time64 syscall, the old one on ENOSYS"
#define T64_MUSL "src/<dir>/<call>.c: SYS_<call>_time64 first, SYS_<call> on ENOSYS (musl 1.2+)"

static const scl_portable_family families[] = {
	FAMILY(clone, false, "threads and processes: glibc 2.34+ tries clone3, then clone on ENOSYS; musl, fork() and vfork() take clone, fork or vfork",
	       "sysdeps/unix/sysv/linux/clone-internal.c: __clone_internal (clone3, __clone_internal_fallback on ENOSYS); posix/fork.c: _Fork (clone)",
	       "src/thread/pthread_create.c: __clone (clone); src/process/_Fork.c: SYS_fork; src/process/x86_64/vfork.s: SYS_vfork"),
	FAMILY(stat, false, "file status: 64-bit glibc stat()/fstat()/lstat() take newfstatat, musl takes stat, fstat, lstat; statx is probed by its callers",
	       "sysdeps/unix/sysv/linux/fstatat64.c: __fstatat64_time64 (newfstatat; statx first on 32-bit, fstatat64 on ENOSYS); statx.c: statx (statx_generic on ENOSYS)",
	       "src/stat/fstatat.c: fstatat (fstat for AT_EMPTY_PATH, lstat, stat, else newfstatat)"),
	FAMILY(open, false, "opening files: glibc's open() takes openat, musl's takes open; openat2 has no libc fallback, its callers (runc, systemd) fall back to openat on ENOSYS",
	       "sysdeps/unix/sysv/linux/open64.c: __libc_open64 (openat)",
	       "src/fcntl/open.c: open (__sys_open: SYS_open)"),
	FAMILY(access, false, "access checks: glibc 2.33+ faccessat() tries faccessat2, faccessat on ENOSYS; access() takes access where it exists",
	       "sysdeps/unix/sysv/linux/faccessat.c: faccessat (faccessat2, faccessat on ENOSYS); access.c: __access (access)",
	       "src/unistd/faccessat.c: faccessat (1.2.3, seen with strace: with a flag faccessat2, faccessat on ENOSYS; no flag: faccessat); src/unistd/access.c: access (SYS_access)"),
	FAMILY(epoll, false, "waiting on epoll: epoll_pwait2 has no libc fallback, its callers (systemd's sd-event) fall back to epoll_wait on ENOSYS",
	       "sysdeps/unix/sysv/linux/epoll_pwait2.c: epoll_pwait2 (no fallback); epoll_wait.c: epoll_wait (epoll_wait where it exists)",
	       "src/linux/epoll.c: epoll_pwait and epoll_wait, each its own syscall"),
	FAMILY(close_range, false, "closing inherited descriptors: glibc's closefrom() tries close_range, then closes what /proc/self/fd lists",
	       "sysdeps/unix/sysv/linux/closefrom.c: __closefrom (close_range, __closefrom_fallback on failure: getdents64 + close)",
	       "no close_range caller"),
	FAMILY(rseq, false, "restartable sequences: glibc 2.35+ registers rseq at every thread start and goes on without it on any error",
	       "sysdeps/unix/sysv/linux/rseq-internal.h: rseq_register_current_thread (failure only sets cpu_id to RSEQ_CPU_ID_REGISTRATION_FAILED)",
	       "no rseq caller"),
	FAMILY(futex_waitv, false, "waiting on several futexes: no libc wrapper; callers (Wine, Proton) fall back to futex on ENOSYS",
	       "no futex_waitv caller", "no futex_waitv caller"),
	FAMILY(pidfd, false, "process handles: glibc 2.36 wraps pidfd_open without fallback; callers (Go's os package, systemd) fall back to wait4/waitid and kill on ENOSYS",
	       "sysdeps/unix/sysv/linux/syscalls.list: pidfd_open (no fallback)", "no pidfd_open caller"),
	FAMILY(write, false, "stdio output: glibc writes a FILE's buffer with write, musl with writev (buffer and data in one call)",
	       "libio/fileops.c: _IO_new_file_write (write)",
	       "src/stdio/__stdio_write.c: __stdio_write (writev in musl 1.2.3, seen with strace)"),
	FAMILY(read, false, "stdio input: glibc fills a FILE's buffer with read, musl with readv (data and buffer in one call)",
	       "libio/fileops.c: _IO_file_read (read)",
	       "src/stdio/__stdio_read.c: __stdio_read (readv)"),
	FAMILY(getrandom, false, "randomness: getrandom has no libc fallback; callers (OpenSSL, Python) read /dev/urandom on ENOSYS",
	       "sysdeps/unix/sysv/linux/getrandom.c: __getrandom (no fallback)", "src/linux/getrandom.c: getrandom (no fallback)"),
	FAMILY(clock_gettime, true, "32-bit time64: clock_gettime64 first, clock_gettime on ENOSYS (the vDSO is tried before both)",
	       "sysdeps/unix/sysv/linux/clock_gettime.c: __clock_gettime64", "src/time/clock_gettime.c: clock_gettime"),
	FAMILY(clock_getres, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(clock_nanosleep, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(futex, true, "32-bit time64: timed futex waits (pthread_cond_timedwait, sem_timedwait)",
	       "sysdeps/nptl/futex-internal.c: __futex_abstimed_wait_common (futex_time64, futex on ENOSYS)",
	       "src/thread/__timedwait.c: __futex4_cp (futex_time64, futex on ENOSYS)"),
	FAMILY(ppoll, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(pselect6, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(utimensat, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(timerfd_settime, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(timerfd_gettime, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(timer_settime, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(timer_gettime, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(rt_sigtimedwait, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(recvmmsg, true, "32-bit time64", T64_GLIBC, T64_MUSL),
	FAMILY(semtimedop, true, "32-bit time64", T64_GLIBC, T64_MUSL),
};

#undef T64_GLIBC
#undef T64_MUSL
#undef FAMILY
#undef M
