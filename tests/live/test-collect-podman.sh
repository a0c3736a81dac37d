#!/usr/bin/env bash
# scmplog collect with a real podman container (runc runtime, cgroupfs
# manager), the image a busybox-static rootfs brought in with podman import
# (no registry): run under --security-opt seccomp=<the log-everything
# profile>, the container lives in /libpod_parent/libpod-<id>; collect --all
# writes one profile, named by that id (conmon, in /libpod_parent/conmon, is
# no container); enforced through podman, the learned profile runs the same
# job with the same output and refuses a mkdir.  Container and image are
# removed afterwards, also on failure.
. "$(dirname "$0")/lib.sh"
command -v podman >/dev/null || skip "podman is not installed (Debian: apt-get install podman)"
. "$(dirname "$0")/runc-lib.sh"

IMG=localhost/scmplog-live-test:$$
OUT=$TMP/profiles
CTRS=""
collector=
image=
# cgroup directories podman makes below each hierarchy on its first run
cg_before=$(ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2>/dev/null)
STOP=collector
cleanup_test() {
	local c d
	for c in $CTRS; do
		podman rm -f "$c" >/dev/null 2>&1
	done
	[ -n "$image" ] && podman rmi -f "$IMG" >/dev/null 2>&1
	if [ -z "$cg_before" ]; then
		for d in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
			[ -d "$d" ] || continue
			rmdir "$d"/conmon "$d" 2>/dev/null
		done
	fi
}

rootfs "$TMP/rootfs"
echo from-the-image >"$TMP/rootfs/etc/motd"
tar -C "$TMP/rootfs" -cf "$TMP/rootfs.tar" . || fail "cannot pack the rootfs"
podman import "$TMP/rootfs.tar" "$IMG" >"$TMP/import.out" 2>&1 || { cat "$TMP/import.out"; fail "podman import failed"; }
image=1

# podman (4.3, as root) gives a container RLIMIT_NOFILE 1048576 and
# RLIMIT_NPROC 32768 or more; where those are above the hard limits podman
# runs under and root lacks CAP_SYS_RESOURCE (a sandbox), runc fails:
# "error setting rlimits for ready process: error setting rlimit type 7:
# operation not permitted".  Limits as runc's default spec has them work anywhere.
PODMAN="podman --runtime runc --cgroup-manager cgroupfs"
RUNOPTS="--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
# create NAME PROFILE JOB: a container running sh -c JOB under PROFILE; its id in $TMP/NAME.id
create() {
	$PODMAN create --name "$1" $RUNOPTS --security-opt seccomp="$2" "$IMG" sh -c "$3" >"$TMP/$1.id" 2>"$TMP/$1.err" ||
		{ cat "$TMP/$1.err"; fail "podman create $1 failed"; }
	CTRS="$CTRS $1"
}
# start NAME: run it attached, output in $TMP/NAME.out, status returned
start() { $PODMAN start -a "$1" >"$TMP/$1.out" 2>&1 </dev/null; }

JOB='cat /etc/motd; ls /; echo P-done; sleep 2'
"$SCMPLOG" log-profile >"$TMP/log.json" || fail "log-profile"
create scmplog-learn "$TMP/log.json" "$JOB"
id=$(cat "$TMP/scmplog-learn.id")
[[ $id =~ ^[0-9a-f]{64}$ ]] || fail "podman create printed no container id: '$id'"

"$SCMPLOG" collect -v --all --out-dir "$OUT" --interval 1 >"$TMP/collect.out" 2>"$TMP/collect.err" & collector=$!
collector_ready "$TMP/collect.err"
start scmplog-learn & starter=$!
# the container's cgroup, seen from the host while it runs
pid=0
for i in $(seq 50); do
	pid=$(podman inspect -f '{{.State.Pid}}' scmplog-learn 2>/dev/null)
	[ -n "$pid" ] && [ "$pid" != 0 ] && break
	sleep 0.1
done
[ -n "$pid" ] && [ "$pid" != 0 ] || fail "the podman container did not start"
cat "/proc/$pid/cgroup" >"$TMP/cgroup" 2>/dev/null
conmon=$(podman inspect -f '{{.State.ConmonPid}}' scmplog-learn 2>/dev/null)
[ -n "$conmon" ] && cat "/proc/$conmon/cgroup" >"$TMP/conmon.cgroup" 2>/dev/null
wait $starter || { cat "$TMP/scmplog-learn.out"; fail "the podman container failed under the log profile"; }
kill -TERM "$collector" # it reads what the kernel queued before the signal
wait "$collector"
rc=$?
collector=
cat "$TMP/collect.err"
[ $rc -eq 0 ] || fail "collect exited $rc"
cat "$TMP/cgroup"
contains "$TMP/cgroup" ":/libpod_parent/libpod-$id"
[ -s "$TMP/conmon.cgroup" ] && { echo "conmon:"; grep -E '^(0|[0-9]+:memory):' "$TMP/conmon.cgroup"; }
contains "$TMP/scmplog-learn.out" "P-done"
contains "$TMP/scmplog-learn.out" "from-the-image"

# one profile, the container's, named by its id (libpod-<id> parsed as podman)
[ -f "$OUT/$id.json" ] || { ls -la "$OUT"; fail "no profile $id.json"; }
[ "$(ls "$OUT" | wc -l)" -eq 1 ] || { ls -la "$OUT"; fail "profiles other than the container's were written"; }
contains "$TMP/collect.err" "container $id (podman)"
p=$(profile_names "$OUT/$id.json")
for s in execve getdents64 clock_nanosleep exit_group; do
	grep -qx "$s" <<<"$p" || grep -qx "${s#clock_}" <<<"$p" || fail "the profile lacks $s"
done
# podman leaves noNewPrivileges off: runc:[2:INIT] drops capabilities and
# changes ids after loading the filter, and those syscalls are in too
for s in prctl capset setgroups setuid; do
	grep -qx "$s" <<<"$p" || fail "the profile lacks $s (runc:[2:INIT] without noNewPrivileges)"
done
! grep -qx mkdir <<<"$p" && ! grep -qx mkdirat <<<"$p" || fail "the profile has mkdir: the job made none"

# enforce through podman.  runc:[2:INIT] may make a futex the learning run
# did not see (see test-collect-runc.sh): added when missing, and said so.
cp "$OUT/$id.json" "$TMP/enf.json"
if ! grep -qx futex <<<"$p"; then
	echo "NOTE: runc:[2:INIT] made no futex while the profile was learned: added for enforcement"
	python3 -c 'import json,sys
p=json.load(open(sys.argv[1])); p["syscalls"][0]["names"]=sorted(p["syscalls"][0]["names"]+["futex"])
json.dump(p,open(sys.argv[1],"w"),indent=2)' "$TMP/enf.json" || fail "cannot add futex"
fi
create scmplog-enforce "$TMP/enf.json" "$JOB"
start scmplog-enforce || { cat "$TMP/scmplog-enforce.out"; fail "the job failed under its learned profile"; }
same "$TMP/scmplog-learn.out" "$TMP/scmplog-enforce.out"
create scmplog-new "$TMP/enf.json" 'mkdir /tmp/new && echo made; echo end'
start scmplog-new
cat "$TMP/scmplog-new.out"
contains "$TMP/scmplog-new.out" "Operation not permitted"
lacks "$TMP/scmplog-new.out" "made"
contains "$TMP/scmplog-new.out" "end"
audit_check
