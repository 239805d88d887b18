#!/usr/bin/env bash
# The main job: boot the default guest (FreeDOS from the shared test floppy)
# with the built-in BIOS, headless, type VER and DIR, and print the text
# screen.  Without the floppy image, run the bare demo ROM instead.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
img=${FREEDOS_IMG:-$top/../shared/testdata/guests/freedos722.img}
if [ -f "$img" ]; then
    script=$(mktemp)
    trap 'rm -f "$script"' EXIT
    cat > "$script" <<'EOS'
wait-screen "A:\>" 60
type "ver\n"
wait-screen "FreeCom version" 10
type "dir /w\n"
wait-screen "bytes free" 10
quit 0
EOS
    "$build/tarsier" -fda "$img" -snapshot -script "$script" -textdump -
else
    echo "($img not found: running the bare demo ROM)"
    nasm -f bin -I"$top/tests/guest/" -o "$build/demo.bin" "$top/tests/guest/demo.asm"
    "$build/tarsier" -bios "$build/demo.bin" -debugcon stdio -exit-on-halt -timeout 10
fi
