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
# collect_start NAME ARGS...: a collector (its pid in PID), once it follows its
# --follow-file: read to its current end (from there, or --from-start), or said
# that it waits for the file to appear (up to 30 s: the machine may be busy)
collect_start() {
	local name=$1 file= prev= a i fd size
	shift
	for a in "$@"; do
		[ "$prev" = --follow-file ] && file=$a
		prev=$a
	done
	"$SCMPLOG" collect "$@" >"$name.out" 2>"$name.err" &
	PID=$!
	for i in $(seq 300); do
		grep -qF "cannot open log file '$file': No such file or directory, waiting for it" "$name.err" && return 0
		size=$(stat -c %s "$file" 2>/dev/null)
		for fd in /proc/"$PID"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "$PWD/$file" ] &&
				grep -qx "pos:[[:space:]]*$size" "/proc/$PID/fdinfo/${fd##*/}" 2>/dev/null && return 0
		done
		kill -0 "$PID" 2>/dev/null || { cat "$name.err"; fail "collect exited before it followed $file"; }
		sleep 0.1
	done
	cat "$name.err"
	fail "collect did not follow $file after 30 s"
}
# collect_stop NAME: SIGTERM; its last round reads every file to its end (rotation and
# truncation too), then it writes the profiles and exits 0
collect_stop() {
	kill -TERM "$PID" 2>/dev/null || fail "collect exited early: $(cat "$1.err")"
	wait "$PID"
	local rc=$?
	[ $rc -eq 0 ] || { cat "$1.err"; fail "collect exited $rc after SIGTERM"; }
}

n=$(wc -l <"$L")
half=$((n / 2))
head -n "$half" "$L" >part1
tail -n +"$((half + 1))" "$L" >part2
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir whole "$L"
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir p1 part1
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir p2 part2
# each half has syscalls the other lacks: the result below needs both files
cmp -s p1/vm.json whole/vm.json && fail "fixture: the first half alone gives the whole profile"
cmp -s p2/vm.json whole/vm.json && fail "fixture: the second half alone gives the whole profile"

# Existing content is skipped by default: a record of another host written before the start.
grep -m1 'type=1326' "$L" | sed 's/ vm / oldhost /' >app.log
grep -q oldhost app.log || fail "fixture: no record line to rewrite"
collect_start run1 --follow-file app.log --out-dir prof --split-by host --interval 1
cat part1 >>app.log
# a last line without its newline in the old file still counts, read before or
# after the rotation
printf '%s' "$(tail -n 1 part2)" >>app.log
mv app.log app.log.1
cat part2 >app.log
collect_stop run1
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
collect_start run2 --follow-file app.log.1 --from-start --out-dir prof --split-by host --interval 1
wait_for prof/oldhost.json prof/vm.json
# shorter than what was read: seen as truncated whenever the collector looks
: >app.log.1
printf '%s\n' "$(grep -m1 'type=1326' "$L" | sed 's/ vm / newhost /')" >>app.log.1
collect_stop run2
[ -e prof/newhost.json ] || fail "the truncated file was not read again: $(ls prof)"

# A missing file is waited for; records of gone processes are unattributed by container.
collect_start run3 --follow-file later.log --out-dir prof3 --interval 1
cp "$L" later.log
collect_stop run3
contains run3.err "cannot open log file 'later.log': No such file or directory, waiting for it"
contains run3.err "0 attributed to 0 containers"
[ -z "$(ls prof3)" ] || fail "profiles written for gone processes: $(ls prof3)"

# --format k8s: the YAML, and the OCI JSON beside it that a restart resumes from: the
# first half in one run, the second in another, and the YAML is the whole log's.
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir wholek -f k8s --name vm "$L"
ls wholek >/dev/null
rm -f k8s.log
collect_start run5 --follow-file k8s.log --out-dir profk --split-by host --format k8s --interval 1
cat part1 >>k8s.log
collect_stop run5
[ -f profk/vm.yaml ] && [ -f profk/vm.json ] || fail "collect -f k8s did not write vm.yaml and vm.json: $(ls profk)"
cmp -s profk/vm.json whole/vm.json && fail "fixture: the first half alone gives the whole profile"
collect_start run6 --follow-file k8s.log --out-dir profk --split-by host --format k8s --interval 1
cat part2 >>k8s.log
collect_stop run6
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
collect_start run4 --follow-file reuse.log --out-dir prof4 --interval 1
for t in $((now - 3600)) $((now + 1)); do
	printf '%s\n' "$line" | sed -e "s/ pid=[0-9]* / pid=$SP /" -e "s/audit([0-9]*\./audit($t./" >>reuse.log
done
grep -c "pid=$SP " reuse.log | grep -qx 2 || fail "fixture: the pid was not rewritten"
collect_stop run4
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
