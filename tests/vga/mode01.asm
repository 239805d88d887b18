; mode01.asm - mode 01h (40x25 text, characters drawn twice as wide): rows
; of text in the 16 foreground colours on varying backgrounds through
; AH=09h, teletype output with wrapping and scrolling (AH=0Eh), and a window
; scrolled down with AH=07h.  Checks the BDA column count.
%include "boot.inc"
main:
    mov ax, 0x0001
    int 0x10
    mov ah, 0x01
    mov cx, 0x2000
    int 0x10
    cmp word [0x44A], 40
    jne fail
    ; 30 teletype lines: the screen scrolls by 6 (on black, attribute 07h)
    mov cx, 30
    mov byte [line], '0'
.tty:
    mov si, ttymsg
    mov bl, 0x07
    call print_str
    inc byte [line]
    cmp byte [line], '9' + 1
    jne .n
    mov byte [line], '0'
.n: loop .tty
    ; coloured blocks with AH=09h: colour c at row 2, column 2c
    xor bx, bx
.cl:
    mov dh, 2
    mov dl, bl
    shl dl, 1
    mov ah, 0x02
    push bx
    xor bh, bh
    int 0x10
    pop bx
    mov ax, 0x0941              ; 'A'
    add al, bl
    push bx
    mov bh, 0
    mov cx, 2
    mov bl, [attrs + bx]
    int 0x10
    pop bx
    inc bx
    cmp bx, 16
    jb .cl
    ; scroll rows 10-14, columns 5-30 down by 2, filling with blue
    mov ax, 0x0702
    mov bh, 0x1F
    mov cx, 0x0A05
    mov dx, 0x0E1E
    int 0x10
    jmp done
ttymsg: db "line "
line: db "0 of the 40-column teletype", 13, 10, 0
attrs: db 0x0F, 0x1E, 0x2D, 0x3C, 0x4B, 0x5A, 0x69, 0x78, 0x07, 0x16, 0x25, 0x34, 0x43, 0x52, 0x61, 0x70
