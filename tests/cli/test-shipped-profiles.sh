#!/usr/bin/env bash
# profiles/: each shipped profile is what its command prints today, and reads
# back; the README's Localhost instructions work as written.
# packaging/kubernetes/: the manifests parse, use only fields they may, wire
# their volumes, and run the collector with options it has.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
P=$TOP/profiles
K=$TOP/packaging/kubernetes
cd "$TMP" || exit 1
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is missing (it parses the manifests): sudo sh tests/install-deps.sh"

expect_rc 0 "$SCMPLOG" log-profile --arch x86_64 --arch aarch64 --arch ppc64le
same out "$P/log-everything.json"
contains out '"defaultAction": "SCMP_ACT_LOG"'
[ ! -s err ] || fail "log-profile warned about the shipped profile: $(cat err)"
expect_rc 0 "$SCMPLOG" log-profile --arch s390x
same out "$P/log-everything-s390x.json"
expect_rc 0 "$SCMPLOG" log-profile --arch riscv64
same out "$P/log-everything-riscv64.json"
# both byte orders in one profile: it is written as asked, with a warning
# (and it does not load: SCL_NO_LOAD_CHECK)
SCL_NO_LOAD_CHECK=1 expect_rc 0 "$SCMPLOG" log-profile --arch x86_64 --arch s390x
! "$LOAD_PROFILE" "$TMP/out" 2>"$TMP/load.err" || fail "a profile of both byte orders loaded"
contains "$TMP/load.err" "error adding architecture SCMP_ARCH_S390X to seccomp filter: Numerical argument out of domain"
contains err "scmplog: warning: the profile lists architectures of both byte orders (x86_64 and s390x)"

# the complain-mode template is exactly what its baseline makes now
expect_rc 0 "$SCMPLOG" log-profile --allow-known "$P/runc-busybox-baseline.json"
same out "$P/runc-busybox-complain.json"
contains out '"defaultAction": "SCMP_ACT_LOG"'
python3 - "$P/runc-busybox-baseline.json" "$P/runc-busybox-complain.json" <<'PY' || fail "the runc baseline or its complain template is not what it should be"
import json, sys
b, c = (json.load(open(f)) for f in sys.argv[1:])
names = lambda p, act: {n for r in p["syscalls"] if r["action"] == act for n in r["names"]}
allowed = names(b, "SCMP_ACT_ALLOW")
# runc 1.1.5's init after loading the filter (KERNEL-FACTS), both noNewPrivileges values, and the shell
need = {"close", "openat", "write", "getpid", "epoll_ctl", "fstatfs", "getdents64", "execve",
        "prctl", "capget", "capset", "setgroups", "setgid", "setuid", "fcntl", "chdir", "getcwd",
        "newfstatat", "fstat", "read", "getppid", "faccessat2", "exit_group"}
missing = need - allowed
assert not missing, f"baseline lacks {sorted(missing)}"
assert b["defaultAction"] == "SCMP_ACT_ERRNO", b["defaultAction"]
assert names(c, "SCMP_ACT_ALLOW") == allowed, "complain template allows other syscalls than the baseline"
assert c["architectures"] == b["architectures"]
PY

# scmplog's own allowlist: an allowlist that never allows what a confined
# scmplog may not do (self-confine.c's list), and what the binary has built in
bad=$(python3 "$TOP/tests/self/forbidden.py" "$P/scmplog-self.json") || fail "tests/self/forbidden.py failed"
[ -z "$bad" ] || fail "profiles/scmplog-self.json allows $bad"
python3 - "$P/scmplog-self.json" <<'PY' || fail "profiles/scmplog-self.json is not what it should be"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["defaultAction"] == "SCMP_ACT_ERRNO" and p.get("defaultErrnoRet", 1) == 1, "not an EPERM allowlist"
allowed = {n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]}
assert {"read", "write", "recvfrom", "openat", "exit_group"} <= allowed, "too small to be learned"
PY

for f in "$P"/*.json; do
	expect_rc 0 "$SCMPLOG" merge -q "$f"
	same out "$f"
	grep -qF "| \`${f##*/}\` |" "$P/README.md" || fail "profiles/README.md does not list ${f##*/}"
done
[ -s "$P/README.md" ] || fail "profiles/README.md is missing"

# The README's Localhost section: its install commands, run with the kubelet
# directory moved into $TMP, write the profile that its pod snippet names,
# and that profile is the learning profile.
KS=$TMP/kubelet-seccomp
awk '/^### Kubernetes: a Localhost profile/ { on = 1; next } on && /^## / { exit } on' "$P/README.md" >localhost.md
[ -s localhost.md ] || fail "profiles/README.md has no '### Kubernetes: a Localhost profile' section"
awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' localhost.md >install.sh
[ -s install.sh ] || fail "the Localhost section has no sh block"
sed -e "s|/var/lib/kubelet/seccomp|$KS|g" -e "s|^scmplog |\"\$SCMPLOG\" |" install.sh >install-tmp.sh
grep -q "$KS" install-tmp.sh || fail "the Localhost section's commands do not write under /var/lib/kubelet/seccomp"
expect_rc 0 bash -e install-tmp.sh
rel=$(python3 - localhost.md <<'PY'
import re, sys, yaml
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.S | re.M)
assert len(blocks) == 1, f"{len(blocks)} yaml blocks"
sp = yaml.safe_load(blocks[0])["securityContext"]["seccompProfile"]
assert sp["type"] == "Localhost" and set(sp) == {"type", "localhostProfile"}, sp
print(sp["localhostProfile"])
PY
) || fail "the Localhost section's securityContext snippet is wrong"
[ -f "$KS/$rel" ] || { find "$KS" >&2; fail "the Localhost section installs no '$rel' for its localhostProfile"; }
expect_rc 0 "$SCMPLOG" log-profile
same "$KS/$rel" out

# ---- packaging/kubernetes
[ -s "$K/README.md" ] || fail "packaging/kubernetes/README.md is missing"
cat >checks.py <<'PY'
import json, os, re, shlex, subprocess, sys, yaml

K, VERSION, INIT_SH, ARGS_JSON = sys.argv[1:5]
docs = []
kust = yaml.safe_load(open(os.path.join(K, "kustomization.yaml")))
yamls = sorted(f for f in os.listdir(K) if f.endswith(".yaml") and f != "kustomization.yaml")
assert sorted(kust["resources"]) == yamls, f"kustomization resources {kust['resources']} != {yamls}"
for f in kust["resources"]:
    for d in yaml.safe_load_all(open(os.path.join(K, f))):
        if d is not None:
            docs.append((f, d))
kinds = {d["kind"]: d for _, d in docs}
assert sorted(kinds) == ["DaemonSet", "Namespace", "ServiceAccount"], sorted(kinds)
ns = kinds["Namespace"]["metadata"]["name"]
for f, d in docs:
    if d["kind"] != "Namespace":
        assert d["metadata"].get("namespace") == ns, f"{f}: {d['kind']} not in namespace {ns}"

# The fields each object may have (Kubernetes API reference, the ones a node
# collector can use): a misspelt or misplaced key fails here, as the API
# server's strict field validation would fail it.
META = {"name", "namespace", "labels", "annotations"}
ALLOWED = {
    "daemonset": {"apiVersion", "kind", "metadata", "spec"},
    "dsspec": {"selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit"},
    "template": {"metadata", "spec"},
    "podspec": {"serviceAccountName", "automountServiceAccountToken", "hostPID", "hostNetwork", "hostIPC",
                "dnsPolicy", "tolerations", "nodeSelector", "affinity", "priorityClassName",
                "terminationGracePeriodSeconds", "initContainers", "containers", "volumes", "securityContext"},
    "container": {"name", "image", "imagePullPolicy", "command", "args", "env", "securityContext",
                  "resources", "volumeMounts", "livenessProbe", "readinessProbe"},
    "securityContext": {"privileged", "capabilities", "readOnlyRootFilesystem", "allowPrivilegeEscalation",
                        "runAsUser", "runAsGroup", "runAsNonRoot", "seccompProfile", "appArmorProfile"},
    "capabilities": {"add", "drop"},
    "volumeMount": {"name", "mountPath", "readOnly", "subPath", "mountPropagation"},
    "volume": {"name", "hostPath", "emptyDir"},
    "hostPath": {"path", "type"},
    "resources": {"requests", "limits"},
}
def only(what, obj, where):
    assert isinstance(obj, dict), f"{where}: not a mapping"
    extra = set(obj) - ALLOWED[what]
    assert not extra, f"{where}: unknown fields {sorted(extra)}"

ds = kinds["DaemonSet"]
assert ds["apiVersion"] == "apps/v1"
only("daemonset", ds, "DaemonSet")
assert set(ds["metadata"]) <= META
only("dsspec", ds["spec"], "DaemonSet.spec")
tpl = ds["spec"]["template"]
only("template", tpl, "template")
sel = ds["spec"]["selector"]["matchLabels"]
assert sel and all(tpl["metadata"]["labels"].get(k) == v for k, v in sel.items()), "the selector does not match the template"
pod = tpl["spec"]
only("podspec", pod, "pod spec")
assert pod["hostPID"] is True and pod["hostNetwork"] is True, "hostPID and hostNetwork"
assert pod["serviceAccountName"] == kinds["ServiceAccount"]["metadata"]["name"]
assert pod.get("automountServiceAccountToken") is False
assert any(t.get("operator") == "Exists" and "key" not in t for t in pod["tolerations"]), "not on every node"

vols = {}
for v in pod["volumes"]:
    only("volume", v, f"volume {v.get('name')}")
    only("hostPath", v["hostPath"], f"volume {v['name']}.hostPath")
    assert v["name"] not in vols, f"volume {v['name']} twice"
    vols[v["name"]] = v["hostPath"]
used = set()
by_name = {}
for c in pod["initContainers"] + pod["containers"]:
    only("container", c, f"container {c.get('name')}")
    only("securityContext", c["securityContext"], f"{c['name']}.securityContext")
    if "capabilities" in c["securityContext"]:
        only("capabilities", c["securityContext"]["capabilities"], f"{c['name']}.capabilities")
    if "resources" in c:
        only("resources", c["resources"], f"{c['name']}.resources")
    assert c["image"] == "scmplog" and c["imagePullPolicy"] == "IfNotPresent", f"{c['name']}: image"
    mounts = {}
    for m in c["volumeMounts"]:
        only("volumeMount", m, f"{c['name']} mount {m.get('name')}")
        assert m["name"] in vols, f"{c['name']} mounts undeclared volume {m['name']}"
        mounts[m["name"]] = m
        used.add(m["name"])
    by_name[c["name"]] = (c, mounts)
assert used == set(vols), f"volumes mounted by no container: {sorted(set(vols) - used)}"
img = kust["images"]
assert len(img) == 1 and img[0]["name"] == "scmplog" and str(img[0]["newTag"]) == VERSION, \
    f"kustomization image tag {img} is not VERSION {VERSION}"

# The init container: writes the learning profile into kubelet's seccomp dir.
assert len(pod["initContainers"]) == 1
init = pod["initContainers"][0]
_, im = by_name[init["name"]]
ks = [m for n, m in im.items() if vols[n]["path"] == "/var/lib/kubelet/seccomp"]
assert len(ks) == 1 and not ks[0].get("readOnly"), "init container: kubelet seccomp dir not mounted read-write"
assert init["command"][:2] == ["/bin/sh", "-c"] and len(init["command"]) == 3
open(INIT_SH, "w").write(json.dumps({"mount": ks[0]["mountPath"], "script": init["command"][2]}))

# The collector: host logs read-only, profiles on the host, the capabilities
# its source needs, and nothing from kubelet's seccomp dir.
assert len(pod["containers"]) == 1
col = pod["containers"][0]
_, cm = by_name[col["name"]]
paths = {vols[n]["path"]: m for n, m in cm.items()}
for p in ("/var/log/pods", "/var/log/containers"):
    assert p in paths and paths[p].get("readOnly") is True and paths[p]["mountPath"] == p, f"collector: {p}"
assert "/var/lib/kubelet/seccomp" not in paths, "the collector need not write kubelet's seccomp dir"
args = col["args"]
assert "command" not in col, "the image's entrypoint is scmplog"
assert args[0] == "collect" and "--all" in args
out = args[args.index("--out-dir") + 1]
assert out in [m["mountPath"] for m in cm.values()] and not any(
    m.get("readOnly") for m in cm.values() if m["mountPath"] == out), f"--out-dir {out} is not a writable volume"
src = args[args.index("--source") + 1]
sc = col["securityContext"]
caps = set(sc["capabilities"]["add"])
assert sc["capabilities"]["drop"] == ["ALL"]
need = {"AUDIT_READ", "NET_ADMIN"} | ({"AUDIT_CONTROL"} if src in ("daemon", "auto") else set())
assert caps == need, f"capabilities {sorted(caps)} for --source {src}, need {sorted(need)}"
assert "--no-proc-events" not in args
assert sc["seccompProfile"] == {"type": "Unconfined"}, "the collector must not run under the learning profile"
assert sc.get("privileged") is True, "privileged (the host's cgroup namespace on cgroup v2 nodes)"
assert kinds["Namespace"]["metadata"]["labels"].get("pod-security.kubernetes.io/enforce") == "privileged"
open(ARGS_JSON, "w").write(json.dumps(args))
PY
python3 checks.py "$K" "$(cat "$TOP/VERSION")" init.json args.json >py.err 2>&1 || { cat py.err; fail "packaging/kubernetes: a manifest check failed"; }

# the collector's arguments are options `scmplog collect` has, with their values
mapfile -t args < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' args.json)
expect_rc 0 "$SCMPLOG" "${args[@]}" --help
contains out "Usage: scmplog collect"

# the init container's script, with its mount in $TMP and the binary under test
mnt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["mount"])' init.json)
script=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["script"])' init.json)
mkdir -p "$TMP/bin" "$TMP/ks2"
ln -s "$SCMPLOG" "$TMP/bin/scmplog"
expect_rc 0 env PATH="$TMP/bin:$PATH" /bin/sh -c "${script//$mnt/$TMP/ks2}"
[ -f "$TMP/ks2/$rel" ] || { find "$TMP/ks2" >&2; fail "the init container does not install '$rel', the profile README's pods name"; }
expect_rc 0 "$SCMPLOG" log-profile
same "$TMP/ks2/$rel" out
# and the guides name that profile
contains "$K/README.md" "localhostProfile: $rel"
contains "$K/README.md" "localhostProfile\":\"$rel\""

# kubectl, where there is one, renders the kustomization (no cluster needed)
if command -v kubectl >/dev/null; then
	expect_rc 0 kubectl kustomize "$K"
	contains out "image: scmplog:$(cat "$TOP/VERSION")"
fi
exit 0
