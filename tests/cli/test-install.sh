#!/usr/bin/env bash
# make install DESTDIR= PREFIX=/usr puts every file where the packages expect
# it (the binary under test, man pages with the version, profiles, the CI
# script, bash completion, the systemd unit, the auditd plugin's configuration),
# and make uninstall removes each
# one again.  Nothing is built: BUILD is a scratch directory holding only a
# link to $SCMPLOG, and make is told (-o) never to remake the binary or the
# library, so the source tree and the real build directory stay as they are.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
command -v make >/dev/null || { echo "make is not installed"; exit 77; }
bin=$(readlink -f "$SCMPLOG") || fail "cannot resolve '$SCMPLOG'"
v=$(cat "$TOP/VERSION")
B=$TMP/build
R=$TMP/root
mkdir -p "$B" && ln -s "$bin" "$B/scmplog" || fail "cannot set up $B"
cd "$TMP" || exit 1

# mk TARGET: the top Makefile with nothing inherited from a calling make
# (check-cli runs under one) or the environment, and nothing to rebuild.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u DESTDIR -u BINDIR \
		-u DATADIR -u MANDIR -u BASHCOMPDIR -u SYSTEMDUNITDIR -u AUDITPLUGINDIR \
		make --no-print-directory -C "$TOP" BUILD="$B" -o "$B/scmplog" -o "$B/libscmplog.a" \
		DESTDIR="$R" PREFIX=/usr "$1"
}
expect_rc 0 mk install
[ "$(ls -A "$B")" = scmplog ] || { ls -la "$B"; fail "make install built something in BUILD"; }

# mode PATH WANT: the file exists, is a regular file, and has mode WANT
mode() {
	[ -f "$1" ] && [ ! -L "$1" ] || fail "$1 was not installed (as a regular file)"
	[ "$(stat -c %a "$1")" = "$2" ] || fail "$1 has mode $(stat -c %a "$1"), expected $2"
}

# the binary under test, runnable from where it was installed
mode "$R/usr/bin/scmplog" 755
cmp -s "$R/usr/bin/scmplog" "$bin" || fail "usr/bin/scmplog is not $SCMPLOG"
expect_rc 0 "$R/usr/bin/scmplog" --version
same out <(echo "scmplog $v")

# every man page, with the version filled in and nothing else changed
n=0
for m in "$TOP"/packaging/man/*.1; do
	f=$R/usr/share/man/man1/${m##*/}
	mode "$f" 644
	lacks "$f" "@VERSION@"
	same "$f" <(sed "s/@VERSION@/$v/g" "$m")
	grep -q "^\.TH .*\"scmplog $v\"" "$f" || fail "$f: .TH does not name 'scmplog $v'"
	n=$((n + 1))
done
[ "$n" -gt 1 ] || fail "packaging/man has $n pages"
[ "$(ls "$R/usr/share/man/man1" | wc -l)" -eq "$n" ] || fail "man1 holds pages packaging/man lacks: $(ls "$R/usr/share/man/man1")"
if command -v man >/dev/null; then
	p=$(man -M "$R/usr/share/man" -w scmplog-collect 2>/dev/null)
	[ "$p" = "$R/usr/share/man/man1/scmplog-collect.1" ] || fail "man -w scmplog-collect found '$p'"
fi

# shipped profiles and their README, the CI step script
for f in "$TOP"/profiles/*.json "$TOP/profiles/README.md"; do
	mode "$R/usr/share/scmplog/profiles/${f##*/}" 644
	same "$R/usr/share/scmplog/profiles/${f##*/}" "$f"
done
mode "$R/usr/share/scmplog/ci/seccomp-ci.sh" 755
same "$R/usr/share/scmplog/ci/seccomp-ci.sh" "$TOP/packaging/ci/seccomp-ci.sh"

# bash completion: the file, and that it registers a completion for scmplog
c=$R/usr/share/bash-completion/completions/scmplog
mode "$c" 644
same "$c" "$TOP/packaging/bash-completion/scmplog"
bash -c '. "$1" && complete -p scmplog' _ "$c" >/dev/null 2>&1 || fail "$c does not complete scmplog"

# the systemd unit, with the installed binary's path
u=$R/usr/lib/systemd/system/scmplog-collect.service
mode "$u" 644
lacks "$u" "@BINDIR@"
grep -qx 'ExecStart=/usr/bin/scmplog collect' "$u" || fail "$u: ExecStart is not '/usr/bin/scmplog collect'"
if command -v systemd-analyze >/dev/null; then
	# verify checks that ExecStart's binary exists: a copy pointing into DESTDIR
	mkdir -p verify
	sed "s|^ExecStart=/usr/bin/scmplog|ExecStart=$R/usr/bin/scmplog|" "$u" >verify/scmplog-collect.service
	systemd-analyze verify --man=no verify/scmplog-collect.service >verify.out 2>&1 ||
		{ cat verify.out; fail "systemd-analyze verify scmplog-collect.service"; }
	! grep -q 'scmplog-collect.service' verify.out || { cat verify.out; fail "systemd-analyze warns about the unit"; }
else
	echo "NOTE: no systemd-analyze, the unit is not verified"
fi

# the auditd plugin: where auditd looks whatever the prefix, root's only as auditd's own,
# inactive, and a configuration auditd 3.0.9 takes (at most two args, format string)
a=$R/etc/audit/plugins.d/scmplog.conf
mode "$a" 640
[ "$(stat -c %a "$R/etc/audit/plugins.d")" = 750 ] || fail "etc/audit/plugins.d is not 0750"
lacks "$a" "@BINDIR@"
for l in 'active = no' 'direction = out' 'path = /usr/bin/scmplog' 'type = always' 'args = collect --source=audisp' \
	'format = string'; do
	grep -qx "$l" "$a" || fail "$a lacks the line '$l'"
done
[ "$(grep -c '^[a-z_]* = ' "$a")" -eq 6 ] || fail "$a: other settings than the six"

# uninstall removes every file install put there
expect_rc 0 mk uninstall
left=$(find "$R" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
[ "$(ls -A "$B")" = scmplog ] || { ls -la "$B"; fail "make uninstall built something in BUILD"; }
exit 0
