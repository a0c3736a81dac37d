#!/usr/bin/env bash
# scmplog collect writes a container's profile soon after all its processes
# are gone (learned from the proc connector's exit events), not only every
# --interval or on a signal: with --interval 3600 and no signal, the profile
# of a short container appears within seconds of its exit and holds its
# exit_group (a record that may arrive after the exit event, on a busy
# machine even after the file was written: it is written again), while that of
# a container still running beside it is not written until it exits too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runc-lib.sh"

OUT=$TMP/profiles
RUNC_IDS="gone-quick gone-slow"
collector=
slow=
STOP="slow collector"

# wait_file FILE SECONDS: 0 once FILE exists and holds exit_group, 1 after
# SECONDS without.  On a busy machine the kernel's audit queue may deliver the
# last records after the file was due: they make it due again.
wait_file() {
	local i
	for i in $(seq $(($2 * 10))); do
		[ -e "$1" ] && profile_names "$1" 2>/dev/null | grep -qx exit_group && return 0
		sleep 0.1
	done
	[ -e "$1" ]
}
now() { date +%s.%N; }
elapsed() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }

"$SCMPLOG" log-profile >"$TMP/log.json" || fail "log-profile"
bundle quick 'ls / >/dev/null; echo quick-done' "$TMP/log.json"
bundle slow 'echo slow-start; sleep 5; echo slow-done' "$TMP/log.json"

"$SCMPLOG" collect -v --plain-runc --container gone-quick --container gone-slow --out-dir "$OUT" \
	--interval 3600 >"$TMP/collect.out" 2>"$TMP/collect.err" & collector=$!
collector_ready "$TMP/collect.err"
kill -0 "$collector" 2>/dev/null || { cat "$TMP/collect.err"; fail "the collector did not start"; }

run_ctr gone-slow slow & slow=$!
for i in $(seq 50); do grep -q slow-start "$TMP/gone-slow.out" 2>/dev/null && break; sleep 0.1; done
contains "$TMP/gone-slow.out" "slow-start"
run_ctr gone-quick quick || { cat "$TMP/gone-quick.out"; fail "gone-quick failed under the log profile"; }
t_exit=$(now)
contains "$TMP/gone-quick.out" "quick-done"
wait_file "$OUT/gone-quick.json" 30 || { cat "$TMP/collect.err"; ls -la "$OUT"; fail "no profile for gone-quick 30 s after it exited"; }
t_file=$(now)
echo "gone-quick.json written $(elapsed "$t_exit" "$t_file") s after the container exited"
kill -0 "$collector" 2>/dev/null || fail "the collector is not running"
[ -e "$OUT/gone-slow.json" ] && fail "gone-slow's profile was written while it still runs"
q=$(profile_names "$OUT/gone-quick.json")
grep -qx exit_group <<<"$q" || fail "gone-quick's profile lacks exit_group"
grep -qx getdents64 <<<"$q" || fail "gone-quick's profile lacks getdents64 (ls)"
contains "$TMP/collect.err" "container gone-quick has no process left: writing $OUT/gone-quick.json"

wait "$slow" || { cat "$TMP/gone-slow.out"; fail "gone-slow failed under the log profile"; }
slow=
t_exit=$(now)
contains "$TMP/gone-slow.out" "slow-done"
wait_file "$OUT/gone-slow.json" 30 || { cat "$TMP/collect.err"; ls -la "$OUT"; fail "no profile for gone-slow 30 s after it exited"; }
echo "gone-slow.json written $(elapsed "$t_exit" "$(now)") s after the container exited"
s=$(profile_names "$OUT/gone-slow.json")
grep -qx exit_group <<<"$s" || fail "gone-slow's profile lacks exit_group"
grep -qx nanosleep <<<"$s" || grep -qx clock_nanosleep <<<"$s" || fail "gone-slow's profile lacks nanosleep (sleep)"
kill -0 "$collector" 2>/dev/null || fail "the collector is not running"

kill -TERM "$collector"
wait "$collector"
rc=$?
collector=
cat "$TMP/collect.err"
[ $rc -eq 0 ] || fail "collect exited $rc"
grep -q "attributed to 2 containers" "$TMP/collect.err" || fail "the summary does not count 2 containers"
[ "$(ls "$OUT" | wc -l)" -eq 2 ] || { ls -la "$OUT"; fail "files other than the two profiles were written"; }
audit_check
