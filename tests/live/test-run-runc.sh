#!/usr/bin/env bash
# Isolation against a real container: a runc container under the
# log-everything profile makes syscalls CMD never makes (mkdir, rmdir) while a
# `scmplog run` learns CMD.  The container's records are in the kernel's
# stream at the time (explain --follow --all sees them), and none is in run's
# profile.  The container is removed even when the test fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc-lib.sh"

RUNC_IDS=ctr-noise
follower=
ctr=
STOP=follower WAIT=ctr

"$SCMPLOG" log-profile >"$TMP/log.json" || fail "log-profile"
bundle noise 'echo started; while :; do mkdir /tmp/d; rmdir /tmp/d; sleep 0.05; done' "$TMP/log.json"

# everything the kernel logs meanwhile, by program
"$SCMPLOG" explain -v --all --follow --source multicast >"$TMP/follow.out" 2>"$TMP/follow.err" & follower=$!
for i in $(seq 100); do grep -q collecting "$TMP/follow.err" && break; sleep 0.1; done
grep -q collecting "$TMP/follow.err" || { cat "$TMP/follow.err"; fail "explain --follow did not start"; }

run_ctr ctr-noise noise & ctr=$!
for i in $(seq 100); do grep -q started "$TMP/ctr-noise.out" 2>/dev/null && break; sleep 0.1; done
grep -q started "$TMP/ctr-noise.out" || { cat "$TMP/ctr-noise.out"; fail "the container did not start"; }

expect_rc 0 "$SCMPLOG" run -v -o "$TMP/a.json" -- sh -c 'sleep 1; cat /etc/hostname >/dev/null; sleep 1'
cat "$TMP/err"
runc --root "$STATE" state ctr-noise 2>/dev/null | grep -q '"status": "running"' ||
	{ cat "$TMP/ctr-noise.out"; fail "the container was not running all along"; }

kill -INT "$follower"
wait "$follower" || { cat "$TMP/follow.err"; fail "explain --follow failed"; }
follower=
# The container logged mkdir and rmdir while run learned ...
awk '/^\/bin\/busybox/ { on = 1; next } /^$/ { on = 0 } on' "$TMP/follow.out" >"$TMP/busybox.rows"
grep -Eq '^  (mkdir|mkdirat) ' "$TMP/busybox.rows" && grep -Eq '^  rmdir|^  unlinkat' "$TMP/busybox.rows" ||
	{ cat "$TMP/follow.out"; fail "no mkdir/rmdir records of the container while run learned"; }
# ... and none of it is in run's profile, which has what CMD did.
names=$(profile_names "$TMP/a.json")
grep -qx clock_nanosleep <<<"$names" || fail "a.json lacks clock_nanosleep (sleep)"
grep -Eqx 'mkdir|mkdirat|rmdir' <<<"$names" && fail "the container's syscalls leaked into run's profile: $(grep -Ex 'mkdir|mkdirat|rmdir' <<<"$names" | tr '\n' ' ')"
contains "$TMP/err" " 0 lost"
audit_check
