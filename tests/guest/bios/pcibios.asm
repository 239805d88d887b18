; pcibios.asm - the PCI BIOS through INT 1Ah AH=B1h under the built-in BIOS:
; installation check, find device, find class, configuration reads and
; writes of each size, bad register numbers, the IRQ routing table.
%include "bootlib.inc"

main:
    ; B101: installation check
    mov ax, 0xB101
    xor edx, edx
    xor edi, edi
    int 0x1A
    setc bl
    movzx ebx, bl
    CHECK ebx, 0, "B101 CF"
    PRINT "B101 EDX", edx
    CHECK edx, 0x20494350, "B101 signature"
    movzx eax, ax
    CHECK eax, 0x0001, "B101 AH status, AL mechanisms"
    mov ax, 0xB101
    int 0x1A
    movzx eax, bx
    CHECK eax, 0x0210, "B101 version"
    movzx eax, cl
    CHECK eax, 0, "B101 last bus"

    ; B102: find the PIIX4 PM function, then a second one that does not exist
    mov ax, 0xB102
    mov cx, 0x7113
    mov dx, 0x8086
    xor si, si
    int 0x1A
    setc al
    movzx eax, al
    CHECK eax, 0, "B102 CF"
    movzx eax, bx
    PRINT "B102 8086:7113 at", eax
    CHECK eax, 0x000B, "B102 bus/devfn"
    mov ax, 0xB102
    mov cx, 0x7113
    mov dx, 0x8086
    mov si, 1
    int 0x1A
    setc bl
    movzx ebx, bl
    CHECK ebx, 1, "B102 index 1 CF"
    movzx eax, ah
    CHECK eax, 0x86, "B102 index 1 status"
    mov ax, 0xB102
    mov cx, 0x1234
    mov dx, 0xFFFF
    xor si, si
    int 0x1A
    movzx eax, ah
    CHECK eax, 0x83, "B102 bad vendor status"

    ; B103: find the IDE controller by class
    mov ax, 0xB103
    mov ecx, 0x010180
    xor si, si
    int 0x1A
    movzx eax, bx
    PRINT "B103 class 010180 at", eax
    CHECK eax, 0x0009, "B103 bus/devfn"

    ; B10A: read the IDE function's IDs; B109: BAR4 as POST assigned it
    mov ax, 0xB10A
    mov bx, 0x0009
    xor di, di
    int 0x1A
    PRINT "B10A 00:01.1 reg 00", ecx
    CHECK ecx, 0x70108086, "B10A IDs"
    mov ax, 0xB109
    mov di, 0x20
    int 0x1A
    movzx eax, cx
    PRINT "B109 00:01.1 BAR4", eax
    CHECK eax, 0xC001, "B109 BAR4"
    mov ax, 0xB108
    mov bx, 0x0008
    mov di, 0x0E
    int 0x1A
    movzx eax, cl
    CHECK eax, 0x80, "B108 PIIX header type"

    ; B10B/B10C/B10D: writes read back
    mov ax, 0xB10B
    mov bx, 0x000B
    mov di, 0x3C
    mov cl, 0x05
    int 0x1A
    mov ax, 0xB108
    int 0x1A
    movzx eax, cl
    CHECK eax, 0x05, "B10B interrupt line"
    mov ax, 0xB10C
    mov bx, 0x0008
    mov di, 0x62
    mov cx, 0x8080
    int 0x1A
    mov ax, 0xB10A
    mov di, 0x60
    int 0x1A
    CHECK ecx, 0x80800A0A, "B10C PIRQ routes"
    mov ax, 0xB10D
    mov di, 0x60
    mov ecx, 0x0B0B0A0A
    int 0x1A
    mov ax, 0xB10A
    int 0x1A
    CHECK ecx, 0x0B0B0A0A, "B10D PIRQ routes"

    ; an unaligned register number
    mov ax, 0xB109
    mov di, 0x21
    int 0x1A
    setc bl
    movzx ebx, bl
    CHECK ebx, 1, "B109 odd register CF"
    movzx eax, ah
    CHECK eax, 0x87, "B109 odd register status"

    ; B10E: too small a buffer reports the size, then the table
    mov word [rbuf], 0
    mov word [rbuf + 2], rtable
    mov word [rbuf + 4], 0
    mov ax, 0xB10E
    xor bx, bx
    mov di, rbuf
    int 0x1A
    movzx eax, ah
    CHECK eax, 0x89, "B10E small buffer status"
    movzx eax, word [rbuf]
    CHECK eax, 32, "B10E size needed"        ; devices 1 (PIIX) and 2 (display)
    mov ax, 0xB10E
    xor bx, bx
    int 0x1A
    movzx eax, ah
    CHECK eax, 0, "B10E status"
    movzx eax, byte [rtable + 1]
    CHECK eax, 0x08, "B10E device 1"
    movzx eax, byte [rtable + 2]
    CHECK eax, 0x61, "B10E INTA# link (PIRQB)"
    movzx eax, word [rtable + 3]
    CHECK eax, 0xDEB8, "B10E INTA# IRQ map"
    movzx eax, byte [rtable + 16 + 1]
    CHECK eax, 0x10, "B10E device 2"
    movzx eax, byte [rtable + 16 + 2]
    CHECK eax, 0x62, "B10E device 2 INTA# link (PIRQC)"

    mov si, msg_pass
    call puts
    ret

msg_pass: db "PASS", 10, 0
rbuf: times 6 db 0
rtable: times 64 db 0
