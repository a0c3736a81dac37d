#!/usr/bin/env bash
# scmplog collect --follow-file reads what build reads: a growing `journalctl -o export`
# file, appended in pieces cut inside entries and inside a binary field, gives build's
# profile (entries assembled, the host from _HOSTNAME, journald's two copies once), and
# printk's "callbacks suppressed" lines count as lost, as build counts them.  No root.
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
E=$DATA/journal-export.txt
K=$DATA/dmesg.log
cd "$TMP" || exit 1

# piece FILE FROM TO: bytes [FROM, TO) of FILE to stdout
piece() {
	tail -c +"$(($2 + 1))" "$1" | head -c "$(($3 - $2))"
}

# The export text, cut inside an entry's MESSAGE and inside the 8 size bytes and the
# data of its binary field (_COMM), each piece read before the next is written.
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir whole "$E"
[ -f whole/vm.json ] || fail "fixture: build --split-by host wrote no vm.json: $(ls whole)"
bin=$(grep -abx '_COMM' "$E" | head -n 1 | cut -d: -f1)
msg=$(grep -ab '^MESSAGE=' "$E" | sed -n 5p | cut -d: -f1)
[ -n "$bin" ] && [ -n "$msg" ] || fail "fixture: no binary field or MESSAGE in $E"
size=$(stat -c %s "$E")
cuts=(0 $((msg + 20)) $((bin + 6 + 3)) $((bin + 6 + 8 + 2)) $((size - 1)) "$size")
[ "${cuts[1]}" -lt "${cuts[2]}" ] || fail "fixture: the binary field comes before the fifth MESSAGE"
: >export.log
follow_start exp --follow-file export.log --out-dir prof --split-by host --interval 1
for ((i = 0; i + 1 < ${#cuts[@]}; i++)); do
	piece "$E" "${cuts[i]}" "${cuts[i + 1]}" >>export.log
	follow_wait exp export.log
done
follow_stop exp
same prof/vm.json whole/vm.json
records=$(sed -n 's/^scmplog: \([0-9]*\) SECCOMP records read (.*/\1/p' err)
[ -n "$records" ] || fail "no record count from build"
contains exp.err "$records SECCOMP records read from the log files: $records attributed to 1 host"
contains exp.err ", 0 lost"

# printk's "callbacks suppressed": the records the kernel dropped are lost, as build says
expect_rc 0 "$SCMPLOG" build -o k.json "$K"
dropped=$(sed -n 's/^scmplog: warning: the kernel dropped \([0-9]*\) audit records (kauditd_printk_skb.*/\1/p' err)
[ -n "$dropped" ] && [ "$dropped" -gt 0 ] || fail "fixture: build counts no callbacks suppressed in $K"
half=$(($(wc -l <"$K") / 2))
: >kern.log
follow_start kern --follow-file kern.log --out-dir profk --split-by host --interval 1
head -n "$half" "$K" >>kern.log
follow_wait kern kern.log
tail -n +"$((half + 1))" "$K" >>kern.log
follow_wait kern kern.log
follow_stop kern
contains kern.err ", $dropped lost"
contains kern.err "$dropped suppressed by printk: the profiles may be incomplete"
exit 0
