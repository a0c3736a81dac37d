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
# A text file, stdin, a FIFO: still read as text.
expect_rc 0 "$SCMPLOG" build - <"$DATA/journal-export.txt"
same out journal.json
mkfifo fifo
cat "$DATA/journal-export.txt" >fifo &
expect_rc 0 "$SCMPLOG" build fifo
wait
same out journal.json
exit 0
