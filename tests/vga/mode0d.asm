; mode0d.asm - mode 0Dh (320x200, 16 colours, planar, doubled dots and
; lines): 16 colour bars with write mode 2, pixels with AH=0Ch (a box in
; colour 15, an XOR line), and BIOS text with the 8x8 font in colours.
%include "boot.inc"
main:
    mov ax, 0x000D
    int 0x10
    mov ax, 0xA000
    mov es, ax
    mov bp, 40
    mov cx, 100
    call bars16
    mov cx, 40
.h: mov dx, 120
    mov ax, 0x0C0F
    int 0x10
    mov dx, 160
    int 0x10
    inc cx
    cmp cx, 280
    jb .h
    xor cx, cx
.d: mov dx, cx
    shr dx, 1
    mov ax, 0x0C8E              ; XOR colour 14
    int 0x10
    inc cx
    cmp cx, 320
    jb .d
    mov ah, 0x0D                ; read back a box pixel
    mov cx, 100
    mov dx, 120
    int 0x10
    cmp al, 0x0F
    jne fail
    mov dx, 0x1601
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov si, caption
    mov bl, 0x0E
    call print_str
    mov si, caption2
    mov bl, 0x0C
    call print_str
    jmp done
caption: db "mode 0Dh 320x200", 13, 10, 0
caption2: db " 16 colours, 8x8 font", 0
%include "planar.inc"
