#!/usr/bin/env python3
# Usage: doc-examples.py ROOT FILE...
# Prints every scmplog example of the README (FILE.md: fenced sh blocks, the
# commands named in their comments after ": ", and inline `scmplog CMD ARG...`
# spans) and of the man pages (FILE.1: .nf/.fi blocks, roff escapes undone,
# continued lines joined), one per line:
#   SOURCE <TAB> KEY <TAB> COMMAND <TAB> OUTPUTS
# KEY is the command as written, without a trailing comment and with spaces
# collapsed (what a skip list names); COMMAND is the command as written with
# each absolute path whose directory exists under ROOT moved there (the fake
# root: /var/log/audit/audit.log* becomes ROOT/var/log/audit/audit.log*, while
# --exe /usr/bin/app stays); OUTPUTS are the files it writes with -o or >.
import os
import re
import sys
CMD = re.compile(r'(^|[|;&(]\s*|\bsudo\s+)scmplog\s')
def key(cmd):
    cmd = re.sub(r'\s+#(\s.*)?$', '', cmd)   # a trailing comment
    return re.sub(r'\s+', ' ', cmd).strip()
def from_lines(src, lines):
    out = []
    i = 0
    while i < len(lines):
        l = lines[i].rstrip('\n')
        while l.endswith('\\') and i + 1 < len(lines):
            i += 1
            l = l[:-1].rstrip() + ' ' + lines[i].strip()
        i += 1
        s = l.strip()
        if not s:
            continue
        if s.startswith('#'):
            m = re.search(r':\s+((?:\S+\s+)*?\S*scmplog\s.*?)\)\s*$', s)
            if m and CMD.search(m.group(1)):
                out.append((src, m.group(1).strip()))
            continue
        if CMD.search(s):
            out.append((src, s))
    return out
def readme(path):
    out, block, fence = [], [], None
    text = open(path).read().split('\n')
    for n, l in enumerate(text):
        if fence is None:
            m = re.match(r'^```(\w*)', l)
            if m:
                fence = m.group(1)
                block = []
                continue
            for span in re.findall(r'`([^`]+)`', l):
                if re.match(r'^(sudo )?scmplog [a-z-]+ \S', span):
                    out.append((path, span))
        elif l.startswith('```'):
            if fence in ('', 'sh', 'bash', 'console', 'shell'):
                out += from_lines(path, block)
            fence = None
        else:
            block.append(l)
    return out
def roff(path):
    out, on, block = [], False, []
    for l in open(path).read().split('\n'):
        if l.startswith('.nf'):
            on, block = True, []
        elif l.startswith('.fi'):
            on = False
            out += from_lines(path, block)
        elif on:
            for a, b in (('\\-', '-'), ('\\(aq', "'"), ('\\(dq', '"'), ('\\~', ' '), ('\\&', ''),
                         ('\\fB', ''), ('\\fI', ''), ('\\fR', ''), ('\\fP', ''), ('\\e', '\\')):
                l = l.replace(a, b)
            block.append(l)
    return out
def fake_root(root, cmd):
    def sub(m):
        path = m.group(2)
        d = os.path.dirname(path.rstrip('/'))
        if d != '/' and os.path.isdir(root + d):
            return m.group(1) + root + path
        return m.group(0)
    return re.sub(r'(^|[\s=<>|])(/[A-Za-z0-9._*/-]+)', sub, cmd)
def outputs(cmd):
    cmd = cmd[cmd.rfind('scmplog '):]  # the options of scmplog, not of the command piped into it
    return re.findall(r'(?:\s-o\s+|\s>\s*)([^\s;|&]+)', ' ' + re.sub(r'\s+#(\s.*)?$', '', cmd))
root = sys.argv[1]
ex = []
for p in sys.argv[2:]:
    ex += readme(p) if p.endswith('.md') else roff(p)
for src, cmd in ex:
    run = fake_root(root, cmd)
    print('\t'.join((os.path.basename(src), key(cmd), run, ' '.join(outputs(run)))))
