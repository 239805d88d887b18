; vbe16.asm - VBE mode 114h (800x600, 16 bpp 5:6:5) through banked 64 KiB
; windows: red rising to the right, green rising downwards, blue in
; 8-pixel checks; then the scan line length and display start (4F06h,
; 4F07h) read back.
%include "boot.inc"
main:
    mov ax, 0x0114
    mov bx, 800
    mov cx, 600
    call vbe_set
    mov ax, 0xA000
    mov es, ax
    xor dx, dx
    call set_bank
    xor di, di
    xor si, si                  ; y
.y: xor cx, cx                  ; x
.x: mov ax, cx                  ; red = x * 32 / 800
    shl ax, 5
    push dx
    xor dx, dx
    mov bx, 800
    div bx
    mov bx, ax
    shl bx, 11
    mov ax, si                  ; green = y * 64 / 600
    shl ax, 6
    xor dx, dx
    push bx
    mov bx, 600
    div bx
    pop bx
    shl ax, 5
    or bx, ax
    mov ax, cx
    xor ax, si
    test ax, 8
    jz .nb
    or bx, 0x001F
.nb:
    pop dx
    mov ax, bx
    stosw
    call bank_wrap
    inc cx
    cmp cx, 800
    jb .x
    inc si
    cmp si, 600
    jb .y
    mov ax, 0x4F06              ; get scan line length
    mov bl, 1
    int 0x10
    cmp ax, 0x004F
    jne fail
    cmp bx, 1600
    jne fail
    cmp cx, 800
    jne fail
    mov ax, 0x4F07              ; get display start
    mov bl, 1
    int 0x10
    or cx, dx
    jnz fail
    jmp done
%include "vbe.inc"
