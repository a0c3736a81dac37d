#!/usr/bin/env bash
# scmplog collect as a systemd service: with NOTIFY_SOCKET it sends READY=1,
# STATUS= lines and STOPPING=1; SIGINT, SIGTERM and SIGHUP each end it with
# exit 0 and the audit settings restored; with no container seen it writes
# nothing.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

for s in TERM INT HUP; do
	sock=$TMP/notify-$s.sock
	python3 - "$sock" >"$TMP/notify-$s.txt" <<'PY' & listener=$!
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(15)
try:
    while True:
        m = s.recv(4096).decode()
        print(m, flush=True)
        if "STOPPING=1" in m:
            break
except socket.timeout:
    pass
PY
	for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$sock "$SCMPLOG" collect --container scmplog-no-such-container --out-dir "$TMP/out-$s" \
		--interval 1 >"$TMP/out" 2>"$TMP/err" & collector=$!
	sleep 2.5
	kill -"$s" "$collector"
	wait "$collector" || { cat "$TMP/err"; fail "collect exited $? after SIG$s"; }
	wait "$listener"
	cat "$TMP/notify-$s.txt"
	contains "$TMP/notify-$s.txt" "READY=1"
	contains "$TMP/notify-$s.txt" "STATUS="
	contains "$TMP/notify-$s.txt" "containers,"
	contains "$TMP/notify-$s.txt" "STOPPING=1"
	contains "$TMP/err" "attributed to 0 containers"
	[ -d "$TMP/out-$s" ] || fail "the output directory was not created"
	[ -z "$(ls -A "$TMP/out-$s")" ] || fail "files were written with no container seen"
done
audit_check
