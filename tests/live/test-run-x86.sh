#!/usr/bin/env bash
# A 32-bit x86 child is logged, not killed: the log filter covers the
# sub-architectures, and the profile lists SCMP_ARCH_X86 with the i386 names.
. "$(dirname "$0")/lib.sh"
[ "$(uname -m)" = x86_64 ] || skip "not an x86_64 machine"
gcc -m32 -O2 -o "$TMP/hello32" "$(dirname "$0")/hello32.c" >/dev/null 2>&1 || skip "gcc -m32 cannot build (gcc-multilib missing)"
"$TMP/hello32" >/dev/null 2>&1 || skip "this kernel cannot run 32-bit programs"

expect_rc 0 "$SCMPLOG" run -o "$TMP/h.json" -- "$TMP/hello32"
cat "$TMP/err"
contains "$TMP/out" "32-bit, ppid"
contains "$TMP/h.json" '"SCMP_ARCH_X86"'
names=$(profile_names "$TMP/h.json")
# i386-only names (x86_64 has no mmap2); execve came in as x86_64.
grep -qx mmap2 <<<"$names" || fail "no 32-bit syscall (mmap2) in the profile: $(echo $names)"
grep -qx execve <<<"$names" || fail "no execve"
# And the learned profile runs it.
expect_rc 0 "$SCMPLOG" exec -p "$TMP/h.json" -- "$TMP/hello32"
contains "$TMP/out" "32-bit, ppid"
audit_check
