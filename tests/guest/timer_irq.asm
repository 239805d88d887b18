; timer_irq.asm - the PC chipset seen from a guest: program the 8259A pair
; (vectors 20h/28h, cascade on IR2) and the 8254 (counter 0, mode 2, 100 Hz),
; enable interrupts and HLT until ten IRQ0 ticks have arrived; check that the
; counter counts down and that a read-back status shows mode 2; read the
; MC146818A (register D valid, the deterministic default date 2000-01-01 in
; BCD), then take two update-ended interrupts on IRQ8 and check that the
; seconds advanced; finally the 8042 self-test answers 55h.
; Needs the chipset that tarsier's board wires (no BIOS).
%include "lib.inc"

%define TICKS       0x20000
%define RTC_TICKS   0x20004

test_main:
        mov dword [TICKS], 0
        mov dword [RTC_TICKS], 0
        IDT_GATE 0x20, irq0_handler, GATE_INT32
        IDT_GATE 0x28, irq8_handler, GATE_INT32
        ; ------------------------------------------------ 8259A pair
        PIC_INIT 0x20, 0x28, 0xFE, 0xFF ; IRQ0 only
        in al, 0x21
        movzx eax, al
        CHECK eax, 0xFE, "PIC mask register read-back"
        ; ------------------------------------------------ 8254 counter 0: mode 2, 11932 (100 Hz)
        PIT_RATE 11932
        sti
.wait:  hlt
        cmp dword [TICKS], 10
        jb .wait
        cli
        mov eax, [TICKS]
        CHECK eax, 10, "IRQ0 ticks after HLT"
        ; the count is within the initial value
        mov al, 0x00                    ; latch counter 0
        out 0x43, al
        in al, 0x40
        mov ah, al
        in al, 0x40
        xchg al, ah
        movzx ebx, ax
        cmp ebx, 11932                  ; just reloaded: at most the initial count
        jbe .cnt_ok
        CHECK ebx, 11932, "PIT counter 0 value at most 11932"
.cnt_ok:
        mov al, 0xE2                    ; read-back: status of counter 0
        out 0x43, al
        in al, 0x40
        and eax, 0x3F
        CHECK eax, 0x34, "PIT read-back status (LSB/MSB, mode 2)"
        ; ------------------------------------------------ MC146818A
        mov al, 0x0D
        out 0x70, al
        in al, 0x71
        movzx eax, al
        CHECK eax, 0x80, "RTC register D (VRT)"
        mov al, 0x32
        out 0x70, al
        in al, 0x71
        movzx eax, al
        CHECK eax, 0x20, "RTC century (BCD)"
        mov al, 0x08
        out 0x70, al
        in al, 0x71
        movzx eax, al
        CHECK eax, 0x01, "RTC month (BCD)"
        mov al, 0x00
        out 0x70, al
        in al, 0x71
        movzx esi, al                   ; seconds before
        mov al, 0x0C                    ; clear pending flags
        out 0x70, al
        in al, 0x71
        mov al, 0x0B
        out 0x70, al
        mov al, 0x12                    ; UIE, 24 h, BCD
        out 0x71, al
        mov al, 0xFA                    ; IRQ0 masked now; IR2 (cascade) open
        out 0x21, al
        mov al, 0xFE                    ; IRQ8
        out 0xA1, al
        sti
.wait8: hlt
        cmp dword [RTC_TICKS], 2
        jb .wait8
        cli
        mov al, 0x00
        out 0x70, al
        in al, 0x71
        movzx eax, al
        sub eax, esi
        CHECK eax, 2, "RTC seconds advanced by the two update interrupts"
        ; ------------------------------------------------ 8042 self-test
        mov al, 0xAA
        out 0x64, al
.obf:   in al, 0x64
        test al, 1
        jz .obf
        in al, 0x60
        movzx eax, al
        CHECK eax, 0x55, "8042 self-test"
        ret

TICK_HANDLER irq0_handler, TICKS

irq8_handler:
        push eax
        mov al, 0x0C                    ; reading C acknowledges the RTC
        out 0x70, al
        in al, 0x71
        inc dword [RTC_TICKS]
        mov al, 0x20
        out 0xA0, al
        out 0x20, al
        pop eax
        iretd
