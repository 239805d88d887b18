; cdboot.asm - a no-emulation El Torito boot image for tests/boot_cdrom.sh.
; Checks what a CD loader such as isolinux relies on: DL = E0h at entry, the
; INT 13h functions 41h, 48h, 4B01h and 42h on drive E0h (loading the rest of
; this image through the boot information table that xorriso -boot-info-table
; writes at offset 8), then drives the ATAPI CD-ROM on the secondary IDE
; channel directly (IDENTIFY PACKET DEVICE, READ(10) of the primary volume
; descriptor by PIO).  Prints to port E9h; exits through port F4h with 10h
; (PASS) or 01h (FAIL).
%include "boot16.inc"
bits 16
org 0x7C00

start:
    jmp short entry
    times 8 - ($ - $$) db 0
bi_pvd:     dd 0            ; boot information table (filled in by xorriso)
bi_file:    dd 0
bi_length:  dd 0
bi_csum:    dd 0
            times 40 db 0
entry:
    BOOT16_ENTRY
    jmp 0:.norm             ; the BIOS entered at 07C0:0000
.norm:
    mov [drive], dl
    mov si, msg_hello
    call puts
    cmp byte [drive], 0xE0
    jne fail

    ; EDD installation check
    mov ah, 0x41
    mov bx, 0x55AA
    mov dl, [drive]
    int 0x13
    jc fail
    cmp bx, 0xAA55
    jne fail

    ; drive parameters: 2048-byte sectors
    mov word [params], 26
    mov ah, 0x48
    mov dl, [drive]
    mov si, params
    int 0x13
    jc fail
    cmp word [params + 24], 2048
    jne fail

    ; El Torito status: the specification packet
    mov ax, 0x4B01
    mov dl, [drive]
    mov si, spec
    int 0x13
    jc fail
    cmp byte [spec], 0x13
    jne fail
    cmp byte [spec + 2], 0xE0
    jne fail
    mov eax, [spec + 4]     ; the boot image's LBA
    cmp eax, [bi_file]
    jne fail
    mov si, msg_int13
    call puts

    ; load the rest of this image (the BIOS loaded only its first 2048 bytes)
    mov eax, [bi_file]
    inc eax
    mov [dap_lba], eax
    mov ah, 0x42
    mov dl, [drive]
    mov si, dap
    int 0x13
    jc fail
    cmp dword [tail_mark], 0x4C494154   ; "TAIL"
    jne fail
    jmp part2

fail:
    mov si, msg_fail
    call puts
    BOOT16_EXIT 0x01

BOOT16_PUTS

drive: db 0
msg_hello: db "cdboot: entered with DL=E0", 10, 0
msg_int13: db "cdboot: int13 41h 48h 4B01h ok", 10, 0
msg_fail: db "FAIL", 10, 0
align 4
dap:    db 0x10, 0
        dw 3                ; three more 2048-byte sectors
        dw 0x8400, 0        ; to 0000:8400 (this image continues there)
dap_lba: dd 0, 0
spec:   times 0x13 db 0
align 2
params: times 30 db 0

    times 2048 - ($ - $$) db 0

; ---- second part: loaded by INT 13h AH=42h ----
part2:
    mov si, msg_part2
    call puts
    ; ATAPI by hand: IDENTIFY PACKET DEVICE on the secondary master
    mov dx, 0x176
    mov al, 0xA0
    out dx, al
    mov dx, 0x177
    mov al, 0xA1
    out dx, al
    call wait_drq
    mov dx, 0x170
    mov di, 0x9000
    mov cx, 256
    rep insw
    cmp word [0x9000], 0x85C0
    jne fail
    ; PACKET: READ(10) of LBA 16, one block, byte count limit 2048, PIO
    mov dx, 0x171
    xor al, al
    out dx, al
    mov dx, 0x174
    out dx, al              ; limit low = 0x00
    mov dx, 0x175
    mov al, 0x08
    out dx, al              ; limit high = 0x08
    mov byte [tries], 2
.send:                      ; the first command after a reset may get a unit attention
    mov dx, 0x177
    mov al, 0xA0
    out dx, al
    call wait_drq
    mov dx, 0x170
    mov si, read10
    mov cx, 6
    rep outsw
    call wait_status
    test al, 0x08
    jnz .data
    test al, 0x01
    jz fail
    dec byte [tries]
    jnz .send
    jmp fail
.data:
    mov dx, 0x174
    in al, dx
    mov bl, al
    mov dx, 0x175
    in al, dx
    mov bh, al
    cmp bx, 2048
    jne fail
    mov dx, 0x170
    mov di, 0x9000
    mov cx, 1024
    rep insw
    cmp dword [0x9001], 0x30304443      ; "CD00"
    jne fail
    call wait_status
    test al, 0x09
    jnz fail
    mov si, msg_pass
    call puts
    BOOT16_EXIT 0x10

; wait until BSY clears; status in AL
wait_status:
    mov dx, 0x177
.l: in al, dx
    test al, 0x80
    jnz .l
    ret

wait_drq:
    call wait_status
    test al, 0x08
    jz fail
    ret

tries: db 0
read10: db 0x28, 0, 0, 0, 0, 16, 0, 0, 1, 0, 0, 0
msg_part2: db "cdboot: rest of the image loaded", 10, 0
msg_pass: db "cdboot: ATAPI IDENTIFY PACKET and READ(10) ok", 10, "PASS", 10, 0

    times 8192 - 4 - ($ - $$) db 0
tail_mark: db "TAIL"
