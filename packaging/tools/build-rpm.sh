#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# build-rpm.sh OUTDIR (make rpm): make the source tarball the spec names
# (scmplog-VERSION.tar.gz) and run `rpmbuild -bb packaging/rpm/scmplog.spec`
# with OUTDIR as _topdir; the package ends up in OUTDIR/RPMS/ARCH/.
# RPMBUILD_FLAGS is passed on (e.g. --nocheck).  On a system whose rpm
# database does not hold the build dependencies (Debian), --nodeps is added:
# pkg-config checks them when make runs.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(cat "$top/VERSION")
"$top/packaging/tools/check-version.sh"
command -v rpmbuild >/dev/null || {
	echo "scmplog: make rpm needs rpmbuild: sudo sh tests/install-deps.sh --package" >&2
	exit 1
}
rm -rf "$out"/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS}
mkdir -p "$out"/{BUILD,RPMS,SOURCES,SPECS,SRPMS}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
"$top/packaging/tools/stage-source.sh" "$stage/scmplog-$version"
tar -C "$stage" -czf "$out/SOURCES/scmplog-$version.tar.gz" "scmplog-$version"
cp "$top/packaging/rpm/scmplog.spec" "$out/SPECS/"
flags=()
# Debian's rpm has no systemd macros (systemd-rpm-macros): the fallback's
if [ -z "$(rpm --eval '%{?systemd_post:yes}')" ]; then
	flags+=(--load "$top/packaging/rpm/macros.systemd-fallback")
fi
if [ -e /etc/debian_version ] && ! rpm -q --whatprovides 'pkgconfig(libseccomp)' >/dev/null 2>&1; then
	flags+=(--nodeps)
fi
# shellcheck disable=SC2086
rpmbuild -bb "${flags[@]}" ${RPMBUILD_FLAGS:-} --define "_topdir $out" "$out/SPECS/scmplog.spec"
echo "scmplog: built $(ls "$out"/RPMS/*/scmplog-"$version"-*.rpm)"
