; modex.asm - "mode X": mode 13h unchained to 320x240 (sequencer memory mode
; 06h, CRTC byte mode, 480-line timing), four pixels a byte address, one per
; plane through the map mask.  Draws a pattern per plane, a frame, and uses
; the line compare register for a split screen at line 200 (showing the top
; of display memory again) with the start address moved to line 40.
%include "boot.inc"
main:
    mov ax, 0x0013
    int 0x10
    mov dx, 0x3C4
    mov ax, 0x0604              ; chain-4 off, odd/even off
    out dx, ax
    mov dx, 0x3D4
    mov ax, 0x0014              ; CRTC underline: dword mode off
    out dx, ax
    mov ax, 0xE317              ; mode control: byte mode
    out dx, ax
    mov dx, 0x3C2
    mov al, 0xE3                ; 480-line sync polarity
    out dx, al
    mov dx, 0x3D4
    mov si, xregs
    mov cx, 10
.cr: lodsw
    out dx, ax
    loop .cr
    ; clear all planes
    mov dx, 0x3C4
    mov ax, 0x0F02
    out dx, ax
    mov ax, 0xA000
    mov es, ax
    xor di, di
    xor ax, ax
    mov cx, 0x8000
    rep stosw
    ; 240 lines of 80 bytes: plane p gets colour 32 + 24*p + (y/10)
    xor bx, bx                  ; plane
.pl:
    mov cl, bl
    mov ah, 1
    shl ah, cl
    mov al, 2
    mov dx, 0x3C4
    out dx, ax
    xor di, di
    xor dx, dx                  ; y
.yl:
    mov ax, dx
    push dx
    mov cl, 10
    div cl
    pop dx
    mov ah, bl
    imul ax, ax, 1              ; keep al
    mov cl, bl
    mov ch, 24
    push ax
    mov al, cl
    mul ch
    mov cl, al
    pop ax
    add al, cl
    add al, 32
    mov cx, 80
    rep stosb
    inc dx
    cmp dx, 240
    jb .yl
    inc bx
    cmp bx, 4
    jb .pl
    ; a white frame: rows 0 and 239 all planes, columns 0 and 319
    mov dx, 0x3C4
    mov ax, 0x0F02
    out dx, ax
    xor di, di
    mov al, 15
    mov cx, 80
    rep stosb
    mov di, 239 * 80
    mov cx, 80
    rep stosb
    mov ax, 0x0102              ; plane 0: x = 0
    out dx, ax
    xor di, di
    mov cx, 240
.lc: mov byte [es:di], 15
    add di, 80
    loop .lc
    mov ax, 0x0802              ; plane 3: x = 319
    out dx, ax
    mov di, 79
    mov cx, 240
.rc: mov byte [es:di], 15
    add di, 80
    loop .rc
    ; start address: line 40; line compare at scan line 400 (line 200)
    mov dx, 0x3D4
    mov ax, 40 * 80
    mov bx, ax
    mov al, 0x0C
    mov ah, bh
    out dx, ax
    mov al, 0x0D
    mov ah, bl
    out dx, ax
    mov ax, 0x9018              ; line compare low 8 bits of 400 = 90h
    out dx, ax
    mov al, 0x07
    out dx, al
    inc dx
    in al, dx
    or al, 0x10                 ; bit 8 of line compare
    out dx, al
    dec dx
    mov al, 0x09
    out dx, al
    inc dx
    in al, dx
    and al, 0xBF                ; bit 9 clear
    out dx, al
    jmp done
xregs: dw 0x0D06, 0x3E07, 0x4109, 0xEA10, 0xAC11, 0xDF12, 0x0014, 0xE715, 0x0616, 0xE317
