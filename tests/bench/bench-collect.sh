#!/usr/bin/env bash
# Benchmark: the node collector's memory and throughput against the number
# of containers.  For each count N (default 200, then 1000): N processes,
# each in its own cgroup below a parent this script creates (cgroup v1 pids
# and v2 alternately on a hybrid host), each under its own SCMP_ACT_LOG
# filter making about 60 distinct cheap syscalls a round, so about 20,000 records
# a second in all; `scmplog collect --plain-runc --cgroup /scmplogbench`
# learns one profile per cgroup from audit multicast.  Every few seconds
# (the collector's sd_notify STATUS) the collector's records, RSS and CPU are
# sampled: RSS must stay flat while the records grow, and grow little per
# container.  Root only; takes the live tests' lock.
# The collector also keeps an entry per host process it hears fork or exec
# (the proc connector; at most SCL_MAX_CONTAINER_CACHE), so its RSS rises
# with the host's process churn, which each run reports, up to that bound.
# Measured (this host, 61 syscalls a profile): peak RSS grows ~8.5 KB a
# container, of which its syscall set (sysset.h, a bitset per architecture)
# is ~150 B; the rest is the container's cache entries, output file state
# and allocator slack.  Before the bitsets (a hash table of keys): ~16 KB.
# Usage: tests/bench/bench-collect.sh [SECONDS_PER_COUNT [COUNT...]]   (default 90 200 1000)
# COLLECT_OPTS: more options for scmplog collect (e.g. --no-proc-events).
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
[ "$(id -u)" -eq 0 ] || { echo "bench-collect: needs root (the kernel's audit stream, cgroups)" >&2; exit 1; }
grep -qw log /proc/sys/kernel/seccomp/actions_logged ||
	{ echo "bench-collect: 'log' is not in /proc/sys/kernel/seccomp/actions_logged" >&2; exit 1; }
secs=${1:-90}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(200 1000)
for t in gcc python3; do
	command -v "$t" >/dev/null || { echo "bench-collect: '$t' missing: sudo sh tests/install-deps.sh" >&2; exit 1; }
done
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || { echo "bench-collect: the live tests' lock is held" >&2; exit 1; }

# where the cgroups go: v1 pids and v2 (hybrid), or v2 only
v1='' v2=''
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
	v2=/sys/fs/cgroup/scmplogbench
else
	[ -d /sys/fs/cgroup/pids ] && v1=/sys/fs/cgroup/pids/scmplogbench
	[ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && v2=/sys/fs/cgroup/unified/scmplogbench
fi
[ -n "$v1$v2" ] || { echo "bench-collect: no cgroup hierarchy to create cgroups in" >&2; exit 1; }
for d in $v1 $v2; do
	[ -e "$d" ] && { echo "bench-collect: $d exists already (another run?)" >&2; exit 1; }
done

work=$(mktemp -d)
collector='' sampler=''
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "$collector" ] && kill -TERM "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null && wait "$sampler" 2>/dev/null
	for d in $v1 $v2; do
		[ -d "$d" ] || continue
		for c in "$d"/c*; do [ -d "$c" ] && rmdir "$c"; done
		rmdir "$d"
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# burst CGROUP_PROCS SECS PERIOD_MS: join the cgroup and exec itself, load
# a log filter, then every PERIOD_MS make one round of distinct syscalls for
# SECS seconds.
cat >"$work/burst.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void round_of_syscalls(int fd, char *page)
{
	struct sysinfo si;
	struct utsname u;
	struct rusage ru;
	struct tms t;
	struct rlimit rl;
	struct sched_param sp;
	struct timespec ts;
	struct timeval tv;
	struct itimerval it;
	struct stat st;
	struct statfs sf;
	stack_t ss;
	sigset_t set;
	cpu_set_t cpus;
	unsigned char vec[1];
	unsigned cpu;
	uid_t r, e, s;
	gid_t gr, ge, gs;
	char buf[256];
	int p[2], x;
	mode_t m;

	syscall(SYS_getpid); syscall(SYS_getppid); syscall(SYS_getuid); syscall(SYS_geteuid);
	syscall(SYS_getgid); syscall(SYS_getegid); syscall(SYS_gettid); syscall(SYS_getpgrp);
	syscall(SYS_getsid, 0); syscall(SYS_getpgid, 0);
	sysinfo(&si); uname(&u); (void)!getcwd(buf, sizeof(buf));
	getpriority(PRIO_PROCESS, 0); sched_yield(); getrusage(RUSAGE_SELF, &ru); times(&t);
	m = umask(022); umask(m);
	getrlimit(RLIMIT_NOFILE, &rl);
	sched_getscheduler(0); sched_getparam(0, &sp); sched_getaffinity(0, sizeof(cpus), &cpus);
	getresuid(&r, &e, &s); getresgid(&gr, &ge, &gs); getgroups(0, NULL);
	syscall(SYS_personality, 0xffffffff);
	syscall(SYS_prctl, 3 /* PR_GET_DUMPABLE */, 0, 0, 0, 0);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); syscall(SYS_clock_getres, CLOCK_MONOTONIC, &ts);
	syscall(SYS_gettimeofday, &tv, NULL);
#ifdef SYS_time
	syscall(SYS_time, NULL);
#endif
	getitimer(ITIMER_REAL, &it); sigaltstack(NULL, &ss); sigprocmask(SIG_BLOCK, NULL, &set);
	sigpending(&set);
	sched_get_priority_max(SCHED_OTHER); sched_get_priority_min(SCHED_OTHER);
	syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	syscall(SYS_getcpu, &cpu, NULL, NULL);
	fcntl(fd, F_GETFL); fstat(fd, &st); lseek(fd, 0, SEEK_CUR);
	x = dup(fd); close(x);
	(void)!pread(fd, buf, 0, 0); (void)!read(fd, buf, 0); (void)!write(fd, buf, 0);
	faccessat(AT_FDCWD, "/", F_OK, 0); fstatat(AT_FDCWD, "/", &st, 0);
	statfs("/", &sf); fstatfs(fd, &sf);
	if (pipe2(p, O_CLOEXEC) == 0) { close(p[0]); close(p[1]); }
	x = eventfd(0, EFD_CLOEXEC); close(x);
	x = epoll_create1(EPOLL_CLOEXEC); close(x);
	x = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC); close(x);
	madvise(page, 4096, MADV_NORMAL); mincore(page, 4096, vec); mprotect(page, 4096, PROT_READ | PROT_WRITE);
	syscall(SYS_getrandom, buf, 8, 1 /* GRND_NONBLOCK */);
	syscall(SYS_membarrier, 0 /* MEMBARRIER_CMD_QUERY */, 0, 0);
}

int main(int argc, char **argv)
{
	double secs = strtod(argv[2], NULL);
	long period = strtol(argv[3], NULL, 10);
	struct timespec t0, t, nap = { period / 1000, (period % 1000) * 1000000L };
	scmp_filter_ctx c;
	char *page;
	int fd, cg;

	if (argc != 4)
		return 2;
	if (strcmp(argv[1], "-")) {
		/* join, then exec: as runtimes do, and the collector reads the cgroup again at exec */
		cg = open(argv[1], O_WRONLY | O_CLOEXEC);
		if (cg < 0 || write(cg, "0", 1) != 1) {
			perror(argv[1]);
			return 1;
		}
		close(cg);
		argv[1] = "-";
		execv("/proc/self/exe", argv);
		perror("exec");
		return 1;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	c = seccomp_init(SCMP_ACT_LOG);
	if (fd < 0 || page == MAP_FAILED || !c || seccomp_arch_add(c, SCMP_ARCH_X86) < 0 ||
	    seccomp_arch_add(c, SCMP_ARCH_X32) < 0 || seccomp_load(c) < 0) {
		fprintf(stderr, "burst: setup failed\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		round_of_syscalls(fd, page);
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	return 0;
}
C
gcc -O2 -Wall -o "$work/burst" "$work/burst.c" -lseccomp 2>"$work/gcc.err" || { cat "$work/gcc.err"; exit 1; }


printf 'bench-collect: %s s a count, counts: %s, cgroups under %s\n' "$secs" "${counts[*]}" "$v1 $v2"
printf '\n%10s %10s %12s %10s %10s %10s %10s %12s %14s\n' containers records records/s lost cpu_s rec/cpu_s idle_kib peak_hwm_kib rss_first/last
results=()
for n in "${counts[@]}"; do
	for d in $v1 $v2; do mkdir -p "$d"; done
	for i in $(seq "$n"); do
		if [ -n "$v1" ] && { [ -z "$v2" ] || [ $((i % 2)) = 1 ]; }; then mkdir "$v1/c$i"; else mkdir "$v2/c$i"; fi
	done
	rm -rf "$work/out" "$work/notify" "$work/samples" "$work/pid"
	python3 "$(dirname "$0")/notify-sampler.py" "$work/notify" "$work/pid" "$work/samples" & sampler=$!
	for _ in $(seq 50); do [ -S "$work/notify" ] && break; sleep 0.1; done
	forks0=$(awk '$1 == "processes" { print $2 }' /proc/stat)
	# shellcheck disable=SC2086
	NOTIFY_SOCKET=$work/notify "$SCMPLOG" collect --plain-runc --cgroup /scmplogbench --source multicast \
		--out-dir "$work/out" --interval 5 ${COLLECT_OPTS:-} >/dev/null 2>"$work/c.err" & collector=$!
	echo "$collector" >"$work/pid"
	sleep 2
	idle=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$collector/status")
	# ~20,000 records a second in all, whatever n: a round is ~55 syscalls
	period=$((n * 55 / 20))
	pids=()
	for i in $(seq "$n"); do
		if [ -d "${v1:-/nonexistent}/c$i" ]; then d=$v1/c$i; else d=$v2/c$i; fi
		"$work/burst" "$d/cgroup.procs" "$secs" "$period" & pids+=($!)
	done
	failed=0
	for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
	pids=()
	sleep 6
	kill -TERM "$collector"
	wait "$collector" || { cat "$work/c.err"; echo "bench-collect: collect failed" >&2; exit 1; }
	collector=
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	sampler=
	[ "$failed" = 0 ] || echo "bench-collect: $failed burst processes failed" >&2
	for d in $v1 $v2; do
		for c in "$d"/c*; do [ -d "$c" ] && rmdir "$c"; done
		rmdir "$d"
	done
	nfiles=$(find "$work/out" -name "*.json" | wc -l)
	forks=$(( $(awk '$1 == "processes" { print $2 }' /proc/stat) - forks0 - n ))
	python3 - "$n" "$secs" "$idle" "$nfiles" "$forks" "$work/samples" "$work/c.err" <<'PY'
import re, sys
n, secs, idle, nfiles, forks = (int(float(x)) for x in sys.argv[1:6])
samples, errlog = sys.argv[6:8]
rows = [l.rstrip("\n").split("\t") for l in open(samples)]
t0 = float(rows[0][0]) if rows else 0.0
for r in rows:  # seconds since the first sample
    r[0] = f"{float(r[0]) - t0:.1f}"
summ = open(errlog).read()
m = re.search(r"(\d+) SECCOMP records read .*?: (\d+) attributed to (\d+) containers?.*?(\d+) lost", summ)
if not m or not rows:
    print(summ)
    sys.exit(1)
records, attributed, ctrs, lost = map(int, m.groups())
cpu = float(rows[-1][4]) if rows else 0.0
hwm = max(int(r[3]) for r in rows) if rows else 0
# RSS while records grow: the first sample after all containers showed up, and the last
full = [r for r in rows if re.match(rf"\d+ records, {n} containers", r[1])]
first, last = (full[0], full[-1]) if full else (rows[0], rows[-1])
print(f"{ctrs:>10} {records:>10} {records / secs:>12.0f} {lost:>10} {cpu:>10.2f} {records / cpu if cpu else 0:>10.0f} "
      f"{idle:>10} {hwm:>12} {first[2]:>6}/{last[2]:<6}")
sc = [int(x) for x in re.findall(r"^scmplog:   c\d+\.json: (\d+) syscalls", summ, re.M)]
if sc:
    print(f"           {min(sc)}..{max(sc)} syscalls a profile, {sum(sc)} (container, syscall) pairs in all")
print(f"           RSS {first[2]} KiB at '{first[1]}' ({first[0]} s), {last[2]} KiB at '{last[1]}' ({last[0]} s);"
      f" {nfiles} profiles written; {attributed} records attributed; {forks} other processes forked on the host meanwhile")
# the timeline: records (millions) -> RSS (KiB), about eight points
step = max(1, len(full) // 8)
pts = full[::step] + ([full[-1]] if full and (len(full) - 1) % step else [])
print("           RSS by records: " + ", ".join(f"{int(r[1].split()[0]) / 1e6:.2f}M {r[2]}" for r in pts))
if ctrs != n or nfiles != n:
    print(f"bench-collect: expected {n} containers and profiles, got {ctrs} and {nfiles}", file=sys.stderr)
open(samples + ".sum", "w").write(f"{n} {hwm} {idle}\n")
PY
	results+=("$(cat "$work/samples.sum")")
done
# memory per container: the peak's growth from the smallest count to the largest
if [ ${#results[@]} -ge 2 ]; then
	read -r n0 h0 _ <<<"${results[0]}"
	read -r n1 h1 _ <<<"${results[${#results[@]} - 1]}"
	[ "$n1" != "$n0" ] && echo "peak RSS grows $(( (h1 - h0) * 1024 / (n1 - n0) )) bytes a container ($n0 -> $n1 containers)"
fi
