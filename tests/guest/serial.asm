; serial.asm - the 16550A UART at COM1 (3F8h, IRQ4) seen from a guest: the
; scratch register and the divisor latch read back; IIR shows FIFOs enabled;
; loopback returns a byte with DR set and reports the MCR lines in MSR;
; polled transmission of a line ("Hello from COM1") waiting on THRE; then an
; interrupt-driven line ("IRQ4 says hi") through the 8259A, one byte per
; THRE interrupt, with OUT2 gating the IRQ; finally TEMT before the halt so
; the last stop bit has left.  tests/run_guest_serial.sh checks what reached
; the -serial file.  Needs the chipset that tarsier's board wires (no BIOS).
%include "lib.inc"

%define COM1        0x3F8
%define TX_PTR      0x20000
%define TX_DONE     0x20004
%define IRQS        0x20008

test_main:
        mov dword [TX_DONE], 0
        mov dword [IRQS], 0
        ; ------------------------------------------------ scratch, divisor latch
        mov dx, COM1 + 7
        mov al, 0xA5
        out dx, al
        in al, dx
        movzx eax, al
        CHECK eax, 0xA5, "SCR read-back"
        mov dx, COM1 + 3
        mov al, 0x83                    ; DLAB, 8N1
        out dx, al
        mov dx, COM1
        mov al, 1                       ; 115200 baud
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, COM1
        in al, dx
        movzx eax, al
        CHECK eax, 1, "DLL read-back"
        mov dx, COM1 + 3
        mov al, 0x03                    ; DLAB off
        out dx, al
        in al, dx
        movzx eax, al
        CHECK eax, 3, "LCR read-back"
        mov dx, COM1 + 1
        xor al, al
        out dx, al                      ; IER = 0
        ; ------------------------------------------------ FIFOs
        mov dx, COM1 + 2
        mov al, 0x07                    ; enable + clear both, trigger 1
        out dx, al
        in al, dx
        movzx eax, al
        CHECK eax, 0xC1, "IIR with FIFOs on and nothing pending"
        mov dx, COM1 + 5
        in al, dx
        movzx eax, al
        CHECK eax, 0x60, "LSR idle (THRE, TEMT)"
        ; ------------------------------------------------ loopback
        mov dx, COM1 + 4
        mov al, 0x1B                    ; LOOP | OUT2 | RTS | DTR
        out dx, al
        mov dx, COM1 + 6
        in al, dx                       ; deltas from entering loopback
        in al, dx
        and eax, 0xF0
        CHECK eax, 0xB0, "MSR in loopback (DCD, DSR, CTS)"
        mov dx, COM1
        mov al, 0x5A
        out dx, al
        mov dx, COM1 + 5
        mov ecx, 1000000
.dr:    in al, dx
        test al, 1
        jnz .got
        loop .dr
        FAILMSG "loopback byte never arrived (LSR.DR)"
.got:   mov dx, COM1
        in al, dx
        movzx eax, al
        CHECK eax, 0x5A, "loopback byte"
        mov dx, COM1 + 5
        in al, dx
        and eax, 0x61
        CHECK eax, 0x60, "LSR after reading the looped byte"
        mov dx, COM1 + 4
        mov al, 0x03                    ; DTR | RTS, no loopback
        out dx, al
        ; ------------------------------------------------ polled transmission
        mov esi, msg_polled
.next:  lodsb
        test al, al
        jz .polled_done
        mov ah, al
        mov dx, COM1 + 5
.thre:  in al, dx
        test al, 0x20
        jz .thre
        mov dx, COM1
        mov al, ah
        out dx, al
        jmp .next
.polled_done:
        ; ------------------------------------------------ interrupt-driven transmission
        IDT_GATE 0x24, irq4_handler, GATE_INT32
        mov al, 0x11
        out 0x20, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x01
        out 0x21, al
        mov al, 0xEF                    ; IRQ4 only
        out 0x21, al
        mov dword [TX_PTR], msg_irq
        mov dx, COM1 + 4
        mov al, 0x0B                    ; OUT2 opens the IRQ gate
        out dx, al
        mov dx, COM1 + 1
        mov al, 0x02                    ; ETBEI: THRE is empty, so it fires at once
        out dx, al
        sti
.wait:  hlt
        cmp dword [TX_DONE], 0
        je .wait
        cli
        mov eax, [IRQS]
        cmp eax, msg_irq_len
        jae .enough
        CHECK eax, msg_irq_len, "THRE interrupts"
.enough:
        mov dx, COM1 + 5
.temt:  in al, dx
        test al, 0x40
        jz .temt
        ret

irq4_handler:
        push eax
        push edx
        push esi
        inc dword [IRQS]
        mov dx, COM1 + 2
        in al, dx                       ; IIR: identifies (and clears) THRE
        and al, 0x0F
        cmp al, 0x02
        jne .eoi
        mov esi, [TX_PTR]
        mov al, [esi]
        test al, al
        jz .last
        inc dword [TX_PTR]
        mov dx, COM1
        out dx, al
        jmp .eoi
.last:  mov dx, COM1 + 1
        xor al, al
        out dx, al                      ; IER = 0
        mov dword [TX_DONE], 1
.eoi:   mov al, 0x20
        out 0x20, al
        pop esi
        pop edx
        pop eax
        iretd

msg_polled:     db "Hello from COM1", 13, 10, 0
msg_irq:        db "IRQ4 says hi", 13, 10, 0
msg_irq_len     equ $ - msg_irq - 1
