#!/usr/bin/env python3
"""Write the hand-made and quoted files of tests/data/forms/ (see README.md there).

Quoted samples are copied from the public documents named before each one;
hand-made ones are derived from our own captures (tests/data/*.log) by the
one change their comment names.  Each case is "# expect: ..." (the format of
tests/data/malformed.log, checked by tests/unit/test-fixtures.c) then the line.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)


def first(name, *needles):
    with open(os.path.join(DATA, name), 'rb') as f:
        for raw in f:
            line = raw.decode('utf-8', 'surrogateescape').rstrip('\n')
            if all(n in line for n in needles):
                return line
    raise SystemExit(f'{name}: no line with {needles}')


FLAGS = ('time_local', 'time_ambiguous', 'arch_assumed', 'code_undefined', 'no_host')


def flags_first(exp):
    """Flags before the key=value pairs: a bare token after one continues its value (subj=)."""
    head, sep, why = exp.partition(' -- ')
    words = head.split(' ')
    if words[0] != 'record':
        return exp
    flags = [w for w in words[1:] if w in FLAGS]
    rest = [w for w in words[1:] if w not in FLAGS]
    return ' '.join(['record'] + flags + rest) + sep + why


def write(name, header, cases):
    with open(os.path.join(HERE, name), 'w', encoding='utf-8', newline='\n') as f:
        for h in header:
            f.write('# ' + h + '\n' if h else '#\n')
        for c in cases:
            if c[0] == 'note':
                f.write('# ' + c[1] + '\n')
                continue
            f.write(f'# expect: {flags_first(c[0])}\n{c[1]}\n')


RAW_ERRNO = first('audit-raw.log', 'type=SECCOMP', 'code=0x50000')
RAW_LOG = first('audit-raw.log', 'type=SECCOMP', 'syscall=59', 'code=0x7ffc0000')
RAW_X86 = first('audit-raw.log', 'type=SECCOMP', 'arch=40000003', 'code=0x7ffc0000')
ENR_X86 = first('audit-enriched.log', 'type=SECCOMP', 'arch=40000003', 'code=0x7ffc0000')
ENR_KILL = first('audit-enriched.log', 'type=SECCOMP', 'code=0x80000000')
SYSLOG = first('syslog-traditional.log', 'kernel: [', 'type=1326', 'syscall=59')
SHORT = first('journal-short.txt', 'audit[', ': SECCOMP ', 'syscall=59')
SHORT_KERNEL = first('journal-short.txt', 'kernel: audit: type=1326', 'syscall=59')
DMESG = first('dmesg.log', 'audit: type=1326', 'syscall=59')


def body(line):
    return line[line.index('audit('):]


# ENRICHED without its separator
write('enriched-lost-separator.log', [
    'scmplog forms corpus: ENRICHED audit.log records whose 0x1d separator is gone.',
    'See README.md in this directory for every file\'s provenance.',
], [
    ('note', 'source: kubernetes-sigs/security-profiles-operator, internal/pkg/daemon/enricher/source/audit_test.go'),
    ('note', '(Test_isAuditLine, Test_extractAuditLine): separator lost in the test fixture'),
    ('record arch=c000003e syscall=3 code=0x7ffc0000 pid=2039886 comm=ls exe=/bin/ls subj=system_u:system_r:spc_t:s0:c284,c594',
     'type=SECCOMP msg=audit(1613596317.899:6461): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=system_u:system_r:spc_t:s0:c284,c594 pid=2039886 comm="ls" exe="/bin/ls" sig=0 arch=c000003e syscall=3 compat=0 ip=0x7f62dce3d4c7 code=0x7ffc0000AUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=close'),
    ('record arch=c000003e syscall=56 code=0x7ffc0000 pid=72503 comm=sh exe=/bin/dash',
     'type=SECCOMP msg=audit(1744780616.598:836036): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=system_u:system_r:container_t:s0:c83,c152 pid=72503 comm="sh" exe="/bin/dash" sig=0 arch=c000003e syscall=56 compat=0 ip=0x7fe2ff5017be code=0x7ffc0000AUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=clone'),
    ('note', 'hand-made: our audit-enriched.log capture with the 0x1d byte deleted, as a copy and paste does'),
    ('record arch=40000003 compat=1 code=0x7ffc0000', ENR_X86.replace('\x1d', '')),
    ('record code=0x80000000 sig=31', ENR_KILL.replace('\x1d', '')),
    ('note', 'hand-made: the same with the separator written out by other tools ("\\x1d", "^]")'),
    ('record code=0x80000000 sig=31', ENR_KILL.replace('\x1d', '\\x1d')),
    ('record code=0x80000000 sig=31', ENR_KILL.replace('\x1d', '^]')),
])

# undefined actions and the data bits of old kernels
write('undefined-action.log', [
    'scmplog forms corpus: action codes outside the defined set.',
    'kernel/seccomp.c __seccomp_filter(): "case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_KILL_PROCESS:',
    'default:" -- any action the kernel does not define kills the process, and seccomp_log() logs it',
    'with the action as it was (code=0xffff0000) and sig=31.',
], [
    ('note', 'hand-made from our audit-raw.log capture, code= changed'),
    ('record code=0x80000000 code_undefined', RAW_ERRNO.replace('code=0x50000', 'code=0xffff0000')),
    ('record code=0x80000000 code_undefined', RAW_ERRNO.replace('code=0x50000', 'code=0x12340000')),
    ('note', 'hand-made: 3.5-3.7 kernels logged the data bits (see old-kernels.log): errno 1'),
    ('record code=0x50000', RAW_ERRNO.replace('code=0x50000', 'code=0x50001')),
    ('note', 'hand-made: cut inside code= (printk stops at 1021 characters): not an action'),
    ('skip truncated', RAW_LOG.replace('code=0x7ffc0000', 'code=0x7ffc00')),
    ('skip bad_code -- allow is never logged', RAW_ERRNO.replace('code=0x50000', 'code=0x7fff0000')),
])

# old kernels
write('old-kernels.log', [
    'scmplog forms corpus: records of kernels before 3.16 (no arch=) and 3.5-3.7 (ANOM_ABEND, type=1701).',
    'kernel 3.5-3.7 auditsc.c __audit_seccomp(): audit_log_abend(ab, "seccomp", signr) + syscall= compat=',
    'ip= code= in an AUDIT_ANOM_ABEND record; 3.8 made it AUDIT_SECCOMP (1326) with exe=; 3.16 added arch=.',
], [
    ('note', 'source: AskUbuntu question 226578, "Why is there seccomp events related to Google Chrome in'),
    ('note', 'syslog?" (Ubuntu 12.10, kernel 3.5), as mirrored at https://newbetuts.com/226578-...'),
    ('skip no_arch',
     'Dec  7 13:11:02 mycomp-sys76 kernel: [ 8371.604406] type=1701 audit(1354903862.279:314): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8859 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=0 ip=0x7f8ebb41b205 code=0x50000'),
    ('skip no_arch',
     'Dec  7 13:11:02 mycomp-sys76 kernel: [ 8371.810789] type=1701 audit(1354903862.487:318): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8868 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=0 ip=0x7f8ebb41b205 code=0x50000'),
    ('note', 'hand-made: the same record as auditd wrote it then (type=ANOM_ABEND)'),
    ('skip no_arch',
     'type=ANOM_ABEND msg=audit(1354903862.279:314): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8859 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=0 ip=0x7f8ebb41b205 code=0x50000'),
    ('note', 'hand-made: a core dump is an ANOM_ABEND record too, without reason="seccomp": not ours'),
    ('other',
     'type=ANOM_ABEND msg=audit(1354903862.300:320): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8870 comm="chrome" reason="memory violation" sig=11'),
    ('note', 'hand-made: a 3.8-3.15 SECCOMP record (our capture without arch=)'),
    ('skip no_arch', RAW_ERRNO.replace(' arch=c000003e', '')),
    ('note', 'the printk rate-limit notice of kernels before 4.10 (the 3.5 dmesg of the question above)'),
    ('suppressed 54', '[  629.474022] audit_printk_skb: 54 callbacks suppressed'),
])

# the same, read with --assume-arch x86_64 (the unit test sets it from the header)
write('old-kernels-assumed.log', [
    'scmplog forms corpus: old-kernels.log\'s records read with --assume-arch x86_64.',
    'assume-arch: c000003e',
], [
    ('note', 'source: AskUbuntu question 226578 (see old-kernels.log)'),
    ('record arch=c000003e syscall=4 code=0x50000 arch_assumed host=mycomp-sys76',
     'Dec  7 13:11:02 mycomp-sys76 kernel: [ 8371.604406] type=1701 audit(1354903862.279:314): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8859 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=0 ip=0x7f8ebb41b205 code=0x50000'),
    ('note', 'hand-made: compat=1 on an x86_64 machine is an i386 syscall'),
    ('record arch=40000003 syscall=4 code=0x50000 arch_assumed',
     'type=ANOM_ABEND msg=audit(1354903862.279:314): auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8859 comm="chrome" reason="seccomp" sig=0 syscall=4 compat=1 ip=0xb37dd424 code=0x50000'),
    ('note', 'hand-made: our capture without arch='),
    ('record arch=c000003e syscall=83 code=0x50000 arch_assumed', RAW_ERRNO.replace(' arch=c000003e', '')),
])

# hosts
write('hosts.log', [
    'scmplog forms corpus: syslog and journal short lines and where their host is.',
], [
    ('note', 'hand-made from our syslog-traditional.log capture: a printk caller id (CONFIG_PRINTK_CALLER)'),
    ('record host=vm syscall=59',
     SYSLOG.replace('] audit: ', '][   T55] audit: ', 1)),
    ('note', 'hand-made: a <PRI> kept in front (a relay, or rsyslog\'s RSYSLOG_ForwardFormat; see rsyslog-pri.log)'),
    ('record host=vm syscall=59', '<5>' + SYSLOG),
    ('note', 'hand-made: RFC 5424 (see rsyslog-rfc5424.log for rsyslog\'s own)'),
    ('record host=vm syscall=59', '<5>1 2026-11-26T16:30:35.976000+00:00 vm kernel - - - ' + SYSLOG.split('kernel: ', 1)[1]),
    ('note', 'hand-made from our journal-short.txt capture: journalctl prints no host for an entry without'),
    ('note', '_HOSTNAME (systemd src/shared/logs-show.c output_short()): the time is not a host'),
    ('record syscall=59 no_host', SHORT.replace(' vm audit[', ' audit[', 1)),
    ('record syscall=59 no_host', '1795710754.123456 ' + SHORT.split(' vm ', 1)[1]),
    ('record syscall=59 no_host', '[ 4536.274788] ' + SHORT.split(' vm ', 1)[1]),
    ('record syscall=59 no_host', SYSLOG.replace(' vm kernel:', ' kernel:', 1)),
    ('note', 'an IPv4 address is a host (rsyslog writes one when it cannot resolve the sender)'),
    ('record syscall=59 host=10.0.0.7', SYSLOG.replace(' vm kernel:', ' 10.0.0.7 kernel:', 1)),
])

# bare netlink bodies and journal MESSAGEs without the type name
write('bare-body.log', [
    'scmplog forms corpus: the netlink payload alone, as tools that log the payload write it.',
    'hand-made from our audit-raw.log capture: "type=SECCOMP msg=" removed (KERNEL-FACTS: netlink',
    'multicast delivers nlmsghdr type 1326 + this body).',
], [
    ('record arch=c000003e syscall=83 code=0x50000', body(RAW_ERRNO)),
    ('record arch=40000003 compat=1', body(RAW_X86)),
    ('note', 'and without its audit(T:S) header (a shipper that keeps the fields only)'),
    ('record arch=c000003e syscall=83 code=0x50000', body(RAW_ERRNO).split('): ', 1)[1]),
    ('note', 'a core dump\'s ANOM_ABEND body has no syscall=: not ours'),
    ('other', 'auid=4294967295 uid=1000 gid=1000 ses=4294967295 pid=8870 comm="chrome" exe="/opt/chrome" sig=11 res=1'),
    ('note', 'a SYSCALL record\'s body is not a SECCOMP one'),
    ('other', 'audit(1795710696.380:33634029): arch=c000003e syscall=83 success=no exit=-1 a0=7ffd a1=1ff a2=0 a3=0 items=1 ppid=1 pid=29421 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="gen" exe="/tmp/gen" key=(null)'),
])

# DST: Europe/Berlin fell back from 03:00 CEST to 02:00 CET on 2022-10-30
write('ausearch-i-dst.log', [
    'scmplog forms corpus: ausearch -i local times around a DST change (Europe/Berlin, 2022).',
    'tz: Europe/Berlin',
    'hand-made in the form of ausearch-i.log (our capture), times chosen around the changes.',
], [
    ('record time=1667082600.001 time_local -- 01:30 CEST, unambiguous',
     'type=SECCOMP msg=audit(10/30/22 00:30:00.001:1) : auid=unset uid=root gid=root ses=unset pid=1 comm=a exe=/a sig=SIG0 arch=x86_64 syscall=read compat=0 ip=0x1 code=log'),
    ('record time=1667089800.002 time_ambiguous -- 02:30 occurs twice: the earlier (CEST) instant',
     'type=SECCOMP msg=audit(10/30/22 02:30:00.002:2) : auid=unset uid=root gid=root ses=unset pid=1 comm=a exe=/a sig=SIG0 arch=x86_64 syscall=read compat=0 ip=0x1 code=log'),
    ('skip bad_header -- 02:30 on 2022-03-27 never happened in Berlin',
     'type=SECCOMP msg=audit(03/27/22 02:30:00.003:3) : auid=unset uid=root gid=root ses=unset pid=1 comm=a exe=/a sig=SIG0 arch=x86_64 syscall=read compat=0 ip=0x1 code=log'),
])

# ausearch -i in documents: their time zones are known from the same document
HAKO = 'auid=johndoe uid=johndoe gid=johndoe ses=1 pid=3443 comm={c} exe=/usr/bin/{c} sig=SIG0 arch=x86_64 syscall={s} compat=0 ip={ip} code=log'
write('ausearch-i-hakoniwa.log', [
    'scmplog forms corpus: ausearch -i output quoted in a project\'s documentation.',
    'source: souk4711/hakoniwa, "Howto - Track all syscalls invoked in realtime" (hakoniwa-cli/examples,',
    '2022): the same document logs the run at 2022-08-22T09:15:56Z, and ausearch printed 17:15:56:',
    'the machine was on UTC+8.',
    'tz: Asia/Shanghai',
], [
    ('record time=1661159756.273 serial=401 arch=c000003e syscall=59 code=0x7ffc0000 sig=0 pid=3443 comm=hakoniwa exe=/usr/bin/hakoniwa time_local',
     'type=SECCOMP msg=audit(08/22/2022 17:15:56.273:401) : ' + HAKO.format(c='hakoniwa', s='execve', ip='0x7fb5638f2d1b')),
    ('record serial=402 syscall=12 comm=echo',
     'type=SECCOMP msg=audit(08/22/2022 17:15:56.273:402) : ' + HAKO.format(c='echo', s='brk', ip='0x7f20657f380b')),
    ('record serial=468 syscall=3',
     'type=SECCOMP msg=audit(08/22/2022 17:15:56.273:468) : ' + HAKO.format(c='echo', s='close', ip='0x7f20656e5b0b')),
    ('record serial=470 syscall=231',
     'type=SECCOMP msg=audit(08/22/2022 17:15:56.273:470) : ' + HAKO.format(c='echo', s='exit_group', ip='0x7f20656bc661')),
])
write('ausearch-i-chromeos.log', [
    'scmplog forms corpus: ausearch -i output in another project\'s test.',
    'source: ChromiumOS platform2, debugd/src/helpers/audit_log_utils_test.cc ("Taken from',
    '`ausearch --interpret --message SECCOMP`"; its raw twin there is audit(1750922692.830:4911) ...',
    'arch=c00000b7 syscall=227: the machine was on UTC+10).  C locale date (06/26/25), audit < 2.8',
    'action name "kill" (SECCOMP_RET_KILL, now kill-thread), a user name for uid.',
    'tz: Australia/Brisbane',
], [
    ('record time=1750922692.830 serial=4911 arch=c00000b7 syscall=227 code=0x0 sig=31 pid=83658 comm=AsyncLocalStore exe=/opt/google/drive-file-stream/drivefs subj=u:r:cros_disks:s0',
     'type=SECCOMP msg=audit(06/26/25 17:24:52.830:4911) : auid=unset uid=chronos gid=chronos-access ses=unset subj=u:r:cros_disks:s0 pid=83658 comm=AsyncLocalStore exe=/opt/google/drive-file-stream/drivefs sig=SIGSYS arch=aarch64 syscall=msync compat=0 ip=0x7d0767988c code=kill unknown_tag=value'),
    ('note', 'hand-made: a name ausearch could print but no table has, and a date no format reads'),
    ('skip bad_name',
     'type=SECCOMP msg=audit(06/26/25 17:24:52.830:4912) : auid=unset pid=1 comm=a exe=/a sig=SIGSYS arch=aarch64 syscall=no_such_call compat=0 ip=0x1 code=kill'),
    ('skip bad_header',
     'type=SECCOMP msg=audit(26-06-2025 17:24:52.830:4913) : auid=unset pid=1 comm=a exe=/a sig=SIGSYS arch=aarch64 syscall=msync compat=0 ip=0x1 code=kill'),
])

# journal json entries of type 1326 whose MESSAGE lacks "SECCOMP "
JBODY = body(RAW_LOG).split('): ', 1)[1]
with open(os.path.join(HERE, 'journal-json-noprefix.txt'), 'w', encoding='utf-8', newline='\n') as f:
    # hand-made from journal-json.txt's audit entries: systemd's journald-audit.c names a type it
    # has no name for "AUDIT<N>"; a shipper that stores the body alone drops the prefix
    for i, msg in enumerate(['AUDIT1326 ' + JBODY, JBODY, 'SECCOMP ' + JBODY]):
        f.write('{"_TRANSPORT":"audit","_AUDIT_TYPE":"1326","_AUDIT_ID":"%d","_HOSTNAME":"vm",'
                '"_SOURCE_REALTIME_TIMESTAMP":"1795710696380000","MESSAGE":"%s"}\n'
                % (900 + i, msg.replace('"', '\\"')))
    f.write('{"_TRANSPORT":"audit","_AUDIT_TYPE":"1326","_AUDIT_ID":"903","MESSAGE":"hello"}\n')
