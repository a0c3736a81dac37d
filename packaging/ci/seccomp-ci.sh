#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The steps of scmplog's CI recipes (github-actions/seccomp.yml,
# gitlab/seccomp.gitlab-ci.yml), one script so that every CI system runs the
# same thing and tests/demo/run.sh can run it locally.  Installed as
# /usr/share/scmplog/ci/seccomp-ci.sh.
#
#   seccomp-ci.sh learn -- CMD...    learn CMD's profile (the test suite) into $NEW,
#                                    starting from $PROFILE when it exists; root
#   seccomp-ci.sh gate               compare $PROFILE with $NEW: exit 0 same,
#                                    1 syscalls added or removed, 2 trouble
#   seccomp-ci.sh enforce -- CMD...  run CMD under $NEW (proves the profile holds); root
#   seccomp-ci.sh update             copy $NEW over $PROFILE (the "commit" switch)
#
# Environment: SCMPLOG (default: scmplog), PROFILE (default: profiles/app.json),
# NEW (default: seccomp-new.json), REPORT_DIR (default: seccomp-report: diff.txt,
# diff.json).  On GitHub Actions the gate also writes the job summary and
# annotations; on GitLab CI, a collapsible section.
set -u
SCMPLOG=${SCMPLOG:-scmplog}
PROFILE=${PROFILE:-profiles/app.json}
NEW=${NEW:-seccomp-new.json}
REPORT_DIR=${REPORT_DIR:-seccomp-report}

die() { echo "seccomp-ci: $*" >&2; exit 2; }
usage() { sed -n '7,16p' "$0" >&2; exit 2; }

need_cmd() {
	[ "${1:-}" = -- ] || usage
	shift
	[ $# -gt 0 ] || usage
	CMD=("$@")
}

learn() {
	local merge=()
	[ -f "$PROFILE" ] && merge=(--merge "$PROFILE")
	echo "seccomp-ci: learning from: ${CMD[*]}${merge:+ (starting from $PROFILE)}"
	"$SCMPLOG" run "${merge[@]}" -o "$NEW" -- "${CMD[@]}"
}

gate() {
	local rc
	[ -f "$NEW" ] || die "no learned profile '$NEW': run the learn step first"
	mkdir -p "$REPORT_DIR" || die "cannot create '$REPORT_DIR'"
	if [ ! -f "$PROFILE" ]; then
		echo "seccomp-ci: no committed profile '$PROFILE' yet: everything is new"
		"$SCMPLOG" merge -q -f oci "$NEW" >/dev/null || die "cannot read '$NEW'"
		printf 'no committed profile %s yet\n' "$PROFILE" >"$REPORT_DIR/diff.txt"
		printf '{"differ": true, "firstProfile": true}\n' >"$REPORT_DIR/diff.json"
		summary 1
		return 1
	fi
	"$SCMPLOG" diff "$PROFILE" "$NEW" >"$REPORT_DIR/diff.txt"
	rc=$?
	[ "$rc" -le 1 ] || die "scmplog diff failed (exit $rc)"
	"$SCMPLOG" diff --format json "$PROFILE" "$NEW" >"$REPORT_DIR/diff.json"
	[ $? -le 1 ] || die "scmplog diff --format json failed"
	if [ -n "${GITLAB_CI:-}" ]; then
		printf '\e[0Ksection_start:%s:seccomp_diff\r\e[0Kscmplog diff %s %s\n' "$(date +%s)" "$PROFILE" "$NEW"
		cat "$REPORT_DIR/diff.txt"
		printf '\e[0Ksection_end:%s:seccomp_diff\r\e[0K\n' "$(date +%s)"
	else
		cat "$REPORT_DIR/diff.txt"
	fi
	summary "$rc"
	return "$rc"
}

# GitHub Actions: a job summary and one annotation per risky syscall.
summary() {
	local rc=$1 name
	[ -n "${GITHUB_ACTIONS:-}" ] || return 0
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		{
			echo "### seccomp profile: \`$PROFILE\`"
			if [ "$rc" -eq 0 ]; then
				echo "No syscalls added or removed."
			else
				echo '```diff'
				cat "$REPORT_DIR/diff.txt"
				echo '```'
			fi
		} >>"$GITHUB_STEP_SUMMARY"
	fi
	# Names are [a-z0-9_] (scmplog validates them): safe in a workflow command.
	sed -n 's/^!   \([a-z0-9_]*\): \(.*\)$/\1 \2/p' "$REPORT_DIR/diff.txt" | while read -r name reason; do
		echo "::warning file=$PROFILE,title=risky syscall $name::$name is blocked by Docker's default seccomp profile: $reason"
	done
	[ "$rc" -eq 1 ] && echo "::notice file=$PROFILE::the tests needed a different set of syscalls; see the job summary"
	return 0
}

enforce() {
	[ -f "$NEW" ] || die "no learned profile '$NEW'"
	echo "seccomp-ci: running under $NEW: ${CMD[*]}"
	"$SCMPLOG" exec --profile "$NEW" -- "${CMD[@]}"
}

update() {
	[ -f "$NEW" ] || die "no learned profile '$NEW'"
	mkdir -p "$(dirname "$PROFILE")" && cp "$NEW" "$PROFILE" || die "cannot write '$PROFILE'"
	echo "seccomp-ci: $PROFILE updated from $NEW"
}

step=${1:-}
[ $# -gt 0 ] && shift
case $step in
learn) need_cmd "$@"; learn ;;
gate) [ $# -eq 0 ] || usage; gate ;;
enforce) need_cmd "$@"; enforce ;;
update) [ $# -eq 0 ] || usage; update ;;
*) usage ;;
esac
