#!/usr/bin/env bash
# `sudo make demo`: learn the seccomp profile of a real command on this
# machine's kernel and print it, then show it enforced.
set -u
: "${SCMPLOG:?}"
cmd=(${DEMO_CMD:-ls -l /usr})
if [ "$(id -u)" -ne 0 ]; then
	echo "scmplog demo: learning from the kernel's audit records needs root; run 'sudo make demo'" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== learning the profile of: ${cmd[*]}" >&2
"$SCMPLOG" run -o "$tmp/profile.json" -- "${cmd[@]}" >/dev/null || exit 1
echo "== the learned profile (OCI/Docker JSON):" >&2
cat "$tmp/profile.json"
echo "== the same command under the learned profile:" >&2
"$SCMPLOG" exec --profile "$tmp/profile.json" -- "${cmd[@]}" >/dev/null && echo "   ok: it runs" >&2
echo "== something it never did (mkdir) under the learned profile:" >&2
"$SCMPLOG" exec --profile "$tmp/profile.json" -- mkdir "$tmp/new" 2>&1 | sed 's/^/   /' >&2
[ -d "$tmp/new" ] && { echo "   unexpected: mkdir succeeded" >&2; exit 1; }
echo "   refused, as it should be" >&2
