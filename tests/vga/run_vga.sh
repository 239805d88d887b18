#!/usr/bin/env bash
# Build a VGA test floppy from tests/vga/NAME.asm, boot it with the built-in
# BIOS, write the screen as PNG when the guest halts, and compare its pixels
# with tests/vga/golden/NAME.png (decoded pixels, not PNG bytes).
# usage: run_vga.sh TARSIER PNGCMP SOURCE.asm WORKDIR
# With UPDATE_GOLDEN=1 the screenshot replaces the golden image instead.
set -u
tarsier=$1 pngcmp=$2 src=$3 work=$4
name=$(basename "$src" .asm)
dir=$(dirname "$src")
mkdir -p "$work"
img="$work/$name.img" out="$work/$name.out" png="$work/$name.png"
if ! nasm -f bin -I"$dir/" -o "$img" "$src"; then
    echo "FAIL: $name does not assemble"
    exit 1
fi
truncate -s 1474560 "$img"
rm -f "$png"
"$tarsier" -fda "$img" -snapshot -debugcon "file:$out" -exit-on-halt -timeout 20 -screendump "$png"
rc=$?
cat "$out"
if [ "$rc" != 0 ] || [ "$(tail -n 1 "$out")" != "DONE" ]; then
    echo "FAIL: $name (exit status $rc, guest output above)"
    exit 1
fi
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$png" "$dir/golden/$name.png"
    echo "updated: $dir/golden/$name.png"
    exit 0
fi
if ! "$pngcmp" "$png" "$dir/golden/$name.png"; then
    echo "FAIL: $name: the screen differs from golden/$name.png (see $png)"
    exit 1
fi
echo "ok: $name"
