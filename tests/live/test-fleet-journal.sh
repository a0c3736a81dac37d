#!/usr/bin/env bash
# The fleet's journal path: a node's journald (started here, volatile) takes
# the kernel's SECCOMP records; systemd-journal-upload sends its journal to a
# central systemd-journal-remote (--listen-http on 127.0.0.1) that writes
# journal files; `scmplog build` of those files with --split-by host writes
# the node's profile, equal to what the node's own journal gives, and
# `collect --journal-dir` over them the same.
. "$(dirname "$0")/lib.sh"
JR=/lib/systemd/systemd-journal-remote
JU=/lib/systemd/systemd-journal-upload
if [ ! -x "$JR" ] || [ ! -x "$JU" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd-journal-remote >"$TMP/apt.log" 2>&1 ||
		skip "SKIP, NOT TESTED: systemd-journal-remote cannot be installed: $(tail -n 1 "$TMP/apt.log")"
fi
journald_need
remote= upload= collector=
stop_pid() { [ -n "$1" ] && kill -TERM "$1" 2>/dev/null && wait "$1" 2>/dev/null; return 0; }
cleanup_test() {
	stop_pid "$collector"
	stop_pid "$upload"
	stop_pid "$remote"
	journald_stop
}

journald_start 'Storage=volatile\nRuntimeMaxUse=64M\nRateLimitBurst=0'
# the workload: /bin/true under the learning profile, three times
for _ in 1 2 3; do
	"$SCMPLOG" exec -q -p "$DATA/../../profiles/log-everything.json" -- /bin/true || fail "exec failed"
done
host=$(hostname)
node() { # the node alone: its own journal
	rm -rf "$TMP/node"
	"$SCMPLOG" build -q --exe /usr/bin/true --split-by host --out-dir "$TMP/node" /run/log/journal/*/*.journal 2>"$TMP/node.err"
}
for _ in $(seq 100); do node && [ -n "$(ls "$TMP/node" 2>/dev/null)" ] && break; sleep 0.2; done
ls "$TMP/node"/*.json >/dev/null 2>&1 || { cat "$TMP/node.err"; fail "the node's journal has no record of /bin/true"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$TMP/central"
"$JR" --listen-http="127.0.0.1:$port" --output="$TMP/central/" >"$TMP/remote.out" 2>&1 & remote=$!
for _ in $(seq 100); do
	ss -ltn "sport = :$port" | grep -q LISTEN && break
	kill -0 "$remote" 2>/dev/null || { cat "$TMP/remote.out"; fail "systemd-journal-remote exited"; }
	sleep 0.1
done
"$JU" --url="http://127.0.0.1:$port" --save-state="$TMP/upload.state" >"$TMP/upload.out" 2>&1 & upload=$!
# the central files hold the node's records once the upload is through (60 s at most)
central() {
	rm -rf "$TMP/cent"
	"$SCMPLOG" build -q --exe /usr/bin/true --split-by host --out-dir "$TMP/cent" "$TMP"/central/*.journal 2>"$TMP/cent.err"
}
for _ in $(seq 300); do
	central && diff -r "$TMP/node" "$TMP/cent" >/dev/null 2>&1 && break
	sleep 0.2
done
diff -r "$TMP/node" "$TMP/cent" || { cat "$TMP/upload.out" "$TMP/remote.out" "$TMP/cent.err"; fail "the central journal's profile differs from the node's"; }
sane=$(printf '%s' "$host" | tr -c 'A-Za-z0-9._-' '_')
ls "$TMP/cent" | grep -qx "$sane.json" || { ls "$TMP/cent"; fail "no profile named after host '$host'"; }
load_written "$TMP/cent/$sane.json"
# the per-host summary counts the same records
"$SCMPLOG" build --exe /usr/bin/true /run/log/journal/*/*.journal -o "$TMP/n.json" 2>"$TMP/n.sum"
"$SCMPLOG" build --exe /usr/bin/true "$TMP"/central/*.journal -o "$TMP/c.json" 2>"$TMP/c.sum"
n=$(grep -o '^scmplog: [0-9]* SECCOMP records read ([0-9]* selected)' "$TMP/n.sum")
c=$(grep -o '^scmplog: [0-9]* SECCOMP records read ([0-9]* selected)' "$TMP/c.sum")
[ -n "$n" ] && [ "${n#* (}" = "${c#* (}" ] || { cat "$TMP/n.sum" "$TMP/c.sum"; fail "selected records differ: node '$n', central '$c'"; }

# collect follows the central directory as journal-remote writes it
"$SCMPLOG" collect --journal-dir "$TMP/central" --split-by host --out-dir "$TMP/coll" --interval 1 \
	>/dev/null 2>"$TMP/coll.err" & collector=$!
for _ in $(seq 300); do [ -f "$TMP/coll/$sane.json" ] && break; sleep 0.2; done
stop_pid "$collector"
collector=
[ -f "$TMP/coll/$sane.json" ] || { cat "$TMP/coll.err"; fail "collect --journal-dir wrote no profile for '$host'"; }
# its summary says what the journal lost on the way (its sequence numbers): nothing here
grep -E "SECCOMP records read from the journal directory: .* 0 lost$" "$TMP/coll.err" >/dev/null ||
	{ cat "$TMP/coll.err"; fail "collect --journal-dir reports a loss, or none"; }
# it learns every record of the host (all programs): /bin/true's syscalls are among them
for s in $(profile_names "$TMP/cent/$sane.json"); do
	profile_names "$TMP/coll/$sane.json" | grep -x "$s" >/dev/null || fail "collect's host profile lacks $s"
done
audit_check
echo ok
