#!/usr/bin/env bash
# --source kmsg: records come through printk, whose rate limit drops most of
# them; the drops ("callbacks suppressed") are reported as loss: exit 1, or the
# command's status with --allow-loss.
. "$(dirname "$0")/lib.sh"
pid=$(audit_pid)
[ "$pid" = 0 ] || skip "an audit daemon (pid $pid) is registered: records do not reach /dev/kmsg"
[ -r /dev/kmsg ] || skip "/dev/kmsg is not readable"

# Let the printk rate limit interval (5 s) run out first.
sleep 6
expect_rc 0 "$SCMPLOG" run -v --source kmsg --allow-loss -o "$TMP/k.json" -- true
cat "$TMP/err"
contains "$TMP/err" "read from /dev/kmsg"
grep -qx execve <(profile_names "$TMP/k.json") || fail "no execve learned through kmsg"
if grep -q " 0 lost" "$TMP/err"; then
	echo "NOTE: nothing suppressed this time"
else
	contains "$TMP/err" "suppressed by printk"
	contains "$TMP/err" "the profile may be incomplete"
fi

# A burst: loss is certain and makes the run fail without --allow-loss.
build_helper getppid-loop
expect_rc 1 "$SCMPLOG" run --source kmsg -o "$TMP/k2.json" -- "$TMP/getppid-loop" 2000
cat "$TMP/err"
contains "$TMP/err" "the profile may be incomplete (exit status 1; --allow-loss to accept)"
audit_check
