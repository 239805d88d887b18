; sti_shadow.asm - the STI interrupt shadow (SDM Vol. 2 STI; Vol. 3 6.8.3):
; with an IRQ pending and IF=0, "sti; cli" must never let the interrupt in
; (it would be recognised only after the instruction following STI, when
; CLI has already cleared IF), while "sti; nop; cli" must take it right
; after the NOP - the way SeaBIOS briefly opens interrupts from 32-bit code.
; Needs the chipset that tarsier's board wires (no BIOS).
%include "lib.inc"

%define TICKS 0x20000

test_main:
        mov dword [TICKS], 0
        IDT_GATE 0x20, irq0_handler, GATE_INT32
        PIC_INIT 0x20, 0x28, 0xFE, 0xFF ; IRQ0 only
        PIT_RATE 1193                   ; counter 0, mode 2, 1193 (1 kHz)
        ; ---- "sti; cli" for about 5 ms: IRQ0 goes pending but is never taken
        mov ecx, 200000
.shut:  sti
        cli
        dec ecx
        jnz .shut
        mov eax, [TICKS]
        CHECK eax, 0, "interrupts taken through 'sti; cli'"
        ; ---- "sti; nop; cli": the pending IRQ0 comes in after the NOP.  The
        ; loop is long (about 70 instructions) and bounded to ~10 ms of 1 kHz
        ; ticks, so an emulator that only looks at interrupts at block ends or
        ; slice boundaries catches at most a tick by luck, not three.
        mov ecx, 30000
.open:  sti
        nop
        cli
        times 64 add esi, 1
        cmp dword [TICKS], 3
        jae .done
        dec ecx
        jnz .open
.done:  mov eax, [TICKS]
        cmp eax, 3
        jae .ok
        CHECK eax, 3, "IRQ0 ticks taken through 'sti; nop; cli'"
.ok:    ret

TICK_HANDLER irq0_handler, TICKS
