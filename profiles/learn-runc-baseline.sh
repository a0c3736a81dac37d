#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Learn profiles/runc-busybox-baseline.json: the syscalls runc's init makes
# after it has loaded the container's seccomp filter (before it execs the
# container's process), with noNewPrivileges true and false, plus what a
# busybox shell needs to start and print a line.  Runc containers (ROUNDS,
# default 25, of each kind: what runc's Go runtime does in that window
# varies from run to run, e.g. a preemption signal's rt_sigreturn) run
# `/bin/sh -c 'echo started'` under a log-everything profile for the native
# architecture (`scmplog log-profile`: runc 1.1.5 refuses the shipped
# log-everything.json, which lists SCMP_ARCH_RISCV64, unknown to it) while
# `scmplog collect --plain-runc` learns one profile each; the baseline is
# their union.  Then regenerate the complain-mode template from it (see
# profiles/README.md).
#
#   sudo SCMPLOG=build/scmplog profiles/learn-runc-baseline.sh [OUT.json]
#
# Needs root, runc and busybox-static (tests/install-deps.sh), and
# /proc/sys/kernel/seccomp/actions_logged containing 'log'.  Takes the live
# tests' lock, so it never runs beside them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${SCMPLOG:?set SCMPLOG to the scmplog binary}"
out=${1:-$here/runc-busybox-baseline.json}
[ "$(id -u)" -eq 0 ] || { echo "learn-runc-baseline: needs root" >&2; exit 1; }
for t in runc python3; do
	command -v "$t" >/dev/null || { echo "learn-runc-baseline: '$t' missing: sudo sh tests/install-deps.sh" >&2; exit 1; }
done
[ -x /bin/busybox ] || { echo "learn-runc-baseline: /bin/busybox missing (busybox-static)" >&2; exit 1; }
exec 9>/run/scmplog-live-tests.lock
flock -w 900 9 || { echo "learn-runc-baseline: the live tests' lock is held" >&2; exit 1; }

work=$(mktemp -d)
collector=
ids=()
cleanup() {
	local rc=$?
	[ -n "$collector" ] && kill -TERM "$collector" 2>/dev/null && wait "$collector" 2>/dev/null
	for id in "${ids[@]}"; do runc delete -f "$id" >/dev/null 2>&1 || true; done
	rm -rf "$work"
	exit $rc
}
trap cleanup EXIT

# One bundle per noNewPrivileges value: a read-only busybox rootfs, the
# learning profile as linux.seccomp, no cgroupsPath (runc names the
# cgroups after the container id: a plain leaf).
mkrootfs() {
	mkdir -p "$1/rootfs/bin" "$1/rootfs/proc" "$1/rootfs/dev" "$1/rootfs/sys" "$1/rootfs/tmp"
	cp /bin/busybox "$1/rootfs/bin/busybox"
	ln -s busybox "$1/rootfs/bin/sh"
}
"$SCMPLOG" log-profile -o "$work/log.json"
for nnp in true false; do
	b=$work/nnp-$nnp
	mkrootfs "$b"
	(cd "$b" && runc spec)
	python3 - "$b/config.json" "$work/log.json" "$nnp" <<'PY'
import json, sys
path, prof, nnp = sys.argv[1], sys.argv[2], sys.argv[3] == "true"
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sh", "-c", "echo started"]
c["process"]["noNewPrivileges"] = nnp
c["root"]["readonly"] = True
c["hostname"] = "baseline"
c["linux"]["seccomp"] = json.load(open(prof))
c["linux"].pop("cgroupsPath", None)
json.dump(c, open(path, "w"), indent=2)
PY
	for r in $(seq "${ROUNDS:-25}"); do ids+=("scmplog-baseline-$$-nnp-$nnp-$r"); done
done

sel=()
for id in "${ids[@]}"; do sel+=(--container "$id"); done
"$SCMPLOG" collect --plain-runc "${sel[@]}" --source multicast --out-dir "$work/out" --interval 1 2>"$work/collect.err" &
collector=$!
sleep 1.5
for id in "${ids[@]}"; do
	nnp=${id#*-nnp-}
	nnp=${nnp%-*}
	got=$(runc run --bundle "$work/nnp-$nnp" "$id" </dev/null)
	[ "$got" = started ] || { echo "learn-runc-baseline: container $id printed '$got'" >&2; exit 1; }
done
sleep 1.5
kill -TERM "$collector"
wait "$collector"
collector=
grep -v '^scmplog:   ' "$work/collect.err" >&2
# A container whose every record was read after it had exited, with its
# cgroup unknown since its exec, is not attributed (the collector never
# guesses): take what was learned, as long as most of each kind was.
files=()
for nnp in true false; do
	got=0
	for id in "${ids[@]}"; do
		case $id in *-nnp-$nnp-*) ;; *) continue ;; esac
		[ -s "$work/out/$id.json" ] || { echo "learn-runc-baseline: nothing learned for $id" >&2; continue; }
		files+=("$work/out/$id.json")
		got=$((got + 1))
	done
	[ $((got * 2)) -gt "${ROUNDS:-25}" ] || { echo "learn-runc-baseline: only $got containers with noNewPrivileges=$nnp learned" >&2; exit 1; }
done
"$SCMPLOG" merge -q -o "$out" "${files[@]}"
echo "learn-runc-baseline: wrote $out"
