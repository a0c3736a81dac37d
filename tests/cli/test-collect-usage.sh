#!/usr/bin/env bash
# scmplog collect: options and usage errors (no root needed: every case stops
# before the kernel is touched).
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY

expect_rc 0 "$SCMPLOG" collect --help
contains "$TMP/out" "Usage: scmplog collect --out-dir DIR"
contains "$TMP/out" "--plain-runc"
contains "$TMP/out" "a second after a container's last process exited"
contains "$TMP/out" "with WATCHDOG_USEC set (WatchdogSec=), WATCHDOG=1 at half that interval"
"$SCMPLOG" --help | grep -q '^  collect ' || fail "collect is not in scmplog --help"

expect_rc 2 "$SCMPLOG" collect
contains "$TMP/err" "scmplog: collect: no --out-dir given"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --interval 0
contains "$TMP/err" "invalid --interval '0': expected seconds, 1..86400"
for bad in -1 +5 5s " 5" 86401 99999999999999999999 ""; do
	expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --interval "$bad"
	contains "$TMP/err" "invalid --interval"
done
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --format systemd
contains "$TMP/err" "invalid --format 'systemd': expected oci or k8s"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --format xml
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --all --container abc
contains "$TMP/err" "--all excludes --container and --cgroup"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --cgroup relative/path
contains "$TMP/err" "invalid --cgroup 'relative/path'"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --container ""
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --container "$(printf 'a%.0s' $(seq 129))"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --source nope
contains "$TMP/err" "invalid --source 'nope'"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" extra
contains "$TMP/err" "collect: unexpected argument 'extra'"
expect_rc 2 "$SCMPLOG" collect --out-dir "$TMP/o" --bogus
contains "$TMP/err" "Try 'scmplog collect --help'."
# usage errors come before anything is created
[ ! -e "$TMP/o" ] || fail "a usage error created the output directory"
# $STATE_DIRECTORY (systemd) stands in for --out-dir; a list of several is not taken
STATE_DIRECTORY="$TMP/a:$TMP/b" expect_rc 2 "$SCMPLOG" collect
contains "$TMP/err" "no --out-dir given"
# an output directory that cannot be made is a runtime error, before any audit setting changes
expect_rc 1 "$SCMPLOG" collect --out-dir /proc/scmplog-no-such/dir
contains "$TMP/err" "scmplog: cannot create directory '/proc/scmplog-no-such/dir'"
# an --out-dir that is a symbolic link is refused, not followed (with a trailing '/' too): nothing is
# written through it
mkdir "$TMP/real"
ln -s real "$TMP/linked"
for d in "$TMP/linked" "$TMP/linked/"; do
	expect_rc 1 timeout 60 "$SCMPLOG" collect --out-dir "$d" --follow-file "$TMP/none.log"
	contains "$TMP/err" "scmplog: cannot open directory '$d': it is a symbolic link, not followed"
	[ -L "$TMP/linked" ] || fail "the linked --out-dir was replaced"
	[ -z "$(ls -A "$TMP/real")" ] || fail "collect wrote through a linked --out-dir: $(ls -A "$TMP/real")"
done
exit 0
