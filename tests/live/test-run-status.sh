#!/usr/bin/env bash
# scmplog run: a live status line (records/s, syscalls, lost) on stderr when it
# is a terminal, nothing but the summary when it is not.
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null || fail "script(1) (bsdutils) is missing"
job="dd if=/dev/zero of=/dev/null bs=1 count=300000 status=none"
script -qec "$SCMPLOG run -o $TMP/tty.json -- $job" "$TMP/tty.out" >/dev/null 2>&1 || fail "run under a terminal failed"
tr '\r' '\n' <"$TMP/tty.out" | grep -Eq '^(.\[K)?scmplog: [0-9]+ records \([0-9]+/s\), [0-9]+ syscalls, 0 lost$' ||
	{ cat -v "$TMP/tty.out"; fail "no status line on the terminal"; }
expect_rc 0 $SCMPLOG run -o "$TMP/pipe.json" -- $job
grep -q "records (" "$TMP/err" && { cat "$TMP/err"; fail "status line written to a non-terminal"; }
contains "$TMP/err" "records of 'dd' read"
audit_check
exit 0
