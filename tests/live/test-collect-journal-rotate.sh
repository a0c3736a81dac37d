#!/usr/bin/env bash
# scmplog collect on a real journald (started here, volatile storage under
# /run, stopped again) while the journal rotates and is vacuumed:
#  1. rotation (journalctl --rotate, and by size) while following loses
#     nothing: every record in the journal is read, the profile is the one
#     build makes of the same files;
#  2. a collector that is behind (SIGSTOPped while records are logged, then
#     rotate + vacuum, then SIGCONT) says which files went and counts up to N
#     records lost, N at least the records that were in them; the records
#     after the gap are all read;
#  3. resuming from --cursor-file after the cursor's entry was vacuumed says
#     so and counts the gap.
# Two collectors follow at once: --journal-dir (from the start) and --source
# journal (the system journal, from its end).
. "$(dirname "$0")/lib.sh"
command -v journalctl >/dev/null || fail "journalctl is missing (package systemd)"
journald_need
build_helper noise -lseccomp
A= B=
stop_pid() { # PID: SIGTERM, SIGCONT (it may be stopped), wait; its exit status
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return
	kill -CONT "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# stop_collector PID ERRFILE: stop it, fail unless it exited 0
stop_collector() {
	local rc
	stop_pid "$1"
	rc=$?
	[ "$rc" -eq 0 ] || { cat "$2"; fail "collect exited $rc after SIGTERM (or was gone)"; }
}
cleanup_test() {
	local i
	stop_pid "$A"
	stop_pid "$B"
	journald_stop
}

# small files, so that a few thousand entries rotate by size too; no vacuuming by journald itself
journald_start 'Storage=volatile\nRuntimeMaxUse=64M\nRuntimeKeepFree=0\nRuntimeMaxFileSize=512K'
D=$(echo /run/log/journal/*)
[ -d "$D" ] || fail "journald made no machine directory in /run/log/journal"

# records: SECCOMP records in the journal now, as build counts them (both transports, one each)
records() {
	"$SCMPLOG" build --split-by host --out-dir "$TMP/built" "$D"/*.journal >/dev/null 2>"$TMP/build.err" ||
		{ cat "$TMP/build.err"; fail "build on the journal failed"; }
	sed -n 's/^scmplog: \([0-9]*\) SECCOMP records read.*/\1/p' "$TMP/build.err"
}
# summary_records FILE: the count of the collector's summary line
summary_records() { sed -n 's/^scmplog: \([0-9]*\) SECCOMP records read from the .*/\1/p' "$1"; }
nfiles() { ls "$D" | grep -c '\.journal$'; }
# settle: journald has written every record logged so far.  A marker process (a comm of its
# own) logs records behind them through the kernel's audit queue, which journald reads in
# order; once one is in the journal, journalctl --sync has journald write what it still
# holds (the kernel log's copies).  The marker runs again every 5 s, should journald drop it.
marks=0
settle() {
	local i m
	marks=$((marks + 1))
	m=jmark$marks
	ln -sf noise "$TMP/$m"
	for i in $(seq 600); do
		[ $((i % 50)) = 1 ] && "$TMP/$m" 0
		if journalctl -D "$D" -q -o cat 2>/dev/null | grep -q "comm=\"$m\""; then
			journalctl --sync || fail "journalctl --sync failed"
			return 0
		fi
		sleep 0.1
	done
	fail "journald did not write the records of the marker $m in 60 s"
}
# caught_up_A: up to 60 s until collect A's cursor file names the journal's last entry
caught_up_A() {
	local i c
	for i in $(seq 600); do
		c=$(cat "$TMP/a.cursor" 2>/dev/null) && [ -n "$c" ] &&
			[ -z "$(journalctl -D "$D" -q --after-cursor "$c" -o cat 2>/dev/null | head -n 1)" ] && return 0
		sleep 0.1
	done
	cat "$TMP/a1.err"
	fail "collect A did not read to the end of the journal in 60 s"
}
rotate() {
	journalctl --rotate >"$TMP/rot.err" 2>&1 || { cat "$TMP/rot.err"; fail "journalctl --rotate failed"; }
}
# filler N: N non-record entries of 300 bytes
filler() { head -c $(($1 * 150)) /dev/zero | tr '\0' 'x' | fold -w 300 | systemd-cat -t scmplog-filler; }
start_A() {
	"$SCMPLOG" collect -v --journal-dir /run/log/journal --split-by host --out-dir "$TMP/a" --interval 1 \
		--cursor-file "$TMP/a.cursor" >/dev/null 2>"$TMP/$1" &
	A=$!
}
start_A a1.err
collector_ready "$TMP/a1.err"
# B starts at the journal's end: the records n0 counts are all in before it
settle
# B writes only at the end: one scan throughout, so its gap is found while following, not on reopening
"$SCMPLOG" collect -v --source journal --split-by host --out-dir "$TMP/b" --interval 3600 >/dev/null 2>"$TMP/b.err" &
B=$!
collector_ready "$TMP/b.err"
# it has the journal open (and seeks its end right after)
for i in $(seq 300); do ls -l /proc/$B/fd 2>/dev/null | grep -q "$D/system.journal" && break; sleep 0.1; done
n0=$(records)

# ---- 1. rotation while following: nothing missed
"$TMP/noise" 0.4 || fail "noise failed"
rotate
"$TMP/noise" 0.4
rotate
before=$(nfiles)
# by size, with records on both sides of it
"$TMP/noise" 1.5 & w=$!
filler 4000
wait "$w"
[ "$(nfiles)" -ge $((before + 1)) ] || fail "journald did not rotate by size ($(ls "$D"))"
settle
n1=$(records)
[ $((n1 - n0)) -gt 100 ] || fail "only $((n1 - n0)) records reached the journal"
# build reads the same journal: collect A's profile must be the same now
for i in $(seq 300); do
	[ -f "$TMP/a/$(hostname).json" ] && cmp -s "$TMP/a/$(hostname).json" "$TMP/built/$(hostname).json" && break
	sleep 0.2
done
same "$TMP/a/$(hostname).json" "$TMP/built/$(hostname).json"
grep -q "journal file '$D/system.journal' archived as 'system@" "$TMP/a1.err" ||
	{ cat "$TMP/a1.err"; fail "no verbose note of the rotation"; }
lacks "$TMP/a1.err" "lost, journal entries"
lacks "$TMP/b.err" "lost, journal entries"

# ---- 2. behind: stopped while records are logged, rotate + vacuum, continued
# (stopped once A has read all n1: B follows the same files without pause)
caught_up_A
kill -STOP "$A" "$B"
"$TMP/noise" 0.4
settle
n2=$(records)
lost_real=$((n2 - n1))
[ "$lost_real" -gt 0 ] || fail "no records while the collectors were stopped"
rotate
journalctl -D "$D" --vacuum-files=1 >"$TMP/vac.err" 2>&1 || { cat "$TMP/vac.err"; fail "vacuum failed"; }
grep -q 'Deleted archived journal' "$TMP/vac.err" || { cat "$TMP/vac.err"; fail "vacuum deleted nothing"; }
kill -CONT "$A" "$B"
"$TMP/noise" 0.4
settle
caught_up_A
# behind again when told to stop: stopped while more than 1024 records are logged (a scan
# looks at signals every 1024 records), SIGTERM, then SIGCONT: it reads them all first
m=$(records)
kill -STOP "$A" "$B"
for i in $(seq 30); do
	"$TMP/noise" 1
	settle
	n3=$(records) # the journal now: only what came after the vacuum
	[ $((n3 - m)) -gt 1100 ] && break
done
[ $((n3 - m)) -gt 1100 ] || fail "only $((n3 - m)) records logged while the collectors were stopped"
stop_collector "$A" "$TMP/a1.err"
A=
stop_collector "$B" "$TMP/b.err"
B=
cat "$TMP/a1.err"
for f in a1.err b.err; do
	grep -E "warning: journal files? '.*system@.*' (was|were) removed \(vacuumed\) before scmplog read all of (it|them): up to [0-9]+ SECCOMP records? lost, journal entries [0-9]+ to [0-9]+ \(after 20.* UTC, before 20.* UTC" \
		"$TMP/$f" >/dev/null || { cat "$TMP/$f"; fail "$f: no gap message"; }
	up_to=$(sed -n 's/.*: up to \([0-9]*\) SECCOMP record.* lost, journal entries.*/\1/p' "$TMP/$f")
	[ "$up_to" -ge "$lost_real" ] || fail "$f: up to $up_to lost, but $lost_real records were removed"
	contains "$TMP/$f" "lost: 1 journal gap (entries removed before they were read), up to $up_to records: the profiles may be incomplete"
	contains "$TMP/$f" ", $up_to lost"
done
# every record but the removed ones
got=$(summary_records "$TMP/a1.err")
[ "$got" -eq $((n1 + n3)) ] || fail "collect --journal-dir read $got records, expected $n1 + $n3 (removed: $lost_real)"
got=$(summary_records "$TMP/b.err")
[ "$got" -eq $((n1 - n0 + n3)) ] || fail "collect --source journal read $got records, expected $((n1 - n0)) + $n3"
grep -q "journal file '.*' removed" "$TMP/b.err" || { cat "$TMP/b.err"; fail "no verbose note of the vacuum"; }

# ---- 3. resumed from a cursor whose entry was vacuumed while collect was not running
[ -s "$TMP/a.cursor" ] || fail "no cursor file"
"$TMP/noise" 0.3
rotate
journalctl -D "$D" --vacuum-files=1 >"$TMP/vac.err" 2>&1 || { cat "$TMP/vac.err"; fail "vacuum failed"; }
start_A a2.err
wait_contains "$TMP/a2.err" "warning: the journal no longer has the entry of the cursor" 60
stop_collector "$A" "$TMP/a2.err"
A=
cat "$TMP/a2.err"
contains "$TMP/a2.err" "warning: the journal no longer has the entry of the cursor in '$TMP/a.cursor' nor some after it (vacuumed while scmplog was not running?): up to "
contains "$TMP/a2.err" "lost: 1 journal gap"
audit_check
