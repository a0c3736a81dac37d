#!/usr/bin/env bash
# scmplog collect --source audisp as a plugin of the real auditd (Debian 12's
# 3.0.9, `auditd -n -c CONFDIR` with a configuration of the test's own), started
# from packaging/audit/scmplog.conf as shipped (args = collect --source=audisp)
# through a wrapper that adds the test's options.  A process in a container
# cgroup makes records under a log filter; the plugin learns them:
#  1. SIGHUP to auditd (a reload) makes the plugin write its profiles, and it runs on;
#  2. auditd stopped and started again mid-run: the first plugin writes its
#     profiles at the end of its input, the second resumes from them, and the
#     profile holds the syscalls of both halves;
#  3. auditd's queue to its plugins overflows (q_depth 4, the plugin stopped
#     with SIGSTOP during a burst): the plugin reports the records that never
#     reached it, in its summary and in syslog (a /dev/log of the test's own
#     when no syslog daemon runs), beside auditd's own "queue to plugins is full".
# auditd is started with -s nochange (audit's enabled flag left as it is) and
# stopped by its pid; the test restores everything even when it fails.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
AUDITD=$(command -v auditd || echo /sbin/auditd)
[ -x "$AUDITD" ] || fail "auditd is not installed (package auditd): sudo sh tests/install-deps.sh"
[ "$(audit_pid)" = 0 ] || skip "an audit daemon runs (pid $(audit_pid)): this test starts its own auditd"
[ -e /run/auditd.pid ] && skip "/run/auditd.pid exists: an auditd runs (or ran) here"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LOGP=$TOP/profiles/log-everything.json
build_helper getppid-loop
build_helper noise -lseccomp
P=/sys/fs/cgroup/pids/scmplogaudisp
[ -e "$P" ] && skip "$P exists already"
apid= sleeper= syslogd= devlog_ours=0 runs=0
cleanup_test() {
	local rc=$1 i
	if [ -n "$apid" ]; then
		kill -CONT "$(plugin_pid)" 2>/dev/null
		kill -TERM "$apid" 2>/dev/null
		for i in $(seq 100); do kill -0 "$apid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$apid" 2>/dev/null
		wait "$apid" 2>/dev/null
	fi
	[ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null && wait "$sleeper" 2>/dev/null
	if [ -n "$syslogd" ]; then kill "$syslogd" 2>/dev/null; wait "$syslogd" 2>/dev/null; fi
	[ "$devlog_ours" = 1 ] && rm -f /dev/log
	cgroups_remove "$P"
	[ "$runs" -gt 0 ] && [ -e /run/auditd.pid ] && ! kill -0 "$(cat /run/auditd.pid)" 2>/dev/null && rm -f /run/auditd.pid
	[ "$rc" -eq 0 ] && audit_check
	[ "$rc" -eq 0 ] || { echo "--- the plugin's messages"; tail -n 40 "$TMP/plugin.err" 2>/dev/null; }
}
mkdir -p "$P/c1" "$P/c2" || skip "cannot create $P/c1"

# syslog: auditd reports its queue overflow there, and so does the plugin; a listener
# of the test's own on /dev/log when no syslog daemon has it
if [ ! -e /dev/log ]; then
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "ab", buffering=0)
while True:
    out.write(s.recv(65536) + b"\n")' "$TMP/syslog" &
	syslogd=$!
	devlog_ours=1
	for i in $(seq 100); do [ -S /dev/log ] && break; sleep 0.1; done
	[ -S /dev/log ] || fail "the test's /dev/log listener did not start"
else
	echo "NOTE: /dev/log exists (a syslog daemon runs): the syslog messages are not checked"
fi

# auditd's configuration: its log, its plugins, the queue depth per run
mkdir -p "$TMP/conf" "$TMP/plugins" "$TMP/log"
chmod 0750 "$TMP/conf" "$TMP/plugins"
# the plugin: the shipped configuration, active, pointing at a wrapper that adds the test's
# options (auditd before 4.0.1 passes at most two args, and no environment)
# (and SCMPLOG_SELF_CONFINE of the test's, for tests/self/learn.sh)
cat >"$TMP/plugin" <<EOF
#!/bin/sh
${SCMPLOG_SELF_CONFINE:+export SCMPLOG_SELF_CONFINE='$SCMPLOG_SELF_CONFINE'}
exec "$SCMPLOG" "\$@" --out-dir "$TMP/prof" --plain-runc --cgroup /scmplogaudisp --interval 3600 -v 2>>"$TMP/plugin.err"
EOF
chmod 0750 "$TMP/plugin"
sed -e 's/^active = no$/active = yes/' -e "s|^path = .*|path = $TMP/plugin|" "$TOP/packaging/audit/scmplog.conf" \
	>"$TMP/plugins/scmplog.conf"
chmod 0640 "$TMP/plugins/scmplog.conf"
grep -qx 'args = collect --source=audisp' "$TMP/plugins/scmplog.conf" || fail "the shipped args changed"

# auditd_start QDEPTH: auditd in the foreground, its pid in apid, once its plugin collects
auditd_start() {
	cat >"$TMP/conf/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $TMP/log/audit.log
log_group = root
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 100
num_logs = 2
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
name_format = NONE
q_depth = $1
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = $TMP/plugins
EOF
	chmod 0640 "$TMP/conf/auditd.conf"
	"$AUDITD" -n -s nochange -c "$TMP/conf" >>"$TMP/auditd.out" 2>&1 </dev/null &
	apid=$!
	runs=$((runs + 1))
	for i in $(seq 300); do
		[ "$(grep -c '^scmplog: collecting ' "$TMP/plugin.err" 2>/dev/null)" -ge "$runs" ] && break
		kill -0 "$apid" 2>/dev/null || { cat "$TMP/auditd.out" "$TMP/plugin.err" "$TMP/syslog" 2>/dev/null; fail "auditd exited"; }
		sleep 0.1
	done
	[ "$(grep -c '^scmplog: collecting ' "$TMP/plugin.err" 2>/dev/null)" -ge "$runs" ] ||
		{ cat "$TMP/auditd.out" "$TMP/plugin.err" "$TMP/syslog" 2>/dev/null; fail "the plugin did not start collecting (30 s)"; }
	[ "$(audit_pid)" = "$apid" ] || fail "auditd (pid $apid) is not the audit daemon: $(audit_pid)"
}
# auditd_stop: SIGTERM to auditd (again every 5 s: one that comes while auditd starts is
# lost); its plugin reads to the end of its input, writes, exits 0
auditd_stop() {
	local i
	for i in $(seq 300); do
		[ $((i % 50)) = 1 ] && kill -TERM "$apid" 2>/dev/null
		[ "$(grep -c 'SECCOMP records read from auditd' "$TMP/plugin.err")" -ge "$runs" ] &&
			! kill -0 "$apid" 2>/dev/null && break
		sleep 0.1
	done
	kill -0 "$apid" 2>/dev/null && fail "auditd (pid $apid) still runs 30 s after SIGTERM"
	wait "$apid"
	apid=
	[ "$(grep -c 'SECCOMP records read from auditd' "$TMP/plugin.err")" -ge "$runs" ] ||
		{ cat "$TMP/plugin.err"; fail "the plugin did not write its summary after auditd stopped"; }
	[ "$(audit_pid)" = 0 ] || fail "the audit pid slot was not freed: $(audit_pid)"
}
# exited PID: up to 30 s until PID is gone (or a zombie no one reaped yet)
exited() {
	local i st
	for i in $(seq 300); do
		st=$(sed -n 's/.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
	done
	return 1
}
plugin_pid() { pgrep -f "^$SCMPLOG collect --source=audisp" | head -n 1; }
# in_c1 CMD...: CMD in the container cgroup c1, under the shipped log-everything profile, in a
# shell that stays a second after it: records read late (auditd passes them on; the machine
# may be busy) are of a child whose parent still lives in the container, not of a pid that
# may be reused by then
in_c1() {
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$P/c1" "$SCMPLOG" exec --profile "$LOGP" -- \
		sh -c '"$@" && sleep 1' _ "$@"
}
has() { [ -f "$TMP/prof/c1.json" ] && profile_names "$TMP/prof/c1.json" | grep -qx "$1"; }

# A process that stays in c1: the container never goes, its file is written only on
# SIGHUP, at the end of the input, or every --interval (an hour).
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 600' _ "$P/c1" &
sleeper=$!

# 1. first half, then a reload of auditd: SIGHUP to the plugin writes c1.json
auditd_start 2000
pid1=$(plugin_pid)
[ -n "$pid1" ] || fail "no plugin process"
in_c1 "$TMP/getppid-loop" 100 || fail "the first workload failed"
# a reload (again each second: the records may still be on their way) writes the profiles
for i in $(seq 300); do
	[ $((i % 10)) = 1 ] && kill -HUP "$apid"
	has getppid && break
	sleep 0.1
done
has getppid || { cat "$TMP/plugin.err"; fail "c1.json lacks getppid after auditd's SIGHUP (30 s)"; }
kill -0 "$pid1" 2>/dev/null || fail "the plugin exited on SIGHUP"
[ "$(plugin_pid)" = "$pid1" ] || fail "auditd restarted the plugin on SIGHUP"
! has sysinfo || fail "c1.json has sysinfo before the second half"

# 2. auditd restarted: the second plugin resumes from c1.json
auditd_stop
exited "$pid1" || fail "the first plugin still runs 30 s after auditd stopped"
contains "$TMP/plugin.err" "end of the input (auditd stopped), writing the profiles"
auditd_start 2000
in_c1 "$TMP/noise" 0.3 nofilter || fail "the second workload failed"
auditd_stop
contains "$TMP/plugin.err" "resuming from '$TMP/prof/c1.json'"
has getppid || fail "the restart lost getppid (the first half)"
has sysinfo || { cat "$TMP/plugin.err"; fail "c1.json lacks sysinfo (the second half)"; }
grep -q 'attributed to 1 container.* 0 lost$' "$TMP/plugin.err" || { cat "$TMP/plugin.err"; fail "the runs lost records"; }
check_loads "$TMP/prof/c1.json"

# 3. the plugin queue overflows: q_depth 4, the plugin stopped while 3000 records come
from=$(($(wc -l <"$TMP/log/audit.log") + 1))
since() { tail -n +"$from" "$TMP/log/audit.log"; }
auditd_start 4
pid3=$(plugin_pid)
kill -STOP "$pid3"
in_c1 "$TMP/getppid-loop" 3000 || fail "the burst failed"
# everything auditd took is in its log (auditd writes before it queues for the plugins)
for i in $(seq 600); do
	[ "$(since | grep -c 'type=SECCOMP.* syscall=110 ')" -ge 3000 ] && break
	sleep 0.1
done
[ "$(since | grep -c 'type=SECCOMP.* syscall=110 ')" -ge 3000 ] || fail "auditd did not log the burst's 3000 getppid records"
kill -CONT "$pid3"
# records after the dropped ones, so that their serials are holes below the highest seen:
# the plugin has them once c2.json is written (a second after its process exited); the
# process lives 2 s, while the plugin catches up (its --cgroup is decided on a live process)
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" 2' _ "$P/c2" "$TMP/noise" || fail "the marker workload failed"
for i in $(seq 300); do
	[ -f "$TMP/prof/c2.json" ] && profile_names "$TMP/prof/c2.json" | grep -qx sysinfo && break
	sleep 0.1
done
[ -f "$TMP/prof/c2.json" ] || {
	cat "$TMP/plugin.err"; grep -a -v 'scmplog\[' "$TMP/syslog" 2>/dev/null | tail -n 5
	grep State "/proc/$pid3/status"; since | grep -v syscall=110 | tail -n 5
	fail "no c2.json after the burst (30 s)"
}
auditd_stop
tail -n 20 "$TMP/plugin.err"
summary=$(grep 'SECCOMP records read from auditd' "$TMP/plugin.err" | tail -n 1)
lost=$(echo "$summary" | sed -n 's/.* \([0-9]*\) lost$/\1/p')
[ -n "$lost" ] && [ "$lost" -gt 0 ] || fail "no loss reported after the queue overflowed: $summary"
contains "$TMP/plugin.err" "never reached this plugin (serial gaps): auditd drops what its queue to the plugins cannot take"
# the burst's records the plugin did not get are among the serials it counted missing
read3=$(echo "$summary" | sed -n 's/.*scmplog: \([0-9]*\) SECCOMP records read.*/\1/p')
logged=$(since | grep -c 'type=SECCOMP')
kernel=$(since | grep -v 'type=DAEMON_' | grep -c 'msg=audit(')
echo "overflow run: auditd logged $logged SECCOMP records ($kernel of the kernel in all), the plugin read $read3, $lost lost"
[ "$read3" -lt "$logged" ] || fail "the plugin read every record: the queue did not overflow"
# every SECCOMP record it missed is counted; nothing more than the records auditd had
[ "$lost" -ge $((logged - read3)) ] || fail "$lost lost reported, but $((logged - read3)) SECCOMP records never came"
[ "$lost" -le "$kernel" ] || fail "$lost lost reported, more than the $kernel records auditd had"
if [ "$devlog_ours" = 1 ]; then
	contains "$TMP/syslog" "queue to plugins is full - dropping event"
	grep -a "auditd\[" "$TMP/syslog" | grep -a -i "queue" | sed "s/^<[0-9]*>[A-Z][a-z]* *[0-9]* [0-9:]* //" | sort | uniq -c
	contains "$TMP/syslog" "scmplog["
	grep -a 'scmplog\[' "$TMP/syslog" | grep -q 'warning: lost: [0-9]* record.* never reached this plugin' ||
		{ grep -a scmplog "$TMP/syslog"; fail "the loss is not in syslog"; }
fi
# a build with -fsanitize (SCMPLOG=build-asan/scmplog) says nothing either
lacks "$TMP/plugin.err" "ERROR: AddressSanitizer"
lacks "$TMP/plugin.err" "ERROR: LeakSanitizer"
lacks "$TMP/plugin.err" "runtime error"
check_tree_loads "$TMP/prof"
exit 0
