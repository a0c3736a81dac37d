# Sourced after lib.sh by the live tests that run runc or Docker containers:
# bundles with a busybox-static rootfs under a given seccomp profile, a Docker
# image of that rootfs, and the test's cleanup at exit (its background
# processes, containers and the cgroups runc leaves behind, the image).
# shellcheck shell=bash
command -v runc >/dev/null || skip "runc is not installed"
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || skip "no static /bin/busybox (busybox-static)"
command -v python3 >/dev/null || skip "python3 is not installed"

STATE=$TMP/runc-state
# What ctr_cleanup undoes at exit (lib.sh's live_cleanup calls it, after the
# processes of STOP and the test's cleanup_test), in this order, set by the test:
RUNC_IDS=""     # every runc container id the test may create (runc_cleanup)
DOCKER_CTRS=""  # Docker containers, removed
WAIT=""         # names of the variables holding pids waited for then (docker run clients)
DOCKER_IMAGE="" # the image docker_image made, removed; then a dockerd docker_need started stops
ctr_cleanup() {
	local v
	runc_cleanup
	# shellcheck disable=SC2086 # a list of names
	[ -z "$DOCKER_CTRS" ] || docker rm -f $DOCKER_CTRS >/dev/null 2>&1
	for v in $WAIT; do
		[ -n "${!v:-}" ] && wait "${!v}" 2>/dev/null
	done
	[ -z "$DOCKER_IMAGE" ] || docker rmi -f "$DOCKER_IMAGE" >/dev/null 2>&1
	docker_done
}

# rootfs DIR: busybox and the applets the jobs use
rootfs() {
	mkdir -p "$1/bin" "$1/tmp" "$1/etc"
	cp /bin/busybox "$1/bin/busybox"
	for a in sh ls cat mkdir rmdir sleep echo nc mount; do ln -sf busybox "$1/bin/$a"; done
}

# docker_image IMAGE: a dockerd (docker_need), and IMAGE made of a busybox
# rootfs by docker import (no registry), removed at exit
docker_image() {
	docker_need
	rootfs "$TMP/rootfs"
	tar -C "$TMP/rootfs" -c . | docker import - "$1" >"$TMP/import.out" 2>&1 ||
		{ cat "$TMP/import.out"; fail "docker import failed"; }
	DOCKER_IMAGE=$1
}

# bundle NAME JOB PROFILE [CAP...]: $TMP/NAME runs sh -c JOB under the OCI
# profile PROFILE, with runc's default capabilities plus CAP...
bundle() {
	local b=$TMP/$1 job=$2 prof=$3
	shift 3
	rootfs "$b/rootfs"
	echo "host-$(basename "$b")" >"$b/rootfs/etc/hostname"
	(cd "$b" && runc spec) || fail "runc spec"
	python3 - "$b/config.json" "$job" "$prof" "$@" <<'PY' || fail "cannot write $b/config.json"
import json, sys
path, job, prof = sys.argv[1:4]
c = json.load(open(path))
c["process"]["args"] = ["sh", "-c", job]
c["process"]["terminal"] = False
c["root"]["readonly"] = False
caps = c["process"]["capabilities"]
for cap in sys.argv[4:]:
    for k in ("bounding", "effective", "permitted"):
        if cap not in caps[k]:
            caps[k].append(cap)
p = json.load(open(prof))
# an OCI profile is what runc takes as linux.seccomp, key for key
c["linux"]["seccomp"] = {k: p[k] for k in ("defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath", "listenerMetadata", "syscalls") if k in p}
c["linux"].pop("cgroupsPath", None)
json.dump(c, open(path, "w"), indent=1)
PY
}

# run_ctr ID BUNDLE: run in the foreground, output in $TMP/ID.out, status returned
run_ctr() { runc --root "$STATE" run --bundle "$TMP/$2" "$1" >"$TMP/$1.out" 2>&1 </dev/null; }

runc_cleanup() {
	local c d
	for c in $RUNC_IDS; do
		runc --root "$STATE" delete -f "$c" >/dev/null 2>&1
		# runc without cgroupsPath: /<id> in each hierarchy, maybe under our own cgroup
		for d in /sys/fs/cgroup/*/"$c" /sys/fs/cgroup/*/*/"$c" /sys/fs/cgroup/*/*/*/"$c" /sys/fs/cgroup/"$c"; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	done
}
