#!/usr/bin/env bash
# --portable in systemd form: SystemCallFilter=~NAME:ENOSYS after the allow
# list answers NAME with ENOSYS (systemd 248+).  test-portable's workload,
# learned behind an inner filter that answers ENOSYS for clone3, statx, openat2
# and faccessat2, runs as a oneshot service of systemd (this machine's, 252, as
# PID 1 in a podman container whose root is an overlay of the host's /, as in
# test-systemd-dropin) under the -f systemd drop-in: it fails without
# --portable (glibc gets EPERM for clone3) and runs with it.
. "$(dirname "$0")/lib.sh"
cleanup_test() {
	systemd_pid1_done
}

build_helper enosys-exec -lseccomp
build_helper portable-work -lpthread
# shellcheck disable=SC2086
expect_rc 0 "$SCMPLOG" run -q -o "$TMP/old.json" -- "$TMP/enosys-exec" clone3 statx openat2 faccessat2 -- "$TMP/portable-work"
expect_rc 0 "$SCMPLOG" merge -q -f systemd -o "$TMP/plain.conf" "$TMP/old.json"
expect_rc 0 "$SCMPLOG" merge -q --portable -f systemd -o "$TMP/port.conf" "$TMP/old.json"
contains "$TMP/port.conf" "SystemCallFilter=~clone3:ENOSYS"
lacks "$TMP/plain.conf" "~clone3"

systemd_pid1_need scmplog-portable
cp "$TMP/portable-work" "$SYSTEMD_ROOT/usr/local/bin/scmplog-portable-work"
U=$SYSTEMD_ROOT/etc/systemd/system
for u in plain port; do
	mkdir -p "$U/$u-work.service.d"
	printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/scmplog-portable-work /etc/hostname\nStandardOutput=file:/run/%%N.out\nStandardError=file:/run/%%N.err\n' \
		>"$U/$u-work.service"
	cp "$TMP/$u.conf" "$U/$u-work.service.d/scmplog.conf"
done
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' >"$U/idle.service"
systemd_pid1_start idle.service
in_c systemctl start plain-work.service && fail "plain-work.service succeeded: clone3 was not refused with EPERM"
in_c cat /run/plain-work.err >"$TMP/plain.err"
contains "$TMP/plain.err" "pthread_create: Operation not permitted"
in_c systemctl start port-work.service || { in_c cat /run/port-work.err; fail "port-work.service failed under the --portable drop-in"; }
in_c cat /run/port-work.out >"$TMP/port.out"
contains "$TMP/port.out" "portable-work: ok"
audit_check
echo ok
