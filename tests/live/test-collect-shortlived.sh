#!/usr/bin/env bash
# scmplog collect and short-lived processes: a runc container whose job forks
# many children that exit at once.  By the time their records are read most
# of them are gone; the kernel's process events (fork/exec/exit) tell the
# collector whose children they were, so they are attributed to the container
# and not counted as "gone unknown".  Without the events, the summary counts
# them as unattributed instead of guessing.
. "$(dirname "$0")/lib.sh"
command -v runc >/dev/null || skip "runc is not installed"
ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || skip "no static /bin/busybox (busybox-static)"
command -v python3 >/dev/null || skip "python3 is not installed"

STATE=$TMP/runc-state
collector=
STOP="collector"
cleanup_test() {
	runc --root "$STATE" delete -f ctrS >/dev/null 2>&1
	for d in /sys/fs/cgroup/*/ctrS /sys/fs/cgroup/*/*/ctrS /sys/fs/cgroup/*/*/*/ctrS /sys/fs/cgroup/ctrS; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
}

B=$TMP/b
mkdir -p "$B/rootfs/bin" "$B/rootfs/etc"
cp /bin/busybox "$B/rootfs/bin/busybox"
for a in sh ls cat; do ln -s busybox "$B/rootfs/bin/$a"; done
echo short >"$B/rootfs/etc/hostname"
(cd "$B" && runc spec) || fail "runc spec"
"$SCMPLOG" log-profile >"$TMP/log.json" || fail "log-profile"
python3 - "$B/config.json" "$TMP/log.json" <<'PY' || fail "cannot write config.json"
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sh", "-c", "for i in $(seq 30); do ls / >/dev/null; cat /etc/hostname >/dev/null; done"]
c["process"]["terminal"] = False
c["linux"]["seccomp"] = json.load(open(sys.argv[2]))
json.dump(c, open(sys.argv[1], "w"))
PY
ln -s busybox "$B/rootfs/bin/seq"

# collect_once NAME [OPTIONS]: one collector around one run of the container
collect_once() {
	local name=$1; shift
	"$SCMPLOG" collect -v --plain-runc --container ctrS --out-dir "$TMP/$name" --interval 60 "$@" \
		>/dev/null 2>"$TMP/$name.err" & collector=$!
	collector_ready "$TMP/$name.err"
	runc --root "$STATE" run --bundle "$B" ctrS </dev/null >"$TMP/$name.out" 2>&1 ||
		{ cat "$TMP/$name.out"; fail "the container failed"; }
	runc --root "$STATE" delete -f ctrS >/dev/null 2>&1
	kill -TERM "$collector" # it reads what the kernel queued before the signal
	wait "$collector"
	crc=$?
	collector=
	cat "$TMP/$name.err"
	[ "$crc" -eq "${want_rc:-0}" ] || fail "collect ($name) exited $crc, expected ${want_rc:-0}"
}

collect_once events
grep -q "cannot follow process events" "$TMP/events.err" && skip "no proc connector here"
p=$(ls "$TMP"/events/ctrS-????????.json) || fail "no profile for ctrS"
profile_names "$p" | grep -qx getdents64 || fail "the profile lacks getdents64 (ls, a short-lived child)"
grep -q "(0 of gone unknown processes" "$TMP/events.err" ||
	fail "with process events, records of gone children were left unattributed"
grep -q " 0 gone with their cgroup unknown since exec" "$TMP/events.err" ||
	fail "children forked inside the container were treated as uncertain"

collect_once noevents --no-proc-events
n=$(grep -o '[0-9]* of gone unknown processes' "$TMP/noevents.err" | cut -d' ' -f1)
echo "NOTE: without process events, $n records of gone processes were unattributed"
p2=$(ls "$TMP"/noevents/ctrS-????????.json) || fail "no profile for ctrS without process events"
profile_names "$p2" | grep -qx execve || fail "without process events, the profile lacks execve"
# a symbolic link where a profile goes is never read through nor replaced
mkdir "$TMP/link"
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}' >"$TMP/target.json"
cp "$TMP/target.json" "$TMP/target.orig"
ln -s "$TMP/target.json" "$TMP/link/$(basename "$p")"
want_rc=1 collect_once link
contains "$TMP/link.err" "cannot read profile '$TMP/link/$(basename "$p")'"
[ -L "$TMP/link/$(basename "$p")" ] || fail "the symbolic link was replaced"
same "$TMP/target.json" "$TMP/target.orig"
audit_check
