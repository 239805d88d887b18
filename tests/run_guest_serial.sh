#!/usr/bin/env bash
# Run tests/guest/serial.asm with COM1 on a file and check what the guest
# transmitted (both the polled and the interrupt-driven line, in order).
# usage: run_guest_serial.sh TARSIER SOURCE.asm WORKDIR
set -u
tarsier=$1 src=$2 work=$3
here=$(dirname "$0")
mkdir -p "$work"
out="$work/serial-com1.txt"
rm -f "$out"
"$here/run_guest.sh" "$tarsier" "$src" "$work" -serial "file:$out" || exit 1
expected=$(printf 'Hello from COM1\r\nIRQ4 says hi\r\n')
got=$(cat "$out")
if [ "$got" != "$expected" ]; then
    echo "FAIL: COM1 output differs; got:"
    od -c "$out" | head -20
    exit 1
fi
echo "ok: COM1 output matches"
