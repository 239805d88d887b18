#!/usr/bin/env bash
# gdbstub_overhead.sh - the cost of an attached gdb: runs bench/loopmix.asm
# plainly and under Debian's gdb in batch mode (target remote, continue) with
# no breakpoint, with a breakpoint on code that never runs, and with a write
# watchpoint on a page the program never touches, and prints the speed
# ratios.  The requirement is less than 5 % with none set; the other two show
# that breakpoints (checked per decoded block) and watchpoints (kept to their
# own pages by the TLB) cost little elsewhere (docs/debugging.md).
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

# the same with -S -gdb and gdb -batch doing target remote, the given
# commands, continue
with_gdb() {
    python3 - "$tarsier" "$work/loopmix.bin" "$@" <<'PY'
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
extra = [a for cmd in sys.argv[3:] for a in ("-ex", cmd)]
g = subprocess.run(["gdb", "-nx", "-batch", "-ex", "target remote 127.0.0.1:" + port] + extra + ["-ex", "continue"],
                   capture_output=True, text=True, timeout=600)
_, st, ru = os.wait4(p.pid, 0)
ok = "exited with code 01" in g.stdout and os.waitstatus_to_exitcode(st) == 1
print("%.4f" % (ru.ru_utime + ru.ru_stime) if ok else "FAIL")
PY
}

# each kind alternates with the others and keeps its best of R runs
bp_far="hbreak *0xe0000"                  # in the BIOS area, never executed
wp_far="watch *(int *)0x90000"            # a page loopmix never touches
best() { if [ -z "$1" ] || python3 -c "import sys; sys.exit(not ($2 < $1))"; then echo "$2"; else echo "$1"; fi; }
tp="" tg="" tb="" tw=""
for _ in $(seq "$repeat"); do
    for kind in plain gdb bp wp; do
        case $kind in
        plain) t=$(plain) ;;
        gdb) t=$(with_gdb) ;;
        bp) t=$(with_gdb "$bp_far") ;;
        wp) t=$(with_gdb "$wp_far") ;;
        esac
        [ "$t" = FAIL ] && { echo "gdbstub_overhead: the $kind run failed"; exit 2; }
        case $kind in
        plain) tp=$(best "$tp" "$t") ;;
        gdb) tg=$(best "$tg" "$t") ;;
        bp) tb=$(best "$tb" "$t") ;;
        wp) tw=$(best "$tw" "$t") ;;
        esac
    done
done
python3 - "$tp" "$tg" "$tb" "$tw" "$iters" <<'PY'
import sys
tp, tg, tb, tw = (float(x) for x in sys.argv[1:5])
iters = int(sys.argv[5])
print("loopmix, %d iterations, best of the runs (CPU seconds; ratio = plain / this):" % iters)
print("  plain:                                %.3f s" % tp)
for name, t in (("gdb attached, nothing set", tg), ("hbreak on code never run", tb),
                ("watch on an untouched page", tw)):
    print("  %-37s %.3f s  ratio %.3f  cost %+.1f %%" % (name + ":", t, tp / t, (t / tp - 1) * 100))
cost = (tg / tp - 1) * 100
print("gdb attached with nothing set costs %+.1f %% (limit 5 %%)" % cost)
sys.exit(0 if cost < 5 else 1)
PY
