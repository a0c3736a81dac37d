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
cleanup() {
	local rc=$?
	runc delete -f "$id" >/dev/null 2>&1
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
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
audit_check
