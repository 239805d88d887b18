; acpi_off.asm - an OS's ACPI soft off under the built-in BIOS: find the
; RSDP in E0000h-FFFFFh, check its checksum, walk the RSDT to the FADT, read
; PM1a_CNT_BLK, find \_S5 in the DSDT and take SLP_TYPa from its package,
; then write SLP_TYPa | SLP_EN.  tarsier must end with status 0; if the
; write does nothing, the guest spins until the run times out.
%include "bootlib.inc"

main:
    mov eax, 0xE0000                  ; RSDP: "RSD PTR " on a 16-byte boundary
.scan:
    call rd32
    cmp edx, 'RSD '
    jne .nextp
    push eax
    add eax, 4
    call rd32
    pop eax
    cmp edx, 'PTR '
    je .found
.nextp:
    add eax, 16
    cmp eax, 0x100000
    jb .scan
    mov si, msg_norsdp
    call puts
    ret
.found:
    PRINT "RSDP at", eax
    mov ebp, eax
    mov ecx, 20
    call sum8
    CHECK edx, 0, "RSDP checksum"
    lea eax, [ebp + 16]
    call rd32
    mov ebp, edx                      ; the RSDT
    PRINT "RSDT at", ebp
    mov eax, ebp
    call rd32
    CHECK edx, 'RSDT', "RSDT signature"
    lea eax, [ebp + 4]
    call rd32
    mov ecx, edx                      ; length
    mov eax, ebp
    call sum8
    CHECK edx, 0, "RSDT checksum"
    lea edi, [ebp + 36]               ; walk the entries
    add ecx, ebp
.entry:
    cmp edi, ecx
    jae .nofadt
    mov eax, edi
    call rd32
    mov eax, edx
    mov ebx, edx
    call rd32
    cmp edx, 'FACP'
    je .fadt
    add edi, 4
    jmp .entry
.nofadt:
    mov si, msg_nofadt
    call puts
    ret
.fadt:
    PRINT "FADT at", ebx
    lea eax, [ebx + 64]
    call rd32
    mov [pm1a_cnt], edx
    PRINT "PM1a_CNT_BLK", edx
    lea eax, [ebx + 40]
    call rd32
    mov ebp, edx                      ; the DSDT
    PRINT "DSDT at", ebp
    lea eax, [ebp + 4]
    call rd32
    mov ecx, edx
    mov eax, ebp
    call sum8
    CHECK edx, 0, "DSDT checksum"
    lea edi, [ebp + 36]               ; find "_S5_" followed by PackageOp
    add ecx, ebp
.s5:
    cmp edi, ecx
    jae .nos5
    mov eax, edi
    call rd32
    cmp edx, '_S5_'
    jne .s5next
    lea eax, [edi + 4]
    call rd32
    cmp dl, 0x12
    je .s5pkg
.s5next:
    inc edi
    jmp .s5
.nos5:
    mov si, msg_nos5
    call puts
    ret
.s5pkg:
    ; edx bytes: 12, PkgLength (one byte), NumElements, first element
    test dh, 0xC0
    jnz .nos5
    shr edx, 24
    xor eax, eax                      ; ZeroOp
    cmp dl, 0x00
    je .typ
    mov al, 1                         ; OneOp
    cmp dl, 0x01
    je .typ
    cmp dl, 0x0A                      ; BytePrefix
    jne .nos5
    lea eax, [edi + 8]
    call rd32
    movzx eax, dl
.typ:
    PRINT "SLP_TYPa for S5", eax
    mov si, msg_pass
    call puts
    shl ax, 10
    or ax, 0x2000                     ; SLP_EN
    mov bx, ax
    mov dx, [pm1a_cnt]
    in ax, dx
    and ax, 0xC3FF
    or ax, bx
    out dx, ax
.spin:
    jmp .spin                         ; still running: the soft off failed

; EDX = the dword at physical address EAX (below 1 MiB)
rd32:
    push es
    push eax
    push bx
    mov bx, ax
    and bx, 0x000F
    shr eax, 4
    mov es, ax
    mov edx, [es:bx]
    pop bx
    pop eax
    pop es
    ret

; EDX = 8-bit sum of ECX bytes at physical EAX
sum8:
    push eax
    push ecx
    push ebx
    xor ebx, ebx
.loop:
    push edx
    call rd32
    add bl, dl
    pop edx
    inc eax
    loop .loop
    movzx edx, bl
    pop ebx
    pop ecx
    pop eax
    ret

pm1a_cnt: dd 0
msg_pass: db "PASS", 10, 0
msg_norsdp: db "FAIL: no RSDP in E0000-FFFFF", 10, 0
msg_nofadt: db "FAIL: no FACP in the RSDT", 10, 0
msg_nos5: db "FAIL: no \_S5 package in the DSDT", 10, 0
