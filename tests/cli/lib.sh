# Sourced by tests/cli/test-*.sh and tests/live/test-*.sh.
set -u
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_rc RC CMD...: run CMD, fail unless it exits RC. Output in $TMP/out, $TMP/err.
expect_rc() {
	local want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	local got=$?
	[ "$got" -eq "$want" ] || { echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"; fail "'$*' exited $got, expected $want"; }
}
# same FILE1 FILE2: byte-identical or fail with a diff.
same() { cmp -s "$1" "$2" || { diff -u "$1" "$2" | head -n 60; fail "$1 differs from $2"; }; }
contains() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$1' lacks '$2'"; }; }
lacks() { ! grep -qF -- "$2" "$1" || { cat "$1"; fail "'$1' has '$2'"; }; }
# collect_ready PID ERRFILE SECS: up to SECS seconds until process PID blocks SIGTERM
# (scmplog collect does once it handles signals: a SIGTERM from then on ends it cleanly,
# after its setup and a last round of reading); else ERRFILE is shown and the test fails
collect_ready() {
	local i blk
	for i in $(seq $(($3 * 10))); do
		blk=$(awk '$1 == "SigBlk:" { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$blk" ] && (((0x$blk >> 14) & 1)) && return 0
		kill -0 "$1" 2>/dev/null || { cat "$2"; fail "process $1 exited before it was ready"; }
		sleep 0.1
	done
	cat "$2"
	fail "process $1 did not block SIGTERM after $3 s"
}
