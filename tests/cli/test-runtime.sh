#!/usr/bin/env bash
# --runtime offline (build, merge, collect's options): the runtime's baseline
# is allowed, each syscall named in the summary with its reason and source,
# byte-stable (a second application adds nothing), before --portable (which
# sees its syscalls), quiet with -q; crun's is said to be untested; the
# shipped profiles/runtime-*.json are what the table gives today.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
cd "$TMP" || exit 1

# a busybox container learned under runc in a run that saw no futex
cat >learned.json <<'JSON'
{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":["arch_prctl","brk","close","execve","exit_group","getdents64","openat","write"],"action":"SCMP_ACT_ALLOW"}]}
JSON
expect_rc 0 "$SCMPLOG" merge learned.json -o plain.json
lacks err "--runtime"
expect_rc 0 "$SCMPLOG" merge --runtime runc learned.json -o runc.json
contains err "scmplog: --runtime runc: 34 syscalls allowed: runc 1.1.5 (Go 1.19), after the container's filter is loaded"
contains err "  allow futex (go, seen): parks and wakes threads"
contains err "runtime/os_linux.go: futexsleep, futexwakeup"
contains err "  allow rt_sigreturn (go, seen): returns from the runtime's signal handler"
contains err "  allow epoll_pwait (go): sysmon polls the netpoller"
contains err "  allow fstatfs (runc-init, seen): checks that /proc/self/fd is procfs"
lacks err "allow openat" # learned already
lacks err "allow execve"
lacks err "warning"
python3 - runc.json <<'PY' || fail "runc.json is not the learned profile with runc's baseline"
import json, sys
p = json.load(open(sys.argv[1]))
allow = {n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]}
need = {"futex", "rt_sigreturn", "tgkill", "getpid", "nanosleep", "sched_yield", "epoll_pwait", "mmap", "madvise",
        "clone", "fstatfs", "epoll_ctl", "getppid", "faccessat2", "prctl", "capset", "setuid", "exit_group"}
assert need <= allow, sorted(need - allow)
assert "rt_sigtimedwait" not in allow # docker-init's
assert p["defaultAction"] == "SCMP_ACT_ERRNO", p
PY
check_loads runc.json
# applied again: byte-identical, nothing added
expect_rc 0 "$SCMPLOG" merge --runtime runc runc.json -o runc2.json
same runc.json runc2.json
contains err "--runtime runc: 0 syscalls allowed"
lacks err "  allow "
# -q: no summary
expect_rc 0 "$SCMPLOG" merge -q --runtime runc learned.json -o runc3.json
[ -s err ] && fail "merge -q --runtime wrote to stderr: $(cat err)"
same runc.json runc3.json

# docker: runc's and docker-init's (docker run --init)
expect_rc 0 "$SCMPLOG" merge --runtime docker learned.json -o docker.json
contains err "scmplog: --runtime docker: 48 syscalls allowed: Docker 20.10"
contains err "  allow rt_sigtimedwait (docker-init, seen): waits for a signal to forward"
contains err "  allow kill (docker-init): forwards a signal"
python3 - runc.json docker.json <<'PY' || fail "docker's baseline is not runc's and docker-init's"
import json, sys
a, b = ({n for r in json.load(open(f))["syscalls"] for n in r["names"]} for f in sys.argv[1:])
assert a < b and {"rt_sigtimedwait", "wait4", "setpgid", "kill"} <= b - a, sorted(b - a)
PY

# crun: from its source, said to be untested
expect_rc 0 "$SCMPLOG" merge --runtime crun learned.json -o crun.json
contains err "scmplog: warning: --runtime crun: untested: read in the runtime's source, never run here"
contains err "  allow setresuid (crun): process.user.uid (noNewPrivileges false); src/libcrun/linux.c: set_required_caps"
lacks err "(crun, seen)"

# with --portable: the runtime's first, so faccessat2 is seen (no ENOSYS for it, faccessat and access allowed)
expect_rc 0 "$SCMPLOG" merge --portable --runtime runc learned.json -o both.json
contains err "--runtime runc: 34 syscalls allowed"
contains err "allow access (alternative to faccessat2)"
lacks err "ENOSYS faccessat2"
grep -n -- "--runtime runc:" err | cut -d: -f1 >a.line
grep -n -- "--portable:" err | cut -d: -f1 >b.line
[ "$(cat a.line)" -lt "$(cat b.line)" ] || fail "--portable's summary came before --runtime's"
# k8s and systemd forms carry the same syscalls
expect_rc 0 "$SCMPLOG" merge --runtime runc -f systemd learned.json -o runc.conf
contains runc.conf "futex"
contains runc.conf "rt_sigreturn"

# build from a log: the same option
expect_rc 0 "$SCMPLOG" build --runtime runc --exe /usr/sbin/nginx -o built.json "$DATA/foreign-arches.log"
contains err "--runtime runc: "
contains built.json '"futex"'

# usage errors: the value is checked, in every command that takes it
for c in build merge collect; do
	expect_rc 2 "$SCMPLOG" "$c" --runtime podman --help
	contains err "scmplog: invalid --runtime 'podman': expected runc, docker or crun"
	expect_rc 0 "$SCMPLOG" "$c" --help
	contains out "--runtime NAME"
done
expect_rc 2 "$SCMPLOG" run --runtime runc -- true
expect_rc 2 "$SCMPLOG" merge --runtime learned.json

# the shipped baselines are what the table gives now
for rt in runc docker crun; do
	echo '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],"syscalls":[]}' >empty.json
	expect_rc 0 "$SCMPLOG" merge -q --runtime "$rt" empty.json
	same out "$TOP/profiles/runtime-$rt.json"
done

# profiles/README.md's table names every syscall of every part, as the summary does
awk '/^## Runtime baselines/ { on = 1 } on' "$TOP/profiles/README.md" >table.md
[ -s table.md ] || fail "profiles/README.md has no 'Runtime baselines' section"
for rt in docker crun; do
	expect_rc 0 "$SCMPLOG" merge --runtime "$rt" empty.json -o "$rt-all.json"
	sed -n 's/^scmplog:   allow \([a-z0-9_]*\) (\([a-z-]*\).*/\1 \2/p' err >rows
	[ -s rows ] || fail "no rows in the summary of --runtime $rt"
	while read -r name part; do
		grep -qF "| \`$name\` | $part |" table.md || fail "profiles/README.md's table lacks $name ($part)"
	done <rows
done

# collect: each container's (here: host's) profile gets the baseline, said once, at the last write
cp "$DATA/syslog-rfc3339.log" node.log
"$SCMPLOG" collect --runtime runc --follow-file node.log --from-start --split-by host --out-dir prof --interval 1 \
	>collect.out 2>collect.err &
pid=$!
for _ in $(seq 300); do
	[ -n "$(ls prof/*.json 2>/dev/null)" ] && break
	kill -0 "$pid" 2>/dev/null || { cat collect.err; fail "collect exited early"; }
	sleep 0.1
done
kill -TERM "$pid"
wait "$pid" || { cat collect.err; fail "collect exited $? after SIGTERM"; }
f=$(ls prof/*.json | head -n 1)
[ -s "$f" ] || fail "collect wrote no profile"
contains "$f" '"futex"'
contains "$f" '"rt_sigreturn"'
contains collect.err "': --runtime runc: "
[ "$(grep -c -- "--runtime runc: " collect.err)" -eq "$(ls prof/*.json | wc -l)" ] ||
	fail "the summary was not said once per profile: $(cat collect.err)"
