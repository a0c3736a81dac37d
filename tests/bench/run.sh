#!/usr/bin/env bash
# `make bench`: every benchmark (bench-*.sh: build, collect, load, loss, run), ratios against the peers measured in the same run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
for b in "$here"/bench-*.sh; do
	echo "=== $(basename "$b")"
	bash "$b" || echo "bench $(basename "$b") failed"
done
