#!/usr/bin/env bash
# scmplog diff: per-architecture differences, text and JSON, exit codes like diff(1).
. "$CLI_DIR/lib.sh"
P=$DATA/profiles
cd "$TMP" || exit 1

expect_rc 1 "$SCMPLOG" diff "$P/a.json" "$P/b.json"
same out "$P/diff-ab.txt"
expect_rc 1 "$SCMPLOG" diff --format json "$P/a.json" "$P/b.json"
same out "$P/diff-ab.json"
# The other way round: the signs flip.
expect_rc 1 "$SCMPLOG" diff "$P/b.json" "$P/a.json"
contains out "- aarch64: brk"
contains out "+ x86_64: rmdir"
contains out "3 added, 27 removed on 5 architectures, other rules changed"

# Same syscalls, written differently: no differences.
expect_rc 0 "$SCMPLOG" diff "$P/a.json" "$P/a-reordered.json"
same out <(echo "no differences")
expect_rc 0 "$SCMPLOG" diff --format json "$P/a.json" "$P/a.json"
contains out '"differ": false,'
contains out '"added": {},'
# -q: only the status.
expect_rc 1 "$SCMPLOG" diff -q "$P/a.json" "$P/b.json"
[ -s out ] || [ -s err ] && fail "diff -q printed something"
# A changed default action is a difference.
"$SCMPLOG" merge -q --default-action kill_process -o kill.json "$P/a.json" || fail "merge"
expect_rc 1 "$SCMPLOG" diff "$P/a.json" kill.json
contains out "~ default action: SCMP_ACT_ERRNO (errno 1) -> SCMP_ACT_KILL_PROCESS"
contains out "0 added, 0 removed on 0 architectures, default action changed"
# A profile and scmplog's rewrite of it are the same, on the machine it is
# for (merge keeps an archMap's entry for this one, as Docker does).
if [ -r /usr/share/containers/seccomp.json ]; then
	"$SCMPLOG" merge -q -o containers.json /usr/share/containers/seccomp.json || fail "merge"
	expect_rc 1 "$SCMPLOG" diff --format json /usr/share/containers/seccomp.json containers.json
	python3 - out <<'PY' || fail "the rewrite differs on this machine's architectures"
import json, platform, sys
d = json.load(open(sys.argv[1]))
mine = {"x86_64": {"x86_64", "x86", "x32"}, "aarch64": {"aarch64", "arm"}}.get(platform.machine(), {platform.machine()})
assert d["removed"] and not d["added"], d["added"]
bad = sorted(set(d["removed"]) & mine)
assert not bad, bad
PY
	"$SCMPLOG" merge -q -o again.json containers.json || fail "merge"
	expect_rc 0 "$SCMPLOG" diff -q containers.json again.json
fi

# Trouble is 2.
expect_rc 2 "$SCMPLOG" diff "$P/a.json" nope.json
contains err "scmplog: cannot read profile 'nope.json': No such file or directory"
expect_rc 2 "$SCMPLOG" diff "$P/bad-syntax.json" "$P/a.json"
contains err "line 4, column 54"
expect_rc 2 "$SCMPLOG" diff "$P/a.json"
contains err "diff needs two profiles"
expect_rc 2 "$SCMPLOG" diff "$P/a.json" "$P/b.json" "$P/a.json"
expect_rc 2 "$SCMPLOG" diff --format yaml "$P/a.json" "$P/b.json"
expect_rc 2 "$SCMPLOG" diff --bogus "$P/a.json" "$P/b.json"
expect_rc 0 "$SCMPLOG" diff --help
contains out "Usage: scmplog diff [OPTIONS] OLD.json NEW.json"
contains out "Exit status: 0 the profiles are the same; 1 they differ; 2"
exit 0
