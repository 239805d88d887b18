#!/usr/bin/env bash
# gdbstub_overhead.sh - the cost of an attached gdb that sets no breakpoint:
# runs bench/loopmix.asm once plainly and once under Debian's gdb in batch mode
# (target remote, continue) and prints the speed ratio.  The requirement is
# less than 5 % (docs/debugging.md).
#
# usage: bench/gdbstub_overhead.sh [--iters N] [--repeat R] [TARSIER_BINARY]
#   default: 4000000 iterations (~220M instructions), best of 3 runs each,
#   alternating, measured as tarsier's CPU time (user + system).
# Exit status: 0 overhead < 5 %, 1 more, 2 missing tools or a failed run.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
iters=4000000 repeat=3 tarsier="$here/../build/tarsier"
while [ $# -gt 0 ]; do
    case $1 in
    --iters) iters=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) tarsier=$1; shift ;;
    esac
done
for t in nasm gdb python3; do
    command -v $t >/dev/null || { echo "gdbstub_overhead: $t is not installed"; exit 2; }
done
[ -x "$tarsier" ] || { echo "gdbstub_overhead: no tarsier binary at $tarsier"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nasm -f bin -DITERS="$iters" -o "$work/loopmix.bin" "$here/loopmix.asm" || exit 2

# CPU seconds (user + system) of tarsier for one plain run (the exit port
# gives status 1); CPU time rather than wall time, so that other load on the
# host disturbs the comparison less
plain() {
    python3 - "$tarsier" "$work/loopmix.bin" <<'PY'
import os, subprocess, sys
p = subprocess.Popen([sys.argv[1], "-bios", sys.argv[2], "-debugcon", "file:/dev/null", "-exit-on-halt"])
_, st, ru = os.wait4(p.pid, 0)
print("%.4f" % (ru.ru_utime + ru.ru_stime) if os.waitstatus_to_exitcode(st) == 1 else "FAIL")
PY
}

# the same with -S -gdb and gdb -batch doing target remote + continue
with_gdb() {
    python3 - "$tarsier" "$work/loopmix.bin" <<'PY'
import os, re, subprocess, sys
p = subprocess.Popen([sys.argv[1], "-bios", sys.argv[2], "-debugcon", "file:/dev/null", "-exit-on-halt",
                      "-S", "-gdb", "tcp:127.0.0.1:0"], stderr=subprocess.PIPE)
port = None
while port is None:
    line = p.stderr.readline().decode()
    if not line:
        break
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    port = m and m.group(1)
if port is None:
    print("FAIL"); sys.exit()
g = subprocess.run(["gdb", "-nx", "-batch", "-ex", "target remote 127.0.0.1:" + port, "-ex", "continue"],
                   capture_output=True, text=True, timeout=600)
_, st, ru = os.wait4(p.pid, 0)
ok = "exited with code 01" in g.stdout and os.waitstatus_to_exitcode(st) == 1
print("%.4f" % (ru.ru_utime + ru.ru_stime) if ok else "FAIL")
PY
}

# the two alternate, and each keeps its best of R runs
tp="" tg=""
for _ in $(seq "$repeat"); do
    for kind in plain with_gdb; do
        t=$($kind)
        [ "$t" = FAIL ] && { echo "gdbstub_overhead: the $kind run failed"; exit 2; }
        if [ $kind = plain ]; then
            if [ -z "$tp" ] || python3 -c "import sys; sys.exit(not ($t < $tp))"; then tp=$t; fi
        else
            if [ -z "$tg" ] || python3 -c "import sys; sys.exit(not ($t < $tg))"; then tg=$t; fi
        fi
    done
done
if [ "$tp" = FAIL ] || [ "$tg" = FAIL ]; then
    echo "gdbstub_overhead: a run failed (plain: $tp, with gdb: $tg)"
    exit 2
fi
python3 - "$tp" "$tg" "$iters" <<'PY'
import sys
tp, tg, iters = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
cost = (tg / tp - 1) * 100
print("loopmix, %d iterations, best of the runs:" % iters)
print("  plain:                 %.3f s of CPU time" % tp)
print("  gdb attached (no bp):  %.3f s of CPU time" % tg)
print("  speed ratio plain/gdb: %.3f, cost %+.1f %% (limit 5 %%)" % (tg / tp, cost))
sys.exit(0 if cost < 5 else 1)
PY
