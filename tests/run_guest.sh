#!/usr/bin/env bash
# Assemble a golden guest program and run it as a bare ROM; it must print
# PASS as its last line on the debug port and the emulator must exit 0.
# usage: run_guest.sh TARSIER SOURCE.asm WORKDIR [extra tarsier options]
set -u
tarsier=$1 src=$2 work=$3
shift 3
name=$(basename "$src" .asm)
mkdir -p "$work"
bin="$work/$name.bin" out="$work/$name.out"
if ! nasm -f bin -I"$(dirname "$src")/" -o "$bin" "$src"; then
    echo "FAIL: $name does not assemble"
    exit 1
fi
"$tarsier" -bios "$bin" -debugcon "file:$out" -exit-on-halt -timeout 3 -m 32 "$@"
rc=$?
cat "$out"
last=$(tail -n 1 "$out")
if [ "$rc" != 0 ] || [ "$last" != "PASS" ]; then
    echo "FAIL: $name (exit status $rc, last line '$last')"
    exit 1
fi
echo "ok: $name"
