#!/usr/bin/env bash
# run --no-filter learns the records of filters the command installs itself;
# --exe and --comm keep only the records of one program of the tree.
. "$(dirname "$0")/lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ls_bin=$(readlink -f "$(command -v ls)")
cat_bin=$(readlink -f "$(command -v cat)")

# no filter of its own: nothing to learn, said so
expect_rc 1 "$SCMPLOG" run --no-filter -o "$TMP/none.json" -- true
contains "$TMP/err" "no SECCOMP records of 'true' were received"
[ ! -e "$TMP/none.json" ] || fail "a profile was written without records"

# the command loads the learning profile itself (scmplog exec): its records are learned
expect_rc 0 "$SCMPLOG" run --no-filter -o "$TMP/a.json" -- "$SCMPLOG" exec -p "$TOP/profiles/log-everything.json" -- ls /
grep -qx getdents64 <(profile_names "$TMP/a.json") || fail "--no-filter did not learn ls's records"

# --exe / --comm: only ls (or cat) of a shell's tree
expect_rc 0 "$SCMPLOG" run -o "$TMP/all.json" -- sh -c "ls / >/dev/null; cat /dev/null"
expect_rc 0 "$SCMPLOG" run --exe "$ls_bin" -o "$TMP/ls.json" -- sh -c "ls / >/dev/null; cat /dev/null"
expect_rc 0 "$SCMPLOG" run --comm cat -o "$TMP/cat.json" -- sh -c "ls / >/dev/null; cat /dev/null"
grep -qx wait4 <(profile_names "$TMP/all.json") || fail "the shell's wait4 is missing from the whole tree's profile"
grep -qx getdents64 <(profile_names "$TMP/ls.json") || fail "--exe $ls_bin lost ls's getdents64"
grep -qx wait4 <(profile_names "$TMP/ls.json") && fail "--exe $ls_bin kept the shell's wait4"
grep -qx getdents64 <(profile_names "$TMP/cat.json") && fail "--comm cat kept ls's getdents64"
grep -qx wait4 <(profile_names "$TMP/cat.json") && fail "--comm cat kept the shell's wait4"
grep -qx read <(profile_names "$TMP/cat.json") || fail "--comm cat lost cat's read"
# an exe nobody has: nothing learned
expect_rc 1 "$SCMPLOG" run --exe /no/such/exe -o "$TMP/x.json" -- true
contains "$TMP/err" "no SECCOMP records"
expect_rc 2 "$SCMPLOG" run --no-filter --allow-known "$TMP/a.json" -- true
contains "$TMP/err" "--allow-known needs the filter"
echo "cat from $cat_bin: ok"
audit_check
