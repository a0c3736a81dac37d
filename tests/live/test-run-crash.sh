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

"$SCMPLOG" run -o "$TMP/k.json" -- sleep 2 >/dev/null 2>&1 & victim=$!
for i in $(seq 300); do [ "$(audit_pid)" = "$victim" ] && break; sleep 0.1; done
[ "$(audit_pid)" = "$victim" ] || fail "the run did not become the audit daemon"
[ -s /run/scmplog/audit-restore ] || fail "no state file while the limits are raised"
grep -qx "pid $victim" /run/scmplog/audit-restore || fail "state file names another pid"
for i in $(seq 300); do cmd=$(pgrep -P $victim -x sleep) && break; sleep 0.1; done
kill -KILL $victim; wait $victim 2>/dev/null
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
