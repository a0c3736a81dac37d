#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The CI workflow (packaging/ci/github-actions/seccomp.yml) run locally on the
# demo service (tests/demo/app.py, a JSON service with a command injection):
# learn its profile from its tests, gate changes with 'scmplog diff', enforce
# the profile, and show that the tests pass and the injection no longer
# spawns anything.  Part of 'make check' (check-demo).
#
# Needs root and the real kernel (audit records, seccomp filters): without
# root it is skipped, loudly, with exit status 77.  SCMPLOG is the binary.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SCMPLOG:?set SCMPLOG to the scmplog binary}"

if [ "$(id -u)" -ne 0 ]; then
	echo "************************************************************"
	echo "* demo: NOT ROOT - the demo (learn, enforce, attack) is     *"
	echo "* SKIPPED.  Run 'sudo make check-demo' to see it.           *"
	echo "************************************************************"
	exit 77
fi
# The real interpreter, not a wrapper script (pyenv shims fork and exec).
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if [ -z "$py" ]; then
	echo "demo: SKIPPED: no python3"
	exit 77
fi

work=$(mktemp -d)
svc=
cleanup() {
	[ -n "$svc" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "demo: FAIL: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
show() { sed 's/^/   /' "$@"; }

mkdir -p "$work/app/profiles"
cp "$here/app.py" "$here/run-tests" "$work/app/"
cd "$work/app" || exit 1
# Byte-code files would make the first run write where later runs only read.
export PYTHONDONTWRITEBYTECODE=1
unset DEMO_NEW_FEATURE

# start_service [scmplog exec --profile P --]: the service on a free port, $port set.
start_service() {
	rm -f port.txt
	"$@" "$py" ./app.py --port 0 >port.txt 2>service.err &
	svc=$!
	for _ in $(seq 1 100); do
		[ -s port.txt ] && break
		kill -0 "$svc" 2>/dev/null || { show service.err; fail "the service did not start"; }
		sleep 0.1
	done
	port=$(head -n 1 port.txt)
	case $port in '' | *[!0-9]*) fail "the service printed no port" ;; esac
}
stop_service() {
	kill "$svc" 2>/dev/null
	wait "$svc" 2>/dev/null
	svc=
}

step "1. the service's tests pass, without a profile"
"$py" ./run-tests >tests.out || { show tests.out; fail "the tests fail without a profile"; }
tail -n 1 tests.out | show

ci="$here/../../packaging/ci/seccomp-ci.sh"
export PROFILE=profiles/app.json NEW=seccomp-new.json REPORT_DIR=seccomp-report
unset GITHUB_ACTIONS GITLAB_CI

step "2. learn: seccomp-ci.sh learn -- ./run-tests  (scmplog run -o $NEW -- ./run-tests)"
bash "$ci" learn -- "$py" ./run-tests >tests.out 2>learn.err || { show tests.out learn.err; fail "learning failed"; }
show learn.err
bash "$ci" gate >gate.out
rc=$?
show gate.out
[ "$rc" -eq 1 ] || fail "the gate exited $rc without a committed profile, expected 1"
bash "$ci" update | show
n=$(python3 -c 'import json,sys; print(sum(len(r["names"]) for r in json.load(open(sys.argv[1]))["syscalls"]))' "$PROFILE")
echo "   $PROFILE allows $n syscalls (the profile's first commit)"
for s in clone clone3 fork vfork; do
	grep -q "\"$s\"" "$PROFILE" && fail "the learned profile allows $s: the tests must not spawn processes"
done
echo "   none of clone, clone3, fork, vfork: the service never starts a process in its tests"

step "3. the next push: learn with --merge $PROFILE, gate with scmplog diff (nothing new: passes)"
bash "$ci" learn -- "$py" ./run-tests >tests.out 2>learn.err || { show tests.out learn.err; fail "learning with --merge failed"; }
bash "$ci" gate >gate.out
rc=$?
show gate.out
[ "$rc" -eq 0 ] || fail "the gate exited $rc, expected 0 (no new syscalls)"

step "4. a change needs a new syscall (GET /disk calls statvfs): the gate fails and says why"
DEMO_NEW_FEATURE=1 bash "$ci" learn -- "$py" ./run-tests >tests.out 2>learn.err ||
	{ show tests.out learn.err; fail "learning the new feature failed"; }
bash "$ci" gate >gate.out
rc=$?
show gate.out
[ "$rc" -eq 1 ] || fail "the gate exited $rc, expected 1 (statfs is new)"
grep -q "^+ .*: statfs$" gate.out || fail "the diff does not name statfs"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["differ"] and d["syscalls"]["statfs"]["group"] == "@file-system"' \
	seccomp-report/diff.json || fail "diff --format json"
echo "   the workflow fails here; with SECCOMP_PROFILE_UPDATE=commit it commits the new profile:"
bash "$ci" update | show
bash "$ci" gate >/dev/null || fail "the gate still fails after the update"

step "5. enforce: seccomp-ci.sh enforce -- ./run-tests  (scmplog exec --profile $NEW -- ./run-tests)"
DEMO_NEW_FEATURE=1 bash "$ci" enforce -- "$py" ./run-tests >tests.out 2>exec.err ||
	{ show tests.out exec.err; fail "the tests fail under the learned profile"; }
tail -n 1 tests.out | show

step "6. the hole, without a profile: POST /command {\"echo\": \"hello; id > MARKER\"}"
marker="$work/pwned"
start_service
"$py" ./run-tests --url "http://127.0.0.1:$port" --attack "$marker" | show
stop_service
[ -s "$marker" ] || fail "the injection did not work without a profile: the demo proves nothing"
echo "   the shell ran: $(cat "$marker")"
rm -f "$marker"

step "7. the hole, under the profile: the service still works, the shell never starts"
start_service "$SCMPLOG" exec --log-denied --profile profiles/app.json --
"$py" ./run-tests --url "http://127.0.0.1:$port" >tests.out || { show tests.out service.err; fail "the enforced service fails its tests"; }
tail -n 1 tests.out | show
"$py" ./run-tests --url "http://127.0.0.1:$port" --attack "$marker" >attack.out
show attack.out
kids=$(pgrep -P "$svc" | wc -l)
kill -0 "$svc" 2>/dev/null || fail "the enforced service died"
stop_service
[ -e "$marker" ] && fail "the injection ran under the profile: $(cat "$marker")"
grep -q '"error": "\[Errno 1\] Operation not permitted"' attack.out ||
	fail "the attack was not refused with EPERM"
[ "$kids" -eq 0 ] || fail "the enforced service has $kids child processes"
echo "   no marker file, no child process: fork/clone/vfork are not in the profile (EPERM)"

echo
echo "demo: all steps passed"
