#!/usr/bin/env bash
# Every OCI profile the project ships or keeps as golden output loads with
# libseccomp as runc and Docker load it (tests/cli/load-profile.c); the
# helper itself refuses what they refuse.  The profiles the CLI tests write
# are loaded by lib.sh's expect_rc.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
cd "$TMP" || exit 1

for f in "$TOP"/profiles/*.json "$DATA"/golden/*.json "$DATA"/profiles/*.json; do
	case ${f##*/} in
	bad-*.json) continue ;; # deliberately broken inputs of the reader tests
	esac
	"$LOAD_PROFILE" --if-oci "$f" >>loaded 2>&1 || { cat loaded; fail "$f does not load"; }
done
n=$(grep -c '^loaded ' loaded)
[ "$n" -ge 15 ] || fail "only $n profiles loaded: $(cat loaded)"
# the s390x learning profile is another machine's: built as there, not loaded here
[ "$(uname -m)" != x86_64 ] || grep -q "loaded $TOP/profiles/log-everything-s390x.json (2 architectures" loaded || fail "s390x: $(cat loaded)"
[ ! -r /usr/share/containers/seccomp.json ] || check_loads /usr/share/containers/seccomp.json

# The helper fails where the runtimes fail.
printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_S390X"],"syscalls":[]}\n' >mixed.json
printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_S390X","SCMP_ARCH_X86_64"],"syscalls":[]}\n' >mixed2.json
printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_VAX"],"syscalls":[]}\n' >vax.json
printf '{"defaultAction":"SCMP_ACT_FOO","syscalls":[]}\n' >act.json
printf '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":7,"value":1,"op":"SCMP_CMP_EQ"}]}]}\n' >arg.json
for f in mixed.json mixed2.json vax.json act.json arg.json; do
	expect_rc 1 "$LOAD_PROFILE" "$f"
done
expect_rc 1 "$LOAD_PROFILE" mixed.json
contains err "load-profile: mixed.json: architectures[1]: error adding architecture SCMP_ARCH_S390X to seccomp filter: Numerical argument out of domain"
expect_rc 1 "$LOAD_PROFILE" mixed2.json
contains err "Numerical argument out of domain"
# --if-oci passes over what is not an OCI profile, plain use does not
printf 'apiVersion: v1\n' >k8s.yaml
expect_rc 0 "$LOAD_PROFILE" --if-oci k8s.yaml "$DATA/profiles/rules.stats.json"
expect_rc 1 "$LOAD_PROFILE" "$DATA/profiles/rules.stats.json"
# so does lib.sh's check: a written profile that does not load fails the test
( check_loads mixed.json ) >/dev/null 2>&1 && fail "check_loads passed a profile of both byte orders"
exit 0
