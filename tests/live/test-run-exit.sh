#!/usr/bin/env bash
# Exit status passthrough: the command's status, 128+N for signal N, 126/127
# when it cannot be executed (and then no profile).
. "$(dirname "$0")/lib.sh"
expect_rc 3 "$SCMPLOG" run -o "$TMP/a.json" -- sh -c 'exit 3'
[ -s "$TMP/a.json" ] || fail "no profile after exit 3"
expect_rc 137 "$SCMPLOG" run -q -o "$TMP/b.json" -- sh -c 'kill -9 $$'
expect_rc 139 "$SCMPLOG" run -q -o "$TMP/c.json" -- sh -c 'kill -SEGV $$'
expect_rc 127 "$SCMPLOG" run -o "$TMP/d.json" -- /nonexistent/cmd
contains "$TMP/err" "cannot execute '/nonexistent/cmd'"
[ ! -e "$TMP/d.json" ] || fail "a profile was written for a command that never ran"
expect_rc 127 "$SCMPLOG" run -o "$TMP/d.json" -- no-such-command-scmplog
printf '#!/bin/sh\n' >"$TMP/noexec" && chmod 644 "$TMP/noexec"
expect_rc 126 "$SCMPLOG" run -o "$TMP/e.json" -- "$TMP/noexec"
# An error after the run (the profile cannot be written): exit 1, settings restored.
expect_rc 1 "$SCMPLOG" run -o /nonexistent-dir/x.json -- true
contains "$TMP/err" "/nonexistent-dir/x.json"
[ "$(audit_status)" = "$AUDIT_BEFORE" ] || audit_check
expect_rc 2 "$SCMPLOG" run
expect_rc 2 "$SCMPLOG" run --source bogus -- true
expect_rc 0 "$SCMPLOG" run -q -- true
grep -q '"SCMP_ACT_ALLOW"' "$TMP/out" || fail "no profile on stdout"
# exec passes the status through too
printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}\n' >"$TMP/allow.json"
expect_rc 3 "$SCMPLOG" exec -p "$TMP/allow.json" -- sh -c 'exit 3'
expect_rc 137 bash -c "\"$SCMPLOG\" exec -p \"$TMP/allow.json\" -- sh -c 'kill -9 \$\$'"
expect_rc 127 "$SCMPLOG" exec -p "$TMP/allow.json" -- /nonexistent/cmd
audit_check
