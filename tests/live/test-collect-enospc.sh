#!/usr/bin/env bash
# Out of disk: the collector's output directory is a small tmpfs that fills up
# mid-run.  Writes fail with a clear error, the profiles already there stay
# complete and unchanged, the collector keeps learning in memory, and once
# space returns the next write has everything, including what was learned
# while the disk was full.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
build_helper noise -lseccomp
P=/sys/fs/cgroup/pids/scmplogenospc
OUT=$TMP/out
collector=
STOP="collector"
cleanup_test() {
	mountpoint -q "$OUT" && umount "$OUT"
	cgroups_remove "$P"
}
[ -e "$P" ] && skip "$P exists already"
mkdir -p "$P/c1" "$P/c2" || skip "cannot create cgroups under $P"
mkdir "$OUT"
mount -t tmpfs -o size=256k,mode=0755 scmplog-enospc "$OUT" || skip "cannot mount a tmpfs"
"$SCMPLOG" log-profile -o "$TMP/log.json" || fail "log-profile failed"

# in_cg DIR CMD...: CMD under the log filter, from inside cgroup DIR
in_cg() {
	local d=$1; shift
	sh -c 'd=$1; shift; echo $$ >"$d/cgroup.procs" && exec "$@"' _ "$d" "$SCMPLOG" exec -q -p "$TMP/log.json" -- "$@"
}
wait_for() { # wait_for FILE PATTERN: up to 30 s for FILE's syscall names to hold PATTERN
	local i
	for i in $(seq 300); do
		[ -f "$1" ] && profile_names "$1" | grep -x "$2" >/dev/null && return 0
		sleep 0.1
	done
	cat "$TMP/c.err"; fail "timed out waiting for '$2' in $1"
}

"$SCMPLOG" collect -v --plain-runc --cgroup /scmplogenospc --out-dir "$OUT" --interval 1 >/dev/null 2>"$TMP/c.err" &
collector=$!
collector_ready "$TMP/c.err"
in_cg "$P/c1" "$TMP/noise" 0.3 nofilter || fail "workload 1 failed"
wait_for "$OUT/c1.json" sysinfo
cp "$OUT/c1.json" "$TMP/c1.before"

# Fill the file system, then do something new in c1 and start c2.
dd if=/dev/zero of="$OUT/fill" bs=4k 2>/dev/null
[ "$(df --output=avail "$OUT" | tail -n 1)" -eq 0 ] || fail "the tmpfs is not full"
in_cg "$P/c1" sh -c 'mkdir "$1/d" && rmdir "$1/d"' _ "$TMP" || fail "workload 2 failed"
in_cg "$P/c2" "$TMP/noise" 0.3 nofilter || fail "workload 3 failed"
wait_contains "$TMP/c.err" "not written: what was learned is kept in memory and written again at the next interval" 30
kill -0 "$collector" 2>/dev/null || { cat "$TMP/c.err"; fail "the collector died on a full disk"; }
contains "$TMP/c.err" "No space left on device"
grep -E "cannot write .*c1\.json.*: No space left on device" "$TMP/c.err" >/dev/null ||
	{ cat "$TMP/c.err"; fail "the error does not name the profile that could not be written"; }
contains "$TMP/c.err" "not written: what was learned is kept in memory and written again at the next interval"
same "$OUT/c1.json" "$TMP/c1.before"
[ ! -e "$OUT/c2.json" ] || python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT/c2.json" ||
	fail "a torn c2.json was left on the full disk"
ls -a "$OUT" | grep -E '^\.c[12]\.json\.' && fail "a temporary file was left behind"

# Space returns: the next write has what was learned meanwhile.
rm -f "$OUT/fill"
wait_for "$OUT/c1.json" mkdir
wait_for "$OUT/c2.json" sysinfo
profile_names "$OUT/c1.json" | grep -x sysinfo >/dev/null || fail "c1.json lost what it had"
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/c.err"; fail "collect exited non-zero after the disk recovered"; }
collector=
cat "$TMP/c.err"
audit_check
