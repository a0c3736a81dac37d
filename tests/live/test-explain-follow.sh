#!/usr/bin/env bash
# scmplog explain --follow: denials of an enforcing profile (loaded with
# --log-denied) are shown live as they happen, then as a table on Ctrl-C.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$SCMPLOG" run -q -o "$TMP/true.json" -- cat /etc/hostname
"$SCMPLOG" explain --follow >"$TMP/follow.out" 2>"$TMP/follow.err" &
fpid=$!
# wait until the follower is reading (its source is open) before causing denials
for i in $(seq 50); do
	[ "$(audit_pid)" = "$fpid" ] && break
	grep -q "multicast\|kmsg" "$TMP/follow.err" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
"$SCMPLOG" exec -q --log-denied -p "$TMP/true.json" -- mkdir "$TMP/newdir" 2>/dev/null && fail "mkdir ran under cat's profile"
[ -d "$TMP/newdir" ] && fail "mkdir created the directory"
for i in $(seq 50); do
	grep -q "denied:" "$TMP/follow.out" && break
	sleep 0.1
done
kill -INT "$fpid"
wait "$fpid"
rc=$?
cat "$TMP/follow.out" "$TMP/follow.err"
[ "$rc" -eq 0 ] || fail "explain --follow exited $rc after SIGINT"
grep -Eq '^denied: pid [0-9]+ /usr/bin/mkdir \(comm "mkdir"\): (mkdir|mkdirat) on x86_64, errno$' "$TMP/follow.out" ||
	fail "no live denial line for mkdir"
grep -Eq '^  (mkdir|mkdirat) +x86_64 +errno +[0-9]+$' "$TMP/follow.out" || fail "no mkdir row in the final table"
audit_check
exit 0
