#!/usr/bin/env bash
# The documentation agrees with the binary: a man page per command naming
# every option of its --help (and no option --help lacks), bash completion
# offering them, one version everywhere.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
MAN="$TOP/packaging/man"
cd "$TMP" || exit 1

cmds=$("$SCMPLOG" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on && /^$/ { exit }')
[ -n "$cmds" ] || fail "no commands in scmplog --help"
# long options of a text, one per line
longopts() { grep -oE '(^|[^a-zA-Z0-9-])--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
for c in $cmds; do
	page="$MAN/scmplog-$c.1"
	[ -f "$page" ] || fail "no man page for '$c' ($page)"
	grep -q "^\.TH SCMPLOG-$(echo "$c" | tr a-z A-Z) 1 .*\"scmplog @VERSION@\"" "$page" ||
		fail "$page: .TH does not name SCMPLOG-${c^^} and 'scmplog @VERSION@'"
	grep -qF "scmplog\\-$(echo "$c" | sed 's/-/\\\\-/g') (1)" "$MAN/scmplog.1" ||
		grep -qF ".BR scmplog\\-$(echo "$c" | sed 's/-/\\-/g') (1)" "$MAN/scmplog.1" ||
		fail "scmplog.1 does not refer to scmplog-$c(1)"
	"$SCMPLOG" "$c" --help >"$TMP/help" || fail "scmplog $c --help"
	# the roff text of the page with \- made plain
	sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page" >"$TMP/page"
	for o in $(longopts <"$TMP/help"); do
		grep -qF -- "$o" "$TMP/page" || fail "scmplog-$c.1 does not document $o (in 'scmplog $c --help')"
	done
	# options the page defines (the tag line after .TP) are in --help
	awk '/^\.TP/ { getline; print }' "$TMP/page" | longopts >"$TMP/defined"
	while read -r o; do
		grep -qF -- "$o" "$TMP/help" || fail "scmplog-$c.1 defines $o, which 'scmplog $c --help' lacks"
	done <"$TMP/defined"
done
# no page for a command that does not exist
for page in "$MAN"/scmplog-*.1; do
	c=${page##*/scmplog-}
	c=${c%.1}
	grep -qx "$c" <<<"$cmds" || fail "$page documents '$c', which is not a command"
done
grep -q '"scmplog @VERSION@"' "$MAN/scmplog.1" || fail "scmplog.1: .TH lacks 'scmplog @VERSION@'"
if command -v groff >/dev/null; then
	for page in "$MAN"/*.1; do
		groff -man -ww -z "$page" 2>"$TMP/groff" || fail "groff: $page"
		[ -s "$TMP/groff" ] && { cat "$TMP/groff"; fail "groff warns about $page"; }
	done
fi

# Every named limit is in scmplog(1)'s LIMITS section.
sed -n '/^\.SH LIMITS/,/^\.SH /p' "$MAN/scmplog.1" >"$TMP/limits"
for l in $(sed -n 's/^#define \(SCL_MAX_[A-Z0-9_]*\) .*/\1/p' "$TOP/include/scmplog/limits.h" | sort -u); do
	grep -qx ".B $l" "$TMP/limits" || fail "scmplog.1: LIMITS does not name $l (include/scmplog/limits.h)"
done

# One version: VERSION, --version, the packaging files, CHANGELOG.md.
v=$(cat "$TOP/VERSION")
expect_rc 0 "$SCMPLOG" --version
same out <(echo "scmplog $v")
expect_rc 0 sh "$TOP/packaging/tools/check-version.sh"
# The man pages are dated the day VERSION was released, as CHANGELOG.md says.
# changelog_day DIR VERSION: the date of '## [VERSION] - DATE' in DIR/CHANGELOG.md
changelog_day() { sed -n "s/^## \[$(sed 's/\./\\./g' <<<"$2")\] - \([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\)\$/\1/p" "$1/CHANGELOG.md" | head -n 1; }
day=$(changelog_day "$TOP" "$v")
[ -n "$day" ] || fail "CHANGELOG.md: '## [$v]' has no date (YYYY-MM-DD)"
for page in "$MAN"/*.1; do
	grep -q "^\.TH [^ ]* 1 \"$day\" \"scmplog @VERSION@\"" "$page" ||
		fail "$page: .TH is not dated $day, the date of $v in CHANGELOG.md (packaging/tools/set-version.sh sets both)"
done
# set-version.sh moves all of them along, here in a scratch copy of the files it edits
S=$TMP/set-version
mkdir -p "$S/packaging/debian" "$S/packaging/rpm" "$S/packaging/kubernetes"
cp "$TOP/VERSION" "$TOP/CHANGELOG.md" "$S/" && cp -r "$TOP/packaging/tools" "$TOP/packaging/man" "$S/packaging/" &&
	cp "$TOP/packaging/debian/changelog" "$S/packaging/debian/" && cp "$TOP/packaging/rpm/scmplog.spec" "$S/packaging/rpm/" &&
	cp "$TOP/packaging/kubernetes/kustomization.yaml" "$S/packaging/kubernetes/" ||
	fail "cannot copy the versioned files"
sed -i 's/^\(\.TH [^ ]* 1 \)"[^"]*"/\1"2000-01-01"/' "$S"/packaging/man/*.1
expect_rc 0 sh "$S/packaging/tools/set-version.sh" 99.8.7
expect_rc 0 sh "$S/packaging/tools/check-version.sh"
[ "$(cat "$S/VERSION")" = 99.8.7 ] || fail "set-version.sh did not write VERSION"
grep -q '^    newTag: "99.8.7"$' "$S/packaging/kubernetes/kustomization.yaml" ||
	fail "set-version.sh did not move the DaemonSet's image tag: $(grep newTag "$S/packaging/kubernetes/kustomization.yaml")"
day=$(changelog_day "$S" 99.8.7)
[ -n "$day" ] || fail "set-version.sh wrote no dated '## [99.8.7]' section"
for page in "$S"/packaging/man/*.1; do
	grep -q "^\.TH [^ ]* 1 \"$day\" \"scmplog @VERSION@\"" "$page" ||
		fail "set-version.sh did not date ${page##*/} $day: $(grep '^\.TH' "$page")"
done

# bash completion: commands, every long option of every command, values.
command -v bash >/dev/null || exit 0
bash -c '
	. "$1"
	bin=$2; shift 2
	comp() { COMP_WORDS=("$bin" "$@"); COMP_CWORD=$(($# )); COMPREPLY=(); _scmplog; printf "%s\n" "${COMPREPLY[@]}"; }
	fail() { echo "FAIL: completion: $*" >&2; exit 1; }
	cmds=$("$bin" --help | awk "/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print \$1; next } on && /^\$/ { exit }")
	got=$(comp "" | sort | tr "\n" " ")
	want=$(printf "%s\n" $cmds | sort | tr "\n" " ")
	[ "$got" = "$want" ] || fail "commands: got [$got], want [$want]"
	[ "$(comp di)" = diff ] || fail "di -> $(comp di)"
	for c in $cmds; do
		offered=$(comp "$c" --)
		for o in $("$bin" "$c" --help | grep -oE -- "(^|[ ,])--[a-z][a-z0-9-]*" | grep -oE -- "--[a-z][a-z0-9-]*" | sort -u); do
			grep -qx -- "$o" <<<"$offered" || fail "$c: $o not offered"
		done
	done
	[ "$(comp diff --format "" | tr "\n" " ")" = "text json " ] || fail "diff --format"
	[ "$(comp build -f "" | tr "\n" " ")" = "oci k8s systemd " ] || fail "build -f"
	[ "$(comp run --source "" | tr "\n" " ")" = "auto daemon multicast kmsg " ] || fail "run --source"
	comp build --arch "" | grep -qx aarch64 || fail "build --arch"
	comp resolve execv | grep -qx execve || fail "resolve NAME"
	exit 0
' _ "$TOP/packaging/bash-completion/scmplog" "$SCMPLOG" || fail "bash completion"
exit 0
