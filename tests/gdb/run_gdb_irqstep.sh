#!/bin/bash
# run_gdb_irqstep.sh TARSIER SRCDIR OUTDIR - stepping and interrupts, with
# Debian's gdb in batch mode against tests/gdb/irqstep.asm (a loop at 0x7c40
# and a timer handler at 0x7c80 that runs every 1.7 us of virtual time, a few
# hundred instructions):
#   stepmode over (the default): 5000 stepi execute exactly 5000 loop
#     instructions (2500 rounds) while the handler still runs (ticks go up);
#     a breakpoint inside the handler still stops a step;
#   stepmode into: a stepi stops at the handler's first instruction, not yet
#     executed, and the next stepi executes it;
#   going back: monitor savevm, 300 stepi, monitor loadvm, and gdb (after
#     `maintenance flush register-cache`) sees the saved PC and memory again.
set -u
TARSIER=$1 SRC=$2 OUT=$3
mkdir -p "$OUT"
. "$SRC/common.sh"
need_tools
make_floppy "$SRC/irqstep.asm" "$OUT/irqstep.img"
start_tarsier -fda "$OUT/irqstep.img" -S -timeout 120
cat >"$OUT/session.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$PORT
break *0x7c40
continue
delete
monitor stepmode
set \$r0 = *(unsigned short *)0x600
set \$t0 = *(unsigned short *)0x602
stepi 5000
printf "OVER_PC=%#x ROUNDS=%d TICKS=%d\n", \$pc, *(unsigned short *)0x600 - \$r0, *(unsigned short *)0x602 - \$t0
hbreak *0x7c84
set \$n = 0
while (\$pc != 0x7c84 && \$n < 20000)
  stepi
  set \$n = \$n + 1
end
printf "BP_IN_HANDLER_PC=%#x\n", \$pc
delete
stepi 20
monitor stepmode into
set \$n = 0
while (\$pc < 0x7c80 && \$n < 20000)
  stepi
  set \$n = \$n + 1
end
set \$t1 = *(unsigned short *)0x602
printf "INTO_PC=%#x\n", \$pc
stepi
printf "INTO_STEP_PC=%#x TICK_DELTA=%d\n", \$pc, *(unsigned short *)0x602 - \$t1
monitor stepmode sideways
monitor savevm $OUT/irq.snap
set \$pc0 = \$pc
set \$r0 = *(unsigned short *)0x600
stepi 300
printf "AWAY_PC_DIFFERS=%d ROUNDS_MOVED=%d\n", \$pc != \$pc0, *(unsigned short *)0x600 != \$r0
monitor loadvm $OUT/irq.snap
maintenance flush register-cache
printf "BACK_PC_SAME=%d ROUNDS_SAME=%d\n", \$pc == \$pc0, *(unsigned short *)0x600 == \$r0
kill
GDB
timeout 100 gdb -nx -batch -x "$OUT/session.gdb" >"$OUT/gdb.out" 2>&1
echo "gdb exited with $?"
wait_tarsier 10
cat "$OUT/gdb.out"
FAILED=0
expect "$OUT/gdb.out" \
    'Breakpoint 1, 0x00007c40 in' \
    'stepmode over: interrupts arriving during a step run to their return unseen' \
    'OVER_PC=0x7c40 ROUNDS=2500 TICKS=[1-9]' \
    'BP_IN_HANDLER_PC=0x7c84' \
    'stepmode into: a step that meets an interrupt stops' \
    'INTO_PC=0x7c80' \
    'INTO_STEP_PC=0x7c84 TICK_DELTA=1' \
    'error: usage: stepmode \[into\|over\]' \
    'saved the machine to .*irq.snap' \
    'AWAY_PC_DIFFERS=1 ROUNDS_MOVED=1' \
    'restored the machine from .*irq.snap' \
    'BACK_PC_SAME=1 ROUNDS_SAME=1'
[ $FAILED = 0 ] && echo PASS
exit $FAILED
