#!/usr/bin/env bash
# Seed scenario: learn `ls /`; `ls -l /` fails under that profile (it needs
# readlink, lgetxattr, socket/connect, ...), and succeeds under its own learned
# profile with output identical to the unconfined run.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$SCMPLOG" run -o "$TMP/ls.json" -- ls /
contains "$TMP/err" "records of 'ls'"
contains "$TMP/err" " 0 lost"
names=$(profile_names "$TMP/ls.json")
for s in execve openat getdents64 write exit_group; do
	grep -qx "$s" <<<"$names" || fail "ls.json lacks $s"
done
ls / >"$TMP/ls-unconfined"
same "$TMP/ls-unconfined" "$TMP/out"

"$SCMPLOG" exec --profile "$TMP/ls.json" -- ls -l / >"$TMP/denied.out" 2>"$TMP/denied.err"
rc=$?
[ "$rc" -ne 0 ] || { cat "$TMP/denied.err"; fail "ls -l / succeeded under the ls / profile"; }
echo "ls -l / under ls.json: exit $rc"

expect_rc 0 "$SCMPLOG" run -q -o "$TMP/lsl.json" -- ls -l /
names=$(profile_names "$TMP/lsl.json")
for s in lgetxattr readlink socket connect; do
	grep -qx "$s" <<<"$names" || fail "lsl.json lacks $s"
done

# /proc's link count follows the number of processes: compare runs made
# back to back, a few times, until one pair is undisturbed.
ok=
for i in 1 2 3 4 5 6; do
	ls -l / >"$TMP/u1"
	"$SCMPLOG" exec --profile "$TMP/lsl.json" -- ls -l / >"$TMP/c" 2>"$TMP/c.err" || { cat "$TMP/c.err"; fail "ls -l / failed under its own profile"; }
	ls -l / >"$TMP/u2"
	if cmp -s "$TMP/c" "$TMP/u1" || cmp -s "$TMP/c" "$TMP/u2"; then ok=1; break; fi
done
[ -n "$ok" ] || { diff -u "$TMP/u1" "$TMP/c"; fail "output under the learned profile differs"; }
[ -s "$TMP/c.err" ] && { cat "$TMP/c.err"; fail "stderr under the learned profile"; }
audit_check
