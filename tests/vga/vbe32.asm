; vbe32.asm - VBE mode 144h (1024x768, 32 bpp) with the linear frame buffer
; (4F02h bit 14) at E0000000h, written from big real mode: red = x, green =
; y, blue = x xor y (low 8 bits), a white border; then 4F08h sets an 8-bit
; DAC (answers 8) and 4F03h reports the mode with the LFB bit.
%include "boot.inc"
main:
    mov ax, 0x4144              ; mode 144h + linear frame buffer
    mov bx, 1024
    mov cx, 768
    call vbe_set
    call unreal
    mov edi, 0xE0000000
    xor esi, esi                ; y
.y: xor ecx, ecx                ; x
.x: mov eax, ecx
    and eax, 0xFF
    shl eax, 16
    mov ebx, esi
    and ebx, 0xFF
    shl ebx, 8
    or eax, ebx
    mov ebx, ecx
    xor ebx, esi
    and ebx, 0xFF
    or eax, ebx
    cmp ecx, 0
    je .w
    cmp ecx, 1023
    je .w
    cmp esi, 0
    je .w
    cmp esi, 767
    jne .s
.w: mov eax, 0x00FFFFFF
.s: mov [fs:edi], eax
    add edi, 4
    inc ecx
    cmp ecx, 1024
    jb .x
    inc esi
    cmp esi, 768
    jb .y
    mov ax, 0x4F08
    mov bx, 0x0800
    int 0x10
    cmp bh, 8
    jne fail
    mov ax, 0x4F03
    int 0x10
    cmp bx, 0x4144
    jne fail
    jmp done
%include "vbe.inc"
