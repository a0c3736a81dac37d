#!/usr/bin/env bash
# Denials of an enforcing profile under Docker 20.10 (docker.io, runc 1.1.5),
# what log-profile --enforce's warning and --help say:
#  - Docker hands runc neither "flags" nor "listenerPath": a profile with
#    SECCOMP_FILTER_FLAG_LOG runs enforced, the flag gone from the config.json
#    runc gets (so its denials are not audited); a --listener profile is not
#    started ("listenerPath is not set");
#  - a kill default action is audited: collect appends the denial to
#    profiles/<container id>.denied.log beside the profile, review
#    --since-profile proposes the next profile, and Docker runs it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc-lib.sh"
[ "$(uname -m)" = x86_64 ] || skip "the test's profile lists x86_64's syscalls; this is $(uname -m)"
collector=
runner=
IMAGE=scmplog-test-denials:$$
RUN=scmplog-denials-$$
DETACHED=scmplog-denials-d-$$
STOP=collector DOCKER_CTRS="$RUN $DETACHED" WAIT=runner
cleanup_test() { exec 7>&-; }
docker_image "$IMAGE"
cd "$TMP" || exit 1

# an enforcing profile that allows every x86_64 syscall but mkdir and mkdirat
"$SCMPLOG" resolve --all >all.tsv || fail "resolve --all"
cut -f2 all.tsv | grep -vx 'mkdir\|mkdirat' | python3 -c 'import json, sys
names = [l.strip() for l in sys.stdin if l.strip()]
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
           "syscalls": [{"names": names, "action": "SCMP_ACT_ALLOW"}]}, open("raw.json", "w"))' || fail "raw.json"
expect_rc 0 "$SCMPLOG" merge -q raw.json -o app.json

# 1. "flags": Docker starts the container, enforced, and hands runc no flags
expect_rc 0 "$SCMPLOG" log-profile --enforce app.json -o flags.json
contains err "dropped by Docker 20.10, which then enforces without logging"
contains flags.json '"SECCOMP_FILTER_FLAG_LOG"'
docker run -d --name "$DETACHED" --network none --security-opt seccomp=flags.json "$IMAGE" \
	sh -c 'mkdir /tmp/x; echo mkdir-status=$?; sleep 60' >d.id 2>d.err || { cat d.err; fail "Docker refused the flags profile"; }
id=$(cat d.id)
cfg=/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/$id/config.json
for i in $(seq 300); do [ -e "$cfg" ] && break; sleep 0.1; done
[ -e "$cfg" ] || fail "no runc config.json of container $id at $cfg"
python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["linux"]["seccomp"]
print(" ".join(sorted(s)))
sys.exit("flags" in s)' "$cfg" >keys.out || fail "Docker passed flags to runc: $(cat keys.out)"
for i in $(seq 300); do docker logs "$DETACHED" 2>&1 | grep -q mkdir-status && break; sleep 0.1; done
docker logs "$DETACHED" >d.out 2>&1
contains d.out "Operation not permitted"
echo "flags profile under Docker: enforced, runc's seccomp keys: $(cat keys.out)"
docker rm -f "$DETACHED" >/dev/null 2>&1

# 2. --listener: Docker drops listenerPath, runc refuses the NOTIFY rules without it
expect_rc 0 "$SCMPLOG" log-profile -q --enforce app.json --listener "$TMP/l.sock" -o notify.json
docker run --rm --network none --security-opt seccomp=notify.json "$IMAGE" echo ok >d.out 2>d.err &&
	fail "Docker started a container with NOTIFY rules (does it pass listenerPath now?)"
contains d.err "listenerPath is not set"

# 3. a kill default action is audited: collect puts the denial beside the profile
expect_rc 0 "$SCMPLOG" merge -q app.json --default-action kill_process -o kill.json
"$SCMPLOG" collect -v --out-dir profiles/ --interval 1 >collect.out 2>collect.err & collector=$!
wait_contains collect.err "writing every 1 s" 60
# Nothing is logged before the denial (a kill profile logs nothing else), so
# the collector learns of the container from it: the mkdir child is killed at
# once, and is attributed through its fork event to its shell, which stays
# (reading stdin) until the denial is written.
mkfifo go.fifo
docker run -i --name "$RUN" --network none --security-opt seccomp=kill.json "$IMAGE" \
	sh -c 'read go; mkdir /tmp/x; echo end; read done' <go.fifo >run.out 2>run.err & runner=$!
exec 7>go.fifo
for i in $(seq 600); do
	[ "$(docker inspect -f '{{.State.Running}}' "$RUN" 2>/dev/null)" = true ] && break
	sleep 0.1
done
id=$(docker inspect -f '{{.Id}}' "$RUN" 2>/dev/null)
[ ${#id} -eq 64 ] || fail "container id '$id'"
echo go >&7
wait_contains "profiles/$id.denied.log" " syscall=83 " 60
echo done >&7
exec 7>&-
wait "$runner"
runner=
contains run.err "Bad system call"
kill -TERM "$collector"
wait "$collector" || { cat collect.err; fail "collect exited $? after SIGTERM"; }
collector=
contains "profiles/$id.denied.log" " code=0x80000000"
yes a | "$SCMPLOG" review --since-profile app.json "profiles/$id.denied.log" -o app2.json 2>review.err ||
	{ cat review.err; fail "review"; }
profile_names app2.json | grep -x mkdir >/dev/null || { cat review.err; fail "the reviewed profile lacks mkdir"; }
docker run --rm --network none --security-opt seccomp=app2.json "$IMAGE" sh -c 'mkdir /tmp/x && echo made' >d.out 2>d.err ||
	{ cat d.err; fail "the reviewed profile does not run"; }
contains d.out made
audit_check
echo "ok: Docker drops flags and listenerPath; a kill's denial collected beside the profile, reviewed, run"
