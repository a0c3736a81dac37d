#!/usr/bin/env bash
# Benchmark and load test: the node collector as the audit daemon under
# LOAD_TREES (default 8) process trees, each in its own plain cgroup
# /scmplogload/cN in every mounted hierarchy but cpuset (v1 and v2 on a hybrid
# host, as a runtime does; with --plain-runc the collector takes the leaf name
# as a container id, so the 8 cgroups are 8 containers to it), each a
# parent and LOAD_WORKERS (default 2) children calling getppid() under a
# filter that logs it (SCMP_ACT_LOG) and allows everything else, as fast as
# they can for LOAD_SECONDS (default 60).  Each tree counts its calls: the
# records the kernel must produce, known without the collector.  Checks, per
# tree, that the collector received exactly that many records (its summary's
# per-profile count), that the kernel's lost counter (AUDIT_GET, auditctl -s)
# did not move, that the collector reported 0 lost (a receive overflow,
# ENOBUFS, is allowed when it lost nothing: the kernel sends again what its
# unicast to the daemon timed out on), that its main thread was never found waiting in the
# kernel's audit_receive() (a request of its own, penalized like a producer
# while the backlog is over its limit: tests/data/KERNEL-NOTES.md), and that
# the audit settings are restored afterwards.
# Reports the record rate, the collector's CPU (user + system, from
# /proc/PID/stat) and peak RSS (VmHWM), and how long the kernel made the
# trees wait for a full backlog (backlog_wait_time_actual): the daemon way
# throttles the producers to the collector's speed instead of dropping.
# Root only; takes the live tests' lock (or runs under the caller's, when fd 9
# is that lock: tests/live/test-collect-load.sh).
# Usage: tests/bench/bench-load.sh [--test]
#   --test: as a live test: exit 77 where it cannot run (a real audit daemon
#   is registered, no cgroup hierarchy), 1 when a check fails.  Without it a
#   failed check exits 1 too.
# COLLECT_OPTS: more options for scmplog collect.  LOAD_STALL_MAIN=MS (the
# default with --test: 300): halfway through, stop only the collector's main
# thread for MS milliseconds (stall-thread.c, ptrace), as a slow disk stalls
# it while it writes and syncs the profiles; its reader thread must keep the
# socket empty meanwhile (a daemon socket full for 100 ms makes the kernel
# drop records).  0: no stall.  LOAD_STALL=N (fault injection, to see the
# checks fail): stop the whole collector (SIGSTOP) for N seconds halfway.
# LOAD_STALL_READER=MS: halfway, stop the collector's reader thread (the
# one that empties the socket) for MS milliseconds instead: the kernel's
# unicast times out and the socket says ENOBUFS.  LOAD_EXPECT=truth: then the
# checks are not "nothing lost" but "the loss said is the loss there was": a
# receive overflow is allowed; the collector must report a loss when a tree
# got fewer records than it produced and must report none when every tree got
# them all and the kernel's lost counter did not move (a false alarm), and at
# least one overflow must have happened (else the run proved nothing: exit 3).
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
here=$(cd "$(dirname "$0")" && pwd)
test_mode=0
[ "${1:-}" = --test ] && test_mode=1
secs=${LOAD_SECONDS:-60}
trees=${LOAD_TREES:-8}
workers=${LOAD_WORKERS:-2}
say() { echo "bench-load: $*" >&2; }
cannot() { say "$*"; [ $test_mode = 1 ] && exit 77; exit 1; }
[ "$(id -u)" -eq 0 ] || cannot "needs root (the kernel's audit stream, cgroups)"
grep -qw log /proc/sys/kernel/seccomp/actions_logged ||
	cannot "'log' is not in /proc/sys/kernel/seccomp/actions_logged"
for t in gcc auditctl; do
	command -v "$t" >/dev/null || { say "'$t' missing: sudo sh tests/install-deps.sh"; exit 1; }
done
if [ "$(readlink /proc/$$/fd/9 2>/dev/null)" != /run/scmplog-live-tests.lock ]; then
	exec 9>/run/scmplog-live-tests.lock
fi
flock -w 900 9 || cannot "the live tests' lock is held"

# "key value" of the audit status
astat() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }
settings() { auditctl -s | awk '$1 == "pid" || $1 == "enabled" || $1 == "backlog_limit" || $1 == "backlog_wait_time" { print $1, $2 }'; }
apid=$(astat pid)
if [ "$apid" != 0 ] && [ -d "/proc/$apid" ]; then
	cannot "a real audit daemon ($(cat "/proc/$apid/comm" 2>/dev/null), pid $apid) is registered: this load would flood its log"
fi

# The parents, one per hierarchy.  Every hierarchy: a tree left in a cgroup
# of the caller's (this sandbox's memory:/process_api/<32 hex>) would show
# the collector another leaf that looks like a container id.
parents=()
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
	parents=(/sys/fs/cgroup/scmplogload)
else
	for h in /sys/fs/cgroup/*; do
		[ "${h##*/}" = cpuset ] && continue # a cpuset cgroup needs cpus and mems first
		case $(stat -fc %T "$h" 2>/dev/null) in cgroupfs | cgroup2fs) parents+=("$h/scmplogload") ;; esac
	done
fi
[ ${#parents[@]} -gt 0 ] || cannot "no cgroup hierarchy to create cgroups in"
for d in "${parents[@]}"; do
	[ -e "$d" ] && cannot "$d exists already (another run?)"
done

work=$(mktemp -d)
collector=''
sampler=''
pids=()
cgs=()
cleanup() {
	local p d i
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	# the trees' workers: whatever is still in our cgroups, by pid
	for d in "${cgs[@]}"; do
		[ -f "$d/cgroup.procs" ] || continue
		while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$d/cgroup.procs"
	done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "$collector" ] && kill -CONT "$collector" 2>/dev/null && kill -TERM "$collector" 2>/dev/null &&
		wait "$collector" 2>/dev/null
	for d in "${cgs[@]}"; do
		for i in $(seq 50); do rmdir "$d" 2>/dev/null && break; [ -d "$d" ] || break; sleep 0.1; done
	done
	for d in "${parents[@]}"; do [ -d "$d" ] && rmdir "$d"; done
	rm -f "$work/running"
	[ -n "$sampler" ] && wait "$sampler" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stall_main=${LOAD_STALL_MAIN:-$([ $test_mode = 1 ] && echo 300 || echo 0)}
stall_reader=${LOAD_STALL_READER:-0}
expect=${LOAD_EXPECT:-none-lost}
gcc -O2 -Wall -o "$work/load-tree" "$here/load-tree.c" -lseccomp 2>"$work/gcc.err" || { cat "$work/gcc.err"; exit 1; }
gcc -O2 -Wall -o "$work/stall-thread" "$here/stall-thread.c" 2>"$work/gcc.err" || { cat "$work/gcc.err"; exit 1; }
procs=()
for d in "${parents[@]}"; do mkdir "$d" || exit 1; done
for i in $(seq "$trees"); do
	p=''
	for d in "${parents[@]}"; do
		mkdir "$d/c$i" || exit 1
		cgs+=("$d/c$i")
		p=${p:+$p,}$d/c$i/cgroup.procs
	done
	procs+=("$p")
done

settings0=$(settings)
lost0=$(astat lost)
wait0=$(astat backlog_wait_time_actual)
# shellcheck disable=SC2086
"$SCMPLOG" collect --plain-runc --cgroup /scmplogload --source daemon --out-dir "$work/out" \
	--interval 10 ${COLLECT_OPTS:-} >/dev/null 2>"$work/c.err" & collector=$!
for _ in $(seq 50); do [ "$(astat pid)" = "$collector" ] && break; sleep 0.1; done
[ "$(astat pid)" = "$collector" ] || { cat "$work/c.err"; say "the collector did not register as the audit daemon"; exit 1; }
sleep 0.5
printf 'bench-load: %s trees x %s workers, %s s, cgroups /scmplogload/cN in %s hierarchies, collector pid %s (%s)\n' \
	"$trees" "$workers" "$secs" "${#parents[@]}" "$collector" "$(settings | tr '\n' ' ')"
# The main thread's kernel stack, sampled while the trees run: found in
# audit_receive(), it sent the kernel a request while the backlog was over its
# limit and waits (uninterruptibly, up to backlog_wait_time) for room like a
# producer, while its reader thread fills the queue.  "N M L": samples, in it,
# the longest run of samples in it.  One sample (a wait under 0.2 s) the queue
# absorbs, as it absorbs the scheduler's own delays on a busy machine (kauditd
# starved for a second, the slot check asks); the holds that overflowed the
# socket lasted 1.4-3.3 s (KERNEL-NOTES): three samples in a row fail.
sample_main() {
	local n=0 in=0 run=0 longest=0 s
	while [ -e "$work/running" ]; do
		s=$(cat "/proc/$collector/task/$collector/stack" 2>/dev/null) || break
		n=$((n + 1))
		case $s in
		*audit_receive*) in=$((in + 1)) run=$((run + 1)); [ "$run" -le "$longest" ] || longest=$run ;;
		*) run=0 ;;
		esac
		sleep 0.1
	done
	echo "$n $in $longest" >"$work/stacks"
}
touch "$work/running"
sample_main & sampler=$!
t0=$(date +%s.%N)
for i in $(seq "$trees"); do
	"$work/load-tree" "${procs[$((i - 1))]}" "$secs" "$workers" >"$work/produced.$i" & pids+=($!)
done
stalled=''
if [ "$stall_main" != 0 ]; then
	sleep "$(awk -v s="$secs" 'BEGIN { print s / 2 }')"
	stalled=$("$work/stall-thread" "$collector" "$stall_main") || { say "cannot stall the collector's main thread"; exit 1; }
	say "fault injection: the collector's main thread was stopped for $stalled ms (its reader thread was not)"
fi
if [ "$stall_reader" != 0 ]; then
	sleep "$(awk -v s="$secs" 'BEGIN { print s / 2 }')"
	# not the main thread, not the status asker (scmplog-asker, or scmplog-learn in learn
	# mode, as every thread): the reader is the one that keeps no capability
	readers=$(for t in /proc/"$collector"/task/*; do
		[ "${t##*/}" = "$collector" ] && continue
		[ "$(awk '$1 == "CapEff:" { print $2 }' "$t/status")" = 0000000000000000 ] && echo "${t##*/}"
	done)
	[ "$(echo "$readers" | wc -w)" = 1 ] || { say "not one reader thread in $collector: $readers"; exit 1; }
	stalled=$("$work/stall-thread" "$readers" "$stall_reader") || { say "cannot stall the collector's reader thread"; exit 1; }
	say "fault injection: the collector's reader thread $readers was stopped for $stalled ms"
fi
if [ -n "${LOAD_STALL:-}" ]; then
	sleep "$(awk -v s="$secs" 'BEGIN { print s / 2 }')"
	kill -STOP "$collector"
	say "fault injection: the collector is stopped for $LOAD_STALL s"
	sleep "$LOAD_STALL"
	kill -CONT "$collector"
fi
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
pids=()
t1=$(date +%s.%N)
rm -f "$work/running"
wait "$sampler"
read -r samples in_receive longest_receive <"$work/stacks" 2>/dev/null || { samples=0; in_receive=0; longest_receive=0; }
[ "$failed" = 0 ] || { say "$failed of the trees failed"; exit 1; }
# the collector's CPU and peak memory, before its final drain and write
read -r utime stime < <(awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$collector/stat")
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$collector/status")
sleep 1
kill -TERM "$collector"
wait "$collector"
rc=$?
collector=
[ "$rc" = 0 ] || { cat "$work/c.err"; say "collect exited $rc"; exit 1; }
lost1=$(astat lost)
wait1=$(astat backlog_wait_time_actual)
settings1=$(settings)
cat "$work/c.err"

python3 - "$trees" "$secs" "$t0" "$t1" "$utime" "$stime" "$(getconf CLK_TCK)" "$hwm" \
	"$lost0" "$lost1" "$wait0" "$wait1" "$work" "$samples" "$in_receive" "${longest_receive:-0}" "$expect" <<'PY'
import re, sys
trees = int(sys.argv[1])
secs, t0, t1 = (float(x) for x in sys.argv[2:5])
utime, stime, tck, hwm, lost0, lost1, wait0, wait1 = (int(x) for x in sys.argv[5:13])
work = sys.argv[13]
samples, in_receive, longest_receive = int(sys.argv[14]), int(sys.argv[15]), int(sys.argv[16])
truth = sys.argv[17] == "truth"
summ = open(f"{work}/c.err").read()
fails = []
m = re.search(r"(\d+) SECCOMP records read .*?: (\d+) attributed to (\d+) containers?, (\d+) unattributed.*?(\d+) lost$",
              summ, re.M)
if not m:
    print("bench-load: no summary from the collector", file=sys.stderr)
    sys.exit(1)
records, attributed, ctrs, unattr, lost = map(int, m.groups())
got = {int(a): int(b) for a, b in re.findall(r"^scmplog:   c(\d+)\.json: \d+ syscalls, (\d+) records$", summ, re.M)}
overflows = max([int(x) for x in re.findall(r"(\d+) receive overflows?", summ)] or [0])
wall = t1 - t0
cpu = (utime + stime) / tck
print(f"\n{'tree':>6} {'produced':>12} {'received':>12} {'records/s':>10}")
total = 0
missing = 0
for i in range(1, trees + 1):
    p = int(open(f"{work}/produced.{i}").read())
    r = got.get(i, 0)
    total += p
    print(f"{'c%d' % i:>6} {p:>12} {r:>12} {p / wall:>10.0f}" + ("" if p == r else "   MISMATCH"))
    missing += p - r
    if p != r and not truth:
        fails.append(f"tree c{i}: the kernel produced {p} records, the collector received {r}")
print(f"{'all':>6} {total:>12} {sum(got.values()):>12} {total / wall:>10.0f}")
if ctrs != trees:
    fails.append(f"{ctrs} containers learned, expected {trees}")
if truth:
    if not overflows:
        print("bench-load: no receive overflow happened: the run proves nothing", file=sys.stderr)
        sys.exit(3)
    if missing and not lost:
        fails.append(f"{missing} records missing from the trees' profiles, the collector reports none lost")
    if not missing and lost1 == lost0 and lost:
        fails.append(f"the collector reports {lost} lost, every record arrived and the kernel's lost counter"
                     " did not move: a false alarm")
else:
    if lost1 != lost0:
        fails.append(f"the kernel's lost counter moved: {lost0} -> {lost1}")
    # an overflow alone is not a loss: kauditd sends again what its unicast
    # timed out on; the trees' counts and the collector's loss say whether
    # it lost anything (tests/live/test-collect-overflow.sh)
    if lost:
        fails.append(f"the collector reports {lost} lost")
print(f"\n{total} records in {wall:.1f} s: {total / wall:.0f} records/s; kernel lost counter +{lost1 - lost0};"
      f" {overflows} receive overflows; collector: {lost} lost, {records - attributed} other records"
      f" ({unattr} unattributed)")
print(f"collector CPU {utime / tck:.2f} s user + {stime / tck:.2f} s system = {cpu:.2f} s"
      f" ({100 * cpu / wall:.0f}% of one core, {total / cpu if cpu else 0:.0f} records per CPU second), peak RSS {hwm} KiB")
print(f"the trees waited for a full backlog: backlog_wait_time_actual +{wait1 - wait0} (jiffies)")
if samples:
    print(f"the collector's main thread, sampled {samples} times: {in_receive} waiting in audit_receive()"
          f" (at most {longest_receive} in a row)")
    if longest_receive >= 3:
        fails.append(f"the collector's main thread waited in audit_receive() for backlog room"
                     f" ({longest_receive} samples in a row, {in_receive} of {samples}): a request to the kernel under load")
else:
    print("the collector's main thread: no kernel stack to sample (/proc/PID/stack)")
for f in fails:
    print(f"bench-load: FAILED: {f}", file=sys.stderr)
sys.exit(1 if fails else 0)
PY
ok=$?
if [ "$settings1" != "$settings0" ]; then
	printf 'before: %s\nafter:  %s\n' "$settings0" "$settings1"
	say "FAILED: the audit settings were not restored"
	ok=1
fi
exit $ok
