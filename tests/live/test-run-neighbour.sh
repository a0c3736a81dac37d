#!/usr/bin/env bash
# No false loss alarm beside busy log-filtered neighbours.  Audit serials are
# taken when a record is started and the record is queued when it ends, on any
# CPU, so records arrive out of serial order: a neighbour's record with a
# serial just above the start marker's can arrive before it, and one just
# below the drain marker's after it.  `run` must count neither as lost.
# Every run here reads every record (nothing overflows, nothing is
# rate-limited), so any "lost" is a false alarm.  test-run-lost and the slot
# tests check that real losses still fail a run.
. "$(dirname "$0")/lib.sh"
build_helper getppid-loop
RUNS=${NEIGHBOUR_RUNS:-30}
COUNT=${NEIGHBOUR_DD_COUNT:-20000}
FOLLOWS=${NEIGHBOUR_FOLLOWS:-20}
pids=()
cleanup_test() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
# two neighbours, each under a log-everything filter of its own, busy for the
# whole test (killed by the cleanup)
for i in 1 2; do
	"$SCMPLOG" exec -q -p "$DATA/../../profiles/log-everything.json" -- "$TMP/getppid-loop" 4000000000 &
	pids+=($!)
done
# both run under their filter (exec execs the command) before the first run
up() { local p; for p in "${pids[@]}"; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = getppid-loop ] || return 1; done; }
for i in $(seq 300); do up && break; sleep 0.1; done
up || fail "the neighbours did not start"
alarms=0
for r in $(seq "$RUNS"); do
	rc=0
	"$SCMPLOG" run -o "$TMP/p.json" -- dd if=/dev/zero of=/dev/null bs=1 count="$COUNT" status=none 2>"$TMP/err" || rc=$?
	if [ "$rc" != 0 ] || grep -q "may be incomplete\|lost:" "$TMP/err"; then
		alarms=$((alarms + 1))
		echo "run $r: exit $rc"
		cat "$TMP/err"
	fi
done
[ "$alarms" = 0 ] || fail "$alarms of $RUNS runs beside two busy log-filtered neighbours reported a loss (nothing was lost)"
# explain --follow, stopped while the neighbours' records flow: it reads what
# was queued before the stop and counts no hole that is only late
for r in $(seq "$FOLLOWS"); do
	# removed first: the last one's "collecting" must not pass for this one's
	# before it has set up its signals (an early SIGTERM kills it outright)
	rm -f "$TMP/follow.err"
	"$SCMPLOG" explain -v --follow >"$TMP/follow.out" 2>"$TMP/follow.err" &
	fpid=$!
	wait_contains "$TMP/follow.err" collecting 30
	kill -TERM "$fpid"
	rc=0
	wait "$fpid" || rc=$?
	if [ "$rc" != 0 ] || grep -q "may be incomplete\|lost:\|not confirmed" "$TMP/follow.err"; then
		alarms=$((alarms + 1))
		echo "explain --follow $r: exit $rc"
		cat "$TMP/follow.err"
	fi
done
[ "$alarms" = 0 ] || fail "$alarms of $FOLLOWS explain --follow runs beside two busy log-filtered neighbours reported a loss"
audit_check
