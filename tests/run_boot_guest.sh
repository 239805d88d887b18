#!/usr/bin/env bash
# Assemble a guest that the built-in BIOS boots from a floppy image
# (tests/guest/bios/*.asm) and run it: the last line on the debug port must
# be PASS and tarsier must exit 0 (a CPU halted with interrupts off, or an
# ACPI soft off).
# usage: run_boot_guest.sh TARSIER SOURCE.asm WORKDIR [extra tarsier options]
set -u
tarsier=$1 src=$2 work=$3
shift 3
name=$(basename "$src" .asm)
mkdir -p "$work"
img="$work/$name.img" out="$work/$name.out"
if ! nasm -f bin -I"$(dirname "$src")/" -o "$img" "$src"; then
    echo "FAIL: $name does not assemble"
    exit 1
fi
truncate -s 1474560 "$img"
rm -f "$out"
"$tarsier" -fda "$img" -boot a -debugcon "file:$out" -exit-on-halt -timeout 10 -m 32 "$@"
rc=$?
cat "$out"
last=$(tail -n 1 "$out")
if [ "$rc" != 0 ] || [ "$last" != "PASS" ]; then
    echo "FAIL: $name (exit status $rc, last line '$last')"
    exit 1
fi
echo "ok: $name"
