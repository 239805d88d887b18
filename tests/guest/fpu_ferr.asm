; fpu_ferr.asm - x87 error reporting, both ways (SDM Vol. 1 8.7 and D.1):
;   CR0.NE=1: an unmasked exception is reported as #MF (vector 16) on the next
;             waiting FP instruction, whose address is the saved EIP;
;   CR0.NE=0: the PC-compatible path: FERR# -> the chipset's IRQ13 (slave
;             PIC IR5), held until a write to port F0h; the handler clears the
;             exception with FNCLEX and the waiting instruction proceeds.
; Needs the chipset that tarsier's board wires (no BIOS).
%include "lib.inc"

%define IRQ13_COUNT 0x20000
%define IRQ13_SW    0x20004

test_main:
        mov dword [IRQ13_COUNT], 0
        IDT_GATE 0x2D, irq13_handler, GATE_INT32
        ; 8259A pair: vectors 20h/28h, only IRQ2 (cascade) and IRQ13 open
        PIC_INIT 0x20, 0x28, 0xFB, 0xDF
        ; ------------------------------------------------ CR0.NE = 1: #MF
        mov eax, cr0
        or eax, 0x20                    ; NE
        and eax, ~0x0C                  ; EM, TS clear
        mov cr0, eax
        fninit
        fldcw [cw_zm_unmasked]
        fld1
        fldz
        fdivp st1, st0                  ; 1/0: ZE, unmasked -> ES set, no fault yet
        fnstsw ax                       ; non-waiting: no fault
        movzx eax, ax
        and eax, 0x0084                 ; ES | ZE
        CHECK eax, 0x0084, "status after unmasked 1/0 (ES ZE)"
        FAULT 16, 0, fwait              ; the next waiting instruction faults
        fnclex
        fwait                           ; now nothing pending
        ; ------------------------------------------------ CR0.NE = 0: IRQ13
        mov eax, cr0
        and eax, ~0x20
        mov cr0, eax
        fninit
        fldcw [cw_zm_unmasked]
        sti
        fld1
        fldz
        fdivp st1, st0
        nop
        nop
        mov eax, [IRQ13_COUNT]
        CHECK eax, 0, "no IRQ13 before the next waiting instruction"
        fld1                            ; waiting: FERR# -> IRQ13
        nop
        nop
        cli
        mov eax, [IRQ13_COUNT]
        CHECK eax, 1, "IRQ13 count after the next FP instruction"
        mov eax, [IRQ13_SW]
        and eax, 0x0084
        CHECK eax, 0x0084, "status seen by the IRQ13 handler (ES ZE)"
        fnstsw ax
        movzx eax, ax
        and eax, 0x0080
        CHECK eax, 0, "ES clear after the handler's FNCLEX"
        ; the latch holds until F0h: with IRQ13 masked, a second error stays pending
        mov al, 0xFF
        out 0xA1, al
        fninit
        fldcw [cw_zm_unmasked]
        fld1
        fldz
        fdivp st1, st0
        fwait                           ; FERR# latched, IRQ13 masked
        mov al, 0x0A                    ; OCW3: read IRR
        out 0xA0, al
        in al, 0xA0
        movzx eax, al
        and eax, 0x20
        CHECK eax, 0x20, "IRQ13 requested in the slave IRR while masked"
        xor al, al
        out 0xF0, al                    ; clear the latch
        in al, 0xA0
        movzx eax, al
        and eax, 0x20
        CHECK eax, 0, "IRQ13 request gone after OUT F0h"
        fninit
        ret

irq13_handler:
        push eax
        fnstsw ax
        movzx eax, ax
        mov [IRQ13_SW], eax
        fnclex
        xor al, al
        out 0xF0, al
        inc dword [IRQ13_COUNT]
        mov al, 0x20
        out 0xA0, al
        out 0x20, al
        pop eax
        iretd

cw_zm_unmasked: dw 0x037B               ; all masked except ZM
