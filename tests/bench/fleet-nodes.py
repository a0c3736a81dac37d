#!/usr/bin/env python3
"""The simulated nodes of bench-fleet and bench-fleet-audit.

fleet-nodes.py gen FORM WORK NODES RECORDS
    For each node N: WORK/node-N.FORM, RECORDS SECCOMP records of host node-N
    with its audit serials in order (1000, 1001, ...), 20 syscalls every node
    makes and 20 of its own, x86_64; FORM is "export" (journald's entries,
    _TRANSPORT=audit, journal export format) or "log" (auditd's string
    format, "node=node-N type=SECCOMP ...").  WORK/node-N.want: the node's
    syscall numbers, sorted.
fleet-nodes.py check PROFILE WANT
    Exit 0 if PROFILE (OCI JSON) allows exactly the syscalls WANT lists
    (numbers, named with `$SCMPLOG resolve`), else say so and exit 1.
"""
import json
import os
import random
import subprocess
import sys


def syscalls(n):
    return [0, 1, 3, 5, 8, 9, 10, 11, 12, 13, 14, 16, 17, 21, 39, 60, 72, 202, 228, 231] + \
           [100 + (20 * n + k) % 230 for k in range(20)]


def gen(form, work, nodes, records):
    for n in range(nodes):
        rng = random.Random(n)
        own = syscalls(n)
        with open(f"{work}/node-{n}.{form}", "w") as f:
            for i in range(records):
                nr = own[i % len(own)] if i < len(own) else rng.choice(own)
                body = (f"auid=4294967295 uid=0 gid=0 ses=4294967295 pid={2000 + i % 500} comm=\"app\" "
                        f"exe=\"/usr/bin/app\" sig=0 arch=c000003e syscall={nr} compat=0 "
                        f"ip=0x7f0000001000 code=0x7ffc0000")
                if form == "export":
                    t = 1795710754000000 + n + i * 10
                    f.write(f"__REALTIME_TIMESTAMP={t}\n__MONOTONIC_TIMESTAMP={4000000000 + i * 10}\n"
                            f"_BOOT_ID={n:032x}\n_MACHINE_ID={n + 1:032x}\n_HOSTNAME=node-{n}\n"
                            f"_TRANSPORT=audit\n_SOURCE_REALTIME_TIMESTAMP={t - 3}\n_AUDIT_TYPE=1326\n"
                            f"_AUDIT_ID={1000 + i}\nSYSLOG_IDENTIFIER=audit\nMESSAGE=SECCOMP {body}\n\n")
                else:
                    t = 1795710754 + i // 1000
                    f.write(f"node=node-{n} type=SECCOMP msg=audit({t}.{i % 1000:03d}:{1000 + i}): {body}\n")
        with open(f"{work}/node-{n}.want", "w") as f:
            f.write("\n".join(str(x) for x in sorted(set(own))) + "\n")


def check(profile, want):
    names = sorted(n for s in json.load(open(profile))["syscalls"] for n in s["names"])
    nums = open(want).read().split()
    wn = sorted(subprocess.run([os.environ["SCMPLOG"], "resolve", *nums], capture_output=True,
                               text=True).stdout.split())
    if names != wn:
        print(f"{profile}: {len(names)} syscalls, want {len(wn)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "gen" and sys.argv[2] in ("export", "log"):
        gen(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
