#!/usr/bin/env bash
# Black-box CLI tests: runs every tests/cli/test-*.sh with $SCMPLOG set.
# Each test script exits 0 (pass), 77 (skip, says why) or anything else (fail).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SCMPLOG:?set SCMPLOG to the scmplog binary}"
export SCMPLOG DATA="$here/../data" CLI_DIR="$here"
pass=0 fail=0 skip=0 failed=()
for t in "$here"/test-*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	out=$(mktemp)
	bash "$t" >"$out" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS: $name" ;;
	77) skip=$((skip + 1)); echo "SKIP: $name: $(tail -n 1 "$out")" ;;
	*) fail=$((fail + 1)); failed+=("$name"); echo "FAIL: $name (exit $rc)"; sed 's/^/    /' "$out" | tail -n 40 ;;
	esac
	rm -f "$out"
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
