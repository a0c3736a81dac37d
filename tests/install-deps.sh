#!/bin/sh
# Install what scmplog needs to build and test, on Debian/Ubuntu.  Idempotent:
# installs only packages that are missing.  Used by `make demo`, `make check`
# and .ci/run.  --bench adds the benchmark tools, --fuzz clang, --package the
# package builders (make deb, make rpm; tests/cli/test-package.sh builds both
# when they are there and is skipped without them; .ci/run installs them).
set -eu
pkgs="gcc make pkg-config libseccomp-dev libaudit-dev libjson-c-dev libsystemd-dev zlib1g-dev check
gcc-multilib strace python3 python3-yaml git busybox-static runc golang-github-containers-common systemd-journal-remote
tmux auditd podman docker.io iproute2 valgrind clang-tidy cppcheck jq"
for a in "$@"; do
	case $a in
	--bench) pkgs="$pkgs hyperfine bpftrace valgrind time" ;;
	--fuzz) pkgs="$pkgs clang libclang-rt-dev" ;;
	--package) pkgs="$pkgs dpkg-dev debhelper lintian rpm" ;;
	esac
done
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "scmplog: missing packages:$missing; run as root (sudo) to install them" >&2
	exit 1
fi
echo "scmplog: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
