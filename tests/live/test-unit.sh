#!/usr/bin/env bash
# The shipped unit runs: packaging/systemd/scmplog-collect.service's own
# SystemCallFilter= lines, expanded with systemd-analyze syscall-filter into the
# allowlist systemd would install (unit-filter.py: @default first, lines add
# up, SystemCallErrorNumber=, SystemCallArchitectures=native), its
# NoNewPrivileges= and CapabilityBoundingSet=, and STATE_DIRECTORY as
# StateDirectory= sets it; its ExecStart then runs under all that (systemd is
# not PID 1 here: setpriv and `scmplog exec` stand in for it), confines itself,
# learns a container's profile and exits 0 on SIGTERM.  RestrictAddressFamilies=
# and MemoryDenyWriteExecute= are modelled as argument rules (unit-filter.py);
# not modelled: LockPersonality=, RestrictNamespaces=, RestrictRealtime=,
# RestrictSUIDSGID=, the mount namespace settings (ProtectSystem=, ...).
. "$(dirname "$0")/lib.sh"
command -v systemd-analyze >/dev/null || skip "no systemd-analyze (systemd package)"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
UNIT=$(cd "$(dirname "$0")/../../packaging/systemd" && pwd)/scmplog-collect.service
build_helper noise -lseccomp
ID=5c091e7e5c091e7e5c091e7e5c091e7e5c091e7e5c091e7e5c091e7e5c091e7e
D=/sys/fs/cgroup/pids/docker
made_d=
made_id=
collector=
listener=
cleanup_test() {
	[ -n "$collector" ] && kill -KILL "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	[ -n "$listener" ] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
	[ -n "$made_id" ] && rmdir "$D/$ID" 2>/dev/null
	[ -n "$made_d" ] && rmdir "$D" 2>/dev/null
}
[ -d "$D" ] || { mkdir "$D" && made_d=1; } || skip "cannot create $D"
[ -e "$D/$ID" ] && skip "$D/$ID exists already"
mkdir "$D/$ID" || skip "cannot create $D/$ID"
made_id=1

python3 "$(dirname "$0")/unit-filter.py" "$UNIT" >"$TMP/unit.json" || fail "cannot expand the unit's filter"
grep -qx 'NoNewPrivileges=yes' "$UNIT" || fail "the unit lost NoNewPrivileges=yes (update this test)"
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' | sed 's/^CAP_/+/' | tr '[:upper:]' '[:lower:]' | paste -sd, -)
[ -n "$caps" ] || fail "no CapabilityBoundingSet= in the unit"
cmd=$(sed -n 's/^ExecStart=@BINDIR@\/scmplog//p' "$UNIT")
[ -n "$cmd" ] || fail "ExecStart= is not @BINDIR@/scmplog ..."
mkdir "$TMP/state"
# Type=notify, WatchdogSec=30s: systemd's notify socket, as a listener that logs
# each datagram
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode() + "\n")
        f.flush()' "$TMP/notify" "$TMP/notify.log" & listener=$!
for _ in $(seq 100); do [ -S "$TMP/notify" ] && break; sleep 0.1; done
# shellcheck disable=SC2086 # $cmd: the unit's arguments, split as systemd splits plain words
STATE_DIRECTORY=$TMP/state NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=30000000 \
	setpriv --no-new-privs --bounding-set "-all,$caps" -- \
	"$SCMPLOG" exec -q --profile "$TMP/unit.json" -- "$SCMPLOG" $cmd 2>"$TMP/c.err" & collector=$!
for _ in $(seq 600); do
	grep -qx 'READY=1' "$TMP/notify.log" 2>/dev/null && break
	kill -0 "$collector" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$collector" 2>/dev/null || { cat "$TMP/c.err"; fail "the collector exited under the unit's settings"; }
grep -qx 'READY=1' "$TMP/notify.log" || { cat "$TMP/c.err" "$TMP/notify.log"; fail "no READY=1 in 60 s"; }
lacks "$TMP/c.err" "Operation not permitted"
# a process in a Docker container (cgroupfs layout) makes logged syscalls
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 0.5' _ "$D/$ID" "$TMP/noise" || fail "the container's process failed"
# written about a second after the container's last process exited
for _ in $(seq 300); do [ -f "$TMP/state/$ID.json" ] && break; sleep 0.1; done
kill -TERM "$collector"
wait "$collector"; rc=$?
collector=
[ $rc -eq 0 ] || { cat "$TMP/c.err"; fail "the collector exited $rc on SIGTERM, expected 0"; }
f=$TMP/state/$ID.json
[ -f "$f" ] || { ls -la "$TMP/state"; cat "$TMP/c.err"; fail "no profile $ID.json in STATE_DIRECTORY"; }
profile_names "$f" | grep -qx sysinfo || { cat "$f"; fail "the container's profile lacks sysinfo"; }
contains "$TMP/c.err" "attributed to 1 container"
contains "$TMP/notify.log" "STOPPING=1"
audit_check
