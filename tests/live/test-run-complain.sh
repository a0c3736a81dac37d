#!/usr/bin/env bash
# Complain mode: --allow-known P installs a filter that allows P's syscalls and
# logs the rest, so a second run costs almost nothing; the output is P plus
# what is new.  --merge unions with an existing profile.
. "$(dirname "$0")/lib.sh"
build_helper getppid-loop

expect_rc 0 "$SCMPLOG" run -o "$TMP/p.json" -- "$TMP/getppid-loop" 100000
first=$(sed -nE 's/^scmplog: ([0-9]+) records of .*/\1/p' "$TMP/err")
expect_rc 0 "$SCMPLOG" run --allow-known "$TMP/p.json" -o "$TMP/p2.json" -- "$TMP/getppid-loop" 100000
cat "$TMP/err"
second=$(sed -nE 's/^scmplog: ([0-9]+) records of .*/\1/p' "$TMP/err")
echo "records: first run $first, second run (complain mode) $second"
[ "$first" -ge 100000 ] || fail "first run: $first records"
[ "$second" -le 10 ] || fail "complain mode still logged $second records"
contains "$TMP/err" "(0 new since --allow-known)"
same <(profile_names "$TMP/p.json") <(profile_names "$TMP/p2.json")

# New syscalls show up and the output is P plus them.
expect_rc 0 "$SCMPLOG" run -o "$TMP/ls.json" -- ls /
expect_rc 0 "$SCMPLOG" run --allow-known "$TMP/ls.json" -o "$TMP/lsl.json" -- ls -l /
cat "$TMP/err"
grep -q "new since --allow-known" "$TMP/err" || fail "no 'new since' count"
profile_names "$TMP/ls.json" >"$TMP/ls.set"
profile_names "$TMP/lsl.json" >"$TMP/lsl.set"
[ -z "$(comm -23 "$TMP/ls.set" "$TMP/lsl.set")" ] || fail "complain output lost names of P"
for s in readlink lgetxattr connect; do grep -qx $s "$TMP/lsl.set" || fail "complain output lacks $s"; done
# What complain mode learned is what a fresh run learns.
expect_rc 0 "$SCMPLOG" run -o "$TMP/fresh.json" -- ls -l /
[ -z "$(comm -23 <(profile_names "$TMP/fresh.json") "$TMP/lsl.set")" ] || fail "complain mode missed syscalls"

# --merge
expect_rc 0 "$SCMPLOG" run --merge "$TMP/ls.json" -o "$TMP/m.json" -- "$TMP/getppid-loop" 10
grep -q "new since --merge" "$TMP/err" || fail "no 'new since --merge' count"
[ -z "$(comm -23 "$TMP/ls.set" <(profile_names "$TMP/m.json"))" ] || fail "--merge lost names"
grep -qx getppid <(profile_names "$TMP/m.json") || fail "--merge lacks the new getppid"
audit_check
