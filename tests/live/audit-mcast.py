#!/usr/bin/env python3
# An audit reader independent of scmplog, for the live tests to check it
# against: joins the audit multicast group (it coexists with any unicast
# daemon) and writes each SECCOMP record as one line
#     CGROUP<TAB>BODY
# where CGROUP is the v2 ("0::") cgroup path of the record's pid read when
# the record arrives, "-" when the process is gone by then.  Creates READY
# once it listens; runs until SIGTERM or SIGINT.
# Usage: audit-mcast.py OUT READY
import os
import signal
import socket
import struct
import sys

NETLINK_AUDIT, AUDIT_NLGRP_READLOG, AUDIT_SECCOMP = 9, 1, 1326
SO_RCVBUFFORCE = 33

out, ready = sys.argv[1], sys.argv[2]
stop = False


def on_signal(signo, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
try:
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
except OSError:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((0, AUDIT_NLGRP_READLOG))
s.settimeout(0.2)
open(ready, "w").close()


def cgroup_of(body):
    for f in body.split(" "):
        if f.startswith("pid="):
            try:
                with open("/proc/%s/cgroup" % f[4:]) as cg:
                    for line in cg:
                        if line.startswith("0::"):
                            return line[3:].strip()
            except OSError:
                pass
            break
    return "-"


with open(out, "w") as o:
    while not stop:
        try:
            d = s.recv(1 << 16)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        off = 0
        while off + 16 <= len(d):
            ln, ty = struct.unpack_from("=IH", d, off)
            end = off + ln if ln >= 16 else len(d)
            if ty == AUDIT_SECCOMP:
                body = d[off + 16:end].decode(errors="replace").rstrip("\0\n")
                o.write("%s\t%s\n" % (cgroup_of(body), body))
            off = (end + 3) & ~3
        o.flush()
