#!/usr/bin/env bash
# SIGTERM, SIGHUP and SIGQUIT to scmplog reach CMD; the audit settings are
# restored; the profile is written; the exit status is CMD's.  Ctrl-C on a
# real terminal (a tmux pane) stops CMD, which the terminal signalled itself:
# 130 and a profile.
. "$(dirname "$0")/lib.sh"

# wait_sig FIELD PID SIG: up to 30 s until /proc/PID/status's FIELD (SigCgt: a handler,
# SigBlk: blocked) holds SIG, a name (no fixed wait for a trap or a handler to be set)
wait_sig() {
	local i n mask
	n=$(kill -l "$3") || fail "no signal $3"
	for i in $(seq 300); do
		mask=$(awk -v f="$1:" '$1 == f { print $2 }' "/proc/$2/status" 2>/dev/null)
		[ -n "$mask" ] && (((0x$mask >> (n - 1)) & 1)) && return 0
		sleep 0.1
	done
	fail "process $2 has no $3 in $1 after 30 s"
}
# child PID NAME: the pid of PID's child NAME, waited for (30 s)
child() {
	local i c
	for i in $(seq 300); do
		c=$(pgrep -P "$1" -x "$2") && { echo "$c"; return 0; }
		sleep 0.1
	done
	fail "no child $2 of $1 after 30 s"
}

"$SCMPLOG" run -v -o "$TMP/t.json" -- sh -c "trap 'kill \$!; echo TERM >$TMP/got; exit 5' TERM; sleep 60 & wait" \
	>"$TMP/out" 2>"$TMP/err" & pid=$!
# the command's shell traps TERM and waits for its sleep
sh=$(child $pid sh) && child "$sh" sleep >/dev/null && wait_sig SigCgt "$sh" TERM
kill -TERM $pid
wait $pid; rc=$?
cat "$TMP/err"
[ "$rc" -eq 5 ] || fail "exit status $rc, expected 5 (the command's)"
[ "$(cat "$TMP/got" 2>/dev/null)" = TERM ] || fail "the command did not get SIGTERM"
grep -qx wait4 <(profile_names "$TMP/t.json") || fail "no profile written"
audit_check

# A command killed by the forwarded signal: 128+15.
"$SCMPLOG" run -q -o "$TMP/s.json" -- sleep 60 & pid=$!
child $pid sleep >/dev/null && wait_sig SigBlk $pid TERM
kill -TERM $pid
wait $pid; rc=$?
[ "$rc" -eq 143 ] || fail "exit status $rc, expected 143"
grep -qx execve <(profile_names "$TMP/s.json") || fail "no profile written after SIGTERM"

# SIGINT the same way (as a kill(1), not from a terminal).  A background job
# of a non-interactive shell starts with SIGINT ignored: undo that.
env --default-signal=INT "$SCMPLOG" run -q -o "$TMP/i.json" -- sleep 60 & pid=$!
child $pid sleep >/dev/null && wait_sig SigBlk $pid INT
kill -INT $pid
wait $pid; rc=$?
[ "$rc" -eq 130 ] || fail "exit status $rc, expected 130"
audit_check

# SIGHUP and SIGQUIT (run --help says they are passed on).  SIGQUIT is
# ignored in background jobs like SIGINT, and a shell cannot trap a signal
# ignored on entry: undo that too.
for s in HUP QUIT; do
	rm -f "$TMP/got"
	env --default-signal=INT,QUIT "$SCMPLOG" run -q -o "$TMP/$s.json" -- \
		sh -c "trap 'kill \$!; echo $s >$TMP/got; exit 6' $s; sleep 60 & wait" & pid=$!
	sh=$(child $pid sh) && child "$sh" sleep >/dev/null && wait_sig SigCgt "$sh" $s
	kill -$s $pid
	wait $pid; rc=$?
	[ "$rc" -eq 6 ] || fail "SIG$s: exit status $rc, expected 6 (the command's)"
	[ "$(cat "$TMP/got" 2>/dev/null)" = $s ] || fail "the command did not get SIG$s"
	grep -qx wait4 <(profile_names "$TMP/$s.json") || fail "SIG$s: no profile written"
done
audit_check

# Ctrl-C from a real terminal: the terminal sends SIGINT to the whole
# foreground group, scmplog included; the command dies of it, scmplog writes
# the profile and exits 128+2.  The pane's shell traps INT (a handler, not an
# ignore, so scmplog and sleep get the default) to report the status.
command -v tmux >/dev/null || fail "tmux is missing"
sock=scmplog-test-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
TERM=xterm tmux -L $sock new-session -d -x 100 -y 10 \
	"sh -c 'trap : INT; \"$SCMPLOG\" run -o $TMP/tty.json -- sleep 100 2>$TMP/tty.err; echo \$? >$TMP/tty.rc; sleep 60'"
pane=$(tmux -L $sock list-panes -F '#{pane_pid}')
run= cmd=
for i in $(seq 300); do
	run=$(pgrep -P "$pane" -x "scmplog|scmplog-learn") && cmd=$(pgrep -P "$run" -x sleep) && break
	sleep 0.1
done
[ -n "$cmd" ] || { tmux -L $sock capture-pane -p; fail "scmplog run -- sleep 100 did not start in the tmux pane"; }
wait_sig SigBlk "$run" INT
tmux -L $sock send-keys C-c
for i in $(seq 300); do [ -s "$TMP/tty.rc" ] && break; sleep 0.1; done
cat "$TMP/tty.err"
[ -s "$TMP/tty.rc" ] || { tmux -L $sock capture-pane -p; fail "scmplog run did not end after Ctrl-C"; }
[ "$(cat "$TMP/tty.rc")" = 130 ] || fail "exit status $(cat "$TMP/tty.rc") after Ctrl-C, expected 130"
grep -qx clock_nanosleep <(profile_names "$TMP/tty.json") || fail "no profile (with sleep's clock_nanosleep) after Ctrl-C"
tmux -L $sock kill-server
trap 'rm -rf "$TMP"' EXIT
audit_check
