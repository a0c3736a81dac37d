#!/usr/bin/env bash
# scmplog collect --source journal on a real, running journald: journald
# (started here by hand, volatile storage under /run, stopped again) takes the
# kernel's SECCOMP records from the audit multicast group; the collector
# follows the system journal live and learns the profile of a process in a
# container cgroup while it runs.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
journald_need
build_helper noise -lseccomp
P=/sys/fs/cgroup/pids/scmplogjournal
collector=
STOP=collector
cleanup_test() {
	journald_stop
	cgroups_remove "$P"
}
[ -e "$P" ] && skip "$P exists already"
mkdir -p "$P/c1" || skip "cannot create $P/c1"

# journald keeps everything in /run (never /var/log/journal), in small files
journald_start 'Storage=volatile\nRuntimeMaxUse=16M\nRuntimeMaxFileSize=512K'

"$SCMPLOG" collect --source journal --plain-runc --cgroup /scmplogjournal --out-dir "$TMP/out" --interval 1 \
	--cursor-file "$TMP/cursor" >/dev/null 2>"$TMP/c.err" & collector=$!
# it follows from the journal's end: its cursor is saved once it is there (up to 30 s)
for i in $(seq 300); do [ -s "$TMP/cursor" ] && break; sleep 0.1; done
[ -s "$TMP/cursor" ] || { cat "$TMP/c.err"; fail "no cursor saved after 30 s"; }
# records of a live process only are attributed (an old journal entry's pid may be reused):
# the process runs while the collector reads its records
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 4' _ "$P/c1" "$TMP/noise" || fail "noise failed"
for i in $(seq 30); do
	[ -f "$TMP/out/c1.json" ] && profile_names "$TMP/out/c1.json" | grep -x sysinfo >/dev/null && break
	sleep 0.2
done
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/c.err"; fail "collect --source journal failed"; }
collector=
cat "$TMP/c.err"
[ -f "$TMP/out/c1.json" ] || fail "no profile from the live journal"
profile_names "$TMP/out/c1.json" | grep -x sysinfo >/dev/null || fail "c1.json lacks sysinfo"
contains "$TMP/c.err" "journald rate-limits the audit stream and drops records under load"
grep -E "read from the (system )?journal.*attributed to 1 container" "$TMP/c.err" >/dev/null ||
	fail "the summary does not say the records came from the journal to one container"
audit_check
