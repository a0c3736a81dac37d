#!/usr/bin/env bash
# scmplog collect's group limit is enforced and reported: the small-limits test binary
# (make check-cli builds it: SCL_SMALL_LIMITS in limits.h, SCL_MAX_GROUPS 3) keeps the
# first three hosts, counts the records of the others, and says so once, naming the
# limit.  No root.
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
[ -n "${SCMPLOG_SMALL_LIMITS:-}" ] && [ -x "$SCMPLOG_SMALL_LIMITS" ] ||
	{ echo "SCMPLOG_SMALL_LIMITS is not set (make check-cli sets it)"; exit 77; }
cd "$TMP" || exit 1

rec() {
	printf '2026-11-26T16:29:34.411971+00:00 %s kernel: [ 4356.731816] audit: type=1326 audit(1795710574.404:%s): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29162 comm="gen" exe="/tmp/gen" sig=0 arch=c000003e syscall=%s compat=0 ip=0x7f23e5a01ad7 code=0x7ffc0000\n' "$1" "$3" "$2"
}
{
	rec h1 0 1
	rec h2 1 2
	rec h3 2 3
	rec h4 3 4
	rec h1 4 5 # a host already known is still learned
	rec h5 5 6
	rec h4 6 7
} >app.log
# collect_briefly ERRFILE BINARY ARGS...: a collector, SIGTERM once it handles it (its last
# round reads the file to its end); it must exit 0
collect_briefly() {
	local err=$1 pid
	shift
	"$@" >/dev/null 2>"$err" &
	pid=$!
	collect_ready "$pid" "$err" 30
	kill -TERM "$pid" 2>/dev/null || { cat "$err"; fail "collect exited early"; }
	wait "$pid" || { cat "$err"; fail "collect failed"; }
}
collect_briefly run.err "$SCMPLOG_SMALL_LIMITS" collect --split-by host --follow-file app.log --from-start \
	--out-dir prof --interval 1
[ "$(ls prof | tr '\n' ' ')" = "h1.json h2.json h3.json " ] || fail "expected the first three hosts: $(ls prof)"
grep -q '"stat"' prof/h1.json || fail "h1.json lacks the record after the limit was hit"
contains run.err "scmplog: warning: over SCL_MAX_GROUPS (3 hosts): the records of further hosts are counted, not learned"
[ "$(grep -c 'over SCL_MAX_GROUPS' run.err)" -eq 1 ] || fail "the limit was said more than once"
contains run.err "7 SECCOMP records read from the log files: 4 attributed to 3 hosts, 0 without a hostname, 3 past SCL_MAX_GROUPS"

# The production binary has the real limit: all five hosts get a profile.
collect_briefly full.err "$SCMPLOG" collect --split-by host --follow-file app.log --from-start --out-dir full \
	--interval 1
[ "$(ls full | wc -l)" -eq 5 ] || fail "the production binary has a small limit: $(ls full)"
lacks full.err "SCL_MAX_GROUPS ("
# every profile the collector wrote loads as runc and Docker load it
check_tree_loads "$TMP"
exit 0
