; beep.asm - a boot sector that plays two tones on the PC speaker: PIT
; counter 2 in mode 3 with port 61h bits 0 and 1 set, 1000 Hz (count 1193)
; for 9 BIOS timer ticks, 5 ticks of silence, 2002 Hz (count 596) for 9
; ticks, then silence for the audio queue to drain; it reports PASS on the
; debug port and halts with interrupts off (-exit-on-halt).
; Built with nasm -f bin; run by run_sdl_speaker.sh.
        org 0x7C00
        bits 16
start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        mov cx, 2               ; settle on a tick boundary
        call wait_ticks
        mov ax, 1193
        call tone
        mov cx, 9
        call wait_ticks
        call quiet
        mov cx, 5
        call wait_ticks
        mov ax, 596
        call tone
        mov cx, 9
        call wait_ticks
        call quiet
        mov cx, 9
        call wait_ticks
        mov si, pass
        mov dx, 0xE9
.out:   lodsb
        test al, al
        jz .done
        out dx, al
        jmp .out
.done:  cli
        hlt

; counter 2, mode 3, count AX; speaker on
tone:   mov bx, ax
        mov al, 0xB6
        out 0x43, al
        mov al, bl
        out 0x42, al
        mov al, bh
        out 0x42, al
        in al, 0x61
        or al, 3
        out 0x61, al
        ret

quiet:  in al, 0x61
        and al, 0xFC
        out 0x61, al
        ret

; wait for CX changes of the BIOS tick count at 0:046C
wait_ticks:
        mov bx, [0x046C]
.w:     hlt
        cmp bx, [0x046C]
        je .w
        mov bx, [0x046C]
        loop .w
        ret

pass:   db "PASS", 10, 0
        times 510 - ($ - $$) db 0
        dw 0xAA55
