#!/usr/bin/env bash
# The k8s and systemd forms are checked by their consumers: every SeccompProfile
# against security-profiles-operator's CRD (tests/data/k8s), every systemd
# drop-in by systemd's own unit loader (systemd-analyze).  expect_rc does it for
# what every CLI test writes (tests/cli/lib.sh: consumer_check); this test checks
# the checkers, the golden files, and what the consumers make of the output.
. "${CLI_DIR:?}/lib.sh"
: "${SCMPLOG:?}" "${DATA:?}"
P=$DATA/profiles
cd "$TMP" || exit 1
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is missing (k8s-validate.py): sudo sh tests/install-deps.sh"

# --- Kubernetes: security-profiles-operator's SeccompProfile CRD
grep -qx '  scope: Cluster' "$K8S_CRD" || fail "$K8S_CRD: not the cluster-scoped CRD"
k8s_check "$P"/*.k8s.yaml
contains "$TMP/k8s-check.out" "3 SeccompProfile object(s) checked, 0 problem(s)"

# The checker refuses what the API server refuses or changes (a checker that
# cannot fail proves nothing): a namespace on the cluster-scoped kind, an
# architecture outside the enum, a pruned field, a value beyond int64, a YAML
# 1.1 boolean where a name belongs, a name that is no DNS-1123 subdomain, an
# apiVersion the CRD does not serve.
good=$P/merge-ab.k8s.yaml
bad() { # bad NAME SED-EXPR WANT: the golden file edited by SED-EXPR is refused with WANT
	sed "$2" "$good" >"$1.yaml"
	cmp -s "$1.yaml" "$good" && fail "bad $1: the edit changed nothing"
	python3 "$K8S_VALIDATE" "$K8S_CRD" "$1.yaml" >"$1.out" 2>&1 && { cat "$1.out"; fail "k8s-validate accepted $1"; }
	contains "$1.out" "$3"
}
bad namespace 's/^  name: web-app$/&\n  namespace: prod/' ".metadata.namespace: SeccompProfile is cluster-scoped"
bad loong 's/^  - SCMP_ARCH_X32$/  - SCMP_ARCH_LOONGARCH64/' "'SCMP_ARCH_LOONGARCH64' is not one of"
bad pruned 's/^  defaultAction: SCMP_ACT_ERRNO$/&\n  defaultErrnoRet: 38/' ".spec.defaultErrnoRet: unknown field"
bad bool 's/^    - brk$/    - yes/' ".spec.syscalls[0].names[1]: True is not of type string"
bad name 's/^  name: web-app$/  name: Web_App/' ".metadata.name: 'Web_App' is not a DNS-1123 subdomain"
bad api 's|x-k8s.io/v1$|x-k8s.io/v1alpha1|' "apiVersion 'security-profiles-operator.x-k8s.io/v1alpha1' is not served"
printf 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  syscalls:\n  - action: SCMP_ACT_ERRNO\n    names:\n    - socket\n    args:\n    - index: 0\n      value: 18446744073709551615\n      op: SCMP_CMP_MASKED_EQ\n' >big.yaml
python3 "$K8S_VALIDATE" "$K8S_CRD" big.yaml >big.out 2>&1 && fail "k8s-validate accepted a value above int64"
contains big.out "does not fit int64"

# Both API versions, no namespace
expect_rc 0 "$SCMPLOG" merge -q -f k8s --k8s-api v1beta1 --name web "$P/a.json"
contains out "apiVersion: security-profiles-operator.x-k8s.io/v1beta1"
k8s_check out
lacks out "namespace"
expect_rc 2 "$SCMPLOG" build -f k8s --namespace shop "$DATA/audit-raw.log"
contains err "a SeccompProfile has no namespace (cluster-scoped since security-profiles-operator v0.9.0)"

# An architecture the CRD's enum lacks is left out, with a warning that says so
printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_LOONGARCH64"],
 "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}\n' >loong.json
expect_rc 0 "$SCMPLOG" merge -f k8s --name loong loong.json
contains err "scmplog: warning: k8s format: architecture SCMP_ARCH_LOONGARCH64 is not in security-profiles-operator's SeccompProfile architectures, left out"
lacks out "LOONGARCH64"
contains out "  - SCMP_ARCH_X86_64"
# ... and the OCI form keeps it (runc and libseccomp 2.5.5+ know it), saying
# that this machine's (libseccomp 2.5.4) cannot load it beside x86_64
SCL_NO_LOAD_CHECK=1 expect_rc 0 "$SCMPLOG" merge loong.json
contains out '"SCMP_ARCH_LOONGARCH64"'
contains err "the profile lists loongarch64 beside other architectures: libseccomp before 2.5.5"
# Every architecture scmplog knows, alone in a profile: in the CRD's enum, or
# left out with that warning (the C table in profile-k8s.c against the CRD)
while read -r name _ oci; do
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["%s"],
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' "$oci" >one.json
	expect_rc 0 "$SCMPLOG" merge -f k8s --name "$name" one.json
	if grep -q "^  - $oci\$" out; then
		lacks err "architecture $oci is not in"
	else
		[ "$oci" = SCMP_ARCH_LOONGARCH64 ] || fail "$oci left out of the k8s form"
		contains err "architecture $oci is not in security-profiles-operator's"
	fi
done < <("$SCMPLOG" resolve --arches)
# A value above 2^63-1 cannot be written: the server would refuse the object
expect_rc 1 "$SCMPLOG" merge -f k8s -o rules.yaml "$P/rules.json"
contains err "argument value above 2^63-1 does not fit the Kubernetes API"
contains err "scmplog: cannot write profile 'rules.yaml': the profile cannot be expressed in k8s format"
[ -e rules.yaml ] && fail "rules.yaml written"
# one file per group (--out-dir) is checked by expect_rc too
expect_rc 0 "$SCMPLOG" build -q -f k8s --split-by exe --out-dir split "$DATA/audit-raw.log"
[ "$(ls split | grep -c '\.yaml$')" -ge 2 ] || fail "build --split-by exe -f k8s: $(ls split)"
k8s_check split/*.yaml

# --- systemd: a drop-in, loaded by systemd's own parser
if ! command -v systemd-analyze >/dev/null; then
	echo "systemd-analyze is missing (systemd package): the drop-ins were not loaded by systemd"
	exit 77
fi
for f in "$P"/*.systemd.conf; do systemd_check "$f"; done
# every architecture's SystemCallArchitectures= name is one systemd knows
"$SCMPLOG" resolve --arches | awk '{ printf "%s\"%s\"", (NR > 1 ? ", " : ""), $3 }' >arches.txt
printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": [%s],
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}\n' "$(cat arches.txt)" >all.json
expect_rc 0 "$SCMPLOG" merge -f systemd all.json
contains out "SystemCallArchitectures=arm64 arm mips64 mips mips64-n32 mips64-le mips-le mips64-le-n32 parisc64 parisc ppc64 ppc ppc64-le riscv64 s390x s390 x86-64 x86 x32"
# systemd 252 has no loongarch64: left out, said
contains err "scmplog: warning: systemd format: architecture loongarch64 is not known to systemd 252, left out of SystemCallArchitectures="
expect_rc 0 "$SCMPLOG" build -f systemd -o app.conf "$DATA/audit-raw.log"
head -n 2 app.conf | tail -n 1 | grep -qx '\[Service\]' || fail "app.conf: no [Service] header on line 2"
# the checker catches the old form, lines without a section (systemd ignores them
# and the service runs unconfined)
grep -v '^\[Service\]$' app.conf >nohead.conf
( systemd_check nohead.conf ) >nohead.out 2>&1 && fail "systemd_check accepted a drop-in without [Service]"
contains nohead.out "Assignment outside of section. Ignoring."

# What systemd makes of it: its unit loader (the code PID 1 runs) puts an
# allow list into the service's settings.  systemd-analyze security --offline
# reads the unit and its drop-ins as PID 1 would; it cannot show the BPF
# program PID 1 installs at exec (no systemd as PID 1 here).
sec() { # sec DROPIN: systemd-analyze security's view of a service with DROPIN
	rm -rf sec && mkdir -p sec/app.service.d
	printf '[Service]\nExecStart=/bin/true\n' >sec/app.service
	cp "$1" sec/app.service.d/scmplog.conf
	SYSTEMD_UNIT_PATH="$TMP/sec:" systemd-analyze security --offline=yes --no-pager app.service >sec.out 2>&1
}
sec app.conf
contains sec.out "System call allow list defined for service, and @mount is not included"
contains sec.out "System call allow list defined for service, and @reboot is not included"
sec nohead.conf
lacks sec.out "System call allow list defined"
# a profile that allows mount: systemd's parsed list has it
printf '{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["mount", "read"], "action": "SCMP_ACT_ALLOW"}]}\n' >mnt.json
expect_rc 0 "$SCMPLOG" merge -f systemd -o mnt.conf mnt.json
sec mnt.conf
contains sec.out "System call allow list defined for service, and @mount is included"
contains sec.out "System call allow list defined for service, and @reboot is not included"
# complain mode (SystemCallLog=~) and a numeric errno load cleanly too
expect_rc 0 "$SCMPLOG" log-profile -f systemd --allow-known "$P/a.json"
expect_rc 0 "$SCMPLOG" merge -f systemd --errno 4000 "$P/a.json"
contains out "SystemCallErrorNumber=4000"
exit 0
