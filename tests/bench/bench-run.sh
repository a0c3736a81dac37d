#!/usr/bin/env bash
# Benchmark: the overhead of `scmplog run` on a syscall-heavy job and on
# ordinary jobs, against, in the same run: unconfined, `strace -f` (the ptrace
# way), bpftrace on raw_syscalls:sys_enter (the eBPF way of
# oci-seccomp-bpf-hook), and scmplog's complain mode on a second run.
# Prints mean wall times (hyperfine) and ratios, and what every scmplog run of a
# job lost (they run with --allow-loss so that hyperfine times them all, but a
# loss is shown, never hidden: "lossless at any rate" is a goal); root only.
# Usage: tests/bench/bench-run.sh [DD_COUNT]   (default 200000 one-byte copies)
set -uo pipefail
: "${SCMPLOG:?set SCMPLOG}"
[ "$(id -u)" -eq 0 ] || { echo "bench-run: needs root (the kernel's audit stream)" >&2; exit 1; }
n=${1:-200000}
for t in hyperfine strace python3 gcc tar; do
	command -v "$t" >/dev/null || { echo "bench-run: '$t' missing: sudo sh tests/install-deps.sh --bench" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have_bpf=0
if command -v bpftrace >/dev/null; then
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	if timeout 20 bpftrace -q -e 'tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @[args->id] = count(); }' -c /bin/true >/dev/null 2>&1; then
		have_bpf=1
	else
		echo "bench-run: bpftrace cannot attach here; its column is left out" >&2
	fi
fi

# the jobs
mkdir -p "$work/proj"
for i in 1 2 3 4 5 6; do
	printf '#include <stdio.h>\n#include <string.h>\nint f%d(const char *s) { return (int)strlen(s) * %d; }\n' "$i" "$i" >"$work/proj/f$i.c"
done
printf 'int f1(const char*);\nint main(void) { return f1("x") - 1; }\n' >"$work/proj/main.c"
cat >"$work/imports.py" <<'PY'
import json, sqlite3, email.parser, http.client, xml.dom.minidom, argparse, decimal, asyncio, unittest, logging
print(len(json.dumps({"a": 1})))
PY
declare -A job
job[dd]="dd if=/dev/zero of=/dev/null bs=1 count=$n status=none"
job[cc]="sh -c 'cd $work/proj && gcc -O1 -o prog *.c'"
job[tar]="tar czf $work/doc.tgz -C /usr/share/doc ."
job[python]="python3 $work/imports.py"

# the kernel's own cost of logging: the same log filter, nobody collecting
"$SCMPLOG" log-profile -o "$work/log.json" || exit 1
printf '\n%-8s %10s %10s %10s %10s %10s %10s   %s\n' job unconfined logfilter scmplog complain strace bpftrace "ratios (vs unconfined; strace/scmplog); records lost by each scmplog run"
for j in dd cc tar python; do
	cmd=${job[$j]}
	# Every scmplog run appends its summary ("N records of ... M lost") to
	# $j.loss (complain mode: $j.closs).
	: >"$work/$j.loss"
	: >"$work/$j.closs"
	# learn once for complain mode (P), then measure everything in one hyperfine run
	eval "$SCMPLOG run --allow-loss -o $work/$j.json -- $cmd" >/dev/null 2>>"$work/$j.loss"
	args=(-n unconfined "$cmd"
		-n logfilter "$SCMPLOG exec -q -p $work/log.json -- $cmd"
		-n scmplog "$SCMPLOG run --allow-loss -o $work/$j.out.json -- $cmd 2>>$work/$j.loss"
		-n complain "$SCMPLOG run --allow-loss --allow-known $work/$j.json -o $work/$j.c.json -- $cmd 2>>$work/$j.closs")
	# bpftrace -c wants an absolute path and follows one pid: trace every
	# syscall on the host while the job runs (the probe fires on each anyway)
	printf '#!/bin/sh\n%s\n' "$cmd" >"$work/$j.sh"
	chmod +x "$work/$j.sh"
	[ "$have_bpf" = 1 ] && args+=(-n bpftrace "bpftrace -q -e 'tracepoint:raw_syscalls:sys_enter { @[args->id] = count(); }' -c \"/bin/sh $work/$j.sh\"")
	hyperfine -w 1 -r 3 -i --export-json "$work/$j.json.h" "${args[@]}" >/dev/null 2>&1
	hyperfine -r 1 -i --export-json "$work/$j.strace.h" -n strace "strace -f -qq -o /dev/null $cmd" >/dev/null 2>&1
	python3 - "$j" "$work/$j.loss" "$work/$j.closs" "$work/$j.json.h" "$work/$j.strace.h" <<'PY'
import json, re, sys
r = {}
for f in sys.argv[4:]:
    for x in json.load(open(f))["results"]:
        r[x["command"]] = x["mean"]
# one summary line per scmplog run: "scmplog: N records of 'X' read ..., M lost"
def lost(f):
    n = [m.group(1) for m in re.finditer(r"^scmplog: \d+ records of .*?, (\d+) lost", open(f).read(), re.M)]
    return ",".join(n) if n else "? (no summary)"
loss = f"lost per run: scmplog {lost(sys.argv[2])}, complain {lost(sys.argv[3])}"
u = r["unconfined"]; lf = r["logfilter"]; s = r["scmplog"]; c = r["complain"]; st = r["strace"]; b = r.get("bpftrace")
fmt = lambda v: f"{v:9.3f}s" if v is not None else "        -"
print(f"{sys.argv[1]:<8} {fmt(u)} {fmt(lf)} {fmt(s)} {fmt(c)} {fmt(st)} {fmt(b)}   "
      f"scmplog {s/u:.1f}x (collecting adds {s/lf:.2f}x to the kernel's logging), complain {c/u:.2f}x, strace -f {st/u:.1f}x; scmplog is {st/s:.1f}x faster than strace -f"
      + (f", bpftrace {b/u:.1f}x" if b else "") + f"; {loss}")
PY
done
# the collector's own CPU on the syscall-heavy job, apart from the job's
echo
eval "$SCMPLOG run -v --allow-loss -o $work/v.json -- ${job[dd]}" 2>&1 >/dev/null | grep -E "collector CPU|records of|lost"
/usr/bin/time -f "dd alone under the log filter + collector: %U s user, %S s system (whole tree)" \
	bash -c "$SCMPLOG run -q --allow-loss -o $work/v.json -- ${job[dd]}" 2>&1 | tail -n 1
