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
        mov al, 0x11
        out 0x20, al
        out 0xA0, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x28
        out 0xA1, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x02
        out 0xA1, al
        mov al, 0x01
        out 0x21, al
        out 0xA1, al
        mov al, 0xFE                    ; IRQ0 only
        out 0x21, al
        mov al, 0xFF
        out 0xA1, al
        mov al, 0x34                    ; counter 0, mode 2, 1193 (1 kHz)
        out 0x43, al
        mov al, 1193 & 0xFF
        out 0x40, al
        mov al, 1193 >> 8
        out 0x40, al
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

irq0_handler:
        push eax
        inc dword [TICKS]
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd
