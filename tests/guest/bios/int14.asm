; int14.asm - INT 14h serial services on COM1 (run with -serial file:, and
; int14.script typing into COM1's receiver) and COM2 (nothing connected):
; AH=00h programs divisor and line control (read back through the ports),
; AH=01h sends at the line's pace (18 bytes wait 18 character times),
; AH=02h waits for typed bytes, AH=03h status, AH=04h/05h (PS/2 extended),
; time-outs after 40:7Ch+DX seconds (and at once with 0), DX beyond the
; installed ports gives AH=80h.  The COM1 output must equal int14.com1.
%include "bootlib.inc"

PM_TMR equ 0x608

%macro PM_START 0
    mov dx, PM_TMR
    in eax, dx
    mov [t0], eax
%endmacro
; EAX = PM timer ticks (3.579545 MHz) since PM_START
%macro PM_SINCE 0
    mov dx, PM_TMR
    in eax, dx
    sub eax, [t0]
    and eax, 0xFFFFFF
%endmacro
; EAX = divisor latch of the UART at %1 (DLAB set and cleared again)
%macro DIVISOR 1
    mov dx, %1 + 3
    in al, dx
    or al, 0x80
    out dx, al
    mov dx, %1
    in al, dx
    mov ah, al
    inc dx
    in al, dx
    xchg al, ah
    movzx eax, ax
    push eax
    mov dx, %1 + 3
    in al, dx
    and al, 0x7F
    out dx, al
    pop eax
%endmacro

main:
    ; what POST found
    movzx eax, word [0x400]
    CHECK eax, 0x3F8, "40:00h COM1"
    movzx eax, word [0x402]
    CHECK eax, 0x2F8, "40:02h COM2"
    movzx eax, word [0x404]
    CHECK eax, 0, "40:04h COM3"
    movzx eax, byte [0x47C]
    CHECK eax, 1, "40:7Ch COM1 time-out"

    ; ---- AH=00h ----
    mov ax, 0x005A              ; 300 baud, even parity, 1 stop bit, 7 bits
    xor dx, dx
    int 0x14
    movzx eax, ax
    CHECK eax, 0x60B0, "00h status: THRE+TEMT, DCD+DSR+CTS"
    mov dx, 0x3FB
    in al, dx
    movzx eax, al
    CHECK eax, 0x1A, "00h 300 7E1 LCR"
    DIVISOR 0x3F8
    CHECK eax, 384, "00h 300 baud divisor"
    mov dx, 0x3F9
    mov al, 0x0F
    out dx, al
    mov ax, 0x00E3              ; 9600 baud 8N1
    xor dx, dx
    int 0x14
    mov dx, 0x3FB
    in al, dx
    movzx eax, al
    CHECK eax, 0x03, "00h 9600 8N1 LCR"
    DIVISOR 0x3F8
    CHECK eax, 12, "00h 9600 baud divisor"
    mov dx, 0x3F9
    in al, dx
    movzx eax, al
    CHECK eax, 0, "00h turns the UART's interrupts off"

    ; ---- AH=01h: 20 bytes, the last 18 wait for the line ----
    PM_START
    mov si, hello
    call send_str
    PM_SINCE
    PRINT "20 bytes at 9600 baud: PM ticks", eax
    cmp eax, 67117              ; 18 x 1.0417 ms
    jb fail_pace
    cmp eax, 67117 + 1790       ; + 0.5 ms
    jae fail_pace

    ; ---- AH=02h: the script types "xyz" once it has seen SEND-ME ----
    mov si, sendme
    call send_str
    mov di, got + 4
    mov cx, 3
.recv:
    mov ah, 0x02
    xor dx, dx
    int 0x14
    test ah, ah
    jnz fail_recv
    mov [di], al
    inc di
    loop .recv
    mov si, got
    call send_str
    mov eax, [got + 4]
    and eax, 0xFFFFFF
    CHECK eax, 0x7A7978, "received bytes"
    mov ah, 0x86                ; 20 ms: the line goes idle
    xor cx, cx
    mov dx, 20000
    int 0x15
    mov ah, 0x03
    xor dx, dx
    int 0x14
    movzx eax, ax
    CHECK eax, 0x60B0, "03h status once idle, everything read"

    ; ---- time-outs on COM2 (nothing connected) ----
    mov ax, 0x00E3
    mov dx, 1
    int 0x14
    movzx eax, ax
    CHECK eax, 0x6000, "COM2 00h status"
    mov dx, 0x2FB               ; divisor 0 = 65536: 5.7 s a byte
    mov al, 0x83
    out dx, al
    mov dx, 0x2F8
    xor al, al
    out dx, al
    inc dx
    out dx, al
    mov dx, 0x2FB
    mov al, 0x03
    out dx, al
    mov ax, 0x0161              ; into the shift register
    mov dx, 1
    int 0x14
    mov ax, 0x0162              ; into the holding register
    mov dx, 1
    int 0x14
    movzx eax, ax
    CHECK eax, 0x2062, "COM2 second byte: AH=LSR (THRE), AL kept"
    PM_START
    mov ax, 0x0163              ; the holding register stays full: time-out
    mov dx, 1
    int 0x14
    push eax
    PM_SINCE
    PRINT "01h time-out after PM ticks", eax
    cmp eax, 3579545            ; 1 s
    jb fail_tmo
    cmp eax, 3579545 + 3580
    jae fail_tmo
    pop eax
    movzx eax, ax
    CHECK eax, 0x8063, "01h time-out AH (TEMT, THRE clear), AL kept"
    mov ax, 0x00E3              ; re-programs the divisor; the UART queue drains by itself
    mov dx, 1
    int 0x14
    PM_START
    mov ah, 0x02
    mov dx, 1
    int 0x14
    push eax
    PM_SINCE
    PRINT "02h time-out after PM ticks", eax
    cmp eax, 3579545
    jb fail_tmo
    cmp eax, 3579545 + 3580
    jae fail_tmo
    pop eax
    test ah, 0x80
    jz fail_tmo
    mov byte [0x47D], 0         ; time-out 0: one look
    PM_START
    mov ah, 0x02
    mov dx, 1
    int 0x14
    push eax
    PM_SINCE
    cmp eax, 36                 ; 10 us
    jae fail_tmo
    pop eax
    test ah, 0x80
    jz fail_tmo

    ; ---- ports that do not exist ----
    mov ax, 0x0341
    mov dx, 2
    int 0x14
    movzx eax, ax
    CHECK eax, 0x8041, "DX=2 (no COM3)"
    mov ax, 0x0041
    mov dx, 4
    int 0x14
    movzx eax, ax
    CHECK eax, 0x8041, "DX=4"

    ; ---- AH=04h/05h on COM2 ----
    mov ax, 0x0400              ; no break
    mov bx, 0x0201              ; even parity, 2 stop bits
    mov cx, 0x0208              ; 7 bits, 19200 baud
    mov dx, 1
    int 0x14
    test ah, 0x80
    jnz fail_ext
    mov dx, 0x2FB
    in al, dx
    movzx eax, al
    CHECK eax, 0x1E, "04h LCR"
    DIVISOR 0x2F8
    CHECK eax, 6, "04h 19200 baud divisor"
    mov ax, 0x0400
    mov cx, 0x0209              ; no rate 9
    mov dx, 1
    int 0x14
    movzx eax, ah
    CHECK eax, 0x80, "04h bad rate"
    mov ax, 0x0501
    mov bl, 0x0B                ; DTR, RTS, OUT2
    mov dx, 1
    int 0x14
    mov dx, 0x2FC
    in al, dx
    movzx eax, al
    CHECK eax, 0x0B, "05h write MCR"
    mov ax, 0x0500
    xor bl, bl
    mov dx, 1
    int 0x14
    movzx eax, bl
    CHECK eax, 0x0B, "05h read MCR"

    mov si, msg_pass
    call puts
    ret

; send the zero-terminated string at SI through INT 14h on COM1
send_str:
    lodsb
    test al, al
    jz .done
    mov ah, 0x01
    xor dx, dx
    int 0x14
    test ah, 0x80
    jnz fail_send
    jmp send_str
.done:
    ret

fail_pace:
    mov si, msg_pace
    jmp fail
fail_send:
    mov si, msg_send
    jmp fail
fail_recv:
    mov si, msg_recv
    jmp fail
fail_tmo:
    mov si, msg_tmo
    jmp fail
fail_ext:
    mov si, msg_ext
fail:
    call puts
    jmp halt

t0: dd 0
hello: db "HELLO from INT 14h", 13, 10, 0
sendme: db "SEND-ME", 13, 10, 0
got: db "GOT ...", 13, 10, 0
msg_pace: db "FAIL: 20 bytes at 9600 baud did not take 18 byte times", 10, 0
msg_send: db "FAIL: 01h timed out on COM1", 10, 0
msg_recv: db "FAIL: 02h on COM1 did not receive", 10, 0
msg_tmo: db "FAIL: time-out wrong", 10, 0
msg_ext: db "FAIL: 04h", 10, 0
msg_pass: db "PASS", 10, 0
