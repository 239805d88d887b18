; demo.asm - the smallest tarsier guest: prints a greeting on port 0xE9 and
; halts with interrupts off.  A bare 64 KiB ROM image (nasm -f bin), no BIOS.
        bits 16
        org 0
greet:  db "Hello from tarsier", 10, 0
start:  cli
        mov ax, cs              ; CS = F000 after the far jump below
        mov ds, ax
        mov si, greet
        mov dx, 0xE9
.next:  lodsb
        test al, al
        jz .done
        out dx, al
        jmp .next
.done:  cli
        hlt
        jmp .done
        times 0xFFF0 - ($ - $$) db 0
reset:  jmp 0xF000:start        ; reset vector, F000:FFF0
        times 0x10000 - ($ - $$) db 0
