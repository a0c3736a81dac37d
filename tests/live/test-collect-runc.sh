#!/usr/bin/env bash
# scmplog collect with real runc containers: two containers with different
# jobs run at the same time under the log-everything profile, beside a host
# process under a log filter of its own.  The collector writes one profile per
# container, each with its own container's syscalls and none of the host's;
# then each learned profile, enforced by runc, runs its job again with the
# same output, and a job that does something new (mkdir) is refused.
. "$(dirname "$0")/lib.sh"
command -v runc >/dev/null || skip "runc is not installed"
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || skip "no static /bin/busybox (busybox-static)"
command -v python3 >/dev/null || skip "python3 is not installed"
build_helper noise -lseccomp

STATE=$TMP/runc-state
OUT=$TMP/profiles
collector=
cleanup() {
	local rc=$?
	[ -n "$collector" ] && kill -TERM "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	for c in ctrA ctrB ctrA2 ctrB2 ctrB3; do
		runc --root "$STATE" delete -f "$c" >/dev/null 2>&1
		# runc without cgroupsPath: /<id> in each hierarchy, maybe under our own cgroup
		for d in /sys/fs/cgroup/*/"$c" /sys/fs/cgroup/*/*/"$c" /sys/fs/cgroup/*/*/*/"$c" /sys/fs/cgroup/"$c"; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	done
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT

# bundle NAME JOB PROFILE: a busybox rootfs and config.json running sh -c JOB under PROFILE
bundle() {
	local b=$TMP/$1
	mkdir -p "$b/rootfs/bin" "$b/rootfs/tmp" "$b/rootfs/etc"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for a in sh ls cat mkdir rmdir sleep echo; do ln -s busybox "$b/rootfs/bin/$a"; done
	echo "host-$1" >"$b/rootfs/etc/hostname"
	(cd "$b" && runc spec) || fail "runc spec"
	python3 - "$b/config.json" "$2" "$3" <<'PY' || fail "cannot write $b/config.json"
import json, sys
path, job, prof = sys.argv[1:4]
c = json.load(open(path))
c["process"]["args"] = ["sh", "-c", job]
c["process"]["terminal"] = False
c["root"]["readonly"] = False
p = json.load(open(prof))
# an OCI profile is what runc takes as linux.seccomp, key for key
c["linux"]["seccomp"] = {k: p[k] for k in ("defaultAction", "defaultErrnoRet", "architectures", "syscalls") if k in p}
c["linux"].pop("cgroupsPath", None)
json.dump(c, open(path, "w"), indent=1)
PY
}
# run_ctr ID BUNDLE: run in the foreground, output in $TMP/ID.out, status returned
run_ctr() { runc --root "$STATE" run --bundle "$TMP/$2" "$1" >"$TMP/$1.out" 2>&1 </dev/null; }

JOB_A='mkdir /tmp/d && rmdir /tmp/d; ls / >/dev/null; echo A-done; sleep 1'
JOB_B='cat /etc/hostname; ls /; echo B-done; sleep 1'
"$SCMPLOG" log-profile >"$TMP/log.json" || fail "log-profile"
bundle a "$JOB_A" "$TMP/log.json"
bundle b "$JOB_B" "$TMP/log.json"

"$SCMPLOG" collect -v --plain-runc --container ctrA --container ctrB --out-dir "$OUT" --interval 1 \
	>"$TMP/collect.out" 2>"$TMP/collect.err" & collector=$!
sleep 1.5
kill -0 "$collector" 2>/dev/null || { cat "$TMP/collect.err"; fail "the collector did not start"; }
# host noise: sysinfo under a log filter of its own, while the containers run
"$TMP/noise" 4 & noise=$!
# each container runs twice (delete, run again with the same id): one profile per id
learn() {
	run_ctr "$1" "$2" || { cat "$TMP/$1.out"; fail "container $1 failed under the log profile"; }
	runc --root "$STATE" delete -f "$1" >/dev/null 2>&1
	run_ctr "$1" "$2" || { cat "$TMP/$1.out"; fail "container $1 failed under the log profile (second run)"; }
}
learn ctrA a & ra=$!
learn ctrB b & rb=$!
wait $ra || exit 1
wait $rb || exit 1
wait $noise || fail "noise failed"
sleep 1.5
kill -TERM "$collector"
wait "$collector"
rc=$?
collector=
cat "$TMP/collect.err"
[ $rc -eq 0 ] || fail "collect exited $rc"
contains "$TMP/ctrA.out" "A-done"
contains "$TMP/ctrB.out" "B-done"

# ctrA and ctrB hold upper-case letters: the sanitiser adds a hash suffix
pa=$(ls "$OUT"/ctrA-????????.json 2>/dev/null)
pb=$(ls "$OUT"/ctrB-????????.json 2>/dev/null)
[ -f "$pa" ] || { ls -la "$OUT"; fail "no profile for ctrA"; }
[ -f "$pb" ] || { ls -la "$OUT"; fail "no profile for ctrB"; }
[ "$(ls "$OUT" | wc -l)" -eq 2 ] || { ls -la "$OUT"; fail "profiles other than ctrA's and ctrB's were written"; }
a=$(profile_names "$pa")
b=$(profile_names "$pb")
grep -qx mkdir <<<"$a" || grep -qx mkdirat <<<"$a" || fail "ctrA's profile lacks mkdir"
grep -qx rmdir <<<"$a" || grep -qx unlinkat <<<"$a" || fail "ctrA's profile lacks rmdir"
! grep -qx mkdir <<<"$b" && ! grep -qx mkdirat <<<"$b" || fail "ctrB's profile has mkdir: ctrA leaked into it"
grep -qx getdents64 <<<"$b" || fail "ctrB's profile lacks getdents64 (ls)"
grep -qx execve <<<"$a" || fail "ctrA's profile lacks execve"
# runc:[2:INIT]'s syscalls after the filter is loaded belong to the container
grep -qx fstatfs <<<"$b" || fail "ctrB's profile lacks fstatfs (runc:[2:INIT])"
for p in "$a" "$b"; do
	! grep -qx sysinfo <<<"$p" || fail "a container profile has sysinfo: the host noise leaked into it"
done
contains "$TMP/collect.err" "container ctrA (plain)"
grep -q "attributed to 2 containers" "$TMP/collect.err" || fail "the summary does not count 2 containers"

# enforce: the same jobs under the learned profiles give the same output.
# runc:[2:INIT] is a Go program: whether its runtime wakes another thread
# (futex) after the filter is loaded depends on timing, so a learning run may
# not see it, and without it runc dies before the job starts.  Added when
# missing, and said so: that is a gap of learning, not of attribution.
enforcing() {
	cp "$1" "$2"
	if ! profile_names "$1" | grep -qx futex; then
		echo "NOTE: futex (Go runtime of runc:[2:INIT]) not seen in $(basename "$1"): added for enforcement"
		python3 -c 'import json,sys
p=json.load(open(sys.argv[1])); p["syscalls"][0]["names"]=sorted(p["syscalls"][0]["names"]+["futex"])
json.dump(p,open(sys.argv[2],"w"),indent=2)' "$1" "$2" || fail "cannot add futex"
	fi
}
pa_enf=$TMP/a.enf.json
pb_enf=$TMP/b.enf.json
enforcing "$pa" "$pa_enf"
enforcing "$pb" "$pb_enf"
bundle a2 "$JOB_A" "$pa_enf"
bundle b2 "$JOB_B" "$pb_enf"
sed -i 's/host-a2/host-a/' "$TMP/a2/rootfs/etc/hostname"
sed -i 's/host-b2/host-b/' "$TMP/b2/rootfs/etc/hostname"
run_ctr ctrA2 a2 || { cat "$TMP/ctrA2.out"; fail "ctrA's job failed under its learned profile"; }
run_ctr ctrB2 b2 || { cat "$TMP/ctrB2.out"; fail "ctrB's job failed under its learned profile"; }
same "$TMP/ctrA.out" "$TMP/ctrA2.out"
same "$TMP/ctrB.out" "$TMP/ctrB2.out"
# something new is refused: ctrB never made a directory
bundle b3 'mkdir /tmp/new && echo made; echo end' "$pb_enf"
run_ctr ctrB3 b3
contains "$TMP/ctrB3.out" "Operation not permitted"
lacks "$TMP/ctrB3.out" "made"
contains "$TMP/ctrB3.out" "end"

# restart: learning resumes from the files in --out-dir (a union, not a fresh start)
cp "$pa" "$TMP/pa.before"
"$SCMPLOG" collect --plain-runc --container ctrA --out-dir "$OUT" --interval 1 \
	>/dev/null 2>"$TMP/collect2.err" & collector=$!
sleep 1.5
bundle a4 'echo again; sleep 1' "$TMP/log.json"
runc --root "$STATE" delete -f ctrA >/dev/null 2>&1
run_ctr ctrA a4 || { cat "$TMP/ctrA.out"; fail "ctrA (second run) failed"; }
sleep 1.5
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/collect2.err"; fail "the second collect failed"; }
collector=
cat "$TMP/collect2.err"
after=$(profile_names "$pa")
comm -23 <(profile_names "$TMP/pa.before") <(echo "$after") | grep . && fail "the restarted collector lost syscalls of ctrA's profile"
grep -qx mkdir <<<"$after" || grep -qx mkdirat <<<"$after" || fail "the resumed profile lost mkdir"
audit_check
