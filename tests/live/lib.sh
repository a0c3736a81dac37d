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
# The test's cleanup at exit, in this order: the background processes named
# in STOP (the names of the variables holding their pids; a test empties the
# variable of one it has waited for itself) get SIGTERM and are waited for;
# cleanup_test runs, if the test defines it, with the test's exit status as $1
# (a fail in it exits 1 there and then); the containers of runc-lib.sh's tests
# go (ctr_cleanup); $TMP goes.
STOP=""
live_cleanup() {
	local rc=$? v
	for v in $STOP; do
		[ -n "${!v:-}" ] && kill -TERM "${!v}" 2>/dev/null && wait "${!v}" 2>/dev/null
	done
	declare -F cleanup_test >/dev/null && cleanup_test "$rc"
	declare -F ctr_cleanup >/dev/null && ctr_cleanup
	rm -rf "$TMP"
	exit $rc
}
trap live_cleanup EXIT
# wait_contains FILE TEXT SECS: up to SECS seconds for TEXT to appear in FILE (a
# running process's messages); else FILE is shown and the test fails
wait_contains() {
	local i
	for i in $(seq $(($3 * 10))); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	cat "$1"
	fail "'$1' lacks '$2' after $3 s"
}
# collector_ready ERRFILE [N]: up to 30 s until `scmplog collect -v` writing to ERRFILE
# says it is collecting (the N-th time, for a file several runs append to): from then on
# records are read, and a SIGTERM still reads what the kernel queued before it
collector_ready() {
	local i
	for i in $(seq 300); do
		[ "$(grep -c '^scmplog: collecting ' "$1" 2>/dev/null)" -ge "${2:-1}" ] && return 0
		sleep 0.1
	done
	cat "$1"
	fail "'$1': the collector was not collecting after 30 s"
}
# cgroups_remove DIR: the test's cgroup DIR and its c* children (for cleanup traps)
cgroups_remove() {
	local d
	for d in "$1"/c*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rmdir "$1" 2>/dev/null
}
# syscall names of a profile (all "names" arrays), sorted
profile_names() { python3 -c 'import json,sys
p=json.load(open(sys.argv[1]))
print("\n".join(sorted({n for r in p["syscalls"] for n in r["names"]})))' "$1"; }

# A journald of the test's own, volatile storage under /run, for the journal
# tests.  journald_need: skip unless no journald runs or ran here.
# journald_start 'Key=value\n...': start it with those [Journal] settings.
# journald_stop (from the test's cleanup): stop it by pid and remove what it
# created, the parent directories included when they were not there before.
journald_need() {
	local d
	[ -x /lib/systemd/systemd-journald ] || fail "systemd-journald is missing (package systemd)"
	for d in /run/systemd/journal /run/systemd/journald.conf.d /run/log/journal; do
		[ -e "$d" ] && skip "$d exists: a journald runs (or ran) here; this test starts its own"
	done
	JOURNALD_MADE=()
	for d in /run/log /run/systemd; do [ -e "$d" ] || JOURNALD_MADE+=("$d"); done
	JOURNALD_OURS=1
}
journald_start() {
	local i
	mkdir -p /run/systemd/journald.conf.d
	# shellcheck disable=SC2059
	printf "[Journal]\n$1\n" >/run/systemd/journald.conf.d/scmplog-test.conf
	/lib/systemd/systemd-journald >"$TMP/journald.out" 2>&1 &
	JOURNALD_PID=$!
	for i in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.2; done
	[ -S /run/systemd/journal/socket ] || { cat "$TMP/journald.out"; fail "journald did not start"; }
	sleep 2 # it copies the kernel's ring buffer first
}
journald_stop() {
	local i d
	[ "${JOURNALD_OURS:-0}" = 1 ] || return 0
	if [ -n "${JOURNALD_PID:-}" ]; then
		kill -TERM "$JOURNALD_PID" 2>/dev/null
		for i in $(seq 50); do kill -0 "$JOURNALD_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$JOURNALD_PID" 2>/dev/null
		wait "$JOURNALD_PID" 2>/dev/null
		JOURNALD_PID=
	fi
	rm -rf /run/systemd/journal /run/systemd/journald.conf.d /run/log/journal
	for d in "${JOURNALD_MADE[@]}"; do rmdir "$d" 2>/dev/null; done
}
# Docker, for the tests of the README's Docker flow.  docker_need: docker.io
# installed (apt-get when missing), a dockerd answering (started here when none
# runs); it skips, loudly, only when docker cannot be installed or started.
# docker_done (from the test's cleanup) stops dockerd only if docker_need
# started it: a dockerd someone else runs is left alone.
docker_need() {
	local i
	if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >"$TMP/apt.log" 2>&1 ||
			skip "SKIP, NOT TESTED: docker.io cannot be installed here: $(tail -n 1 "$TMP/apt.log")"
	fi
	docker info >/dev/null 2>&1 && return 0
	if ! pgrep -x dockerd >/dev/null; then
		# without the descriptors above 2: a dockerd holding the live tests' lock
		# would stop every later test, should docker_done not run
		(
			for fd in /proc/self/fd/*; do
				fd=${fd##*/}
				[ "$fd" -gt 2 ] && eval "exec $fd>&-"
			done 2>/dev/null
			exec dockerd >"$TMP/dockerd.log" 2>&1 </dev/null
		) &
		DOCKERD_PID=$!
	fi
	for i in $(seq 240); do
		docker info >/dev/null 2>&1 && return 0
		[ -z "${DOCKERD_PID:-}" ] || kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.5
	done
	skip "SKIP, NOT TESTED: dockerd does not start here: $(tail -n 2 "$TMP/dockerd.log" 2>/dev/null)"
}
docker_done() {
	local i
	[ -n "${DOCKERD_PID:-}" ] || return 0
	kill -TERM "$DOCKERD_PID" 2>/dev/null
	for i in $(seq 300); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$DOCKERD_PID" 2>/dev/null
	DOCKERD_PID=
}
# systemd (this machine's) as PID 1 in a podman container (runc) whose root is
# an overlay of the host's /, for the tests that systemd applies our drop-ins.
# systemd_pid1_need NAME: skips without podman, runc or systemd; mounts the
# overlay at $SYSTEMD_ROOT (unit files go to $SYSTEMD_ROOT/etc/systemd/system).
# systemd_pid1_start UNIT: boots systemd with UNIT and waits, bounded, until
# UNIT is active; in_c runs a command in the container.  systemd_pid1_done
# (from the test's cleanup) removes the container and the overlay.
systemd_pid1_need() {
	command -v podman >/dev/null || skip "no podman"
	command -v runc >/dev/null || skip "no runc"
	[ -x /lib/systemd/systemd ] || skip "no /lib/systemd/systemd"
	SYSTEMD_NAME=$1-$$
	SYSTEMD_OVL=$TMP/systemd-root
	mkdir -p "$SYSTEMD_OVL/upper" "$SYSTEMD_OVL/work" "$SYSTEMD_OVL/merged"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$SYSTEMD_OVL/upper,workdir=$SYSTEMD_OVL/work" "$SYSTEMD_OVL/merged" ||
		skip "cannot mount an overlay of /"
	SYSTEMD_ROOT=$SYSTEMD_OVL/merged
}
in_c() { podman exec "$SYSTEMD_NAME" "$@"; }
systemd_pid1_start() {
	local i
	# --ulimit: podman's default nofile exceeds this host's hard limit; the
	# tmpfs mounts without copy-up: the host's /tmp and /run are not the container's
	podman run -d --name "$SYSTEMD_NAME" --runtime runc --systemd=always \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--mount type=tmpfs,destination=/tmp,notmpcopyup --mount type=tmpfs,destination=/run,notmpcopyup \
		--rootfs "$SYSTEMD_ROOT" /lib/systemd/systemd --unit="$1" >"$TMP/podman.out" 2>&1 ||
		{ cat "$TMP/podman.out"; fail "cannot start systemd in a container"; }
	for i in $(seq 600); do
		[ "$(in_c systemctl is-active "$1" 2>/dev/null)" = active ] && return 0
		sleep 0.1
	done
	in_c systemctl status --no-pager "$1"
	fail "systemd in the container did not start $1 in 60 s"
}
systemd_pid1_done() {
	[ -n "${SYSTEMD_NAME:-}" ] && podman rm -f "$SYSTEMD_NAME" >/dev/null 2>&1
	[ -n "${SYSTEMD_OVL:-}" ] && mountpoint -q "$SYSTEMD_OVL/merged" && umount "$SYSTEMD_OVL/merged"
	return 0
}
