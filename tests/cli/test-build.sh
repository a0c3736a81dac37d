# scmplog build: every captured form, determinism, gzip, stdin, filters,
# split-by with hostile names, strict mode, summaries.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG

# 1. every real capture builds, nothing skipped, and the same capture in
#    different framings gives the same profile
for f in dmesg.log dmesg-raw.log dmesg-ctime.log kmsg.log audit-raw.log audit-enriched.log audit-node.log \
	syslog-rfc3339.log syslog-traditional.log journal-short.txt journal-short-iso.txt journal-short-precise.txt \
	journal-short-monotonic.txt journal-json.txt journal-export.txt; do
	expect_rc 0 $S build "$DATA/$f"
	# the only skip allowed is printk's own cut of a 1 KiB+ line (a real record here)
	if grep -q "skipped" "$TMP/err"; then
		grep -Eq "skipped [0-9]+ malformed SECCOMP records? \([0-9]+ truncated\)" "$TMP/err" || { cat "$TMP/err"; fail "$f: unexpected skip"; }
	fi
	contains "$TMP/out" '"SCMP_ACT_ALLOW"'
	cp "$TMP/out" "$TMP/$f.json"
done
same "$TMP/dmesg.log.json" "$TMP/dmesg-raw.log.json"
same "$TMP/dmesg.log.json" "$TMP/dmesg-ctime.log.json"
same "$TMP/audit-raw.log.json" "$TMP/audit-enriched.log.json"
for f in journal-short-iso.txt journal-short-precise.txt journal-short-monotonic.txt journal-json.txt journal-export.txt; do
	same "$TMP/journal-short.txt.json" "$TMP/$f.json"
done

# 2. golden: the audit.log capture, reviewed by hand (x86_64 + x86 + x32 records)
same "$TMP/audit-raw.log.json" "$DATA/golden/audit-raw.json"
contains "$TMP/audit-raw.log.json" '"SCMP_ARCH_X86"'

# 3. deterministic and order-independent; -o is atomic (no temp files left)
expect_rc 0 $S build -o "$TMP/a.json" "$DATA/audit-raw.log" "$DATA/dmesg.log"
expect_rc 0 $S build -o "$TMP/b.json" "$DATA/dmesg.log" "$DATA/audit-raw.log"
same "$TMP/a.json" "$TMP/b.json"
[ "$(ls -A "$TMP" | grep -c '^\.')" -eq 0 ] || fail "temporary files left in $TMP"

# 4. gzip (also concatenated members) and stdin
gzip -c "$DATA/audit-raw.log" >"$TMP/audit.log.1.gz"
expect_rc 0 $S build "$TMP/audit.log.1.gz"
same "$TMP/out" "$TMP/audit-raw.log.json"
{ head -n 40 "$DATA/audit-raw.log" | gzip -c; tail -n +41 "$DATA/audit-raw.log" | gzip -c; } >"$TMP/cat.gz"
expect_rc 0 $S build "$TMP/cat.gz"
same "$TMP/out" "$TMP/audit-raw.log.json"
head -c 300 "$TMP/audit.log.1.gz" >"$TMP/cut.gz"
expect_rc 1 $S build "$TMP/cut.gz"
contains "$TMP/err" "corrupt gzip data"
expect_rc 0 $S build - <"$DATA/audit-raw.log"
same "$TMP/out" "$TMP/audit-raw.log.json"
expect_rc 0 $S build <"$DATA/audit-raw.log"
same "$TMP/out" "$TMP/audit-raw.log.json"

# 5. malformed input: counted skips with reasons and the first location; --strict fails
expect_rc 0 $S build "$DATA/malformed.log"
contains "$TMP/err" "malformed SECCOMP records ("
contains "$TMP/err" "first at $DATA/malformed.log:"
contains "$TMP/err" "unknown syscall 99999 on x86_64"
contains "$TMP/err" "the kernel dropped 21 audit records"
expect_rc 1 $S build --strict "$DATA/malformed.log"
contains "$TMP/err" "$DATA/malformed.log:"
contains "$TMP/err" "malformed SECCOMP record ("

# 6. unknown syscall: reported, --strict fails
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\ntype=SECCOMP msg=audit(1.001:3): auid=0 uid=0 gid=0 ses=1 pid=9 comm="a" exe="/a" sig=0 arch=c000003e syscall=4000 compat=0 ip=0x1 code=0x7ffc0000\n' >"$TMP/unk.log"
expect_rc 0 $S build "$TMP/unk.log"
contains "$TMP/err" "unknown syscall 4000 on x86_64 (1 record)"
contains "$TMP/out" '"read"'
expect_rc 1 $S build --strict "$TMP/unk.log"
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="a" exe="/a" sig=0 arch=deadbeef syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n' >>"$TMP/unk.log"
expect_rc 0 $S build "$TMP/unk.log"
contains "$TMP/err" "unknown architecture arch=deadbeef (1 record)"
lacks "$TMP/out" "deadbeef"

# 7. no records: an error unless --allow-empty; denials only with --include-denied
printf 'hello\n' >"$TMP/none.log"
expect_rc 1 $S build "$TMP/none.log"
contains "$TMP/err" "no SECCOMP records"
expect_rc 0 $S build --allow-empty "$TMP/none.log"
contains "$TMP/out" '"syscalls": []'
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="a" exe="/a" sig=0 arch=c000003e syscall=83 compat=0 ip=0x1 code=0x50000\n' >"$TMP/denied.log"
expect_rc 1 $S build "$TMP/denied.log"
contains "$TMP/err" "only denials"
expect_rc 0 $S build --include-denied "$TMP/denied.log"
contains "$TMP/out" '"mkdir"'

# 8. foreign architectures map with their own tables; one byte order per
#    profile (test-build-arches.sh has the details): the little-endian ones here
expect_rc 0 $S build "$DATA/foreign-arches.log"
contains "$TMP/out" '"SCMP_ARCH_AARCH64"'
contains "$TMP/out" '"SCMP_ARCH_ARM"'
lacks "$TMP/out" '"SCMP_ARCH_S390X"'
contains "$TMP/out" '"SCMP_ARCH_RISCV64"'
contains "$TMP/err" "left out 6 records of mips, 3 records of mips64, 2 records of mips64n32, 1 record of ppc, 1 record of ppc64, 1 record of s390, 4 records of s390x: a seccomp filter holds one byte order"
expect_rc 0 $S build --arch s390x "$DATA/foreign-arches.log"
contains "$TMP/out" '"SCMP_ARCH_S390X"'
lacks "$TMP/out" '"SCMP_ARCH_AARCH64"'
expect_rc 0 $S build --exe /usr/sbin/nginx "$DATA/foreign-arches.log"
contains "$TMP/out" '"openat"'

# 9. filters
rec() { printf 'type=SECCOMP msg=audit(%s:%s): auid=0 uid=%s gid=0 ses=1 pid=%s comm="%s" exe="%s" sig=0 arch=c000003e syscall=%s compat=0 ip=0x1 code=0x7ffc0000\n' "$@"; }
{
	rec 1795706294.100 1 0 10 ls /usr/bin/ls 0
	rec 1795706295.100 2 1000 11 cat /usr/bin/cat 1
	rec 1795706296.100 3 0 12 ls /usr/bin/ls 2
} >"$TMP/f.log"
expect_rc 0 $S build --pid 11 "$TMP/f.log"
contains "$TMP/out" '"write"'; lacks "$TMP/out" '"read"'
expect_rc 0 $S build --uid 0 --exe /usr/bin/ls "$TMP/f.log"
contains "$TMP/out" '"read"'; contains "$TMP/out" '"open"'; lacks "$TMP/out" '"write"'
expect_rc 0 $S build --comm cat --comm ls --since @1795706295 "$TMP/f.log"
lacks "$TMP/out" '"read"'; contains "$TMP/out" '"write"'; contains "$TMP/out" '"open"'
expect_rc 0 $S build --until 1795706295.1 "$TMP/f.log"
contains "$TMP/out" '"read"'; lacks "$TMP/out" '"write"'
expect_rc 2 $S build --since yesterday "$TMP/f.log"
expect_rc 2 $S build --pid 12x "$TMP/f.log"

# 10. split-by with hostile names: everything stays inside the directory
{
	rec 1.001 1 0 10 '../../etc/x' /a 0
	rec 1.001 2 0 11 '.hidden' /b 1
	rec 1.001 3 0 12 'X' /c 2
	rec 1.001 4 0 13 'x' /d 3
} >"$TMP/h.log"
mkdir "$TMP/out.d"
expect_rc 0 $S build --split-by comm --out-dir "$TMP/out.d" "$TMP/h.log"
[ "$(find "$TMP" -name '*.json' -newer "$TMP/h.log" | grep -vc "^$TMP/out.d/")" -eq 0 ] || fail "a profile escaped the directory"
[ "$(ls "$TMP/out.d" | wc -l)" -eq 4 ] || { ls -la "$TMP/out.d"; fail "expected 4 distinct profiles"; }
ls "$TMP/out.d" | grep -q '^\.' && fail "a hidden file was created"
ln -s /etc/passwd "$TMP/out.d/planted.json"
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="planted" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n' >"$TMP/p.log"
$S build --split-by comm --out-dir "$TMP/out.d" "$TMP/p.log" >/dev/null 2>&1
[ -L "$TMP/out.d/planted.json" ] || fail "the planted symlink was replaced"
expect_rc 2 $S build --split-by comm "$TMP/h.log"

# 10b. file names never collide silently, by collect's rules (scl_outdir, test-collect-names.sh):
# an empty comm is not "unknown"; of two comms whose sanitised names share the 32-bit hash
# (found by search: 63 92 DA ED and 63 B1 90 80, both "c___-" plus the same suffix) the
# first seen keeps the name, the second gets an alternative of its own, said once.
{
	rec 1.001 5 0 14 '' /e 4
	rec 1.001 6 0 15 unknown /f 5
} >"$TMP/e.log"
expect_rc 0 $S build --split-by comm --out-dir "$TMP/e.d" "$TMP/e.log"
[ "$(ls "$TMP/e.d" | wc -l)" -eq 2 ] || { ls -la "$TMP/e.d"; fail "comm=\"\" and comm=\"unknown\" share a file"; }
for c in 6392DAED:13 63B19080:14; do
	printf 'type=SECCOMP msg=audit(1.001:7): auid=0 uid=0 gid=0 ses=1 pid=9 comm=%s exe="/a" sig=0 arch=c000003e syscall=%s compat=0 ip=0x1 code=0x7ffc0000\n' "${c%:*}" "${c#*:}"
done >"$TMP/c.log"
expect_rc 0 $S build --split-by comm --out-dir "$TMP/c.d" "$TMP/c.log"
calt=$(ls "$TMP/c.d" | grep '^c___-feb1ae8f-[0-9a-f]\{8\}\.json$')
[ -n "$calt" ] || fail "no alternative file for the second colliding comm: $(ls "$TMP/c.d")"
[ "$(ls "$TMP/c.d" | wc -l)" -eq 2 ] || fail "expected 2 profiles: $(ls "$TMP/c.d")"
contains "$TMP/err" "scmplog: warning: comms 'c\\x92\\xda\\xed' and 'c\\xb1\\x90\\x80' would both be written to '$TMP/c.d/c___-feb1ae8f.json' (file name hash collision): the second is written to '$TMP/c.d/$calt'"
[ "$(grep -c 'would both be written' "$TMP/err")" -eq 1 ] || fail "the collision was not said exactly once"
contains "$TMP/c.d/c___-feb1ae8f.json" '"rt_sigaction"' # syscall 13: the first comm's
contains "$TMP/c.d/$calt" '"rt_sigprocmask"'           # syscall 14: the second's
lacks "$TMP/c.d/c___-feb1ae8f.json" '"rt_sigprocmask"'
# again, in the other order: each keeps its file (the alternative in the directory is taken again)
tac "$TMP/c.log" >"$TMP/c2.log"
expect_rc 0 $S build --split-by comm --out-dir "$TMP/c.d" "$TMP/c2.log"
[ "$(ls "$TMP/c.d" | wc -l)" -eq 2 ] || fail "the second run made other files: $(ls "$TMP/c.d")"
contains "$TMP/c.d/$calt" '"rt_sigprocmask"'
lacks "$TMP/c.d/$calt" '"rt_sigaction"'
contains "$TMP/err" "scmplog: comm 'c\\xb1\\x90\\x80' is written to '$TMP/c.d/$calt', the alternative name an earlier run gave it"
lacks "$TMP/err" "would both be written"

# 10c. names that differ only in case are one file on a case-insensitive file system: two
# exes whose sanitised names (upper case is hashed) differ only in case (found by search)
e1=/AbCdeFgHIJklmnOPqRStuvwxYZabcdEfgHiJKlmn
e2=/ABCDEFGhijkLMnOpQRSTuVWXYzAbCdeFghIJKlmN
{ rec 1.001 8 0 16 x "$e1" 0; rec 1.001 9 0 17 x "$e2" 1; } >"$TMP/case.log"
expect_rc 0 $S build --split-by exe --out-dir "$TMP/case.d" "$TMP/case.log"
[ "$(ls "$TMP/case.d" | wc -l)" -eq 2 ] || fail "expected 2 profiles: $(ls "$TMP/case.d")"
[ "$(ls "$TMP/case.d" | tr '[:upper:]' '[:lower:]' | sort -u | wc -l)" -eq 2 ] || fail "two files differ only in case: $(ls "$TMP/case.d")"
contains "$TMP/err" "scmplog: warning: exes '$e1' and '$e2' would both be written to '$TMP/case.d/_ABCDEFGhijkLMnOpQRSTuVWXYzAbCdeFghIJKlmN-"
contains "$TMP/err" "(file names that differ only in case): the second is written to '$TMP/case.d/_ABCDEFGhijkLMnOpQRSTuVWXYzAbCdeFghIJKlmN-"

# 10d. a symbolic link planted in the output directory is refused, never followed: nothing
# written through it, the link stays, the run fails naming it; an output directory that is
# itself a link is refused too
mkdir "$TMP/pl.d"
echo secret >"$TMP/target"
ln -s ../target "$TMP/pl.d/planted.json"
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="planted" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n' >"$TMP/p.log"
expect_rc 1 $S build --split-by comm --out-dir "$TMP/pl.d" "$TMP/p.log"
contains "$TMP/err" "scmplog: cannot write profile '$TMP/pl.d/planted.json': it is a symbolic link, refusing to replace it"
[ -L "$TMP/pl.d/planted.json" ] || fail "the planted link was replaced"
[ "$(cat "$TMP/target")" = secret ] || fail "the link's target was written"
[ "$(ls -A "$TMP/pl.d")" = planted.json ] || fail "a temporary file was left: $(ls -A "$TMP/pl.d")"
ln -s pl.d "$TMP/pl.link"
expect_rc 1 $S build --split-by comm --out-dir "$TMP/pl.link" "$TMP/p.log"
contains "$TMP/err" "scmplog: cannot open directory '$TMP/pl.link': it is a symbolic link, not followed"
[ "$(ls -A "$TMP/pl.d")" = planted.json ] || fail "written through a linked directory: $(ls -A "$TMP/pl.d")"

# 11. formats and stats
expect_rc 0 $S build -f systemd "$DATA/audit-raw.log"
contains "$TMP/out" "SystemCallFilter="
contains "$TMP/out" "SystemCallArchitectures=x86-64 x86 x32"
expect_rc 0 $S build -f k8s --name web "$DATA/audit-raw.log"
contains "$TMP/out" "kind: SeccompProfile"
expect_rc 0 $S build -o "$TMP/s.json" --stats "$TMP/stats.json" "$DATA/audit-raw.log"
contains "$TMP/stats.json" '"records"'

# 12. incremental: --merge keeps what was there
printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["bpf"],"action":"SCMP_ACT_ALLOW"}]}\n' >"$TMP/base.json"
expect_rc 0 $S build --merge "$TMP/base.json" "$DATA/audit-raw.log"
contains "$TMP/out" '"bpf"'
contains "$TMP/out" '"execve"'

# 13. large files are split across threads: same profile, same counts and
#     the same first-skip line number as one thread (a bad line deep inside)
python3 "$DATA/../bench/gen-audit-log.py" 180000 >"$TMP/big.log"
n=$(wc -l <"$TMP/big.log")
[ "$(stat -c %s "$TMP/big.log")" -gt $((32 * 1024 * 1024)) ] || fail "big.log is too small to be split"
sed -i "$((n - 1000))s/syscall=/syscall=x/" "$TMP/big.log"
expect_rc 0 $S build -j1 -o "$TMP/j1.json" "$TMP/big.log"
cp "$TMP/err" "$TMP/j1.err"
expect_rc 0 $S build -j4 -o "$TMP/j4.json" "$TMP/big.log"
same "$TMP/j1.json" "$TMP/j4.json"
same "$TMP/j1.err" "$TMP/err"
contains "$TMP/err" "skipped 1 malformed SECCOMP record (1 bad syscall); first at $TMP/big.log:$((n - 1000))"

# 14. usage errors
expect_rc 2 $S build --no-such-option
expect_rc 2 $S build --split-by pid --out-dir "$TMP/x"
expect_rc 1 $S build /nonexistent/file
contains "$TMP/err" "scmplog: cannot open '/nonexistent/file': No such file or directory"
exit 0
