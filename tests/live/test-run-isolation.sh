#!/usr/bin/env bash
# Isolation: a concurrent process under its own log filter, and a second
# `scmplog run` at the same time, are not attributed to the learned command.
. "$(dirname "$0")/lib.sh"
build_helper noise -lseccomp

"$TMP/noise" 8 & noise=$!
sleep 0.3
"$SCMPLOG" run -v -o "$TMP/b.json" -- "$TMP/noise" 5 nofilter >"$TMP/b.out" 2>"$TMP/b.err" & other=$!
sleep 0.3
expect_rc 0 "$SCMPLOG" run -v -o "$TMP/a.json" -- sh -c "sleep 2; ls / >/dev/null; cat /etc/hostname; sleep 1"
cat "$TMP/err"
wait $other || { cat "$TMP/b.err"; fail "the concurrent scmplog run failed"; }
cat "$TMP/b.err"
wait $noise || fail "noise failed"

a=$(profile_names "$TMP/a.json")
b=$(profile_names "$TMP/b.json")
grep -qx getdents64 <<<"$a" || fail "a.json lacks getdents64 (ls)"
grep -qx wait4 <<<"$a" || fail "a.json lacks wait4 (sh)"
! grep -qx sysinfo <<<"$a" || fail "a.json has sysinfo: the noise processes leaked into it"
grep -qx sysinfo <<<"$b" || fail "b.json lacks sysinfo"
! grep -qx getdents64 <<<"$b" || fail "b.json has getdents64: the other run leaked into it"
! grep -qx wait4 <<<"$b" || fail "b.json has wait4: the other run leaked into it"
# one of the two runs was the audit daemon, the other read multicast (when the slot was free)
if [ "$(audit_pid)" = 0 ] && ! grep -q 'collecting as the audit daemon' "$TMP/err" "$TMP/b.err"; then
	echo "NOTE: neither run was the audit daemon (slot taken?)"
fi
audit_check
