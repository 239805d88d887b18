; iopl_io.asm - I/O permission bitmap and IOPL edge cases at CPL 3.
;  - IOPL 0: a byte access to an allowed port works; a word access needs
;    both bits clear (#GP(0) if either is set, also when the two bits sit in
;    different bitmap bytes); a dword access needs four;
;  - INS/OUTS go through the same check: allowed OUTSB/REP INSB work, INSW
;    with a denied second port gives #GP(0) without touching memory or EDI;
;  - the bitmap read is limited by the TSS limit: the processor reads two
;    bytes, so a port whose bitmap byte is the last byte inside the limit
;    works, one whose byte is at the limit (second byte beyond) or beyond it
;    gives #GP(0), and an I/O map base >= the limit denies every port;
;  - IOPL 3 at CPL 3 ignores the bitmap (denied ports, INS/OUTS, base beyond
;    the limit);
;  - CLI and STI with CPL > IOPL give #GP(0); POPFD with CPL > IOPL leaves IF
;    (and IOPL) unchanged without faulting; with IOPL 3 at CPL 3, POPFD
;    changes IF but not IOPL.
; Ports used: 0x80-0x83, 0x87-0x88 (POST/DMA page registers: harmless), and
; the debug port 0xE9 only for byte writes of printable text.
%include "lib.inc"

%define IOBM        (tss0 + TSS0_IOBM)
%define BUF         0x30000

; ALLOW port / DENY port: clear / set the port's bit in TSS0's bitmap
%macro ALLOW 1
        and byte [IOBM + (%1) / 8], ~(1 << ((%1) & 7))
%endmacro
%macro DENY 1
        or byte [IOBM + (%1) / 8], 1 << ((%1) & 7)
%endmacro

test_main:
        ; ------------------------------------------------ word access, IOPL 0
        ALLOW 0x80
        DENY 0x81
        RING3_BEGIN 2
        mov al, '.'
        out 0x80, al                    ; allowed byte
        in al, 0x80
        FAULT 13, 0, out 0x80, ax       ; 0x81 denied
        FAULT 13, 0, in ax, 0x80
        FAULT 13, 0, in al, 0x81
        mov dx, 0x80
        FAULT 13, 0, out dx, ax
        RING3_END
        DENY 0x80
        ALLOW 0x81
        RING3_BEGIN 2
        in al, 0x81
        FAULT 13, 0, out 0x80, ax       ; 0x80 denied, 0x81 allowed
        FAULT 13, 0, in ax, 0x80
        RING3_END
        ALLOW 0x80
        ALLOW 0x81
        DENY 0x82
        ALLOW 0x83
        RING3_BEGIN 2
        out 0x80, ax                    ; both allowed
        in ax, 0x80
        FAULT 13, 0, in eax, 0x80       ; 0x82 denied
        FAULT 13, 0, in ax, 0x81        ; 0x82 denied
        RING3_END
        ; two bits in different bitmap bytes (0x87 in byte 0x10, 0x88 in 0x11)
        ALLOW 0x87
        DENY 0x88
        RING3_BEGIN 2
        mov dx, 0x87
        in al, dx
        FAULT 13, 0, in ax, dx
        RING3_END
        ALLOW 0x88
        RING3_BEGIN 2
        mov dx, 0x87
        in ax, dx                       ; now both allowed
        RING3_END

        ; ------------------------------------------------ INS / OUTS, IOPL 0
        ALLOW 0x80
        DENY 0x81
        mov dword [BUF], 0x11223344
        mov dword [BUF + 4], 0x55667788
        RING3_BEGIN 2
        cld
        mov dx, 0x80
        mov esi, BUF
        outsb                           ; allowed
        CHECK esi, BUF + 1, "OUTSB to an allowed port: ESI"
        mov edi, BUF
        mov ecx, 4
        rep insb                        ; allowed
        CHECK edi, BUF + 4, "REP INSB from an allowed port: EDI"
        CHECK ecx, 0, "REP INSB from an allowed port: ECX"
        mov edi, BUF + 4
        FAULT 13, 0, insw               ; 0x81 denied
        CHECK edi, BUF + 4, "INSW from a denied port: EDI unchanged"
        CHECK [BUF + 4], 0x55667788, "INSW from a denied port: memory unchanged"
        mov esi, BUF
        FAULT 13, 0, outsw
        CHECK esi, BUF, "OUTSW to a denied port: ESI unchanged"
        mov dx, 0x81
        mov ecx, 2
        mov edi, BUF + 4
        FAULT 13, 0, rep insb
        CHECK ecx, 2, "REP INSB from a denied port: ECX unchanged"
        RING3_END

        ; ------------------------------------------------ TSS limit
        ; TSS0's limit is TSS0_LIMIT.  Move the I/O map base so that port
        ; 0x80's bitmap byte (offset 0x10) is the last byte inside the limit
        ; and port 0x88's (offset 0x11) is the byte at the limit.
        mov word [tss0 + TSS_IOPB], TSS0_LIMIT - 0x11
        and byte [tss0 + TSS0_LIMIT - 1], 0xFE          ; port 0x80 allowed
        and byte [tss0 + TSS0_LIMIT], 0xFE              ; port 0x88 "allowed"
        RING3_BEGIN 2
        in al, 0x80                     ; bytes limit-1 and limit: inside
        mov dx, 0x88
        FAULT 13, 0, in al, dx          ; second byte read is beyond the limit
        mov dx, 0x98
        FAULT 13, 0, in al, dx          ; byte beyond the limit
        RING3_END
        mov word [tss0 + TSS_IOPB], TSS0_LIMIT
        RING3_BEGIN 2
        FAULT 13, 0, in al, 0x80        ; I/O map base at the limit
        RING3_END
        mov word [tss0 + TSS_IOPB], 0xFFFF
        RING3_BEGIN 2
        FAULT 13, 0, in al, 0x80        ; I/O map base 0xFFFF
        RING3_END
        ; ------------------------------------------------ IOPL 3 at CPL 3
        RING3_BEGIN (IOPL3 | 2)
        in al, 0x80                     ; map base 0xFFFF: no bitmap at all
        out 0x80, al
        mov dx, 0x81
        in ax, dx
        mov edi, BUF + 8
        insb
        RING3_END
        mov word [tss0 + TSS_IOPB], TSS0_IOBM
        mov byte [tss0 + TSS0_LIMIT - 1], 0xFF
        mov byte [tss0 + TSS0_LIMIT], 0xFF
        DENY 0x80
        DENY 0x81
        RING3_BEGIN (IOPL3 | 2)
        in eax, 0x80                    ; all denied in the bitmap
        mov dx, 0x80
        mov esi, BUF
        outsw
        RING3_END

        ; ------------------------------------------------ CLI / STI / POPF
        RING3_BEGIN 2                   ; IOPL 0, IF 0
        FAULT 13, 0, cli
        FAULT 13, 0, sti
        pushfd
        pop eax
        or eax, FL_IF | IOPL3
        push eax
        popfd                           ; no fault, IF and IOPL stay 0
        pushfd
        pop eax
        and eax, FL_IF | IOPL3
        CHECK eax, 0, "POPFD at CPL 3, IOPL 0: IF and IOPL unchanged"
        RING3_END
        RING3_BEGIN (IOPL3 | 2)         ; IOPL 3, IF 0 (the PICs are masked)
        pushfd
        pop eax
        or eax, FL_IF
        and eax, ~IOPL3
        push eax
        popfd                           ; IF set, IOPL stays 3
        pushfd
        pop ebx
        cli
        and ebx, FL_IF | IOPL3
        CHECK ebx, FL_IF | IOPL3, "POPFD at CPL 3, IOPL 3: IF changes, IOPL does not"
        sti
        pushfd
        pop ebx
        cli
        and ebx, FL_IF
        CHECK ebx, FL_IF, "STI at CPL 3 with IOPL 3"
        RING3_END
        ret
