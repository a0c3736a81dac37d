#!/usr/bin/env bash
# Benchmark: the central server of a fleet, fed by NODES simulated nodes
# (default 8) through the journal path (packaging/fleet/README.md).  One
# kernel cannot be 8 nodes, so each node's stream is made up: RECORDS
# SECCOMP entries (default 200,000) as journald stores them (_TRANSPORT=audit,
# its own _HOSTNAME, _BOOT_ID and _MACHINE_ID, audit serials in order, 40
# syscalls of its own among 60 in all), turned into a journal file by
# systemd-journal-remote.  Then, at once: a central systemd-journal-remote
# on 127.0.0.1, NODES systemd-journal-upload sending their files to it as
# fast as it takes them, and `scmplog collect --journal-dir --split-by host`
# following the central files.  Reported: the records per second the central
# scmplog learned, from the first upload to the last record learned; its CPU
# and peak memory; the same for systemd-journal-remote (the peer it runs
# beside, in the same go: the CPU ratio says what scmplog adds to the central
# server); and the records lost: each node's profile must hold its 40
# syscalls, and the records collect counted must be NODES x RECORDS.
# Root only (journal-remote writes under /tmp); takes the live tests' lock.
# Usage: tests/bench/bench-fleet.sh [NODES [RECORDS]]
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
nodes=${1:-8}
records=${2:-200000}
JR=/lib/systemd/systemd-journal-remote
JU=/lib/systemd/systemd-journal-upload
[ "$(id -u)" -eq 0 ] || { echo "bench-fleet: needs root" >&2; exit 1; }
[ -x "$JR" ] && [ -x "$JU" ] ||
	{ echo "bench-fleet: systemd-journal-remote is missing: apt-get install systemd-journal-remote" >&2; exit 1; }
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || { echo "bench-fleet: the live tests' lock is held" >&2; exit 1; }

work=$(mktemp -d)
remote='' collector='' sampler=''
ups=()
cleanup() {
	for p in "${ups[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${ups[@]}"; do wait "$p" 2>/dev/null; done
	for p in $collector $sampler $remote; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench-fleet: $nodes nodes x $records records, through systemd-journal-upload to systemd-journal-remote"
# the nodes' streams, in journal export format, and their journal files
python3 "$(dirname "$0")/fleet-nodes.py" gen export "$work" "$nodes" "$records"
# journal-remote rotates a big file (node-N@....journal beside it): a directory per node
for n in $(seq 0 $((nodes - 1))); do
	mkdir -p "$work/node-$n"
	"$JR" --output="$work/node-$n/node-$n.journal" "$work/node-$n.export" 2>"$work/jr-$n.err" ||
		{ cat "$work/jr-$n.err"; echo "bench-fleet: cannot make node-$n's journal" >&2; exit 1; }
	rm -f "$work/node-$n.export"
done

cpu_of() { awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$1/stat"; }
hwm_of() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/central"
"$JR" --listen-http="127.0.0.1:$port" --output="$work/central/" 2>"$work/remote.err" & remote=$!
for _ in $(seq 100); do ss -ltn "sport = :$port" | grep -q LISTEN && break; sleep 0.1; done
python3 "$(dirname "$0")/notify-sampler.py" "$work/notify" "$work/pid" "$work/samples" & sampler=$!
for _ in $(seq 50); do [ -S "$work/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$work/notify "$SCMPLOG" collect --journal-dir "$work/central" --split-by host --out-dir "$work/out" \
	--interval 1 >/dev/null 2>"$work/c.err" & collector=$!
echo "$collector" >"$work/pid"
for _ in $(seq 100); do [ -s "$work/samples" ] && break; sleep 0.1; done

t0=$(date +%s.%N)
for n in $(seq 0 $((nodes - 1))); do
	"$JU" --url="http://127.0.0.1:$port" --directory="$work/node-$n" --follow=no 2>"$work/up-$n.err" & ups+=($!)
done
failed=0
for p in "${ups[@]}"; do wait "$p" || failed=$((failed + 1)); done
ups=()
t_up=$(date +%s.%N)
[ "$failed" = 0 ] || { tail -n 3 "$work"/up-*.err; echo "bench-fleet: $failed uploads failed" >&2; }
total=$((nodes * records))
# learned: collect's count reaches the total (10 minutes at most)
done_at=''
for _ in $(seq 6000); do
	last=$(tail -n 1 "$work/samples")
	got=$(printf '%s' "$last" | awk -F'\t' '{ split($2, a, " "); print a[1] }')
	if [ "${got:-0}" -ge "$total" ]; then done_at=$(printf '%s' "$last" | cut -f 1); break; fi
	sleep 0.1
done
rcpu=$(cpu_of "$remote") rhwm=$(hwm_of "$remote")
kill -TERM "$collector"
wait "$collector"
crc=$?
collector=
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
sampler=
last=$(tail -n 1 "$work/samples")
ccpu=$(printf '%s' "$last" | cut -f 5) chwm=$(printf '%s' "$last" | cut -f 4)
got=$(printf '%s' "$last" | awk -F'\t' '{ split($2, a, " "); print a[1] }')
lost=$(printf '%s' "$last" | awk -F'\t' '{ n = split($2, a, " "); print a[n - 1] }')

# each node's profile: its 40 syscalls
bad=0
for n in $(seq 0 $((nodes - 1))); do
	f=$work/out/node-$n.json
	if [ ! -f "$f" ]; then echo "bench-fleet: no profile for node-$n" >&2; bad=$((bad + 1)); continue; fi
	python3 "$(dirname "$0")/fleet-nodes.py" check "$f" "$work/node-$n.want" || bad=$((bad + 1))
done
if [ -z "$done_at" ]; then
	echo "bench-fleet: collect counted $got of $total records in 10 minutes" >&2
	cat "$work/c.err" >&2
	exit 1
fi
python3 - "$t0" "$t_up" "$done_at" "$total" "$ccpu" "$chwm" "$rcpu" "$rhwm" "$lost" "$nodes" <<'PY'
import sys, time
t0, t_up, done_at, total, ccpu, chwm, rcpu, rhwm, lost, nodes = sys.argv[1:]
# t0 and t_up are wall clock; done_at is monotonic: take the upload's length on the same clock
now_wall, now_mono = time.time(), time.monotonic()
t0m = float(t0) - (now_wall - now_mono)
span = float(done_at) - t0m
up = float(t_up) - float(t0)
total = int(total)
print(f"\n{'nodes':>6} {'records':>10} {'upload_s':>9} {'learned_s':>10} {'rec/s':>10} "
      f"{'scmplog_cpu_s':>14} {'scmplog_hwm_kib':>16} {'remote_cpu_s':>13} {'remote_hwm_kib':>15} {'cpu_ratio':>10} {'lost':>6}")
print(f"{nodes:>6} {total:>10} {up:>9.1f} {span:>10.1f} {total / span:>10.0f} {float(ccpu):>14.2f} {chwm:>16} "
      f"{float(rcpu):>13.2f} {rhwm:>15} {float(ccpu) / max(float(rcpu), 0.01):>10.2f} {lost:>6}")
print(f"scmplog: {total / max(float(ccpu), 0.01):.0f} records per CPU second; "
      f"journal-remote: {total / max(float(rcpu), 0.01):.0f}")
PY
[ "$crc" = 0 ] || { cat "$work/c.err"; echo "bench-fleet: collect exited $crc" >&2; exit 1; }
[ "$bad" = 0 ] && [ "${lost:-1}" = 0 ] && [ "$failed" = 0 ] || { echo "bench-fleet: FAILED ($bad profiles wrong, lost $lost)" >&2; exit 1; }
echo "bench-fleet: every node's profile complete, 0 lost"
