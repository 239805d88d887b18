#!/bin/bash
# run_gdb_boot.sh TARSIER SRCDIR OUTDIR - drive Debian's gdb in batch mode
# against tarsier booting tests/gdb/boot.asm from a floppy: break at 0x7c00,
# step in real mode, a write watchpoint, the switch to protected mode,
# stepping there, and monitor commands through qRcmd.
set -u
TARSIER=$1 SRC=$2 OUT=$3
mkdir -p "$OUT"
. "$SRC/common.sh"
need_tools
make_floppy "$SRC/boot.asm" "$OUT/boot.img"
start_tarsier -fda "$OUT/boot.img" -S -timeout 60
cat >"$OUT/session.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$PORT
printf "RESET_PC=%#x\n", \$pc
break *0x7c00
continue
printf "STOP_PC=%#x CS=%#x\n", \$pc, \$cs
stepi
printf "STEP1_PC=%#x\n", \$pc
stepi
stepi
printf "STEP3_PC=%#x\n", \$pc
stepi 4
printf "AX=%#x BX=%#x\n", \$eax & 0xffff, \$ebx & 0xffff
watch *(char*)0x600
continue
printf "WATCH_PC=%#x BYTE=%#x\n", \$pc, *(unsigned char*)0x600
delete
break *0x7c60
continue
printf "PM_PC=%#x CS=%#x CR0=%#x\n", \$pc, \$cs, \$cr0
stepi
printf "PMSTEP_PC=%#x\n", \$pc
stepi 5
printf "PMSTEP6_PC=%#x EAX=%#x DS=%#x\n", \$pc, \$eax, \$ds
x/2i \$pc
monitor info registers
monitor info gdt
monitor translate 0x7c00
monitor x/2i \$pc
monitor bogus-command
monitor x/4096xw 0x7c00
hbreak *0x7c7a
continue
printf "HBREAK_PC=%#x\n", \$pc
kill
GDB
timeout 60 gdb -nx -batch -x "$OUT/session.gdb" >"$OUT/gdb.out" 2>&1
echo "gdb exited with $?"
wait_tarsier 10
echo "tarsier exited with $?"
# (the 1024 lines of the long monitor x/4096xw dump left out)
grep -vE '^0000[89ab][0-9a-f]{3}: ' "$OUT/gdb.out"
FAILED=0
expect "$OUT/gdb.out" \
    'RESET_PC=0xfffffff0' \
    'Breakpoint 1, 0x00007c00 in' \
    'STOP_PC=0x7c00 CS=0\b' \
    'STEP1_PC=0x7c01' \
    'STEP3_PC=0x7c05' \
    'AX=0x1234 BX=0x5678' \
    'Hardware watchpoint 2: \*\(char\*\)0x600' \
    'New value = 66' \
    'WATCH_PC=0x7c15 BYTE=0x42' \
    'PM_PC=0x7c60 CS=0x8 CR0=0x[0-9a-f]*1' \
    'PMSTEP_PC=0x7c64' \
    'PMSTEP6_PC=0x7c74 EAX=0xcafebabe DS=0x10' \
    'inc +DWORD PTR ds:0x700|incl +0x700' \
    'EIP=00007c74' \
    'mode: protected mode, paging off, 32-bit code' \
    'CS =0008 base=00000000 limit=ffffffff \(4 KiB granular\) code 32-bit' \
    '0008: base=00000000 limit=ffffffff \(4 KiB granular\) code 32-bit, execute/read' \
    'paging is off \(CR0.PG=0\): physical = linear' \
    '00007c74: ff0500070000 +inc dword ptr \[0x700\]' \
    "error: unknown command 'bogus-command'" \
    'HBREAK_PC=0x7c7a' \
    '^0000bbf0: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$'
# monitor output over qRcmd is not cut off: all 1024 lines of x/4096xw (47 KiB)
[ "$(grep -cE '^0000[0-9a-f]{4}: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$' "$OUT/gdb.out")" -ge 1024 ] ||
    { echo "FAIL: monitor x/4096xw output incomplete" >&2; FAILED=1; }
[ "$FAILED" = 0 ] || { cat "$OUT/tarsier.err"; exit 1; }
echo PASS
