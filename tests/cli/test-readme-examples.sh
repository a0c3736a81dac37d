#!/usr/bin/env bash
# Every offline scmplog example of README.md and of the man pages runs as
# written.  The examples are taken from the documents mechanically
# (doc-examples.py), so a new one is tested as soon as it is written.  Each
# runs with bash in a fresh directory holding the files the examples name
# (ls.json, profiles/app.json, ...), with the absolute paths of logs and
# profiles moved under a fake root (/var/log/audit/audit.log* reads
# ROOT/var/log/audit/audit.log and .1), and sudo, dmesg and journalctl
# replaced by stand-ins that print captured records.  It must exit 0, print
# no usage or open error, and write the files it names with -o or >.
# Examples that need root and the kernel, a container or a live source are
# listed below by their text and not run; an example that is neither listed
# nor runnable offline fails the test, and so does a listed one that is gone.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
S=$SCMPLOG

# Not offline: KEY (the command as written, trailing comment dropped) <TAB> why
LIVE="\
scmplog run -- ls -l /usr	run: root, the kernel's audit stream
sudo scmplog run -o ls.json -- ls /	run: root, the kernel's audit stream
sudo scmplog run --allow-known old.json -o ls.json -- ls -l /	run: root, the kernel's audit stream
sudo scmplog run --merge profiles/app.json -o new.json -- ./run-tests	run: root, the kernel's audit stream
sudo scmplog run --allow-known app.json -o app.json -- ./app --selftest	run: root, the kernel's audit stream
scmplog run --merge profiles/app.json	run: root, the kernel's audit stream (a fragment in the text)
scmplog run -- dd ... count=20000	run: root, the kernel's audit stream (a benchmark's command, abridged)
sudo scmplog exec --profile ls.json -- ls /	exec: enforces on this kernel
sudo scmplog exec --profile ls.json --log-denied -- ls -l /	exec: enforces on this kernel (fails by design)
sudo scmplog exec --profile reviewed.json -- ls -l /	exec: enforces on this kernel
sudo scmplog exec --profile app.json --log-denied -- ./app; sudo dmesg | scmplog explain	exec: enforces on this kernel
scmplog exec --profile	exec: enforces on this kernel (a fragment in the text)
sudo scmplog collect --out-dir profiles/	collect: root, live, runs until a signal
scmplog merge --runtime docker profiles/<container id>.json -o app.json	merge: of the profile collect wrote for a container (its id in the text)
sudo scmplog collect --out-dir profiles/ --plain-runc --container web	collect: root, live, runs until a signal
sudo scmplog collect --all --out-dir /var/lib/scmplog	collect: root, live, runs until a signal
sudo scmplog collect --all --format k8s --out-dir /var/lib/scmplog/k8s	collect: root, live, runs until a signal
sudo scmplog collect --out-dir /var/lib/scmplog	collect: root, live, runs until a signal
sudo scmplog collect --out-dir profiles --plain-runc --container web --interval 10	collect: root, live, runs until a signal
scmplog collect --journal-dir /var/log/journal/remote --split-by host --out-dir profiles --cursor-file profiles.cursor	collect: follows a journal until a signal
scmplog collect --source=audisp	collect: an auditd plugin, reads what auditd passes on standard input until it ends
sudo scmplog explain --follow --exe /usr/bin/app	explain --follow: root, live
sudo scmplog listen --socket /run/scmplog/listen.sock --out-dir profiles/ &	listen: a seccomp listener, runs until a signal
scmplog listen --socket /run/scmplog/listen.sock --out-dir /var/lib/scmplog &	listen: a seccomp listener, runs until a signal
scmplog run --merge app.json -o app.json --stats app.stats -- TEST	run: root, the kernel's audit stream (a fragment in the text)
sudo scmplog run --merge app.json -o app.json --stats app.stats -- \"\$t\"	run: root, the kernel's audit stream
"
# Offline examples whose documented exit status is not 0: KEY <TAB> status <TAB> why
EXPECT="\
scmplog diff profiles/app.json new.json	1	the profiles differ: the CI gate fails
scmplog coverage app.json --stats app.stats --max-miss 0.05 --fail-on-loss	1	app.json is one run: not enough runs, the gate fails
"

cd "$TMP" || exit 1
ROOT=$TMP/root TPL=$TMP/tpl BIN=$TMP/bin
mkdir -p "$ROOT/var/log/audit" "$ROOT/var/lib/scmplog" "$ROOT/var/lib/kubelet/seccomp" "$TPL/profiles" "$BIN"

# records: KIND(audit|dmesg) SERIAL COMM EXE SYSCALL CODE
rec() {
	local body
	body=$(printf 'auid=1000 uid=1000 gid=1000 ses=2 pid=%s comm="%s" exe="%s" sig=0 arch=c000003e syscall=%s compat=0 ip=0x7f0000001000 code=%s' \
		"$((4000 + $2))" "$3" "$4" "$5" "$6")
	case $1 in
	audit) printf 'type=SECCOMP msg=audit(1795710696.%03d:%s): %s\n' "$(($2 % 1000))" "$2" "$body" ;;
	dmesg) printf '[ 4284.%06d] audit: type=1326 audit(1795710501.988:%s): %s\n' "$2" "$2" "$body" ;;
	esac
}
LOG=0x7ffc0000 DENY=0x50000
records() { # KIND FIRST-SERIAL
	local k=$1 n=$2 nr
	for nr in 0 1 3 9 12 231 257; do rec "$k" $((n++)) app /usr/bin/app $nr $LOG; done
	rec "$k" $((n++)) app /usr/bin/app 83 $DENY
	for nr in 0 1 3 78 217 257; do rec "$k" $((n++)) ls /usr/bin/ls $nr $LOG; done
	rec "$k" $((n++)) ls /usr/bin/ls 89 $DENY
}
records audit 100 >"$ROOT/var/log/audit/audit.log"
records audit 200 >"$ROOT/var/log/audit/audit.log.1"
cp "$DATA/syslog-rfc3339.log" "$ROOT/var/log/kern.log"
cp "$DATA/syslog-traditional.log" "$ROOT/var/log/kern.log.1"
gzip -c "$DATA/syslog-rfc3339.log" >"$ROOT/var/log/kern.log.2.gz"
records audit 300 >"$TPL/new-audit.log"

# the stand-ins
ln -s "$S" "$BIN/scmplog"
printf '#!/bin/sh\nexec "$@"\n' >"$BIN/sudo"
{ cat "$DATA/dmesg.log"; records dmesg 400; } >"$TMP/dmesg.out"
printf '#!/bin/sh\ncat "%s"\n' "$TMP/dmesg.out" >"$BIN/dmesg"
sed 's/^_HOSTNAME=vm$/_HOSTNAME=node-7/' "$DATA/journal-export.txt" >"$TMP/journal.out"
printf '#!/bin/sh\ncat "%s"\n' "$TMP/journal.out" >"$BIN/journalctl"
chmod +x "$BIN"/*

# the profiles the examples name: old (less) and new (more) pairs
prof() { # OUT EXE [SYSCALL...]: a profile of these syscalls
	local out=$1 exe=$2 n=500 nr
	shift 2
	for nr in "$@"; do rec audit $((n++)) x "$exe" "$nr" $LOG; done >"$TMP/p.log"
	"$S" build -q -o "$out" --stats "$out.stats" "$TMP/p.log" || fail "cannot make fixture $out"
}
prof "$TPL/old.json" /usr/bin/ls 0 1 3 257
prof "$TPL/ls.json" /usr/bin/ls 0 1 3 78 217 257 89
prof "$TPL/profiles/app.json" /usr/bin/app 0 1 3 231
prof "$TPL/new.json" /usr/bin/app 0 1 3 231 83 41 165
prof "$TPL/app.json" /usr/bin/app 0 1 3 9 12 231 257
prof "$TPL/ci.json" /usr/bin/app 0 1 3 231
prof "$TPL/prod.json" /usr/bin/app 0 1 3 12 257
mv "$TPL/ci.json.stats" "$TPL/ci.stats"
cp "$TPL/app.json.stats" "$TPL/app.stats"
mkdir -p "$TPL/pods"
prof "$TPL/pods/web-1.json" /usr/bin/app 0 1 3 231
prof "$TPL/pods/web-2.json" /usr/bin/app 0 1 3 12 257
mv "$TPL/prod.json.stats" "$TPL/prod.stats"
prof "$TPL/web.json" /usr/sbin/nginx 0 1 3 232 288
prof "$ROOT/var/lib/scmplog/shop_web-7d9f8c-x2kq4_nginx.json" /usr/sbin/nginx 0 1 3 232
prof "$ROOT/var/lib/scmplog/shop_web-7d9f8c-q8r2z_nginx.json" /usr/sbin/nginx 0 1 3 288
rm -f "$TPL"/*.json.stats "$TPL"/profiles/*.stats "$TPL"/pods/*.stats "$ROOT"/var/lib/scmplog/*.stats
# what collect and listen write beside a container's profile: its denials (mkdir, ERRNO)
rec audit 900 mkdir /bin/busybox 83 $DENY >"$TPL/profiles/web.denied.log"
cp "$TPL/profiles/web.denied.log" "$ROOT/var/lib/scmplog/web.denied.log"
# answers for interactive reviews: allow everything
yes a | head -n 200 >"$TMP/answers"

python3 "$CLI_DIR/doc-examples.py" "$ROOT" "$TOP/README.md" "$TOP"/packaging/man/*.1 >"$TMP/examples" ||
	fail "cannot extract the examples"
[ "$(wc -l <"$TMP/examples")" -ge 40 ] || { cat "$TMP/examples"; fail "too few examples found"; }

n=0 ran=0 skipped=0 failed=0
while IFS=$'\t' read -r src key cmd outs; do
	n=$((n + 1))
	if grep -qxF -- "$key" <(cut -f1 <<<"$LIVE"); then
		skipped=$((skipped + 1))
		continue
	fi
	# anything live that is not listed would run here: refuse, do not start it
	if grep -qE 'scmplog +(run|exec|collect|listen)( |$)|--follow|explain +-f( |$)' <<<"$key"; then
		echo "FAIL: $src: '$key' needs root or a live source: list it in LIVE (tests/cli/test-readme-examples.sh)" >&2
		failed=$((failed + 1))
		continue
	fi
	W=$TMP/w$n
	cp -a "$TPL" "$W"
	(cd "$W" && PATH="$BIN:$PATH" timeout 60 bash -c "$cmd" <"$TMP/answers" >"$W.out" 2>"$W.err")
	rc=$?
	want=$(awk -F '\t' -v k="$key" '$1 == k { print $2 }' <<<"$EXPECT")
	bad=
	[ "$rc" -eq "${want:-0}" ] || bad="exited $rc, expected ${want:-0}"
	if [ -z "$bad" ] && grep -qE "Try 'scmplog|scmplog: cannot |invalid option|unrecognized option|command not found|No such file" "$W.err"; then
		bad="reported an error"
	fi
	for o in $outs; do
		case $o in /*) f=$o ;; *) f=$W/$o ;; esac
		[ -z "$bad" ] && [ ! -s "$f" ] && bad="did not write '$o'"
	done
	if [ -n "$bad" ]; then
		echo "FAIL: $src: '$key' $bad (run as: $cmd)" >&2
		sed 's/^/    /' "$W.err" | head -n 20 >&2
		failed=$((failed + 1))
	else
		ran=$((ran + 1))
	fi
	[ -z "${VERBOSE:-}" ] || { echo "== $src: $key"; head -n 4 "$W.out" "$W.err"; }
	rm -rf "$W" "$W.out" "$W.err"
	rm -f "$ROOT/var/lib/kubelet/seccomp/audit.json"
done <"$TMP/examples"
# an entry of EXPECT or LIVE that is gone from the documents is a stale one
while IFS=$'\t' read -r key _ _; do
	[ -n "$key" ] || continue
	cut -f2 "$TMP/examples" | grep -qxF -- "$key" || { echo "FAIL: EXPECT lists '$key', which no document has any more" >&2; failed=$((failed + 1)); }
done <<<"$EXPECT"
while IFS=$'\t' read -r key _; do
	[ -n "$key" ] || continue
	cut -f2 "$TMP/examples" | grep -qxF -- "$key" || { echo "FAIL: LIVE lists '$key', which no document has any more" >&2; failed=$((failed + 1)); }
done <<<"$LIVE"
echo "$n examples: $ran ran, $skipped not offline (listed), $failed failed"
[ "$failed" -eq 0 ] || fail "$failed examples failed"
[ "$ran" -ge 25 ] || fail "only $ran examples ran"
exit 0
