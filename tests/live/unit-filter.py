#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""unit-filter.py UNIT: the seccomp allowlist systemd 252 installs for UNIT's
SystemCallFilter= lines, as an OCI profile on stdout (for scmplog exec).

systemd's semantics (src/core/load-fragment.c, config_parse_syscall_filter):
the first non-empty assignment decides the mode: without "~" an allow list,
which starts from @default ("System calls that are always permitted"); with
"~" a deny list.  Later lines add up: in an allow list a plain entry adds and
a "~" entry removes, in a deny list the reverse; an empty assignment resets.
Groups (@name) are expanded with `systemd-analyze syscall-filter`, nested
groups recursively.  SystemCallErrorNumber= gives the default action's errno
(none: SIGSYS kills, SCMP_ACT_KILL_PROCESS); SystemCallArchitectures=native
gives the native architecture alone (x86_64 here).  A deny list is reported
and refused (this test only models the allow list the unit uses).

Two more of systemd's seccomp settings are modelled as argument rules:
RestrictAddressFamilies= (socket(2) only for the listed families; systemd
answers EAFNOSUPPORT, this model the default errno) and
MemoryDenyWriteExecute=yes (mmap, mprotect and pkey_mprotect only without
PROT_WRITE|PROT_EXEC together: allowed when either bit is clear).
"""
import socket as _socket
import errno
import json
import subprocess
import sys

_groups = {}


def expand(item):
    if not item.startswith("@"):
        return {item}
    if item not in _groups:
        out = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager", item],
                             check=True, capture_output=True, text=True).stdout
        names = set()
        for line in out.splitlines()[1:]:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            names |= expand(line)
        _groups[item] = names
    return _groups[item]


def main():
    allow, mode, err, arches = set(), None, None, None
    families, mdwe = None, False
    for raw in open(sys.argv[1]):
        line = raw.strip()
        if "=" not in line or line.startswith("#"):
            continue
        key, val = line.split("=", 1)
        if key == "SystemCallFilter":
            if not val:
                allow, mode = set(), None
                continue
            inv = val.startswith("~")
            if inv:
                val = val[1:]
            if mode is None:
                mode = "deny" if inv else "allow"
                if mode == "allow":
                    allow |= expand("@default")
            if mode == "deny":
                sys.exit("unit-filter.py: deny-list filters are not modelled")
            for item in val.split():
                (allow.difference_update if inv else allow.update)(expand(item))
        elif key == "SystemCallErrorNumber":
            err = getattr(errno, val) if not val.isdigit() else int(val)
        elif key == "SystemCallArchitectures":
            arches = val.split()
        elif key == "RestrictAddressFamilies":
            families = [getattr(_socket, f) for f in val.split()]
        elif key == "MemoryDenyWriteExecute":
            mdwe = val in ("yes", "true", "1", "on")
    if mode is None:
        sys.exit("unit-filter.py: no SystemCallFilter=")
    if arches not in (["native"], None):
        sys.exit(f"unit-filter.py: SystemCallArchitectures={arches} not modelled")
    p = {"defaultAction": "SCMP_ACT_ERRNO" if err else "SCMP_ACT_KILL_PROCESS"}
    if err:
        p["defaultErrnoRet"] = err
    p["architectures"] = ["SCMP_ARCH_X86_64"] if arches else []
    rules = []
    if families is not None and "socket" in allow:
        allow.discard("socket")
        rules += [{"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                   "args": [{"index": 0, "value": int(f), "op": "SCMP_CMP_EQ"}]}
                  for f in families]
    if mdwe:
        calls = sorted(allow & {"mmap", "mprotect", "pkey_mprotect"})
        allow.difference_update(calls)
        # PROT_WRITE 2, PROT_EXEC 4: allowed when one of them is clear
        rules += [{"names": calls, "action": "SCMP_ACT_ALLOW",
                   "args": [{"index": 2, "value": bit, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}
                  for bit in (2, 4)]
    p["syscalls"] = [{"names": sorted(allow), "action": "SCMP_ACT_ALLOW"}] + rules
    json.dump(p, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
