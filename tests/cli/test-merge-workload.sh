#!/usr/bin/env bash
# merge --by workload: the node collectors' NAMESPACE_POD_CONTAINER profiles,
# one directory per node, into one profile per (namespace, workload,
# container), with the pods and nodes that saw each syscall; deterministic
# (the order of the directories does not show) and idempotent (a node's
# files given twice, or copied, count once).
. "$CLI_DIR/lib.sh"
cd "$TMP" || exit 1

prof() { # prof FILE SYSCALL...: an allowlist of those syscalls, as collect writes it
	local names
	names=$(printf '"%s", ' "${@:2}")
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": [{"names": [%s], "action": "SCMP_ACT_ALLOW"}]}\n' \
		"${names%, }" >"$1"
}
mkdir -p nodes/node-a nodes/node-b
# a Deployment's pods on both nodes (one syscall only on node-b's pod)
prof nodes/node-a/shop_web-7d9f8c5b46-x2kq4_nginx.json read write openat
prof nodes/node-a/shop_web-7d9f8c5b46-p8z2m_nginx.json read write
prof nodes/node-b/shop_web-7d9f8c5b46-zt7wq_nginx.json read write sendfile
# and its sidecar container: a profile of its own
prof nodes/node-a/shop_web-7d9f8c5b46-x2kq4_envoy.json read epoll_wait
# a StatefulSet, a DaemonSet, a CronJob
prof nodes/node-a/shop_db-0_postgres.json read fsync
prof nodes/node-b/shop_db-1_postgres.json read pwrite64
prof nodes/node-a/kube-system_kube-proxy-9wq5z_kube-proxy.json read socket
prof nodes/node-b/kube-system_kube-proxy-b2c4d_kube-proxy.json read socket
prof nodes/node-b/ops_backup-29410560-qp2xz_backup.json read getdents64
# not a collector's profile: skipped and counted; its side files are not read
prof nodes/node-b/notes.json read
echo '{"syscalls": {}}' >nodes/node-a/shop_db-0_postgres.stats.json
touch nodes/node-a/.shop_web-7d9f8c5b46-x2kq4_nginx.json.Xa1b2c

expect_rc 0 "$SCMPLOG" merge --by workload --out-dir w nodes/node-a nodes/node-b
contains err "1 file not named NAMESPACE_POD_CONTAINER.json skipped"
contains err "9 pods of 2 nodes: 5 workload profiles written to 'w'"
(cd w && ls) >list
printf '%s\n' kube-system_kube-proxy_kube-proxy.json kube-system_kube-proxy_kube-proxy.stats.json \
	kube-system_kube-proxy_kube-proxy.workload.json ops_backup_backup.json ops_backup_backup.stats.json \
	ops_backup_backup.workload.json shop_db_postgres.json shop_db_postgres.stats.json \
	shop_db_postgres.workload.json shop_web_envoy.json shop_web_envoy.stats.json shop_web_envoy.workload.json \
	shop_web_nginx.json shop_web_nginx.stats.json shop_web_nginx.workload.json >want
same list want
load_written w/shop_web_nginx.json
names=$(python3 -c 'import json,sys; print(" ".join(sorted(n for s in json.load(open(sys.argv[1]))["syscalls"] for n in s["names"])))' w/shop_web_nginx.json)
[ "$names" = "openat read sendfile write" ] || fail "shop_web_nginx allows '$names'"
# each pod is a run; the workload file names pods and nodes and counts both per syscall
python3 - w/shop_web_nginx.stats.json w/shop_web_nginx.workload.json <<'PY' || fail "counts"
import json, sys
st = json.load(open(sys.argv[1]))
got = {k: v["runs"] for k, v in st["syscalls"].items()}
assert got == {"openat": 1, "read": 3, "sendfile": 1, "write": 3}, got
w = json.load(open(sys.argv[2]))
assert w["namespace"] == "shop" and w["workload"] == "web" and w["container"] == "nginx", w
assert w["kinds"] == ["deployment"], w
assert w["pods"] == ["web-7d9f8c5b46-p8z2m", "web-7d9f8c5b46-x2kq4", "web-7d9f8c5b46-zt7wq"], w["pods"]
assert w["nodes"] == ["node-a", "node-b"], w["nodes"]
want = {"openat": (1, 1), "read": (3, 2), "sendfile": (1, 1), "write": (3, 2)}
assert {k: (v["pods"], v["nodes"]) for k, v in w["syscalls"].items()} == want, w["syscalls"]
PY
python3 -c 'import json,sys; w=json.load(open(sys.argv[1])); assert w["kinds"]==["statefulset"] and w["nodes"]==["node-a","node-b"], w' \
	w/shop_db_postgres.workload.json || fail "shop_db"
python3 -c 'import json,sys; w=json.load(open(sys.argv[1])); assert w["kinds"]==["cronjob"] and w["pods"]==["backup-29410560-qp2xz"], w' \
	w/ops_backup_backup.workload.json || fail "ops_backup"
# scmplog coverage reads the statistics, if this build has it
expect_rc 0 "$SCMPLOG" coverage w/shop_web_nginx.json --stats w/shop_web_nginx.stats.json
contains out "runs: 3"
contains out "seen in 1 run: 2 openat sendfile"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"]; assert r == [{"lost": None, "first": None, "last": None}] * 3, r' \
	w/shop_web_nginx.stats.json || fail "shop_web_nginx.stats.json: each pod one run"
# -f k8s: security-profiles-operator's per-syscall coverage annotation, the pods as runs
expect_rc 0 "$SCMPLOG" merge -q -f k8s --by workload --out-dir wk nodes/node-a nodes/node-b
contains wk/shop_web_nginx.yaml "    spo.x-k8s.io/syscall-coverage: '{\"version\":\"v1\",\"total\":3,\"syscalls\":{\"openat\":1,\"read\":3,\"sendfile\":1,\"write\":3}}'"

# deterministic: the directories in the other order give the same bytes
cp -a w w1
rm -rf w
expect_rc 0 "$SCMPLOG" merge -q --by workload --out-dir w nodes/node-b nodes/node-a/
diff -r w w1 >/dev/null || { diff -r w w1 | head -20; fail "another order of the directories, other output"; }
# idempotent: node-a twice, and a copy of it under another name, change nothing
cp -a nodes/node-a nodes/node-a-copy
rm -rf w
expect_rc 0 "$SCMPLOG" merge -v --by workload --out-dir w nodes/node-a nodes/node-b nodes/node-a-copy nodes/node-a
diff -r w w1 >/dev/null || { diff -r w w1 | head -20; fail "a node given twice changed the output"; }
contains err "the same pod as 'nodes/node-a/shop_web-7d9f8c5b46-x2kq4_nginx.json', taken once"
contains err "'nodes/node-b/notes.json': not named NAMESPACE_POD_CONTAINER.json, skipped"
contains err "9 pods of 2 nodes"

# k8s: SeccompProfile objects, valid against the operator's CRD
expect_rc 0 "$SCMPLOG" merge -q --by workload -f k8s --out-dir k8s nodes/node-a nodes/node-b
[ -f k8s/shop_web_nginx.yaml ] || fail "no k8s/shop_web_nginx.yaml"
contains k8s/shop_web_nginx.yaml "  name: shop-web-nginx"
k8s_check k8s/*.yaml

# usage errors; nothing written
expect_rc 2 "$SCMPLOG" merge --by workload nodes/node-a
contains err "--by and --out-dir go together"
expect_rc 2 "$SCMPLOG" merge --by pod --out-dir x nodes/node-a
contains err "invalid --by 'pod': expected workload"
expect_rc 2 "$SCMPLOG" merge --by workload --out-dir x -o y.json nodes/node-a
contains err "-o, --stats and --stats-in do not apply"
expect_rc 2 "$SCMPLOG" merge --by workload --out-dir x -f systemd nodes/node-a
expect_rc 2 "$SCMPLOG" merge --by workload --out-dir x
[ -e x ] && fail "a usage error created the directory"
# a directory with no collector profile, a missing directory, a broken profile
mkdir empty
expect_rc 1 "$SCMPLOG" merge --by workload --out-dir x empty
contains err "no NAMESPACE_POD_CONTAINER.json profile in the directory given"
expect_rc 1 "$SCMPLOG" merge --by workload --out-dir x nodes/none
contains err "cannot open directory 'nodes/none'"
echo '{"defaultAction": ' >nodes/node-b/shop_web-7d9f8c5b46-bad22_nginx.json
expect_rc 1 "$SCMPLOG" merge --by workload --out-dir x nodes/node-a nodes/node-b
contains err "nodes/node-b/shop_web-7d9f8c5b46-bad22_nginx.json"
[ -e x ] && fail "a broken input left a directory behind"
# an --out-dir that is a symbolic link is refused, as build --split-by's (one opener: scl_outdir)
rm nodes/node-b/shop_web-7d9f8c5b46-bad22_nginx.json
mkdir real
ln -s real linked
expect_rc 1 "$SCMPLOG" merge --by workload --out-dir linked nodes/node-a nodes/node-b
contains err "scmplog: cannot open directory 'linked': it is a symbolic link, not followed"
[ -z "$(ls -A real)" ] || fail "written through a linked directory: $(ls -A real)"
echo ok
