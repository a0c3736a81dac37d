# scmplog build: --host selecting one host's records (syslog and node= forms),
# --split-by exe/host with hostile names, --default-action/--errno, --strict
# for a printk loss, and --stats accumulating over --merge runs (and merge
# --stats/--stats-in).
. "$CLI_DIR/lib.sh"
S=$SCMPLOG

# names FILE: the allowed names of an OCI profile, one line, sorted
names() { python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(" ".join(sorted(n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"])))' "$1"; }
# nrec FILE...: the SECCOMP records build reads in FILEs (malformed ones not counted)
nrec() { $S build --allow-empty "$@" 2>&1 >/dev/null | sed -n 's/^scmplog: \([0-9]*\) SECCOMP records read.*/\1/p'; }

# 1. --host: the real captures with their host 'vm' renamed, web-1 in the first
#    half of each file, db-2 in the second (a record of db-2 must not count)
for f in syslog-rfc3339.log syslog-traditional.log audit-node.log; do
	n=$(wc -l <"$DATA/$f")
	half=$((n / 2))
	if [ "$f" = audit-node.log ]; then
		sed "1,${half}s/^node=vm /node=web-1 /; $((half + 1)),\$s/^node=vm /node=db-2 /" "$DATA/$f" >"$TMP/$f"
	else
		sed -E "1,${half}s/^([^ ]+( +[^ ]+){0,2}) vm /\\1 web-1 /; $((half + 1)),\$s/^([^ ]+( +[^ ]+){0,2}) vm /\\1 db-2 /" \
			"$DATA/$f" >"$TMP/$f"
	fi
	! grep -qE '(^| )vm ' "$TMP/$f" || { grep -E '(^| )vm ' "$TMP/$f" | head -3; fail "$f: a host 'vm' is left"; }
	head -n "$half" "$TMP/$f" >"$TMP/$f.web"
	tail -n +"$((half + 1))" "$TMP/$f" >"$TMP/$f.db"
	web=$(nrec "$TMP/$f.web")
	db=$(nrec "$TMP/$f.db")
	[ "$web" -gt 0 ] && [ "$db" -gt 0 ] || fail "$f: both hosts need records ($web, $db)"
	all=$((web + db))
	expect_rc 0 $S build --host web-1 -o "$TMP/web.json" "$TMP/$f"
	contains "$TMP/err" "($web selected)"
	expect_rc 0 $S build -o "$TMP/web-only.json" "$TMP/$f.web"
	same "$TMP/web.json" "$TMP/web-only.json"
	expect_rc 0 $S build --host db-2 -o "$TMP/db.json" "$TMP/$f"
	contains "$TMP/err" "($db selected)"
	expect_rc 0 $S build --host web-1 --host db-2 "$TMP/$f"
	contains "$TMP/err" "($all selected)"
	# a host is matched whole: no prefix, no case folding
	expect_rc 1 $S build --host web "$TMP/$f"
	contains "$TMP/err" "no SECCOMP records with action log found"
	expect_rc 1 $S build --host WEB-1 "$TMP/$f"
	# --host ANDs with the other filters
	expect_rc 0 $S build --host web-1 --comm gen "$TMP/$f"
	grep 'comm="gen"' "$TMP/$f.web" >"$TMP/$f.gen"
	contains "$TMP/err" "($(nrec "$TMP/$f.gen") selected)"
done
# a file without hosts (auditd without node=) has nothing for --host; mixed inputs are selected alike
expect_rc 1 $S build --host web-1 "$DATA/audit-raw.log"
contains "$TMP/err" "no SECCOMP records with action log found"
expect_rc 0 $S build --host web-1 "$DATA/audit-raw.log" "$TMP/syslog-rfc3339.log" "$TMP/audit-node.log"
contains "$TMP/err" "($(nrec "$TMP/syslog-rfc3339.log.web" "$TMP/audit-node.log.web") selected)"
# --split-by host: one profile per host, each the same as --host
mkdir "$TMP/hosts"
expect_rc 0 $S build --split-by host --out-dir "$TMP/hosts" "$TMP/syslog-traditional.log"
[ "$(ls "$TMP/hosts" | wc -l)" -eq 2 ] || { ls -la "$TMP/hosts"; fail "expected 2 host profiles"; }
expect_rc 0 $S build --host db-2 -o "$TMP/db.json" "$TMP/syslog-traditional.log"
same "$TMP/hosts/db-2.json" "$TMP/db.json"

# 2. --split-by exe and host with hostile names: '../', a leading dot, control
#    bytes (hex-encoded by the kernel, raw in a syslog host), very long; every
#    profile stays inside --out-dir, none is hidden, none is a symlink target
rec() { printf 'type=SECCOMP msg=audit(1795706294.%03d:%s): auid=0 uid=0 gid=0 ses=1 pid=9 comm="x" exe=%s sig=0 arch=c000003e syscall=%s compat=0 ip=0x1 code=0x7ffc0000\n' "$1" "$1" "$2" "$3"; }
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F; }
long=/$(printf 'd%.0s' $(seq 1 250))/$(printf 'e%.0s' $(seq 1 3000))
{
	rec 1 '"../../../../tmp/escape"' 0
	rec 2 '"/../../etc/passwd"' 1
	rec 3 '".hidden"' 2
	rec 4 '"..."' 3
	rec 5 "$(hex "$(printf '/tmp/a\001b\033[31mc')")" 4
	rec 6 "$(hex "$(printf '/tmp/new\nline')")" 5
	rec 7 "\"$long\"" 6
	rec 8 "\"${long}x\"" 7
	rec 9 '"/"' 8
	rec 10 '"."' 9
} >"$TMP/exe.log"
# deep enough that a '../' escape would still land inside $TMP, where it is looked for
mkdir -p "$TMP/sub/b/c/d/exe.d"
ln -s b/c/d/exe.d "$TMP/sub/exe.d"
touch "$TMP/stamp"
expect_rc 0 $S build --split-by exe --out-dir "$TMP/sub/b/c/d/exe.d" "$TMP/exe.log"
[ "$(ls -A "$TMP/sub/exe.d/" | wc -l)" -eq 10 ] || { ls -la "$TMP/sub/exe.d/"; fail "expected 10 exe profiles"; }
[ -z "$(find "$TMP" -newer "$TMP/stamp" -type f ! -path "$TMP/sub/b/c/d/exe.d/*" ! -name out ! -name err)" ] ||
	fail "files written outside --out-dir: $(find "$TMP" -newer "$TMP/stamp" -type f ! -path "$TMP/sub/b/c/d/exe.d/*")"
ls -A "$TMP/sub/exe.d" | grep -q '^\.' && fail "a hidden file was created: $(ls -A "$TMP/sub/exe.d")"
LC_ALL=C ls -A "$TMP/sub/exe.d" | grep -q '[^A-Za-z0-9._-]' && fail "a file name with unsafe bytes: $(ls -A "$TMP/sub/exe.d" | od -c | head)"
for f in "$TMP"/sub/exe.d/*; do
	b=${f##*/}
	[ ${#b} -le 205 ] || fail "file name too long (${#b}): $b"
	[ -f "$f" ] && [ ! -L "$f" ] || fail "$b is not a regular file"
	# each profile holds exactly its own record's syscall
	[ "$(names "$f" | wc -w)" -eq 1 ] || fail "$b: $(names "$f")"
done
# the two long names differ only past the cut: still two files
[ "$(ls "$TMP/sub/exe.d" | grep -c '^_ddd')" -eq 2 ] || fail "the long exes collapsed: $(ls "$TMP/sub/exe.d")"
# hosts: syslog host tokens are taken as they are (rsyslog would write #033 for ESC)
L=$(grep -m1 'type=1326' "$DATA/syslog-rfc3339.log")
i=0
for h in '../../etc/x' '.hidden' '..' "$(printf 'a\001b\033c')" "$(printf 'h%.0s' $(seq 1 250))" 'a/b'; do
	i=$((i + 1))
	printf '%s\n' "${L/ vm / $h }" | sed "s/syscall=[0-9]*/syscall=$i/"
done >"$TMP/hosts.log"
mkdir "$TMP/sub/host.d"
touch "$TMP/stamp"
expect_rc 0 $S build --split-by host --out-dir "$TMP/sub/host.d" "$TMP/hosts.log"
[ "$(ls -A "$TMP/sub/host.d" | wc -l)" -eq 6 ] || { ls -la "$TMP/sub/host.d"; fail "expected 6 host profiles"; }
ls -A "$TMP/sub/host.d" | grep -q '^\.' && fail "a hidden file was created"
LC_ALL=C ls -A "$TMP/sub/host.d" | grep -q '[^A-Za-z0-9._-]' && fail "a file name with unsafe bytes"
[ -z "$(find "$TMP" -newer "$TMP/stamp" -type f ! -path "$TMP/sub/host.d/*" ! -name out ! -name err)" ] || fail "a host profile escaped"
[ ! -e "$TMP/etc" ] && [ ! -e "$TMP/sub/etc" ] || fail "../../etc/x was followed"
# the summary escapes the control bytes it names (collision message, see test-build.sh); the
# k8s name of a hostile group is a DNS label
mkdir "$TMP/sub/k8s.d"
expect_rc 0 $S build -f k8s --split-by host --out-dir "$TMP/sub/k8s.d" "$TMP/hosts.log"
grep -h '^  name:' "$TMP"/sub/k8s.d/*.yaml | grep -vqE '^  name: ("?)[a-z0-9]([a-z0-9-]*[a-z0-9])?\1$' && fail "a k8s name is not a DNS label: $(grep -h '^  name:' "$TMP"/sub/k8s.d/*.yaml)"

# 3. --default-action and --errno on build
expect_rc 0 $S build --default-action kill_process "$DATA/audit-raw.log"
contains "$TMP/out" '"defaultAction": "SCMP_ACT_KILL_PROCESS"'
lacks "$TMP/out" 'defaultErrnoRet'
expect_rc 0 $S build --default-action SCMP_ACT_LOG "$DATA/audit-raw.log"
contains "$TMP/out" '"defaultAction": "SCMP_ACT_LOG"'
expect_rc 0 $S build --errno EACCES "$DATA/audit-raw.log"
contains "$TMP/out" '"defaultAction": "SCMP_ACT_ERRNO"'
contains "$TMP/out" '"defaultErrnoRet": 13'
expect_rc 0 $S build --default-action errno --errno 38 "$DATA/audit-raw.log"
contains "$TMP/out" '"defaultErrnoRet": 38'
expect_rc 0 $S build -f systemd --errno ENOSYS "$DATA/audit-raw.log"
contains "$TMP/out" 'SystemCallErrorNumber=ENOSYS'
expect_rc 0 $S build -f systemd --default-action kill_process "$DATA/audit-raw.log"
lacks "$TMP/out" 'SystemCallErrorNumber'
# --merge keeps the base's errno unless --errno says otherwise
printf '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[{"names":["bpf"],"action":"SCMP_ACT_ALLOW"}]}\n' >"$TMP/base38.json"
expect_rc 0 $S build --merge "$TMP/base38.json" "$DATA/audit-raw.log"
contains "$TMP/out" '"defaultErrnoRet": 1'
expect_rc 0 $S build --merge "$TMP/base38.json" --errno 5 "$DATA/audit-raw.log"
contains "$TMP/out" '"defaultErrnoRet": 5'
expect_rc 0 $S build --split-by comm --out-dir "$TMP/act.d" --default-action trap "$DATA/audit-raw.log"
for f in "$TMP"/act.d/*.json; do contains "$f" '"defaultAction": "SCMP_ACT_TRAP"'; done
# usage errors, nothing written
for bad in "--default-action nonsense" "--default-action notify" "--errno 0" "--errno 4096" "--errno EFOO" \
	"--default-action kill_process --errno EPERM"; do
	expect_rc 2 $S build -o "$TMP/never.json" $bad "$DATA/audit-raw.log"
	[ ! -e "$TMP/never.json" ] || fail "$bad: a profile was written"
done

# 4. --strict: a printk loss is fatal, at its line, and nothing is written
expect_rc 0 $S build -o "$TMP/dmesg.json" "$DATA/dmesg.log"
contains "$TMP/err" "the kernel dropped"
first=$(grep -n 'callbacks suppressed' "$DATA/dmesg.log" | head -n 1)
expect_rc 1 $S build --strict -o "$TMP/strict.json" "$DATA/dmesg.log"
contains "$TMP/err" "$DATA/dmesg.log:${first%%:*}: the kernel dropped $(sed -E 's/.*kauditd_printk_skb: ([0-9]+) callbacks.*/\1/' <<<"${first#*:}") audit records"
contains "$TMP/err" "fatal with --strict"
[ ! -e "$TMP/strict.json" ] || fail "--strict wrote a profile despite the loss"
# the same from /dev/kmsg and syslog framings, and from stdin
grep -m1 'callbacks suppressed' "$DATA/kmsg.log" >"$TMP/loss.log"
grep -m3 'type=1326' "$DATA/kmsg.log" >>"$TMP/loss.log"
expect_rc 0 $S build "$TMP/loss.log"
expect_rc 1 $S build --strict - <"$TMP/loss.log"
contains "$TMP/err" "<stdin>:1: the kernel dropped"
contains "$TMP/err" "fatal with --strict"
[ ! -s "$TMP/out" ] || fail "--strict printed a profile"
# explain --strict stops on it too (the denials it lists could be missing)
expect_rc 1 $S explain --strict "$TMP/loss.log"
contains "$TMP/err" "fatal with --strict"

# 5. --stats over incremental runs: records and runs add up
for i in 1 2 3; do
	if [ $i -eq 1 ]; then
		expect_rc 0 $S build -o "$TMP/p.json" --stats "$TMP/p.stats" "$DATA/audit-raw.log"
	else
		expect_rc 0 $S build --merge "$TMP/p.json" -o "$TMP/p.json" --stats "$TMP/p.stats" "$DATA/audit-raw.log"
	fi
done
expect_rc 0 $S build -o "$TMP/once.json" --stats "$TMP/once.stats" "$DATA/audit-raw.log"
same "$TMP/p.json" "$TMP/once.json"
# every count three times the single run's
python3 - "$TMP/once.stats" "$TMP/p.stats" <<'EOF' || fail "stats did not add up over three runs"
import json, sys
one = json.load(open(sys.argv[1]))["syscalls"]
three = json.load(open(sys.argv[2]))["syscalls"]
assert one.keys() == three.keys(), (one.keys(), three.keys())
for n, c in one.items():
    assert c["runs"] == 1, (n, c)
    assert three[n] == {"records": 3 * c["records"], "runs": 3}, (n, c, three[n])
EOF
# a fourth run on other records: what it saw gets a run more, the rest keeps its counts
printf 'type=SECCOMP msg=audit(1.001:2): auid=0 uid=0 gid=0 ses=1 pid=9 comm="a" exe="/a" sig=0 arch=c000003e syscall=321 compat=0 ip=0x1 code=0x7ffc0000\ntype=SECCOMP msg=audit(1.001:3): auid=0 uid=0 gid=0 ses=1 pid=9 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n' >"$TMP/more.log"
expect_rc 0 $S build --merge "$TMP/p.json" -o "$TMP/p.json" --stats "$TMP/p.stats" "$TMP/more.log"
contains "$TMP/p.stats" '"bpf": { "records": 1, "runs": 1 }'
contains "$TMP/p.stats" "\"read\": { \"records\": $((3 * $(grep -o '"read": { "records": [0-9]*' "$TMP/once.stats" | grep -o '[0-9]*$') + 1)), \"runs\": 4 }"
grep -q '"execve": { "records": [0-9]*, "runs": 3 }' "$TMP/p.stats" || fail "execve: $(grep execve "$TMP/p.stats")"
# without --merge, --stats starts again
expect_rc 0 $S build -o "$TMP/fresh.json" --stats "$TMP/p.stats" "$TMP/more.log"
contains "$TMP/p.stats" '"read": { "records": 1, "runs": 1 }'
# a missing stats file starts the counting: the --merge profile counts as one run
rm -f "$TMP/new.stats"
expect_rc 0 $S build --merge "$TMP/once.json" -o "$TMP/n.json" --stats "$TMP/new.stats" "$TMP/more.log"
contains "$TMP/new.stats" '"bpf": { "records": 1, "runs": 1 }'
contains "$TMP/new.stats" "\"read\": { \"records\": 1, \"runs\": 2 }"
grep -q '"execve": { "records": 0, "runs": 1 }' "$TMP/new.stats" || fail "execve: $(grep execve "$TMP/new.stats")"
# reformatted (jq-style) stats read the same; names the profile lacks are dropped
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["syscalls"]["gone_syscall"]={"runs":9,"records":9}; json.dump(d, open(sys.argv[2],"w"), indent=4, sort_keys=True)' "$TMP/once.stats" "$TMP/re.stats"
cp "$TMP/re.stats" "$TMP/re0.stats"
expect_rc 0 $S build --merge "$TMP/once.json" -o "$TMP/r.json" --stats "$TMP/re.stats" "$DATA/audit-raw.log"
lacks "$TMP/re.stats" gone_syscall
grep -q '"execve": { "records": [0-9]*, "runs": 2 }' "$TMP/re.stats" || fail "reformatted stats: $(grep execve "$TMP/re.stats")"
# a file that is not scmplog statistics: exit 1, named, nothing written (profile nor stats)
i=0
for bad in '' '{}' '[]' '{"syscalls": []}' '{"syscalls": {"read": {"records": 1}}}' \
	'{"syscalls": {"read": {"records": -1, "runs": 1}}}' '{"syscalls": {"read": {"records": 1.5, "runs": 1}}}' \
	'{"syscalls": {"read": {"records": 18446744073709551616, "runs": 1}}}' \
	'{"syscalls": {"Read": {"records": 1, "runs": 1}}}' '{"syscalls": {"read": {"records": 1, "runs": 1, "x": 2}}}' \
	'{"syscalls": {"read": {"records": 1, "runs": 1}, "read": {"records": 1, "runs": 1}}}' \
	'{"syscalls": {}} trailing' '{"syscalls": {}, "other": 1}' '{"syscalls": {"re\u0061d": {"records": 1, "runs": 1}}}' \
	'{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}'; do
	i=$((i + 1))
	printf '%s\n' "$bad" >"$TMP/bad.stats"
	cp "$TMP/once.json" "$TMP/keep.json"
	expect_rc 1 $S build --merge "$TMP/keep.json" -o "$TMP/keep.json" --stats "$TMP/bad.stats" "$DATA/audit-raw.log"
	contains "$TMP/err" "scmplog: cannot read statistics '$TMP/bad.stats' (read back for --merge): line "
	same "$TMP/keep.json" "$TMP/once.json"
	[ "$(cat "$TMP/bad.stats")" = "$bad" ] || fail "case $i: the bad stats file was replaced"
done
printf '{\n  "syscalls": {\n    "read": { "records": 1, "runs": x }\n  }\n}\n' >"$TMP/bad.stats"
expect_rc 1 $S build --merge "$TMP/once.json" --stats "$TMP/bad.stats" "$DATA/audit-raw.log"
contains "$TMP/err" "line 3: expected a count"
# a stats file that cannot be read at all
mkdir "$TMP/dir.stats"
expect_rc 1 $S build --merge "$TMP/once.json" --stats "$TMP/dir.stats" "$DATA/audit-raw.log"
contains "$TMP/err" "cannot read statistics '$TMP/dir.stats' (read back for --merge): Is a directory"

# 6. merge --stats: the sums over the inputs, from their --stats-in files
expect_rc 0 $S build -o "$TMP/a.json" --stats "$TMP/a.stats" "$DATA/audit-raw.log"
expect_rc 0 $S build -o "$TMP/b.json" --stats "$TMP/b.stats" "$TMP/more.log"
expect_rc 0 $S merge "$TMP/a.json" "$TMP/b.json" --stats-in "$TMP/a.stats" --stats-in "$TMP/b.stats" -o "$TMP/m.json" --stats "$TMP/m.stats"
cp "$TMP/a.stats" "$TMP/a2.stats"
expect_rc 0 $S build --merge "$TMP/a.json" --stats "$TMP/a2.stats" -o "$TMP/m2.json" "$TMP/more.log"
same "$TMP/m.json" "$TMP/m2.json"
same "$TMP/m.stats" "$TMP/a2.stats"
contains "$TMP/m.stats" '"bpf": { "records": 1, "runs": 1 }'
# without --stats-in each profile is one run with no records
expect_rc 0 $S merge "$TMP/a.json" "$TMP/b.json" "$TMP/b.json" --stats "$TMP/m3.stats"
contains "$TMP/m3.stats" '"read": { "records": 0, "runs": 3 }'
contains "$TMP/m3.stats" '"bpf": { "records": 0, "runs": 2 }'
expect_rc 0 $S merge "$TMP/a.json" --stats -
contains "$TMP/out" '"syscalls": {'
# --stats-in once per profile, or not at all
expect_rc 2 $S merge "$TMP/a.json" "$TMP/b.json" --stats-in "$TMP/a.stats" -o "$TMP/never.json"
contains "$TMP/err" "--stats-in given 1 time for 2 profiles"
[ ! -e "$TMP/never.json" ] || fail "merge wrote a profile after a usage error"
expect_rc 1 $S merge "$TMP/a.json" --stats-in "$TMP/bad.stats" -o "$TMP/never.json"
contains "$TMP/err" "cannot read statistics '$TMP/bad.stats': line 3"
[ ! -e "$TMP/never.json" ] || fail "merge wrote a profile after a bad --stats-in"
expect_rc 1 $S merge "$TMP/a.json" --stats-in "$TMP/nonexistent.stats"
contains "$TMP/err" "cannot read statistics '$TMP/nonexistent.stats': No such file or directory"
exit 0
