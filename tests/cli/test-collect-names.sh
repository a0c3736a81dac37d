#!/usr/bin/env bash
# scmplog collect: hostile names from records become file names only through the
# sanitiser, stay inside --out-dir, and never share a file: two hostnames whose
# sanitised names collide, or differ only in case, get files of their own (the
# second with a stable alternative name, said once); a symbolic link planted in
# --out-dir is refused, never followed.  --split-by host with --follow-file: no root.
. "$CLI_DIR/lib.sh"
unset STATE_DIRECTORY NOTIFY_SOCKET
cd "$TMP" || exit 1
command -v perl >/dev/null || { echo "perl is needed to write raw bytes"; exit 77; }

# rec HOST NR SERIAL: a SECCOMP record of HOST for syscall NR (x86_64), HOST as raw bytes
rec() {
	printf '2026-11-26T16:29:34.411971+00:00 HOST kernel: [ 4356.731816] audit: type=1326 audit(1795710574.404:%s): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29162 comm="gen" exe="/tmp/gen" sig=0 arch=c000003e syscall=%s compat=0 ip=0x7f23e5a01ad7 code=0x7ffc0000\n' "$3" "$2" |
		H="$1" perl -pe 's/HOST/$ENV{H}/'
}
# collect_once NAME ARGS...: read the log from its start; SIGTERM once it handles it
# (its last round reads the file to its end)
collect_once() {
	local name=$1 pid rc; shift
	"$SCMPLOG" collect --split-by host --interval 1 "$@" >"$name.out" 2>"$name.err" &
	pid=$!
	collect_ready "$pid" "$name.err" 30
	kill -TERM "$pid" 2>/dev/null || { cat "$name.err"; fail "collect exited early"; }
	wait "$pid"
	rc=$?
	return $rc
}
# syscalls FILE: the names in an OCI profile, one a line
syscalls() { sed -n 's/^        "\([a-z0-9_]*\)",\{0,1\}$/\1/p' "$1" | sort; }

long255=$(printf 'h%.0s' $(seq 255))
long300=$(printf 'h%.0s' $(seq 300))
# two hostnames whose sanitised names share the 32-bit hash (both "c___-feb1ae8f", see test-build.sh)
c1=$'c\x92\xda\xed'
c2=$'c\xb1\x90\x80'
# one syscall a host: a host's file holds only its own
hosts=('../x' 'a/b' '.hidden' '..' '.' 'Node1' 'node1' "$long255" $'tab\there' "$c1" "$c2" 'plain')
nrs=(0 1 2 3 4 5 6 7 8 9 10 11)
names=(read write open close stat fstat lstat poll lseek mmap mprotect munmap)
: >app.log
for i in "${!hosts[@]}"; do rec "${hosts[$i]}" "${nrs[$i]}" $((i + 1)) >>app.log; done
rec "$long300" 12 100 >>app.log # over SCL_MAX_HOST: not a record of any host
printf '2026-11-26T16:29:34.411971+00:00 a\0b kernel: [ 4356.731816] audit: type=1326 audit(1795710574.404:101): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29162 comm="gen" exe="/tmp/gen" sig=0 arch=c000003e syscall=13 compat=0 ip=0x7f23e5a01ad7 code=0x7ffc0000\n' >>app.log
[ "$(wc -l <app.log)" -eq 14 ] || fail "fixture: expected 14 lines"
touch stamp
sleep 0.1
collect_once run1 --follow-file app.log --from-start --out-dir prof || { cat run1.err; fail "collect failed"; }

# every file is inside prof/, none hidden, one a host (12 + the NUL one)
[ -z "$(find . -newer stamp -type f ! -path './prof/*' ! -name 'run1.*')" ] ||
	fail "a file escaped the output directory: $(find . -newer stamp -type f ! -path './prof/*')"
ls -A prof | grep -q '^\.' && fail "a hidden file was created: $(ls -A prof)"
[ "$(ls prof | wc -l)" -eq 13 ] || { ls -l prof; fail "expected 13 profiles, one a host"; }
ls prof | grep -vqE '^[A-Za-z0-9_][A-Za-z0-9._-]*\.json$' && fail "unsafe file names: $(ls prof)"
for f in prof/*.json; do
	b=${f#prof/}
	[ ${#b} -le $((200 + 5)) ] || fail "file name over SCL_MAX_FILE_NAME: $b"
	[ "$(syscalls "$f" | wc -l)" -eq 1 ] || { cat "$f"; fail "$f holds the syscalls of more than one host"; }
done
# all syscalls are there, each in one file: nothing was shared or lost
cat prof/*.json | sed -n 's/^        "\([a-z0-9_]*\)",\{0,1\}$/\1/p' | sort >got
printf '%s\n' "${names[@]}" rt_sigaction | sort >want
same got want
[ "$(syscalls prof/node1.json)" = lstat ] || fail "node1.json: $(syscalls prof/node1.json)"
ls prof | grep -q '^Node1-[0-9a-f]\{8\}\.json$' || fail "'Node1' has no file of its own: $(ls prof)"
[ "$(syscalls prof/plain.json)" = munmap ] || fail "plain.json"
# the collision: the first keeps the name, the second gets an alternative, said once
[ "$(syscalls prof/c___-feb1ae8f.json)" = mmap ] || fail "c___-feb1ae8f.json: $(syscalls prof/c___-feb1ae8f.json)"
alt=$(ls prof | grep '^c___-feb1ae8f-[0-9a-f]\{8\}\.json$')
[ -n "$alt" ] || fail "no alternative file for the second colliding host: $(ls prof)"
[ "$(syscalls "prof/$alt")" = mprotect ] || fail "$alt"
contains run1.err "scmplog: warning: hosts 'c\\x92\\xda\\xed' and 'c\\xb1\\x90\\x80' would both be written to 'prof/c___-feb1ae8f.json' (file name hash collision): the second is written to 'prof/$alt'"
[ "$(grep -c 'would both be written' run1.err)" -eq 1 ] || fail "the collision was not said exactly once"
contains run1.err "attributed to 13 hosts, 0 without a hostname, 0 past SCL_MAX_GROUPS"
contains run1.err "1 SECCOMP record could not be parsed"
# build makes the same name of each host, the collision's alternative included (one namer: scl_outdir)
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir bout app.log
ls bout >bnames
ls prof >cnames
same bnames cnames
contains "$TMP/err" "scmplog: warning: hosts 'c\\x92\\xda\\xed' and 'c\\xb1\\x90\\x80' would both be written to 'bout/c___-feb1ae8f.json' (file name hash collision): the second is written to 'bout/$alt'"

# The alternative depends on the host only, and one in the directory is taken again: a
# restart that sees the two hosts in the other order resumes each from its own file.
rec "$c2" 14 200 >more.log
rec "$c1" 16 201 >>more.log
collect_once run2 --follow-file more.log --from-start --out-dir prof || { cat run2.err; fail "collect failed"; }
[ "$(syscalls "prof/$alt" | tr '\n' ' ')" = "mprotect rt_sigprocmask " ] || fail "$alt: $(syscalls "prof/$alt")"
[ "$(syscalls prof/c___-feb1ae8f.json | tr '\n' ' ')" = "ioctl mmap " ] || fail "c___-feb1ae8f.json: $(syscalls prof/c___-feb1ae8f.json)"
contains run2.err "scmplog: host 'c\\xb1\\x90\\x80' is written to 'prof/$alt', the alternative name an earlier run gave it"
lacks run2.err "would both be written"

# A symbolic link planted in the output directory is refused, not followed.
mkdir pl
echo secret >target
ln -s ../target pl/planted.json
rec planted 0 300 >pl.log
rec other 1 301 >>pl.log
collect_once run3 --follow-file pl.log --from-start --out-dir pl
rc=$?
[ $rc -eq 1 ] || { cat run3.err; fail "collect exited $rc with a planted link, expected 1"; }
contains run3.err "cannot read profile 'pl/planted.json': a symbolic link, not followed; it will not be overwritten"
[ -L pl/planted.json ] || fail "the planted link was replaced"
[ "$(cat target)" = secret ] || fail "the link's target was written"
[ -f pl/other.json ] || fail "the other host's profile was not written"
# with --format k8s the YAML is written through scl_write_atomic: a link there is refused too
mkdir pk
ln -s ../target pk/planted.yaml
collect_once run4 --follow-file pl.log --from-start --out-dir pk --format k8s
rc=$?
[ $rc -eq 1 ] || { cat run4.err; fail "collect -f k8s exited $rc with a planted link, expected 1"; }
contains run4.err "scmplog: cannot write profile 'pk/planted.yaml': it is a symbolic link, refusing to replace it"
[ -L pk/planted.yaml ] || fail "the planted YAML link was replaced"
[ "$(cat target)" = secret ] || fail "the YAML link's target was written"
# every profile the collector wrote loads as runc and Docker load it
check_tree_loads "$TMP"
exit 0
