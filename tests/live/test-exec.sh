#!/usr/bin/env bash
# scmplog exec: profiles with other rules (args, errnoRet, kill), --log-denied
# auditing ERRNO denials, SIGSYS for a kill action, unsupported profiles.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "$SCMPLOG" run -q -o "$TMP/cat.json" -- cat /etc/hostname
# cat under its own profile works; uname(1) under it does not (no uname).
expect_rc 0 "$SCMPLOG" exec -p "$TMP/cat.json" -- cat /etc/hostname
python3 - "$TMP/cat.json" "$TMP/errno.json" "$TMP/kill.json" "$TMP/args.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
e = dict(p); e["syscalls"] = p["syscalls"] + [{"names": ["openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
        "args": [{"index": 2, "value": 1, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}]}]
json.dump(e, open(sys.argv[2], "w"))
k = dict(p); k["defaultAction"] = "SCMP_ACT_KILL_PROCESS"; k.pop("defaultErrnoRet", None)
json.dump(k, open(sys.argv[3], "w"))
a = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["openat"], "action": "SCMP_ACT_ERRNO",
     "errnoRet": 13, "args": [{"index": 2, "value": 3, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}]}]}
json.dump(a, open(sys.argv[4], "w"))
PYEOF
# openat with O_WRONLY (flags & 3 == 1) gets EACCES; reading still works
expect_rc 0 "$SCMPLOG" exec -p "$TMP/args.json" -- cat /etc/hostname
expect_rc 2 "$SCMPLOG" exec -q -p "$TMP/args.json" -- sh -c "echo x > $TMP/w"
contains "$TMP/err" "Permission denied"
# a denied syscall under a kill default: SIGSYS
expect_rc 159 bash -c "\"$SCMPLOG\" exec -p \"$TMP/kill.json\" -- uname -a"
# ERRNO default: uname fails, cat does not
! "$SCMPLOG" exec -p "$TMP/cat.json" -- uname -a >/dev/null 2>&1 || fail "uname -a ran under cat's profile"

# --log-denied: the kernel audits the ERRNO denials; an outer learning run
# sees them as denials of the command's own filter and leaves them out.
expect_rc 0 "$SCMPLOG" run -o "$TMP/outer.json" -- "$SCMPLOG" exec --log-denied -p "$TMP/args.json" -- sh -c "echo x > $TMP/w2 || true"
cat "$TMP/err"
grep -Eq "left out [1-9][0-9]* denial record" "$TMP/err" || fail "no denial records seen with --log-denied"
expect_rc 0 "$SCMPLOG" run -o "$TMP/outer2.json" -- "$SCMPLOG" exec -p "$TMP/args.json" -- sh -c "echo x > $TMP/w3 || true"
lacks "$TMP/err" "denial record"

# --dump-pfc shows the filter: the three x86 architectures and the args rule
expect_rc 0 "$SCMPLOG" exec -p "$TMP/args.json" --dump-pfc
contains "$TMP/out" "filter for arch x86_64"
contains "$TMP/out" "filter for arch x86 "
contains "$TMP/out" "filter for arch x32"
contains "$TMP/out" "ERRNO(13)"

printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_AARCH64"],"syscalls":[]}\n' >"$TMP/arm.json"
expect_rc 1 "$SCMPLOG" exec -p "$TMP/arm.json" -- true
contains "$TMP/err" "does not cover this machine's architecture"
printf '{"defaultAction":"SCMP_ACT_NOTIFY","syscalls":[]}\n' >"$TMP/notify.json"
expect_rc 1 "$SCMPLOG" exec -p "$TMP/notify.json" -- true
contains "$TMP/err" "SCMP_ACT_NOTIFY"
expect_rc 2 "$SCMPLOG" exec -- true
audit_check
