#!/usr/bin/env bash
# scmplog coverage: runs, window, losses, rare syscalls, the Chao2 / sample
# coverage estimate; the gates and their exit codes; old statistics files;
# the run list that build and merge write for it.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG
C=$DATA/coverage
cd "$TMP" || exit 1
cp "$C/app.json" "$C/ten.stats.json" "$C/old.stats.json" .

# Ten runs, incidences {10,10,10,10,5,2,2,1,1,1} (coverage.h's worked example:
# Chao2 2.025 unseen, C = 1 - 81/1612, 81/310 new syscalls expected; the
# chance of a miss at most Q1/T = 0.3)
expect_rc 0 $S coverage app.json --stats ten.stats.json
same out "$C/ten.txt"
expect_rc 0 $S coverage --format json app.json --stats ten.stats.json
same out "$C/ten.json"
python3 - out <<'PY' || fail "coverage --format json"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["estimate"]
assert d["runs"] == 10 and d["incidences"] == 52 and e["q1"] == 3 and e["q2"] == 2, d
assert abs(e["undetected"] - 2.025) < 1e-6 and abs(e["expectedNew"] - 81 / 310) < 1e-6, e
assert abs(e["miss"] - 0.3) < 1e-6, e
assert abs(e["sampleCoverage"] - (1 - 81 / 1612)) < 1e-6, e
assert d["lost"]["perRun"] == [0, 0, 7] + [None] * 7, d["lost"]
assert d["seenInOneRun"] == ["brk", "getpid", "kill"] and d["seenNotAllowed"] == ["kill"], d
PY
# options anywhere, byte-stable
expect_rc 0 $S coverage --stats ten.stats.json app.json --format=json
same out "$C/ten.json"

# The gates: exit 1 when one fails, with the reason on stderr; 0 when they pass.
expect_rc 0 $S coverage -q app.json --stats ten.stats.json --max-miss 0.3
[ -s out ] || [ -s err ] && fail "coverage -q printed something"
expect_rc 1 $S coverage app.json --stats ten.stats.json --max-miss 0.29
contains out "gate --max-miss 0.29: failed"
contains err "the chance that the next run needs a syscall the profile lacks, 0.3000, is above --max-miss 0.29"
expect_rc 1 $S coverage app.json --stats ten.stats.json --fail-on-loss
contains out "gate --fail-on-loss: failed"
contains err "1 of the runs lost records (7 in all)"
expect_rc 1 $S coverage --format json app.json --stats ten.stats.json --fail-on-loss --max-miss 1
contains out '"gate": { "maxMiss": 1, "failOnLoss": true, "passed": false }'
expect_rc 1 $S coverage -q app.json --stats ten.stats.json --fail-on-loss
[ -s out ] || [ -s err ] && fail "coverage -q printed something"

# A statistics file from before runs were counted: the counts and Q1/Q2, no
# run count, window, losses or estimate; a --max-miss gate cannot pass.
expect_rc 0 $S coverage app.json --stats old.stats.json
contains out "runs: unknown (a statistics file without a run list, from an older scmplog); at least 10"
contains out "seen in 1 run: 3 brk getpid kill"
contains out "estimate: none: the number of runs is not known"
expect_rc 1 $S coverage app.json --stats old.stats.json --max-miss 1
contains err "the statistics file has no run list"
expect_rc 0 $S coverage --format json app.json --stats old.stats.json --fail-on-loss
contains out '"runs": null,'
contains out '"status": "runs unknown",'
# ... and build --merge with it writes an old file again: no run count made up
printf 'type=SECCOMP msg=audit(1765000000.001:1): auid=0 uid=0 gid=0 ses=1 pid=9 comm="app" exe="/usr/bin/app" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n' >one.log
cp old.stats.json old2.stats.json
expect_rc 0 $S build -q --merge app.json -o app2.json --stats old2.stats.json one.log
lacks old2.stats.json '"runs": ['
contains old2.stats.json '"read": { "records": 31, "runs": 11 }'

# Learning run after run: build --merge --stats adds a run each time, with the
# records' window.  Runs 1-6 see read, write, close; mmap in 1-3, brk in 1-2,
# getpid in 4, uname in 6: T=6, Q1=2, Q2=1, U=25: Chao2 5/6*4/2 = 1.667
# unseen, 2/6 * 10/12 = 0.2778 new syscalls expected, a miss at most 2/6.
gen() { # gen RUN NR...: one run's records, a second apart per run
	local run=$1 i=1 nr
	shift
	for nr in "$@"; do
		printf 'type=SECCOMP msg=audit(17650%05d.%03d:%d): auid=0 uid=0 gid=0 ses=1 pid=9 comm="app" exe="/usr/bin/app" sig=0 arch=c000003e syscall=%d compat=0 ip=0x1 code=0x7ffc0000\n' \
			"$((run * 10))" "$i" "$((run * 100 + i))" "$nr"
		i=$((i + 1))
	done
}
gen 1 0 1 3 9 12 >r1.log
gen 2 0 1 3 9 12 >r2.log
gen 3 0 1 3 9 >r3.log
gen 4 0 1 3 39 >r4.log
gen 5 0 1 3 >r5.log
gen 6 0 1 3 63 >r6.log
expect_rc 0 $S build -q r1.log -o inc.json --stats inc.stats
# T = 1: no estimate, and the gate fails
expect_rc 0 $S coverage inc.json --stats inc.stats
contains out "runs: 1"
contains out "estimate: not enough runs (1; at least 5)"
contains out "window: 2025-12-06 05:46:50.001 UTC .. 2025-12-06 05:46:50.005 UTC (0.004 s; known for 1 of 1 runs)"
contains out "lost records: unknown for every run"
expect_rc 1 $S coverage inc.json --stats inc.stats --max-miss 1
contains err "not enough runs (1; at least 5)"
# without --stats the profile is one run
expect_rc 0 $S coverage inc.json
contains out "statistics: none (--stats FILE): the profile counts as one run"
expect_rc 1 $S coverage inc.json --max-miss 1
contains err "give the runs' statistics with --stats FILE"
for i in 2 3 4 5 6; do
	expect_rc 0 $S build -q --merge inc.json -o inc.json --stats inc.stats "r$i.log"
done
expect_rc 0 $S coverage --format json inc.json --stats inc.stats
python3 - out <<'PY' || fail "six runs of build --merge --stats"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["estimate"]
assert d["runs"] == 6 and d["incidences"] == 25 and e["q1"] == 2 and e["q2"] == 1, d
assert abs(e["undetected"] - 5 / 6 * 4 / 2) < 1e-6 and abs(e["expectedNew"] - 2 / 6 * 10 / 12) < 1e-6, e
assert abs(e["miss"] - 2 / 6) < 1e-6, e
assert d["seenInOneRun"] == ["getpid", "uname"] and d["seenInTwoRuns"] == ["brk"], d
assert d["window"]["first"] == "2025-12-06T05:46:50.001Z" and d["window"]["last"] == "2025-12-06T05:47:40.004Z", d
assert d["window"]["runsKnown"] == 6 and d["lost"]["runsKnown"] == 0, d
PY
# The same runs learned apart and merged with their statistics: the same
# statistics file, byte for byte, whatever the order.
for i in 1 2 3 4 5 6; do
	expect_rc 0 $S build -q "r$i.log" -o "r$i.json" --stats "r$i.stats"
done
expect_rc 0 $S merge -q r6.json r2.json r4.json r1.json r5.json r3.json \
	--stats-in r6.stats --stats-in r2.stats --stats-in r4.stats --stats-in r1.stats --stats-in r5.stats --stats-in r3.stats \
	-o m.json --stats m.stats
same m.stats inc.stats
# Each merged profile without statistics is a run; -f k8s carries SPO's
# per-syscall coverage annotation with the same counts.
expect_rc 0 $S merge -q r1.json r2.json r3.json r4.json r5.json r6.json -f k8s --name app -o m.yaml
contains m.yaml "    spo.x-k8s.io/syscall-coverage: '{\"version\":\"v1\",\"total\":6,\"syscalls\":{\"brk\":2,\"close\":6,\"getpid\":1,\"mmap\":3,\"read\":6,\"uname\":1,\"write\":6}}'"
expect_rc 0 $S merge -q r1.json r2.json r3.json r4.json r5.json r6.json -o m2.json --stats m2.stats
expect_rc 0 $S coverage m2.json --stats m2.stats --format json
contains out '"runs": 6,'
contains out '"perRun": [null, null, null, null, null, null] },'

# Usage errors and unreadable files: exit 2
for bad in 1.5 abc -0.1 .5 0. 1e-3 '0.05 ' 10; do
	expect_rc 2 $S coverage app.json --stats ten.stats.json --max-miss "$bad"
	contains err "invalid --max-miss '$bad': expected a fraction from 0 to 1"
done
expect_rc 2 $S coverage app.json --format yaml
expect_rc 2 $S coverage
contains err "coverage needs one profile"
expect_rc 2 $S coverage app.json app.json
expect_rc 2 $S coverage app.json --stats missing.stats
contains err "cannot read statistics 'missing.stats': No such file or directory"
expect_rc 2 $S coverage app.json --stats app.json
contains err "cannot read statistics 'app.json': line 2: expected the keys \"syscalls\" and \"runs\""
printf '{ "runs": [ { "lost": 1, "first": 5, "last": 4 } ], "syscalls": {} }\n' >bad.stats
expect_rc 2 $S coverage app.json --stats bad.stats
contains err "a run's \"first\" and \"last\" are both null or first <= last"
expect_rc 2 $S coverage missing.json --stats ten.stats.json
contains err "cannot read profile 'missing.json'"
expect_rc 0 $S coverage --help
contains out "Exit status: 0 no gate, or the gates passed; 1 a gate failed; 2 usage error"
exit 0
