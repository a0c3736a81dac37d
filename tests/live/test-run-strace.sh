#!/usr/bin/env bash
# Real programs: the learned set holds every syscall `strace -f` sees for the
# same command, with at most a handful of extra names.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || skip "strace is not installed"
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || skip "python3 is not installed"
"$PY" -c 'import sqlite3' 2>/dev/null || skip "python3 lacks sqlite3"
MAX_EXTRA=5

mkdir -p "$TMP/data/sub" && echo hello >"$TMP/data/a.txt" && seq 1 1000 >"$TMP/data/sub/b.txt"
cat >"$TMP/db.py" <<'PYEOF'
import os, sqlite3, sys
db = sys.argv[1]
if os.path.exists(db):
    os.unlink(db)
c = sqlite3.connect(db)
c.execute("create table t (k integer primary key, v text)")
c.executemany("insert into t (v) values (?)", [("x" * i,) for i in range(200)])
c.commit()
print(c.execute("select count(*), sum(length(v)) from t").fetchone())
c.close()
PYEOF

check() {
	local name=$1; shift
	# strace's set: "PID name(" and "PID <... name resumed>"
	rm -f "$TMP/x.tgz" "$TMP/x.db"
	strace -f -qq -o "$TMP/$name.strace" -- "$@" >/dev/null 2>&1 || fail "$name: failed under strace"
	sed -E 's/^[0-9]+ +//; s/^<\.\.\. ([a-z0-9_]+) resumed>.*/\1(/' "$TMP/$name.strace" |
		grep -oE '^[a-z_][a-z0-9_]*\(' | tr -d '(' | sort -u >"$TMP/$name.strace.set"
	rm -f "$TMP/x.tgz" "$TMP/x.db"
	"$SCMPLOG" run -o "$TMP/$name.json" -- "$@" >/dev/null 2>"$TMP/$name.err" ||
		{ cat "$TMP/$name.err"; fail "$name: scmplog run failed"; }
	grep -q " 0 lost" "$TMP/$name.err" || { cat "$TMP/$name.err"; fail "$name: records lost"; }
	profile_names "$TMP/$name.json" >"$TMP/$name.learned.set"
	missing=$(comm -23 "$TMP/$name.strace.set" "$TMP/$name.learned.set")
	extra=$(comm -13 "$TMP/$name.strace.set" "$TMP/$name.learned.set")
	n_extra=$(grep -c . <<<"$extra")
	echo "$name: strace $(wc -l <"$TMP/$name.strace.set"), learned $(wc -l <"$TMP/$name.learned.set"), extra: $(echo $extra)"
	[ -z "$missing" ] || fail "$name: strace saw syscalls the profile lacks: $(echo $missing)"
	[ "$n_extra" -le "$MAX_EXTRA" ] || fail "$name: $n_extra extra names (more than $MAX_EXTRA): $(echo $extra)"
}

check ls-l ls -l /usr
check tar tar czf "$TMP/x.tgz" -C "$TMP" data
check python "$PY" "$TMP/db.py" "$TMP/x.db"
check pipeline sh -c "cat $TMP/data/sub/b.txt | sort -r | head -n 3 | wc -l"
if command -v git >/dev/null; then check git git --version; fi
audit_check
command -v git >/dev/null || skip "SKIPPED IN PART, NOT PASSED: git is not installed, the 'git --version' case did not run"
