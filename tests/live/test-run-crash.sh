#!/usr/bin/env bash
# A run killed with SIGKILL cannot restore anything; the kernel drops the dead
# audit daemon by itself, but not the raised backlog limits.  The next run
# puts them back from /run/scmplog/audit-restore.
. "$(dirname "$0")/lib.sh"
pid=$(audit_pid)
if [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
	skip "SKIPPED, NOT PASSED: a real audit daemon ($(cat /proc/$pid/comm 2>/dev/null), pid $pid) is registered: the daemon way is not available (CI has no auditd, so this runs there)"
fi
[ -e /run/scmplog/audit-restore ] && skip "SKIPPED, NOT PASSED: /run/scmplog/audit-restore exists already (another run in progress?)"

command -v strace >/dev/null || fail "strace is missing (package strace)"
old_limit=$(echo "$AUDIT_BEFORE" | awk '$1 == "backlog_limit" { print $2 }')
# the run becomes the audit daemon, then raises the backlog limit, then waits for its start
# marker (long on a busy machine): killed at any moment after the raise, it must have noted
# the old values.  Each of its netlink requests is held up 0.5 s after the kernel took it
# (strace), so that a note written only after the raise is seen missing.
raised() { auditctl -s | awk -v p="$victim" -v o="$old_limit" '$1 == "pid" { r += $2 == p } $1 == "backlog_limit" { r += $2 != o } END { exit r != 2 }'; }
# a failure leaves no run behind, nor the limit it raised and did not note
cleanup_test() {
	local rc=$1 i
	if [ -n "${tracer:-}" ] && kill -0 "$tracer" 2>/dev/null; then
		[ -n "${victim:-}" ] && kill -KILL "$victim" 2>/dev/null
		kill -KILL "$tracer" 2>/dev/null
		wait "$tracer" 2>/dev/null
		# reaped by init, now that strace is gone
		for i in $(seq 100); do [ -d "/proc/$victim" ] || break; sleep 0.1; done
	fi
	if [ "$rc" != 0 ] && [ -n "${victim:-}" ] && [ ! -e /run/scmplog/audit-restore ] &&
		[ ! -d "/proc/$victim" ] && { [ "$(audit_pid)" = 0 ] || [ "$(audit_pid)" = "$victim" ]; }; then
		auditctl -b "$old_limit" >/dev/null
	fi
}
strace -o /dev/null -e trace=sendto -e inject=sendto:delay_exit=500000 \
	"$SCMPLOG" run -o "$TMP/k.json" -- sleep 2 >/dev/null 2>&1 &
tracer=$!
victim=
for i in $(seq 300); do victim=$(pgrep -P $tracer -x 'scmplog|scmplog-learn') && break; sleep 0.1; done
[ -n "$victim" ] || fail "strace did not start the run"
for i in $(seq 3000); do raised && break; sleep 0.01; done
raised || fail "the run did not become the audit daemon with the backlog limit raised ($(audit_status | tr '\n' ' '))"
[ -s /run/scmplog/audit-restore ] || fail "no state file while the limits are raised"
grep -qx "pid $victim" /run/scmplog/audit-restore || fail "state file names another pid"
for i in $(seq 300); do cmd=$(pgrep -P $victim -x sleep) && break; sleep 0.1; done
kill -KILL $victim; wait $tracer 2>/dev/null
# its command ends by itself (2 s)
for i in $(seq 300); do [ -n "$cmd" ] && kill -0 "$cmd" 2>/dev/null || break; sleep 0.1; done
[ -n "$cmd" ] && kill -0 "$cmd" 2>/dev/null && fail "the killed run's command did not end"

recovered_by_other=
[ -e /run/scmplog/audit-restore ] || recovered_by_other=1
expect_rc 0 "$SCMPLOG" run -o "$TMP/r.json" -- true
cat "$TMP/err"
if [ -n "$recovered_by_other" ]; then
	# a scmplog run of another session got there first (tests/demo.sh)
	echo "NOTE: another scmplog run recovered the settings before ours"
else
	contains "$TMP/err" "put back the audit backlog settings left raised by scmplog pid $victim"
fi
[ ! -e /run/scmplog/audit-restore ] || fail "the state file is still there"
audit_check
