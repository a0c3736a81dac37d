#!/usr/bin/env bash
# Benchmark: the central server of a fleet on the audit path
# (packaging/fleet/README.md), fed by NODES simulated nodes (default 8).  One
# kernel cannot be 8 nodes: each node is an audisp-remote (Debian's
# audispd-plugins) reading a made-up stream on its standard input, as it reads
# a node auditd's events: RECORDS (default 100,000) "node=node-N type=SECCOMP"
# records with that node's audit serials in order, 40 syscalls of its own
# among 60.  They send at once, as fast as the central auditd acknowledges
# them, to a central auditd (local_events = no, tcp_listen_port on 127.0.0.1,
# distribute_network = yes) whose plugin is scmplog (collect
# --source=audisp --split-by host).  Reported: the records per second the
# plugin learned, from the first send to the last record learned; its CPU and
# peak memory; the central auditd's (the peer it runs beside, in the same go:
# the CPU ratio says what scmplog adds to the central server); and the records
# lost, which the plugin finds by each node's serials: each node's profile must
# hold its 40 syscalls and the plugin must have counted NODES x RECORDS.
# Root only; takes the live tests' lock (no audit daemon may run).
# Usage: tests/bench/bench-fleet-audit.sh [NODES [RECORDS]]
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
nodes=${1:-8}
records=${2:-100000}
AUDITD=$(command -v auditd || echo /sbin/auditd)
AR=/sbin/audisp-remote
[ "$(id -u)" -eq 0 ] || { echo "bench-fleet-audit: needs root" >&2; exit 1; }
[ -x "$AUDITD" ] && [ -x "$AR" ] ||
	{ echo "bench-fleet-audit: auditd or audisp-remote is missing: apt-get install auditd audispd-plugins" >&2; exit 1; }
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || { echo "bench-fleet-audit: the live tests' lock is held" >&2; exit 1; }
SCMPLOG=$(readlink -f "$SCMPLOG")

work=$(mktemp -d)
central='' sampler=''
senders=()
cleanup() {
	touch "$work/stop"
	for p in "${senders[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${senders[@]}"; do wait "$p" 2>/dev/null; done
	for p in $central $sampler; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench-fleet-audit: $nodes nodes x $records records, through audisp-remote to a central auditd"
python3 "$(dirname "$0")/fleet-nodes.py" gen log "$work" "$nodes" "$records"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/conf" "$work/plugins" "$work/log" "$work/spool"
chmod 0750 "$work/conf" "$work/plugins"
printf '%s\n' "local_events = no" "write_logs = yes" "log_file = $work/log/audit.log" "log_group = root" \
	"log_format = RAW" "flush = NONE" "max_log_file = 1000" "num_logs = 2" "max_log_file_action = IGNORE" \
	"space_left = 2" "space_left_action = IGNORE" "admin_space_left = 1" "admin_space_left_action = IGNORE" \
	"disk_full_action = IGNORE" "disk_error_action = IGNORE" "name_format = NONE" "q_depth = 20000" \
	"overflow_action = SYSLOG" "max_restarts = 10" "plugin_dir = $work/plugins" "tcp_listen_port = $port" \
	"tcp_listen_queue = 64" "tcp_max_per_addr = $((nodes + 1))" "use_libwrap = no" "tcp_client_ports = 1-65535" \
	"tcp_client_max_idle = 0" "transport = TCP" "distribute_network = yes" >"$work/conf/auditd.conf"
# the plugin: scmplog with the bench's options, its pid for the sampler, STATUS to it
cat >"$work/plugin" <<EOF
#!/bin/sh
echo \$\$ >"$work/pid"
NOTIFY_SOCKET=$work/notify exec "$SCMPLOG" "\$@" --split-by host --out-dir "$work/out" --interval 1 2>>"$work/plugin.err"
EOF
printf '%s\n' "active = yes" "direction = out" "path = $work/plugin" "type = always" \
	"args = collect --source=audisp" "format = string" >"$work/plugins/scmplog.conf"
chmod 0640 "$work/conf/auditd.conf" "$work/plugins/scmplog.conf"
chmod 0750 "$work/plugin"
sed -e "s|@PORT@|$port|" -e "s|@SPOOL@|$work/spool|" -e "s|@QUEUE@|200000|" "$(dirname "$0")/../data/fleet/audisp-remote.conf.in" >"$work/ar.conf"
chmod 0640 "$work/ar.conf"

python3 "$(dirname "$0")/notify-sampler.py" "$work/notify" "$work/pid" "$work/samples" & sampler=$!
for _ in $(seq 50); do [ -S "$work/notify" ] && break; sleep 0.1; done

# the central auditd in a mount namespace of its own: /run a tmpfs for its pid file
unshare -m sh -c 'mount -t tmpfs tmpfs /run && exec "$0" -n -s nochange -c "$1"' "$AUDITD" "$work/conf" \
	>"$work/central.out" 2>&1 </dev/null & central=$!
for _ in $(seq 300); do
	ss -ltn "sport = :$port" | grep -q LISTEN && [ -s "$work/samples" ] && break
	kill -0 "$central" 2>/dev/null || { cat "$work/central.out" "$work/plugin.err"; exit 1; }
	sleep 0.1
done
[ -s "$work/samples" ] || { cat "$work/plugin.err"; echo "bench-fleet-audit: the plugin did not start" >&2; exit 1; }
apid=$(pgrep -P "$central" -x auditd || echo "$central")

t0=$(python3 -c 'import time; print(time.monotonic())')
# each sender's input stays open until the end: audisp-remote 3.0.9 drops what its queue
# still holds when its input ends (24 of 2,000 records a node, measured), as when its
# auditd stops
for n in $(seq 0 $((nodes - 1))); do
	python3 -c 'import os, sys, time
sys.stdout.write(open(sys.argv[1]).read())
sys.stdout.flush()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.2)' "$work/node-$n.log" "$work/stop" |
		unshare -m sh -c 'mount --bind "$0" /etc/audit/audisp-remote.conf && exec "$1"' "$work/ar.conf" "$AR" \
			2>"$work/ar-$n.err" & senders+=($!)
done
total=$((nodes * records))
done_at='' got=0
for _ in $(seq 3000); do
	last=$(tail -n 1 "$work/samples")
	got=$(printf '%s' "$last" | awk -F'\t' '{ split($2, a, " "); print a[1] }')
	if [ "${got:-0}" -ge "$total" ]; then done_at=$(printf '%s' "$last" | cut -f 1); break; fi
	sleep 0.1
done
touch "$work/stop"
for p in "${senders[@]}"; do wait "$p"; done
senders=()
acpu=$(awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$apid/stat")
ahwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$apid/status")
last=$(tail -n 1 "$work/samples")
pcpu=$(printf '%s' "$last" | cut -f 5) phwm=$(printf '%s' "$last" | cut -f 4)
kill -TERM "$central"
wait "$central"
central=
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
sampler=
lost=$(grep -o 'SECCOMP records read from auditd.* [0-9]* lost$' "$work/plugin.err" | tail -n 1 | awk '{ print $(NF - 1) }')
bad=0
for n in $(seq 0 $((nodes - 1))); do
	f=$work/out/node-$n.json
	[ -f "$f" ] || { echo "bench-fleet-audit: no profile for node-$n" >&2; bad=$((bad + 1)); continue; }
	python3 "$(dirname "$0")/fleet-nodes.py" check "$f" "$work/node-$n.want" || bad=$((bad + 1))
done
if [ -z "$done_at" ]; then
	tail -n 5 "$work/plugin.err" "$work"/ar-*.err >&2
	echo "bench-fleet-audit: the plugin counted $got of $total records in 5 minutes" >&2
	exit 1
fi
python3 - "$t0" "$done_at" "$total" "$pcpu" "$phwm" "$acpu" "$ahwm" "${lost:-?}" "$nodes" <<'PY'
import sys
t0, done_at, total, pcpu, phwm, acpu, ahwm, lost, nodes = sys.argv[1:]
span, total = float(done_at) - float(t0), int(total)
print(f"\n{'nodes':>6} {'records':>10} {'learned_s':>10} {'rec/s':>10} {'scmplog_cpu_s':>14} {'scmplog_hwm_kib':>16} "
      f"{'auditd_cpu_s':>13} {'auditd_hwm_kib':>15} {'cpu_ratio':>10} {'lost':>6}")
print(f"{nodes:>6} {total:>10} {span:>10.1f} {total / span:>10.0f} {float(pcpu):>14.2f} {phwm:>16} "
      f"{float(acpu):>13.2f} {ahwm:>15} {float(pcpu) / max(float(acpu), 0.01):>10.2f} {lost:>6}")
print(f"scmplog: {total / max(float(pcpu), 0.01):.0f} records per CPU second; central auditd: {total / max(float(acpu), 0.01):.0f}")
PY
[ "$bad" = 0 ] && [ "${lost:-1}" = 0 ] || { echo "bench-fleet-audit: FAILED ($bad profiles wrong, lost ${lost:-unknown})" >&2; exit 1; }
echo "bench-fleet-audit: every node's profile complete, 0 lost"
