#!/usr/bin/env bash
# shellcheck disable=SC2317  # the build_* functions are called indirectly
# run_bench.sh - tarsier interpreter speed on the loopmix ROM, against Bochs
# (and QEMU TCG when installed) measured in the same run.
#
# Usage: bench/run_bench.sh [options] [TARSIER_BINARY]
#   TARSIER_BINARY     default: <repo>/build/tarsier
#   --iters N          loop iterations (default 15000000, ~840M instructions)
#   --repeat R         run every emulator R times and keep the fastest (default 1)
#   --no-bochs         skip Bochs
#   --no-qemu          skip QEMU
#   --workdir DIR      keep the ROMs, configs and outputs in DIR
#                      (default: a fresh temporary directory, removed at the end
#                      unless a run failed)
#   --timeout S        per-run time limit in seconds (default 900)
#   --verify-count     only check the instruction-count formula: count the
#                      instructions of short runs (ITERS = 0, 1, 7) with QEMU
#                      single-stepping (-d exec) and with Bochs's tick counter
#
# Prints the guest instruction count (computed from the formula in
# loopmix.asm), each emulator's wall time and MIPS, its start-up time (the same
# ROM with ITERS=0) and loop-only MIPS, and the speed ratios tarsier/peer.
# Every emulator must print the same checksum.
#
# Exit status: 0 all ran and agreed; 1 a run failed or the checksums differ;
# 2 the tarsier binary is missing (the peers are still measured and reported).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
asm="$here/loopmix.asm"

iters=15000000
repeat=1
do_bochs=1
do_qemu=1
workdir=""
run_timeout=900
tarsier=""
verify=0

die() { echo "run_bench: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --iters) iters=${2:?}; shift 2 ;;
        --iters=*) iters=${1#*=}; shift ;;
        --repeat) repeat=${2:?}; shift 2 ;;
        --repeat=*) repeat=${1#*=}; shift ;;
        --no-bochs) do_bochs=0; shift ;;
        --no-qemu) do_qemu=0; shift ;;
        --workdir) workdir=${2:?}; shift 2 ;;
        --workdir=*) workdir=${1#*=}; shift ;;
        --timeout) run_timeout=${2:?}; shift 2 ;;
        --timeout=*) run_timeout=${1#*=}; shift ;;
        --verify-count) verify=1; shift ;;
        -h|--help) sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [ -z "$tarsier" ] || die "more than one tarsier binary given"; tarsier=$1; shift ;;
    esac
done
[ -n "$tarsier" ] || tarsier="$repo/build/tarsier"
case "$iters" in ''|*[!0-9]*) die "--iters needs a non-negative integer" ;; esac
case "$repeat" in ''|*[!0-9]*|0) die "--repeat needs a positive integer" ;; esac

command -v nasm >/dev/null 2>&1 || die "nasm not found (apt-get install nasm)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"

# ---------------------------------------------------------------------------
# Work directory and ROMs
# ---------------------------------------------------------------------------
keep_workdir=1
if [ -z "$workdir" ]; then
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/tarsier-bench.XXXXXX") || die "mktemp failed"
    keep_workdir=0
fi
mkdir -p "$workdir" || die "cannot create $workdir"
workdir=$(cd "$workdir" && pwd)

formula=$(grep -m1 '^; BENCH-FORMULA:' "$asm") || die "no BENCH-FORMULA line in $asm"
fixed=$(sed -n 's/.*FIXED=\([0-9]*\).*/\1/p' <<<"$formula")
per_iter=$(sed -n 's/.*PER_ITER=\([0-9]*\).*/\1/p' <<<"$formula")
{ [ -n "$fixed" ] && [ -n "$per_iter" ]; } || die "cannot parse: $formula"
insns=$((fixed + per_iter * iters))
insns0=$fixed

nasm -f bin -DITERS="$iters" -o "$workdir/loopmix.bin" "$asm" || die "nasm failed"
nasm -f bin -DITERS=0 -o "$workdir/loopmix0.bin" "$asm" || die "nasm failed"
for f in loopmix.bin loopmix0.bin; do
    [ "$(stat -c %s "$workdir/$f")" = 65536 ] || die "$f is not 64 KiB"
done

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }

failed=0
declare -A secs secs0 sums notes

# run_one LOG ACCEPTED_EXIT_CODES... -- CMD...
# Times CMD (wall clock, process start to exit) and prints the seconds;
# CMD's standard output goes to LOG, its standard error to LOG.err.
# Returns 1 if the exit code is not accepted.
run_one() {
    local log=$1; shift
    local ok_codes=()
    while [ "$1" != "--" ]; do ok_codes+=("$1"); shift; done
    shift
    local t0 t1 rc c
    t0=$(now)
    timeout "$run_timeout" "$@" </dev/null >"$log" 2>"$log.err"
    rc=$?
    t1=$(now)
    echo "exit status $rc" >>"$log"
    sub "$t1" "$t0"
    for c in "${ok_codes[@]}"; do [ "$rc" = "$c" ] && return 0; done
    return 1
}

# checksum FILE: the SUM= value, if DONE follows it
checksum() {
    local s
    s=$(grep -a -o 'SUM=[0-9a-f]\{8\}' "$1" 2>/dev/null | head -n1 | cut -d= -f2)
    grep -a -q '^DONE$' "$1" 2>/dev/null || s=""
    echo "$s"
}

# measure NAME BUILDER
# Runs NAME on the full ROM and on the ITERS=0 ROM, repeat times each, and
# keeps the fastest times.  BUILDER is called as BUILDER ROM OUTFILE LOG and
# must set the arrays cmd (the command line) and ok (accepted exit codes) and
# the variable con (the file that receives the port 0xE9 output).
measure() {
    local name=$1 builder=$2
    local best="" best0="" sum="" r t rom kind tag
    for kind in full zero; do
        if [ $kind = full ]; then rom="$workdir/loopmix.bin"; tag=""; else rom="$workdir/loopmix0.bin"; tag="0"; fi
        for ((r = 1; r <= repeat; r++)); do
            "$builder" "$rom" "$workdir/$name$tag.out" "$workdir/$name$tag.log"
            rm -f "$workdir/$name$tag.out"
            if ! t=$(run_one "$workdir/$name$tag.log" "${ok[@]}" -- "${cmd[@]}"); then
                notes[$name]="run failed ($(tail -n1 "$workdir/$name$tag.log"); see $workdir/$name$tag.log)"
                failed=1
                return 1
            fi
            local s
            s=$(checksum "$con")
            if [ -z "$s" ]; then
                notes[$name]="no SUM=/DONE on the debug console (see $con, $workdir/$name$tag.log)"
                failed=1
                return 1
            fi
            if [ $kind = full ]; then
                sum=$s
                if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
            else
                if [ -z "$best0" ] || awk -v a="$t" -v b="$best0" 'BEGIN { exit !(a < b) }'; then best0=$t; fi
            fi
        done
    done
    secs[$name]=$best
    secs0[$name]=$best0
    sums[$name]=$sum
    return 0
}

# ---------------------------------------------------------------------------
# --verify-count: the formula against instruction counts seen by the peers.
# QEMU (one instruction per translation block, logging every block executed)
# stops at the OUT to port 0xF4, so it runs FIXED + PER_ITER*ITERS - 2
# instructions (not CLI, HLT).  Bochs stops at the 8th OUT to port 0x8900 and
# logs its tick count, the number of instructions retired before that OUT,
# which is FIXED + PER_ITER*ITERS - 11.
# ---------------------------------------------------------------------------
if [ $verify = 1 ]; then
    bad=0
    q=$(command -v qemu-system-i386 || true)
    b=$(command -v bochs-bin || command -v bochs || true)
    [ -n "$q$b" ] || die "--verify-count needs qemu-system-i386 or bochs"
    for it in 0 1 7; do
        nasm -f bin -DITERS=$it -o "$workdir/v$it.bin" "$asm" || die "nasm failed"
        want=$((fixed + per_iter * it))
        if [ -n "$q" ]; then
            for step in "-accel tcg,one-insn-per-tb=on" "-singlestep"; do
                rm -f "$workdir/v$it.qlog"
                # shellcheck disable=SC2086
                timeout 120 "$q" -nodefaults -display none -m 16 -bios "$workdir/v$it.bin" \
                    -debugcon file:/dev/null -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
                    $step -d exec,nochain -D "$workdir/v$it.qlog" </dev/null >/dev/null 2>&1
                # (exit status 1 is both success and a rejected option)
                grep -q '^Trace' "$workdir/v$it.qlog" 2>/dev/null && break
            done
            got=$(grep -c '^Trace' "$workdir/v$it.qlog" 2>/dev/null)
            got=$((${got:-0} + 2))
            if [ "$got" = "$want" ]; then echo "ITERS=$it qemu:  $got instructions, formula $want: ok"
            else echo "ITERS=$it qemu:  $got instructions, formula $want: MISMATCH"; bad=1; fi
        fi
        if [ -n "$b" ]; then
            {
                echo "megs: 16"
                echo "romimage: file=$workdir/v$it.bin, address=0xffff0000"
                echo 'display_library: rfb, options="timeout=0"'
                echo "port_e9_hack: enabled=1"
                echo "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy"
                echo "speaker: enabled=0"
                echo "log: $workdir/v$it.bxlog"
            } >"$workdir/v$it.bxrc"
            echo c >"$workdir/bochs.rc"
            rcopt=()
            "$b" --help 2>&1 | grep -q -- '-rc filename' && rcopt=(-rc "$workdir/bochs.rc")
            timeout 120 "$b" -q -f "$workdir/v$it.bxrc" "${rcopt[@]}" </dev/null >/dev/null 2>&1
            got=$(sed -n 's/^0*\([0-9][0-9]*\)p.*Shutdown port.*/\1/p' "$workdir/v$it.bxlog" 2>/dev/null | head -n1)
            got=$((${got:-0} + 11))
            if [ "$got" = "$want" ]; then echo "ITERS=$it bochs: $got instructions, formula $want: ok"
            else echo "ITERS=$it bochs: $got instructions, formula $want: MISMATCH"; bad=1; fi
        fi
    done
    [ $keep_workdir = 1 ] || rm -rf "$workdir"
    exit $bad
fi

# ---------------------------------------------------------------------------
# Emulator command lines
# ---------------------------------------------------------------------------
build_tarsier() {
    cmd=("$tarsier" -bios "$1" -debugcon "file:$2" -exit-on-halt -cpu pentium-pro)
    ok=(0 1)        # 0: stopped at HLT; 1: the 0xF4 exit port, (0 << 1) | 1
    con=$2
}

bochs_bin=""
bochs_has_debugger=0
build_bochs() {
    local cfg
    cfg="$workdir/bochsrc.$(basename "$1" .bin)"
    # display: Debian's bochs has no "nogui" module; rfb with timeout=0 runs
    # headless (it only listens for a VNC client, never waits for one).
    # sound: the default ALSA driver aborts when the host has no sound card.
    cat >"$cfg" <<EOF
megs: 16
romimage: file=$1, address=0xffff0000
cpu: model=p2_klamath, count=1
display_library: rfb, options="timeout=0"
port_e9_hack: enabled=1
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0
log: $workdir/bochs.$(basename "$1" .bin).txt
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
    cmd=("$bochs_bin" -q -f "$cfg")
    if [ "$bochs_has_debugger" = 1 ]; then
        echo c >"$workdir/bochs.rc"     # the debugger's first prompt: continue
        cmd+=(-rc "$workdir/bochs.rc")
    fi
    # The ROM stops Bochs by writing "Shutdown" to port 0x8900, which Bochs
    # reports as a (fatal) panic and exits with status 1.  The port 0xE9
    # output goes to Bochs's standard output, i.e. the log file of run_one.
    ok=(1)
    con=$3
}

qemu_bin=""
build_qemu() {
    # shellcheck disable=SC2054  # the commas belong to QEMU's option syntax
    cmd=("$qemu_bin" -nodefaults -display none -machine pc -accel tcg -cpu pentium2 -m 16
         -bios "$1" -debugcon "file:$2"
         -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    ok=(1)          # isa-debug-exit: (0 << 1) | 1
    con=$2
}

# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------
echo "loopmix: ITERS=$iters, guest instructions = $fixed + $per_iter * $iters = $insns"
echo "host: $(uname -m), $(nproc 2>/dev/null || echo '?') CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
echo "repeat: $repeat (fastest run kept); work directory: $workdir"
echo


tarsier_missing=0
if [ -x "$tarsier" ] && [ -f "$tarsier" ]; then
    echo "running tarsier ($tarsier) ..." >&2
    measure tarsier build_tarsier
else
    tarsier_missing=1
    notes[tarsier]="binary not found: $tarsier (build: cmake -S . -B build && cmake --build build)"
fi

if [ $do_bochs = 1 ]; then
    if ! command -v bochs-bin >/dev/null 2>&1 && ! command -v bochs >/dev/null 2>&1 \
        || [ ! -e /usr/share/bochs/VGABIOS-lgpl-latest ]; then
        echo "bochs missing: installing bochs bochsbios vgabios ..." >&2
        inst() { DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -q bochs bochsbios vgabios >&2; }
        [ "$(id -u)" = 0 ] || SUDO=sudo
        inst || { ${SUDO:-} apt-get update -q >&2 && inst; }
    fi
    bochs_bin=$(command -v bochs-bin || command -v bochs || true)
    if [ -z "$bochs_bin" ]; then
        notes[bochs]="not installed and apt-get install failed"
        failed=1
    else
        "$bochs_bin" --help 2>&1 | grep -q -- '-rc filename' && bochs_has_debugger=1
        echo "running bochs ($bochs_bin) ..." >&2
        measure bochs build_bochs
    fi
fi

if [ $do_qemu = 1 ]; then
    qemu_bin=$(command -v qemu-system-i386 || true)
    if [ -n "$qemu_bin" ]; then
        echo "running qemu ($qemu_bin, TCG) ..." >&2
        measure qemu build_qemu
    else
        echo "qemu-system-i386 not found: QEMU skipped" >&2
    fi
fi

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
[ $tarsier_missing = 0 ] || echo "ERROR: tarsier ${notes[tarsier]}" >&2
mips() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", n / t / 1e6; else print "n/a" }'; }
loop_mips() {
    awk -v n="$1" -v n0="$2" -v t="$3" -v t0="$4" \
        'BEGIN { if (t - t0 > 0) printf "%.1f", (n - n0) / (t - t0) / 1e6; else print "n/a" }'
}

printf '%-9s %10s %10s %11s %11s  %-9s\n' emulator seconds MIPS startup_s loop_MIPS checksum
all_sums=$(for n in tarsier bochs qemu; do [ -z "${sums[$n]:-}" ] || echo "${sums[$n]}"; done | sort -u)
if [ "$(echo "$all_sums" | grep -c .)" -gt 1 ]; then
    notes[checksum]="checksums differ: $(for n in tarsier bochs qemu; do
        [ -z "${sums[$n]:-}" ] || printf '%s=%s ' "$n" "${sums[$n]}"; done)"
    failed=1
fi
for n in tarsier bochs qemu; do
    if [ -n "${secs[$n]:-}" ]; then
        printf '%-9s %10.3f %10s %11.3f %11s  %-9s\n' "$n" "${secs[$n]}" "$(mips "$insns" "${secs[$n]}")" \
            "${secs0[$n]}" "$(loop_mips "$insns" "$insns0" "${secs[$n]}" "${secs0[$n]}")" "${sums[$n]}"
    elif [ $n = tarsier ] && [ $tarsier_missing = 1 ]; then
        printf '%-9s %s\n' "$n" "NOT RUN: ${notes[$n]}"
    elif [ -n "${notes[$n]:-}" ]; then
        printf '%-9s %s\n' "$n" "FAILED: ${notes[$n]}"
    fi
done
echo

if [ -n "${secs[tarsier]:-}" ]; then
    for p in bochs qemu; do
        [ -n "${secs[$p]:-}" ] || continue
        total=$(awk -v a="${secs[$p]}" -v b="${secs[tarsier]}" 'BEGIN { printf "%.3f", a / b }')
        loop=$(awk -v a="${secs[$p]}" -v a0="${secs0[$p]}" -v b="${secs[tarsier]}" -v b0="${secs0[tarsier]}" \
            'BEGIN { if (a - a0 > 0 && b - b0 > 0) printf "%.3f", (a - a0) / (b - b0); else print "n/a" }')
        echo "ratio tarsier/$p speed: $total (loop only: $loop)"
    done
else
    echo "ratio tarsier/peer speed: n/a (tarsier not measured)"
fi

[ -z "${notes[checksum]:-}" ] || echo "ERROR: ${notes[checksum]}" >&2

if [ $failed = 0 ] && [ $keep_workdir = 0 ]; then
    rm -rf "$workdir"
elif [ $failed != 0 ]; then
    echo "outputs kept in $workdir" >&2
fi

[ $failed = 0 ] || exit 1
[ $tarsier_missing = 0 ] || exit 2
exit 0
