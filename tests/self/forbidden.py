#!/usr/bin/env python3
# Usage: forbidden.py PROFILE.json
# Prints, space-separated, the syscalls PROFILE allows that a confined scmplog
# may never make (cli_confine_forbidden[] in src/cli/self-confine.c); exits 1
# if that list lost one of execve, execveat, socket, socketpair.
import json
import os
import re
import sys

src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../src/cli/self-confine.c")).read()
body = src[src.index("cli_confine_forbidden[] = {"):]
forbidden = set(re.findall(r'"([a-z0-9_]+)"', body[:body.index("};")]))
if not {"execve", "execveat", "socket", "socketpair"} <= forbidden:
    sys.exit("forbidden.py: cli_confine_forbidden lost a required name")
p = json.load(open(sys.argv[1]))
allowed = {n for r in p.get("syscalls", []) if r.get("action") == "SCMP_ACT_ALLOW" for n in r.get("names", [])}
print(" ".join(sorted(allowed & forbidden)))
