#!/usr/bin/env bash
# The main job until a real guest boots: run the demo ROM (no BIOS) and print
# what it writes to the debug port.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
nasm -f bin -I"$top/tests/guest/" -o "$build/demo.bin" "$top/tests/guest/demo.asm"
exec "$build/tarsier" -bios "$build/demo.bin" -debugcon stdio -exit-on-halt -timeout 10
