#!/usr/bin/env bash
# scmplog collect --follow-file: follows a text log like tail -F (from its end, or
# --from-start), through a rotation (mv + new file) and a truncation, grouping by the
# record hostname with --split-by host.  No root needed.
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
L=$DATA/syslog-rfc3339.log
[ -r "$L" ] || fail "fixture $L missing"
cd "$TMP" || exit 1

wait_for() {
	local i f all
	for i in $(seq 300); do
		all=1
		for f in "$@"; do [ -e "$f" ] || all=0; done
		[ $all -eq 1 ] && return 0
		sleep 0.1
	done
	cat ./*.err; fail "timed out waiting for $*"
}
split_halves "$L"
# each half has syscalls the other lacks: the result below needs both files
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir p2 part2
cmp -s p2/vm.json whole/vm.json && fail "fixture: the second half alone gives the whole profile"

# Existing content is skipped by default: a record of another host written before the start.
grep -m1 'type=1326' "$L" | sed 's/ vm / oldhost /' >app.log
grep -q oldhost app.log || fail "fixture: no record line to rewrite"
follow_start run1 --follow-file app.log --out-dir prof --split-by host --interval 1
cat part1 >>app.log
# a last line without its newline in the old file still counts, read before or
# after the rotation
printf '%s' "$(tail -n 1 part2)" >>app.log
mv app.log app.log.1
cat part2 >app.log
follow_stop run1
same prof/vm.json whole/vm.json
[ ! -e prof/oldhost.json ] || fail "existing content was read without --from-start"
contains run1.err "attributed to 1 host"
# the denials (ERRNO, TRAP, TRACE, USER_NOTIF, KILL records) beside the profile, as auditd writes them
grep ' code=0x' "$L" | grep -v 'code=0x7ffc0000' | sed -n 's/^.* vm kernel: .*audit: type=1326 audit(/type=SECCOMP msg=audit(/p' >denied.want
[ "$(wc -l <denied.want)" -ge 4 ] || fail "fixture: expected denial records in $L"
same prof/vm.denied.log denied.want
[ ! -e prof/oldhost.denied.log ] || fail "a denied.log for a host without denials"

# --from-start reads it; a truncated file is read again from its start.
rm -rf prof
follow_start run2 --follow-file app.log.1 --from-start --out-dir prof --split-by host --interval 1
wait_for prof/oldhost.json prof/vm.json
# shorter than what was read: seen as truncated whenever the collector looks
: >app.log.1
printf '%s\n' "$(grep -m1 'type=1326' "$L" | sed 's/ vm / newhost /')" >>app.log.1
follow_stop run2
[ -e prof/newhost.json ] || fail "the truncated file was not read again: $(ls prof)"

# A missing file is waited for; records of gone processes are unattributed by container.
follow_start run3 --follow-file later.log --out-dir prof3 --interval 1
cp "$L" later.log
follow_stop run3
contains run3.err "cannot open log file 'later.log': No such file or directory, waiting for it"
contains run3.err "0 attributed to 0 containers"
[ -z "$(ls prof3)" ] || fail "profiles written for gone processes: $(ls prof3)"

# --format k8s: the YAML, and the OCI JSON beside it that a restart resumes from: the
# first half in one run, the second in another, and the YAML is the whole log's.
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir wholek -f k8s --name vm "$L"
ls wholek >/dev/null
rm -f k8s.log
follow_start run5 --follow-file k8s.log --out-dir profk --split-by host --format k8s --interval 1
cat part1 >>k8s.log
follow_stop run5
[ -f profk/vm.yaml ] && [ -f profk/vm.json ] || fail "collect -f k8s did not write vm.yaml and vm.json: $(ls profk)"
cmp -s profk/vm.json whole/vm.json && fail "fixture: the first half alone gives the whole profile"
follow_start run6 --follow-file k8s.log --out-dir profk --split-by host --format k8s --interval 1
cat part2 >>k8s.log
follow_stop run6
same profk/vm.json whole/vm.json
same profk/vm.yaml "wholek/$(ls wholek)"
k8s_check profk/vm.yaml

# A followed log names a pid, not a process: a live process holding the pid counts only
# when it started before the record (a host process here); a record older than it is
# of a gone process whose pid was reused.
sleep 60 &
SP=$!
sleep 1.1
line=$(grep -m1 'type=1326' "$L")
now=$(date +%s)
follow_start run4 --follow-file reuse.log --out-dir prof4 --interval 1
for t in $((now - 3600)) $((now + 1)); do
	printf '%s\n' "$line" | sed -e "s/ pid=[0-9]* / pid=$SP /" -e "s/audit([0-9]*\./audit($t./" >>reuse.log
done
grep -c "pid=$SP " reuse.log | grep -qx 2 || fail "fixture: the pid was not rewritten"
follow_stop run4
kill "$SP" 2>/dev/null; wait "$SP" 2>/dev/null
contains run4.err "2 SECCOMP records read"
contains run4.err "(1 of gone unknown processes"
contains run4.err "1 of host processes"

# Usage errors
expect_rc 2 "$SCMPLOG" collect --out-dir o --follow-file x --source kmsg
contains err "--follow-file excludes --source and --journal-dir"
expect_rc 2 "$SCMPLOG" collect --out-dir o --from-start
contains err "--from-start goes with --follow-file"
expect_rc 2 "$SCMPLOG" collect --out-dir o --follow-file ""
[ ! -e o ] || fail "a usage error created the output directory"
# every profile the collector wrote loads as runc and Docker load it
check_tree_loads "$TMP"
exit 0
