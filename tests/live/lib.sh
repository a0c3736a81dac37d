# Sourced by tests/live/test-*.sh: tests/cli/lib.sh plus kernel helpers.
# shellcheck shell=bash
. "${CLI_DIR:?}/lib.sh"
: "${SCMPLOG:?set SCMPLOG}"
skip() { echo "$*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "not root"
grep -qw log /proc/sys/kernel/seccomp/actions_logged 2>/dev/null || skip "'log' is not in /proc/sys/kernel/seccomp/actions_logged"
command -v auditctl >/dev/null || fail "auditctl (auditd package) is not installed: sudo sh tests/install-deps.sh"

# Live suites of different sessions would trip over each other's audit
# daemon and settings: one at a time, machine-wide.
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || skip "another live test run holds /run/scmplog-live-tests.lock"

# The audit settings scmplog may change, one "key value" per line.
audit_status() { auditctl -s | awk '$1 == "pid" || $1 == "enabled" || $1 == "backlog_limit" || $1 == "backlog_wait_time" { print $1, $2 }'; }
audit_pid() { auditctl -s | awk '$1 == "pid" { print $2 }'; }

# Compile a helper from tests/live/NAME.c into $TMP/NAME (extra gcc args after).
build_helper() {
	local name=$1; shift
	gcc -O2 -Wall -o "$TMP/$name" "$(dirname "${BASH_SOURCE[0]}")/$name.c" "$@" >"$TMP/gcc.err" 2>&1 ||
		{ cat "$TMP/gcc.err"; fail "cannot build helper $name"; }
}

# Every test: the audit status after equals the status before.  A change made
# by another audit daemon that came or went meanwhile (someone running auditd)
# is reported, not blamed on scmplog.
AUDIT_BEFORE=$(audit_status)
audit_check() {
	local after i pid comm
	for i in 1 2 3 4 5; do
		after=$(audit_status)
		[ "$after" = "$AUDIT_BEFORE" ] && return 0
		sleep 1
	done
	# Our runs have all ended; a scmplog still running is someone else's
	# (tests/demo.sh in another session): let it finish first.
	for i in $(seq 60); do
		pgrep -x scmplog >/dev/null || break
		[ "$i" = 1 ] && echo "NOTE: waiting for scmplog runs of another session: $(pgrep -x scmplog | tr '\n' ' ')"
		sleep 1
	done
	after=$(audit_status)
	[ "$after" = "$AUDIT_BEFORE" ] && return 0
	pid=$(audit_pid)
	if [ "$pid" != 0 ] && [ -r "/proc/$pid/comm" ]; then
		comm=$(cat "/proc/$pid/comm")
		if [ "$comm" != scmplog ]; then
			echo "NOTE: audit status changed by another daemon ($comm, pid $pid) during the test"
			return 0
		fi
	fi
	echo "--- audit status before"; echo "$AUDIT_BEFORE"; echo "--- after"; echo "$after"
	fail "the kernel's audit status was not restored"
}
trap 'rc=$?; rm -rf "$TMP"; exit $rc' EXIT
# syscall names of a profile (all "names" arrays), sorted
profile_names() { python3 -c 'import json,sys
p=json.load(open(sys.argv[1]))
print("\n".join(sorted({n for r in p["syscalls"] for n in r["names"]})))' "$1"; }
