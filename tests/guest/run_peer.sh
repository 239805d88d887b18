#!/bin/sh
# run_peer.sh - run one tarsier guest test on a reference emulator.
#
#   tests/guest/run_peer.sh qemu|bochs TEST[.asm|.bin] [timeout-seconds]
#   tests/guest/run_peer.sh qemu|bochs all      (every test, one line each)
#
# Assembles TEST.asm (nasm -f bin) if given a source, runs the 64 KiB image as
# the machine's only ROM (no BIOS), collects what the guest writes to port
# 0xE9, prints it, and exits 0 iff the last line is "PASS".  Neither peer
# exits on `cli; hlt`, so the script stops the peer as soon as a PASS/FAIL
# line appears (or at the timeout).  Missing tools are installed with apt-get.
# Environment: QEMU_CPU (default pentium3), BOCHS_CPU (default
# p3_katmai), KEEP=1 keeps the work directory.
set -u
peer=${1:?usage: run_peer.sh qemu|bochs TEST [timeout]}
test=${2:?usage: run_peer.sh qemu|bochs TEST [timeout]}
tmo=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)

if [ "$test" = all ]; then
    rc=0
    for src in "$here"/*.asm; do
        name=$(basename "$src" .asm)
        [ "$name" = demo ] && continue
        last=$("$0" "$peer" "$src" "$tmo" 2>/dev/null | grep -a -v '^$' | tail -n 1)
        if [ "$last" = PASS ]; then echo "$peer $name: PASS"
        else echo "$peer $name: ${last:-no output}"; rc=1; fi
    done
    exit $rc
fi

need() { # need CMD PACKAGE...
    command -v "$1" >/dev/null 2>&1 && return 0
    cmd=$1; shift
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get install -y "$@" >/dev/null || { echo "cannot install $*" >&2; exit 2; }
    command -v "$cmd" >/dev/null 2>&1 || { echo "$cmd missing" >&2; exit 2; }
}

work=$(mktemp -d /tmp/tarsier-peer.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
case $test in
*.asm)
    need nasm nasm
    bin=$work/$(basename "$test" .asm).bin
    nasm -f bin -I "$here/" -o "$bin" "$test" || exit 2 ;;
*)  bin=$test ;;
esac
out=$work/out.txt
: > "$out"

case $peer in
qemu)
    need qemu-system-i386 qemu-system-x86
    qemu-system-i386 -bios "$bin" -debugcon "file:$out" -display none \
        -no-reboot -m 32 -cpu "${QEMU_CPU:-pentium3}" \
        -monitor none -serial none -parallel none -net none \
        >"$work/peer.log" 2>&1 &
    pid=$! ;;
bochs)
    need bochs bochs bochsbios vgabios
    cat > "$work/bochsrc" <<RC
megs: 32
romimage: file="$bin"
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=${BOCHS_CPU:-p3_katmai}, count=1, reset_on_triple_fault=0
display_library: rfb, options="timeout=0"
plugin_ctrl: speaker=0, gameport=0, parallel=0, serial=0, iodebug=0, biosdev=0, extfpuirq=0, sb16=0, es1370=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
port_e9_hack: enabled=1
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
RC
    # Debian's bochs has the debugger built in: tell it to continue.  It
    # writes the port-0xE9 output to its stdout, after a banner and the
    # debugger's first prompt, which are filtered out below.
    # (The ROM goes at the top of the 4 GiB space; bochs aliases it at 0xF0000.)
    echo c > "$work/dbg.rc"
    (cd "$work" && exec bochs -q -f "$work/bochsrc" -rc "$work/dbg.rc" \
        >"$work/raw.txt" 2>"$work/peer.log") &
    pid=$! ;;
*)  echo "unknown peer $peer" >&2; exit 2 ;;
esac

[ "$peer" = bochs ] && out=$work/raw.txt
t=0
while [ $t -lt $((tmo * 10)) ]; do
    if grep -qa -e '^PASS$' -e '^FAIL' "$out" 2>/dev/null; then sleep 0.2; break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.1; t=$((t + 1))
done
kill $pid 2>/dev/null; wait $pid 2>/dev/null

if [ "$peer" = bochs ]; then
    sed -e '1,/^<bochs:1>\|^(0) \[/d' -e '/^<bochs:/d' "$work/raw.txt" > "$work/out.txt"
    out=$work/out.txt
fi
cat "$out"
if [ "$(grep -a -v '^$' "$out" | tail -n 1)" = "PASS" ]; then exit 0; fi
echo "[run_peer: $peer: no PASS for $test]" >&2
[ -f "$work/bochs.log" ] && grep -a -E 'PANIC|ERROR|triple|shutdown' "$work/bochs.log" | head -5 >&2
tail -n 5 "$work/peer.log" >&2
exit 1
