#!/usr/bin/env bash
# bash completion (packaging/bash-completion/scmplog), run in bash: the values
# it offers for each command's options are the values that command accepts,
# no more and no fewer (each probed as 'scmplog CMD OPT VALUE --help': the
# value is checked when the option is parsed, before --help prints).
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
S=$SCMPLOG
cd "$TMP" || exit 1
# shellcheck source=/dev/null
. "$TOP/packaging/bash-completion/scmplog" || fail "cannot source the completion"
declare -F _scmplog >/dev/null || fail "no _scmplog function"
unset -f _init_completion 2>/dev/null

# candidates WORDS...: what completing the last word (may be '') offers, sorted, one per line
candidates() {
	COMP_WORDS=("$S" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_scmplog 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort -u
}
accepts() { "$S" "$1" "$2" "$3" --help >/dev/null 2>&1; }

# every value any command takes for these options, and some no command takes
superset="oci k8s systemd json text yaml exe comm host arch container pod pid workload auto daemon multicast kmsg
journal audisp netlink file SCMP_ACT_ERRNO SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_KILL
SCMP_ACT_TRAP SCMP_ACT_LOG SCMP_ACT_ALLOW SCMP_ACT_TRACE SCMP_ACT_NOTIFY v1 v1beta1 v1alpha1
enforce learn off on runc docker crun podman none"
arches=$("$S" resolve --arches | awk '{ print $1 }')
# accepted but not offered on purpose: json and docker are oci's other names
alias_ok() { { [ "$1 $2" = "--format json" ] || [ "$1 $2" = "--format docker" ]; } && [ "$3" != diff ]; }

cmds=$("$S" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on && /^$/ { exit }')
[ -n "$cmds" ] || fail "no commands"
checked=0
for c in $cmds; do
	"$S" "$c" --help >help.txt || fail "$c --help"
	for o in --format --split-by --source --default-action --k8s-api --self-confine --runtime --arch --by; do
		grep -qE -- "(^|[ ,])$o( |=|$)" help.txt || continue
		candidates "$c" "$o" '' >offered
		[ -s offered ] || fail "completion offers nothing for '$c $o'"
		vals=$superset
		[ "$o" = --arch ] && vals=$arches
		: >accepted
		for v in $vals; do accepts "$c" "$o" "$v" && echo "$v" >>accepted; done
		sort -u -o accepted accepted
		while read -r v; do
			grep -qx -- "$v" accepted || fail "completion offers '$c $o $v', which '$c' refuses"
		done <offered
		while read -r v; do
			grep -qx -- "$v" offered || alias_ok "$o" "$v" "$c" ||
				fail "'$c $o $v' is accepted, but completion does not offer it (offers: $(tr '\n' ' ' <offered))"
		done <accepted
		checked=$((checked + 1))
	done
done
[ "$checked" -ge 20 ] || fail "only $checked command/option pairs checked"

# the ones users asked for, spelled out
[ "$(candidates collect --source '' | tr '\n' ' ')" = "audisp auto daemon journal kmsg multicast " ] || fail "collect --source"
[ "$(candidates collect --split-by '' | tr '\n' ' ')" = "container host " ] || fail "collect --split-by"
[ "$(candidates collect -f '' | tr '\n' ' ')" = "k8s oci " ] || fail "collect -f"
[ "$(candidates build --split-by '' | tr '\n' ' ')" = "arch comm exe host " ] || fail "build --split-by"
[ "$(candidates collect --source j)" = journal ] || fail "collect --source j"
# explain -f is --follow: what follows is a file, not a format
touch xoci.log
[ "$(candidates explain -f xo)" = xoci.log ] || fail "explain -f took a value"
# options of a command come from its --help; after '--' only files
candidates collect --jo | grep -qx -- --journal-dir || fail "collect --jo"
candidates build -- --st | grep -q -- --stats && fail "build -- offers options"
mkdir jdir
[ "$(candidates collect --journal-dir j)" = jdir ] || fail "collect --journal-dir"
# run and exec: after '--' a command line of its own
candidates run -o x.json -- ech | grep -qx echo || fail "run -- CMD"
exit 0
