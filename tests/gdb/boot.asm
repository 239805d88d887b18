; boot.asm - the gdb test boot sector (tests/gdb/run_gdb_boot.sh).
; Real mode at 0x7c00: a few register moves, one byte written to 0x600 (the
; watchpoint target), then a switch to 32-bit protected mode with a flat GDT
; and a loop that increments a counter at 0x700.  The protected-mode entry is
; pinned at 0x7c60 so the test can set a breakpoint on it.
bits 16
org 0x7c00
start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        mov ax, 0x1234
        mov bx, 0x5678
        mov byte [0x600], 0x42          ; the watched write
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm
        times 0x60 - ($ - $$) db 0x90
bits 32
pm:                                     ; 0x7c60
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        mov eax, 0xcafebabe
pm_loop:
        inc dword [0x700]
        jmp pm_loop

align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff           ; 0x08: flat 32-bit code
        dq 0x00cf92000000ffff           ; 0x10: flat data
gdtr:   dw gdtr - gdt - 1
        dd gdt
        times 510 - ($ - $$) db 0
        dw 0xaa55
