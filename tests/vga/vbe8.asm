; vbe8.asm - VBE mode 101h (640x480, 8 bpp) through the 64 KiB window at
; A000h and 4F05h bank switching: the default palette as a 16x16 grid of
; 40x30 cells, then palette entries 0-15 replaced through 4F09h.  Checks
; 4F00h, 4F01h, refusal of an unknown mode (014Fh), 4F03h.
%include "boot.inc"
main:
    mov ax, 0x4F02              ; unknown mode: refused
    mov bx, 0x01FF
    int 0x10
    cmp ax, 0x014F
    jne fail
    mov ax, 0x0101
    mov bx, 640
    mov cx, 480
    call vbe_set
    mov ax, 0x4F03
    int 0x10
    cmp bx, 0x0101
    jne fail
    mov ax, 0xA000
    mov es, ax
    xor dx, dx                  ; bank
    call set_bank
    xor di, di
    xor si, si                  ; y
.y: mov ax, si
    mov bl, 30
    div bl
    shl al, 4
    mov bh, al                  ; row colour base
    xor cx, cx                  ; x
.x: mov ax, cx
    mov bl, 40
    div bl
    add al, bh
    stosb
    call bank_wrap
    inc cx
    cmp cx, 640
    jb .x
    inc si
    cmp si, 480
    jb .y
    ; palette entries 0-15: a blue ramp (B, G, R, 0 per entry)
    xor ax, ax
    mov es, ax
    mov di, 0x1400
    xor cx, cx
.p: mov al, cl
    shl al, 2
    stosb                       ; blue
    mov al, 0
    stosb
    stosb
    stosb
    inc cx
    cmp cx, 16
    jb .p
    mov ax, 0x4F09
    xor bl, bl
    mov cx, 16
    xor dx, dx
    mov di, 0x1400
    int 0x10
    cmp ax, 0x004F
    jne fail
    jmp done
%include "vbe.inc"
