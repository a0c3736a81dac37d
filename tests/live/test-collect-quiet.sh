#!/usr/bin/env bash
# As the audit daemon, collect's main thread sends the kernel no request while
# records flow (the slot and lost-counter checks ask on a thread of their own):
# audit_receive() makes every sender, the daemon too, wait for backlog room (up
# to backlog_wait_time) while the backlog is over its limit, which is when
# records flow fastest; its queue then fills and the socket overflows
# (KERNEL-NOTES, "The daemon's own requests under load").  The slot check was
# quiet already; the loss account of each --interval asked for the kernel's
# lost counter (AUDIT_GET) every time, and test-collect-load lost a million
# records beside two CPU hogs.  Counted with strace: the AUDIT_GET requests sent
# while a flood of records runs, from 2 s after its start to its end.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "no strace"
pid=$(audit_pid)
if [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
	skip "SKIPPED, NOT PASSED: an audit daemon ($(cat /proc/$pid/comm 2>/dev/null), pid $pid) holds the slot"
fi
TOP=$(cd "$(dirname "$0")/../.." && pwd)
build_helper getppid-loop
collector= tracer= flood=
cleanup() {
	local rc=$?
	[ -n "$flood" ] && kill -KILL "$flood" 2>/dev/null
	[ -n "$collector" ] && kill -TERM "$collector" 2>/dev/null
	# not found yet: whatever strace started (a signal to strace would only detach it)
	[ -z "$collector" ] && [ -n "$tracer" ] && pkill -TERM -P "$tracer" 2>/dev/null
	[ -n "$tracer" ] && wait "$tracer" 2>/dev/null
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
# --seccomp-bpf: only sendto stops the collector (a trace of every syscall slows it so
# much that it never catches up, and no quiet stretch happens)
strace --seccomp-bpf -f -ttt -e trace=sendto -e signal=none -o "$TMP/st" \
	"$SCMPLOG" collect -v --source daemon --interval 1 --out-dir "$TMP/out" >/dev/null 2>"$TMP/c.err" &
tracer=$!
wait_contains "$TMP/c.err" "collecting" 60
# the signals go to collect itself (strace would detach on them)
# (scmplog-learn: confined in learn mode, as make check-self-profile runs the suite)
collector=$(pgrep -P "$tracer" -x 'scmplog|scmplog-learn')
[ -n "$collector" ] || fail "no scmplog under strace $tracer"
main=$collector # its main thread's tid
# records of a host process: read, counted, not learned
t0=$(date +%s.%N)
"$SCMPLOG" exec -q -p "$TOP/profiles/log-everything.json" -- "$TMP/getppid-loop" 2000000000 & flood=$!
# A quiet stretch in the flood, as a busy machine makes them (the flood or
# kauditd kept off the CPU for a second): the flood is stopped for 3 s once
# the collector has caught up with its first half second.  The slot check
# then asks who holds the slot; the main thread asked, and when the backlog
# was full it waited in audit_receive() while its queue filled.  Then 5 s
# more of flow (the loop runs until killed).
sleep 0.5
kill -STOP "$flood"
sleep 3
kill -CONT "$flood"
end=$((SECONDS + 5))
while [ "$SECONDS" -lt "$end" ]; do
	kill -0 "$flood" 2>/dev/null || fail "the flood ended early"
	sleep 0.2
done
t1=$(date +%s.%N)
kill -KILL "$flood" 2>/dev/null
# a task waiting for backlog room cannot die until there is room: the collector read nothing
for i in $(seq 300); do kill -0 "$flood" 2>/dev/null || break; sleep 0.1; done
kill -0 "$flood" 2>/dev/null && fail "the flood still waits for backlog room 30 s after SIGKILL: the collector stopped reading (held in audit_receive() by a request of its own?)"
wait "$flood" 2>/dev/null
flood=
kill -TERM "$collector"
wait "$tracer" || { tail "$TMP/c.err"; fail "collect failed"; }
collector= tracer=
grep -q "SECCOMP records read as the audit daemon" "$TMP/c.err" || { cat "$TMP/c.err"; fail "collect did not read as the audit daemon"; }
# strace -ttt: seconds since the epoch, as t0 and t1
# the main thread's (its tid is the pid): the checks' own thread may ask, and
# wait for backlog room, while the main thread goes on reading
gets=$(awk -v a="$t0" -v b="$t1" -v m="$main" '/sendto/ && /AUDIT_GET/ && $1 == m && $2 >= a + 2 && $2 <= b { n++ } END { print n + 0 }' "$TMP/st")
all=$(grep -c "AUDIT_GET" "$TMP/st")
records=$(sed -nE 's/^scmplog: ([0-9]+) SECCOMP records.*/\1/p' "$TMP/c.err")
others=$(awk -v m="$main" '/sendto/ && /AUDIT_GET/ && $1 != m { n++ } END { print n + 0 }' "$TMP/st")
echo "AUDIT_GET by the main thread while the records flowed: $gets (in all: $all, $others of them by the checks' thread); records read: $records"
[ "${records:-0}" -gt 10000 ] || fail "the flood gave only ${records:-0} records: the scenario did not happen"
[ "$all" -gt 0 ] || fail "no AUDIT_GET at all: strace did not decode the requests"
[ "$gets" -eq 0 ] || { grep AUDIT_GET "$TMP/st" | head; fail "$gets AUDIT_GET requests sent by the main thread while records flowed"; }
audit_check
exit 0
