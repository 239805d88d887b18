; irqstep.asm - the gdb step-mode test boot sector (tests/gdb/run_gdb_irqstep.sh).
; Real mode: IRQ 0 (INT 08h) goes to `tick`, the PIT fires it every 2 counts
; (about 1.7 us of virtual time), and a two-instruction loop counts its
; rounds in the word at 0x600 while the handler counts ticks at 0x602.
; The loop is pinned at 0x7c40 and the handler at 0x7c80.
bits 16
org 0x7c00
start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        mov word [0x600], 0
        mov word [0x602], 0
        mov word [8 * 4], tick          ; IVT entry of INT 08h (IRQ 0)
        mov word [8 * 4 + 2], 0
        mov al, 0xFE                    ; only IRQ 0 unmasked
        out 0x21, al
        mov al, 0x34                    ; PIT channel 0, lo/hi byte, mode 2
        out 0x43, al
        mov al, 2
        out 0x40, al
        xor al, al
        out 0x40, al
        sti
        jmp loop
        times 0x40 - ($ - $$) db 0x90
loop:                                   ; 0x7c40
        inc word [0x600]
        jmp loop
        times 0x80 - ($ - $$) db 0x90
tick:                                   ; 0x7c80
        inc word [0x602]
        push ax
        mov al, 0x20                    ; EOI
        out 0x20, al
        pop ax
        iret
        times 510 - ($ - $$) db 0
        dw 0xAA55
