#!/usr/bin/env bash
# Packaging: plain `make` needs no Check; the licence the sources declare is
# shipped; the packages' build dependencies hold what the tests need; the .deb
# carries debhelper's systemd maintainer scripts for scmplog-collect.service
# (dpkg-deb -e) and the RPM systemd's scriptlets (rpm -qp --scripts).  The
# package builds run when their tools are there (tests/install-deps.sh
# --package; .ci/run has them), else that part is skipped loudly.
. "$CLI_DIR/lib.sh"
TOP=$(cd "$CLI_DIR/../.." && pwd)
cd "$TMP" || exit 1
skipped=()
# nothing inherited from a calling make: check-asan's BUILD, SANITIZE and OPT
# are in MAKEFLAGS and, as command-line variables, in the environment too
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES BUILD SANITIZE OPT WERROR V PREFIX DESTDIR \
	BINDIR DATADIR MANDIR BASHCOMPDIR SYSTEMDUNITDIR AUDITPLUGINDIR

# --- make without Check: a pkg-config that does not know it
cat >pkg-config-nocheck <<'EOF'
#!/bin/sh
for a in "$@"; do [ "$a" = check ] && exit 1; done
exec pkg-config "$@"
EOF
chmod +x pkg-config-nocheck
mkn() { # mkn GOAL: what make would do (-n), with Check missing
	make -n --no-print-directory -C "$TOP" BUILD="$TMP/b" PKG_CONFIG="$TMP/pkg-config-nocheck" "$@"
}
for goal in all install deb; do
	expect_rc 0 mkn "$goal"
done
expect_rc 0 mkn
for goal in check-unit check-asan "$TMP/b/tests/test-arch"; do
	expect_rc 2 mkn "$goal"
	contains err "missing build dependencies (pkg-config): check;"
done

# --- the licence: every SPDX line says LGPL-2.1-or-later, LICENSE is its text
[ -f "$TOP/LICENSE" ] || fail "no LICENSE file"
head -n 2 "$TOP/LICENSE" | grep -q 'GNU LESSER GENERAL PUBLIC LICENSE' || fail "LICENSE is not the LGPL"
grep -q 'Version 2.1, February 1999' "$TOP/LICENSE" || fail "LICENSE is not the LGPL 2.1"
other=$(grep -rhoE 'SPDX-License-Identifier: [^ */]+' "$TOP/src" "$TOP/include" "$TOP/packaging" \
	"$TOP/Makefile" | sort -u | grep -v ': LGPL-2.1-or-later$')
[ -z "$other" ] || fail "sources declare another licence: $other"
grep -qx 'License:        LGPL-2.1-or-later' "$TOP/packaging/rpm/scmplog.spec" || fail "spec License:"
grep -qx '%license LICENSE' "$TOP/packaging/rpm/scmplog.spec" || fail "spec: no %license LICENSE"
grep -q '^License: LGPL-2.1+$' "$TOP/packaging/debian/copyright" || fail "debian/copyright"

# --- the tests' dependencies are build dependencies (python3-yaml: k8s-validate.py,
# test-shipped-profiles); Check only for the tests
grep -q '^ *python3-yaml <!nocheck>,' "$TOP/packaging/debian/control" || fail "control: no python3-yaml"
grep -q '^ *check <!nocheck>,' "$TOP/packaging/debian/control" || fail "control: check not <!nocheck>"
grep -qx 'BuildRequires:  python3-pyyaml' "$TOP/packaging/rpm/scmplog.spec" || fail "spec: no python3-pyyaml"
grep -qx 'BuildRequires:  systemd-rpm-macros' "$TOP/packaging/rpm/scmplog.spec" || fail "spec: no systemd-rpm-macros"

# --- the .deb: the unit where debhelper 13.11 (Debian 12) looks, and its scripts
if command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null; then
	DEB_BUILD_PROFILES=nocheck DEB_BUILD_OPTIONS="nocheck parallel=2" bash "$TOP/packaging/tools/build-deb.sh" "$TMP/deb" >deb.log 2>&1 ||
		{ tail -n 40 deb.log; fail "make deb failed"; }
	deb=$(ls "$TMP"/deb/scmplog_*_*.deb | grep -v dbgsym)
	dpkg-deb -c "$deb" >deb.files
	grep -q ' \./lib/systemd/system/scmplog-collect\.service$' deb.files ||
		{ grep service deb.files; fail "the .deb's unit is not in lib/systemd/system"; }
	dpkg-deb -e "$deb" ctl
	# the auditd plugin's configuration: a conffile, root's only as auditd's package has it
	grep -q '^-rw-r----- root/root .* \./etc/audit/plugins\.d/scmplog\.conf$' deb.files ||
		{ grep audit deb.files; fail "the .deb lacks etc/audit/plugins.d/scmplog.conf (0640)"; }
	grep -q '^drwxr-x--- root/root .* \./etc/audit/plugins\.d/$' deb.files ||
		{ grep audit deb.files; fail "the .deb's etc/audit/plugins.d is not 0750"; }
	grep -qx '/etc/audit/plugins.d/scmplog.conf' ctl/conffiles || fail "scmplog.conf is not a conffile"
	u="'scmplog-collect.service'"
	# stopped on removal, restarted on upgrade only if enabled or running,
	# never enabled, forgotten on purge
	contains ctl/prerm "deb-systemd-invoke stop $u"
	contains ctl/postinst "deb-systemd-helper update-state $u"
	contains ctl/postinst "deb-systemd-helper --quiet was-enabled $u"
	contains ctl/postinst 'deb-systemd-invoke $_dh_action '"$u"
	contains ctl/postrm "deb-systemd-helper purge $u"
	contains ctl/postrm "systemctl --system daemon-reload"
	for s in prerm postinst postrm; do sh -n "ctl/$s" || fail "ctl/$s: not valid sh"; done
	contains deb.log "lintian found no errors"
else
	skipped+=("the .deb (dpkg-dev and debhelper missing: sudo sh tests/install-deps.sh --package)")
fi

# --- the RPM: systemd's scriptlets (Debian's rpm has no systemd macros:
# build-rpm.sh then loads packaging/rpm/macros.systemd-fallback)
if command -v rpmbuild >/dev/null; then
	RPMBUILD_FLAGS=--nocheck bash "$TOP/packaging/tools/build-rpm.sh" "$TMP/rpm" >rpm.log 2>&1 ||
		{ tail -n 40 rpm.log; fail "make rpm failed"; }
	rpm -qp --scripts "$TMP"/rpm/RPMS/*/scmplog-[0-9]*.rpm >rpm.scripts
	contains rpm.scripts "postinstall scriptlet"
	contains rpm.scripts "preuninstall scriptlet"
	contains rpm.scripts "postuninstall scriptlet"
	contains rpm.scripts "scmplog-collect.service"
	lacks rpm.scripts "%systemd"
	rpm -qpl "$TMP"/rpm/RPMS/*/scmplog-[0-9]*.rpm >rpm.files
	grep -q '/LICENSE$' rpm.files || fail "the RPM has no LICENSE"
	grep -qx '/usr/lib/systemd/system/scmplog-collect.service' rpm.files || fail "the RPM's unit"
	rpm -qp --configfiles "$TMP"/rpm/RPMS/*/scmplog-[0-9]*.rpm >rpm.conf
	grep -qx '/etc/audit/plugins.d/scmplog.conf' rpm.conf || { cat rpm.conf; fail "the RPM's auditd plugin configuration"; }
	rpm -qp --dump "$TMP"/rpm/RPMS/*/scmplog-[0-9]*.rpm | grep -q '^/etc/audit/plugins.d/scmplog.conf [0-9]* [0-9]* [0-9a-f]* 0100640 root root 1 ' ||
		fail "the RPM's scmplog.conf is not a 0640 config file of root"
else
	skipped+=("the RPM (rpmbuild missing: sudo sh tests/install-deps.sh --package)")
fi
if [ ${#skipped[@]} -gt 0 ]; then
	printf 'NOT CHECKED: %s\n' "${skipped[@]}"
	echo "not checked: ${skipped[*]}"
	exit 77
fi
exit 0
