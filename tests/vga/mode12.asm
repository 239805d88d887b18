; mode12.asm - mode 12h (640x480, 16 colours, planar): 16 colour bars in the
; top third with write mode 2; a band filled with set/reset (write mode 0,
; enable set/reset 0Fh) under a bit mask of alternate pixels; the band
; copied a third lower with write mode 1 (latches); a white rectangle XOR-ed
; over the bars (data rotate/function 18h); a pattern with write mode 3;
; text through the BIOS.  Checks read mode 1 (colour compare) and read mode 0.
%include "boot.inc"
main:
    mov ax, 0x0012
    int 0x10
    mov ax, 0xA000
    mov es, ax
    mov bp, 80
    mov cx, 160
    call bars16
    mov dx, 0x3CE
    ; rows 170-219: colour 14 with set/reset under bit mask 55h, colour 1 under AAh
    mov ax, 0x0F01              ; enable set/reset on all planes
    out dx, ax
    mov ax, 0x0E00              ; set/reset = 14
    out dx, ax
    mov ax, 0x5508              ; bit mask
    out dx, ax
    mov di, 170 * 80
    mov cx, 50 * 80
    call latch_rewrite
    mov ax, 0x0100
    out dx, ax
    mov ax, 0xAA08
    out dx, ax
    mov di, 170 * 80
    mov cx, 50 * 80
    call latch_rewrite
    mov ax, 0x0001
    out dx, ax
    mov ax, 0xFF08
    out dx, ax
    ; copy rows 170-219 to 230-279 with write mode 1 (latches)
    mov ax, 0x0105
    out dx, ax
    push ds
    mov ax, 0xA000
    mov ds, ax
    mov si, 170 * 80
    mov di, 230 * 80
    mov cx, 50 * 80
    rep movsb
    pop ds
    mov ax, 0x0005
    out dx, ax
    ; XOR a white rectangle over the bars: rows 40-119, bytes 20-59
    mov ax, 0x1803              ; function XOR
    out dx, ax
    mov ax, 0x0F01
    out dx, ax
    mov ax, 0x0F00
    out dx, ax
    mov bx, 40
.xr:
    mov ax, bx
    imul di, ax, 80
    add di, 20
    mov cx, 40
    call latch_rewrite
    inc bx
    cmp bx, 120
    jb .xr
    mov ax, 0x0003
    out dx, ax
    mov ax, 0x0001
    out dx, ax
    ; write mode 3: set/reset colour 12, the CPU byte (rotated) as bit mask
    mov ax, 0x0305
    out dx, ax
    mov ax, 0x0C00
    out dx, ax
    mov di, 300 * 80
    mov bx, 0
.w3:
    mov al, [es:di]
    mov al, [pattern + bx]
    stosb
    inc bx
    and bx, 7
    cmp di, 340 * 80
    jb .w3
    mov ax, 0x0005
    out dx, ax
    mov ax, 0x0000
    out dx, ax
    ; read mode 1: colour 14 at row 170 is in pixels 1, 3, 5, 7 (bit 7 = pixel 0) -> 55h
    mov ax, 0x0E02              ; colour compare 14
    out dx, ax
    mov ax, 0x0F07              ; all planes count
    out dx, ax
    mov ax, 0x0805              ; read mode 1
    out dx, ax
    mov al, [es:170 * 80]
    cmp al, 0x55
    jne fail
    mov ax, 0x0005
    out dx, ax
    ; read mode 0, plane 2 of a colour-4 bar byte (bar 4 = bytes 20-24)
    mov ax, 0x0204
    out dx, ax
    mov al, [es:20]
    cmp al, 0xFF
    jne fail
    mov ax, 0x0004
    out dx, ax
    mov dx, 0x1A02              ; row 26
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov si, caption
    mov bl, 0x0B
    call print_str
    jmp done
pattern: db 0x81, 0x42, 0x24, 0x18, 0x18, 0x24, 0x42, 0x81
caption: db "mode 12h: write modes 0-3, set/reset, latches, XOR", 0
%include "planar.inc"
