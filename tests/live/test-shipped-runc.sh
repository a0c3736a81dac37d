#!/usr/bin/env bash
# The shipped profiles load in a real runtime: runc (Debian's 1.1.5) starts a
# busybox container under profiles/log-everything.json, under the complain-mode
# template and under the baseline it was made from, and the baseline still
# refuses what it does not allow.
. "$(dirname "$0")/lib.sh"
command -v runc >/dev/null || fail "runc is not installed: sudo sh tests/install-deps.sh"
BB=$(command -v busybox) || fail "busybox-static is not installed: sudo sh tests/install-deps.sh"
file -L "$BB" 2>/dev/null | grep -q "statically linked" || [ -x /bin/busybox ] || fail "no static busybox"
P=$(cd "$(dirname "$0")/../../profiles" && pwd)
[ "$(uname -m)" = x86_64 ] || skip "the baseline is x86_64's; this is $(uname -m)"
id=scmplog-shipped-$$
cleanup_test() {
	runc delete -f "$id" >/dev/null 2>&1
}
B=$TMP/bundle
mkdir -p "$B/rootfs/bin" "$B/rootfs/tmp"
cp "$BB" "$B/rootfs/bin/busybox"
for c in sh echo mkdir true; do ln -s busybox "$B/rootfs/bin/$c"; done
(cd "$B" && runc spec) || fail "runc spec failed"

# in_runc PROFILE CMD...: run CMD in the container under PROFILE; output in $TMP/out
in_runc() {
	local prof=$1; shift
	python3 - "$B/config.json" "$prof" "$@" <<'PY' || fail "cannot write config.json"
import json, sys
cfg, prof, args = sys.argv[1], sys.argv[2], sys.argv[3:]
c = json.load(open(cfg))
c["process"]["args"] = args
c["process"]["terminal"] = False
c["root"]["readonly"] = False
c["linux"]["seccomp"] = json.load(open(prof))
json.dump(c, open(cfg, "w"))
PY
	(cd "$B" && runc run "$id") >"$TMP/out" 2>"$TMP/err"
}

for prof in log-everything.json runc-busybox-complain.json runc-busybox-baseline.json; do
	in_runc "$P/$prof" sh -c 'echo hello' || { cat "$TMP/err"; fail "runc refused or failed under $prof"; }
	grep -qx hello "$TMP/out" || fail "no output under $prof: $(cat "$TMP/out" "$TMP/err")"
done
# the baseline is an allowlist: mkdir is not in it
in_runc "$P/runc-busybox-baseline.json" mkdir /tmp/x && fail "mkdir succeeded under the baseline"
grep -q "Operation not permitted" "$TMP/err" "$TMP/out" || fail "mkdir failed, but not with EPERM: $(cat "$TMP/err")"
in_runc "$P/log-everything.json" mkdir /tmp/x || { cat "$TMP/err"; fail "mkdir failed under the learning profile"; }
# a sample of what merge and build write loads in runc too (as SCMP_ACT_LOG
# profiles, so the container runs whatever they allow: the filter loaded)
if [ -r /usr/share/containers/seccomp.json ]; then
	# containers/common's archMap: this machine's entry (one byte order)
	"$SCMPLOG" merge -q --default-action log -o "$TMP/cc.json" /usr/share/containers/seccomp.json || fail "merge"
	in_runc "$TMP/cc.json" sh -c 'echo hello' || { cat "$TMP/err"; fail "runc refused merge's rewrite of containers/common's profile"; }
fi
# records of both byte orders (aarch64 and s390x machines): this machine's, loaded on x86_64
"$SCMPLOG" build -q --default-action log --exe /usr/sbin/nginx --exe /arch/s390x -o "$TMP/both.json" \
	"$DATA/foreign-arches.log" "$DATA/arch-names.log" 2>"$TMP/build.err" || { cat "$TMP/build.err"; fail "build"; }
in_runc "$TMP/both.json" sh -c 'echo hello' || { cat "$TMP/err"; fail "runc refused build's profile of mixed records"; }
grep -qx hello "$TMP/out" || fail "no output under build's profile: $(cat "$TMP/out" "$TMP/err")"
audit_check
