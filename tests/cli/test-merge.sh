#!/usr/bin/env bash
# scmplog merge: union of profiles, output formats, atomic -o, errors.
. "$CLI_DIR/lib.sh"
P=$DATA/profiles
cd "$TMP" || exit 1

# The union, on stdout by default; warnings about kept rules on stderr.
expect_rc 0 "$SCMPLOG" merge "$P/a.json" "$P/b.json"
same out "$P/merge-ab.json"
contains err "scmplog: warning: '$P/b.json': rule 2 (clone): args conditions kept as-is"
# -q silences warnings, "-o -" is stdout, options may follow the operands.
expect_rc 0 "$SCMPLOG" merge "$P/a.json" "$P/b.json" -q -o -
same out "$P/merge-ab.json"
[ -s err ] && fail "merge -q wrote to stderr: $(cat err)"
# Union is symmetric here (same default action), and deterministic.
expect_rc 0 "$SCMPLOG" merge -q "$P/b.json" "$P/a.json"
same out "$P/merge-ab.json"
# One input converts; a profile merged with itself is itself (a.json is in scmplog's layout).
expect_rc 0 "$SCMPLOG" merge "$P/a.json"
same out "$P/a.json"
expect_rc 0 "$SCMPLOG" merge "$P/a.json" "$P/a.json" "$P/a-reordered.json"
same out "$P/a.json"
# stdin
expect_rc 0 "$SCMPLOG" merge - <"$P/a.json"
same out "$P/a.json"

# Atomic -o: the file equals stdout output, a rerun replaces it, no temporary file is left.
expect_rc 0 "$SCMPLOG" merge -q -o merged.json "$P/a.json" "$P/b.json"
same merged.json "$P/merge-ab.json"
[ -s out ] && fail "merge -o also wrote to stdout"
expect_rc 0 "$SCMPLOG" merge -q -o merged.json "$P/a.json"
same merged.json "$P/a.json"
ls -A | grep -q '^\.merged\.json\.' && fail "temporary file left behind"

# Kubernetes and systemd forms.
expect_rc 0 "$SCMPLOG" merge -q -f k8s --name "Web App" "$P/a.json" "$P/b.json"
same out "$P/merge-ab.k8s.yaml"
# (two inputs: security-profiles-operator's per-syscall coverage annotation, its merger's format)
python3 - out <<'PY' || fail "the syscall-coverage annotation is not SPO's"
import json, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
v = json.loads(d["metadata"]["annotations"]["spo.x-k8s.io/syscall-coverage"])
assert list(v) == ["version", "total", "syscalls"], v
assert v["version"] == "v1" and v["total"] == 2, v
assert v["syscalls"]["brk"] == 2 and v["syscalls"]["fstat"] == 1, v
assert list(v["syscalls"]) == sorted(v["syscalls"]), v
assert json.dumps(v, separators=(",", ":")) == d["metadata"]["annotations"]["spo.x-k8s.io/syscall-coverage"]
PY
expect_rc 0 "$SCMPLOG" merge -q --format k8s --k8s-api v1beta1 -o my_profile.yaml "$P/a.json"
contains my_profile.yaml "apiVersion: security-profiles-operator.x-k8s.io/v1beta1"
lacks my_profile.yaml "annotations:"
contains my_profile.yaml "  name: my-profile"
expect_rc 0 "$SCMPLOG" merge -q -f systemd "$P/a.json" "$P/b.json"
same out "$P/merge-ab.systemd.conf"
# What a format cannot express is said, not silently dropped.
expect_rc 0 "$SCMPLOG" merge -f k8s "$P/b.json"
contains err "k8s format: arch_prctl: allowed on every architecture of the profile"

# One byte order per profile (a seccomp filter holds one; libseccomp refuses
# the other with EDOM): an archMap gives the entry of this machine or
# --arch's, as Docker takes it; plain lists of both byte orders keep this
# machine's, with a warning.  Every profile written here loads (lib.sh).
arches() { python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["architectures"]))' "$1"; }
if [ "$(uname -m)" = x86_64 ]; then
	expect_rc 0 "$SCMPLOG" merge -q "$P/b.json"
	[ "$(arches out)" = "SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32" ] || fail "b.json's archMap: $(arches out)"
	expect_rc 0 "$SCMPLOG" merge "$P/b.json"
	contains err "scmplog: '$P/b.json': of its archMap, the entry for x86_64 (x86_64, x86, x32), as Docker and Podman take it on x86_64; left out: aarch64, arm (--arch ARCH for another machine's)"
	expect_rc 0 "$SCMPLOG" merge -q --arch arm64 "$P/b.json"
	[ "$(arches out)" = "SCMP_ARCH_AARCH64 SCMP_ARCH_ARM" ] || fail "b.json --arch arm64: $(arches out)"
	if [ -r /usr/share/containers/seccomp.json ]; then
		expect_rc 0 "$SCMPLOG" merge -q -o cc.json /usr/share/containers/seccomp.json
		[ "$(arches cc.json)" = "SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32" ] || fail "containers-common: $(arches cc.json)"
		expect_rc 0 "$SCMPLOG" merge -q --arch s390x -o cc-s390x.json /usr/share/containers/seccomp.json
		[ "$(arches cc-s390x.json)" = "SCMP_ARCH_S390X SCMP_ARCH_S390" ] || fail "containers-common --arch s390x: $(arches cc-s390x.json)"
	fi
	# plain lists of both byte orders
	"$SCMPLOG" log-profile -q --arch s390x -o s390x.json || fail "log-profile"
	expect_rc 0 "$SCMPLOG" merge -q --default-action errno "$P/a.json" s390x.json
	[ "$(arches out)" = "SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32" ] || fail "a + s390x: $(arches out)"
	expect_rc 0 "$SCMPLOG" merge --default-action errno "$P/a.json" s390x.json
	contains err "scmplog: warning: 's390x.json': left out s390x, s390: a seccomp filter holds one byte order, and this profile is for x86_64 (little-endian); --arch s390x for theirs"
	expect_rc 0 "$SCMPLOG" merge -q --default-action errno --arch s390x "$P/a.json" s390x.json
	[ "$(arches out)" = "SCMP_ARCH_S390X SCMP_ARCH_S390" ] || fail "a + s390x --arch s390x: $(arches out)"
	contains out '"execve"'
	# one foreign byte order alone is kept as it is
	expect_rc 0 "$SCMPLOG" merge s390x.json s390x.json
	[ "$(arches out)" = "SCMP_ARCH_S390X SCMP_ARCH_S390" ] || fail "s390x alone: $(arches out)"
	[ ! -s err ] || fail "merge of s390x profiles warned: $(cat err)"
fi
expect_rc 2 "$SCMPLOG" merge --arch vax "$P/a.json"
contains err "unknown architecture 'vax'"

# Default action override.
expect_rc 0 "$SCMPLOG" merge -q --default-action kill_process "$P/a.json"
contains out '"defaultAction": "SCMP_ACT_KILL_PROCESS",'
lacks out "defaultErrnoRet"
expect_rc 0 "$SCMPLOG" merge -q --errno EACCES "$P/a.json"
contains out '"defaultErrnoRet": 13,'
expect_rc 2 "$SCMPLOG" merge --default-action log --errno 5 "$P/a.json"
contains err "--errno only applies to --default-action SCMP_ACT_ERRNO"
expect_rc 2 "$SCMPLOG" merge --default-action notify "$P/a.json"
expect_rc 2 "$SCMPLOG" merge --errno 0 "$P/a.json"
# Differing default actions: the first wins, with a warning.
expect_rc 0 "$SCMPLOG" merge -q --default-action log -o log.json "$P/a.json"
expect_rc 0 "$SCMPLOG" merge "$P/a.json" log.json
contains err "default action SCMP_ACT_LOG (errno 1) differs from the first profile's"
contains out '"defaultAction": "SCMP_ACT_ERRNO",'

# Errors.
expect_rc 1 "$SCMPLOG" merge "$P/a.json" nope.json
contains err "scmplog: cannot read profile 'nope.json': No such file or directory"
[ -s out ] && fail "output despite a read error"
expect_rc 1 "$SCMPLOG" merge "$P/bad-syntax.json"
contains err "scmplog: cannot read profile '$P/bad-syntax.json': line 4, column 54: unexpected character"
expect_rc 1 "$SCMPLOG" merge "$P/bad-name.json"
contains err 'syscalls[0].names[1]: invalid syscall name "../../etc/passwd"'
expect_rc 2 "$SCMPLOG" merge
contains err "merge needs at least one profile"
expect_rc 2 "$SCMPLOG" merge --bogus "$P/a.json"
expect_rc 2 "$SCMPLOG" merge -f yaml "$P/a.json"
contains err "invalid --format 'yaml'"
expect_rc 2 "$SCMPLOG" merge --namespace Bad_NS "$P/a.json"
# SeccompProfile is cluster-scoped (security-profiles-operator v0.9.0 on): a
# namespace would be dropped by the API server, two namespaces' "web" be one
expect_rc 2 "$SCMPLOG" merge -f k8s --name web --namespace prod "$P/a.json"
contains err "scmplog: --namespace: a SeccompProfile has no namespace (cluster-scoped since security-profiles-operator v0.9.0); to keep profiles of several namespaces apart, put it in --name (--name prod-NAME)"
[ -s out ] && fail "output despite --namespace"
expect_rc 2 "$SCMPLOG" merge --k8s-api v2 "$P/a.json"

# -o never follows a symlink, and a failed write keeps the old file.
echo precious >target
ln -s target link.json
expect_rc 1 "$SCMPLOG" merge -q -o link.json "$P/a.json"
contains err "cannot write profile 'link.json': it is a symbolic link, refusing to replace it"
[ "$(cat target)" = precious ] || fail "symlink target modified"
cp "$P/a.json" keep.json
expect_rc 1 "$SCMPLOG" merge -q -f systemd -o keep.json --default-action trap "$P/a.json"
contains err "cannot be expressed in systemd format"
same keep.json "$P/a.json"
expect_rc 1 "$SCMPLOG" merge -q -o missing-dir/x.json "$P/a.json"
contains err "cannot write profile 'missing-dir/x.json': No such file or directory"

# Help.
expect_rc 0 "$SCMPLOG" merge --help
contains out "Usage: scmplog merge [OPTIONS] PROFILE.json..."
contains out "--format FORMAT"
contains out "Exit status:"
exit 0
