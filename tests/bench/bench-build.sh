#!/usr/bin/env bash
# Benchmark: `scmplog build` on a large audit.log against, in the same run,
# the ausearch pipeline, a Python regex set-builder and `wc -l` (the floor).
# Prints wall-clock ratios (hyperfine means) and peak memory (time -v).
# Usage: tests/bench/bench-build.sh [RECORDS]   (default 1000000, ~210 MB)
set -euo pipefail
: "${SCMPLOG:?set SCMPLOG}"
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-1000000}
for t in hyperfine ausearch python3 /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: '$t' missing: sudo sh tests/install-deps.sh --bench" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/audit.log
python3 "$here/gen-audit-log.py" "$n" >"$log"
echo "input: $n SECCOMP records, $(du -m "$log" | cut -f1) MB, $(wc -l <"$log") lines"
cat "$log" >/dev/null # warm the page cache for everyone

hyperfine -N --warmup 1 --runs 5 --export-json "$work/fast.json" \
	-n scmplog "$SCMPLOG build -q --allow-empty -o $work/p.json $log" \
	-n wc "wc -l $log" \
	-n python "python3 $here/py-build.py $log" >&2
hyperfine --runs 1 --export-json "$work/slow.json" \
	-n ausearch "ausearch -m SECCOMP -i -if $log | grep -o 'syscall=[a-z0-9_]*' | sort -u" >&2

mem() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }
python3 - "$work/fast.json" "$work/slow.json" <<PY
import json, sys
r = {}
for f in sys.argv[1:]:
    for x in json.load(open(f))["results"]:
        r[x["command"]] = x["mean"]
s = r["scmplog"]
print(f"scmplog build        {s:8.3f} s")
print(f"wc -l                {r['wc']:8.3f} s   scmplog is {s / r['wc']:.2f}x wc -l (goal: within 3x)")
print(f"python regex         {r['python']:8.3f} s   scmplog is {r['python'] / s:.1f}x faster (goal: >= 5x)")
print(f"ausearch pipeline    {r['ausearch']:8.3f} s   scmplog is {r['ausearch'] / s:.1f}x faster (goal: >= 50x)")
PY
echo "peak RSS: scmplog $(mem "$SCMPLOG" build -q -o "$work/p.json" "$log") kB at $n records;" \
	"$(python3 "$here/gen-audit-log.py" $((n / 10)) >"$work/small.log"; mem "$SCMPLOG" build -q -o "$work/p.json" "$work/small.log") kB at $((n / 10)) (flat = memory independent of record count)"
