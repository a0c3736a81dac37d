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
