#!/usr/bin/env bash
# scmplog diff: changes grouped by systemd's syscall groups, Docker's blocked
# syscalls called out, the same in JSON; profiles without architectures.
. "$CLI_DIR/lib.sh"
cd "$TMP" || exit 1

profile() { # profile FILE ARCHES(json list) NAME...
	local f=$1 arches=$2 names
	shift 2
	names=$(printf '"%s",' "$@")
	printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":%s,"syscalls":[{"names":[%s],"action":"SCMP_ACT_ALLOW"}]}\n' \
		"$arches" "${names%,}" >"$f"
}
X86='["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]'
profile old.json "$X86" read write close openat
profile new.json "$X86" read write openat mount unshare socket connect clone ptrace

expect_rc 1 "$SCMPLOG" diff old.json new.json
cat >want <<'EOF'
x86_64: 6 added, 1 removed
  @mount (Mounting and unmounting of file systems)
+ x86_64: mount  [risk: Docker's default profile blocks it]
  @debug (Debugging, performance monitoring and tracing functionality)
+ x86_64: ptrace  [risk: Docker's default profile blocks it]
  @process (Process control, execution, namespacing operations)
+ x86_64: clone  [note: Docker's default profile allows it only with restricted arguments]
+ x86_64: unshare  [risk: Docker's default profile blocks it]
  @network-io (Network or Unix socket IO, should not be needed if not network facing)
+ x86_64: connect
+ x86_64: socket
  @basic-io (Basic IO)
- x86_64: close
x86: the same changes as x86_64
x32: the same changes as x86_64
! risk: 3 added syscalls are blocked by Docker's default seccomp profile:
!   mount: mounting file systems (CAP_SYS_ADMIN)
!   ptrace: tracing other processes; a seccomp bypass before Linux 4.8
!   unshare: creating namespaces (CAP_SYS_ADMIN, except user namespaces)
18 added, 3 removed on 3 architectures
EOF
same out want
[ -s err ] && fail "unexpected stderr: $(cat err)"

# A removed risky syscall is not a risk.
expect_rc 1 "$SCMPLOG" diff new.json old.json
lacks out "[risk:"
lacks out "! risk"
contains out "- x86_64: mount"
contains out "1 added, 6 removed"

# JSON: the old keys unchanged, plus the group and Docker's verdict per name.
expect_rc 1 "$SCMPLOG" diff --format json old.json new.json
python3 - out <<'EOF' || fail "json output"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["differ"] is True
assert d["added"]["x86_64"] == ["clone", "connect", "mount", "ptrace", "socket", "unshare"], d["added"]
assert d["removed"]["x32"] == ["close"]
s = d["syscalls"]
assert s["mount"] == {"group": "@mount", "dockerBlocked": True, "dockerConditional": False,
                      "dockerReason": "mounting file systems (CAP_SYS_ADMIN)"}, s["mount"]
assert s["clone"]["dockerConditional"] is True
assert s["socket"] == {"group": "@network-io", "dockerBlocked": False}
assert s["close"]["group"] == "@basic-io"
assert d["riskyAdded"] == ["mount", "ptrace", "unshare"], d["riskyAdded"]
EOF
expect_rc 1 "$SCMPLOG" diff --format json new.json old.json
contains out '"riskyAdded": []'
expect_rc 0 "$SCMPLOG" diff --format json old.json old.json
contains out '"syscalls": {},'

# A syscall in no systemd group.
profile seccomp.json "$X86" read write openat seccomp
expect_rc 1 "$SCMPLOG" diff old.json seccomp.json
contains out "  (in no systemd group)"
contains out "+ x86_64: seccomp"
expect_rc 1 "$SCMPLOG" diff --format json old.json seccomp.json
contains out '"group": null,'

# Neither profile lists architectures: compared once, as "any".
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}\n' >na.json
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","bpf"],"action":"SCMP_ACT_ALLOW"}]}\n' >nb.json
expect_rc 1 "$SCMPLOG" diff na.json nb.json
contains out "any: 1 added"
contains out "+ any: bpf  [risk: Docker's default profile blocks it]"
contains out "1 added, 0 removed on 1 architecture"
expect_rc 1 "$SCMPLOG" diff --format json na.json nb.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["added"] == {"any": ["bpf"]}' out ||
	fail "json for profiles without architectures"
exit 0
