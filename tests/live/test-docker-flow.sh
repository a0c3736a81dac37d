#!/usr/bin/env bash
# The README's Docker flow, as written there ("Docker, Podman, runc"), with a
# real Docker (docker.io, runc 1.1.5 under it) and a busybox-static image made
# with `docker import`, no registry:
#   scmplog log-profile > audit.json
#   scmplog collect --out-dir profiles/
#   docker run --security-opt seccomp=audit.json IMAGE CMD
# the container's profile appears as profiles/<container id>.json; merged with
# the runtime's baseline (as the README says: runc's init makes some syscalls
# only now and then), it runs CMD again under Docker, every time, and a
# syscall CMD never made (mkdir) is refused by the filter.  Then a sample of
# what merge and build write is started under Docker too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc-lib.sh"
[ "$(uname -m)" = x86_64 ] || skip "the runtime baselines (--runtime) were measured on x86_64; this is $(uname -m)"
collector=
learner=
IMAGE=scmplog-test-busybox:$$
LEARN=scmplog-flow-learn-$$
STOP=collector DOCKER_CTRS=$LEARN WAIT=learner
cleanup_test() { exec 7>&-; }
docker_image "$IMAGE"
cd "$TMP" || exit 1
# in_docker PROFILE CMD...: docker run under PROFILE; output in $TMP/d.out, d.err
in_docker() {
	local prof=$1; shift
	docker run --rm --network none --security-opt "seccomp=$prof" "$IMAGE" "$@" >d.out 2>d.err
}
JOB='cat /etc/hostname >/dev/null; ls / >/dev/null; echo flow-done'

# 1. the learning profile
"$SCMPLOG" log-profile >audit.json || fail "log-profile"
check_loads audit.json
# 2. the collector (-v says when it collects; --interval 1 instead of 30 s)
"$SCMPLOG" collect -v --out-dir profiles/ --interval 1 >collect.out 2>collect.err & collector=$!
wait_contains collect.err "writing every 1 s" 60
# 3. the container under the learning profile.  Its shell first waits for a
#    line on stdin: a container the collector never sees alive cannot be
#    attributed (its cgroup is read in /proc; on a busy machine a job of a few
#    milliseconds is gone before the collector gets the CPU, and its records
#    are counted as unattributed, not guessed).  Once the collector has
#    attributed the waiting shell, the job runs: its children are known from
#    their fork events, however short they live.
mkfifo go.fifo
docker run -i --name "$LEARN" --network none --security-opt seccomp=audit.json "$IMAGE" sh -c "read go; $JOB" \
	<go.fifo >learn.out 2>learn.err & learner=$!
exec 7>go.fifo
for i in $(seq 600); do
	id=$(docker inspect -f '{{.Id}}' "$LEARN" 2>/dev/null) && break
	sleep 0.1
done
[ ${#id} -eq 64 ] || fail "container id '$id'"
wait_contains collect.err "container $id (docker) -> " 60
echo go >&7
exec 7>&-
wait "$learner" || { cat learn.err; fail "the container failed under the learning profile"; }
learner=
grep -qx flow-done learn.out || fail "no output under the learning profile: $(cat learn.out learn.err)"
# 4. its profile appears, with what the job did (ls: getdents64; cat: openat)
P=profiles/$id.json
for i in $(seq 600); do
	[ -e "$P" ] && profile_names "$P" 2>/dev/null | grep -x getdents64 >/dev/null && break
	sleep 0.1
done
if [ ! -e "$P" ]; then
	# the summary: records unattributed, and why
	ls -la profiles
	kill -TERM "$collector" && wait "$collector"
	collector=
	cat collect.err
	fail "no profile $P after 60 s"
fi
profile_names "$P" | grep -x getdents64 >/dev/null || fail "$P lacks getdents64: $(profile_names "$P" | tr '\n' ' ')"
kill -TERM "$collector"
wait "$collector" || { cat collect.err; fail "collect exited $? after SIGTERM"; }
collector=
contains collect.err "$id.json:"
check_loads "$P"
profile_names "$P" | grep -x mkdir >/dev/null && fail "the job made no mkdir, yet $P allows it"
# 5. enforce, as the README says: the learned profile with the runtime's baseline
expect_rc 0 "$SCMPLOG" merge --runtime docker "$P" -o app.json
contains err "--runtime docker: "
for i in 1 2 3 4 5; do
	in_docker app.json sh -c "$JOB" || { cat d.err; fail "start $i: the container failed under its learned profile"; }
	grep -qx flow-done d.out || fail "start $i: no output under the learned profile: $(cat d.out d.err)"
done
# 6. what the job never did is refused, by the filter: the same mkdir runs under the learning profile
in_docker app.json mkdir /tmp/x && fail "mkdir succeeded under the learned profile"
grep -q "Operation not permitted" d.err d.out || fail "mkdir failed, but not with EPERM: $(cat d.out d.err)"
in_docker audit.json mkdir /tmp/x || { cat d.err; fail "mkdir failed under the learning profile"; }

# 7. a sample of what scmplog writes starts under Docker (as SCMP_ACT_LOG
#    profiles, so the container runs whatever they allow: the filter loads).
if [ -r /usr/share/containers/seccomp.json ]; then
	# containers/common's archMap: this machine's entry (one byte order)
	expect_rc 0 "$SCMPLOG" merge -q --default-action log /usr/share/containers/seccomp.json -o cc.json
	in_docker cc.json echo ok || { cat d.err; fail "Docker refused merge's rewrite of containers/common's profile"; }
fi
# a central log of other machines: the aarch64 nginx's profile (arm64 + arm on this x86_64 host)
expect_rc 0 "$SCMPLOG" build -q --default-action log --exe /usr/sbin/nginx -o nginx.json "$DATA/foreign-arches.log"
contains nginx.json '"SCMP_ARCH_AARCH64"'
in_docker nginx.json echo ok || { cat d.err; fail "Docker refused the aarch64 profile"; }
# records of both byte orders: this machine's
expect_rc 0 "$SCMPLOG" build -q --default-action log --exe /usr/sbin/nginx --exe /arch/s390x -o both.json \
	"$DATA/foreign-arches.log" "$DATA/arch-names.log"
lacks both.json '"SCMP_ARCH_S390X"'
in_docker both.json echo ok || { cat d.err; fail "Docker refused build's profile of mixed records"; }
expect_rc 0 "$SCMPLOG" build -q --default-action log --arch s390x --exe /arch/s390x -o s390x.json "$DATA/arch-names.log"
in_docker s390x.json echo ok && fail "Docker loaded an s390x-only profile on x86_64"
# riscv64 beside other architectures: the name runc 1.1.5 does not know (what
# build's and merge's warning says)
printf '{"defaultAction":"SCMP_ACT_LOG","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_RISCV64"],"syscalls":[]}\n' >riscv.json
if in_docker riscv.json echo ok; then
	echo "NOTE: this runc knows SCMP_ARCH_RISCV64: scmplog's warning about riscv64 beside other architectures is outdated here"
else
	grep -q "SCMP_ARCH_RISCV64 is not a valid arch for seccomp" d.err || fail "riscv64 refused for another reason: $(cat d.err)"
fi
audit_check
