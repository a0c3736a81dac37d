#!/usr/bin/env bash
# scmplog confines itself once its sources are open.  Proven from outside on
# the running collector, on run's parent and on explain --follow: inject-syscall.c (ptrace) makes
# the process call socket() and execve() itself, and both fail with EPERM
# (the filter; unconfined they give a descriptor and EFAULT), the
# denial is logged by the kernel (an independent multicast reader sees the
# SECCOMP record of that pid), capabilities and the bounding set hold only
# what the command keeps, no_new_privs is set.  The audit netlink reader
# thread has the same filter (the same calls fail) and no capability.  With --no-self-confine the
# same socket() call succeeds: the test can fail.
. "$(dirname "$0")/lib.sh"
[ "$(uname -m)" = x86_64 ] || skip "inject-syscall.c is x86_64 only"
build_helper inject-syscall

pids=()
cleanup_test() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}

# CAP_* numbers: audit_write 29, audit_control 30, audit_read 37, net_admin 12,
# dac_read_search 2, kill 5, syslog 34
mask() { local m=0 c; for c in "$@"; do m=$((m | (1 << c))); done; printf '%016x' "$m"; }

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# the process makes syscall NR with ARGS itself; prints its return value (-errno)
poke() { "$TMP/inject-syscall" "$@"; }


python3 "$(dirname "$0")/audit-mcast.py" "$TMP/mcast.txt" "$TMP/mcast.ready" & pids+=($!)
for i in $(seq 50); do [ -e "$TMP/mcast.ready" ] && break; sleep 0.1; done
[ -e "$TMP/mcast.ready" ] || fail "the multicast reader did not start"

# denied TID WHAT: socket(AF_UNIX, SOCK_DGRAM) and execve(NULL), made by the
# thread TID itself, fail with EPERM
denied() {
	local got
	got=$(poke "$1" 41 1 2 0)
	[ "$got" = -1 ] || fail "$2: socket(AF_UNIX, SOCK_DGRAM) once confined gave '$got', expected -1 (-EPERM)"
	got=$(poke "$1" 59 0 0 0)
	[ "$got" = -1 ] || fail "$2: execve(NULL) once confined gave '$got', expected -1 (-EPERM; unconfined: -14)"
}

check_confined() {   # PID WHAT KEPT-MASK
	local pid=$1 what=$2 want=$3 got
	[ "$(status_field "$pid" Seccomp)" = 2 ] || fail "$what: no seccomp filter (Seccomp: $(status_field "$pid" Seccomp))"
	[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || fail "$what: no_new_privs not set"
	for f in CapEff CapPrm CapBnd; do
		got=$(status_field "$pid" $f)
		[ "$got" = "$want" ] || fail "$what: $f is $got, expected $want"
	done
	[ "$(status_field "$pid" CapInh)" = 0000000000000000 ] || fail "$what: inheritable capabilities left"
	denied "$pid" "$what"
	got=$(poke "$pid" 41 16 3 9)
	[ "$got" = -1 ] || fail "$what: socket(AF_NETLINK, NETLINK_AUDIT) gave '$got', expected -1 (-EPERM)"
	[ -d "/proc/$pid" ] || fail "$what: the process died"
	# the kernel logged the denials (SECCOMP_FILTER_FLAG_LOG): syscall 41 socket, 59 execve, errno action
	for i in $(seq 50); do
		grep -q "pid=$pid .* syscall=59 .*code=0x50000" "$TMP/mcast.txt" && break
		sleep 0.1
	done
	grep -q "pid=$pid .* syscall=41 .*code=0x50000" "$TMP/mcast.txt" || { grep "pid=$pid " "$TMP/mcast.txt" | tail -3; fail "$what: no SECCOMP record of the denied socket()"; }
	grep -q "pid=$pid .* syscall=59 .*code=0x50000" "$TMP/mcast.txt" || fail "$what: no SECCOMP record of the denied execve()"
	check_threads "$pid" "$what" 2
}

# The other threads (the audit netlink reader, the status asker): the same
# filter (TSYNC), no capability but the asker's CAP_AUDIT_CONTROL and CAP_AUDIT_WRITE.  PID WHAT SECCOMP-MODE (0: unconfined, only the caps)
check_threads() {
	local pid=$1 what=$2 mode=$3 t tid n=0 f got
	for t in /proc/"$pid"/task/*; do
		tid=${t##*/}
		[ "$tid" = "$pid" ] && continue
		n=$((n + 1))
		[ "$(status_field "$pid/task/$tid" Seccomp)" = "$mode" ] ||
			fail "$what: thread $tid ($(cat "$t/comm")): Seccomp is $(status_field "$pid/task/$tid" Seccomp), expected $mode"
		# the reader drops them all; the status asker keeps CAP_AUDIT_CONTROL (AUDIT_GET)
		# and CAP_AUDIT_WRITE (its "wake" record after a request held for backlog room)
		local keep=0000000000000000
		[ "$(cat "$t/comm")" = scmplog-asker ] && keep=$(mask 29 30)
		for f in CapEff CapPrm; do
			got=$(status_field "$pid/task/$tid" $f)
			[ "$got" = "$keep" ] || fail "$what: thread $tid ($(cat "$t/comm")): $f is $got, expected $keep"
		done
		for f in CapBnd CapInh; do
			got=$(status_field "$pid/task/$tid" $f)
			[ "$got" = 0000000000000000 ] || fail "$what: thread $tid ($(cat "$t/comm")): $f is $got, expected none"
		done
		[ "$(status_field "$pid/task/$tid" NoNewPrivs)" = 1 ] || fail "$what: thread $tid: no_new_privs not set"
		[ "$mode" = 2 ] || continue
		denied "$tid" "$what: thread $tid"
	done
	[ $n -ge 1 ] || fail "$what: no audit netlink reader thread"
	[ -d "/proc/$pid" ] || fail "$what: the process died"
}

# 1. the collector, live (audit daemon or multicast, whichever is free)
"$SCMPLOG" collect -v --out-dir "$TMP/od1" >"$TMP/c.out" 2>"$TMP/c.err" & cpid=$!; pids+=($cpid)
wait_contains "$TMP/c.err" "collect: confined (enforce)" 10
check_confined $cpid collect "$(mask 2 12 29 30 34 37)"
kill -INT $cpid
wait $cpid; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/c.err"; fail "the confined collector exited $rc after SIGINT"; }
contains "$TMP/c.err" "records"
echo "collector: confined, socket/execve denied and logged, exited cleanly"

# 2. run's parent, while CMD runs (CMD itself is not confined by us)
"$SCMPLOG" run -v -o "$TMP/run.json" -- sleep 3 >"$TMP/r.out" 2>"$TMP/r.err" & rpid=$!; pids+=($rpid)
wait_contains "$TMP/r.err" "run: confined (enforce)" 10
check_confined $rpid run "$(mask 2 5 29 30 34 37)"
wait $rpid; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/r.err"; fail "the confined run exited $rc"; }
grep -qx nanosleep <(profile_names "$TMP/run.json") || grep -qx clock_nanosleep <(profile_names "$TMP/run.json") ||
	fail "the confined run did not learn sleep's profile"
echo "run: confined, socket/execve denied and logged, profile written"

# 3. explain --follow, live (it prints what a kernel record says)
"$SCMPLOG" explain -v --follow >"$TMP/x.out" 2>"$TMP/x.err" & xpid=$!; pids+=($xpid)
wait_contains "$TMP/x.err" "explain: confined (enforce)" 10
check_confined $xpid "explain --follow" "$(mask 29 30 34 37)"
kill -INT $xpid
wait $xpid; rc=$?
[ $rc -eq 0 ] || { cat "$TMP/x.err"; fail "the confined explain --follow exited $rc after SIGINT"; }
echo "explain --follow: confined, socket/execve denied and logged, exited cleanly"

# 4. --no-self-confine: the same call succeeds (the checks above can fail)
"$SCMPLOG" collect -v --no-self-confine --out-dir "$TMP/od2" >"$TMP/n.out" 2>"$TMP/n.err" & npid=$!; pids+=($npid)
wait_contains "$TMP/n.err" "not confining itself" 10
[ "$(status_field $npid Seccomp)" = 0 ] || fail "--no-self-confine: a seccomp filter is installed"
got=$(poke $npid 41 1 2 0)
case $got in -*|"") fail "--no-self-confine: socket() gave '$got', expected a descriptor" ;; esac
got=$(poke $npid 59 0 0 0)
[ "$got" = -14 ] || fail "--no-self-confine: execve(NULL) gave '$got', expected -14 (EFAULT)"
check_threads $npid "--no-self-confine" 0
kill -INT $npid; wait $npid
echo "--no-self-confine: unconfined, socket() worked"

# 5. the environment default and a bad value
SCMPLOG_SELF_CONFINE=bogus "$SCMPLOG" collect --out-dir "$TMP/od3" --follow-file /dev/null >/dev/null 2>"$TMP/e.err" &&
	fail "a bad SCMPLOG_SELF_CONFINE was accepted"
contains "$TMP/e.err" "invalid SCMPLOG_SELF_CONFINE='bogus'"
expect_rc 2 "$SCMPLOG" collect --self-confine bogus --out-dir "$TMP/od3"
contains "$TMP/err" "invalid --self-confine 'bogus'"
audit_check
echo "ok"
