#!/usr/bin/env bash
# The test-ROM interface: -debugcon, -postcode, -exit-on-halt, -timeout and
# the exit port, exercised with small ROMs assembled here.
set -u
tarsier=$1 demo=$2 work=$3
mkdir -p "$work"
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }

nasm -f bin -I"$(dirname "$demo")/" -o "$work/demo.bin" "$demo" || exit 1
"$tarsier" -bios "$work/demo.bin" -debugcon "file:$work/demo.out" -exit-on-halt -timeout 5; rc=$?
check "demo exits 0 on cli;hlt" '[ $rc = 0 ]'
check "demo prints its greeting" 'grep -qx "Hello from tarsier" "$work/demo.out"'
out=$("$tarsier" -bios "$work/demo.bin" -debugcon stdio -exit-on-halt)
check "-debugcon stdio" '[ "$out" = "Hello from tarsier" ]'

# a ROM that writes POST codes, then loops forever (timeout), or exits via 0xF4
cat > "$work/post.asm" <<'ASM'
bits 16
org 0
times 0xFFF0 - ($ - $$) db 0x90
start:
    mov al, 0x12
    out 0x80, al
    mov al, 0xA5
    out 0x80, al
%ifdef EXITPORT
    mov al, 0x21
    out 0xF4, al
%endif
.spin: jmp .spin
times 0x10000 - ($ - $$) db 0xF4
ASM
# the reset vector is at 0xFFF0: the code sits exactly there
nasm -f bin -o "$work/post.bin" "$work/post.asm" || exit 1
nasm -f bin -DEXITPORT -o "$work/exit.bin" "$work/post.asm" || exit 1
"$tarsier" -bios "$work/post.bin" -postcode "file:$work/post.txt" -timeout 0.01; rc=$?
check "-timeout gives status 124" '[ $rc = 124 ]'
check "-postcode writes two hex digits per line" '[ "$(cat "$work/post.txt" | tr "\n" " ")" = "12 a5 " ]'
"$tarsier" -bios "$work/post.bin" -postcode "file:$work/post2.txt,port=0x80" -timeout 0.01; rc=$?
check "-postcode with port=" '[ $rc = 124 ] && [ "$(head -n1 "$work/post2.txt")" = "12" ]'
"$tarsier" -bios "$work/exit.bin" -timeout 5; rc=$?
check "exit port status (0x21 << 1) | 1" '[ $rc = 67 ]'
"$tarsier" -bios "$work/exit.bin" -timeout 5 -d int,io -D "$work/trace.txt"; rc=$?
check "-d io traces the exit-port write" 'grep -q "out port 00f4" "$work/trace.txt"'
"$tarsier" -bios "$work/demo.bin" -exit-on-halt -d in_asm -D "$work/asm.txt" >/dev/null; rc=$?
check "-d in_asm disassembles with capstone" 'grep -q "out dx, al" "$work/asm.txt" || grep -q "out 0xe9, al" "$work/asm.txt"'
for model in 8086 286 386 486 pentium pentium-pro; do
    "$tarsier" -cpu $model -bios "$work/exit.bin" -timeout 5; rc=$?
    check "-cpu $model runs a ROM" '[ $rc = 67 ]'
done
exit $fail
