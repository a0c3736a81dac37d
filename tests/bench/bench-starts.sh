#!/usr/bin/env bash
# Benchmark: container starts under a learned profile, out of STARTS (100).
# A busybox container is learned the README's way (the log profile,
# `scmplog collect`, one run, LEARNS times: plain runc with --plain-runc and `runc spec`'s
# defaults, noNewPrivileges true; Docker with its defaults, noNewPrivileges
# false), then started STARTS times in a row under the learned profile with
# SCMP_ACT_KILL_PROCESS as its default action (a syscall the profile lacks
# kills the start, and the kernel logs it), with the runtime's baseline
# (`merge --runtime runc|docker`) and without it.  Prints the failures of
# each and the syscalls that killed them (from an independent audit reader).
# Root only; takes the live tests' lock (the live test runs it under run.sh's:
# SCMPLOG_LIVE_LOCKED=1).
# LEARNS (5) learning runs each, STARTS/LEARNS starts under each learned
# profile: the failures without the baseline depend on what each learning
# run happened to see, so one learning run says little.
# Usage: [LEARNS=N] tests/bench/bench-starts.sh [--test] [STARTS]
#   --test: as a live test (tests/live/test-runtime-starts.sh): only with the
#   baseline, STARTS default 20, exit 1 if any start failed, 77 where runc or
#   Docker cannot run here.
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
here=$(cd "$(dirname "$0")" && pwd)
test_mode=
[ "${1:-}" = --test ] && { test_mode=1; shift; }
starts=${1:-$([ -n "$test_mode" ] && echo 20 || echo 100)}
learns=${LEARNS:-$([ -n "$test_mode" ] && echo 1 || echo 5)}
[ "$learns" -ge 1 ] && [ "$learns" -le "$starts" ] || { echo "bench-starts: LEARNS must be 1..STARTS" >&2; exit 2; }
modes="baseline none"
[ -n "$test_mode" ] && modes=baseline
modes=${MODES:-$modes} # MODES=none --test: the live test without the baseline, to see it fail
cannot() {
	echo "bench-starts: $*" >&2
	[ -n "$test_mode" ] && exit 77
	exit 1
}
[ "$(id -u)" -eq 0 ] || cannot "needs root (containers, the kernel's audit stream)"
for t in runc python3; do command -v "$t" >/dev/null || cannot "'$t' missing: sudo sh tests/install-deps.sh"; done
[ -x /bin/busybox ] || cannot "/bin/busybox missing (busybox-static)"
grep -qw log /proc/sys/kernel/seccomp/actions_logged || cannot "actions_logged lacks 'log'"
lock=${SCMPLOG_LIVE_LOCK:-/run/lock/scmplog-live.lock}
if [ "${SCMPLOG_LIVE_LOCKED:-}" != 1 ]; then
	exec 9>"$lock"
	flock -w 900 9 || cannot "the live tests' lock is held"
fi

work=$(mktemp -d)
collector='' reader='' learner='' image='' dockerd_pid=''
ids=()
cleanup() {
	local id d
	[ -n "$collector" ] && kill -TERM "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	[ -n "$reader" ] && kill -TERM "$reader" 2>/dev/null && wait "$reader" 2>/dev/null
	exec 7>&- 2>/dev/null
	[ -n "$learner" ] && { docker rm -f "learn-$$" >/dev/null 2>&1; wait "$learner" 2>/dev/null; }
	for id in "${ids[@]}"; do
		runc --root "$work/state" delete -f "$id" >/dev/null 2>&1
		for d in /sys/fs/cgroup/*/"$id" /sys/fs/cgroup/*/*/"$id" /sys/fs/cgroup/"$id"; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	done
	[ -n "$image" ] && docker rmi -f "$image" >/dev/null 2>&1
	if [ -n "$dockerd_pid" ]; then
		# the dockerd this run started, and only that one
		kill -TERM "$dockerd_pid" 2>/dev/null
		for _ in $(seq 300); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
		wait "$dockerd_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

# the container's job: one process, as most containers are (the shell's
# builtins); JOB='cat /etc/hostname >/dev/null; ls /; echo started' forks,
# and the shell's SIGCHLD handler then puts rt_sigreturn into every profile
JOB=${JOB:-'read h </etc/hostname; echo started'}
mkdir -p rootfs/bin rootfs/etc rootfs/tmp rootfs/proc rootfs/dev rootfs/sys
cp /bin/busybox rootfs/bin/busybox
for a in sh ls cat echo; do ln -s busybox "rootfs/bin/$a"; done
echo starts >rootfs/etc/hostname
"$SCMPLOG" log-profile -o log.json || exit 1
"$SCMPLOG" resolve --all >syscalls.tsv || exit 1

# wait_for FILE PATTERN SECONDS
wait_for() {
	for _ in $(seq $(($3 * 10))); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# the collector, as the README runs it (-v: it says which container it attributes)
start_collector() {
	"$SCMPLOG" collect -v "$@" --out-dir out --interval 1 >collect.out 2>collect.err &
	collector=$!
	wait_for collect.err '^scmplog: collecting ' 60 || { cat collect.err >&2; echo "bench-starts: the collector did not start" >&2; exit 1; }
}
stop_collector() {
	kill -TERM "$collector"
	wait "$collector" || { cat collect.err >&2; echo "bench-starts: collect exited $?" >&2; exit 1; }
	collector=
}

json_args() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"; }
# bundle DIR ARGS-JSON PROFILE: a runc bundle with runc spec's defaults (noNewPrivileges true)
bundle() {
	mkdir -p "$1"
	(cd "$1" && rm -f config.json && runc spec) || exit 1
	python3 - "$1/config.json" "$2" "$3" "$work/rootfs" <<'PY' || exit 1
import json, sys
path, args, prof, root = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
c = json.load(open(path))
c["process"]["args"] = args
c["process"]["terminal"] = False
c["root"]["path"] = root
c["root"]["readonly"] = True
c["linux"]["seccomp"] = json.load(open(prof))
c["linux"].pop("cgroupsPath", None)
json.dump(c, open(path, "w"), indent=1)
PY
}

# the independent audit reader: what killed a start
python3 "$here/../live/audit-mcast.py" mcast.txt mcast.ready &
reader=$!
for _ in $(seq 100); do [ -e mcast.ready ] && break; sleep 0.1; done
[ -e mcast.ready ] || { echo "bench-starts: the audit reader did not start" >&2; exit 1; }
# kills FROM-LINE: the syscalls killed (code=0x80000000) since FROM-LINE, of the containers' processes
kills() {
	tail -n +"$1" mcast.txt | grep 'code=0x80000000' | grep -E 'comm="(runc:\[2:INIT\]|sh|ls|cat|busybox|echo)"' | python3 -c '
import re, sys
names = dict(l.rstrip("\n").split("\t")[:2] for l in open("syscalls.tsv"))
seen = {}
for l in sys.stdin:
    m = re.search(r" syscall=(\d+)", l)
    c = re.search(r" comm=(\"[^\"]*\"|\S+)", l)
    k = "%s by %s" % (names.get(m.group(1), m.group(1)), c.group(1).strip("\"") if c else "?")
    seen[k] = seen.get(k, 0) + 1
print(", ".join("%s (%d)" % (k, v) for k, v in sorted(seen.items())) or "-")'
}

results=()
failed_any=0
# enforce RUNTIME MODE START-CMD...: STARTS starts, STARTS/LEARNS under each
# learned profile (learned-RUNTIME-K.json), each start checked for its output
enforce() {
	local rt=$1 mode=$2 k fails=0 from extra=() per=$((starts / learns)) n=0
	shift 2
	[ "$mode" = baseline ] && extra=(--runtime "$rt")
	from=$(($(wc -l <mcast.txt) + 1))
	for k in $(seq "$learns"); do
		"$SCMPLOG" merge "${extra[@]}" --default-action kill_process "learned-$rt-$k.json" -o "enf-$rt-$mode-$k.json" \
			2>"summary-$rt-$mode.txt" || { cat "summary-$rt-$mode.txt" >&2; exit 1; }
		[ "$k" = "$learns" ] && per=$((starts - n))
		for _ in $(seq "$per"); do
			n=$((n + 1))
			if ! "$@" "enf-$rt-$mode-$k.json" "$n" >start.out 2>&1 </dev/null ||
				[ "$(tail -n 1 start.out)" != started ]; then
				fails=$((fails + 1))
				[ "$fails" -le 2 ] && sed "s/^/    start $n: /" start.out | tail -n 3 >&2
			fi
		done
	done
	sleep 1 # the kernel's last records
	results+=("$(printf '%-7s %-9s %7s %7s  %s' "$rt" "$mode" "$starts" "$fails" "$(kills "$from")")")
	[ "$fails" -gt 0 ] && failed_any=1
	echo "bench-starts: $rt, $mode: $fails of $starts starts failed" >&2
}

# runc: learn LEARNS times, then start
runc_start() {
	local id="starts-$$-$2" b="b-${1%.json}"
	ids+=("$id")
	[ -e "$b/config.json" ] || bundle "$b" "$(json_args sh -c "$JOB")" "$1"
	runc --root "$work/state" run --bundle "$b" "$id"
	local rc=$?
	runc --root "$work/state" delete -f "$id" >/dev/null 2>&1
	return $rc
}
# learn_runc K: one container, the README's way, into learned-runc-K.json
learn_runc() {
	local id="starts-$$-learn-$1" runner
	ids+=("$id")
	[ -e b-learn/config.json ] || bundle b-learn "$(json_args sh -c "read go; $JOB")" log.json
	start_collector --plain-runc --container "$id"
	rm -f go.fifo && mkfifo go.fifo
	runc --root "$work/state" run --bundle b-learn "$id" <go.fifo >learn.out 2>&1 &
	runner=$!
	exec 7>go.fifo
	wait_for collect.err "container $id (" 60 ||
		{ cat collect.err learn.out >&2; echo "bench-starts: runc's learning container was not attributed" >&2; exit 1; }
	echo go >&7
	exec 7>&-
	wait "$runner" || { cat learn.out >&2; echo "bench-starts: the learning container failed" >&2; exit 1; }
	grep -qx started learn.out || { cat learn.out >&2; exit 1; }
	wait_for out/"$id".json getdents64 60 || { ls out >&2; echo "bench-starts: no profile for $id" >&2; exit 1; }
	stop_collector
	cp out/"$id".json "learned-runc-$1.json"
	rm -rf out
}
for k in $(seq "$learns"); do learn_runc "$k"; done
for m in $modes; do enforce runc "$m" runc_start; done

# Docker: dockerd if none runs (started here, stopped at the end)
docker_start() { docker run --rm --network none --security-opt "seccomp=$1" "$image" sh -c "$JOB"; }
learn_docker() {
	local id=''
	start_collector
	rm -f go.fifo && mkfifo go.fifo
	docker run -i --name "learn-$$" --network none --security-opt seccomp=log.json "$image" sh -c "read go; $JOB" \
		<go.fifo >learn.out 2>&1 &
	learner=$!
	exec 7>go.fifo
	for _ in $(seq 600); do
		id=$(docker inspect -f '{{.Id}}' "learn-$$" 2>/dev/null) && break
		sleep 0.1
	done
	wait_for collect.err "container $id (docker) -> " 60 ||
		{ cat collect.err >&2; echo "bench-starts: Docker's learning container was not attributed" >&2; exit 1; }
	echo go >&7
	exec 7>&-
	wait "$learner" || { cat learn.out >&2; echo "bench-starts: the learning container failed under Docker" >&2; exit 1; }
	learner=''
	docker rm -f "learn-$$" >/dev/null 2>&1
	wait_for out/"$id".json getdents64 60 || { ls out >&2; echo "bench-starts: no profile for $id" >&2; exit 1; }
	stop_collector
	cp out/"$id".json "learned-docker-$1.json"
	rm -rf out
}
if ! command -v docker >/dev/null; then
	[ -n "$test_mode" ] && cannot "docker.io is not installed"
	results+=("docker  -            0       -  docker is not installed: not measured")
else
	if ! docker info >/dev/null 2>&1 && ! pgrep -x dockerd >/dev/null; then
		# stopped again at the end; without the descriptors above 2 (the live
		# tests' locks among them: a dockerd holding one would stop every later test)
		(
			for fd in /proc/self/fd/*; do
				fd=${fd##*/}
				[ "$fd" -gt 2 ] && eval "exec $fd>&-"
			done 2>/dev/null
			exec dockerd >"$work/dockerd.log" 2>&1 </dev/null
		) &
		dockerd_pid=$!
	fi
	for _ in $(seq 240); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
	docker info >/dev/null 2>&1 || cannot "dockerd does not start here"
	image=scmplog-starts-busybox:$$
	tar -C rootfs -c . | docker import - "$image" >import.out 2>&1 || { cat import.out >&2; exit 1; }
	for k in $(seq "$learns"); do learn_docker "$k"; done
	for m in $modes; do enforce docker "$m" docker_start; done
fi

printf '%-7s %-9s %7s %7s  %s\n' runtime baseline starts failed "killed by (syscall by comm, records)"
printf '%s\n' "${results[@]}"
for rt in runc docker; do
	[ -e "learned-$rt-1.json" ] || continue
	echo "$rt: $learns learning runs; the learned profiles held futex $(grep -l '"futex"' learned-"$rt"-*.json | wc -l) times, rt_sigreturn $(grep -l '"rt_sigreturn"' learned-"$rt"-*.json | wc -l) times"
done
for f in summary-*-baseline.txt; do [ -e "$f" ] && head -n 1 "$f"; done
[ -n "$test_mode" ] && [ "$failed_any" -ne 0 ] && exit 1
exit 0
