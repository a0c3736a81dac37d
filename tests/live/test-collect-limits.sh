#!/usr/bin/env bash
# scmplog collect's container and process limits are enforced and reported, with small
# runtime limits (--max-containers 2, --max-pids 3, --forget-after 2).  Plain leaf
# cgroups stand for containers (--plain-runc):
# records of processes in three of them, read from a log file, give two profiles and
# the third container's records counted past the limit; of four live processes in one
# container, seen at start through /proc with the process events, three are counted;
# containers gone for a while are forgotten, so more than SCL_MAX_CONTAINERS come and go,
# and processes in leaf cgroups not asked for (a host's services) take no slot from them.
# No fixed waits: the machine may be busy (each step waits for what it needs, bounded).
. "$(dirname "$0")/lib.sh"
small=("$SCMPLOG" collect --max-containers 2 --max-pids 3 --forget-after 2)
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
P=/sys/fs/cgroup/pids/scmpliml
X=/sys/fs/cgroup/pids/scmplimx
collector=
sleepers=()
cleanup() {
	local rc=$?
	[ -n "$collector" ] && kill -TERM "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	for p in "${sleepers[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	cgroups_remove "$P"
	rmdir "$X"/n* "$X" 2>/dev/null
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
[ -e "$P" ] && skip "$P exists already"
[ -e "$X" ] && skip "$X exists already"
for i in 1 2 3 4; do mkdir -p "$P/c$i" || skip "cannot create $P/c$i"; done
for i in 1 2; do mkdir -p "$X/n$i" || skip "cannot create $X/n$i"; done
# in_cg DIR: a sleep inside cgroup DIR, its pid in $REPLY, once it is there and runs sleep
# (a collector started before would see it also as sh, then exec sleep: twice)
in_cg() {
	local i
	sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 60' _ "$1" &
	REPLY=$!
	sleepers+=("$REPLY")
	for i in $(seq 300); do
		[ "$(cat "/proc/$REPLY/comm" 2>/dev/null)" = sleep ] && grep -qx "$REPLY" "$1/cgroup.procs" && return 0
		sleep 0.1
	done
	fail "pid $REPLY is not running sleep in $1 after 30 s"
}

# Containers: a record of each of three, two records of the third.
in_cg "$P/c1"; p1=$REPLY
in_cg "$P/c2"; p2=$REPLY
in_cg "$P/c3"; p3=$REPLY
sleep 1.2 # the records below are made after the processes started
now=$(date +%s)
serial=1
for p in $p1 $p2 $p3 $p3; do
	printf '2026-11-26T16:29:34.411971+00:00 vm kernel: [ 4356.731816] audit: type=1326 audit(%s.404:%s): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=%s comm="sleep" exe="/usr/bin/sleep" sig=0 arch=c000003e syscall=%s compat=0 ip=0x7f23e5a01ad7 code=0x7ffc0000\n' \
		"$now" "$serial" "$p" "$serial"
	serial=$((serial + 1))
done >"$TMP/c.log"
"${small[@]}" --plain-runc --cgroup /scmpliml --follow-file "$TMP/c.log" --from-start \
	--out-dir "$TMP/out" --interval 1 >/dev/null 2>"$TMP/c.err" &
collector=$!
# once it handles SIGTERM, its last round reads the file to its end
collect_ready "$collector" "$TMP/c.err" 30
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/c.err"; fail "collect failed"; }
collector=
[ "$(ls "$TMP/out" | tr '\n' ' ')" = "c1.json c2.json " ] || { cat "$TMP/c.err"; fail "expected c1 and c2: $(ls "$TMP/out")"; }
contains "$TMP/c.err" "scmplog: warning: over --max-containers (2 containers): the records of further containers are counted, not learned"
[ "$(grep -c 'over --max-containers' "$TMP/c.err")" -eq 1 ] || fail "the limit was said more than once"
contains "$TMP/c.err" "2 attributed to 2 containers, 2 unattributed ("
contains "$TMP/c.err" "0 undecided, 2 past --max-containers)"

# Processes: four alive in c4 when the collector starts (with the process events).  Only
# --container keeps the host's own leaf cgroups (services) out of the container table.
for i in 1 2 3 4; do in_cg "$P/c4"; done
"${small[@]}" --plain-runc --container c4 --out-dir "$TMP/out2" --interval 1 \
	>/dev/null 2>"$TMP/p.err" &
collector=$!
# the live processes are read before its loop reads SIGTERM
collect_ready "$collector" "$TMP/p.err" 30
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/p.err"; fail "collect failed"; }
collector=
if grep -q "cannot follow process events" "$TMP/p.err"; then
	cat "$TMP/p.err"
	fail "no process events as root"
fi
contains "$TMP/p.err" "scmplog: warning: over --max-pids (3 live container processes): further processes are not counted"
[ "$(grep -c 'over --max-pids (3 live' "$TMP/p.err")" -eq 1 ] || fail "the limit was said more than once"
contains "$TMP/p.err" "scmplog: warning: 1 container process not counted: over --max-pids (3)"

# Forgetting: four containers one after another, each gone before the next starts, all
# get their profile with --max-containers 2: each is forgotten (--forget-after 2) once
# its last process exited and its file is written, and its file's syscalls are freed.  c1 coming back afterwards resumes from its file: the profile has
# what both of its runs did.
for p in "${sleepers[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
sleepers=()
build_helper noise -lseccomp
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# Two processes in leaf cgroups outside --cgroup, alive throughout: seen at start, not
# learned; they once kept both slots for good, and c1 was counted past the limit.
in_cg "$X/n1"
in_cg "$X/n2"
"${small[@]}" -v --plain-runc --cgroup /scmpliml --out-dir "$TMP/out3" --interval 1 \
	>/dev/null 2>"$TMP/f.err" &
collector=$!
wait_contains "$TMP/f.err" "collecting" 30
for i in 1 2 3 4; do
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 0.2' _ "$P/c$i" "$TMP/noise" || fail "noise in c$i failed"
	wait_contains "$TMP/f.err" "container c$i forgotten: no process for 2 s, its profile written" 15
done
# the comeback: noise under scmplog exec's log-everything filter, which logs its start
# (execve and all) too, what its first run under its own filter did not
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" exec -q -p "$3" -- "$4" 0.5 nofilter' _ "$P/c1" "$SCMPLOG" \
	"$TOP/profiles/log-everything.json" "$TMP/noise" || fail "noise in c1 failed"
wait_contains "$TMP/f.err" "resuming from '$TMP/out3/c1.json'" 15
wait_contains "$TMP/f.err" "container c1 forgotten" 15
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/f.err"; fail "collect failed"; }
collector=
[ "$(ls "$TMP/out3" | tr '\n' ' ')" = "c1.json c2.json c3.json c4.json " ] ||
	{ cat "$TMP/f.err"; fail "expected c1..c4: $(ls "$TMP/out3")"; }
for i in 1 2 3 4; do
	names=$(profile_names "$TMP/out3/c$i.json")
	grep -qx sysinfo <<<"$names" || fail "c$i.json lacks sysinfo"
	[ $i = 1 ] || ! grep -qx execve <<<"$names" || fail "c$i.json has execve: the test cannot tell c1's runs apart"
done
grep -qx execve <<<"$(profile_names "$TMP/out3/c1.json")" ||
	{ cat "$TMP/f.err"; profile_names "$TMP/out3/c1.json"; fail "c1.json lacks the execve of its second run"; }
lacks "$TMP/f.err" "over --max-containers"
contains "$TMP/f.err" "0 past --max-containers)"
echo "forgetting: 4 containers and a comeback with --max-containers 2"
audit_check
exit 0
