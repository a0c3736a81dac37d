#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# set-version.sh NEW: make NEW the version: VERSION (read by the Makefile for
# --version, the man pages at install and the package builds), a new entry
# on top of packaging/debian/changelog, the Version: and a %changelog entry
# of packaging/rpm/scmplog.spec, a section in CHANGELOG.md (under
# [Unreleased], so what was listed there becomes the new version's), and the
# date of every man page's .TH line: the release date of that section (the
# version in .TH is @VERSION@, filled in by make install).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 NEW-VERSION" >&2; exit 2; }
new=$1
case $new in *[!0-9.]* | '' | .* | *.) echo "set-version: '$new' is not N.N.N" >&2; exit 2 ;; esac
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
who=$(sed -n '/^ -- /{s/^ -- \(.*>\).*/\1/p;q}' packaging/debian/changelog)
now_deb=$(LC_ALL=C date -R)
now_rpm=$(LC_ALL=C date '+%a %b %d %Y')
printf '%s\n' "$new" >VERSION
{
	printf 'scmplog (%s) unstable; urgency=medium\n\n  * New release: see CHANGELOG.md.\n\n -- %s  %s\n\n' "$new" "$who" "$now_deb"
	cat packaging/debian/changelog
} >packaging/debian/changelog.new && mv packaging/debian/changelog.new packaging/debian/changelog
sed -i "s/^Version:\([[:space:]]*\).*/Version:\1$new/" packaging/rpm/scmplog.spec
sed -i "s/^%changelog\$/%changelog\n* $now_rpm $who - $new-1\n- New release: see CHANGELOG.md\n/" packaging/rpm/scmplog.spec
if ! grep -q "^## \[$new\]" CHANGELOG.md; then
	# what was under [Unreleased] becomes the new version's
	awk -v v="$new" -v d="$(date +%Y-%m-%d)" '
		!done && /^## \[Unreleased\]/ { print; print ""; print "## [" v "] - " d; done = 1; next }
		!done && /^## \[/ { print "## [" v "] - " d "\n"; done = 1 }
		{ print }' CHANGELOG.md >CHANGELOG.md.new && mv CHANGELOG.md.new CHANGELOG.md
fi
new_re=$(printf '%s' "$new" | sed 's/\./\\./g')
day=$(sed -n "s/^## \[$new_re\] - \([0-9]\{4\}-[0-9][0-9]-[0-9][0-9]\)\$/\1/p" CHANGELOG.md | head -n 1)
[ -n "$day" ] || { echo "set-version: CHANGELOG.md: '## [$new]' has no date (YYYY-MM-DD)" >&2; exit 1; }
sed -i "s/^\(\.TH [^ ]* [0-9][^ ]* \)\"[^\"]*\"/\1\"$day\"/" packaging/man/*.1
sed -i "s/^\([[:space:]]*newTag:[[:space:]]*\).*/\1\"$new\"/" packaging/kubernetes/kustomization.yaml
echo "version $new: VERSION, packaging/debian/changelog, packaging/rpm/scmplog.spec, CHANGELOG.md, packaging/man/*.1 ($day), packaging/kubernetes/kustomization.yaml"
