#!/usr/bin/env bash
# The audit daemon slot is taken: auto chooses multicast by itself, and
# --source daemon fails clearly.  Then a burst read as multicast beside the
# daemon loses nothing (64 MiB receive buffer).
. "$(dirname "$0")/lib.sh"
build_helper fake-auditd
build_helper getppid-loop

fake=
real_daemon=
if [ "$(audit_pid)" = 0 ] || [ ! -d "/proc/$(audit_pid)" ]; then   # free, or held by a dead daemon
	"$TMP/fake-auditd" >"$TMP/fake.out" 2>"$TMP/fake.err" & fake=$!
	for i in $(seq 50); do grep -q ready "$TMP/fake.out" && break; sleep 0.1; done
	grep -q ready "$TMP/fake.out" || { cat "$TMP/fake.err"; kill $fake; fail "fake-auditd did not register"; }
	trap 'kill $fake 2>/dev/null; wait $fake; rm -rf "$TMP"' EXIT
else
	real_daemon="$(cat /proc/"$(audit_pid)"/comm 2>/dev/null), pid $(audit_pid)"
	echo "NOTE: the slot is already held by $real_daemon; testing beside it"
fi
held=$(audit_pid)
[ "$held" != 0 ] || fail "nobody holds the slot"

expect_rc 0 "$SCMPLOG" run -v -o "$TMP/a.json" -- ls /
cat "$TMP/err"
contains "$TMP/err" "collecting from audit multicast (the audit daemon slot is held by pid $held)"
contains "$TMP/err" "read from audit multicast"
contains "$TMP/err" " 0 lost"
grep -qx getdents64 <(profile_names "$TMP/a.json") || fail "multicast run learned nothing useful"

expect_rc 1 "$SCMPLOG" run --source daemon -o "$TMP/b.json" -- true
contains "$TMP/err" "another one is registered (pid $held)"
[ ! -e "$TMP/b.json" ] || fail "a profile was written"

if [ -n "$fake" ]; then
	expect_rc 0 "$SCMPLOG" run -o "$TMP/burst.json" -- "$TMP/getppid-loop" 200000
	cat "$TMP/err"
	contains "$TMP/err" "read from audit multicast"
	contains "$TMP/err" " 0 lost"
	# "0 lost" is only as good as the accounting: every syscall was read
	n=$(sed -nE 's/^scmplog: ([0-9]+) records of .*/\1/p' "$TMP/err")
	[ -n "$n" ] && [ "$n" -ge 200000 ] || fail "read $n records of a 200000-syscall burst and reported 0 lost"
	# A receive buffer far too small, and a reader that falls behind (stopped
	# for a second while the burst runs; a fast one can keep up even with 8 KiB):
	# the loss is seen (ENOBUFS, serial gaps), counted exactly, and fails the
	# run unless --allow-loss.
	"$SCMPLOG" run --rcvbuf 4096 -o "$TMP/small.json" -- sh -c "sleep 0.5; exec $TMP/getppid-loop 200000" \
		>"$TMP/out" 2>"$TMP/err" & small=$!
	sleep 0.3
	kill -STOP $small
	sleep 1.5
	kill -CONT $small
	wait $small; rc=$?
	cat "$TMP/err"
	[ "$rc" = 1 ] || fail "a lossy run exited $rc, expected 1"
	contains "$TMP/err" "the profile may be incomplete (exit status 1; --allow-loss to accept)"
	got=$(sed -nE 's/^scmplog: ([0-9]+) records of .* ([0-9]+) lost.*/\1 \2/p' "$TMP/err")
	read -r n lost <<<"$got"
	[ "$lost" -gt 0 ] || fail "no loss reported"
	# what was read plus what was lost is everything the command logged (at least the burst)
	[ $((n + lost)) -ge 200000 ] || fail "read $n + lost $lost < 200000"
	grep -Eq "[1-9][0-9]* serial gaps?, [1-9][0-9]* receive overflow" "$TMP/err" || fail "no gaps/overflows reported"
	expect_rc 0 "$SCMPLOG" run -q --allow-loss --rcvbuf 4096 -o "$TMP/small.json" -- "$TMP/getppid-loop" 200000
	kill $fake; wait $fake || { cat "$TMP/fake.err"; fail "fake-auditd failed to unregister"; }
	trap 'rm -rf "$TMP"' EXIT

	# A daemon killed with SIGKILL stays registered until a record fails to
	# reach it: auto sees the pid is gone and takes the slot over.
	"$TMP/fake-auditd" >"$TMP/fake.out" 2>"$TMP/fake.err" & fake=$!
	for i in $(seq 50); do grep -q ready "$TMP/fake.out" && break; sleep 0.1; done
	kill -KILL $fake; wait $fake 2>/dev/null
	expect_rc 0 "$SCMPLOG" run -v -o "$TMP/c.json" -- true
	cat "$TMP/err"
	contains "$TMP/err" "collecting as the audit daemon"
	[ "$(audit_pid)" = 0 ] || fail "the stale registration is still there"
fi
audit_check
# Parts that need the slot free were left out: say so rather than pass.
[ -z "$real_daemon" ] || skip "SKIPPED IN PART, NOT PASSED: the multicast burst beside a daemon, the --rcvbuf loss and the stale-daemon takeover need a fake daemon in a free slot; $real_daemon holds it (CI has no auditd, so they run there)"
