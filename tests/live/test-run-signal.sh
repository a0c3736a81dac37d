#!/usr/bin/env bash
# SIGTERM to scmplog reaches CMD; the audit settings are restored; the profile
# is written; the exit status is CMD's.
. "$(dirname "$0")/lib.sh"

"$SCMPLOG" run -v -o "$TMP/t.json" -- sh -c "trap 'kill \$!; echo TERM >$TMP/got; exit 5' TERM; sleep 60 & wait" \
	>"$TMP/out" 2>"$TMP/err" & pid=$!
for i in $(seq 50); do [ "$(audit_pid)" != 0 ] || grep -q multicast "$TMP/err" && break; sleep 0.1; done
sleep 0.5
kill -TERM $pid
wait $pid; rc=$?
cat "$TMP/err"
[ "$rc" -eq 5 ] || fail "exit status $rc, expected 5 (the command's)"
[ "$(cat "$TMP/got" 2>/dev/null)" = TERM ] || fail "the command did not get SIGTERM"
grep -qx wait4 <(profile_names "$TMP/t.json") || fail "no profile written"
audit_check

# A command killed by the forwarded signal: 128+15.
"$SCMPLOG" run -q -o "$TMP/s.json" -- sleep 60 & pid=$!
sleep 1
kill -TERM $pid
wait $pid; rc=$?
[ "$rc" -eq 143 ] || fail "exit status $rc, expected 143"
grep -qx execve <(profile_names "$TMP/s.json") || fail "no profile written after SIGTERM"

# SIGINT the same way (as a kill(1), not from a terminal).  A background job
# of a non-interactive shell starts with SIGINT ignored: undo that.
env --default-signal=INT "$SCMPLOG" run -q -o "$TMP/i.json" -- sleep 60 & pid=$!
sleep 1
kill -INT $pid
wait $pid; rc=$?
[ "$rc" -eq 130 ] || fail "exit status $rc, expected 130"
audit_check
