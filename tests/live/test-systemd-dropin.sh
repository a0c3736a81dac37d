#!/usr/bin/env bash
# systemd applies `-f systemd` output: systemd (this machine's, 252) runs as
# PID 1 in a podman container (runc) whose root is an overlay of the host's /,
# and starts services with the drop-in as written.  The profile is learned
# from /bin/sleep (scmplog run), plus write: under it sleep runs with no_new_privs and
# systemd's filters, and mkdir(2) is refused with EPERM; the same lines without
# the [Service] header (the old output) leave the service unconfined, and
# mkdir succeeds.
. "$(dirname "$0")/lib.sh"
cleanup_test() {
	systemd_pid1_done
}

expect_rc 0 "$SCMPLOG" run -q -o "$TMP/sleep.json" -- /bin/sleep 0.1
# and write(2), for mkdir's error message
printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["write"], "action": "SCMP_ACT_ALLOW"}]}\n' >"$TMP/write.json"
expect_rc 0 "$SCMPLOG" merge -q -f systemd -o "$TMP/sleep.conf" "$TMP/sleep.json" "$TMP/write.json"
grep -qx 'SystemCallFilter=.*mkdir.*' "$TMP/sleep.conf" && fail "sleep's profile allows mkdir"

systemd_pid1_need scmplog-dropin
U=$SYSTEMD_ROOT/etc/systemd/system
for u in new old; do
	mkdir -p "$U/$u-sleep.service.d" "$U/$u-mkdir.service.d"
	printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' >"$U/$u-sleep.service"
	printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/mkdir /run/proof-%%N\nStandardError=file:/run/%%N.err\n' \
		>"$U/$u-mkdir.service"
done
for s in sleep mkdir; do
	cp "$TMP/sleep.conf" "$U/new-$s.service.d/scmplog.conf"
	grep -vx '\[Service\]' "$TMP/sleep.conf" >"$U/old-$s.service.d/scmplog.conf"
done
systemd_pid1_start new-sleep.service
in_c systemctl start old-sleep.service || fail "old-sleep.service did not start"
in_c systemctl start old-mkdir.service || fail "old-mkdir.service failed: mkdir without a filter"
in_c systemctl start new-mkdir.service && fail "new-mkdir.service succeeded: the drop-in was not applied"
status() { # status UNIT: its main process's /proc status lines
	local pid
	pid=$(in_c systemctl show -p MainPID --value "$1")
	[ -n "$pid" ] && [ "$pid" != 0 ] || { in_c systemctl status --no-pager "$1"; fail "$1 is not running"; }
	in_c grep -E '^(NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$pid/status" >"$TMP/$1.status"
}
status new-sleep.service
status old-sleep.service
contains "$TMP/new-sleep.service.status" "NoNewPrivs:	1"
contains "$TMP/old-sleep.service.status" "NoNewPrivs:	0"
# podman's own filter is one; systemd adds its own (one per architecture)
nf=$(awk '$1 == "Seccomp_filters:" { print $2 }' "$TMP/new-sleep.service.status")
of=$(awk '$1 == "Seccomp_filters:" { print $2 }' "$TMP/old-sleep.service.status")
[ "$nf" -gt "$of" ] || fail "new-sleep has $nf seccomp filters, old-sleep $of: systemd installed none"
in_c cat /run/new-mkdir.err >"$TMP/new-mkdir.err"
contains "$TMP/new-mkdir.err" "Operation not permitted"
in_c test -d /run/proof-old-mkdir || fail "old-mkdir made no directory"
in_c test -d /run/proof-new-mkdir && fail "new-mkdir made its directory"
audit_check
