; int15_mouse.asm - the PS/2 mouse through INT 15h AH=C2h and the BIOS's
; IRQ 12 handler: initialise, reset (id 00h, AAh), rate/resolution/scaling
; read back with C206h, bad inputs, enable without a handler (05h), then a
; handler that records the words the BIOS pushes (status, X, Y, 0) while
; int15_mouse.script moves the mouse; after C200h disable no packet comes
; and the keyboard still types (the BIOS gave the 8042 back).
%include "bootlib.inc"

; CF and AH of the last call must be %1 and %2 (checked as AH << 8 | CF)
%macro RESULT 3
    call cf_ah
    CHECK eax, (%2 << 8) | %1, %3
%endmacro

main:
    movzx eax, word [0x410]
    and eax, 4
    CHECK eax, 4, "equipment word: pointing device"

    mov ax, 0xC205
    mov bh, 0
    int 0x15
    RESULT 1, 2, "C205h size 0"
    mov ax, 0xC205
    mov bh, 3
    clc
    int 0x15
    RESULT 0, 0, "C205h size 3"
    mov ax, 0xC201
    xor bx, bx
    int 0x15
    RESULT 0, 0, "C201h"
    movzx eax, bx
    CHECK eax, 0x00AA, "C201h BH=id BL=BAT"
    mov ax, 0xC204
    mov bh, 0xFF
    int 0x15
    RESULT 0, 0, "C204h"
    movzx eax, bh
    CHECK eax, 0, "C204h id"
    mov ax, 0xC202
    mov bh, 7
    int 0x15
    RESULT 1, 2, "C202h rate 7"
    mov ax, 0xC202
    mov bh, 2                   ; 40 reports/s
    int 0x15
    RESULT 0, 0, "C202h rate 2"
    mov ax, 0xC203
    mov bh, 1                   ; 2 counts/mm
    int 0x15
    RESULT 0, 0, "C203h"
    mov ax, 0xC206
    mov bh, 2                   ; scaling 2:1
    int 0x15
    RESULT 0, 0, "C206h 2:1"
    call status
    CHECK eax, 0x100128, "C206h status (2:1, disabled) / resolution / rate"
    mov ax, 0xC206
    mov bh, 1                   ; scaling 1:1
    int 0x15
    RESULT 0, 0, "C206h 1:1"
    mov ax, 0xC206
    mov bh, 3
    int 0x15
    RESULT 1, 2, "C206h BH=3"
    mov ax, 0xC208
    int 0x15
    RESULT 1, 1, "C208h"
    mov ax, 0xC200
    mov bh, 1
    clc
    int 0x15
    RESULT 1, 5, "C200h enable without a handler"

    ; a keyboard byte waiting in the 8042 survives a mouse call
    cli
    mov al, 0xD2                ; write the keyboard output buffer
    out 0x64, al
    mov al, 0x9E
    out 0x60, al
    call status
    in al, 0x64
    and eax, 0x21
    CHECK eax, 0x01, "8042 status after C206h: keyboard byte waiting"
    in al, 0x60
    movzx eax, al
    CHECK eax, 0x9E, "the keyboard byte put back"
    sti

    ; install the handler and enable
    push cs
    pop es
    mov bx, handler
    mov ax, 0xC207
    int 0x15
    RESULT 0, 0, "C207h"
    mov ax, 0xC200
    mov bh, 1
    int 0x15
    RESULT 0, 0, "C200h enable"
    call status
    CHECK eax, 0x200128, "C206h status (enabled) / resolution / rate"
    in al, 0xA1
    and eax, 0x10
    CHECK eax, 0, "IRQ12 unmasked"

    mov si, ready
    call com1_str
    mov ebx, [0x46C]
.wait:
    sti
    hlt
    cmp word [count], 4
    jae .got
    mov eax, [0x46C]
    sub eax, ebx
    cmp eax, 36                 ; 2 s
    jb .wait
    movzx eax, word [count]
    CHECK eax, 4, "packets received"
.got:
    ; mouse 10 5 1: up is positive on PS/2 -> Y = -5, left button
    CHECK dword [packets + 0], 0x000A0029, "packet 1 status, X"
    CHECK dword [packets + 4], 0x000000FB, "packet 1 Y, 0"
    ; mouse -3 -7 2: X = -3, Y = 7, right button
    CHECK dword [packets + 8], 0x00FD001A, "packet 2 status, X"
    CHECK dword [packets + 12], 0x00000007, "packet 2 Y, 0"
    ; mouse 300 0 4: two packets, X = 255 then 45, middle button
    CHECK dword [packets + 16], 0x00FF000C, "packet 3 status, X"
    CHECK dword [packets + 20], 0, "packet 3 Y, 0"
    CHECK dword [packets + 24], 0x002D000C, "packet 4 status, X"
    CHECK dword [packets + 28], 0, "packet 4 Y, 0"

    mov ax, 0xC200
    mov bh, 0
    int 0x15
    RESULT 0, 0, "C200h disable"
    mov si, off
    call com1_str
    xor ah, ah                  ; the script types "k" after a mouse move
    int 0x16
    movzx eax, ax
    CHECK eax, 0x256B, "the keyboard after the mouse calls"
    movzx eax, word [count]
    CHECK eax, 4, "no packet after C200h disable"

    xor bx, bx
    mov es, bx
    mov ax, 0xC207
    int 0x15
    mov ax, 0xC200
    mov bh, 1
    int 0x15
    RESULT 1, 5, "C200h enable after C207h 0:0"

    mov si, msg_pass
    call puts
    ret

; EAX = AH << 8 | CF
cf_ah:
    mov al, 0
    adc al, 0
    movzx eax, ax
    ret

; EAX = BL status << 16 | CL resolution << 8 | DL rate, from C206h BH=00h
status:
    mov ax, 0xC206
    mov bh, 0
    int 0x15
    setc [st_cf]
    movzx eax, bl
    shl eax, 8
    mov al, cl
    shl eax, 8
    mov al, dl
    push eax
    movzx eax, byte [st_cf]
    CHECK eax, 0, "C206h status CF"
    pop eax
    ret

com1_str:
    lodsb
    test al, al
    jz .done
    mov ah, 0x01
    xor dx, dx
    int 0x14
    jmp com1_str
.done:
    ret

; the device handler: far-called with status, X, Y, 0 on the stack
handler:
    push bp
    mov bp, sp
    push ax
    push si
    mov si, [cs:count]
    cmp si, 8
    jae .full
    shl si, 3
    mov ax, [bp + 12]
    mov [cs:packets + si], ax
    mov ax, [bp + 10]
    mov [cs:packets + si + 2], ax
    mov ax, [bp + 8]
    mov [cs:packets + si + 4], ax
    mov ax, [bp + 6]
    mov [cs:packets + si + 6], ax
    inc word [cs:count]
.full:
    pop si
    pop ax
    pop bp
    retf

count: dw 0
st_cf: db 0
packets: times 8 * 4 dw 0
ready: db "MOUSE-READY", 13, 10, 0
off: db "MOUSE-OFF", 13, 10, 0
msg_pass: db "PASS", 10, 0
