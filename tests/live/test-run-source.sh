#!/usr/bin/env bash
# --source given explicitly.  daemon, with the slot free: scmplog is the
# registered audit daemon while CMD runs, with the backlog limit and wait time
# raised, and everything is put back after.  multicast: nobody registers, both
# with the slot free and beside a registered daemon.  -v names the receive
# buffer the kernel really set (SO_RCVBUFFORCE doubles the request), which ss
# shows on the socket while CMD runs.
. "$(dirname "$0")/lib.sh"
pid=$(audit_pid)
if [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
	skip "SKIPPED, NOT PASSED: a real audit daemon ($(cat /proc/$pid/comm 2>/dev/null), pid $pid) holds the slot; --source daemon needs it free (CI has no auditd, so this runs there)"
fi
command -v ss >/dev/null || fail "ss (iproute2) is missing"
build_helper fake-auditd
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
old_limit=$(auditctl -s | awk '$1 == "backlog_limit" { print $2 }')
old_wait=$(auditctl -s | awk '$1 == "backlog_wait_time" { print $2 }')
want_limit=$((old_limit == 0 || old_limit > 65536 ? old_limit : 65536))
want_wait=$((old_wait > 60000 ? old_wait : 60000))

# CMD reports the kernel's audit status and its parent (scmplog) while it runs.
probe() { echo "auditctl -s >$TMP/during.$1; echo \$PPID >$TMP/ppid.$1; ls / >/dev/null"; }

# --source daemon, slot free
expect_rc 0 "$SCMPLOG" run -v --source daemon -o "$TMP/d.json" -- sh -c "$(probe d)"
cat "$TMP/err"
contains "$TMP/err" "collecting as the audit daemon (backlog limit $old_limit -> $want_limit, wait time $old_wait -> $want_wait for the run)"
contains "$TMP/err" "read as the audit daemon"
contains "$TMP/err" " 0 lost"
contains "$TMP/err" "receive buffer 134217728 bytes"
[ "$(field pid "$TMP/during.d")" = "$(cat "$TMP/ppid.d")" ] ||
	{ cat "$TMP/during.d"; fail "scmplog (pid $(cat "$TMP/ppid.d")) was not the registered audit daemon while CMD ran"; }
[ "$(field backlog_limit "$TMP/during.d")" = "$want_limit" ] || { cat "$TMP/during.d"; fail "backlog_limit not raised during the run"; }
[ "$(field backlog_wait_time "$TMP/during.d")" = "$want_wait" ] || { cat "$TMP/during.d"; fail "backlog_wait_time not raised during the run"; }
grep -qx getdents64 <(profile_names "$TMP/d.json") || fail "the daemon run learned nothing useful"
[ "$(audit_status)" = "$AUDIT_BEFORE" ] || audit_check

# --source multicast, slot free: nobody registers, nothing is raised
expect_rc 0 "$SCMPLOG" run -v --source multicast -o "$TMP/m.json" -- sh -c "$(probe m)"
cat "$TMP/err"
contains "$TMP/err" "collecting from audit multicast"
lacks "$TMP/err" "slot is held"
contains "$TMP/err" "read from audit multicast"
contains "$TMP/err" " 0 lost"
[ "$(field pid "$TMP/during.m")" = 0 ] || { cat "$TMP/during.m"; fail "someone registered during a multicast run"; }
[ "$(field backlog_limit "$TMP/during.m")" = "$old_limit" ] || fail "a multicast run changed backlog_limit"
[ "$(field backlog_wait_time "$TMP/during.m")" = "$old_wait" ] || fail "a multicast run changed backlog_wait_time"
grep -qx getdents64 <(profile_names "$TMP/m.json") || fail "the multicast run learned nothing useful"
same <(profile_names "$TMP/d.json") <(profile_names "$TMP/m.json")

# The receive buffer: what the kernel set is twice the request, on the socket itself.
expect_rc 0 "$SCMPLOG" run -v --source multicast --rcvbuf 1234567 -o "$TMP/r.json" -- \
	sh -c "ss -f netlink -m >$TMP/ss.out; ls / >/dev/null"
cat "$TMP/err"
contains "$TMP/err" "receive buffer 2469134 bytes"
grep -A1 '^[0-9].* audit:' "$TMP/ss.out" | grep -q 'rb2469134\b' ||
	{ cat "$TMP/ss.out"; fail "no audit netlink socket with a 2469134-byte receive buffer while the run read"; }

# --source multicast beside a registered daemon: it stays the daemon
"$TMP/fake-auditd" >"$TMP/fake.out" 2>"$TMP/fake.err" & fake=$!
trap 'kill $fake 2>/dev/null; wait $fake; rm -rf "$TMP"' EXIT
for i in $(seq 50); do grep -q ready "$TMP/fake.out" && break; sleep 0.1; done
grep -q ready "$TMP/fake.out" || { cat "$TMP/fake.err"; fail "fake-auditd did not register"; }
expect_rc 0 "$SCMPLOG" run -v --source multicast -o "$TMP/m2.json" -- sh -c "$(probe m2)"
cat "$TMP/err"
contains "$TMP/err" "collecting from audit multicast"
contains "$TMP/err" "read from audit multicast"
contains "$TMP/err" " 0 lost"
[ "$(field pid "$TMP/during.m2")" = "$fake" ] || { cat "$TMP/during.m2"; fail "the registered daemon was displaced"; }
same <(profile_names "$TMP/d.json") <(profile_names "$TMP/m2.json")
kill $fake; wait $fake || { cat "$TMP/fake.err"; fail "fake-auditd failed to unregister"; }
trap 'rm -rf "$TMP"' EXIT
audit_check
