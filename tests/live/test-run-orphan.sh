#!/usr/bin/env bash
# An orphaned grandchild that outlives CMD: run is a child subreaper, so the
# orphan is reparented to it and waited for; what the orphan does after CMD
# has exited is in the profile; the exit status is still CMD's.  The same for
# one that starts a new process session (setsid: it keeps its audit session).
. "$(dirname "$0")/lib.sh"

start=$(date +%s%N)
expect_rc 0 "$SCMPLOG" run -o "$TMP/o.json" -- sh -c "(sleep 2; mkdir $TMP/late; exit 3) & exit 0"
ms=$((($(date +%s%N) - start) / 1000000))
cat "$TMP/err"
echo "run took $ms ms"
[ "$ms" -ge 2000 ] || fail "run returned after $ms ms: it did not wait for the orphan (sleep 2)"
[ -d "$TMP/late" ] || fail "the orphan had not finished when run returned"
names=$(profile_names "$TMP/o.json")
grep -qx clock_nanosleep <<<"$names" || fail "the orphan's sleep (clock_nanosleep) is not in the profile"
grep -Eqx 'mkdir|mkdirat' <<<"$names" || fail "what the orphan did after CMD exited (mkdir) is not in the profile"
contains "$TMP/err" " 0 lost"

rmdir "$TMP/late"
expect_rc 4 "$SCMPLOG" run -o "$TMP/s.json" -- sh -c "setsid sh -c 'sleep 1; mkdir $TMP/late' & exit 4"
[ -d "$TMP/late" ] || fail "run returned before the setsid orphan finished"
grep -Eqx 'mkdir|mkdirat' <(profile_names "$TMP/s.json") || fail "the setsid orphan's mkdir is not in the profile"
audit_check
