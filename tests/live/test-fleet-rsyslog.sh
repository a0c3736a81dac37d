#!/usr/bin/env bash
# The fleet's syslog path: a node rsyslogd (started here) reads the kernel's
# messages from /dev/kmsg (imkmsg), where the kernel prints SECCOMP records
# when no audit daemon runs, keeps them in a local file and forwards them over
# TCP (omfwd) to a central rsyslogd (imtcp on 127.0.0.1) that writes them to
# its file.  `scmplog build --split-by host` of the central file writes the
# node's profile, equal to the node's own file's, with the same loss reported
# (the kernel's printk rate limit: "N callbacks suppressed"), and
# `collect --follow-file` of the central file the same.
. "$(dirname "$0")/lib.sh"
command -v rsyslogd >/dev/null || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rsyslog >"$TMP/apt.log" 2>&1 ||
		skip "SKIP, NOT TESTED: rsyslog cannot be installed: $(tail -n 1 "$TMP/apt.log")"
}
[ "$(audit_pid)" = 0 ] || skip "an audit daemon runs: the kernel does not print its records"
node= central= collector=
stop_pid() { [ -n "$1" ] && kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null; return 0; }
cleanup_test() {
	stop_pid "$collector"
	stop_pid "$node"
	stop_pid "$central"
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TMP/cw" "$TMP/nw"
cat >"$TMP/central.conf" <<CONF
global(workDirectory="$TMP/cw")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="$port" ruleset="fleet")
ruleset(name="fleet") {
	action(type="omfile" file="$TMP/central.log" template="RSYSLOG_FileFormat")
}
CONF
cat >"$TMP/node.conf" <<CONF
global(workDirectory="$TMP/nw")
module(load="imkmsg")
if \$msg contains "scmplog-fleet-ready" then {
	action(type="omfile" file="$TMP/ready.log")
	stop
}
if \$msg contains "type=1326" or \$msg contains "callbacks suppressed" then {
	action(type="omfile" file="$TMP/node.log" template="RSYSLOG_FileFormat")
	action(type="omfwd" target="127.0.0.1" port="$port" protocol="tcp" template="RSYSLOG_ForwardFormat"
	       queue.type="LinkedList" action.resumeRetryCount="-1")
}
CONF
rsyslogd -N1 -f "$TMP/central.conf" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "central rsyslog.conf refused"; }
rsyslogd -N1 -f "$TMP/node.conf" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "node rsyslog.conf refused"; }
# the guide's configurations (packaging/fleet/README.md) are what rsyslogd takes
python3 - "$DATA/../../packaging/fleet/README.md" "$TMP/guide" <<'PY' || fail "no rsyslog configuration in the fleet guide"
import re, sys
blocks = re.findall(r"^```rsyslog\n(.*?)^```", open(sys.argv[1]).read(), re.S | re.M)
assert len(blocks) == 2, blocks
for i, b in enumerate(blocks):
    open(f"{sys.argv[2]}-{i}.conf", "w").write(b)
PY
for g in "$TMP"/guide-*.conf; do
	mkdir -p "$g.d"
	printf 'global(workDirectory="%s.d")\n' "$g" | cat - "$g" >"$g.full"
	rsyslogd -N1 -f "$g.full" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "rsyslogd refuses the guide's $(head -n 1 "$g")"; }
done
rsyslogd -n -f "$TMP/central.conf" -i "$TMP/central.pid" >"$TMP/central.out" 2>&1 & central=$!
for _ in $(seq 100); do
	ss -ltn "sport = :$port" | grep -q LISTEN && break
	kill -0 "$central" 2>/dev/null || { cat "$TMP/central.out"; fail "central rsyslogd exited"; }
	sleep 0.1
done
# imkmsg opens /dev/kmsg at the buffer's first record and then reads it once
# (read(fd, NULL, 0)) to see that it can: when a printk overwrote that first
# record in between (the buffer is full and something printed), the read says
# EPIPE and rsyslogd 8.2302 runs on without its kernel input ("imkmsg: cannot
# open kernel log ... Broken pipe").  So the node is ready when a line written
# to /dev/kmsg comes back through it, and is started again when imkmsg gave up.
node_ready=
for attempt in 1 2 3 4 5; do
	rsyslogd -n -f "$TMP/node.conf" -i "$TMP/node.pid" >"$TMP/node.out" 2>&1 & node=$!
	for i in $(seq 120); do
		grep -q "scmplog-fleet-ready" "$TMP/ready.log" 2>/dev/null && { node_ready=1; break; }
		grep -q "imkmsg: cannot open kernel log" "$TMP/node.out" && break
		kill -0 "$node" 2>/dev/null || break
		echo "scmplog-fleet-ready $attempt.$i" >/dev/kmsg
		sleep 0.5
	done
	[ -n "$node_ready" ] && break
	echo "node rsyslogd not ready (attempt $attempt): $(tr '\n' ' ' <"$TMP/node.out")" >&2
	stop_pid "$node"
	node=
	rm -f "$TMP/node.pid"
done
[ -n "$node_ready" ] || fail "the node's rsyslogd never read /dev/kmsg"

# the workload: /bin/true under the learning profile; the kernel prints its records
for _ in 1 2 3; do
	"$SCMPLOG" exec -q -p "$DATA/../../profiles/log-everything.json" -- /bin/true || fail "exec failed"
done
host=$(hostname)
sane=$(printf '%s' "$host" | tr -c 'A-Za-z0-9._-' '_')
b() { # b NAME FILE: NAME's per-host profile of /bin/true, and the summary in NAME.err
	rm -rf "$TMP/$1"
	"$SCMPLOG" build --exe /usr/bin/true --split-by host --out-dir "$TMP/$1" "$2" 2>"$TMP/$1.err"
}
# imkmsg reads the kernel's buffer from its start: the node file holds this run's
# records once /bin/true's exit_group is there (60 s at most)
for _ in $(seq 300); do
	b n "$TMP/node.log" && grep -q 'exe="/usr/bin/true".* syscall=231 ' "$TMP/node.log" && break
	sleep 0.2
done
[ -f "$TMP/n/$sane.json" ] || { cat "$TMP/n.err" "$TMP/node.out"; fail "the node's file has no record of /bin/true"; }
for _ in $(seq 300); do
	b c "$TMP/central.log" && cmp -s "$TMP/node.log" "$TMP/central.log" && diff -r "$TMP/n" "$TMP/c" >/dev/null && break
	sleep 0.2
done
diff -r "$TMP/n" "$TMP/c" || { cat "$TMP/c.err" "$TMP/node.out" "$TMP/central.out"; fail "the central file's profile differs from the node's"; }
load_written "$TMP/c/$sane.json"
# the same records read and the same loss said
grep -v "profiles written to" "$TMP/n.err" | grep -E "records|suppressed|lost" | sed "s|$TMP/node.log|FILE|g" >"$TMP/n.sum"
grep -v "profiles written to" "$TMP/c.err" | grep -E "records|suppressed|lost" | sed "s|$TMP/central.log|FILE|g" >"$TMP/c.sum"
same "$TMP/c.sum" "$TMP/n.sum"
if grep -q "callbacks suppressed" "$TMP/node.log"; then
	grep -E "suppressed|lost" "$TMP/c.err" >/dev/null || { cat "$TMP/c.err"; fail "the kernel's suppressed records are not reported"; }
fi

# collect follows the central file as rsyslog writes it
"$SCMPLOG" collect --follow-file "$TMP/central.log" --from-start --split-by host --out-dir "$TMP/coll" --interval 1 \
	>/dev/null 2>"$TMP/coll.err" & collector=$!
for _ in $(seq 300); do [ -f "$TMP/coll/$sane.json" ] && break; sleep 0.2; done
stop_pid "$collector"
collector=
[ -f "$TMP/coll/$sane.json" ] || { cat "$TMP/coll.err"; fail "collect --follow-file wrote no profile for '$host'"; }
for s in $(profile_names "$TMP/c/$sane.json"); do
	profile_names "$TMP/coll/$sane.json" | grep -x "$s" >/dev/null || fail "collect's host profile lacks $s"
done
audit_check
echo ok
