#!/usr/bin/env bash
# scmplog collect's group limit is enforced and reported: --max-hosts 3 keeps the
# first three hosts, counts the records of the others, and says so once, naming the
# limit.  No root.
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
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
collect_briefly run.err "$SCMPLOG" collect --split-by host --max-hosts 3 --follow-file app.log --from-start \
	--out-dir prof --interval 1
[ "$(ls prof | tr '\n' ' ')" = "h1.json h2.json h3.json " ] || fail "expected the first three hosts: $(ls prof)"
grep -q '"stat"' prof/h1.json || fail "h1.json lacks the record after the limit was hit"
contains run.err "scmplog: warning: over --max-hosts (3 hosts): the records of further hosts are counted, not learned"
[ "$(grep -c 'over --max-hosts' run.err)" -eq 1 ] || fail "the limit was said more than once"
# a limit is 1 or more
"$SCMPLOG" collect --max-hosts 0 --out-dir x 2>bad.err && fail "--max-hosts 0 accepted"
contains bad.err "scmplog: invalid --max-hosts '0': expected 1..100000"
"$SCMPLOG" collect --forget-after 1x --out-dir x 2>bad.err && fail "--forget-after 1x accepted"
contains bad.err "scmplog: invalid --forget-after '1x': expected 1..86400"
contains run.err "7 SECCOMP records read from the log files: 4 attributed to 3 hosts, 0 without a hostname, 3 past --max-hosts"

# Without --max-hosts, the default limit (SCL_MAX_GROUPS): all five hosts get a profile.
collect_briefly full.err "$SCMPLOG" collect --split-by host --follow-file app.log --from-start --out-dir full \
	--interval 1
[ "$(ls full | wc -l)" -eq 5 ] || fail "the default limit is small: $(ls full)"
lacks full.err "SCL_MAX_GROUPS ("
# every profile the collector wrote loads as runc and Docker load it
check_tree_loads "$TMP"
exit 0
