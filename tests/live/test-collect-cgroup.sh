#!/usr/bin/env bash
# scmplog collect --cgroup: 70 plain leaf cgroups below one parent (more than
# the collector's first index tables hold), a process in each under a log
# filter; only the cgroups below --cgroup PREFIX get a profile, one each,
# and neither a cgroup beside the prefix nor a host process leaks in.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
build_helper noise -lseccomp
P=/sys/fs/cgroup/pids/scmplogtest
Q=/sys/fs/cgroup/pids/scmplogtestother
collector=
STOP="collector"
cleanup_test() {
	for d in "$P"/c* "$Q"/x*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rmdir "$P" "$Q" 2>/dev/null
}
[ -e "$P" ] || [ -e "$Q" ] && skip "$P or $Q exists already"
for i in $(seq 70); do mkdir -p "$P/c$i" || skip "cannot create $P/c$i"; done
mkdir -p "$Q/x1"

# in_cg DIR: sysinfo under a log filter for 0.5 s, from inside cgroup DIR
in_cg() { sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 0.5' _ "$1" "$TMP/noise"; }

"$SCMPLOG" collect -v --plain-runc --cgroup /scmplogtest --out-dir "$TMP/out" --interval 1 \
	>/dev/null 2>"$TMP/c.err" & collector=$!
collector_ready "$TMP/c.err"
pids=()
for i in $(seq 70); do in_cg "$P/c$i" & pids+=($!); done
in_cg "$Q/x1" & pids+=($!)   # beside the prefix: "/scmplogtestother" does not start with "/scmplogtest/"
"$TMP/noise" 0.5 & pids+=($!) # a host process
for p in "${pids[@]}"; do wait "$p" || fail "a noise process failed"; done
kill -TERM "$collector" # it reads what the kernel queued before the signal
wait "$collector" || { cat "$TMP/c.err"; fail "collect failed"; }
collector=
cat "$TMP/c.err"
for i in $(seq 70); do
	f=$TMP/out/c$i.json
	[ -f "$f" ] || { ls "$TMP/out" | head; fail "no profile for cgroup c$i"; }
	profile_names "$f" | grep -qx sysinfo || fail "c$i.json lacks sysinfo"
done
extra=$(ls "$TMP/out" | grep -vxE 'c([1-9]|[1-6][0-9]|70)\.json')
[ -z "$extra" ] || fail "profiles beside the 70 cgroups were written: $extra"
contains "$TMP/c.err" "attributed to 70 containers"
audit_check
