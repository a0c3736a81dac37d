# Sourced by tests/cli/test-*.sh and tests/live/test-*.sh.
set -u
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Every OCI profile scmplog writes must load in its consumers: expect_rc hands
# the profiles an scmplog command wrote (stdout, -o/--output FILE, new
# --out-dir files) to load-profile (tests/cli/load-profile.c: libseccomp as
# runc and Docker use it), and check_loads FILE... does it for the others.
# SCL_NO_LOAD_CHECK=1 expect_rc ... for a profile written unloadable on purpose.
: "${LOAD_PROFILE:=${SCMPLOG%/*}/tests/load-profile}"
# is_oci FILE: may be an OCI JSON profile (load-profile --if-oci decides)
is_oci() { [ -f "$1" ] && [ "$(head -c 1 "$1")" = "{" ] && grep -q '"defaultAction"' "$1"; }
# check_loads [--if-oci] FILE...: every FILE loads (--if-oci: those that are OCI profiles)
check_loads() {
	local out
	[ -x "$LOAD_PROFILE" ] || fail "load-profile helper missing ($LOAD_PROFILE): make build/tests/load-profile"
	out=$("$LOAD_PROFILE" -q "$@" 2>&1) || { echo "$out"; fail "a profile does not load: $*"; }
}
# check_tree_loads DIR: every OCI profile under DIR loads (what collect wrote in the background)
check_tree_loads() {
	local files
	mapfile -d '' files < <(find "$1" -type f -name '*.json' -print0)
	[ "${#files[@]}" -eq 0 ] || check_loads --if-oci "${files[@]}"
}
# load_written ARGS...: check the profiles of the scmplog command ARGS
load_written() {
	local is_scl=0 a prev= f
	for a in "$@"; do
		case $a in "$SCMPLOG" | "${SCMPLOG_SMALL_LIMITS:-/nonexistent}") is_scl=1 ;; esac
	done
	[ "$is_scl" -eq 1 ] && [ -z "${SCL_NO_LOAD_CHECK:-}" ] || return 0
	! is_oci "$TMP/out" || check_loads --if-oci "$TMP/out"
	for a in "$@"; do
		case $prev in
		-o | --output) f=$a ;;
		--out-dir) f=$a ;;
		*) case $a in --output=* | --out-dir=*) f=${a#*=} ;; *) f= ;; esac ;;
		esac
		prev=$a
		[ -n "$f" ] && [ "$f" != - ] || continue
		if [ -d "$f" ]; then
			find "$f" -maxdepth 1 -name '*.json' -print0 |
				while IFS= read -r -d '' g; do ! is_oci "$g" || check_loads --if-oci "$g" || exit 1; done || exit 1
		elif is_oci "$f"; then
			check_loads --if-oci "$f"
		fi
	done
}
# expect_rc RC CMD...: run CMD, fail unless it exits RC. Output in $TMP/out, $TMP/err.
expect_rc() {
	local want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	local got=$?
	[ "$got" -eq "$want" ] || { echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"; fail "'$*' exited $got, expected $want"; }
	load_written "$@"
}
# same FILE1 FILE2: byte-identical or fail with a diff.
same() { cmp -s "$1" "$2" || { diff -u "$1" "$2" | head -n 60; fail "$1 differs from $2"; }; }
contains() { grep -qF -- "$2" "$1" || { cat "$1"; fail "'$1' lacks '$2'"; }; }
lacks() { ! grep -qF -- "$2" "$1" || { cat "$1"; fail "'$1' has '$2'"; }; }
