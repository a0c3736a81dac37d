#!/usr/bin/env bash
# --portable on this kernel.  (a) Learn a workload while an inner filter makes
# clone3, statx, openat2 and faccessat2 answer ENOSYS (an older kernel, as
# glibc sees it: it takes clone, newfstatat, openat and faccessat), then
# enforce the profile on the real kernel: without --portable the workload
# fails (EPERM for clone3 stops glibc's fallback), with it it runs (ENOSYS).
# (b) Learn the glibc build, enforce the same workload built with musl
# (musl-gcc): musl takes clone, stat, open and writev (its stdio) where glibc
# took clone3, newfstatat, openat and write.
# (c) runc (Debian's 1.1.5) honours the ENOSYS rules' errnoRet: the workload,
# built static with glibc, in a busybox container under the runc baseline
# merged with (a)'s profile: without --portable it fails, with it it runs.
. "$(dirname "$0")/lib.sh"
command -v runc >/dev/null || fail "runc is not installed: sudo sh tests/install-deps.sh"
. "$(dirname "$0")/runc-lib.sh"

build_helper enosys-exec -lseccomp
build_helper portable-work -lpthread
WORK=$TMP/portable-work
NEW="clone3 statx openat2 faccessat2"

# The inner filter stacks on the learning filter: the workload still runs
# (its fallbacks work) and what it does is still logged.
# shellcheck disable=SC2086
expect_rc 0 "$SCMPLOG" run -o "$TMP/old.json" -- "$TMP/enosys-exec" $NEW -- "$WORK"
# shellcheck disable=SC2086
expect_rc 0 "$SCMPLOG" run --portable -o "$TMP/old-p.json" -- "$TMP/enosys-exec" $NEW -- "$WORK"
profile_names "$TMP/old.json" >"$TMP/old.names"
for n in clone newfstatat openat faccessat; do contains "$TMP/old.names" "$n"; done
# what the inner filter answered is neither logged nor learned
for n in $NEW; do grep -qx "$n" "$TMP/old.names" && fail "$n learned through the inner ENOSYS filter"; done
# the summary names each addition with its reason
contains "$TMP/err" "--portable:"
contains "$TMP/err" "ENOSYS clone3 (Linux 5.3; clone seen)"
contains "$TMP/err" "ENOSYS faccessat2 (Linux 5.8; faccessat seen)"
python3 - "$TMP/old-p.json" <<'PYEOF' || fail "no ENOSYS rules in the portable profile"
import json, sys
p = json.load(open(sys.argv[1]))
enosys = {n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ERRNO" and r.get("errnoRet") == 38 for n in r["names"]}
assert {"clone3", "statx", "openat2", "faccessat2"} <= enosys, enosys
PYEOF

# (a) on the real kernel: glibc calls clone3 first and gets the default EPERM
expect_rc 1 "$SCMPLOG" exec -p "$TMP/old.json" -- "$WORK"
contains "$TMP/err" "pthread_create: Operation not permitted"
expect_rc 0 "$SCMPLOG" exec -p "$TMP/old-p.json" -- "$WORK"
contains "$TMP/out" "portable-work: ok"
# the same from the first profile, made portable offline
expect_rc 0 "$SCMPLOG" merge --portable "$TMP/old.json" -o "$TMP/old-m.json"
expect_rc 0 "$SCMPLOG" exec -p "$TMP/old-m.json" -- "$WORK"

# (b) glibc learned on this kernel, musl enforced
command -v musl-gcc >/dev/null || fail "musl-gcc is missing (package musl-tools)"
musl-gcc -static -O2 -o "$TMP/portable-work-musl" "$(dirname "$0")/portable-work.c" >"$TMP/gcc.err" 2>&1 ||
	{ cat "$TMP/gcc.err"; fail "cannot build the musl workload"; }
expect_rc 0 "$SCMPLOG" run -o "$TMP/glibc.json" -- "$WORK"
expect_rc 0 "$SCMPLOG" run --portable -o "$TMP/glibc-p.json" -- "$WORK"
expect_rc 1 "$SCMPLOG" exec -p "$TMP/glibc.json" -- "$TMP/portable-work-musl"
cat "$TMP/err"
expect_rc 0 "$SCMPLOG" exec -p "$TMP/glibc-p.json" -- "$TMP/portable-work-musl"
contains "$TMP/out" "portable-work: ok"
# and the glibc build still runs under the portable profile
expect_rc 0 "$SCMPLOG" exec -p "$TMP/glibc-p.json" -- "$WORK"

# (c) runc
[ "$(uname -m)" = x86_64 ] || skip "the runc baseline is x86_64's; this is $(uname -m)"
BASE=$(dirname "$0")/../../profiles/runc-busybox-baseline.json
gcc -static -O2 -pthread -o "$TMP/portable-work-static" "$(dirname "$0")/portable-work.c" >"$TMP/gcc.err" 2>&1 ||
	{ cat "$TMP/gcc.err"; fail "cannot build the static workload"; }
# shellcheck disable=SC2086
expect_rc 0 "$SCMPLOG" run -o "$TMP/static.json" -- "$TMP/enosys-exec" $NEW -- "$TMP/portable-work-static"
expect_rc 0 "$SCMPLOG" merge -q "$BASE" "$TMP/static.json" -o "$TMP/ctr.json"
expect_rc 0 "$SCMPLOG" merge -q --portable "$BASE" "$TMP/static.json" -o "$TMP/ctr-p.json"
for prof in ctr ctr-p; do
	bundle "$prof" "/bin/work /etc/hostname" "$TMP/$prof.json"
	cp "$TMP/portable-work-static" "$TMP/$prof/rootfs/bin/work"
	RUNC_IDS="$RUNC_IDS scmplog-portable-$prof-$$"
done
run_ctr "scmplog-portable-ctr-$$" ctr && { cat "$TMP/scmplog-portable-ctr-$$.out"; fail "the workload ran in runc without --portable"; }
contains "$TMP/scmplog-portable-ctr-$$.out" "pthread_create: Operation not permitted"
run_ctr "scmplog-portable-ctr-p-$$" ctr-p || { cat "$TMP/scmplog-portable-ctr-p-$$.out"; fail "the workload failed in runc with --portable"; }
contains "$TMP/scmplog-portable-ctr-p-$$.out" "portable-work: ok"
audit_check
echo "ok"
