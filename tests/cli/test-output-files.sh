#!/usr/bin/env bash
# Output files: -o and --stats never replace an input of another kind (by
# st_dev/st_ino, not by name); a replaced file keeps its mode and owner; a
# profile and its --stats file are written both or neither.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG
cd "$TMP" || exit 1
cp "$DATA/audit-raw.log" a.log
cp a.log a.orig
unchanged() { cmp -s "$1" "$2" || fail "$1 was changed"; }

# -o over the log it reads: refused, by name, through a hard link, a symlink, stdin
expect_rc 2 $S build a.log -o a.log
contains "$TMP/err" "scmplog: -o 'a.log' is also the input file: refusing to replace it"
unchanged a.log a.orig
ln a.log hard.log
expect_rc 2 $S build a.log -o hard.log
contains "$TMP/err" "-o 'hard.log' is the same file as the input file 'a.log'"
ln -s a.log sym.log
expect_rc 2 $S build sym.log -o a.log
expect_rc 2 $S build -o ./a.log <a.log
contains "$TMP/err" "is standard input"
expect_rc 2 $S build -q a.log --stats a.log -o p.json
unchanged a.log a.orig
[ ! -e p.json ] || fail "p.json written although the command was refused"
# -o and --stats the same file, also when neither exists yet
expect_rc 2 $S build -q a.log -o new.json --stats ./new.json
contains "$TMP/err" "--stats './new.json' is the same file as the -o profile 'new.json'"
[ ! -e new.json ] || fail "new.json written"
# an output that does not exist yet is no input: written
expect_rc 0 $S build -q a.log -o p.json --stats s.json
cp p.json p.orig
cp s.json s.orig
# --merge P -o P is the update in place; --stats over P is not
expect_rc 0 $S build -q a.log --merge p.json -o p.json
expect_rc 2 $S build -q a.log --merge p.json --stats p.json -o q.json
contains "$TMP/err" "--stats 'p.json' is also the --merge profile"
unchanged p.json p.orig

# merge: -o over a merged profile is fine, --stats over one is not, -o over --stats-in is not
expect_rc 0 $S merge p.json -o p.json
expect_rc 2 $S merge p.json --stats p.json
expect_rc 2 $S merge p.json --stats-in s.json -o s.json
expect_rc 2 $S merge p.json -o m.json --stats m.json
unchanged p.json p.orig
unchanged s.json s.orig
# log-profile: the learning profile never replaces the allowlist it comes from
expect_rc 2 $S log-profile --allow-known p.json -o p.json
contains "$TMP/err" "-o 'p.json' is also the --allow-known profile"
unchanged p.json p.orig
# review: -o over OLD is the update in place; over a log it reads, refused
expect_rc 2 $S review --since-profile p.json a.log -o a.log </dev/null
unchanged a.log a.orig
# run: checked before anything starts (a command that does not exist would give 127)
expect_rc 2 $S run -o r.json --stats r.json -- ./no-such-command
expect_rc 2 $S run --merge p.json --stats p.json -- ./no-such-command
unchanged p.json p.orig

# a replaced file keeps its mode (and, as root, its owner); a new one gets 0644 minus the umask
chmod 0640 p.json
chmod 0604 s.json
if [ "$(id -u)" = 0 ]; then chown 4321:4322 p.json; fi
(umask 022 && $S build -q a.log -o p.json --stats s.json 2>/dev/null) || fail "build over p.json"
[ "$(stat -c %a p.json)" = 640 ] || fail "p.json: mode $(stat -c %a p.json), expected 640"
[ "$(stat -c %a s.json)" = 604 ] || fail "s.json: mode $(stat -c %a s.json), expected 604"
if [ "$(id -u)" = 0 ]; then
	[ "$(stat -c %u:%g p.json)" = 4321:4322 ] || fail "p.json: owner $(stat -c %u:%g p.json), expected 4321:4322"
fi
(umask 027 && $S build -q a.log -o fresh.json 2>/dev/null) || fail "build fresh.json"
[ "$(stat -c %a fresh.json)" = 640 ] || fail "fresh.json: mode $(stat -c %a fresh.json), expected 640"

# both or neither: the statistics cannot be written, so the profile is not either
cp p.json p.orig
expect_rc 1 $S build -q a.log --exe /usr/bin/true -o p.json --stats no-such-dir/s.json
contains "$TMP/err" "cannot write statistics 'no-such-dir/s.json'"
unchanged p.json p.orig
mkdir sdir
expect_rc 1 $S build -q a.log --exe /usr/bin/true -o p.json --stats sdir
unchanged p.json p.orig
expect_rc 1 $S merge p.json -o p2.json --stats no-such-dir/s.json
[ ! -e p2.json ] || fail "merge wrote p2.json without its statistics"
# ... and the other way round
expect_rc 1 $S build -q a.log --exe /usr/bin/true -o no-such-dir/p.json --stats s.json
unchanged s.json s.orig
# no temporary file is left behind
for f in .[!.]*; do [ -e "$f" ] && { ls -A; fail "temporary file '$f' left"; }; done
exit 0
