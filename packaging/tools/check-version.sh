#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# check-version.sh: VERSION is the one place the version is set; the
# packaging files that must spell it out agree with it (set-version.sh
# writes them).  Exit 1 naming the file that disagrees.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
v=$(cat "$top/VERSION")
bad=0
deb=$(sed -n '1s/^scmplog (\([^)]*\)).*/\1/p' "$top/packaging/debian/changelog")
[ "$deb" = "$v" ] || { echo "scmplog: packaging/debian/changelog is at '$deb', VERSION is '$v': run packaging/tools/set-version.sh $v" >&2; bad=1; }
rpm=$(sed -n 's/^Version:[[:space:]]*//p' "$top/packaging/rpm/scmplog.spec")
[ "$rpm" = "$v" ] || { echo "scmplog: packaging/rpm/scmplog.spec is at '$rpm', VERSION is '$v': run packaging/tools/set-version.sh $v" >&2; bad=1; }
grep -q "^## \[$v\]" "$top/CHANGELOG.md" || { echo "scmplog: CHANGELOG.md has no '## [$v]' section" >&2; bad=1; }
tag=$(sed -n 's/^[[:space:]]*newTag:[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$top/packaging/kubernetes/kustomization.yaml")
[ "$tag" = "$v" ] || { echo "scmplog: packaging/kubernetes/kustomization.yaml's image tag is '$tag', VERSION is '$v': run packaging/tools/set-version.sh $v" >&2; bad=1; }
exit $bad
