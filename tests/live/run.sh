#!/usr/bin/env bash
# Live tests: root, the real kernel, real audit records.  Each test-*.sh exits
# 0 (pass), 77 (skip) or other (fail).  Not root: every test is skipped, loudly.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SCMPLOG:?set SCMPLOG to the scmplog binary}"
export SCMPLOG DATA="$here/../data" CLI_DIR="$here/../cli"
if [ "$(id -u)" -ne 0 ]; then
	echo "************************************************************"
	echo "* live: NOT ROOT - every live kernel test is SKIPPED.       *"
	echo "* Run 'sudo make check' to test against the real kernel.    *"
	echo "************************************************************"
	exit 0
fi
pass=0 fail=0 skip=0
for t in "$here"/test-*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	out=$(mktemp)
	# The audit daemon slot, the backlog settings and the multicast group are
	# the machine's: two suites at once (two checkouts, a second `make check`)
	# would take them from each other.  One live test at a time, machine-wide.
	flock "${SCMPLOG_LIVE_LOCK:-/run/lock/scmplog-live.lock}" timeout 900 bash "$t" >"$out" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS: $name" ;;
	77) skip=$((skip + 1)); echo "SKIP: $name: $(tail -n 1 "$out")" ;;
	*) fail=$((fail + 1)); echo "FAIL: $name (exit $rc)"; sed 's/^/    /' "$out" | tail -n 60 ;;
	esac
	rm -f "$out"
done
echo "live: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
