; mode03.asm - mode 03h (80x25 text, 9x16 characters): all 256 characters
; of the BIOS font with rotating attributes (blink off: bright backgrounds),
; a double-line box drawn with CP437 box characters, a string through
; AH=13h, the hidden cursor.  Checks AH=08h reads back a cell.
%include "boot.inc"
main:
    mov ax, 0x0003
    int 0x10
    mov ax, 0x1003              ; attribute bit 7: background intensity
    xor bl, bl
    int 0x10
    mov ah, 0x01
    mov cx, 0x2000              ; cursor off
    int 0x10
    mov ax, 0xB800
    mov es, ax
    mov di, 2 * (80 * 2 + 8)    ; row 2, column 8
    xor ax, ax                  ; al = character
    mov cx, 8                   ; 8 rows of 32
.r: push cx
    mov cx, 32
.c: mov ah, al
    and ah, 0x7F
    xor ah, 0x1E                ; varying foreground and background
    stosw
    inc al
    loop .c
    add di, 2 * (80 - 32)
    pop cx
    loop .r
    ; a box with double lines at rows 12-16, columns 8-40
    mov di, 2 * (80 * 12 + 8)
    mov ax, 0x1FC9
    stosw
    mov cx, 31
    mov al, 0xCD
    rep stosw
    mov al, 0xBB
    stosw
    mov bx, 13
.side:
    mov ax, bx
    mov dx, 160
    mul dx
    mov di, ax
    add di, 16
    mov ax, 0x1FBA
    stosw
    mov cx, 31
    mov al, ' '
    rep stosw
    mov al, 0xBA
    stosw
    inc bx
    cmp bx, 16
    jb .side
    mov di, 2 * (80 * 16 + 8)
    mov ax, 0x1FC8
    stosw
    mov cx, 31
    mov al, 0xCD
    rep stosw
    mov al, 0xBC
    stosw
    ; text inside the box through AH=13h
    mov ax, cs
    mov es, ax
    mov bp, hello
    mov cx, hello_end - hello
    mov dx, 0x0E0B              ; row 14, column 11
    mov bx, 0x001E
    mov ax, 0x1301
    int 0x10
    ; single-line junctions under it
    mov ax, 0xB800
    mov es, ax
    mov di, 2 * (80 * 19 + 8)
    mov si, junctions
    mov cx, junctions_end - junctions
    mov ah, 0x0A
.j: lodsb
    stosw
    loop .j
    ; read back the first character cell
    mov dx, 0x0208
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov ah, 0x08
    int 0x10
    cmp ax, 0x1E00
    jne fail
    jmp done
hello: db "tarsier VGA text mode 03h"
hello_end:
junctions: db 0xDA, 0xC4, 0xC2, 0xC4, 0xBF, ' ', 0xC9, 0xCD, 0xCB, 0xCD, 0xBB, ' ', 0xD5, 0xCD, 0xD1, 0xCD, 0xB8, ' '
           db 0xD6, 0xC4, 0xD2, 0xC4, 0xB7, ' ', 0xB0, 0xB1, 0xB2, 0xDB, 0xDC, 0xDF, 0xDD, 0xDE, ' '
           db 0xC3, 0xC5, 0xB4, ' ', 0xCC, 0xCE, 0xB9, ' ', 0xC6, 0xD8, 0xB5, ' ', 0xC7, 0xD7, 0xB6, ' '
           db 0xC0, 0xC4, 0xC1, 0xC4, 0xD9, ' ', 0xC8, 0xCD, 0xCA, 0xCD, 0xBC, ' ', 0xD4, 0xCF, 0xBE, ' ', 0xD3, 0xD0, 0xBD
junctions_end:
