#!/usr/bin/env bash
# scmplog collect names a Kubernetes container's profile
# NAMESPACE_POD_CONTAINER.json from kubelet's log directories.  No kubelet
# needed: a process moves itself into a containerd-style cgroup
# (/kubepods/besteffort/pod<uid>/<64 hex>, pids hierarchy) and makes logged
# syscalls; the log directories are fakes with the same layout.
. "$(dirname "$0")/lib.sh"
[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy (this test builds a v1 kubepods path)"
build_helper noise -lseccomp

UID_=0f1e2d3c-4b5a-6978-8a9b-acbdcedf0123
ID=$(printf '%064x' 0 | sed 's/^.\{8\}/c011ec70/')
CG=/sys/fs/cgroup/pids/kubepods/besteffort/pod$UID_/$ID
collector=
STOP="collector"
cleanup_test() {
	rmdir "$CG" "${CG%/*}" /sys/fs/cgroup/pids/kubepods/besteffort /sys/fs/cgroup/pids/kubepods 2>/dev/null
}
[ -e /sys/fs/cgroup/pids/kubepods ] && skip "/sys/fs/cgroup/pids/kubepods exists: a real kubelet?"
mkdir -p "$CG" || skip "cannot create $CG"

mkdir -p "$TMP/pods/shop_web-7d9f_$UID_/nginx" "$TMP/containers"
touch "$TMP/pods/shop_web-7d9f_$UID_/nginx/0.log"
ln -s "/var/log/pods/shop_web-7d9f_$UID_/nginx/0.log" "$TMP/containers/web-7d9f_shop_nginx-$ID.log"

# in_pod SECS: sysinfo under a log filter, from inside the fake container's cgroup
in_pod() { sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3"' _ "$CG" "$TMP/noise" "$1"; }

"$SCMPLOG" collect -v --all --pods-dir "$TMP/pods" --containers-dir "$TMP/containers" --out-dir "$TMP/out" \
	--interval 1 >/dev/null 2>"$TMP/c.err" & collector=$!
collector_ready "$TMP/c.err"
in_pod 0.3 || fail "the process in the pod cgroup failed"
kill -TERM "$collector" # it reads what the kernel queued before the signal
wait "$collector" || { cat "$TMP/c.err"; fail "collect failed"; }
collector=
cat "$TMP/c.err"
f=$TMP/out/shop_web-7d9f_nginx.json
[ -f "$f" ] || { ls -la "$TMP/out"; fail "no profile named shop_web-7d9f_nginx.json"; }
profile_names "$f" | grep -qx sysinfo || fail "the pod's profile lacks sysinfo"
contains "$TMP/c.err" "container $ID (containerd)"

# the k8s format: a SeccompProfile named after the file
"$SCMPLOG" collect -v --all --format k8s --pods-dir "$TMP/pods" --containers-dir "$TMP/containers" \
	--out-dir "$TMP/out" --interval 1 >/dev/null 2>"$TMP/c2.err" & collector=$!
collector_ready "$TMP/c2.err"
in_pod 0.3 || fail "the process in the pod cgroup failed"
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/c2.err"; fail "collect --format k8s failed"; }
collector=
y=$TMP/out/shop_web-7d9f_nginx.yaml
[ -f "$y" ] || { ls -la "$TMP/out"; fail "no shop_web-7d9f_nginx.yaml"; }
contains "$y" "kind: SeccompProfile"
contains "$y" "name: shop-web-7d9f-nginx"
contains "$y" "sysinfo"
k8s_check "$y"
audit_check
