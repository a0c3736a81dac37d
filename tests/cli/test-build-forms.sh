# scmplog build / explain on the real-world forms of tests/data/forms (README.md there):
# names per arch, actions, hosts and counts of each, the summaries that say what
# was assumed, ambiguous or not selectable, and -v's listing of every skip.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG
F=$DATA/forms
# names FILE: the syscall names of an OCI profile, one a line
names() { sed -n 's/^        "\([a-z0-9_]*\)",\{0,1\}$/\1/p' "$1" | sort | tr '\n' ' '; }
# arches FILE
arches() { grep -o '"SCMP_ARCH_[A-Z0-9_]*"' "$1" | tr -d '"' | tr '\n' ' '; }

# 1. rsyslog's default escaping of the ENRICHED separator (#035), and its RFC 5424 and
#    <PRI> forms: every record read, the host kept (own captures, the same 8 messages)
for f in rsyslog-escaped.log rsyslog-rfc5424.log rsyslog-pri.log; do
	expect_rc 0 $S build --include-denied "$F/$f"
	contains "$TMP/err" "8 SECCOMP records read (8 selected)"
	lacks "$TMP/err" "skipped"
	cp "$TMP/out" "$TMP/$f.json"
	rm -rf "$TMP/h"
	expect_rc 0 $S build --split-by host --out-dir "$TMP/h" "$F/$f"
	[ "$(ls "$TMP/h")" = "vm.json" ] || { ls "$TMP/h"; fail "$f: host lost"; }
done
same "$TMP/rsyslog-escaped.log.json" "$TMP/rsyslog-rfc5424.log.json"
same "$TMP/rsyslog-escaped.log.json" "$TMP/rsyslog-pri.log.json"
[ "$(names "$TMP/rsyslog-escaped.log.json")" = "brk execve getppid mkdir prctl " ] ||
	fail "rsyslog-escaped: names $(names "$TMP/rsyslog-escaped.log.json")"
expect_rc 0 $S explain "$F/rsyslog-escaped.log"
contains "$TMP/out" "kill_process"
contains "$TMP/out" "errno"

# auditd's syslog plugin writes a space for the separator: the same profile as its audit.log
expect_rc 0 $S build "$F/audisp-syslog.log"
contains "$TMP/err" "32 SECCOMP records read (32 selected)"
lacks "$TMP/err" "skipped"
cp "$TMP/out" "$TMP/audisp.json"
expect_rc 0 $S build "$F/audisp-audit.log"
same "$TMP/out" "$TMP/audisp.json"
rm -rf "$TMP/h"
expect_rc 0 $S build --split-by host --out-dir "$TMP/h" "$F/audisp-syslog.log"
[ "$(ls "$TMP/h")" = "vm.json" ] || { ls "$TMP/h"; fail "audisp-syslog: host lost"; }

# 2. ENRICHED without its separator (security-profiles-operator's fixtures, our capture)
expect_rc 0 $S build "$F/enriched-lost-separator.log"
contains "$TMP/err" "6 SECCOMP records read (6 selected)"
lacks "$TMP/err" "skipped"
[ "$(names "$TMP/out")" = "brk clone close " ] || fail "enriched: names $(names "$TMP/out")"
contains "$TMP/out" '"SCMP_ARCH_X86"'

# 3. ausearch -i over our audit.log capture: the same profile as the raw capture, the same
#    records, and --since/--until select the same ones (the header is local time: TZ)
export TZ=UTC
expect_rc 0 $S build "$F/ausearch-i.log"
same "$TMP/out" "$DATA/golden/audit-raw.json"
contains "$TMP/err" "121 SECCOMP records read (121 selected)"
lacks "$TMP/err" "skipped"
expect_rc 0 $S build --since @1795710696.38 --allow-empty "$F/ausearch-i.log"
grep -o '[0-9]* SECCOMP records read ([0-9]* selected)' "$TMP/err" >"$TMP/sel-i"
expect_rc 0 $S build --since @1795710696.38 --allow-empty "$DATA/audit-raw.log"
grep -o '[0-9]* SECCOMP records read ([0-9]* selected)' "$TMP/err" >"$TMP/sel-raw"
same "$TMP/sel-i" "$TMP/sel-raw"
grep -q '(0 selected)\|(121 selected)' "$TMP/sel-i" && fail "--since selected all or nothing: $(cat "$TMP/sel-i")"
# another zone moves every record: the same instant no longer selects the same ones
TZ=Asia/Tokyo $S build --since @1795710696.38 --allow-empty "$F/ausearch-i.log" 2>"$TMP/err" >/dev/null
grep -o '[0-9]* SECCOMP records read ([0-9]* selected)' "$TMP/err" >"$TMP/sel-tokyo"
cmp -s "$TMP/sel-i" "$TMP/sel-tokyo" && fail "ausearch -i time ignored TZ"

# 4. ausearch -i from documents, in their zones: hakoniwa (UTC+8), ChromiumOS (UTC+10)
TZ=Asia/Shanghai expect_rc 0 $S build --since @1661159756 --until @1661159757 "$F/ausearch-i-hakoniwa.log"
contains "$TMP/err" "4 SECCOMP records read (4 selected)"
[ "$(names "$TMP/out")" = "brk close execve exit_group " ] || fail "hakoniwa: names $(names "$TMP/out")"
TZ=Australia/Brisbane expect_rc 0 $S explain "$F/ausearch-i-chromeos.log"
grep -Eq '^  msync +aarch64 +kill_thread +1$' "$TMP/out" || { cat "$TMP/out"; fail "chromeos: msync on aarch64"; }
contains "$TMP/err" "skipped 2 malformed SECCOMP records (1 bad header, 1 unknown name)"

# 5. DST: a local time that occurs twice is said, with its count, once
TZ=Europe/Berlin expect_rc 0 $S build "$F/ausearch-i-dst.log"
contains "$TMP/err" "1 of 2 ausearch -i records have a local time that occurs twice"
contains "$TMP/err" "TZ=Europe/Berlin"
[ "$(grep -c 'occurs twice' "$TMP/err")" -eq 1 ] || fail "DST said more than once"
unset TZ

# 6. undefined actions are kills of the process, as the kernel treats them
expect_rc 0 $S explain "$F/undefined-action.log"
grep -Eq '^  mkdir +x86_64 +kill_process +2$' "$TMP/out" || { cat "$TMP/out"; fail "undefined action not a kill"; }
contains "$TMP/err" "2 records with an action code the kernel does not define read as kill_process"
contains "$TMP/err" "1 bad code, 1 truncated"

# 7. old kernels: no arch= is "no arch", not "bad arch"; --assume-arch reads them
expect_rc 1 $S build "$F/old-kernels.log"
contains "$TMP/err" "skipped 4 malformed SECCOMP records (4 no arch)"
contains "$TMP/err" "the kernel dropped 54 audit records"
expect_rc 0 $S explain --assume-arch x86_64 "$F/old-kernels.log"
grep -Eq '^  stat +x86_64 +errno +3$' "$TMP/out" || { cat "$TMP/out"; fail "1701 records not read as x86_64 stat"; }
grep -Eq '^  mkdir +x86_64 +errno +1$' "$TMP/out" || { cat "$TMP/out"; fail "no-arch 1326 record not read"; }
contains "$TMP/err" "4 records without arch= read as x86_64 (--assume-arch)"
expect_rc 0 $S explain --assume-arch x86_64 "$F/old-kernels-assumed.log"
grep -Eq '^  write +x86 +errno +1$' "$TMP/out" || { cat "$TMP/out"; fail "compat=1 not read as x86"; }
expect_rc 2 $S build --assume-arch vax "$F/old-kernels.log"
contains "$TMP/err" "invalid --assume-arch 'vax'"

# 8. hosts: <PRI>, caller ids, RFC 5424 keep theirs; a missing one is never a time
rm -rf "$TMP/h"
expect_rc 0 $S build --split-by host --out-dir "$TMP/h" "$F/hosts.log"
[ "$(ls "$TMP/h" | tr '\n' ' ')" = "10.0.0.7.json _-cbf29ce4.json vm.json " ] || { ls "$TMP/h"; fail "hosts: $(ls "$TMP/h")"; }
expect_rc 0 $S build --host vm "$F/hosts.log"
contains "$TMP/err" "8 SECCOMP records read (3 selected)"
contains "$TMP/err" "4 records carry no host name: --host cannot select them"

# 9. journalctl -o short holds both copies of a record: each counts once, as in export/json
expect_rc 0 $S build "$DATA/journal-short.txt"
contains "$TMP/err" "42 SECCOMP records read (42 selected)"
expect_rc 0 $S build "$DATA/journal-export.txt"
contains "$TMP/err" "42 SECCOMP records read (42 selected)"
# the audit copies carry no audit time: --since cannot select them, and says so
expect_rc 0 $S build --allow-empty --since @1795710000 "$DATA/journal-short.txt"
contains "$TMP/err" "carry no audit timestamp"
grep -Eq 'scmplog: warning: [0-9]+ records carry no audit timestamp' "$TMP/err" || fail "no count of untimed records"

# 10. bare netlink bodies; journal entries of type 1326 without "SECCOMP "
expect_rc 0 $S build "$F/bare-body.log"
contains "$TMP/err" "3 SECCOMP records read (3 selected)"
contains "$TMP/out" '"SCMP_ARCH_X86"'
expect_rc 0 $S build "$F/journal-json-noprefix.txt"
contains "$TMP/err" "3 SECCOMP records read (3 selected)"
contains "$TMP/err" "skipped 1 malformed SECCOMP record (1 bad journal entry)"

# 11. -v: every skip as FILE:LINE: reason, expected form (key=value); the first five in full
expect_rc 0 $S build -v "$DATA/malformed.log"
skipped=$(sed -n 's/.*skipped \([0-9]*\) malformed.*/\1/p' "$TMP/err")
[ -n "$skipped" ] && [ "$skipped" -gt 5 ] || fail "malformed.log: few skips"
[ "$(grep -c "^scmplog: $DATA/malformed.log:[0-9]*: " "$TMP/err")" -eq "$skipped" ] || fail "-v did not list every skip"
[ "$(grep -c '^scmplog:   ' "$TMP/err")" -eq 5 ] || fail "-v did not show five lines in full"
grep -q "^scmplog: $DATA/malformed.log:[0-9]*: bad number, expected an unsigned decimal.* (pid=abc)" "$TMP/err" ||
	fail "-v: bad number without its key"
grep -q "^scmplog: $DATA/malformed.log:[0-9]*: no arch, a kernel before 3.16 logs no arch=: give --assume-arch ARCH" "$TMP/err" ||
	fail "-v: no arch without the way out"
expect_rc 0 $S explain -v "$F/ausearch-i-chromeos.log"
contains "$TMP/err" "ausearch-i-chromeos.log:11: unknown name, an ausearch -i name scmplog cannot map back: read the log with ausearch --raw (syscall=no_such_call)"
contains "$TMP/err" "ausearch-i-chromeos.log:13: bad header, expected audit(SECONDS.MSEC:SERIAL): (ausearch --raw), or ausearch -i's"
exit 0
