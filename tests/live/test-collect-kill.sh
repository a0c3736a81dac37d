#!/usr/bin/env bash
# SIGKILL the collector in the middle of a run, again and again: every profile
# on disk is always a complete one (never torn, never empty), each restart
# resumes from what is on disk, and the final profile equals the one of an
# uninterrupted run of the same workload.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
build_helper noise -lseccomp
P=/sys/fs/cgroup/pids/scmplogkill
collector=
cleanup() {
	local rc=$?
	[ -n "$collector" ] && kill -KILL "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	for d in "$P"/ref "$P"/kill; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rmdir "$P" 2>/dev/null
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
[ -e "$P" ] && skip "$P exists already"
mkdir -p "$P/ref" "$P/kill" || skip "cannot create cgroups under $P"
"$SCMPLOG" log-profile -o "$TMP/log.json" || fail "log-profile failed"

# The workload, in cgroup $1 under the log filter: one-off syscalls first
# (mkdir, rmdir, and the shell's start), then 6 s of sysinfo/nanosleep, then exit.
workload() {
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" exec -q -p "$3" -- sh -c "mkdir \"\$0/d.\$\$\" && rmdir \"\$0/d.\$\$\" && exec \"\$1\" 6 nofilter" "$4" "$5"' \
		_ "$1" "$SCMPLOG" "$TMP/log.json" "$TMP" "$TMP/noise"
}
start() { # start OUTDIR ERRFILE: once it collects
	local n
	n=$(grep -c '^scmplog: collecting ' "$2" 2>/dev/null)
	"$SCMPLOG" collect -v --plain-runc --cgroup /scmplogkill --out-dir "$1" --interval 1 >/dev/null 2>>"$2" &
	collector=$!
	collector_ready "$2" $((${n:-0} + 1))
}
# check_whole FILE ERRFILE: a complete profile (parses, has the one-off syscalls of the start)
check_whole() {
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["syscalls"][0]["names"]' "$1" 2>/dev/null ||
		{ ls -la "$(dirname "$1")"; head -c 300 "$1"; cat "$2"; fail "$1 is not a complete profile"; }
	profile_names "$1" | grep -x mkdir >/dev/null ||
		{ tail -n 40 "$2"; fail "$1 lost the mkdir of the workload's start (not resumed)"; }
}

# Reference: one collector for the whole workload.
start "$TMP/ref" "$TMP/ref.err"
workload "$P/ref" || fail "workload failed"
# it reads what the kernel queued before the signal
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/ref.err"; fail "collect failed"; }
collector=
[ -f "$TMP/ref/ref.json" ] || { cat "$TMP/ref.err"; fail "no reference profile"; }
check_whole "$TMP/ref/ref.json" "$TMP/ref.err"

# Killed: SIGKILL every 0.6-1.4 s while the workload runs, restart at once.
start "$TMP/out" "$TMP/kill.err"
workload "$P/kill" & wl=$!
# the start's syscalls are written (interval 1 s)
for i in $(seq 300); do [ -f "$TMP/out/kill.json" ] && break; sleep 0.1; done
[ -f "$TMP/out/kill.json" ] || { cat "$TMP/kill.err"; fail "no kill.json after 30 s"; }
kills=0
while kill -0 "$wl" 2>/dev/null; do
	kill -KILL "$collector"; wait "$collector" 2>/dev/null
	collector=
	kills=$((kills + 1))
	[ -f "$TMP/out/kill.json" ] && check_whole "$TMP/out/kill.json" "$TMP/kill.err"
	start "$TMP/out" "$TMP/kill.err"
	sleep "0.$((6 + RANDOM % 9))"
done
wait "$wl" || fail "workload failed"
kill -TERM "$collector"; wait "$collector" || { cat "$TMP/kill.err"; fail "collect failed after restarts"; }
collector=
[ "$kills" -ge 3 ] || fail "only $kills kills during the workload"
check_whole "$TMP/out/kill.json" "$TMP/kill.err"
profile_names "$TMP/ref/ref.json" >"$TMP/ref.names"
profile_names "$TMP/out/kill.json" >"$TMP/kill.names"
same "$TMP/kill.names" "$TMP/ref.names"
echo "killed $kills times; final profile: $(wc -l <"$TMP/kill.names") syscalls, the same as the uninterrupted run"
audit_check
