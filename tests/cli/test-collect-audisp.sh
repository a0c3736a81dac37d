#!/usr/bin/env bash
# scmplog collect --source audisp on a stream as auditd gives its plugins (string
# format, here through a pipe): --split-by host learns what build learns from the same
# lines; serial gaps are counted as lost (not across auditd's own DAEMON_* numbers);
# SIGHUP writes and the collector runs on; SIGTERM with the input still open ends it;
# a second run resumes; auditd's binary format is refused.  No root needed
# (tests/live/test-collect-audisp.sh runs it under the real auditd).
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
L=$DATA/audit-node.log
[ -r "$L" ] || fail "fixture $L missing"
cd "$TMP" || exit 1
split_halves "$L"

# the end of the input writes the profiles and exits 0; nothing lost in a whole capture
expect_rc 0 "$SCMPLOG" collect --source audisp --split-by host --out-dir a1 <part1
same a1/vm.json p1/vm.json
contains err "SECCOMP records read from auditd: "
contains err ", 0 lost"
# a restart resumes from the files: the second half on top gives the whole log's profile
expect_rc 0 "$SCMPLOG" collect --source=audisp --split-by host --out-dir a1 <part2
same a1/vm.json whole/vm.json

# serial gaps: two SECCOMP records missing from the middle are lost; auditd's DAEMON_*
# records (its own numbers) and the order of arrival are not gaps
grep -n 'type=SECCOMP' "$L" | sed -n '10p;20p' | cut -d: -f1 >gone.lines
[ "$(wc -l <gone.lines)" = 2 ] || fail "fixture: fewer than 20 SECCOMP records"
sed "$(sed 's/$/d/' gone.lines | paste -sd';')" "$L" >gaps.log
grep -q 'type=DAEMON_START' gaps.log || fail "fixture: no DAEMON_START record"
expect_rc 0 "$SCMPLOG" collect --source audisp --split-by host --out-dir a2 <gaps.log
contains err ", 2 lost"
contains err "warning: lost: 2 records never reached this plugin (serial gaps)"
{ sed -n 20,30p "$L"; sed -n 1,19p "$L"; sed -n '31,$p' "$L"; } >reordered.log
expect_rc 0 "$SCMPLOG" collect --source audisp --split-by host --out-dir a3 <reordered.log
contains err ", 0 lost"
same a3/vm.json whole/vm.json

# a running plugin: SIGHUP (auditd reloading) writes the profiles and it runs on; SIGTERM
# ends it (at the end of its input, or 3 s after) with the profiles written
mkfifo in.fifo
"$SCMPLOG" collect --source audisp --split-by host --out-dir a4 --interval 3600 -v <in.fifo 2>a4.err &
pid=$!
exec 7>in.fifo
collect_ready "$pid" a4.err 30
cat part1 >&7
for i in $(seq 300); do
	[ $((i % 10)) = 1 ] && kill -HUP "$pid"
	[ -f a4/vm.json ] && cmp -s a4/vm.json p1/vm.json && break
	sleep 0.1
done
same a4/vm.json p1/vm.json
kill -0 "$pid" 2>/dev/null || { cat a4.err; fail "the plugin exited on SIGHUP"; }
cat part2 >&7
kill -TERM "$pid"
wait "$pid" || { cat a4.err; fail "collect --source audisp exited $? after SIGTERM"; }
exec 7>&-
same a4/vm.json whole/vm.json
contains a4.err "stopped by a signal before the end of the input, writing the profiles"

# records come late through auditd's queue: a live process that started after a record
# holds a reused pid (the record is of a gone process), one that started before made it
sleep 60 &
SP=$!
sleep 1.1
line=$(grep -m1 'type=SECCOMP' "$L" | sed 's/^node=[^ ]* //')
now=$(date +%s)
for t in $((now - 3600)) $((now + 1)); do
	printf '%s\n' "$line" | sed -e "s/ pid=[0-9]* / pid=$SP /" -e "s/audit([0-9]*\./audit($t./"
done >reuse.log
grep -c "pid=$SP " reuse.log | grep -qx 2 || fail "fixture: the pid was not rewritten"
expect_rc 0 "$SCMPLOG" collect --source audisp --out-dir a6 <reuse.log
kill "$SP" 2>/dev/null; wait "$SP" 2>/dev/null
contains err "2 SECCOMP records read from auditd"
contains err "(1 of gone unknown processes"
contains err "1 of host processes"

# auditd's binary format (format = binary in the plugin's configuration) is refused
printf '\002\000\000\000\020\000\000\000\036\005\000\000\012\000\000\000audit(1.2:3): x' >binary.in
expect_rc 1 "$SCMPLOG" collect --source audisp --out-dir a5 <binary.in
contains err "standard input is not auditd's string format: set 'format = string'"

# usage
expect_rc 2 "$SCMPLOG" collect --source audisp --follow-file x --out-dir o
contains err "--follow-file excludes --source and --journal-dir"
expect_rc 2 "$SCMPLOG" collect --source audisp --journal-dir x --out-dir o
contains err "--journal-dir reads the journal; it excludes other --source values"
expect_rc 2 "$SCMPLOG" collect --source audisp --cursor-file x --out-dir o
[ ! -e o ] || fail "a usage error created the output directory"
check_tree_loads "$TMP"
exit 0
