#!/usr/bin/env python3
"""Write an auditd RAW audit.log of N SECCOMP records (plus the SYSCALL/PROCTITLE
noise auditd writes around them, 1 in 50), deterministic for a given N."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
out = sys.stdout
rng = random.Random(1326)
# a realistic spread: a few hot syscalls, a long tail
hot = [0, 1, 3, 9, 10, 11, 12, 17, 21, 39, 56, 59, 60, 61, 72, 78, 202, 228, 231, 257, 262, 302, 318, 334]
tail = list(range(0, 335))
comms = [("python3", "/usr/bin/python3.11"), ("ls", "/usr/bin/ls"), ("nginx", "/usr/sbin/nginx"),
         ("sh", "/usr/bin/dash"), ("worker 1", None)]
t = 1795706294
buf = []
for i in range(n):
    nr = rng.choice(hot) if rng.random() < 0.95 else rng.choice(tail)
    comm, exe = comms[i % len(comms)]
    pid = 1000 + (i // 97) % 30000
    if exe is None:
        c = comm.encode().hex().upper()
        e = "2F6F70742F6170702F776F726B6572"
        cs = f"comm={c} exe={e}"
    else:
        cs = f'comm="{comm}" exe="{exe}"'
    ms = i % 1000
    buf.append(f"type=SECCOMP msg=audit({t + i // 1000}.{ms:03d}:{i + 1}): auid=4294967295 uid=0 gid=0 "
               f"ses=4294967295 pid={pid} {cs} sig=0 arch=c000003e syscall={nr} compat=0 "
               f"ip=0x7f{rng.randrange(16**10):010x} code=0x7ffc0000\n")
    if i % 50 == 0:
        buf.append(f"type=SYSCALL msg=audit({t + i // 1000}.{ms:03d}:{i + 1}): arch=c000003e syscall=59 "
                   f"success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1 pid={pid} auid=4294967295 "
                   f"uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 "
                   f"comm=\"{comm}\" exe=\"/usr/bin/x\" subj=unconfined key=(null)\n")
    if len(buf) >= 10000:
        out.write("".join(buf))
        buf.clear()
out.write("".join(buf))
