#!/usr/bin/env bash
# Container starts under a learned profile (issue 13, 1c): a busybox
# container learned the README's way (the log profile, `scmplog collect`, one
# run), then enforced with SCMP_ACT_KILL_PROCESS as the default action and
# the runtime's baseline (`merge --runtime runc`, `--runtime docker`), starts
# 20 times in a row under plain runc and 20 times under Docker, every time.
# Without the baseline a start fails now and then: runc's init is a Go
# program whose futex or rt_sigreturn after the filter is loaded the one
# learning run may not have seen (tests/bench/bench-starts.sh measures both,
# 100 starts each).  STARTS changes the count.
. "$(dirname "$0")/lib.sh"
[ "$(uname -m)" = x86_64 ] || skip "the runtime baselines are x86_64's (runc 1.1.5 here); this is $(uname -m)"
command -v docker >/dev/null || skip "docker.io is not installed"
SCMPLOG_LIVE_LOCKED=1 bash "$(dirname "$0")/../bench/bench-starts.sh" --test "${STARTS:-20}"
rc=$?
[ $rc = 0 ] || exit $rc
audit_check
