#!/usr/bin/env bash
# The denial loop with a real runc container (Debian 12's runc 1.1.5, which
# refuses SECCOMP_FILTER_FLAG_LOG): learn a busybox job with collect, enforce
# the learned profile with its denials reported to 'scmplog listen'
# (log-profile --enforce --listener: SCMP_ACT_NOTIFY), run a job that does
# something new (mkdir), see the denial answered with EPERM and written beside
# the learned profile, reviewed into the next profile, and the container run
# under it.  Also: a kill default action's denial, collected by collect
# beside the profile and reviewed; the profile with "flags" refused by this
# runc; a --listener container that does not start while no listener runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc-lib.sh"

OUT=$TMP/profiles
SOCK=$TMP/listen.sock
RUNC_IDS="dn1 dn-kill dn-flags dn-nolistener"
collector=
listener=
STOP="listener collector"
mkdir -p "$OUT"

# listen_start: the listener on $SOCK, writing to $OUT; returns once it listens
listen_start() {
	"$SCMPLOG" listen -v --socket "$SOCK" --out-dir "$OUT" 2>>"$TMP/listen.err" & listener=$!
	for i in $(seq 300); do [ -S "$SOCK" ] && return 0; sleep 0.1; done
	cat "$TMP/listen.err"
	fail "the listener did not create $SOCK in 30 s"
}
listen_stop() {
	kill -TERM "$listener"
	wait "$listener" || { cat "$TMP/listen.err"; fail "listen exited $?"; }
	listener=
	[ ! -e "$SOCK" ] || fail "listen left $SOCK behind"
}

# 1. learn: the job under the log profile, one profile per container id
JOB='cat /etc/hostname; ls / >/dev/null; echo job-done'
"$SCMPLOG" log-profile >"$TMP/log.json" || fail "log-profile"
bundle learn "$JOB" "$TMP/log.json"
"$SCMPLOG" collect -v --plain-runc --container dn1 --out-dir "$OUT" --interval 1 \
	>"$TMP/collect.out" 2>"$TMP/collect.err" & collector=$!
collector_ready "$TMP/collect.err"
run_ctr dn1 learn || { cat "$TMP/dn1.out"; fail "the learning container failed"; }
runc --root "$STATE" delete -f dn1 >/dev/null 2>&1
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/collect.err"; fail "collect failed"; }
collector=
[ -s "$OUT/dn1.json" ] || { cat "$TMP/collect.err"; fail "collect wrote no $OUT/dn1.json"; }
# runc's init makes some syscalls only now and then (README): its baseline
"$SCMPLOG" merge -q "$(dirname "$0")/../../profiles/runc-busybox-baseline.json" "$OUT/dn1.json" -o "$TMP/app.json" ||
	fail "merge"
! profile_names "$TMP/app.json" | grep -x 'mkdirat\|mkdir' >/dev/null || fail "the learned profile allows mkdir already"

# 1b. a kill default action is audited whatever the runtime: collect appends the
# denial beside the profile (the way under Docker 20.10, which drops flags and listenerPath)
"$SCMPLOG" merge -q "$TMP/app.json" --default-action kill_process -o "$TMP/app-kill.json" || fail "merge kill"
bundle kill 'cat /etc/hostname; mkdir /tmp/new; echo end' "$TMP/app-kill.json"
"$SCMPLOG" collect -v --plain-runc --container dn-kill --out-dir "$OUT" --interval 1 \
	>"$TMP/collect2.out" 2>"$TMP/collect2.err" & collector=$!
collector_ready "$TMP/collect2.err"
# busybox sh forks the mkdir applet: the child is killed, the shell says so
run_ctr dn-kill kill
contains "$TMP/dn-kill.out" "Bad system call"
wait_contains "$OUT/dn-kill.denied.log" " syscall=83 " 30
kill -TERM "$collector"
wait "$collector" || { cat "$TMP/collect2.err"; fail "collect failed"; }
collector=
contains "$OUT/dn-kill.denied.log" " code=0x80000000"
yes a | "$SCMPLOG" review --since-profile "$TMP/app.json" "$OUT/dn-kill.denied.log" -o "$TMP/app-k2.json" \
	2>"$TMP/review-k.err" || { cat "$TMP/review-k.err"; fail "review of the kill denial"; }
profile_names "$TMP/app-k2.json" | grep -x mkdir >/dev/null || { cat "$TMP/review-k.err"; fail "the reviewed profile lacks mkdir"; }

# 2. the profile with SECCOMP_FILTER_FLAG_LOG: this runc refuses it, as log-profile says
"$SCMPLOG" log-profile --enforce "$TMP/app.json" -o "$TMP/app-flags.json" 2>"$TMP/flags.err" || fail "log-profile --enforce"
contains "$TMP/flags.err" "seccomp flags are not yet supported by runc"
bundle flags "$JOB" "$TMP/app-flags.json"
if run_ctr dn-flags flags; then
	echo "NOTE: this runc takes \"flags\" (1.2 or later?): $(runc --version | head -n 1)"
else
	contains "$TMP/dn-flags.out" "seccomp flags are not yet supported by runc"
fi

# 3. enforce with the denials reported to the listener
"$SCMPLOG" log-profile --enforce "$TMP/app.json" --listener "$SOCK" -o "$TMP/app-notify.json" 2>"$TMP/notify.err" ||
	{ cat "$TMP/notify.err"; fail "log-profile --enforce --listener"; }
grep -q '"SCMP_ACT_NOTIFY"' "$TMP/app-notify.json" || fail "no NOTIFY rule"
NEW='cat /etc/hostname; mkdir /tmp/new && echo made; echo end'
bundle enf "$NEW" "$TMP/app-notify.json"
# no listener: the container does not start (runc cannot hand the fd over)
bundle nolistener "$NEW" "$TMP/app-notify.json"
! run_ctr dn-nolistener nolistener || { cat "$TMP/dn-nolistener.out"; fail "the container started without a listener"; }
contains "$TMP/dn-nolistener.out" "seccomp agent"
lacks "$TMP/dn-nolistener.out" "end"

listen_start
run_ctr dn1 enf || { cat "$TMP/dn1.out" "$TMP/listen.err"; fail "the container failed under the enforcing profile"; }
runc --root "$STATE" delete -f dn1 >/dev/null 2>&1
contains "$TMP/dn1.out" "mkdir: can't create directory '/tmp/new': Operation not permitted"
contains "$TMP/dn1.out" "end"
lacks "$TMP/dn1.out" "made"
wait_contains "$OUT/dn1.denied.log" " syscall=83 " 30
listen_stop
contains "$TMP/listen.err" "container 'dn1'"
cat "$OUT/dn1.denied.log"

# 4. explain and review read the denials as they read audit.log
"$SCMPLOG" explain "$OUT/dn1.denied.log" >"$TMP/explain.out" 2>&1 || { cat "$TMP/explain.out"; fail "explain"; }
grep -Eq 'mkdir' "$TMP/explain.out" || { cat "$TMP/explain.out"; fail "explain shows no mkdir denial"; }
yes a | "$SCMPLOG" review --since-profile "$TMP/app.json" "$OUT/dn1.denied.log" -o "$TMP/app2.json" \
	2>"$TMP/review.err" || { cat "$TMP/review.err"; fail "review"; }
profile_names "$TMP/app2.json" | grep -x mkdir >/dev/null || { cat "$TMP/review.err"; fail "the reviewed profile lacks mkdir"; }

# 5. the next profile, enforced the same way: the job runs, nothing new is denied
"$SCMPLOG" log-profile -q --enforce "$TMP/app2.json" --listener "$SOCK" -o "$TMP/app2-notify.json" ||
	fail "log-profile --enforce (app2)"
bundle enf2 "$NEW" "$TMP/app2-notify.json"
before=$(grep -c . "$OUT/dn1.denied.log")
listen_start
run_ctr dn1 enf2 || { cat "$TMP/dn1.out"; fail "the container failed under the reviewed profile"; }
contains "$TMP/dn1.out" "made"
contains "$TMP/dn1.out" "end"
listen_stop
after=$(grep -c . "$OUT/dn1.denied.log")
[ "$after" = "$before" ] || { cat "$OUT/dn1.denied.log"; fail "denials under the reviewed profile"; }
audit_check
echo "ok: denial of mkdir collected in dn1.denied.log, reviewed, the new profile runs"
