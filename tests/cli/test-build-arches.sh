# scmplog build: syscall numbers map with each architecture's own table
# (tests/data/arch-names.log: arm, ppc64le, s390x, riscv64, mips o32/n64/n32,
# x32-only), the architectures list with its sub-architectures, --arch and
# its warning, --strict for an unknown architecture.
. "$CLI_DIR/lib.sh"
S=$SCMPLOG
F=$DATA/arch-names.log

# field FILE: "ARCHITECTURES | NAMES" of an OCI profile
field() {
	python3 -c 'import json,sys
p = json.load(open(sys.argv[1]))
names = sorted(n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"])
print(" ".join(p["architectures"]) + " | " + " ".join(names))' "$1"
}

# 1. golden: per exe (one architecture each), the architectures and names.
#    The names are the kernel's tables (hard-coded here, reviewed by hand);
#    section 2 checks them against libseccomp's own resolver when installed.
while read -r exe want; do
	expect_rc 0 $S build --exe "/arch/$exe" -o "$TMP/$exe.json" "$F"
	got=$(field "$TMP/$exe.json")
	[ "$got" = "$want" ] || fail "$exe: got [$got], want [$want]"
	lacks "$TMP/err" "unknown"
done <<'EOF'
arm SCMP_ARCH_ARM | cacheflush execve mmap2 open set_tls socket write
arm-compat SCMP_ARCH_AARCH64 SCMP_ARCH_ARM | execve set_tls
ppc64le SCMP_ARCH_PPC64LE | execve execveat exit_group mmap openat read switch_endian
s390x SCMP_ARCH_S390X SCMP_ARCH_S390 | execve exit_group mmap openat read s390_sthyi
riscv64 SCMP_ARCH_RISCV64 | execve exit_group mmap openat read riscv_flush_icache
mips SCMP_ARCH_MIPS | cacheflush execve exit_group mmap openat read sysmips
mipsel SCMP_ARCH_MIPSEL | cacheflush execve
mips64 SCMP_ARCH_MIPS64 SCMP_ARCH_MIPS SCMP_ARCH_MIPS64N32 | execve exit_group mmap openat read
mips64n32 SCMP_ARCH_MIPS64 SCMP_ARCH_MIPS SCMP_ARCH_MIPS64N32 | execve exit exit_group mmap openat read
x32 SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32 | arch_prctl execve read rt_sigaction write
EOF

# 2. every record's number against libseccomp's table (package seccomp)
if command -v scmp_sys_resolver >/dev/null; then
	grep -oE 'exe="/arch/[^"]*" sig=0 arch=[0-9a-f]+ syscall=[0-9]+' "$F" | sort -u |
		sed -E 's|exe="/arch/([^"]*)" sig=0 arch=([0-9a-f]+) syscall=([0-9]+)|\1 \2 \3|' >"$TMP/nrs"
	[ "$(wc -l <"$TMP/nrs")" -ge 50 ] || fail "too few records in $F"
	while read -r exe arch nr; do
		case $arch in
		40000028) a=arm ;; c0000015) a=ppc64le ;; 80000016) a=s390x ;; c00000f3) a=riscv64 ;;
		8) a=mips ;; 40000008) a=mipsel ;; 80000008) a=mips64 ;; a0000008) a=mips64n32 ;;
		c000003e) a=x32 ;; # only x32 numbers under x86_64 in this file
		*) fail "arch $arch: not in the test's table" ;;
		esac
		name=$(scmp_sys_resolver -a "$a" "$nr")
		case " $(field "$TMP/$exe.json" | cut -d'|' -f2) " in
		*" $name "*) ;;
		*) fail "$exe: libseccomp names $a $nr '$name', the profile has [$(field "$TMP/$exe.json")]" ;;
		esac
		echo "$exe $name" >>"$TMP/resolved"
	done <"$TMP/nrs"
	# and nothing else: as many names as distinct resolved names
	for exe in $(cut -d' ' -f1 "$TMP/nrs" | sort -u); do
		n=$(grep -c "^$exe " "$TMP/resolved" | tr -d ' ')
		m=$(field "$TMP/$exe.json" | cut -d'|' -f2 | wc -w)
		[ "$n" -eq "$m" ] || fail "$exe: $n records, $m names"
	done
else
	echo "note: scmp_sys_resolver (package seccomp) not installed: names checked against the hard-coded tables only"
fi

# 3. the whole file: one seccomp filter holds architectures of one byte order
#    (libseccomp refuses the other with EDOM, and runc with it), so the profile
#    is this machine's byte order's, each architecture with its
#    sub-architectures; the big-endian records are left out, counted per
#    architecture, with the two ways to their profile
expect_rc 0 $S build -o "$TMP/all.json" "$F"
want="SCMP_ARCH_AARCH64 SCMP_ARCH_ARM SCMP_ARCH_MIPSEL SCMP_ARCH_PPC64LE SCMP_ARCH_RISCV64 SCMP_ARCH_X86_64 SCMP_ARCH_X86 SCMP_ARCH_X32"
got=$(field "$TMP/all.json" | cut -d'|' -f1 | sed 's/ *$//')
[ "$got" = "$want" ] || fail "architectures: got [$got], want [$want]"
contains "$TMP/err" "scmplog: warning: left out 7 records of mips, 5 records of mips64, 6 records of mips64n32, 6 records of s390x: a seccomp filter holds one byte order, and this profile is for x86_64 (little-endian, as this machine); for theirs: --arch mips64, or --split-by arch"
contains "$TMP/err" "$(grep -cE 'type=1326|type=SECCOMP' "$F") SECCOMP records read"
lacks "$TMP/err" "unknown"
# riscv64 beside others: libseccomp takes it, runc 1.1.5 does not know the name (test-docker-flow.sh)
contains "$TMP/err" "scmplog: warning: the profile lists riscv64 beside other architectures: runc 1.1.5 (Debian 12's, also under its Docker) refuses it"
# the names of the left-out records are left out too: sysmips is mips-only, s390_sthyi s390x-only
case " $(field "$TMP/all.json" | cut -d'|' -f2) " in *" sysmips "* | *" s390_sthyi "*) fail "big-endian names in $(field "$TMP/all.json")" ;; esac
# --arch picks the byte order: the big-endian records, the little-endian ones left out
expect_rc 0 $S build --arch s390x -o "$TMP/be.json" "$F"
[ "$(field "$TMP/be.json" | cut -d'|' -f1)" = "SCMP_ARCH_S390X SCMP_ARCH_S390 " ] || fail "--arch s390x: $(field "$TMP/be.json")"
case " $(field "$TMP/be.json" | cut -d'|' -f2) " in *" s390_sthyi "*) ;; *) fail "--arch s390x: no s390_sthyi" ;; esac
case " $(field "$TMP/be.json" | cut -d'|' -f2) " in *" arch_prctl "* | *" riscv_flush_icache "*) fail "--arch s390x: little-endian names" ;; esac
contains "$TMP/err" "left out 9 records of arm, 2 records of mipsel, 7 records of ppc64le, 6 records of riscv64, 5 records of x86_64: a seccomp filter holds one byte order, and this profile is for s390x (big-endian, as --arch); for theirs: --arch"
# --arch of both byte orders is refused: no filter could hold them
expect_rc 2 $S build --arch x86_64 --arch s390x "$F"
contains "$TMP/err" "scmplog: --arch x86_64 and --arch s390x: a seccomp filter holds architectures of one byte order; build one profile per byte order"
# records of one foreign byte order alone: that one, nothing left out
expect_rc 0 $S build --exe /arch/s390x --exe /arch/mips64 "$F"
contains "$TMP/out" '"SCMP_ARCH_S390X"'
contains "$TMP/out" '"SCMP_ARCH_MIPS64"'
lacks "$TMP/err" "left out"
# --split-by arch: one profile per machine architecture (compat and x32 records
# are their 64-bit machine's), each of one byte order, nothing left out
mkdir "$TMP/byarch"
expect_rc 0 $S build --split-by arch --out-dir "$TMP/byarch" "$F"
lacks "$TMP/err" "left out"
lacks "$TMP/err" "riscv64 beside"
[ "$(cd "$TMP/byarch" && echo *)" = "aarch64.json arm.json mips.json mips64.json mipsel.json ppc64le.json riscv64.json s390x.json x86_64.json" ] ||
	fail "--split-by arch wrote: $(cd "$TMP/byarch" && echo *)"
contains "$TMP/err" "9 profiles written to"
[ "$(field "$TMP/byarch/s390x.json")" = "$(field "$TMP/s390x.json")" ] || fail "--split-by arch s390x differs from --exe /arch/s390x"
[ "$(field "$TMP/byarch/x86_64.json")" = "$(field "$TMP/x32.json")" ] || fail "--split-by arch x86_64: $(field "$TMP/byarch/x86_64.json")"
# the systemd form has no such limit (one filter per architecture)
expect_rc 0 $S build -f systemd "$F"
contains "$TMP/out" "SystemCallArchitectures=arm64 arm mips64 mips mips64-n32 mips-le ppc64-le riscv64 s390x s390 x86-64 x86 x32"
# --split-by exe gives the same profiles as --exe
mkdir "$TMP/split"
expect_rc 0 $S build --split-by exe --out-dir "$TMP/split" "$F"
[ "$(ls "$TMP/split" | wc -l)" -eq 10 ] || { ls "$TMP/split"; fail "expected 10 profiles"; }
for f in "$TMP"/split/*.json; do
	b=${f##*/}
	e=${b#_arch_}
	e=${e%.json}
	e=${e%-*}
	same "$f" "$TMP/$e.json"
done

# 4. --arch: the architectures as given, with sub-architectures; the names of the records
expect_rc 0 $S build --arch x86_64 -o "$TMP/x.json" "$DATA/audit-raw.log"
lacks "$TMP/err" "--arch"
expect_rc 0 $S build -o "$TMP/plain.json" "$DATA/audit-raw.log"
same "$TMP/x.json" "$TMP/plain.json"
# audit-raw.log has x86 (compat) and x32 records: --arch x86 or x32 alone is seen, no warning
for a in x86 i386 x32; do
	expect_rc 0 $S build --arch $a "$DATA/audit-raw.log"
	lacks "$TMP/err" "--arch"
done
# aarch64 on x86_64 records: listed as asked (with arm), x86-only names kept, and a warning
expect_rc 0 $S build --arch aarch64 -o "$TMP/a64.json" "$DATA/audit-raw.log"
got=$(field "$TMP/a64.json")
[ "${got%% |*}" = "SCMP_ARCH_AARCH64 SCMP_ARCH_ARM" ] || fail "--arch aarch64: $got"
[ "${got#*| }" = "$(field "$TMP/plain.json" | cut -d'|' -f2 | sed 's/^ //')" ] || fail "--arch changed the names: $got"
case " ${got#*| } " in *" arch_prctl "*) ;; *) fail "arch_prctl dropped: $got" ;; esac
contains "$TMP/err" "scmplog: warning: --arch aarch64: no record came from aarch64 or its sub-architectures, only from x32, x86, x86_64"
# one warning per unseen --arch; aliases are named by their canonical name
expect_rc 0 $S build --arch x86_64 --arch riscv64 --arch arm64 "$DATA/audit-raw.log"
[ "$(grep -c -- '--arch' "$TMP/err")" -eq 2 ] || { cat "$TMP/err"; fail "expected two --arch warnings"; }
contains "$TMP/err" "warning: --arch riscv64: no record came from riscv64, only from"
contains "$TMP/err" "warning: --arch aarch64: no record came from aarch64 or its"
contains "$TMP/out" '"SCMP_ARCH_RISCV64"'
# arm records (compat or not) count for aarch64, s390 is s390x's
expect_rc 0 $S build --arch aarch64 --exe /arch/arm --exe /arch/arm-compat "$F"
lacks "$TMP/err" "--arch"
expect_rc 0 $S build --arch ppc64 --exe /arch/s390x "$F"
contains "$TMP/err" "--arch ppc64: no record came from ppc64 or its sub-architectures, only from s390x"
# of the other byte order than --arch's, they are left out: nothing is left
expect_rc 1 $S build --arch ppc64le --exe /arch/s390x "$F"
contains "$TMP/err" "left out 6 records of s390x: a seccomp filter holds one byte order, and this profile is for ppc64le (little-endian, as --arch); for theirs: --arch s390x, or --split-by arch"
contains "$TMP/err" "no SECCOMP records with action log found"
# the --merge profile's architectures count as seen
printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_AARCH64"],"syscalls":[{"names":["openat"],"action":"SCMP_ACT_ALLOW"}]}\n' >"$TMP/a64-base.json"
expect_rc 0 $S build --merge "$TMP/a64-base.json" --arch aarch64 "$DATA/audit-raw.log"
lacks "$TMP/err" "--arch"
# -q keeps warnings; --split-by warns once, not per group
expect_rc 0 $S build -q --arch aarch64 "$DATA/audit-raw.log"
contains "$TMP/err" "--arch aarch64: no record"
expect_rc 0 $S build --arch ppc64 --split-by exe --out-dir "$TMP/ppc64.d" "$F"
[ "$(grep -c -- '--arch ppc64:' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "expected one warning"; }
contains "$TMP/err" "--arch ppc64: no record came from ppc64 or its sub-architectures, only from arm, mips, mips64, mips64n32, mipsel, ppc64le, riscv64, s390x, x32"
# the big-endian groups only: the little-endian ones' records are left out, each group said
[ "$(ls "$TMP/ppc64.d" | wc -l)" -eq 4 ] || fail "expected 4 profiles"
contains "$TMP/err" "warning: '/arch/x32': left out 5 records of x86_64: a seccomp filter holds one byte order, and this profile is for ppc64 (big-endian, as --arch); for theirs: --arch x86_64, or --split-by arch"
for p in "$TMP"/ppc64.d/*.json; do
	[ "$(field "$p" | cut -d'|' -f1)" = "SCMP_ARCH_PPC64 SCMP_ARCH_PPC " ] || fail "$p: $(field "$p")"
done
# an empty profile for an arch is not a mistake
printf 'hello\n' >"$TMP/none.log"
expect_rc 0 $S build --allow-empty --arch riscv64 "$TMP/none.log"
lacks "$TMP/err" "--arch"
expect_rc 2 $S build --arch vax "$F"
contains "$TMP/err" "unknown architecture 'vax'"

# 5. an unknown architecture: reported with its count; --strict makes it fatal, nothing written
{
	cat "$F"
	sed -n 's/arch=c0000015/arch=deadbeef/p' "$F"
} >"$TMP/unk.log"
expect_rc 0 $S build -o "$TMP/unk.json" "$TMP/unk.log"
contains "$TMP/err" "scmplog: warning: unknown architecture arch=deadbeef (7 records), not in the profile"
same "$TMP/unk.json" "$TMP/all.json"
expect_rc 1 $S build --strict -o "$TMP/strict.json" "$TMP/unk.log"
contains "$TMP/err" "scmplog: unknown architecture arch=deadbeef (7 records), fatal with --strict"
[ ! -e "$TMP/strict.json" ] || fail "--strict wrote a profile"
mkdir "$TMP/strict.d"
expect_rc 1 $S build --strict --split-by exe --out-dir "$TMP/strict.d" "$TMP/unk.log"
contains "$TMP/err" "fatal with --strict"
[ -z "$(ls -A "$TMP/strict.d")" ] || fail "--strict --split-by wrote $(ls "$TMP/strict.d")"
# an unknown number on a known arch, likewise
sed -n '0,/syscall=363/s/syscall=363 /syscall=4095 /p' "$F" | grep 'syscall=4095' >"$TMP/nr.log"
expect_rc 1 $S build --strict -o "$TMP/strict.json" "$TMP/nr.log"
contains "$TMP/err" "scmplog: unknown syscall 4095 on ppc64le (1 record), fatal with --strict"
[ ! -e "$TMP/strict.json" ] || fail "--strict wrote a profile"
# a denial of an unknown arch is left out before mapping: not fatal
sed -n '1,/arch=c0000015/{/arch=c0000015/{s/arch=c0000015/arch=deadbeef/;s/code=0x7ffc0000/code=0x50000/;p}}' "$F" >"$TMP/deny.log"
grep -m1 'exe="/arch/mips"' "$F" >>"$TMP/deny.log"
expect_rc 0 $S build --strict "$TMP/deny.log"
contains "$TMP/err" "left out 1 denial record"
exit 0
