#!/usr/bin/env bash
# scmplog review: the interactive review, driven by answers on stdin (not a
# terminal) and, when tmux is installed, by keys sent to a real terminal.
. "$CLI_DIR/lib.sh"
cd "$TMP" || exit 1

profile() { # profile FILE NAME...
	local f=$1 names
	shift
	names=$(printf '"%s",' "$@")
	printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],"syscalls":[{"names":[%s],"action":"SCMP_ACT_ALLOW"}]}\n' \
		"${names%,}" >"$f"
}
# check_profile FILE PYTHON-EXPR: evaluate with allowed (set), denied (set), p (the JSON).
check_profile() {
	python3 - "$1" "$2" <<'EOF' || fail "$1: $2"
import json, sys
p = json.load(open(sys.argv[1]))
allowed, denied = set(), set()
for r in p["syscalls"]:
    if r["action"] == "SCMP_ACT_ALLOW":
        allowed |= set(r["names"])
    elif r.get("comment") == "scmplog review: denied":
        denied |= set(r["names"])
ok = eval(sys.argv[2])
if not ok:
    print(json.dumps(p, indent=1), "allowed", sorted(allowed), "denied", sorted(denied))
sys.exit(0 if ok else 1)
EOF
}

profile old.json read write close openat
profile new.json read write openat mount unshare socket connect clone ptrace

# Order: @mount (mount), @debug (ptrace), @process (clone, unshare), @network-io (connect, socket).
printf 'a\nd\ns\na\nA\n' >answers
expect_rc 0 "$SCMPLOG" review -o res.json old.json new.json <answers
contains err "scmplog review: 6 new syscalls in 4 groups"
contains err "== @mount: Mounting and unmounting of file systems"
contains err "[1/6] mount on x86_64, x86, x32"
contains err "RISK: Docker's default profile blocks it: mounting file systems (CAP_SYS_ADMIN)"
contains err "note: Docker's default profile: creating namespaces"
contains err "(A)llow / (D)eny the rest of @network-io"
lacks err "[6/6]"  # A answered socket too
contains err "scmplog: review: 4 allowed, 1 denied, 1 skipped"
[ -s out ] && fail "the profile went to stdout with -o"
check_profile res.json 'allowed == {"read","write","close","openat","mount","unshare","connect","socket"} and denied == {"ptrace"}'
check_profile res.json 'p["defaultAction"] == "SCMP_ACT_ERRNO" and [r for r in p["syscalls"] if r.get("comment")][0]["errnoRet"] == 1'
# OLD's close (removed in NEW) is kept: review only adds.
expect_rc 1 "$SCMPLOG" diff -q old.json res.json

# A second review against the result: ptrace is expected, clone asked again.
printf 'D\n' >answers
expect_rc 0 "$SCMPLOG" review -o res2.json res.json new.json <answers
contains err "1 syscall denied on purpose by the profile's rules"
contains err "scmplog review: 1 new syscall in 1 group"
contains err "[1/1] clone on"
check_profile res2.json 'denied == {"ptrace","clone"} and "clone" not in allowed and len([r for r in p["syscalls"] if r.get("comment")]) == 1'

# Nothing new: the profile is written as it is, nobody is asked.
expect_rc 0 "$SCMPLOG" review res2.json new.json </dev/null
contains err "nothing to review"
contains out '"comment": "scmplog review: denied"'

# End of the answers: the rest is skipped, with a warning; the profile is written.
printf 'a\n' >answers
expect_rc 0 "$SCMPLOG" review -o res3.json old.json new.json <answers
contains err "warning: end of the answers: 5 undecided syscalls skipped"
check_profile res3.json 'allowed == {"read","write","close","openat","mount"} and not denied'

# An empty line skips; unknown answers are asked again; ? explains; f finishes.
printf '\nx\n?\nd\nf\n' >answers
expect_rc 0 "$SCMPLOG" review -o res4.json old.json new.json <answers
contains err "answer a, d, s, A, D, f or q (? explains)"
contains err "  s  skip: leave it out for now; the next review asks again"
contains err "review: 0 allowed, 1 denied, 5 skipped"
check_profile res4.json 'denied == {"ptrace"} and allowed == {"read","write","close","openat"}'

# q: nothing written, exit 1.
printf 'a\nq\n' >answers
expect_rc 1 "$SCMPLOG" review -o res5.json old.json new.json <answers
contains err "scmplog: review quit: nothing written"
[ -e res5.json ] && fail "quit wrote a profile"

# Other formats: the result as a systemd drop-in.
printf 'A\nA\nA\nA\n' >answers
expect_rc 0 "$SCMPLOG" review -f systemd old.json new.json <answers
contains out "SystemCallFilter="
contains out "mount"

# --since-profile: records logged in complain mode and denied by an enforcing
# profile; the programs that used each syscall; a hostile exe is escaped.
rec() { # rec EXE_FIELD SYSCALL_NR CODE [ARCH]
	printf '[ 2885.569711] audit: type=1326 audit(1795709103.240:%d): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=27665 comm="app" exe=%s sig=0 arch=%s syscall=%d compat=0 ip=0x7f04cf0700c7 code=%s\n' \
		"$RANDOM" "$1" "${4:-c000003e}" "$2" "$3"
}
{
	rec '"/usr/bin/app"' 0 0x7ffc0000          # read: allowed by old.json
	rec '"/usr/bin/app"' 41 0x7ffc0000         # socket, logged
	rec '"/usr/bin/app"' 41 0x7ffc0000
	rec '"/usr/bin/helper"' 42 0x50000      # connect, denied (ERRNO)
	rec '"/usr/bin/app"' 101 0x50000        # ptrace, denied
	rec '2F746D702F1B5B33316D6576696C' 165 0x7ffc0000   # mount by "/tmp/\e[31mevil"
	rec '"/usr/bin/app"' 999999 0x7ffc0000     # unknown number
	rec '"/usr/bin/app"' 106 0x7ffc0000 40000003 # stat on x86 (a 32-bit kernel)
} >records.log
printf 'a\nd\ns\na\n' >answers
expect_rc 0 "$SCMPLOG" review --since-profile old.json -o since.json records.log <answers
contains err "[1/5] mount on x86_64 (1 record)"
contains err 'used by /tmp/\x1b[31mevil (comm "app"): 1 logged'
contains err "[2/5] ptrace on x86_64 (1 denial)"
contains err "used by /usr/bin/app (comm \"app\"): 1 denied"
contains err "[3/5] connect on x86_64 (1 denial)"
contains err "used by /usr/bin/helper (comm \"app\"): 1 denied"
contains err "[4/5] socket on x86_64 (2 records)"
contains err "[5/5] stat on x86 (1 record)"
contains err "warning: 1 record of syscalls libseccomp cannot name left out of the review"
lacks err "read on"
check_profile since.json 'allowed == {"read","write","close","openat","mount","socket"} and denied == {"ptrace"}'
# Against the result, ptrace's denial is expected and mount/socket are known.
printf 's\ns\n' >answers
expect_rc 0 "$SCMPLOG" review --since-profile since.json -o since2.json records.log <answers
contains err "1 syscall denied on purpose by the profile's rules (1 record): expected, not asked"
contains err "scmplog review: 2 new syscalls in 2 groups"
# Record selection works as for build: only /usr/bin/helper's.
printf 'a\n' >answers
expect_rc 0 "$SCMPLOG" review --since-profile old.json --exe /usr/bin/helper -o helper.json records.log <answers
contains err "scmplog review: 1 new syscall in 1 group"
check_profile helper.json 'allowed == {"read","write","close","openat","connect"}'

# Records on stdin: answers must come from the terminal; without one, an error.
if command -v setsid >/dev/null; then
	expect_rc 1 setsid -w "$SCMPLOG" review --since-profile old.json <records.log
	contains err "the records come from standard input, so the answers must come from a terminal"
fi

# One byte order in the result (a seccomp filter holds one): a NEW that also
# lists s390x gives this machine's; the result loads (lib.sh checks it).
if [ "$(uname -m)" = x86_64 ]; then
	python3 -c 'import json; p = json.load(open("new.json")); p["architectures"] += ["SCMP_ARCH_S390X"]; json.dump(p, open("mixed.json", "w"))'
	printf 'A\n' >answers
	expect_rc 0 "$SCMPLOG" review -o mixed-res.json old.json mixed.json <answers
	contains err "scmplog: warning: 'mixed.json': left out s390x: a seccomp filter holds one byte order, and this profile is for x86_64 (little-endian)"
	check_profile mixed-res.json 'p["architectures"] == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"] and "mount" in allowed'
fi

# Usage.
expect_rc 2 "$SCMPLOG" review old.json
contains err "review needs OLD and NEW profiles, or --since-profile PROFILE and logs"
expect_rc 2 "$SCMPLOG" review --exe /x old.json new.json
contains err "record selection and --strict apply to --since-profile only"
expect_rc 2 "$SCMPLOG" review --bogus old.json new.json
expect_rc 2 "$SCMPLOG" review -f yaml old.json new.json
expect_rc 1 "$SCMPLOG" review old.json nope.json
contains err "cannot read profile 'nope.json'"
expect_rc 0 "$SCMPLOG" review --help
contains out "Usage: scmplog review [OPTIONS] OLD.json NEW.json"
contains out "scmplog review [OPTIONS] --since-profile PROFILE.json [FILE...]"
"$SCMPLOG" --help | grep -q '^  review ' || fail "review is not in scmplog --help"

# A real terminal (tmux): single keys, no Enter; ^C quits and restores the terminal.
if ! command -v tmux >/dev/null; then
	echo "tmux not installed: the terminal part is not tested"
	exit 0
fi
sock="$TMP/tmux.sock"
tm() { tmux -S "$sock" "$@"; }
wait_for() { # wait_for FILE: up to 30 s (the machine may be busy)
	for _ in $(seq 1 300); do [ -e "$1" ] && return 0; sleep 0.1; done
	tm capture-pane -p -t rv >&2 || true
	fail "timed out waiting for $1"
}
wait_screen() { # wait_screen TEXT: up to 30 s
	for _ in $(seq 1 300); do tm capture-pane -p -t rv | grep -qF -- "$1" && return 0; sleep 0.1; done
	tm capture-pane -p -t rv >&2 || true
	fail "the terminal never showed '$1'"
}
# tty.rc appears last, whole: waiting for it waits for stty.after too
cat >run-tty.sh <<EOF
stty -g >stty.before
"$SCMPLOG" review -o tty.json old.json new.json
rc=\$?
stty -g >stty.after
echo \$rc >tty.rc.tmp && mv tty.rc.tmp tty.rc
EOF
tm -f /dev/null new-session -d -s rv -x 200 -y 50 "bash run-tty.sh; sleep 120" || fail "tmux"
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
wait_screen "[1/6] mount"
tm send-keys -t rv a
wait_screen "[2/6] ptrace"
tm send-keys -t rv d
wait_screen "[3/6] clone"
tm send-keys -t rv D
wait_screen "[5/6] connect"
tm send-keys -t rv A
wait_for tty.rc
[ "$(cat tty.rc)" = 0 ] || { tm capture-pane -p -t rv; fail "review in a terminal exited $(cat tty.rc)"; }
cmp -s stty.before stty.after || fail "the terminal settings were not restored"
check_profile tty.json 'allowed == {"read","write","close","openat","mount","connect","socket"} and denied == {"ptrace","clone","unshare"}'
tm kill-session -t rv

rm -f tty.rc stty.after
tm -f /dev/null new-session -d -s rv -x 200 -y 50 "bash run-tty.sh; sleep 120" || fail "tmux"
wait_screen "[1/6] mount"
tm send-keys -t rv C-c
wait_for tty.rc
[ "$(cat tty.rc)" = 1 ] || fail "^C in the review exited $(cat tty.rc), expected 1"
cmp -s stty.before stty.after || fail "the terminal settings were not restored after ^C"
tm kill-server
exit 0
