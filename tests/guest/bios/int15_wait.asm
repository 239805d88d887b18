; int15_wait.asm - INT 15h AH=86h (wait CX:DX us) and AH=83h (event wait)
; in virtual time, timed with the ACPI PM timer (3.579545 MHz, port 608h):
; a 100 ms wait lasts 100 ms (and the IRQ0 ticks go on meanwhile, with the
; BDA wait flag 40:A0h set while it runs), a 50 ms event wait sets bit 7 of
; the user flag after 50 ms, a second wait while one runs fails with AH=83h,
; AL=01h cancels, a zero-length 86h returns at once.
%include "bootlib.inc"

PM_TMR equ 0x608

; EAX = PM timer ticks since the value in EBX (24-bit counter)
%macro PM_SINCE 0
    mov dx, PM_TMR
    in eax, dx
    sub eax, ebx
    and eax, 0xFFFFFF
%endmacro

main:
    ; INT 1Ch runs on every IRQ0 tick: record the BDA wait flag
    cli
    mov word [0x1C * 4], tick
    mov word [0x1C * 4 + 2], 0
    sti

    ; ---- 86h: 100 ms ----
    mov byte [seen], 0
    mov eax, [0x46C]
    mov [ticks0], eax
    mov dx, PM_TMR
    in eax, dx
    mov ebx, eax
    mov ah, 0x86
    mov cx, 0x0001              ; 100000 us = 186A0h
    mov dx, 0x86A0
    stc
    int 0x15
    setc cl
    PM_SINCE
    PRINT "86h 100 ms: PM ticks", eax
    cmp eax, 357954             ; 100 ms
    jb fail_100
    cmp eax, 357954 + 3580      ; + 1 ms
    jae fail_100
    movzx ecx, cl
    CHECK ecx, 0, "86h CF"
    mov eax, [0x46C]
    sub eax, [ticks0]
    PRINT "IRQ0 ticks meanwhile", eax
    cmp eax, 1
    jb fail_ticks
    movzx eax, byte [seen]
    CHECK eax, 1, "40:A0h seen by INT 1Ch during the wait"
    movzx eax, byte [0x4A0]
    CHECK eax, 0, "40:A0h after the wait"

    ; ---- 86h with CX:DX = 0 returns at once ----
    mov dx, PM_TMR
    in eax, dx
    mov ebx, eax
    mov ah, 0x86
    xor cx, cx
    xor dx, dx
    stc
    int 0x15
    setc cl
    movzx ecx, cl
    CHECK ecx, 0, "86h 0 us CF"
    PM_SINCE
    cmp eax, 358                ; well under 0.1 ms
    jae fail_zero

    ; ---- 83h: 50 ms event wait ----
    mov byte [flag], 0x01
    mov dx, PM_TMR
    in eax, dx
    mov [t83], eax
    mov ax, 0x8300
    xor cx, cx
    mov dx, 50000
    mov bx, flag
    push ds
    pop es
    stc
    int 0x15
    setc al
    movzx eax, al
    CHECK eax, 0, "83h CF"
    movzx eax, byte [0x4A0]
    CHECK eax, 1, "40:A0h during 83h"
    movzx eax, word [0x498]
    CHECK eax, flag, "40:98h user flag offset"
    movzx eax, word [0x49A]
    CHECK eax, 0, "40:9Ah user flag segment"
    mov eax, [0x49C]
    CHECK eax, 50000, "40:9Ch count"
    ; a second wait while it runs: AH=83h, CF=1
    mov ah, 0x86
    xor cx, cx
    mov dx, 1000
    clc
    int 0x15
    setc cl
    movzx ecx, cl
    CHECK ecx, 1, "86h while 83h runs: CF"
    movzx eax, ah
    CHECK eax, 0x83, "86h while 83h runs: AH"
    mov ax, 0x8300
    mov dx, 1000
    clc
    int 0x15
    setc cl
    movzx ecx, cl
    CHECK ecx, 1, "83h while 83h runs: CF"
    ; poll the flag (no HLT: the guest's own loop) until bit 7 or 200 ms
    mov ebx, [t83]
.poll:
    test byte [flag], 0x80
    jnz .set
    PM_SINCE
    cmp eax, 715909
    jb .poll
    mov si, msg_never
    call puts
    jmp halt
.set:
    PM_SINCE
    PRINT "83h 50 ms: PM ticks", eax
    cmp eax, 178977             ; 50 ms
    jb fail_83
    cmp eax, 178977 + 3580      ; + 1 ms
    jae fail_83
    movzx eax, byte [flag]
    CHECK eax, 0x81, "user flag: bit 7 set, the rest kept"
    movzx eax, byte [0x4A0]
    CHECK eax, 0x80, "40:A0h after 83h elapsed"

    ; ---- 83h AL=01h cancels; then 86h works ----
    mov byte [flag], 0
    mov ax, 0x8300
    mov cx, 0x000F              ; ~1 s
    mov dx, 0x4240
    mov bx, flag
    int 0x15
    mov ax, 0x8301
    stc
    int 0x15
    setc cl
    movzx ecx, cl
    CHECK ecx, 0, "83h cancel CF"
    movzx eax, byte [0x4A0]
    CHECK eax, 0, "40:A0h after cancel"
    mov dx, PM_TMR
    in eax, dx
    mov ebx, eax
    mov ah, 0x86
    xor cx, cx
    mov dx, 20000               ; 20 ms
    stc
    int 0x15
    setc cl
    movzx ecx, cl
    CHECK ecx, 0, "86h after cancel CF"
    PM_SINCE
    PRINT "86h 20 ms: PM ticks", eax
    cmp eax, 71591
    jb fail_20
    cmp eax, 71591 + 3580
    jae fail_20
    movzx eax, byte [flag]
    CHECK eax, 0, "cancelled user flag untouched"

    mov si, msg_pass
    call puts
    ret

fail_100:
    mov si, msg_100
    jmp fail
fail_ticks:
    mov si, msg_ticks
    jmp fail
fail_zero:
    mov si, msg_zero
    jmp fail
fail_83:
    mov si, msg_83
    jmp fail
fail_20:
    mov si, msg_20
fail:
    call puts
    jmp halt

tick:
    push ax
    mov al, [cs:0x4A0]
    or [cs:seen], al
    pop ax
    iret

seen: db 0
flag: db 0
ticks0: dd 0
t83: dd 0
msg_100: db "FAIL: 86h 100 ms not 100-101 ms", 10, 0
msg_ticks: db "FAIL: no IRQ0 tick during the 100 ms wait", 10, 0
msg_zero: db "FAIL: 86h with 0 us took time", 10, 0
msg_83: db "FAIL: 83h flag not set 50-51 ms after the call", 10, 0
msg_20: db "FAIL: 86h 20 ms not 20-21 ms", 10, 0
msg_never: db "FAIL: 83h never set the user flag", 10, 0
msg_pass: db "PASS", 10, 0
