; mode13.asm - mode 13h (320x200, 256 colours, chain-4): the 256 colours of
; the default palette as a 16x16 grid of 20x12 cells written straight to
; A000h, a diagonal through INT 10h AH=0Ch, and a caption drawn by the
; BIOS teletype in the bottom character row.  Checks AH=0Dh reads back.
%include "boot.inc"
main:
    mov ax, 0x0013
    int 0x10
    mov ax, 0xA000
    mov es, ax
    xor di, di
    xor dx, dx                  ; y
.row:
    mov ax, dx
    mov bl, 12
    div bl                      ; al = y / 12
    mov bh, al
    shl bh, 4                   ; colour row * 16
    xor cx, cx                  ; x
.col:
    mov ax, cx
    mov bl, 20
    div bl
    add al, bh
    stosb
    inc cx
    cmp cx, 320
    jb .col
    inc dx
    cmp dx, 192
    jb .row
    ; a white diagonal with the BIOS pixel call
    xor cx, cx
.diag:
    mov dx, cx
    shr dx, 1
    mov ax, 0x0C0F
    int 0x10
    inc cx
    cmp cx, 320
    jb .diag
    ; read one back
    mov cx, 100
    mov dx, 50
    mov ah, 0x0D
    int 0x10
    cmp al, 0x0F
    jne fail
    mov dx, 0x1800              ; row 24, column 0
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov si, caption
    mov bl, 0x2C                ; a palette colour from the hue ring
    call print_str
    jmp done
caption: db "mode 13h: 256 colours", 0
