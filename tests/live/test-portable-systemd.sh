#!/usr/bin/env bash
# --portable in systemd form: SystemCallFilter=~NAME:ENOSYS after the allow
# list answers NAME with ENOSYS (systemd 248+).  test-portable's workload,
# learned behind an inner filter that answers ENOSYS for clone3, statx, openat2
# and faccessat2, runs as a oneshot service of systemd (this machine's, 252, as
# PID 1 in a podman container whose root is an overlay of the host's /, as in
# test-systemd-dropin) under the -f systemd drop-in: it fails without
# --portable (glibc gets EPERM for clone3) and runs with it.
. "$(dirname "$0")/lib.sh"
command -v podman >/dev/null || skip "no podman"
command -v runc >/dev/null || skip "no runc"
[ -x /lib/systemd/systemd ] || skip "no /lib/systemd/systemd"
R=$TMP/root
name=scmplog-portable-$$
cleanup() {
	local rc=$?
	podman rm -f "$name" >/dev/null 2>&1
	mountpoint -q "$R/merged" && umount "$R/merged"
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT

build_helper enosys-exec -lseccomp
build_helper portable-work -lpthread
# shellcheck disable=SC2086
expect_rc 0 "$SCMPLOG" run -q -o "$TMP/old.json" -- "$TMP/enosys-exec" clone3 statx openat2 faccessat2 -- "$TMP/portable-work"
expect_rc 0 "$SCMPLOG" merge -q -f systemd -o "$TMP/plain.conf" "$TMP/old.json"
expect_rc 0 "$SCMPLOG" merge -q --portable -f systemd -o "$TMP/port.conf" "$TMP/old.json"
contains "$TMP/port.conf" "SystemCallFilter=~clone3:ENOSYS"
lacks "$TMP/plain.conf" "~clone3"

mkdir -p "$R/upper" "$R/work" "$R/merged"
mount -t overlay overlay -o "lowerdir=/,upperdir=$R/upper,workdir=$R/work" "$R/merged" ||
	skip "cannot mount an overlay of /"
cp "$TMP/portable-work" "$R/merged/usr/local/bin/scmplog-portable-work"
U=$R/merged/etc/systemd/system
for u in plain port; do
	mkdir -p "$U/$u-work.service.d"
	printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/scmplog-portable-work /etc/hostname\nStandardOutput=file:/run/%%N.out\nStandardError=file:/run/%%N.err\n' \
		>"$U/$u-work.service"
	cp "$TMP/$u.conf" "$U/$u-work.service.d/scmplog.conf"
done
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' >"$U/idle.service"
podman run -d --name "$name" --runtime runc --systemd=always \
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	--mount type=tmpfs,destination=/tmp,notmpcopyup --mount type=tmpfs,destination=/run,notmpcopyup \
	--rootfs "$R/merged" /lib/systemd/systemd --unit=idle.service >"$TMP/podman.out" 2>&1 ||
	{ cat "$TMP/podman.out"; fail "cannot start systemd in a container"; }
in_c() { podman exec "$name" "$@"; }
for _ in $(seq 300); do
	[ "$(in_c systemctl is-active idle.service 2>/dev/null)" = active ] && break
	sleep 0.1
done
[ "$(in_c systemctl is-active idle.service 2>/dev/null)" = active ] || fail "systemd did not start in the container"
in_c systemctl start plain-work.service && fail "plain-work.service succeeded: clone3 was not refused with EPERM"
in_c cat /run/plain-work.err >"$TMP/plain.err"
contains "$TMP/plain.err" "pthread_create: Operation not permitted"
in_c systemctl start port-work.service || { in_c cat /run/port-work.err; fail "port-work.service failed under the --portable drop-in"; }
in_c cat /run/port-work.out >"$TMP/port.out"
contains "$TMP/port.out" "portable-work: ok"
audit_check
echo ok
