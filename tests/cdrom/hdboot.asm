; hdboot.asm - a hard-disk boot sector for tests/cdrom/boot_cdrom.sh run under
; SeaBIOS: SeaBIOS finds the disk through the emulated ATA controller,
; loads this sector, and INT 13h AH=42h reads 16 sectors (a READ SECTORS or
; READ MULTIPLE by SeaBIOS's driver) whose last one ends in "HEND".  Prints
; PASS to port E9h and exits through port F4h with 10h; 01h on failure.
%include "boot16.inc"
bits 16
org 0x7C00
    BOOT16_ENTRY
    mov ah, 0x42
    mov si, dap
    int 0x13
    jc fail
    cmp dword [0x8000 + 16 * 512 - 4], 0x444E4548   ; "HEND"
    jne fail
    mov si, msg
    call puts
    BOOT16_EXIT 0x10
fail:
    BOOT16_EXIT 0x01
BOOT16_PUTS
align 4
dap: db 0x10, 0
     dw 16
     dw 0x8000, 0
     dd 1, 0
msg: db "hdboot: 16 sectors read through INT 13h", 10, "PASS", 10, 0
    times 510 - ($ - $$) db 0
    dw 0xAA55
    times 17 * 512 - 4 - ($ - $$) db 0
    db "HEND"
