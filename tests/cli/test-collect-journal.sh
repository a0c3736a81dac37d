#!/usr/bin/env bash
# scmplog collect --journal-dir: follows a journal directory, writes one profile per
# record hostname with --split-by host (the same as build --split-by host on the same
# journal), saves its cursor and resumes after it without counting anything twice.
# No root needed: the journal is a copy of tests/data/journal/seccomp.journal.
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
J=$DATA/journal/seccomp.journal
[ -r "$J" ] || fail "fixture $J missing"
cd "$TMP" || exit 1
mkdir jdir
cp "$J" jdir/

# wait_for FILE...: up to 30 s for every FILE to exist
wait_for() {
	local i
	for i in $(seq 300); do
		local all=1 f
		for f in "$@"; do [ -e "$f" ] || all=0; done
		[ $all -eq 1 ] && return 0
		sleep 0.1
	done
	cat "$TMP"/*.err; fail "timed out waiting for $*"
}
# collect_start NAME ARGS...: start collect in the background, its stderr in NAME.err,
# and wait until it handles SIGTERM: it reads the signal once it has read every entry
collect_start() {
	local name=$1; shift
	"$SCMPLOG" collect "$@" >"$name.out" 2>"$name.err" &
	PID=$!
	collect_ready "$PID" "$name.err" 30
}
collect_stop() {
	kill -TERM "$PID" 2>/dev/null || fail "collect exited early: $(cat "$1.err")"
	wait "$PID"
	local rc=$?
	[ $rc -eq 0 ] || { cat "$1.err"; fail "collect exited $rc after SIGTERM"; }
}

expect_rc 0 "$SCMPLOG" build --split-by host --out-dir built "$J"
ls built/vm*.json >/dev/null 2>&1 || fail "build --split-by host wrote no vm*.json"
nrec=$(sed -n 's/^scmplog: \([0-9]*\) SECCOMP records read.*/\1/p' err)
[ -n "$nrec" ] && [ "$nrec" -gt 0 ] || fail "no record count from build"

# First run: the profiles and the cursor are written at the interval, before the signal.
mkdir state
collect_start run1 --journal-dir jdir --out-dir prof --split-by host --interval 1 --cursor-file state/cursor
wait_for prof/vm.json state/cursor
collect_stop run1
for f in built/vm*.json; do
	same "prof/${f##*/}" "$f"
done
# and the denials beside the profile (collect's own: build has no such file)
[ "$(ls prof | grep -vc '\.denied\.log$')" -eq "$(ls built | wc -l)" ] || fail "collect wrote other files than build: $(ls prof)"
contains run1.err "journald rate-limits the audit stream and drops records under load"
[ "$(grep -c 'journald rate-limits' run1.err)" -eq 1 ] || fail "the journald warning is not given once"
contains run1.err "scmplog: $nrec SECCOMP records read from the journal directory: $nrec attributed to 1 host"
[ -s state/cursor ] || fail "empty cursor file"
[ "$(wc -l <state/cursor)" -eq 1 ] || fail "the cursor file is not one line"
ls state | grep -q tmp && fail "a temporary cursor file was left behind"
cp state/cursor cursor.1

# Resume: nothing after the cursor, nothing counted again, the profile unchanged.
collect_start run2 --journal-dir jdir --out-dir prof --split-by host --interval 1 --cursor-file state/cursor
collect_stop run2
contains run2.err "scmplog: 0 SECCOMP records read from the journal directory"
for f in built/vm*.json; do
	same "prof/${f##*/}" "$f"
done
same state/cursor cursor.1

# Without a cursor file, a restart reads everything again (learning still resumes from the
# profile): the resume above was the cursor's doing.
collect_start run3 --journal-dir jdir --out-dir prof --split-by host --interval 1
collect_stop run3
contains run3.err "scmplog: $nrec SECCOMP records read from the journal directory"

# By container: these records' processes are long gone, so none is attributed.
collect_start run4 --journal-dir jdir --out-dir out4 --interval 1
collect_stop run4
contains run4.err "$nrec SECCOMP records read from the journal directory: 0 attributed to 0 containers, $nrec unattributed ($nrec of gone unknown processes"
[ -z "$(ls out4)" ] || fail "profiles written for gone processes: $(ls out4)"

# Damaged files are said before following (the follow scan stops at damage silently):
# a zeroed page, and a zstd frame header byte that makes libsystemd 252 abort (collect
# crashed on it): refused, naming the file.
mkdir jd-page jd-abort
cp "$J" jd-page/page.journal && chmod u+w jd-page/page.journal
dd if=/dev/zero of=jd-page/page.journal bs=4096 seek=16 count=1 conv=notrunc status=none
cp "$J" jd-abort/abort.journal && chmod u+w jd-abort/abort.journal
printf '\020' | dd of=jd-abort/abort.journal bs=1 seek=109016 conv=notrunc status=none
# (a SIGTERM before its first save failed it: "cannot read journal directory: Cannot
# assign requested address", the cursor of an entry in the dropped file)
collect_start run6 --journal-dir jd-page --out-dir out-page --interval 1
collect_stop run6
contains run6.err "scmplog: warning: journal file 'jd-page/page.journal' is damaged: 7 of its 84 entries could not be read; collect may miss more of it ('scmplog build' reads around the damage, 'journalctl --verify --file=jd-page/page.journal' tells where)"
expect_rc 1 "$SCMPLOG" collect --journal-dir jd-abort --out-dir out-abort --interval 1
contains err "scmplog: journal file 'jd-abort/abort.journal' is damaged: 1 entry makes sd-journal abort (damaged compressed data); collecting from it would crash: move it out of the directory"

# Errors: a cursor file that is not a cursor, a journal directory that is not there.
printf 'not a cursor\n\n' >bad.cursor
expect_rc 1 "$SCMPLOG" collect --journal-dir jdir --out-dir out5 --cursor-file bad.cursor
contains err "scmplog: cannot read cursor file 'bad.cursor': "
expect_rc 1 "$SCMPLOG" collect --journal-dir no-such-dir --out-dir out5
contains err "scmplog: cannot read journal directory 'no-such-dir': "

# Usage errors
expect_rc 2 "$SCMPLOG" collect --out-dir out6 --split-by exe
contains err "invalid --split-by 'exe': expected container or host"
expect_rc 2 "$SCMPLOG" collect --out-dir out6 --cursor-file c
contains err "--cursor-file goes with --source journal or --journal-dir"
expect_rc 2 "$SCMPLOG" collect --out-dir out6 --journal-dir jdir --source kmsg
contains err "--journal-dir reads the journal; it excludes other --source values"
expect_rc 2 "$SCMPLOG" collect --out-dir out6 --split-by host --container abc
contains err "--split-by host excludes --container and --cgroup"
[ ! -e out6 ] || fail "a usage error created the output directory"
# A central journal (systemd-journal-remote's files) holds many nodes' records, whose
# audit(T:S) are each node's own: the same (T, S) on two hosts are two records, a
# node's audit and kernel copies of one record are one.
if [ -x /lib/systemd/systemd-journal-remote ]; then
	fleet_journal fleet.txt
	mkdir fleetj
	/lib/systemd/systemd-journal-remote --output=fleetj/remote.journal fleet.txt 2>jr.err || { cat jr.err; fail "journal-remote"; }
	collect_start fleet --journal-dir fleetj --split-by host --out-dir fleet --interval 1
	wait_for fleet/node-a.json fleet/node-b.json fleet/node-c.json
	collect_stop fleet
	contains fleet.err "3 SECCOMP records read from the journal directory: 3 attributed to 3 hosts"
else
	echo "NOTE: no systemd-journal-remote: the central journal case is not tested"
fi

# every profile the collector wrote loads as runc and Docker load it
check_tree_loads "$TMP"
exit 0
