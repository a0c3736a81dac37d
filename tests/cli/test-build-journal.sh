#!/usr/bin/env bash
# scmplog build/explain on journald's binary journal files (detected by their magic):
# the same profile and counts as from the export text of the same file, nothing
# counted twice when a journal is given twice, and clear errors.
. "$CLI_DIR/lib.sh"
J=$DATA/journal/seccomp.journal
[ -r "$J" ] || fail "fixture $J missing"
cd "$TMP" || exit 1

# stderr without the "first at FILE:LINE" of skip warnings (a journal counts entries, not lines)
norm() { sed 's/; first at .*//' err; }
expect_rc 0 "$SCMPLOG" build --stats stats-j.json "$J"
cp out journal.json
norm >journal.err
contains journal.err "SECCOMP records read"

# The export text of the same file: journalctl's, if there is one, and the committed
# one (tests/data/capture.sh writes journal-export.txt from this very file).
if command -v journalctl >/dev/null 2>&1; then
	journalctl --file="$J" -o export >export.txt || fail "journalctl --file=$J failed"
	expect_rc 0 "$SCMPLOG" build --stats stats-e.json export.txt
	same out journal.json
	norm >err.n
	same err.n journal.err
	same stats-e.json stats-j.json
fi
expect_rc 0 "$SCMPLOG" build --stats stats-f.json "$DATA/journal-export.txt"
same out journal.json
norm >err.n
same err.n journal.err
same stats-f.json stats-j.json
expect_rc 0 "$SCMPLOG" explain "$J"
cp out explain-j.txt
expect_rc 0 "$SCMPLOG" explain "$DATA/journal-export.txt"
same out explain-j.txt

# Twice, under another name, and with its own export text: counted once.  (Only the
# records: a malformed one cannot be recognised as a copy, so it is skipped twice.)
expect_rc 0 "$SCMPLOG" build --stats stats-jj.json "$J" "$J"
same out journal.json
norm | grep -v 'malformed SECCOMP' >err.n
grep -v 'malformed SECCOMP' journal.err >journal.err.r
same err.n journal.err.r
same stats-jj.json stats-j.json
cp "$J" copy.journal
expect_rc 0 "$SCMPLOG" build --stats stats-jc.json "$J" copy.journal "$DATA/journal-export.txt"
same out journal.json
same stats-jc.json stats-j.json

# Filters apply as to any other source (host and time come from the journal fields).
expect_rc 1 "$SCMPLOG" build --host no-such-host "$J"
contains err "no SECCOMP records"

# Errors name the file: a journal cut short, a file with only the magic.
head -c 4096 "$J" >cut.journal
expect_rc 1 "$SCMPLOG" build cut.journal
contains err "scmplog: cannot read journal file 'cut.journal': "
printf 'LPKSHHRH and then text\n' >fake.journal
expect_rc 1 "$SCMPLOG" build fake.journal
contains err "scmplog: cannot read journal file 'fake.journal': "
# Damaged copies, made the same way every time: every entry sd-journal can reach is read
# (journalctl --file reads the same records or fewer), what it cannot is said with the
# file, and --strict fails.  (sd-journal drops a damaged file without an error: scmplog
# read 21 and 29 of these 84 entries and said nothing.)
# damaged NAME OFFSET BYTES: a copy of the fixture with BYTES (printf escapes) at OFFSET
damaged() {
	cp "$J" "$1" && chmod u+w "$1" && printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none ||
		fail "cannot make $1"
	! journalctl --file="$1" --verify >/dev/null 2>&1 || fail "journalctl --verify passes $1"
}
zeros=$(printf '\\0%.0s' $(seq 4096))
damaged page.journal 65536 "$zeros"   # entries and entry arrays
damaged type.journal 70264 '\374'     # an entry object's type byte
damaged tail.journal 110592 "$zeros"  # the last entries, the truncated record among them
expect_rc 0 "$SCMPLOG" build page.journal
contains err "scmplog: warning: journal file 'page.journal' is damaged: 7 of its 84 entries could not be read, skipping; the SECCOMP records in them are missing or incomplete ('journalctl --verify --file=page.journal' tells where)"
contains err "scmplog: 41 SECCOMP records read"
expect_rc 0 "$SCMPLOG" build type.journal
contains err "scmplog: warning: journal file 'type.journal' is damaged: 1 of its 84 entries could not be read, skipping"
contains err "scmplog: 42 SECCOMP records read"
same out journal.json
expect_rc 0 "$SCMPLOG" explain type.journal
contains err "journal file 'type.journal' is damaged: 1 of its 84 entries"
expect_rc 1 "$SCMPLOG" build --strict -o strict.json tail.journal
contains err "scmplog: journal file 'tail.journal' is damaged: 4 of its 84 entries could not be read; fatal with --strict"
[ ! -e strict.json ] || fail "--strict wrote a profile of a damaged journal"
if command -v journalctl >/dev/null 2>&1; then
	for f in page type tail; do
		journalctl --file="$f.journal" -o export >"$f.txt" 2>/dev/null
		"$SCMPLOG" build --allow-empty --stats "$f-e.stats" "$f.txt" >/dev/null 2>&1 || fail "build $f.txt"
		"$SCMPLOG" build --stats "$f-j.stats" "$f.journal" >/dev/null 2>&1 || fail "build $f.journal"
		python3 - "$f-e.stats" "$f-j.stats" <<'PY' || fail "$f.journal: fewer records than journalctl --file reads"
import json, sys
def counts(p):
    return {n: c["records"] for n, c in json.load(open(p))["syscalls"].items()}
e, j = counts(sys.argv[1]), counts(sys.argv[2])
sys.exit(0 if all(j.get(k, 0) >= v for k, v in e.items()) else 1)
PY
	done
fi

# A text file, stdin, a FIFO: still read as text.
expect_rc 0 "$SCMPLOG" build - <"$DATA/journal-export.txt"
same out journal.json
mkfifo fifo
cat "$DATA/journal-export.txt" >fifo &
expect_rc 0 "$SCMPLOG" build fifo
wait
same out journal.json
# A central journal (systemd-journal-remote) holds the records of many nodes,
# whose serials and times are their own: two nodes' records with the same
# audit(T:S) are two records, while a node's two copies of one (audit and
# kernel transport) are one.
fleet_journal fleet.txt
expect_rc 0 "$SCMPLOG" build --split-by host --out-dir fleet fleet.txt
contains err "3 SECCOMP records read (3 selected), 3 profiles written to 'fleet'"
for h in a b c; do [ -f "fleet/node-$h.json" ] || fail "no profile of node-$h: its records taken for another node's copies"; done
exit 0
