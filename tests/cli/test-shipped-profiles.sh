#!/usr/bin/env bash
# profiles/: each shipped profile is what its command prints today, and reads back.
. "$CLI_DIR/lib.sh"
P="$CLI_DIR/../../profiles"
cd "$TMP" || exit 1

expect_rc 0 "$SCMPLOG" log-profile --arch x86_64 --arch aarch64 --arch ppc64le --arch s390x --arch riscv64
same out "$P/log-everything.json"
contains out '"defaultAction": "SCMP_ACT_LOG"'
for f in "$P"/*.json; do
	expect_rc 0 "$SCMPLOG" merge -q "$f"
	same out "$f"
done
[ -s "$P/README.md" ] || fail "profiles/README.md is missing"
exit 0
