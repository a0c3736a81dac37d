# scmplog explain and resolve.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG
rec() { printf 'type=SECCOMP msg=audit(1.001:%s): auid=0 uid=0 gid=0 ses=1 pid=9 comm=%s exe=%s sig=%s arch=c000003e syscall=%s compat=0 ip=0x1 code=%s\n' "$@"; }
{
	rec 1 '"mkdir"' '"/usr/bin/mkdir"' 0 83 0x50000
	rec 2 '"mkdir"' '"/usr/bin/mkdir"' 0 83 0x50000
	rec 3 '"ls"' '"/usr/bin/ls"' 31 89 0x80000000
	rec 4 '"ls"' '"/usr/bin/ls"' 0 0 0x7ffc0000
	rec 5 1B5B324A 2F746D702F1B5B33316D78 0 41 0x50000
} >"$TMP/d.log"
expect_rc 0 $S explain "$TMP/d.log"
contains "$TMP/out" '/usr/bin/mkdir (comm "mkdir"):'
grep -Eq '^  mkdir +x86_64 +errno +2$' "$TMP/out" || { cat "$TMP/out"; fail "mkdir row"; }
grep -Eq '^  readlink +x86_64 +kill_process +1$' "$TMP/out" || { cat "$TMP/out"; fail "readlink row"; }
lacks "$TMP/out" "read "
# control bytes from records never reach the terminal raw
grep -q $'\x1b' "$TMP/out" && fail "raw escape sequence printed"
contains "$TMP/out" '\x1b[31mx'
expect_rc 0 $S explain --all "$TMP/d.log"
grep -Eq '^  read +x86_64 +log +1$' "$TMP/out" || { cat "$TMP/out"; fail "read row with --all"; }
expect_rc 0 $S explain --exe /usr/bin/ls "$TMP/d.log"
lacks "$TMP/out" mkdir

expect_rc 0 $S resolve --arch x86_64 59 execve
[ "$(cat "$TMP/out")" = "$(printf 'execve\n59')" ] || fail "x86_64 resolve"
expect_rc 0 $S resolve --arch aarch64 221 56
[ "$(cat "$TMP/out")" = "$(printf 'execve\nopenat')" ] || fail "aarch64 resolve"
expect_rc 0 $S resolve --arch x86 102
[ "$(cat "$TMP/out")" = "socketcall" ] || fail "x86 resolve"
expect_rc 0 $S resolve --arch x32 execve
[ "$(cat "$TMP/out")" = "1073742344" ] || fail "x32 resolve"
expect_rc 0 $S resolve --arch c000003e 0
[ "$(cat "$TMP/out")" = "read" ] || fail "token arch"
expect_rc 1 $S resolve --arch x86_64 4000
contains "$TMP/err" "unknown syscall '4000' on x86_64"
expect_rc 1 $S resolve nosuchcall
expect_rc 2 $S resolve --arch vax 1
expect_rc 0 $S resolve --arch riscv64 --all
contains "$TMP/out" "$(printf '221\texecve')"
expect_rc 0 $S resolve --arches
contains "$TMP/out" "SCMP_ARCH_AARCH64"
exit 0
