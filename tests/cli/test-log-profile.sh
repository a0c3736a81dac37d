#!/usr/bin/env bash
# scmplog log-profile: the learning profile and the complain-mode profile.
. "$CLI_DIR/lib.sh"
P=$DATA/profiles
cd "$TMP" || exit 1

expect_rc 0 "$SCMPLOG" log-profile --arch x86_64
same out "$P/log-x86_64.json"
expect_rc 0 "$SCMPLOG" log-profile -a aarch64 --arch SCMP_ARCH_X86
same out "$P/log-aarch64-x86.json"
# Default: the native architecture with its sub-architectures.
expect_rc 0 "$SCMPLOG" log-profile
contains out '"defaultAction": "SCMP_ACT_LOG",'
contains out '"syscalls": []'
if [ "$(uname -m)" = x86_64 ]; then
	same out "$P/log-x86_64.json"
fi
# What log-profile writes reads back unchanged.
"$SCMPLOG" log-profile -o log.json || fail "log-profile -o"
expect_rc 0 "$SCMPLOG" merge log.json
same out log.json

# Complain mode: the known profile's syscalls allowed, the rest logged.
expect_rc 0 "$SCMPLOG" log-profile --allow-known "$P/a.json"
same out "$P/complain-a.json"
expect_rc 0 "$SCMPLOG" log-profile --allow-known "$P/b.json" --arch x86_64 -q
same out "$P/complain-b-x86_64.json"
expect_rc 0 "$SCMPLOG" log-profile --allow-known "$P/a.json" -f systemd
same out "$P/complain-a.systemd.conf"
expect_rc 0 "$SCMPLOG" log-profile -f k8s --name learn --arch x86_64
same out "$P/log-x86_64.k8s.yaml"
if [ -r /usr/share/containers/seccomp.json ]; then
	expect_rc 0 "$SCMPLOG" log-profile --allow-known /usr/share/containers/seccomp.json
	contains err "rules with other actions than SCMP_ACT_ALLOW left out"
	# its archMap gives this machine's entry, as Docker takes it (one byte order: it loads)
	if [ "$(uname -m)" = x86_64 ]; then
		contains err "'/usr/share/containers/seccomp.json': of its archMap, the entry for x86_64 (x86_64, x86, x32), as Docker and Podman take it on x86_64; left out: aarch64, arm, mips64, mips, mips64n32, mipsel64, mipsel, mipsel64n32, s390x, s390"
		lacks out "SCMP_ARCH_S390X"
	fi
	lacks out "SCMP_ACT_ERRNO"
	contains out '"defaultAction": "SCMP_ACT_LOG",'
fi

# --enforce: an enforcing profile made to report its denials.  Alone: the
# SECCOMP_FILTER_FLAG_LOG flag, and what runc 1.1 and Docker 20.10 make of it.
expect_rc 0 "$SCMPLOG" log-profile --enforce "$P/a.json"
same out "$P/enforce-flags-a.json"
contains err 'warning: "flags" is refused by runc before 1.2'
contains err "seccomp flags are not yet supported by runc"
contains err "dropped by Docker 20.10, which then enforces without logging"
expect_rc 0 "$SCMPLOG" log-profile -q --enforce "$P/a.json"
[ ! -s err ] || fail "log-profile -q --enforce warned: $(cat err)"
# With --listener: every other name libseccomp knows on its architectures, but write, is NOTIFY
expect_rc 0 "$SCMPLOG" log-profile --enforce "$P/a.json" --listener /run/scmplog/listen.sock -o notify.json
same notify.json "$P/enforce-listener-a.json"
contains err "syscalls '$P/a.json' denies go to the listener at '/run/scmplog/listen.sock'"
expect_rc 0 "$SCMPLOG" log-profile --enforce "$P/a.json" --listener /run/scmplog/listen.sock
same out "$P/enforce-listener-a.json"
expect_rc 2 "$SCMPLOG" log-profile --listener /run/x.sock
contains err "scmplog: --listener needs --enforce PROFILE"
expect_rc 2 "$SCMPLOG" log-profile --enforce "$P/a.json" --listener x.sock
contains err "the socket path must be absolute"
expect_rc 2 "$SCMPLOG" log-profile --enforce "$P/a.json" --allow-known "$P/a.json"
contains err "not with --allow-known"
expect_rc 2 "$SCMPLOG" log-profile --enforce "$P/a.json" --arch x86_64
contains err "not with --arch"
expect_rc 2 "$SCMPLOG" log-profile --enforce "$P/a.json" -f k8s
contains err "--enforce writes OCI JSON only"
cp "$P/a.json" a.json
expect_rc 2 "$SCMPLOG" log-profile --enforce a.json -o a.json
same a.json "$P/a.json"
expect_rc 0 "$SCMPLOG" merge "$P/a.json" --default-action kill_process -o kill.json
expect_rc 1 "$SCMPLOG" log-profile --enforce kill.json
contains err "default action SCMP_ACT_KILL_PROCESS: its denials are audited already (a kill always is)"
expect_rc 1 "$SCMPLOG" log-profile --enforce log.json --listener /run/x.sock
contains err "default action SCMP_ACT_LOG: only SCMP_ACT_ERRNO denials can be reported this way"

# listen: usage and its socket (no container needed)
expect_rc 2 "$SCMPLOG" listen --out-dir .
contains err "--socket and --out-dir are required"
expect_rc 2 "$SCMPLOG" listen --socket l.sock --out-dir . extra
touch plain
expect_rc 1 "$SCMPLOG" listen --socket plain --out-dir .
contains err "--socket 'plain': exists and is not a socket"
expect_rc 1 "$SCMPLOG" listen --socket l.sock --out-dir nodir
contains err "cannot open output directory 'nodir'"
mkdir den
"$SCMPLOG" listen -v --socket l.sock --out-dir den 2>listen.err & lp=$!
for i in $(seq 300); do [ -S l.sock ] && break; sleep 0.1; done
[ -S l.sock ] || { cat listen.err; fail "listen did not create its socket"; }
expect_rc 1 "$SCMPLOG" listen --socket l.sock --out-dir den
contains err "--socket 'l.sock': another listener serves it"
# a connection that sends no fd costs that connection only
python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect("l.sock"); s.send(b"{}"); s.close()'
wait_for() { for i in $(seq 300); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done; cat "$1"; fail "'$1' lacks '$2'"; }
wait_for listen.err "cannot receive a container's seccomp fd: not one fd with the state, skipping"
kill -TERM $lp
wait $lp || fail "listen exited $? on SIGTERM"
[ ! -e l.sock ] || fail "listen left its socket"
contains listen.err "listen: 0 denials of 0 containers written to 'den'"
# a stale socket (its listener killed) is replaced
python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.bind("l.sock")'
[ -S l.sock ] || fail "no stale socket"
"$SCMPLOG" listen --socket l.sock --out-dir den 2>listen.err & lp=$!
for i in $(seq 300); do grep -q . listen.err 2>/dev/null && break; python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect("l.sock")' 2>/dev/null && break; sleep 0.1; done
kill -TERM $lp
wait $lp || { cat listen.err; fail "listen did not replace a stale socket"; }

# Errors.
expect_rc 1 "$SCMPLOG" log-profile -f systemd
contains err "logging every syscall cannot be expressed"
expect_rc 2 "$SCMPLOG" log-profile --arch vax
contains err "scmplog: unknown architecture 'vax'"
expect_rc 2 "$SCMPLOG" log-profile extra
expect_rc 1 "$SCMPLOG" log-profile --allow-known nope.json
contains err "scmplog: cannot read profile 'nope.json': No such file or directory"
expect_rc 0 "$SCMPLOG" log-profile --help
contains out "Usage: scmplog log-profile [OPTIONS]"
contains out "--allow-known PROFILE"
exit 0
