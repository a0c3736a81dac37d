#!/usr/bin/env bash
# --portable offline: the families' additions and ENOSYS rules in OCI, k8s and
# systemd form, the summary naming each with its reason, a second application
# changing nothing, and a stale ENOSYS rule dropped once the syscall is learned.
. "$CLI_DIR/lib.sh"
cd "$TMP" || exit 1

# glibc 2.36 learned on an old kernel: clone, newfstatat, openat, faccessat, write
cat >old.json <<'JSON'
{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":["clone","exit_group","faccessat","newfstatat","openat","write"],"action":"SCMP_ACT_ALLOW"}]}
JSON
expect_rc 0 "$SCMPLOG" merge old.json -o plain.json
lacks err "--portable" # without it: nothing added, no summary
expect_rc 0 "$SCMPLOG" merge --portable old.json -o port.json
contains err "--portable: 8 syscalls allowed, 4 answer ENOSYS"
contains err "allow fork (alternative to clone): threads and processes"
contains err "allow stat (alternative to newfstatat)"
contains err "allow open (alternative to openat)"
contains err "allow access (alternative to faccessat)"
contains err "allow writev (alternative to write): stdio output"
contains err "ENOSYS clone3 (Linux 5.3; clone seen): EPERM would stop the fallback of its callers"
contains err "ENOSYS statx (Linux 4.11; newfstatat seen)"
contains err "ENOSYS openat2 (Linux 5.6; openat seen)"
contains err "ENOSYS faccessat2 (Linux 5.8; faccessat seen)"
python3 - port.json <<'PYEOF' || fail "port.json is not the portable profile"
import json, sys
p = json.load(open(sys.argv[1]))
allow = {n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]}
assert allow == {"clone", "fork", "vfork", "exit_group", "faccessat", "access", "newfstatat", "fstat", "stat",
                 "lstat", "openat", "open", "write", "writev"}, allow
enosys = [r for r in p["syscalls"] if r["action"] == "SCMP_ACT_ERRNO"]
assert [r["names"] for r in enosys] == [["clone3"], ["statx"], ["openat2"], ["faccessat2"]], enosys
for r in enosys:
    assert r["errnoRet"] == 38 and r["comment"].startswith("scmplog --portable: "), r
PYEOF
# applied again: byte-identical, nothing to say
expect_rc 0 "$SCMPLOG" merge --portable port.json -o port2.json
same port.json port2.json
contains err "--portable: 0 syscalls allowed, 0 answer ENOSYS"
lacks err "  allow "
# -q: no summary
expect_rc 0 "$SCMPLOG" merge -q --portable old.json
[ -s err ] && fail "merge -q --portable wrote to stderr: $(cat err)"

# learned further (clone3 seen on a newer node): the stale ENOSYS rule goes
cat >new.json <<'JSON'
{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":["clone3"],"action":"SCMP_ACT_ALLOW"}]}
JSON
expect_rc 0 "$SCMPLOG" merge --portable port.json new.json -o port3.json
python3 - port3.json <<'PYEOF' || fail "the stale clone3 rule was kept"
import json, sys
p = json.load(open(sys.argv[1]))
enosys = [n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ERRNO" for n in r["names"]]
allow = {n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]}
assert "clone3" not in enosys and "clone3" in allow, (enosys, allow)
PYEOF

# Kubernetes: errnoRet per rule; systemd: ~NAME:ENOSYS after the allow list
expect_rc 0 "$SCMPLOG" merge -q --portable -f k8s old.json
contains out "  - action: SCMP_ACT_ERRNO"
contains out "    errnoRet: 38"
expect_rc 0 "$SCMPLOG" merge --portable -f systemd old.json
contains out "SystemCallFilter=~clone3:ENOSYS"
contains out "SystemCallFilter=~faccessat2:ENOSYS"
lacks err "not expressible in systemd"
tail -n 4 out >tail.txt
contains tail.txt "SystemCallFilter=~faccessat2:ENOSYS"
# a rule systemd cannot write is still reported
cat >args.json <<'JSON'
{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":["write"],"action":"SCMP_ACT_ALLOW"},
  {"names":["openat"],"action":"SCMP_ACT_ERRNO","errnoRet":13,"args":[{"index":2,"value":1,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]}]}
JSON
expect_rc 0 "$SCMPLOG" merge -f systemd args.json
contains err "not expressible in systemd settings, left out"
lacks out "~openat"

# build takes it too, from records
expect_rc 0 "$SCMPLOG" build --portable "$DATA/audit-raw.log" -o b.json
contains err "--portable:"
contains b.json '"errnoRet": 38'

# collect: every write is portable, the summary per container once, at exit
unset STATE_DIRECTORY NOTIFY_SOCKET
"$SCMPLOG" collect --follow-file "$DATA/syslog-rfc3339.log" --from-start --split-by host --out-dir cdir \
	--interval 1 --portable >collect.out 2>collect.err &
pid=$!
for _ in $(seq 300); do [ -s cdir/vm.json ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
[ -s cdir/vm.json ] || { cat collect.err; fail "collect wrote no cdir/vm.json"; }
kill -TERM "$pid"
wait "$pid" || { cat collect.err; fail "collect --portable exited $? after SIGTERM"; }
contains cdir/vm.json '"errnoRet": 38'
contains collect.err "'vm': --portable: "
[ "$(grep -c "'vm': --portable: " collect.err)" = 1 ] || { cat collect.err; fail "the summary is not given once"; }
echo ok
