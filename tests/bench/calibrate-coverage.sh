#!/usr/bin/env bash
# Calibration of `scmplog coverage` on the demo service (tests/demo): is the
# predicted chance that the next run needs a syscall the profile lacks close
# to how often it happens?
#
# Each of the service's tests (run-tests' checks, and GET /disk, the demo's
# "new feature" that needs statfs) is learned on its own, REPS times, each a
# `scmplog run` of its own (one run = one test, the service and its client in
# one process, as run-tests does it).  Then, over SPLITS random splits (fixed
# seed) for each K: K runs are the learning runs (merged with their
# statistics, `scmplog coverage` predicts), the other N-K runs are the "next
# runs": a run needs a syscall outside the K-run profile or not.  Prints, per
# K, the mean of Chao's expected new syscalls and of Q1/K against the new
# syscalls a next run needed, the mean `miss` (min(1, Q1/K)) against how
# often a next run needed one, and in how many splits miss was not below it.
# A second workload with more to find does the same: a batch job running 3 of
# 16 tools picked at random per run (the demo's runs differ by one syscall).
#
# Root, the real kernel; the learning runs hold the live lock
# (/run/lock/scmplog-live.lock), a minute or two, the analysis does not.
# Usage: tests/bench/calibrate-coverage.sh [REPS [SPLITS]]   (default 4, 200)
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG to the scmplog binary}"
[ "$(id -u)" -eq 0 ] || { echo "calibrate-coverage: needs root (the kernel's audit stream)" >&2; exit 1; }
reps=${1:-4}
splits=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
demo=$here/../demo
lock=/run/lock/scmplog-live.lock
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py=$(command -v python3) || { echo "calibrate-coverage: python3 missing" >&2; exit 1; }
export PYTHONDONTWRITEBYTECODE=1
cp "$demo/app.py" "$demo/run-tests" "$work/"

# one test of run-tests, with the requests it needs before it (the notes it reads)
cat >"$work/one-test.py" <<'PY'
import importlib.machinery, importlib.util, os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
loader = importlib.machinery.SourceFileLoader("run_tests", os.path.join(here, "run-tests"))
spec = importlib.util.spec_from_loader("run_tests", loader)
rt = importlib.util.module_from_spec(spec)
loader.exec_module(rt)
import app  # noqa: E402
C = ("POST", "/notes", {"text": "buy milk"})
TESTS = {
    "health": [("GET", "/health", None)],
    "empty-list": [("GET", "/notes", None)],
    "create": [C],
    "read": [C, ("GET", "/notes/1", None)],
    "list": [C, C, ("GET", "/notes", None)],
    "empty-text": [("POST", "/notes", {"text": ""})],
    "not-json": [("POST", "/notes", ["x"])],
    "delete": [C, ("DELETE", "/notes/1", None)],
    "deleted-gone": [C, ("DELETE", "/notes/1", None), ("GET", "/notes/1", None)],
    "unknown": [("GET", "/nope", None)],
    "disk": [("GET", "/disk", None)],
}
if len(sys.argv) == 2 and sys.argv[1] == "--list":
    print("\n".join(TESTS))
    sys.exit(0)
srv = app.make_server(0)
try:
    c = rt.Client(*srv.server_address[:2], server=srv)
    for m, path, body in TESTS[sys.argv[1]]:
        status, _ = c.call(m, path, body)
        assert status < 500, (m, path, status)
finally:
    srv.server_close()
PY
mapfile -t tests < <("$py" "$work/one-test.py" --list)
cd "$work" || exit 1
"$py" ./one-test.py health || { echo "calibrate-coverage: the demo's test does not run" >&2; exit 1; }

# The lock once for all the learning runs (a run takes a fraction of a second;
# they are over within a minute or two), not once per run: another engineer's
# live test between two runs would make this an hour.
exec 9>"$lock"
flock 9
learn() { # learn NAME CMD...: one learning run, NAME-N.json and NAME-N.stats
	local name=$1
	shift
	if ! "$SCMPLOG" run -q -o "$name.json" --stats "$name.stats" -- "$@" 2>"$name.err"; then
		cat "$name.err" >&2
		echo "calibrate-coverage: run $name ($*) failed" >&2
		exit 1
	fi
}
n=0
for ((r = 0; r < reps; r++)); do
	for t in "${tests[@]}"; do
		n=$((n + 1))
		learn "demo-$n" "$py" ./one-test.py "$t"
	done
done
# A second workload with more to find: a batch job that runs 3 of 16 tools
# picked at random (seeded) per run, as pods of one job see different inputs.
jobs=(
	"ls -la /usr/bin" "cat /etc/os-release" "sort -r /etc/services" "gzip -c /etc/services"
	"sha256sum /etc/services" "date -u" "id" "stat /etc/hosts" "df -h" "du -s /usr/share/doc"
	"find /etc -maxdepth 1 -name '*.conf'" "tar -cf - /etc/hostname" "uname -a" "sleep 0.01"
	"getent hosts localhost" "python3 -c 'import json; print(json.dumps([1]))'"
)
m=$((n))
RANDOM=13
for ((i = 1; i <= m; i++)); do
	a=${jobs[RANDOM % ${#jobs[@]}]} b=${jobs[RANDOM % ${#jobs[@]}]} c=${jobs[RANDOM % ${#jobs[@]}]}
	learn "jobs-$i" sh -c "$a >/dev/null; $b >/dev/null; $c >/dev/null"
done
flock -u 9
exec 9>&-
echo "calibrate-coverage: demo: $n runs (${#tests[@]} tests x $reps); jobs: $m runs (3 of ${#jobs[@]} tools each)"

"$py" - "$SCMPLOG" "$splits" demo "$n" jobs "$m" <<'PY'
import json, random, subprocess, sys
scmplog, splits = sys.argv[1], int(sys.argv[2])
work = [(sys.argv[i], int(sys.argv[i + 1])) for i in range(3, len(sys.argv), 2)]
for name, n in work:
    runs = []
    lost = 0
    for i in range(1, n + 1):
        st = json.load(open(f"{name}-{i}.stats"))
        runs.append(frozenset(k for k, v in st["syscalls"].items() if v["runs"]))
        lost += sum(r["lost"] or 0 for r in st["runs"])
    allsc = frozenset().union(*runs)
    inc = {s: sum(s in r for r in runs) for s in allsc}
    rare = sorted((v, s) for s, v in inc.items() if v < n)
    print(f"\n{name}: {n} runs, {len(allsc)} syscalls, {len(rare)} not in every run, {lost} records lost")
    print("  runs per syscall, of those: " + ", ".join(f"{s} {v}" for v, s in rare))
    rng = random.Random(13)
    print(f"  {'K':>3} {'splits':>6} {'Chao new':>9} {'Q1/K':>6} {'observed new':>13} {'miss':>6}"
          f" {'observed miss':>14} {'miss >= obs':>11} {'no estimate':>11}")
    for k in (5, 8, 12, 20, 30):
        if k >= n:
            continue
        pm = po = pe = pn = pg = 0.0
        cnt = none = cover = 0
        for _ in range(splits):
            train = rng.sample(range(n), k)
            args = [scmplog, "merge", "-q", "-o", "m.json", "--stats", "m.stats"]
            args += [f"{name}-{i + 1}.json" for i in train]
            for i in train:
                args += ["--stats-in", f"{name}-{i + 1}.stats"]
            subprocess.run(args, check=True)
            out = subprocess.run([scmplog, "coverage", "--format", "json", "m.json", "--stats", "m.stats"],
                                 check=True, capture_output=True, text=True).stdout
            e = json.loads(out)["estimate"]
            if e["status"] != "ok":
                none += 1
                continue
            union = frozenset().union(*(runs[i] for i in train))
            rest = [runs[i] for i in range(n) if i not in train]
            obs = sum(1 for r in rest if not r <= union) / len(rest)
            pm += e["miss"]
            pe += e["expectedNew"]
            pg += e["q1"] / k
            po += obs
            pn += sum(len(r - union) for r in rest) / len(rest)
            cover += e["miss"] >= obs
            cnt += 1
        if cnt:
            print(f"  {k:>3} {cnt:>6} {pe / cnt:>9.3f} {pg / cnt:>6.3f} {pn / cnt:>13.3f} {pm / cnt:>6.3f}"
                  f" {po / cnt:>14.3f} {cover / cnt:>11.2f} {none:>11}")
PY
