#!/usr/bin/env bash
# run --stats keeps each run for `scmplog coverage`: run --merge --stats adds a
# run each time (its window, its loss: 0 here), an --allow-known baseline is
# allowed but counts in no run, and coverage estimates from the runs.
. "$(dirname "$0")/lib.sh"
build_helper getppid-loop
runs() { python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["runs"]; print(len(r), sum(x["lost"] == 0 for x in r), sum(x["first"] is not None and x["first"] <= x["last"] for x in r))' "$1"; }
incidence() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["syscalls"][sys.argv[2]]["runs"])' "$1" "$2"; }

expect_rc 0 "$SCMPLOG" run -o "$TMP/p.json" --stats "$TMP/p.stats" -- "$TMP/getppid-loop" 10
[ "$(runs "$TMP/p.stats")" = "1 1 1" ] || fail "one run: $(runs "$TMP/p.stats") (runs, lost 0, with a window)"
# five more, with ls -l in the last: its syscalls are seen in one run
for _ in 2 3 4 5; do
	expect_rc 0 "$SCMPLOG" run --merge "$TMP/p.json" -o "$TMP/p.json" --stats "$TMP/p.stats" -- "$TMP/getppid-loop" 10
done
expect_rc 0 "$SCMPLOG" run --merge "$TMP/p.json" -o "$TMP/p.json" --stats "$TMP/p.stats" -- sh -c "$TMP/getppid-loop 10; ls -l / >/dev/null"
[ "$(runs "$TMP/p.stats")" = "6 6 6" ] || fail "six runs: $(runs "$TMP/p.stats") (runs, lost 0, with a window)"
[ "$(incidence "$TMP/p.stats" getppid)" = 6 ] || fail "getppid seen in $(incidence "$TMP/p.stats" getppid) runs, not 6"
expect_rc 0 "$SCMPLOG" coverage --fail-on-loss "$TMP/p.json" --stats "$TMP/p.stats"
cat "$TMP/out"
contains "$TMP/out" "runs: 6"
contains "$TMP/out" "lost records: 0 in 0 of the 6 runs whose loss is known"
contains "$TMP/out" "known for 6 of 6 runs)"
grep -Eq "^seen in 1 run: [1-9][0-9]* .*lgetxattr" "$TMP/out" || fail "ls -l's syscalls are not seen in one run"
grep -Eq "chance at most 0\.[0-9]{4} \(Good-Turing, Q1/T\)|chance at most 1\.0000" "$TMP/out" || fail "no estimate"
# the ls run's syscalls are rare: the gate at 0.01 fails
expect_rc 1 "$SCMPLOG" coverage --max-miss 0.01 "$TMP/p.json" --stats "$TMP/p.stats"

# --allow-known: the baseline's syscalls are allowed, seen in no run
expect_rc 0 "$SCMPLOG" run -o "$TMP/ls.json" -- ls -l /
expect_rc 0 "$SCMPLOG" run --allow-known "$TMP/ls.json" -o "$TMP/k.json" --stats "$TMP/k.stats" -- "$TMP/getppid-loop" 10
[ "$(runs "$TMP/k.stats")" = "1 1 1" ] || fail "complain run: $(runs "$TMP/k.stats")"
[ "$(incidence "$TMP/k.stats" lgetxattr)" = 0 ] || fail "the baseline's lgetxattr counted in $(incidence "$TMP/k.stats" lgetxattr) runs"
expect_rc 0 "$SCMPLOG" coverage "$TMP/k.json" --stats "$TMP/k.stats"
grep -Eq "^allowed, seen in no run: [1-9][0-9]* .*lgetxattr" "$TMP/out" || { cat "$TMP/out"; fail "lgetxattr not listed as allowed and unseen"; }
audit_check
