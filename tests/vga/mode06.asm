; mode06.asm - mode 06h (640x200, 2 colours, CGA interleave): a
; checkerboard of 8x8 cells written to display memory, a circle-ish
; diamond of pixels through AH=0Ch, and teletype text.
%include "boot.inc"
main:
    mov ax, 0x0006
    int 0x10
    mov ax, 0xB800
    mov es, ax
    xor dx, dx
.y: CGA_ROW
    mov al, dl
    and al, 8
    jz .a
    mov al, 0xFF
.a: mov cx, 40                 ; left half: 320 pixels = 40 bytes
.c: stosb
    not al
    loop .c
    inc dx
    cmp dx, 96
    jb .y
    ; a diamond of pixels, centre (480, 140)
    xor si, si
.dm:
    mov cx, 480
    add cx, si
    mov dx, 100
    add dx, si
    shr dx, 1
    add dx, 70
    mov ax, 0x0C01
    int 0x10
    mov cx, 480
    sub cx, si
    int 0x10
    inc si
    cmp si, 100
    jb .dm
    mov dx, 0x1502
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov si, caption
    mov bl, 1
    call print_str
    jmp done
caption: db "mode 06h: 640x200 in two colours", 0
