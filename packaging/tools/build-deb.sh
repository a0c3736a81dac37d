#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# build-deb.sh OUTDIR (make deb): stage the source tree with packaging/debian
# as debian/, run `dpkg-buildpackage -us -uc -b`, and check the result with
# lintian when it is installed (errors fail the build).  The .deb ends up in
# OUTDIR.  DEB_BUILD_OPTIONS (nocheck, parallel=N) is honoured.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(cat "$top/VERSION")
"$top/packaging/tools/check-version.sh"
for t in dpkg-buildpackage dh; do
	command -v "$t" >/dev/null || {
		echo "scmplog: make deb needs $t: sudo sh tests/install-deps.sh --package" >&2
		exit 1
	}
done
src="$out/scmplog-$version"
rm -rf "$src" "$out"/scmplog_"$version"_* "$out"/scmplog-dbgsym_"$version"_*
"$top/packaging/tools/stage-source.sh" "$src"
rm -rf "$src/debian"
cp -r "$top/packaging/debian" "$src/debian"
(cd "$src" && dpkg-buildpackage -us -uc -b)
changes=$(ls "$out"/scmplog_"$version"_*.changes)
echo "scmplog: built $(ls "$out"/scmplog_"$version"_*.deb)"
if command -v lintian >/dev/null; then
	# --fail-on error: warnings are printed, errors fail
	lintian --fail-on error --info "$changes"
	echo "scmplog: lintian found no errors"
else
	echo "scmplog: lintian is not installed: the package was not checked" >&2
fi
