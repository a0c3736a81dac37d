#!/usr/bin/env bash
# scmplog collect as a systemd service: with NOTIFY_SOCKET it sends READY=1,
# STATUS= lines and STOPPING=1; SIGINT, SIGTERM and SIGHUP each end it with
# exit 0 and the audit settings restored; with no container seen it writes
# nothing.  With WATCHDOG_USEC (WATCHDOG_PID naming it, or unset) it sends
# WATCHDOG=1 at half that interval while it runs; without WATCHDOG_USEC, or
# with WATCHDOG_PID naming another process, none.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# listen SOCKET OUT: a fake systemd notify socket in the background; each
# datagram is a line "SECONDS MESSAGE" (monotonic clock) in OUT, until
# STOPPING=1 or 15 s without one
listen() {
	python3 - "$1" >"$2" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
try:
    while True:
        m = s.recv(4096).decode()
        print("%.3f %s" % (time.monotonic(), m.replace("\n", " ")), flush=True)
        if "STOPPING=1" in m:
            break
except socket.timeout:
    pass
PY
	listener=$!
	for i in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
	[ -S "$1" ] || fail "the fake notify socket did not come up"
}

for s in TERM INT HUP; do
	sock=$TMP/notify-$s.sock
	listen "$sock" "$TMP/notify-$s.txt"
	NOTIFY_SOCKET=$sock "$SCMPLOG" collect --container scmplog-no-such-container --out-dir "$TMP/out-$s" \
		--interval 1 >"$TMP/out" 2>"$TMP/err" & collector=$!
	wait_contains "$TMP/notify-$s.txt" "STATUS=" 30
	kill -"$s" "$collector"
	wait "$collector" || { cat "$TMP/err"; fail "collect exited $? after SIG$s"; }
	wait "$listener"
	cat "$TMP/notify-$s.txt"
	contains "$TMP/notify-$s.txt" "READY=1"
	contains "$TMP/notify-$s.txt" "STATUS="
	contains "$TMP/notify-$s.txt" "containers,"
	contains "$TMP/notify-$s.txt" "STOPPING=1"
	lacks "$TMP/notify-$s.txt" "WATCHDOG=1"
	contains "$TMP/err" "attributed to 0 containers"
	[ -d "$TMP/out-$s" ] || fail "the output directory was not created"
	[ -z "$(ls -A "$TMP/out-$s")" ] || fail "files were written with no container seen"
done

# The watchdog: WATCHDOG_USEC=1 s, so WATCHDOG=1 every 0.5 s.  systemd sets
# WATCHDOG_PID to the service's main pid: here a shell that execs collect.
for pidcase in own unset other; do
	sock=$TMP/wd-$pidcase.sock
	listen "$sock" "$TMP/wd-$pidcase.txt"
	NOTIFY_SOCKET=$sock WATCHDOG_USEC=1000000 PIDCASE=$pidcase bash -c '
		case $PIDCASE in
		own) export WATCHDOG_PID=$$ ;;
		unset) unset WATCHDOG_PID ;;
		other) export WATCHDOG_PID=1 ;;
		esac
		exec "$@"' sh "$SCMPLOG" collect --container scmplog-no-such-container --out-dir "$TMP/out-wd" \
		--interval 30 >"$TMP/out" 2>"$TMP/err" & collector=$!
	if [ "$pidcase" = other ]; then
		wait_contains "$TMP/wd-$pidcase.txt" "READY=1" 30
		sleep 3.2 # long enough for 5 WATCHDOG=1 that must not come
	else
		# (time to the 5th after READY=1 is what is measured, not how soon it started)
		for i in $(seq 300); do
			[ "$(grep -c ' WATCHDOG=1$' "$TMP/wd-$pidcase.txt")" -ge 5 ] && break
			sleep 0.1
		done
	fi
	kill -TERM "$collector"
	wait "$collector" || { cat "$TMP/err"; fail "collect exited $? (watchdog, WATCHDOG_PID $pidcase)"; }
	wait "$listener"
	contains "$TMP/wd-$pidcase.txt" "READY=1"
	contains "$TMP/wd-$pidcase.txt" "STOPPING=1"
	n=$(grep -c ' WATCHDOG=1$' "$TMP/wd-$pidcase.txt")
	if [ "$pidcase" = other ]; then
		[ "$n" -eq 0 ] || { cat "$TMP/wd-$pidcase.txt"; fail "WATCHDOG=1 sent although WATCHDOG_PID names another process"; }
		continue
	fi
	echo "WATCHDOG_PID $pidcase: $n WATCHDOG=1"
	# two a second: at least 5 (waited for, 30 s at most), and no gap over 0.8 s between two
	[ "$n" -ge 5 ] || { cat "$TMP/wd-$pidcase.txt"; fail "only $n WATCHDOG=1 in 30 s with WATCHDOG_USEC=1000000"; }
	awk '$2 == "WATCHDOG=1" { if (prev && $1 - prev > 0.8) { print "gap of", $1 - prev, "s"; bad = 1 } prev = $1 }
		END { exit bad }' "$TMP/wd-$pidcase.txt" || { cat "$TMP/wd-$pidcase.txt"; fail "WATCHDOG=1 not sent at half the interval"; }
done
audit_check
