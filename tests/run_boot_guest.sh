#!/usr/bin/env bash
# Assemble a guest that the built-in BIOS boots from a floppy image
# (tests/guest/bios/*.asm) and run it: the last line on the debug port must
# be PASS and tarsier must exit 0 (a CPU halted with interrupts off, or an
# ACPI soft off).
# usage: run_boot_guest.sh TARSIER SOURCE.asm WORKDIR [extra tarsier options]
# With NAME.script next to the source, tarsier runs it (-script) with COM1 on
# -serial file:WORKDIR/NAME.com1; with NAME.com1 there, that output must equal it.
set -u
tarsier=$1 src=$2 work=$3
shift 3
. "$(dirname "$0")/run_guest_lib.sh"
guest_assemble "$src" "$work" img || exit 1
truncate -s 1474560 "$image"
base=${src%.asm} opts=()
[ -f "$base.script" ] && opts=(-script "$base.script" -serial "file:$work/$name.com1")
"$tarsier" -fda "$image" -boot a -debugcon "file:$out" -exit-on-halt -timeout 10 -m 32 ${opts[@]+"${opts[@]}"} "$@"
rc=$?
if [ "$rc" = 0 ] && [ -f "$base.com1" ] && ! cmp "$base.com1" "$work/$name.com1"; then
    echo "FAIL: $name: COM1 output differs from $base.com1"
    rc=1
fi
guest_verdict $rc
