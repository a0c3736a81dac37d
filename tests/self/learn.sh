#!/usr/bin/env bash
# Learn scmplog's own seccomp allowlist (profiles/scmplog-self.json) from its
# test suite: `scmplog run --no-filter` follows the suite, whose scmplog
# processes confine themselves in learn mode (SCMPLOG_SELF_CONFINE=learn:
# what the built-in profile allows passes, the rest is logged, comm
# "scmplog-learn"), so only the syscalls made after the confinement point,
# and not yet allowed, are recorded.  The outer run reads beside the inner
# tests as a multicast listener (they need the audit daemon slot) and keeps
# only records whose exe= is the scmplog binary and comm= scmplog-learn.
#
# Usage: learn.sh OUT.json        (root; SCMPLOG=path/to/scmplog)
# LEARN_STRICT=1 (make check-self-profile): a failing test fails the run,
# since the syscalls it did not get to make are not in what was learned.
# Writes OUT.json: the built-in profile plus what the suite needed; fails if
# that allows a syscall scmplog may never make (self-confine.c's list).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${SCMPLOG:?set SCMPLOG to the scmplog binary}"
out=${1:?usage: learn.sh OUT.json}
bin=$(readlink -f "$SCMPLOG")
root=$(cd "$here/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "learn.sh: needs root (the suite's live tests and the audit multicast group)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the built-in profile is the starting point: learn mode logs only what it lacks.
# SELF_EXTRA: reviewed additions the suite reaches only sometimes (a signal
# interrupting a call, malloc giving memory back, journal and kubelet paths).
extra=${SELF_EXTRA:-restart_syscall rt_sigreturn madvise mremap pread64 readlinkat unlinkat getuid geteuid getgid getegid faccessat2 clock_nanosleep nanosleep fstat statfs fdatasync}
names=$(printf '"%s",' $extra)
printf '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":[%s],"action":"SCMP_ACT_ALLOW"}]}\n' "${names%,}" >"$tmp/extra.json"
"$SCMPLOG" merge "$root/profiles/scmplog-self.json" "$tmp/extra.json" >"$tmp/base.json"

# SELF_TESTS: the live tests to run (default: those that run collect, run or
# explain --follow, but not the long load test)
tests=${SELF_TESTS:-$(cd "$root/tests/live" && ls test-run-*.sh test-collect-*.sh test-explain-follow.sh | grep -v -e load | tr '\n' ' ')}
cat >"$tmp/workload.sh" <<EOW
#!/usr/bin/env bash
export SCMPLOG_SELF_CONFINE=learn SCMPLOG='$bin'
cd '$root'
rc=0
SCMPLOG='$bin' bash tests/cli/run.sh >'$tmp/cli.log' 2>&1 || { echo "learn.sh: the CLI suite failed (see below)"; tail -n 40 '$tmp/cli.log'; rc=1; }
for t in $tests; do
	SCMPLOG='$bin' DATA='$root/tests/data' CLI_DIR='$root/tests/cli' flock "\${SCMPLOG_LIVE_LOCK:-/run/lock/scmplog-live.lock}" timeout 900 bash tests/live/\$t >'$tmp/\$t.log' 2>&1
	r=\$?
	case \$r in 0) echo "  ok    \$t" ;; 77) echo "  skip  \$t" ;; *) echo "  FAIL  \$t (exit \$r)"; tail -n 30 '$tmp/\$t.log'; rc=1 ;; esac
done
exit \$rc
EOW
echo "learn.sh: running the suite with scmplog in learn mode (a few minutes)"
set +e
"$SCMPLOG" run --no-self-confine --source multicast --no-filter --exe "$bin" --comm scmplog-learn \
	--allow-loss --merge "$tmp/base.json" --default-action errno --errno EPERM -o "$tmp/new.json" -- bash "$tmp/workload.sh"
rc=$?
set -e
# the workload's own failures (exit 1) were listed above; the profile is still what it did
if [ ! -s "$tmp/new.json" ]; then
	echo "learn.sh: the run failed (exit $rc); nothing written" >&2
	exit 1
fi
if [ $rc -ne 0 ] && [ -n "${LEARN_STRICT:-}" ]; then
	# a check: a test that failed did not make the syscalls it would have
	echo "learn.sh: some tests failed in learn mode (exit $rc): what the suite needs is not known" >&2
	exit 1
fi
[ $rc -eq 0 ] || echo "learn.sh: warning: some tests failed in learn mode (exit $rc); the profile has what they did" >&2
bad=$(python3 "$here/forbidden.py" "$tmp/new.json")
if [ -n "$bad" ]; then
	echo "learn.sh: the suite made syscalls scmplog may never make once confined: $bad" >&2
	echo "learn.sh: move them before the confinement point (cli_confine) instead" >&2
	cp "$tmp/new.json" "$out.rejected"
	echo "learn.sh: what was learned is in $out.rejected" >&2
	exit 1
fi
cp "$tmp/new.json" "$out.tmp" && mv "$out.tmp" "$out"
echo "learn.sh: wrote $out"
