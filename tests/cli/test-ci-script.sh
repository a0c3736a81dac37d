#!/usr/bin/env bash
# packaging/ci/seccomp-ci.sh: the gate and update steps of the CI recipes
# (learn and enforce need root: tests/demo/run.sh runs them).
. "$CLI_DIR/lib.sh"
CI="$CLI_DIR/../../packaging/ci/seccomp-ci.sh"
cd "$TMP" || exit 1
export PROFILE=profiles/app.json NEW=new.json REPORT_DIR=report
unset GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITLAB_CI

profile() { # profile FILE NAME...
	local f=$1 names
	shift
	names=$(printf '"%s",' "$@")
	printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":[%s],"action":"SCMP_ACT_ALLOW"}]}\n' \
		"${names%,}" >"$f"
}

# No committed profile yet: the gate says so and exits 1; update creates it.
profile new.json read write mount
expect_rc 1 bash "$CI" gate
contains out "no committed profile 'profiles/app.json' yet"
expect_rc 0 bash "$CI" update
[ -f profiles/app.json ] || fail "update did not create the profile"
expect_rc 0 bash "$CI" gate
contains out "no differences"
contains report/diff.json '"differ": false'

# Added syscalls: exit 1, the text in the log and report/, JSON beside it.
profile new.json read write mount bpf socket
expect_rc 1 bash "$CI" gate
contains out "+ x86_64: bpf  [risk: Docker's default profile blocks it]"
same out report/diff.txt
contains report/diff.json '"riskyAdded": ['

# GitHub Actions: job summary and annotations.
: >summary.md
expect_rc 1 env GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$TMP/summary.md" bash "$CI" gate
contains out "::warning file=profiles/app.json,title=risky syscall bpf::bpf is blocked by Docker's default seccomp profile: loads possibly persistent BPF programs into the kernel (CAP_SYS_ADMIN)"
contains out "::notice file=profiles/app.json::"
contains summary.md '### seccomp profile: `profiles/app.json`'
contains summary.md '```diff'
contains summary.md '+ x86_64: socket'
# GitLab CI: a collapsible section.
expect_rc 1 env GITLAB_CI=true bash "$CI" gate
contains out "section_start:"
contains out "section_end:"

# Trouble is 2.
echo '{' >new.json
expect_rc 2 bash "$CI" gate
contains err "seccomp-ci: scmplog diff failed (exit 2)"
rm -f new.json
expect_rc 2 bash "$CI" gate
contains err "no learned profile 'new.json'"
expect_rc 2 bash "$CI" bogus
expect_rc 2 bash "$CI" learn
expect_rc 2 bash "$CI" enforce ls
exit 0
