#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Re-capture the real SECCOMP (type 1326) record fixtures in tests/data/.
#
#   sudo bash tests/data/capture.sh [PHASE...]
#
# PHASE: kmsg rsyslog auditd journald (default: all, in that order).
# KEEP_WORK=1 keeps $WORK (daemon configs, full logs) for inspection.
#
# Needs root, a kernel with seccomp + audit, libseccomp-dev, gcc-multilib, auditd,
# rsyslog and systemd (journald, journalctl). It must be run while NO audit daemon,
# journald or rsyslogd is running: it starts its own (by pid, with private configs and
# log files under $WORK), and stops them again. Afterwards the audit status (pid 0,
# enabled, backlog_limit, backlog_wait_time) is restored to what it was, and every
# directory it created (under $WORK, /run/systemd, /run/log) is removed.
#
# It holds /run/scmplog-live-tests.lock (as tests/live does), waits until the kernel log
# is quiet before each capture, checks each capture and repeats one that other processes'
# records got into (see valid()). It never clears the kernel ring buffer: windows are cut
# out of dmesg and /dev/kmsg with marker lines written to /dev/kmsg.
set -euo pipefail

DATA=$(cd "$(dirname "$0")" && pwd)
SRC=$DATA/capture
# Fixed path, so exe= values in the fixtures are stable from one capture to the next.
WORK=/tmp/scmplog-capture
SPACEDIR="$WORK/dir with space"
# exe path long enough (434 bytes, hex-encoded to 868) that the record exceeds printk's
# 1024-byte record limit: dmesg, kmsg, syslog and journald's kernel transport cut it.
LONGDIR="$WORK/$(printf 'long dir %.0s' $(seq 25))/$(printf 'more %.0s' $(seq 40))"
PAUSE=${PAUSE:-6}          # > 5 s: the printk rate-limit interval (10 messages / 5 s)

die() { echo "capture: $*" >&2; exit 1; }
say() { echo "capture: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root"
command -v auditctl >/dev/null || die "auditctl missing (apt-get install auditd)"

audit_get() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }

# The live tests (tests/live/lib.sh) serialise on this lock; so do we, or each would
# find the other's daemon registered and the other's records in its logs.
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || die "another live test run holds /run/scmplog-live-tests.lock"

ORIG_ENABLED=$(audit_get enabled)
ORIG_BACKLOG=$(audit_get backlog_limit)
ORIG_WAIT=$(audit_get backlog_wait_time)
[ "$(audit_get pid)" = 0 ] || die "an audit daemon is registered (auditctl -s: pid != 0); stop it first"
[ "$ORIG_ENABLED" != 2 ] || die "audit configuration is locked (enabled 2)"
[ -e /run/systemd/journal/socket ] && die "journald seems to be running (/run/systemd/journal/socket)"
grep -q log /proc/sys/kernel/seccomp/actions_logged || die "'log' missing from /proc/sys/kernel/seccomp/actions_logged"

DAEMON_PIDS=()
CREATED=()    # directories outside $WORK created by this script, removed at exit

stop_pid() {  # stop_pid PID: SIGTERM a daemon we started, wait up to 10 s, then SIGKILL
	local pid=$1 i p keep=()
	# Forget it first, so that cleanup never signals a recycled pid.
	for p in "${DAEMON_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	DAEMON_PIDS=("${keep[@]}")
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	say "pid $pid ignored SIGTERM, killing"
	kill -KILL "$pid" 2>/dev/null || true
}

restore_audit() {
	local cur
	cur=$(audit_get enabled)
	[ "$cur" = "$ORIG_ENABLED" ] || auditctl -e "$ORIG_ENABLED" >/dev/null
	[ "$(audit_get backlog_limit)" = "$ORIG_BACKLOG" ] || auditctl -b "$ORIG_BACKLOG" >/dev/null
	[ "$(audit_get backlog_wait_time)" = "$ORIG_WAIT" ] || auditctl --backlog_wait_time "$ORIG_WAIT" >/dev/null
}

cleanup() {
	local pid d
	for pid in "${DAEMON_PIDS[@]}"; do stop_pid "$pid"; done
	restore_audit || true
	for d in "${CREATED[@]}"; do rm -rf -- "$d"; done
	[ -n "${KEEP_WORK:-}" ] || rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 143' INT TERM HUP

mark() {  # a line in the kernel log that delimits the capture windows
	echo "scmplog-capture: $*" >/dev/kmsg
}

# ---------------------------------------------------------------- build
rm -rf -- "$WORK"
mkdir -p "$WORK" "$SPACEDIR"
gcc -O2 -Wall -Wextra -o "$WORK/gen" "$SRC/gen.c" -lseccomp -lpthread
gcc -O2 -static -o "$WORK/prog64" "$SRC/prog.c"
gcc -m32 -O2 -static -o "$WORK/prog32" "$SRC/prog.c"
cp "$WORK/gen" "$SPACEDIR/x y"
mkdir -p "$LONGDIR"
cp "$WORK/gen" "$LONGDIR/x y"
# An x32 binary cannot be exec'd here (CONFIG_X86_X32_ABI unset: ENOEXEC), so x32 is
# covered by a raw x32 syscall from a 64-bit process instead (gen x32).

# ---------------------------------------------------------------- scenarios
# Each group stays at or under 10 printk'd records where it matters, except g3, the
# burst that provokes "kauditd_printk_skb: N callbacks suppressed".
run_group() {
	local g=$1 m
	case $g in
	g1) "$WORK/gen" log "$WORK/prog64" ;;                 # x86_64 LOG, static binary
	g2) "$WORK/gen" log "$WORK/prog32" ;;                 # i386 LOG: arch=40000003 compat=1
	g3) "$WORK/gen" burst 30 ;;                           # 32 records in one go
	g4) "$WORK/gen" lognative "$WORK/prog32" || true     # bad arch: KILL_THREAD, sig=31
	    for m in errno trap trace notif kill-process kill-thread; do "$WORK/gen" "$m"; done
	    "$WORK/gen" segv ;;                               # unrelated "segfault" lines
	g5) "$WORK/gen" x32                                   # syscall=1073741863
	    # auid=1000 (a LOGIN record first), uid=gid=65534: ids that differ from root's
	    sh -c 'echo 1000 >/proc/self/loginuid && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$0" errno' "$WORK/gen" ;;
	g6) "$SPACEDIR/x y" names ;;                          # hex comm and exe
	g7) "$WORK/gen" log /bin/true ;;                      # a dynamic binary: ld.so at work
	g8) "$WORK/gen" odd ;;                                # syscall=-1 and syscall=99999
	g9) "$LONGDIR/x y" burst 0 ;;                         # > 1024 bytes: printk cuts it
	esac
}

scenarios() {  # scenarios PAUSE [GROUP...]
	local pause=$1 g
	shift
	[ $# -gt 0 ] || set -- g1 g2 g3 g4 g5 g6 g7 g8 g9
	for g in "$@"; do
		run_group "$g" >>"$WORK/scenarios.out" 2>&1
		sleep "$pause"
	done
	# One more record (exit_group) after the interval, so that a pending
	# "kauditd_printk_skb: N callbacks suppressed" gets printed.
	"$WORK/gen" burst 0 >>"$WORK/scenarios.out" 2>&1
}

read_kmsg() {  # the whole /dev/kmsg buffer, one read(2) per record, never blocking
	timeout 5 dd if=/dev/kmsg iflag=nonblock bs=65536 2>/dev/null || true
}

window() {  # window BEGIN END < text: the lines from the one containing BEGIN to END
	awk -v b="$1" -v e="$2" 'index($0, b) { on = 1 } on { print } on && index($0, e) { exit }'
}

# Other tenants of the host may produce audit records while we capture: their records
# would land in the fixtures, and under printk's rate limit they also push ours out.
# Each capture is therefore checked, and repeated (retry) until it is clean.
REC_RE='type=1326 |type=SECCOMP |: SECCOMP '
OURS_RE='exe="/tmp/scmplog-capture/|exe=2F746D702F73636D706C6F672D63617074757265|exe="/usr/bin/true"'
# printk path: every serial gap between two consecutive audit lines must be explained by
# the "kauditd_printk_skb: N callbacks suppressed" lines in between (N == gap - 1).
GAP_AWK='
	match($0, /kauditd_printk_skb: [0-9]+ callbacks suppressed/) {
		split(substr($0, RSTART, RLENGTH), a, " "); pend += a[2]; next
	}
	match($0, /type=[0-9]+ audit\([0-9.]+:[0-9]+\)/) {
		t = substr($0, RSTART, RLENGTH); sub(/.*:/, "", t); sub(/\)/, "", t); t += 0
		if (last && t != last + 1 + pend) bad++
		last = t; pend = 0
	}
	END { print bad + 0 }'

valid() {  # valid LABEL MIN PRINTK(0|1) < text: 0 if the capture is clean and big enough
	local label=$1 min=$2 printk=$3 t n foreign gaps=0
	t=$(cat)
	n=$(printf '%s\n' "$t" | grep -a -E "$REC_RE" | grep -a -c -E "$OURS_RE" || true)
	foreign=$(printf '%s\n' "$t" | grep -a -E "$REC_RE" | grep -a -v -c -E "$OURS_RE" || true)
	[ "$printk" = 0 ] || gaps=$(printf '%s\n' "$t" | awk "$GAP_AWK")
	if [ "$n" -lt "$min" ] || [ "$foreign" -gt 0 ] || [ "$gaps" -gt 0 ]; then
		say "$label: interference (ours=$n, min $min; foreign=$foreign; unexplained serial gaps=$gaps)"
		return 1
	fi
	say "$label: ok ($n records of ours)"
}

kmsg_last_seq() { read_kmsg | awk -F'[,;]' '/^[0-9]/ { s = $2 } END { print s + 0 }'; }

wait_quiet() {  # until the kernel log was silent for 15 s and no audit daemon is registered
	local i s0 s1
	for i in $(seq 80); do
		s0=$(kmsg_last_seq)
		sleep 15
		s1=$(kmsg_last_seq)
		[ "$s0" = "$s1" ] && [ "$(audit_get pid)" = 0 ] && return 0
		[ "$i" != 1 ] || say "waiting for the host to go quiet (kmsg and audit pid)"
	done
	say "the host never went quiet; capturing anyway"
}

retry() {  # retry CMD...: run a capture until its own check passes
	local i
	for i in 1 2 3 4 5 6 7 8; do
		wait_quiet
		"$@" && return 0
		say "retrying '$*' (attempt $i failed)"
	done
	die "'$*': no clean capture after 8 attempts; is something else logging?"
}

# ---------------------------------------------------------------- phase: kmsg / dmesg
phase_kmsg() {
	say "kmsg/dmesg phase (printk path: no audit daemon, no journald)"
	local tag=kmsg-$$-$SECONDS
	mark "begin $tag"
	scenarios "$PAUSE"
	mark "end $tag"
	sleep 1
	dmesg | window "begin $tag" "end $tag" >"$DATA/dmesg.log"
	dmesg -r | window "begin $tag" "end $tag" >"$DATA/dmesg-raw.log"
	dmesg -T | window "begin $tag" "end $tag" >"$DATA/dmesg-ctime.log"
	{
		# Boot-time context as the kernel keeps it: the audit subsystem's own records
		# and a few records with dictionary continuation lines (" SUBSYSTEM=...").
		read_kmsg | awk '
			/^[0-9]/ { cont = 0 }
			/^[0-9]+,[0-9]+,[0-9]+,[^;]*;audit: / && !/type=1326/ && n1 < 4 { print; n1++; next }
			/^[0-9]+,[0-9]+,[0-9]+,[^;]*;acpi PNP0A08:00: / && n2 < 2 { print; n2++; cont = 1; next }
			/^ / && cont { print }
			/scmplog-capture: begin/ { exit }'
		read_kmsg | window "begin $tag" "end $tag"
	} >"$DATA/kmsg.log"
	valid dmesg.log 40 1 <"$DATA/dmesg.log"
}

# ---------------------------------------------------------------- phase: rsyslog
rsyslog_run() {  # rsyslog_run NAME TRADITIONAL(0|1)
	local name=$1 trad=$2 dir=$WORK/rsyslog-$1 pid i n0
	rm -rf -- "$dir"
	mkdir -p "$dir"
	{
		# Internal messages (the "[origin software=...] start" line) would otherwise go to
		# /dev/log, which nobody serves here.
		echo 'global(processInternalMessages="on")'
		echo 'module(load="imklog")'
		if [ "$trad" = 1 ]; then
			echo '$ActionFileDefaultTemplate RSYSLOG_TraditionalFileFormat'
		fi
		echo '$FileCreateMode 0644'
		echo "*.* $dir/syslog"
	} >"$dir/rsyslog.conf"
	rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" >"$dir/rsyslogd.out" 2>&1 &
	pid=$!
	DAEMON_PIDS+=("$pid")
	for i in $(seq 50); do [ -s "$dir/syslog" ] && break; sleep 0.2; done
	sleep 2   # let imklog drain whatever /proc/kmsg still holds
	touch "$dir/syslog"
	n0=$(wc -l <"$dir/syslog")
	scenarios "$PAUSE" g1 g3 g4 g5 g6 g8 g9
	sleep 2
	stop_pid "$pid"
	# In file order: up to 4 non-audit lines of what imklog read first (the boot log, if
	# /proc/kmsg was never read before; audit lines there may be anybody's), rsyslogd's
	# own start line, then everything from the scenarios on.
	awk -v a="$n0" 'NR > a || /rsyslogd:.*\] start$/ ||
		(!/type=[0-9]+ audit\(/ && !/callbacks suppressed/ && k++ < 4)' "$dir/syslog" \
		>"$DATA/syslog-$name.log"
	awk -v a="$n0" 'NR > a' "$dir/syslog" | valid "syslog-$name.log" 25 1
}

phase_rsyslog() {
	say "rsyslog phase (imklog reads /proc/kmsg: printk path)"
	retry rsyslog_run rfc3339 0
	retry rsyslog_run traditional 1
}

# ---------------------------------------------------------------- phase: auditd
auditd_run() {  # auditd_run OUTFILE LOG_FORMAT NAME_FORMAT
	local out=$1 fmt=$2 nfmt=$3 dir=$WORK/auditd-${1%.log} pid i
	rm -rf -- "$dir"
	mkdir -p "$dir/conf/plugins.d" "$dir/log"
	cat >"$dir/conf/auditd.conf" <<-EOF
	local_events = yes
	write_logs = yes
	log_file = $dir/log/audit.log
	log_group = root
	log_format = $fmt
	flush = INCREMENTAL_ASYNC
	freq = 50
	max_log_file = 8
	num_logs = 2
	priority_boost = 0
	name_format = $nfmt
	max_log_file_action = IGNORE
	space_left = 75
	space_left_action = IGNORE
	admin_space_left = 50
	admin_space_left_action = IGNORE
	disk_full_action = IGNORE
	disk_error_action = IGNORE
	use_libwrap = no
	tcp_listen_queue = 5
	tcp_max_per_addr = 1
	tcp_client_max_idle = 0
	transport = TCP
	distribute_network = no
	q_depth = 2000
	overflow_action = IGNORE
	max_restarts = 10
	plugin_dir = $dir/conf/plugins.d
	end_of_event_timeout = 2
	EOF
	chmod 0640 "$dir/conf/auditd.conf"
	auditd -n -c "$dir/conf" >"$dir/auditd.out" 2>&1 &
	pid=$!
	DAEMON_PIDS+=("$pid")
	for i in $(seq 50); do [ "$(audit_get pid)" = "$pid" ] && break; sleep 0.2; done
	if [ "$(audit_get pid)" != "$pid" ]; then
		# Someone else may hold the audit pid for a moment (a live test, say).
		say "auditd ($pid) did not register (audit pid $(audit_get pid)); see $dir/auditd.out"
		stop_pid "$pid"
		restore_audit
		return 1
	fi
	sleep 1
	scenarios 0
	sleep 2
	stop_pid "$pid"
	for i in $(seq 50); do [ "$(audit_get pid)" = 0 ] && break; sleep 0.2; done
	say "$out: auditd exited; kernel audit enabled=$(audit_get enabled) pid=$(audit_get pid)"
	install -m 0644 "$dir/log/audit.log" "$DATA/$out"
	restore_audit
	valid "$out" 100 0 <"$DATA/$out"
}

phase_auditd() {
	say "auditd phase (unicast: every record, no rate limit)"
	retry auditd_run audit-raw.log RAW NONE
	retry auditd_run audit-enriched.log ENRICHED NONE
	retry auditd_run audit-node.log ENRICHED HOSTNAME
}

# ---------------------------------------------------------------- phase: journald
phase_journald() {
	say "journald phase (audit multicast + /dev/kmsg)"
	local d pid i jfile mid sel tag=journald-$$-$SECONDS
	mid=$(cat /etc/machine-id)
	for d in /run/systemd/journal /run/systemd/journald.conf.d /run/log/journal; do
		[ -e "$d" ] && die "$d exists; is journald running?"
		CREATED+=("$d")
	done
	# journald also reads drop-ins from /run/systemd/journald.conf.d: keep everything in
	# /run (never /var/log/journal), and keep files small (512K is the minimum size).
	mkdir -p /run/systemd/journald.conf.d
	printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\nRuntimeMaxFileSize=512K\n' \
		>/run/systemd/journald.conf.d/scmplog-capture.conf
	/lib/systemd/systemd-journald >"$WORK/journald.out" 2>&1 &
	pid=$!
	DAEMON_PIDS+=("$pid")
	for i in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.2; done
	[ -S /run/systemd/journal/socket ] || die "journald did not start; see $WORK/journald.out"
	sleep 3   # journald copies the whole kmsg buffer first (stamped with the read time)
	kill -USR2 "$pid"   # rotate: the new system.journal holds only what follows
	sleep 1
	say "journald running: kernel audit enabled=$(audit_get enabled) pid=$(audit_get pid)"
	mark "begin $tag"
	scenarios "$PAUSE" g1 g4 g5 g6 g8 g9
	mark "end $tag"
	sleep 2
	# Rotate again: journald truncates a file it archives, so the archived file with the
	# window is much smaller than the 512K system.journal it was.
	kill -USR2 "$pid"
	sleep 1
	stop_pid "$pid"
	restore_audit
	jfile=$(printf "%s\n" /run/log/journal/"$mid"/system@*.journal | sort | tail -n 1)
	[ -z "${KEEP_WORK:-}" ] || cp -a /run/log/journal "$WORK/journal-all"
	# Audit-transport entries of our own processes only (other tenants of the host may be
	# logging too), and every kernel-transport entry (printk is rate limited anyway).
	sel=(--file="$jfile" --no-pager _TRANSPORT=audit
		_EXE="$WORK/gen" _EXE="$WORK/prog64" _EXE="$WORK/prog32" _EXE="$SPACEDIR/x y" _EXE="$LONGDIR/x y"
		+ _TRANSPORT=kernel)
	journalctl "${sel[@]}" -o short >"$DATA/journal-short.txt"
	journalctl "${sel[@]}" -o short-iso >"$DATA/journal-short-iso.txt"
	journalctl "${sel[@]}" -o short-precise >"$DATA/journal-short-precise.txt"
	journalctl "${sel[@]}" -o short-monotonic >"$DATA/journal-short-monotonic.txt"
	journalctl "${sel[@]}" -o export >"$DATA/journal-export.txt"
	journalctl "${sel[@]}" -o json >"$DATA/journal-json.txt"
	# The real binary file journald wrote (archived, hence offline and truncated).
	mkdir -p "$DATA/journal"
	install -m 0644 "$jfile" "$DATA/journal/seccomp.journal"
	journalctl --file="$DATA/journal/seccomp.journal" --verify >&2
	rm -rf /run/systemd/journal /run/systemd/journald.conf.d /run/log/journal
	valid journal-short.txt 60 1 <"$DATA/journal-short.txt"
}

PHASES=("$@")
[ ${#PHASES[@]} -gt 0 ] || PHASES=(kmsg rsyslog auditd journald)
for p in "${PHASES[@]}"; do
	case $p in
	kmsg | journald) retry "phase_$p" ;;
	rsyslog | auditd) "phase_$p" ;;
	*) die "unknown phase $p" ;;
	esac
done
say "done; audit status now:"
restore_audit
auditctl -s >&2
