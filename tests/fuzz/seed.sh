#!/usr/bin/env bash
# (Re)write the seed-* inputs of tests/fuzz/corpus/<harness>/ from the real
# fixtures in tests/data.  Other files there are libFuzzer's (make fuzz
# FUZZ_MERGE=1) or crash reproducers: this script leaves them alone.  Seeds
# are named by content, so running it twice changes nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
D=tests/data

put() { # put HARNESS PREFIX < content
	local tmp h
	tmp=$(mktemp)
	cat >"$tmp"
	[ -s "$tmp" ] || { rm -f "$tmp"; return 0; }
	h=$(sha1sum "$tmp" | cut -c1-12)
	mkdir -p "$C/$1"
	mv "$tmp" "$C/$1/seed-$2-$h"
	chmod 0644 "$C/$1/seed-$2-$h"
}

# record: single lines of every text form (a few SECCOMP ones per fixture),
# every hand-made malformed line, and bare netlink bodies ("audit(T:S): ...").
for f in "$D"/*.log "$D"/journal-short*.txt "$D"/journal-json.txt; do
	b=$(basename "$f"); b=${b%.*}
	[ "$b" = malformed ] && continue
	grep -a -m 3 -E 'type=1326|SECCOMP' "$f" | while IFS= read -r l; do printf '%s' "$l" | put record "line-$b"; done
	grep -a -m 2 -vE 'type=1326|SECCOMP|^#' "$f" | while IFS= read -r l; do printf '%s' "$l" | put record "other-$b"; done
done
grep -a -v '^#' "$D/malformed.log" | while IFS= read -r l; do printf '%s' "$l" | put record malformed; done
# forms/: every line of the real-world forms (ausearch -i, ENRICHED without 0x1d, rsyslog
# #035/RFC 5424/<PRI>, 1701 records, no arch=, hosts, bare bodies, journal json without prefix)
for f in "$D"/forms/*.log "$D"/forms/*.txt; do
	b=$(basename "$f"); b=${b%.*}
	grep -a -v -e '^#' -e '^----' "$f" | head -n 40 | while IFS= read -r l; do printf '%s' "$l" | put record "form-$b"; done
done
grep -a -m 3 -o 'audit([0-9.:]*): .*' "$D/dmesg.log" | while IFS= read -r l; do printf '%s' "$l" | put record body; done
grep -a -m 3 -o 'auid=.*' "$D/audit-raw.log" | while IFS= read -r l; do printf '%s' "$l" | put record fields; done

# scan: the start of every fixture as a file (whole lines, under max_len),
# one gzipped, and a few export entries (below, with the journal's).
for f in "$D"/*.log "$D"/*.txt "$D"/forms/*.log "$D"/forms/*.txt; do
	b=$(basename "$f"); b=${b%.*}
	head -c 12000 "$f" | sed '$d' | put scan "file-$b"
done
head -c 12000 "$D/audit-raw.log" | sed '$d' | gzip -9n | put scan gzip

# cgroup: every fake /proc/PID/{cgroup,stat}, each cgroup path alone, a /proc/stat.
for d in "$D"/proc/*/; do
	p=$(basename "$d")
	[ -f "$d/cgroup" ] && put cgroup "cgroup-$p" <"$d/cgroup"
	[ -f "$d/stat" ] && put cgroup "stat-$p" <"$d/stat"
	[ -f "$d/cgroup" ] && cut -d: -f3- "$d/cgroup" | sort -u | while IFS= read -r l; do
		printf '%s' "$l" | put cgroup "path-$p"; done
done
printf 'cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nintr 1 0\nctxt 42\nbtime 1795700000\nprocesses 9\nprocs_running 1\nprocs_blocked 0\nsoftirq 1 0\n' |
	put cgroup proc-stat

# journal: the real journald file's entries as export text, one per seed (its
# SECCOMP ones and a few others), and the same from the export fixture; every
# 16th entry is a scan seed too.
split_export() { # split_export PREFIX < export text
	awk -v out="$(mktemp -d)" -v pfx="$1" 'BEGIN { RS = ""; ORS = "" }
		{ f = out "/" NR; print $0 "\n" > f; close(f) } END { print out "\n" }' | {
		read -r dir
		for e in "$dir"/*; do
			if grep -aqE 'type=1326|SECCOMP' "$e" || [ $(($(basename "$e") % 8)) -eq 0 ]; then
				put journal "$1" <"$e"
			fi
			[ $(($(basename "$e") % 16)) -eq 1 ] && put scan "export-$1" <"$e"
		done
		rm -rf "$dir"
	}
}
if command -v journalctl >/dev/null; then
	journalctl --file="$D/journal/seccomp.journal" -o export | split_export journal-file
fi
split_export export-text <"$D/journal-export.txt"

# journal-file: edits to the real journald file (u32le offset, u8 length, bytes):
# none, and the damage tests/unit/test-journal.c's test_damaged makes (zeroed pages,
# an entry object's type byte, the global entry array's first item, zstd data).
edit() { # edit OFFSET LENGTH BYTE: LENGTH (<= 255) times BYTE (two hex digits) at OFFSET
	local o=$1 i esc
	esc=$(printf '\\x%02x' $((o & 255)) $((o >> 8 & 255)) $((o >> 16 & 255)) $((o >> 24 & 255)) "$2")
	for ((i = 0; i < $2; i++)); do esc+="\\x$3"; done
	printf "$esc"
}
zero_page() { # zero_page OFFSET: 4096 zero bytes from OFFSET
	local k
	for ((k = 0; k < 4096; k += 255)); do edit $(($1 + k)) $((4096 - k < 255 ? 4096 - k : 255)) 00; done
}
edit 0 0 00 | put journal-file none
for p in 40960 65536 90112 110592; do zero_page $p | put journal-file "zero-$p"; done
edit 70264 1 fc | put journal-file entry-type
edit $((43456 + 24)) 8 ff | put journal-file entry-array-item
edit $((108936 + 80)) 8 5a | put journal-file zstd-data
