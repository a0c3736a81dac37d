#!/usr/bin/env bash
# The fleet's audit path: a node auditd (the audit daemon, name_format user,
# "node-a") passes its records to audisp-remote (Debian's audispd-plugins),
# which sends them over TCP to a central auditd (local_events = no,
# tcp_listen_port on 127.0.0.1) whose plugin is scmplog, from the shipped
# packaging/audit/scmplog.conf, with --split-by host.  The central profile of
# node-a equals what the node's own audit.log gives, the records counted are
# the node's, and nothing is lost.  Both auditds write /run/auditd.pid and
# audisp-remote reads only /etc/audit/audisp-remote.conf: the central auditd
# runs in a mount namespace of its own with /run a tmpfs, and audisp-remote in
# one where the test's configuration is bound over that file.
. "$(dirname "$0")/lib.sh"
AUDITD=$(command -v auditd || echo /sbin/auditd)
[ -x "$AUDITD" ] || fail "auditd is not installed (package auditd): sudo sh tests/install-deps.sh"
AR=/sbin/audisp-remote
if [ ! -x "$AR" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends audispd-plugins >"$TMP/apt.log" 2>&1 ||
		skip "SKIP, NOT TESTED: audispd-plugins cannot be installed: $(tail -n 1 "$TMP/apt.log")"
fi
[ -f /etc/audit/audisp-remote.conf ] || fail "/etc/audit/audisp-remote.conf is missing (audispd-plugins)"
command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
[ "$(audit_pid)" = 0 ] || skip "an audit daemon runs (pid $(audit_pid)): this test starts its own auditd"
[ -e /run/auditd.pid ] && skip "/run/auditd.pid exists: an auditd runs (or ran) here"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LOGP=$TOP/profiles/log-everything.json
node= central= started_node=0
stop() { # stop PID: SIGTERM (again every 5 s), up to 30 s, then SIGKILL
	local i
	[ -n "$1" ] || return 0
	for i in $(seq 300); do
		kill -0 "$1" 2>/dev/null || break
		[ $((i % 50)) = 1 ] && kill -TERM "$1" 2>/dev/null
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
cleanup_test() {
	local rc=$1
	stop "$node"
	stop "$central"
	[ "$started_node" = 1 ] && [ -e /run/auditd.pid ] && ! kill -0 "$(cat /run/auditd.pid)" 2>/dev/null && rm -f /run/auditd.pid
	[ "$rc" -eq 0 ] && audit_check
	[ "$rc" -eq 0 ] || { rm -rf /tmp/fleet-audisp.last; cp -r "$TMP" /tmp/fleet-audisp.last; }
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TMP/nconf" "$TMP/nplugins" "$TMP/nlog" "$TMP/cconf" "$TMP/cplugins" "$TMP/clog" "$TMP/spool"
chmod 0750 "$TMP/nconf" "$TMP/nplugins" "$TMP/cconf" "$TMP/cplugins"
conf() { # conf LOGDIR PLUGINDIR EXTRA...: an auditd.conf
	printf '%s\n' "write_logs = yes" "log_file = $1/audit.log" "log_group = root" "log_format = RAW" \
		"flush = INCREMENTAL_ASYNC" "freq = 50" "max_log_file = 100" "num_logs = 2" \
		"max_log_file_action = IGNORE" "space_left = 2" "space_left_action = IGNORE" "admin_space_left = 1" \
		"admin_space_left_action = IGNORE" "disk_full_action = IGNORE" "disk_error_action = IGNORE" \
		"q_depth = 4000" "overflow_action = SYSLOG" "max_restarts = 10" "plugin_dir = $2" "${@:3}"
}
# the central server: receives only, its plugin scmplog (the shipped configuration, through a
# wrapper that adds the test's options: auditd before 4.0.1 passes at most two args)
conf "$TMP/clog" "$TMP/cplugins" "local_events = no" "name_format = NONE" "tcp_listen_port = $port" \
	"tcp_listen_queue = 5" "tcp_max_per_addr = 1" "use_libwrap = no" "tcp_client_ports = 1-65535" \
	"tcp_client_max_idle = 0" "transport = TCP" "distribute_network = yes" >"$TMP/cconf/auditd.conf"
cat >"$TMP/cplugin" <<EOF
#!/bin/sh
exec "$SCMPLOG" "\$@" --split-by host --out-dir "$TMP/prof" --interval 3600 -v 2>>"$TMP/plugin.err"
EOF
sed -e 's/^active = no$/active = yes/' -e "s|^path = .*|path = $TMP/cplugin|" "$TOP/packaging/audit/scmplog.conf" \
	>"$TMP/cplugins/scmplog.conf"
# the node: the audit daemon, its records named node-a, passed on to audisp-remote
conf "$TMP/nlog" "$TMP/nplugins" "local_events = yes" "name_format = user" "name = node-a" >"$TMP/nconf/auditd.conf"
sed -e "s|@PORT@|$port|" -e "s|@SPOOL@|$TMP/spool|" -e "s|@QUEUE@|10240|" "$DATA/fleet/audisp-remote.conf.in" >"$TMP/ar.conf"
cat >"$TMP/arplugin" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount --bind "\$0" /etc/audit/audisp-remote.conf && exec $AR' "$TMP/ar.conf" 2>>"$TMP/ar.err"
EOF
printf '%s\n' "active = yes" "direction = out" "path = $TMP/arplugin" "type = always" "format = string" \
	>"$TMP/nplugins/au-remote.conf"
chmod 0640 "$TMP"/cconf/auditd.conf "$TMP"/nconf/auditd.conf "$TMP"/cplugins/* "$TMP"/nplugins/* "$TMP/ar.conf"
chmod 0750 "$TMP/cplugin" "$TMP/arplugin"

unshare -m sh -c 'mount -t tmpfs tmpfs /run && exec "$0" -n -s nochange -c "$1"' "$AUDITD" "$TMP/cconf" \
	>"$TMP/central.out" 2>&1 </dev/null & central=$!
for _ in $(seq 300); do
	ss -ltn "sport = :$port" | grep -q LISTEN && grep -q '^scmplog: collecting ' "$TMP/plugin.err" 2>/dev/null && break
	kill -0 "$central" 2>/dev/null || { cat "$TMP/central.out" "$TMP/plugin.err" 2>/dev/null; fail "the central auditd exited"; }
	sleep 0.1
done
ss -ltn "sport = :$port" | grep -q LISTEN || { cat "$TMP/central.out"; fail "the central auditd does not listen on $port (30 s)"; }
"$AUDITD" -n -s nochange -c "$TMP/nconf" >"$TMP/node.out" 2>&1 </dev/null & node=$!
started_node=1
for _ in $(seq 300); do
	[ "$(audit_pid)" = "$node" ] && ss -tn "dport = :$port" | grep -q ESTAB && break
	kill -0 "$node" 2>/dev/null || { cat "$TMP/node.out" "$TMP/ar.err" 2>/dev/null; fail "the node auditd exited"; }
	sleep 0.1
done
[ "$(audit_pid)" = "$node" ] || fail "the node auditd (pid $node) is not the audit daemon: $(audit_pid)"
ss -tn "dport = :$port" | grep -q ESTAB || { cat "$TMP/ar.err" "$TMP/node.out"; fail "audisp-remote did not connect (30 s)"; }

# the workload: /bin/true under the learning profile, three times
for _ in 1 2 3; do
	"$SCMPLOG" exec -q -p "$LOGP" -- /bin/true || fail "exec failed"
done
# the node's own log holds them once /bin/true's exit_group is there; then the central one
n_log() { grep -c 'type=SECCOMP .*exe="/usr/bin/true"' "$1" 2>/dev/null; }
for _ in $(seq 300); do [ "$(n_log "$TMP/nlog/audit.log")" -ge 3 ] &&
	grep -q 'exe="/usr/bin/true".* syscall=231 ' "$TMP/nlog/audit.log" && break; sleep 0.1; done
want=$(n_log "$TMP/nlog/audit.log")
for _ in $(seq 300); do [ "$(n_log "$TMP/clog/audit.log")" -ge "$want" ] && break; sleep 0.1; done
[ "$(n_log "$TMP/clog/audit.log")" = "$want" ] ||
	{ cat "$TMP/ar.err"; fail "the central log has $(n_log "$TMP/clog/audit.log") of the node's $want records of /bin/true"; }
grep -q '^node=node-a type=SECCOMP' "$TMP/clog/audit.log" || fail "the central log's records are not named node=node-a"

# stop the node (its records all sent), then the central server: its plugin writes
stop "$node"
node=
for _ in $(seq 100); do [ "$(audit_pid)" = 0 ] && break; sleep 0.1; done
stop "$central"
central=
grep -q 'SECCOMP records read from auditd' "$TMP/plugin.err" || { cat "$TMP/plugin.err"; fail "the plugin wrote no summary"; }
[ -f "$TMP/prof/node-a.json" ] || { ls "$TMP/prof"; cat "$TMP/plugin.err"; fail "no profile for node-a"; }
# the node alone: its own log, /bin/true's records, per host
"$SCMPLOG" build -q --exe /usr/bin/true --split-by host --out-dir "$TMP/alone" "$TMP/nlog/audit.log" ||
	fail "build of the node's log failed"
"$SCMPLOG" build -q --exe /usr/bin/true --split-by host --out-dir "$TMP/cent" "$TMP/clog/audit.log" ||
	fail "build of the central log failed"
same "$TMP/cent/node-a.json" "$TMP/alone/node-a.json"
# the plugin learned every record of node-a (all programs): /bin/true's are among them
for s in $(profile_names "$TMP/alone/node-a.json"); do
	profile_names "$TMP/prof/node-a.json" | grep -x "$s" >/dev/null || fail "the plugin's node-a.json lacks $s"
done
check_loads "$TMP/prof/node-a.json"
grep -E 'SECCOMP records read from auditd.* 0 lost' "$TMP/plugin.err" >/dev/null ||
	{ cat "$TMP/plugin.err"; fail "the plugin reports records lost on the way"; }
echo ok
