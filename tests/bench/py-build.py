#!/usr/bin/env python3
"""The peer a team would write in an afternoon: regex over audit.log lines,
set of (arch, syscall) for SECCOMP records with code=0x7ffc0000."""
import re
import sys

rx = re.compile(rb"type=SECCOMP msg=audit.*? arch=([0-9a-f]+) syscall=(\d+) .*code=0x7ffc0000")
seen = set()
with open(sys.argv[1], "rb") as f:
    for line in f:
        m = rx.search(line)
        if m:
            seen.add((m.group(1), int(m.group(2))))
print(len(seen))
