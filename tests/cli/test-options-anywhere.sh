#!/usr/bin/env bash
# GNU option behaviour: options anywhere among the operands, '--' ends them;
# run and exec stop at the command.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG
cd "$TMP" || exit 1
cp "$DATA/audit-raw.log" a.log

# build: options after and between the files (README: build audit.log* -o app.json --exe ...)
expect_rc 0 $S build a.log -o after.json --exe /usr/bin/true
expect_rc 0 $S build -o before.json --exe /usr/bin/true a.log
same before.json after.json
expect_rc 0 $S build a.log --exe /usr/bin/true a.log -o between.json -q
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "-q after the files was not taken"; }
expect_rc 0 $S build a.log a.log --exe /usr/bin/true -o twice.json
same between.json twice.json
# '--' ends the options: a file named -o is a file
cp a.log ./-o
expect_rc 0 $S build --exe /usr/bin/true -- -o
same before.json "$TMP/out"
expect_rc 1 $S build -- a.log --exe
contains "$TMP/err" "cannot open '--exe'"

# explain: options after the file
printf 'type=SECCOMP msg=audit(1.001:1): auid=0 uid=0 gid=0 ses=1 pid=9 comm="mkdir" exe="/usr/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x1 code=0x50000\n' >d.log
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="ls" exe="/usr/bin/ls" sig=0 arch=c000003e syscall=89 compat=0 ip=0x1 code=0x50000\n' >>d.log
expect_rc 0 $S explain d.log --exe /usr/bin/ls
contains "$TMP/out" readlink
lacks "$TMP/out" mkdir
# --follow reads the kernel: a FILE anywhere is still refused
expect_rc 2 $S explain d.log --follow
contains "$TMP/err" "--follow reads from the kernel; it takes no FILE"

# resolve: --arch after the operands
expect_rc 0 $S resolve read 59 --arch aarch64
[ "$(cat "$TMP/out")" = "$(printf '63\npipe2')" ] || { cat "$TMP/out"; fail "resolve read 59 --arch aarch64"; }
expect_rc 0 $S resolve 221 -a aarch64
[ "$(cat "$TMP/out")" = execve ] || fail "resolve 221 -a aarch64"
# a negative number is neither an option nor a syscall number
expect_rc 2 $S resolve --arch x86_64 -1
contains "$TMP/err" "invalid syscall number '-1'"
expect_rc 1 $S resolve -- -1
contains "$TMP/err" "unknown syscall '-1'"

# merge, diff: options anywhere too (they always were)
expect_rc 0 $S merge before.json -o m.json after.json -q
expect_rc 0 $S diff before.json m.json --format json
expect_rc 0 $S build --allow-empty -o empty.json </dev/null

# run and exec stop at the command: what follows it is the command's
printf '{"defaultAction":"SCMP_ACT_ALLOW"}\n' >allow.json
expect_rc 0 $S exec --profile allow.json sh -c 'printf "%s\n" "$@"' sh --quiet -o x
[ "$(cat "$TMP/out")" = "$(printf -- '--quiet\n-o\nx')" ] || { cat "$TMP/out"; fail "exec passed its options on"; }
expect_rc 0 $S exec --profile allow.json -- sh -c 'printf "%s\n" "$@"' sh --help
[ "$(cat "$TMP/out")" = "--help" ] || { cat "$TMP/out"; fail "exec -- CMD --help"; }
# run: a command that does not exist fails before anything is started; its
# --help is its own, not run's
expect_rc 127 $S run ./no-such-command --help
contains "$TMP/err" "cannot execute './no-such-command'"

# usage errors: the command's name and a hint to its --help, exit 2 (diff's and
# coverage's 'trouble' too)
for c in build collect coverage diff exec explain listen log-profile merge resolve review run; do
	expect_rc 2 $S $c --no-such-option
	contains "$TMP/err" "scmplog $c: unknown option '--no-such-option'"
	contains "$TMP/err" "Try 'scmplog $c --help'."
	expect_rc 2 $S $c -Z
	contains "$TMP/err" "scmplog $c: unknown option '-Z'"
done
expect_rc 2 $S build a.log -o
contains "$TMP/err" "scmplog build: option '-o' needs a value"
expect_rc 2 $S merge before.json --stats
contains "$TMP/err" "scmplog merge: option '--stats' needs a value"
expect_rc 2 $S build --allow-empty=yes a.log
contains "$TMP/err" "scmplog build: option '--allow-empty' takes no value"
# a bad number says which option and why
expect_rc 2 $S build -j 0 a.log
contains "$TMP/err" "scmplog: invalid --jobs '0': expected 1..1024"
expect_rc 2 $S run --rcvbuf 1073741824 -- true
contains "$TMP/err" "scmplog: invalid --rcvbuf '1073741824': expected bytes, 1..1073741823"
# abbreviations, as getopt_long took them: a unique prefix; an ambiguous one is refused
expect_rc 0 $S build a.log --outp abbrev.json --ex /usr/bin/true
same before.json abbrev.json
expect_rc 2 $S build a.log --out x.json
contains "$TMP/err" "scmplog build: option '--out' is ambiguous; possibilities: '--output' '--out-dir'"
# values are checked in order, before --help prints (test-completion relies on it)
expect_rc 2 $S build --split-by pid --help
contains "$TMP/err" "invalid --split-by 'pid': expected exe, comm, host or arch"
expect_rc 0 $S build --help --split-by pid
exit 0
