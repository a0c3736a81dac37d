#!/usr/bin/env bash
# SIGTERM, SIGHUP and SIGQUIT to scmplog reach CMD; the audit settings are
# restored; the profile is written; the exit status is CMD's.  Ctrl-C on a
# real terminal (a tmux pane) stops CMD, which the terminal signalled itself:
# 130 and a profile.
. "$(dirname "$0")/lib.sh"

"$SCMPLOG" run -v -o "$TMP/t.json" -- sh -c "trap 'kill \$!; echo TERM >$TMP/got; exit 5' TERM; sleep 60 & wait" \
	>"$TMP/out" 2>"$TMP/err" & pid=$!
for i in $(seq 50); do [ "$(audit_pid)" != 0 ] || grep -q multicast "$TMP/err" && break; sleep 0.1; done
sleep 0.5
kill -TERM $pid
wait $pid; rc=$?
cat "$TMP/err"
[ "$rc" -eq 5 ] || fail "exit status $rc, expected 5 (the command's)"
[ "$(cat "$TMP/got" 2>/dev/null)" = TERM ] || fail "the command did not get SIGTERM"
grep -qx wait4 <(profile_names "$TMP/t.json") || fail "no profile written"
audit_check

# A command killed by the forwarded signal: 128+15.
"$SCMPLOG" run -q -o "$TMP/s.json" -- sleep 60 & pid=$!
sleep 1
kill -TERM $pid
wait $pid; rc=$?
[ "$rc" -eq 143 ] || fail "exit status $rc, expected 143"
grep -qx execve <(profile_names "$TMP/s.json") || fail "no profile written after SIGTERM"

# SIGINT the same way (as a kill(1), not from a terminal).  A background job
# of a non-interactive shell starts with SIGINT ignored: undo that.
env --default-signal=INT "$SCMPLOG" run -q -o "$TMP/i.json" -- sleep 60 & pid=$!
sleep 1
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
	for i in $(seq 50); do pgrep -P $pid -x sh >/dev/null && break; sleep 0.1; done
	sleep 0.5
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
for i in $(seq 100); do
	run=$(pgrep -P "$pane" -x "scmplog|scmplog-learn") && cmd=$(pgrep -P "$run" -x sleep) && break
	sleep 0.1
done
[ -n "$cmd" ] || { tmux -L $sock capture-pane -p; fail "scmplog run -- sleep 100 did not start in the tmux pane"; }
sleep 0.5
tmux -L $sock send-keys C-c
for i in $(seq 100); do [ -s "$TMP/tty.rc" ] && break; sleep 0.1; done
cat "$TMP/tty.err"
[ -s "$TMP/tty.rc" ] || { tmux -L $sock capture-pane -p; fail "scmplog run did not end after Ctrl-C"; }
[ "$(cat "$TMP/tty.rc")" = 130 ] || fail "exit status $(cat "$TMP/tty.rc") after Ctrl-C, expected 130"
grep -qx clock_nanosleep <(profile_names "$TMP/tty.json") || fail "no profile (with sleep's clock_nanosleep) after Ctrl-C"
tmux -L $sock kill-server
trap 'rm -rf "$TMP"' EXIT
audit_check
