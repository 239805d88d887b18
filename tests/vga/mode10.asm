; mode10.asm - mode 10h (640x350, 16 colours, 8x14 font): colour bars,
; the palette registers reprogrammed with AH=10h AL=00h (bar 1 shows
; EGA colour 3Ch), DAC entry 3Fh changed with AH=10h AL=10h, and BIOS text
; over several lines.  Checks AH=10h AL=07h and AL=15h read back.
%include "boot.inc"
main:
    mov ax, 0x0010
    int 0x10
    mov ax, 0xA000
    mov es, ax
    mov bp, 80
    mov cx, 200
    call bars16
    mov ax, 0x1000              ; palette register 1 := 3Ch
    mov bx, 0x3C01
    int 0x10
    mov ax, 0x1007
    mov bl, 1
    int 0x10
    cmp bh, 0x3C
    jne fail
    mov ax, 0x1010              ; DAC 3Fh (white, palette 15) := orange
    mov bx, 0x3F
    mov dh, 63
    mov ch, 32
    mov cl, 0
    int 0x10
    mov ax, 0x1015
    mov bx, 0x3F
    int 0x10
    cmp ch, 32
    jne fail
    mov dx, 0x1002              ; row 16
    mov ah, 0x02
    xor bh, bh
    int 0x10
    mov si, caption
    mov bl, 0x0F
    call print_str
    jmp done
caption: db "mode 10h: 640x350, 8x14 font", 13, 10, "  palette register 1 = 3Ch, DAC 3Fh orange", 0
%include "planar.inc"
