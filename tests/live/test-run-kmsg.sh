#!/usr/bin/env bash
# --source kmsg: records come through printk, whose rate limit drops most of
# them; the drops ("callbacks suppressed") are reported as loss: exit 1, or the
# command's status with --allow-loss.
. "$(dirname "$0")/lib.sh"
pid=$(audit_pid)
if [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
	skip "SKIPPED, NOT PASSED: a real audit daemon ($(cat /proc/$pid/comm 2>/dev/null), pid $pid) is registered: records do not reach /dev/kmsg (CI has no auditd, so this runs there)"
fi
[ -r /dev/kmsg ] || skip "SKIPPED, NOT PASSED: /dev/kmsg is not readable"

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

# A burst far beyond printk's 10 records per 5 s: suppression is certain, is
# reported as such, and makes the run fail without --allow-loss.  The count is
# exactly what the kernel announced ("kauditd_printk_skb: N callbacks
# suppressed") while the run read, and with what was read covers the burst.
build_helper getppid-loop
# the kernel log's last sequence number, and the announcements after SEQ
kmsg_seq() { python3 - "$@" <<'PYEOF'
import os, re, sys
after = int(sys.argv[1]) if len(sys.argv) > 1 else None
fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
last, total = 0, 0
while True:
    try:
        rec = os.read(fd, 8192).decode(errors="replace")
    except BlockingIOError:
        break
    except BrokenPipeError:
        continue
    head, _, msg = rec.partition(";")
    seq = int(head.split(",")[1])
    last = max(last, seq)
    m = re.match(r"kauditd_printk_skb: (\d+) callbacks suppressed", msg)
    if after is not None and seq > after and m:
        total += int(m.group(1))
print(total if after is not None else last)
PYEOF
}
N=5000
seq0=$(kmsg_seq)
expect_rc 1 "$SCMPLOG" run --source kmsg --stats "$TMP/k2s.json" -o "$TMP/k2.json" -- "$TMP/getppid-loop" $N
cat "$TMP/err"
announced=$(kmsg_seq "$seq0")
contains "$TMP/err" "the profile may be incomplete (exit status 1; --allow-loss to accept)"
sup=$(sed -nE 's/^scmplog: warning: lost: kernel lost counter \+0 \(system-wide\), 0 serial gaps, 0 receive overflows, ([0-9]+) suppressed by printk$/\1/p' "$TMP/err")
[ -n "$sup" ] && [ "$sup" -gt 0 ] || fail "the loss is not reported as printk suppression"
[ "$sup" = "$announced" ] || fail "reported $sup suppressed by printk, the kernel announced $announced"
read -r n lost <<<"$(sed -nE 's/^scmplog: ([0-9]+) records of .* ([0-9]+) lost.*/\1 \2/p' "$TMP/err")"
[ "$lost" = "$sup" ] || fail "$lost lost, $sup of them suppressed: where is the rest from?"
[ $((n + sup)) -ge $N ] || fail "read $n + suppressed $sup < $N"
audit_check
