#!/usr/bin/env bash
# scmplog collect --source kmsg: the fallback for hosts where neither audit
# netlink way works.  Records come from /dev/kmsg as printk wrote them: a
# container's profile is still learned, and the printk rate limit's losses
# ("kauditd_printk_skb: N callbacks suppressed") are reported, not hidden.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
[ "$(audit_pid)" = 0 ] || skip "an audit daemon (pid $(audit_pid)) is registered: records do not reach printk"
build_helper noise -lseccomp
P=/sys/fs/cgroup/pids/scmplogkmsg
collector=
STOP=collector
cleanup_test() { cgroups_remove "$P"; }
[ -e "$P" ] && skip "$P exists already"
mkdir -p "$P/c1" || skip "cannot create $P/c1"

"$SCMPLOG" collect -v --source kmsg --plain-runc --cgroup /scmplogkmsg --out-dir "$TMP/out" --interval 1 \
	>/dev/null 2>"$TMP/c.err" & collector=$!
collector_ready "$TMP/c.err"
# a first record after a quiet spell gets through printk's rate limit; then a burst that cannot
sleep 5.5
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 2' _ "$P/c1" "$TMP/noise" || fail "noise failed"
# printk says how many it suppressed only with the next message it lets through
sleep 5.5
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 0.01' _ "$P/c1" "$TMP/noise" || fail "noise failed"
sleep 1.5
kill -TERM "$collector"
wait "$collector"
rc=$?
collector=
cat "$TMP/c.err"
[ $rc -eq 0 ] || fail "collect --source kmsg exited $rc"
[ -f "$TMP/out/c1.json" ] || fail "no profile for the container from /dev/kmsg"
profile_names "$TMP/out/c1.json" | grep -x sysinfo >/dev/null || fail "c1.json lacks sysinfo"
contains "$TMP/c.err" "attributed to 1 container"
grep -E "suppressed by printk|callbacks suppressed" "$TMP/c.err" >/dev/null ||
	fail "the printk rate limit's losses of a 2 s burst were not reported"
audit_check
