#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# stage-source.sh DEST: copy scmplog's source tree (the files git would ship:
# tracked and untracked-but-not-ignored, as they are in the working tree;
# without git, everything but build directories) to DEST, for the package
# builds (make deb, make rpm).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DEST" >&2; exit 2; }
dest=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dest"
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			# a file deleted in the working tree is not shipped
			if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
		done | tar -c --null -T - -f - | tar -x -C "$dest" -f -
else
	tar -c --exclude='./build' --exclude='./build-*' --exclude='./.git' --exclude='./debian' -f - . |
		tar -x -C "$dest" -f -
fi
