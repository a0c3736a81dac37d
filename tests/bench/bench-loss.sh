#!/usr/bin/env bash
# Benchmark: loss accounting beside busy neighbours.  RUNS (50) learning runs
# of `scmplog run -- dd ... count=DD_COUNT` (20000 one-byte copies) with one,
# then two neighbours busy beside them, each a getppid() loop under a
# log-everything filter of its own (`scmplog exec`), as on any CI runner or
# node.  Nothing is lost in these runs, so every "lost" is a false alarm (goal:
# 0).  Also the drain time added at the end: from the command's end until
# the drain marker came back and the late records below it were read (`run
# -v`: "drained N ms after the command's end"; goal: under 100 ms at the
# median).  Not a test: prints numbers.  Root only; takes the live tests' lock.
# Usage: tests/bench/bench-loss.sh [RUNS [DD_COUNT]]
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
[ "$(id -u)" -eq 0 ] || { echo "bench-loss: needs root (the kernel's audit stream)" >&2; exit 1; }
runs=${1:-50} count=${2:-20000}
here=$(cd "$(dirname "$0")" && pwd)
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || { echo "bench-loss: the live tests' lock is held" >&2; exit 1; }
work=$(mktemp -d)
pids=()
stop_neighbours() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
}
trap 'stop_neighbours; rm -rf "$work"' EXIT
gcc -O2 -o "$work/getppid-loop" "$here/../live/getppid-loop.c" || exit 1

printf '%-11s %5s %12s %10s %10s %10s %10s\n' neighbours runs "false alarms" "drain p50" "drain p90" "drain max" "run p50"
for n in 1 2; do
	for i in $(seq "$n"); do
		"$SCMPLOG" exec -q -p "$here/../../profiles/log-everything.json" -- "$work/getppid-loop" 4000000000 &
		pids+=($!)
	done
	for i in $(seq 300); do
		up=1
		for p in "${pids[@]}"; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = getppid-loop ] || up=0; done
		[ "$up" = 1 ] && break
		sleep 0.1
	done
	: >"$work/res"
	for r in $(seq "$runs"); do
		t0=$(date +%s%N)
		rc=0
		"$SCMPLOG" run -v -o "$work/p.json" -- dd if=/dev/zero of=/dev/null bs=1 count="$count" status=none 2>"$work/err" || rc=$?
		t1=$(date +%s%N)
		lost=$(sed -nE 's/^scmplog: [0-9]+ records of .*, ([0-9]+) lost.*/\1/p' "$work/err")
		drain=$(sed -nE 's/^scmplog: drained ([0-9]+) ms after.*/\1/p' "$work/err")
		echo "$rc ${lost:-?} ${drain:--1} $(((t1 - t0) / 1000000))" >>"$work/res"
		[ "$rc" = 0 ] && [ "${lost:-?}" = 0 ] || { echo "  run $r (exit $rc):"; grep -E "lost|warning" "$work/err" | sed 's/^/    /'; }
	done
	stop_neighbours
	python3 - "$n" "$work/res" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[2])]
alarms = sum(1 for rc, lost, d, w in rows if rc != "0" or lost != "0")
drain = sorted(int(d) for rc, lost, d, w in rows if int(d) >= 0)
wall = sorted(int(w) for rc, lost, d, w in rows)
q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))] if v else -1
print(f"{sys.argv[1]:<11} {len(rows):5} {alarms:12} {q(drain, .5):8} ms {q(drain, .9):8} ms {q(drain, 1):8} ms {q(wall, .5):8} ms")
PY
done
