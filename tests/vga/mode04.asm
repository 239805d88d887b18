; mode04.asm - mode 04h (320x200, CGA 4 colours, even/odd lines at B800h and
; BA00h): bands of the four colours written to display memory, pixels through
; INT 10h AH=0Ch including XOR (bit 7), the other palette through AH=0Bh
; BH=1 for nothing (palette 1 is the default), and teletype text in colour 3.
%include "boot.inc"
main:
    mov ax, 0x0004
    int 0x10
    mov ax, 0xB800
    mov es, ax
    ; y 0-99: four vertical bands of colours 0-3 (80 pixels = 20 bytes each)
    xor dx, dx
.y: CGA_ROW
    xor bx, bx
.band:
    mov al, [bandbyte + bx]
    mov cx, 20
    rep stosb
    inc bx
    cmp bx, 4
    jb .band
    inc dx
    cmp dx, 100
    jb .y
    ; a box outline with AH=0Ch colour 2, a diagonal XOR-ed with colour 3
    mov cx, 20
.h: mov dx, 110
    mov ax, 0x0C02
    int 0x10
    mov dx, 170
    int 0x10
    inc cx
    cmp cx, 300
    jb .h
    mov dx, 110
.v: mov cx, 20
    mov ax, 0x0C02
    int 0x10
    mov cx, 299
    int 0x10
    inc dx
    cmp dx, 171
    jb .v
    xor cx, cx
.d: mov dx, cx
    shr dx, 1
    mov ax, 0x0C83
    int 0x10
    inc cx
    cmp cx, 320
    jb .d
    mov dx, 0x1701              ; row 23, column 1
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov si, caption
    mov bl, 3
    call print_str
    jmp done
bandbyte: db 0x00, 0x55, 0xAA, 0xFF
caption: db "mode 04h CGA 4 colours", 0
