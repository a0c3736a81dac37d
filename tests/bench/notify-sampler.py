#!/usr/bin/env python3
"""notify-sampler.py SOCKET PIDFILE OUT: a NOTIFY_SOCKET for scmplog collect.
On each STATUS= it gets, one line to OUT: time.monotonic() (seconds), the
STATUS text, VmRSS and VmHWM (KiB) and user+system CPU (seconds) of the
process whose pid PIDFILE holds.  Shared by the benchmarks that sample a
collector (bench-collect, bench-fleet, bench-fleet-audit)."""
import os
import socket
import sys
import time

sock, pidfile, out = sys.argv[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock)
tck = os.sysconf("SC_CLK_TCK")
with open(out, "w", buffering=1) as o:
    while True:
        msg = s.recv(4096).decode(errors="replace")
        st = [l[7:] for l in msg.split("\n") if l.startswith("STATUS=")]
        if not st:
            continue
        try:
            pid = open(pidfile).read().strip()
            kv = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue
        rss, hwm = (int(kv[k].split()[0]) for k in ("VmRSS", "VmHWM"))
        o.write(f"{time.monotonic():.3f}\t{st[-1]}\t{rss}\t{hwm}\t{(int(f[11]) + int(f[12])) / tck:.2f}\n")
