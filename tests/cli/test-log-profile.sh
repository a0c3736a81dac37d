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
